"""Section builders: one function per game kind, each calling the package's solvers.

Solvers are looked up by public name when a section is built, so a solver
that is missing from this installation is reported in ``skipped`` instead of
breaking the whole report.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from coopgame.errors import CoopgameError
from coopgame.report.plots import allocation_bars, fund_flows, phase_portrait
from coopgame.report.section import Section
from coopgame.results import Summary, format_number, to_jsonable

__all__ = ["pairwise_sections", "ncity_sections", "cooperative_sections", "result_section", "LP_MAX_PLAYERS"]

LP_MAX_PLAYERS = 20
"""Largest game for which ``solve`` runs the LP-based concepts (core, least core, nucleolus).

Measured on the 2-core development machine: at n = 20 each of the three took at most
0.16 s on random n-city games, 0.11 s on random convex games and 2.3 s (nucleolus)
on random non-convex games; the dense game itself is 2**20 floats (8 MiB).
"""

BANZHAF_MAX_PLAYERS = 26
"""Largest dense game for which ``solve`` computes the Banzhaf value."""


def _solver(name: str) -> Callable[..., Any] | None:
    """The public function ``coopgame.<name>``, or None when this installation lacks it."""
    import coopgame

    try:
        return getattr(coopgame, name)
    except (AttributeError, ImportError):
        return None


def _timed(func: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    out = func(*args, **kwargs)
    return out, time.perf_counter() - start


def _title(base: str, label: str) -> str:
    return f"{base} ({label.replace('_', ' ')})" if label else base


def result_section(obj: Any, *, key: str) -> list[Section]:
    """A section from any result object with ``summary()`` and ``to_dict()``."""
    return [Section(key=key, summary=obj.summary(), data=obj.to_dict())]


# ---------------------------------------------------------------------------------------------- pairwise
def pairwise_sections(game: Any, *, label: str, skipped: list[str], initial: Any = None) -> list[Section]:
    """Payoff table and class, every Nash equilibrium, and the replicator dynamics of a 2×2 game."""
    out = [_payoff_section(game, label)]
    nash = _solver("nash_equilibria")
    if nash is None:
        skipped.append("Nash equilibria: coopgame.nash_equilibria is not available in this installation")
    else:
        res, dt = _timed(nash, game)
        out.append(Section(key="equilibria", summary=res.summary(), data=res.to_dict(), elapsed=dt))
    if game.shape == (2, 2):
        out.append(_dynamics_section(game, label, skipped, initial))
    else:
        skipped.append(f"replicator phase portrait: drawn for 2x2 games only; this game is {game.shape}")
    return out


def _payoff_section(game: Any, label: str) -> Section:
    A, B = game.row_payoffs, game.col_payoffs
    acts = game.actions
    rows = tuple((f"({acts[0][i]}, {acts[1][j]})", format_number(A[i, j]), format_number(B[i, j]),
                  format_number(A[i, j] + B[i, j]))
                 for i in range(A.shape[0]) for j in range(A.shape[1]))
    facts = [("players", f"{game.players[0]} (row), {game.players[1]} (column)")]
    data: dict[str, Any] = {"row_payoffs": A, "col_payoffs": B, "players": game.players}
    if game.shape == (2, 2):
        cls = game.classify()
        facts += [("game class", cls.name), ("regime (pure best responses)", cls.regime)]
        data["classification"] = cls.to_dict()
    best = game.social_optimum()
    facts.append(("welfare optimum", ", ".join(f"({acts[0][i]}, {acts[1][j]})" for i, j in best)))
    summary = Summary(title=_title("The game: payoffs of each profile", label), facts=tuple(facts),
                      columns=("profile (row, column)", game.players[0], game.players[1], "welfare"), rows=rows,
                      notes=("Action C cooperates, D defects (protects its own interest).",)
                      if game.shape == (2, 2) else ())
    return Section(key="game", summary=summary, data=data)


_CORNERS = ((1.0, 1.0), (0.0, 0.0), (1.0, 0.0), (0.0, 1.0))
_CORNER_NAMES = ("(C, C)", "(D, D)", "(C, D)", "(D, C)")


def _dynamics_section(game: Any, label: str, skipped: list[str], initial: Any = None) -> Section:
    A, B = np.asarray(game.row_payoffs), np.asarray(game.col_payoffs)
    start = time.perf_counter()
    points = _rest_points(game, A, B, skipped)
    k = 41
    grid = np.linspace(0.0, 1.0, k + 2)[1:-1]  # interior states: a population with no cooperators never gains any
    x0 = np.stack(np.meshgrid(grid, grid), axis=-1).reshape(-1, 2)  # x along columns, y along rows
    final = _integrate(game, x0, A, B, skipped)
    dist = np.linalg.norm(final[:, None, :] - np.array(_CORNERS)[None], axis=2)
    basin = np.where(dist.min(axis=1) < 1e-2, dist.argmin(axis=1), -1).reshape(k, k)
    share_cc = float(np.mean(basin == 0))
    start_state = None
    if initial is not None and np.size(initial) == 2:
        start_state = np.asarray(initial, dtype=float).reshape(1, 2)
        end = _integrate(game, start_state, A, B, skipped)[0]
        d = np.linalg.norm(np.array(_CORNERS) - end, axis=1)
        dest = _CORNER_NAMES[int(d.argmin())] if d.min() < 1e-2 else \
            f"({format_number(end[0])}, {format_number(end[1])}), no corner"
    dt = time.perf_counter() - start
    rows = tuple((f"({format_number(x)}, {format_number(y)})", lab, det, tr) for x, y, lab, det, tr in points)
    facts = (("basin share of full cooperation (C, C)", f"{share_cc:.1%} of a {k}x{k} grid of initial states"),
             ("integration", "t in [0, 50] from each grid point"))
    if start_state is not None:
        x0s, y0s = start_state[0]
        facts += ((f"from the model's initial shares ({format_number(x0s)}, {format_number(y0s)})",
                   f"converges to {dest}"),)
    notes = ["x and y are the shares of each city's departments that cooperate.",
             "An interior rest point of a 2x2 replicator system has trace 0: it is a saddle or a centre, "
             "never asymptotically stable."]
    summary = Summary(title=_title("Evolutionary dynamics (two-population replicator)", label), facts=facts,
                      columns=("rest point (x, y)", "type", "det J", "tr J"), rows=rows, notes=tuple(notes))
    rest = [(float(x), float(y), lab) for x, y, lab, _, _ in points]

    # Figures are partials of module-level functions (not closures) so that the analysis pickles.
    draw = partial(phase_portrait, A, B, basin=basin, basin_labels=_CORNER_NAMES, rest_points=rest,
                   players=game.players, title=_title("Replicator phase portrait", label),
                   initial=None if start_state is None else tuple(start_state[0]))

    return Section(key="dynamics", summary=summary, elapsed=dt, figure=draw,
                   caption="Replicator dynamics on the unit square: streamlines, rest points and basins of attraction.",
                   data={"rest_points": [{"x": x, "y": y, "type": t, "det": d, "trace": tr}
                                         for x, y, t, d, tr in points],
                         "basin_share_full_cooperation": share_cc, "basin_grid": basin})


def _rest_points(game: Any, A: np.ndarray, B: np.ndarray, skipped: list[str]) -> list[tuple]:
    """Rest points with type, det and trace of the Jacobian (from coopgame.dynamics when present)."""
    finder = _solver("rest_points")
    if finder is not None:
        res = finder(game)
        return [(float(p.state[0]), float(p.state[1]), str(p.label), format_number(p.determinant),
                 format_number(p.trace)) for p in res.points]
    skipped.append("rest points from coopgame.rest_points: not available; the closed form of MODELS.md §1 was used")
    # Closed form (MODELS.md §1): corners and the interior point of the 2×2 system.
    a_a, b_a = A[0, 1] - A[1, 1], (A[0, 0] - A[1, 0]) - (A[0, 1] - A[1, 1])
    a_b, b_b = B[1, 0] - B[1, 1], (B[0, 0] - B[0, 1]) - (B[1, 0] - B[1, 1])
    cands = [(0.0, 0.0, a_a, a_b), (1.0, 0.0, -a_a, a_b + b_b), (0.0, 1.0, a_a + b_a, -a_b),
             (1.0, 1.0, -(a_a + b_a), -(a_b + b_b))]
    out = []
    for x, y, l1, l2 in cands:
        out.append((x, y, _label(l1, l2), format_number(l1 * l2), format_number(l1 + l2)))
    if b_a != 0 and b_b != 0:
        xs, ys = -a_b / b_b, -a_a / b_a
        if 0 < xs < 1 and 0 < ys < 1:
            det = -xs * (1 - xs) * ys * (1 - ys) * b_a * b_b
            out.append((xs, ys, "saddle" if det < 0 else "centre", format_number(det), "0"))
    return out


def _label(l1: float, l2: float) -> str:
    if l1 < 0 and l2 < 0:
        return "ESS"
    if l1 > 0 and l2 > 0:
        return "source"
    if l1 * l2 < 0:
        return "saddle"
    return "non-hyperbolic"


def _integrate(game: Any, x0: np.ndarray, A: np.ndarray, B: np.ndarray, skipped: list[str]) -> np.ndarray:
    """End states of the replicator dynamics from each initial state (batched)."""
    solver = _solver("replicator_dynamics")
    if solver is not None:
        return np.asarray(solver(game, x0, (0.0, 50.0)).states[:, -1, :], dtype=float)
    skipped.append("replicator_dynamics: not available; basins from a fixed-step RK4 on the closed-form field")
    from coopgame.report.plots import replicator_field

    # Fallback: classical RK4 on the closed-form field, all initial states at once.
    z = x0.copy()
    h = 0.05
    for _ in range(1000):
        def f(s: np.ndarray) -> np.ndarray:
            return np.stack(replicator_field(A, B, s[:, 0], s[:, 1]), axis=1)
        k1 = f(z)
        k2 = f(z + 0.5 * h * k1)
        k3 = f(z + 0.5 * h * k2)
        k4 = f(z + h * k3)
        z = np.clip(z + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4), 0.0, 1.0)
    return z


# ---------------------------------------------------------------------------------------------- n-city
def ncity_sections(game: Any, *, label: str, skipped: list[str], context: dict[str, Any]) -> list[Section]:
    """Pure equilibria and welfare of the n-city game, then its cooperative game and fund analysis."""
    out: list[Section] = []
    initial = context.get("initial")
    if game.n_players == 2 and game.n_layers == 1:
        out += pairwise_sections(game.to_pairwise(), label=label, skipped=skipped,
                                 initial=None if initial is None or np.size(initial) != 2 else initial)
    elif game.n_players == 2:
        # Issue layers do not interact: each issue is its own 2x2 game with its own dynamics.
        starts = None if initial is None else np.asarray(initial, dtype=float).reshape(game.n_layers, 2)
        for k, issue in enumerate(game.issues):
            out += pairwise_sections(game.layer(k).to_pairwise(), label=f"issue: {issue}", skipped=skipped,
                                     initial=None if starts is None else starts[k])
    else:
        out.append(_ncity_equilibria(game, label, skipped))
        efficiency = _solver("price_of_anarchy")
        if efficiency is not None:
            try:
                res, dt = _timed(efficiency, game)
                out.append(Section(key="efficiency", summary=res.summary(), data=res.to_dict(), elapsed=dt))
            except CoopgameError as err:
                skipped.append(f"price of anarchy: {err}")
    status_quo = np.asarray(game.status_quo(), dtype=float)
    ctx = dict(context)
    ctx.setdefault("status_quo", status_quo)
    out += cooperative_sections(game.tu_game(), label=label, skipped=skipped, context=ctx, progress=False)
    return out


def _ncity_equilibria(game: Any, label: str, skipped: list[str]) -> Section:
    start = time.perf_counter()
    finder = _solver("pure_equilibria")
    res = None
    if finder is not None:
        try:
            res = finder(game)
        except CoopgameError as err:
            skipped.append(f"pure equilibria of the n-city game: {err}")
    opt, best = game.welfare_optimum()
    dt = time.perf_counter() - start
    if res is not None and hasattr(res, "summary"):
        return Section(key="equilibria", summary=res.summary(), data=res.to_dict(), elapsed=dt)
    if finder is None:
        skipped.append("pure equilibria of the n-city game: coopgame.pure_equilibria is not available")
    n = game.n_players
    masks = np.atleast_1d(opt)
    who = [", ".join(p for i, p in enumerate(game.players) if (int(m) >> i) & 1) or "none" for m in masks]
    summary = Summary(title=_title("Welfare optimum of the n-city game", label),
                      facts=(("cities", str(n)), ("welfare at the optimum", format_number(best)),
                             ("cooperating at the optimum", "; ".join(who))))
    return Section(key="welfare", summary=summary, data={"optimum_masks": masks, "welfare": best}, elapsed=dt)


# ---------------------------------------------------------------------------------------------- cooperative
def cooperative_sections(game: Any, *, label: str, skipped: list[str], context: dict[str, Any],
                         progress: bool) -> list[Section]:
    """Point solutions side by side, core and least core, and the fund analysis when a status quo is known."""
    from coopgame.games.structured import StructuredGame

    n = game.n_players
    allocs: dict[str, Any] = {}
    times: dict[str, float] = {}
    shapley = _solver("shapley_value")
    res, times["shapley"] = _timed(shapley, game)
    allocs["shapley"] = res
    dense = None
    if isinstance(game, StructuredGame):
        if n <= LP_MAX_PLAYERS:
            dense = game.to_tu()
    else:
        dense = game
    banzhaf = _solver("banzhaf_value")
    if banzhaf is None:
        skipped.append("Banzhaf value: coopgame.banzhaf_value is not available in this installation")
    elif dense is None and n > BANZHAF_MAX_PLAYERS:
        skipped.append(f"Banzhaf value: n = {n} > {BANZHAF_MAX_PLAYERS}")
    else:
        try:
            allocs["banzhaf"], times["banzhaf"] = _timed(banzhaf, dense if dense is not None else game)
        except CoopgameError as err:
            skipped.append(f"Banzhaf value: {err}")
    core_res = least = None
    if dense is None or n > LP_MAX_PLAYERS:
        skipped.append(f"core, least core and nucleolus: n = {n} > {LP_MAX_PLAYERS} players "
                       "(LP sizes grow as 2^n; call coopgame.nucleolus(game) directly to try)")
    else:
        for name in ("nucleolus", "least_core", "core"):
            func = _solver(name)
            if func is None:
                skipped.append(f"{name.replace('_', ' ')}: coopgame.{name} is not available in this installation")
                continue
            try:
                value, times[name] = _timed(func, dense)
            except CoopgameError as err:
                skipped.append(f"{name.replace('_', ' ')}: {err}")
                continue
            if name == "core":
                core_res = value
            else:
                allocs[name] = value
                if name == "least_core":
                    least = value
    if "status_quo" not in context and isinstance(game, StructuredGame) and not game.cost_terms:
        # a quadratic game carries its own status quo: a_i + Σ_j M_ij (everyone in, no transfers)
        context = dict(context, status_quo=np.asarray(game.status_quo(), dtype=float))
    _add_proportional(game, allocs, context)
    out = [_allocation_section(game, dense, allocs, times, core_res, least, label, context)]
    if core_res is not None:
        out.append(Section(key="core", summary=core_res.summary(), data=core_res.to_dict(),
                           elapsed=times.get("core", 0.0)))
    out += _fund_sections(dense if dense is not None else game, label, skipped, context)
    return out


_CONCEPT_NAMES = {"shapley": "Shapley", "banzhaf": "Banzhaf", "nucleolus": "nucleolus", "least_core": "least core"}


def _add_proportional(game: Any, allocs: dict[str, Any], context: dict[str, Any]) -> None:
    """Proportional splits by each weight the model names (GDP, revenue, contributions, flows ...).

    ``x_i = w_i / sum(w) * v(N)``; for cost games the joint cost is split so:
    cost share ``w_i / sum(w) * C(N)``.
    """
    from coopgame.results import AllocationResult

    players = tuple(game.players)
    grand = float(game.grand_value)
    is_cost = bool(getattr(game, "is_cost_game", False))
    for name, weights in context.get("weights", {}).items():
        w = np.asarray(weights, dtype=float)
        if w.shape != (len(players),) or np.any(w < 0) or w.sum() <= 0:
            continue
        share = w / w.sum()
        if is_cost:
            alone = np.asarray(game.standalone_costs, dtype=float)
            cost = share * (alone.sum() - grand)
            result = AllocationResult(alone - cost, players, f"proportional to {name}", "closed form", cost_shares=cost)
        else:
            result = AllocationResult(share * grand, players, f"proportional to {name}", "closed form")
        key = f"proportional to {name.replace('_', ' ')}"
        _CONCEPT_NAMES.setdefault(key, f"prop. to {name.replace('_', ' ')}")
        allocs[key] = result


def _allocation_section(game: Any, dense: Any, allocs: dict[str, Any], times: dict[str, float], core_res: Any,
                        least: Any, label: str, context: dict[str, Any]) -> Section:
    players = tuple(game.players)
    is_cost = bool(getattr(game, "is_cost_game", False))
    shap = allocs["shapley"]
    grand = float(game.grand_value)
    if is_cost:
        alone = np.asarray(game.standalone_costs, dtype=float)
        columns = ["city", "stand-alone cost"] + [f"{_CONCEPT_NAMES[k]} cost share" for k in allocs]
        vectors = {k: np.asarray(r.cost_shares if r.cost_shares is not None else alone - r.allocation, dtype=float)
                   for k, r in allocs.items()}
    else:
        alone = np.asarray(game.singleton_values if dense is game else
                           game.value_of_masks(1 << np.arange(len(players), dtype=np.int64)), dtype=float)
        columns = ["city", "v({i}) alone"] + [_CONCEPT_NAMES[k] for k in allocs]
        vectors = {k: np.asarray(r.allocation, dtype=float) for k, r in allocs.items()}
    rows = tuple((p, format_number(alone[i]), *(format_number(v[i]) for v in vectors.values()))
                 for i, p in enumerate(players))
    facts = [("players", str(len(players))), ("v(N), the grand coalition's worth", format_number(grand))]
    if is_cost:
        total_cost = getattr(game, "total_cost", None)
        facts.append(("joint cost C(N)", format_number(alone.sum() - grand if total_cost is None else total_cost)))
    method = shap.method
    how = f"exact (2^{len(players)} = {2 ** len(players):,} coalitions)" if method == "exact" else method
    if "build_seconds" in context and dense is game:
        facts.append(("coalition values", f"{2 ** len(players):,} computed in {context['build_seconds']:.3f} s"))
    facts.append(("Shapley value", f"{how}, {times['shapley']:.3f} s"))
    for k in allocs:
        if k in times and k != "shapley":
            facts.append((f"{_CONCEPT_NAMES[k]} time", f"{times[k]:.3f} s"))
    if least is not None:
        facts.append(("least-core epsilon", format_number(least.epsilon)))
    if core_res is not None:
        facts.append(("core", "empty" if core_res.is_empty else "non-empty"))
        if not core_res.is_empty:
            inside = [_CONCEPT_NAMES[k] for k, r in allocs.items() if _contains(core_res, r.allocation)]
            facts.append(("in the core", ", ".join(inside) or "none of these"))
    notes = ["Cost shares: what each city pays of the joint cost." if is_cost else
             "Payoffs: each city's share of the grand coalition's worth v(N)."]
    if "banzhaf" in allocs:
        notes.append("The Banzhaf value is not efficient: its entries need not add up to v(N).")
    unit = context.get("unit")
    if unit:
        notes.append(f"Unit: {unit}.")
    summary = Summary(title=_title("Allocation by solution concept", label), facts=tuple(facts),
                      columns=tuple(columns), rows=rows, notes=tuple(notes))
    data = {k: {"allocation": r.allocation, "method": r.method,
                "cost_shares": r.cost_shares, "elapsed_seconds": times.get(k, 0.0)} for k, r in allocs.items()}
    data["players"] = players
    data["grand_value"] = grand
    if least is not None:
        data["least_core_epsilon"] = float(least.epsilon)
    if core_res is not None:
        data["core_is_empty"] = bool(core_res.is_empty)
    shown = {(_CONCEPT_NAMES[k]): v for k, v in vectors.items()}
    status_quo = context.get("status_quo") if not is_cost else None

    draw = partial(allocation_bars, players, shown, status_quo=status_quo,
                   ylabel="cost share" if is_cost else "payoff" + (f" ({unit})" if unit else ""),
                   title=_title("Allocation by solution concept", label))

    return Section(key="allocations", summary=summary, data=data, elapsed=sum(times.values()), figure=draw,
                   caption="Each city's " + ("cost share" if is_cost else "payoff") + " under each solution concept"
                   + (" (black ticks: status quo without transfers)." if status_quo is not None else "."))


def _contains(core_res: Any, x: np.ndarray) -> bool:
    try:
        return bool(core_res.contains(x))
    except (CoopgameError, TypeError):
        return False


def _fund_sections(game: Any, label: str, skipped: list[str], context: dict[str, Any]) -> list[Section]:
    """Compare sharing rules against the status quo with the policy layer's fund analysis."""
    analysis = _solver("fund_analysis")
    if analysis is None:
        skipped.append("fund analysis: coopgame.fund_analysis is not available in this installation")
        return []
    if "status_quo" not in context:
        why = ("its joint costs have no natural split without transfers" if getattr(game, "is_cost_game", False)
               or getattr(game, "cost_terms", ()) else "the model defines none")
        skipped.append(f"fund analysis: no status quo (payoffs with everyone cooperating and no transfers): {why}; "
                       "see the allocation table instead")
        return []
    if game.n_players > LP_MAX_PLAYERS:
        skipped.append(f"fund analysis: n = {game.n_players} > {LP_MAX_PLAYERS} players (core tests are LPs)")
        return []
    from coopgame.policy.rules import ProportionalRule

    rules: list[Any] = ["shapley", "nucleolus", "equal", *context.get("rules", ())]
    for name, weights in context.get("weights", {}).items():
        try:
            rules.append(ProportionalRule(np.asarray(weights, dtype=float), basis=name.replace("_", " ")))
        except CoopgameError as err:
            skipped.append(f"proportional rule by {name}: {err}")
    try:
        res, dt = _timed(analysis, game, status_quo=context["status_quo"], rules=rules)
    except CoopgameError as err:
        skipped.append(f"fund analysis: {err}")
        return []
    players = tuple(res.players)
    outcome = res.outcomes[0]
    flows = [(f.payer, f.receiver, float(f.amount)) for f in outcome.flows]
    table = res.allocation_table()
    table = Summary(title=_title(table.title, label), facts=(("status quo", "each city's payoff with everyone "
                                                                   "cooperating and no transfers"),),
                    columns=table.columns, rows=table.rows, notes=table.notes)
    summary = res.summary()
    merged = Summary(title=_title(summary.title, label), facts=summary.facts, columns=summary.columns,
                     rows=summary.rows, notes=summary.notes)

    figure = partial(fund_flows, players, outcome.net_transfer, flows=flows, unit=context.get("unit", ""),
                     title=_title(f"Fund flows under the {outcome.rule} rule", label))

    data = to_jsonable(res.to_dict())
    return [Section(key="fund", summary=merged, data=data, elapsed=dt, figure=figure,
                    caption=f"Net transfer of each city under the {outcome.rule} rule, against its status quo "
                            "(everyone cooperating, no transfers): left pays into the fund, right receives."),
            Section(key="fund-allocations", summary=table, data=table.to_dict())]

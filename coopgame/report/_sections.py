"""Section builders: one function per game type, each running the concepts the registry says apply.

Which concepts a section runs, with which solver and within which limits,
comes from :mod:`coopgame.policy.concepts`; a concept the registry skips for a
game is listed in ``skipped`` with the registry's reason.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from coopgame._bitmask import member_labels
from coopgame.errors import CoopgameError
from coopgame.games import NCityGame, PairwiseGame, StructuredGame, TUGame, ValueFunctionGame
from coopgame.policy.concepts import BANZHAF_MAX_PLAYERS, CONCEPTS, LP_MAX_PLAYERS, as_forms, plan
from coopgame.policy.transfers import CORE_MAX_PLAYERS
from coopgame.report.plots import allocation_bars, fund_flows, phase_portrait
from coopgame.report.section import Section
from coopgame.results import Summary, format_number, to_jsonable

__all__ = ["pairwise_sections", "ncity_sections", "cooperative_sections", "result_section", "policy_answer_section",
           "policy_headline", "LP_MAX_PLAYERS", "BANZHAF_MAX_PLAYERS"]

# LP_MAX_PLAYERS (core, least core, nucleolus, fund analysis) and BANZHAF_MAX_PLAYERS are the registry's limits.


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
def pairwise_sections(game: Any, *, label: str, skipped: list[str], initial: Any = None,
                      notes: tuple[str, ...] = ()) -> list[Section]:
    """Payoff table and class, every Nash equilibrium, and the replicator dynamics of a 2×2 game.

    The concepts are the registry's for :class:`~coopgame.PairwiseGame`: classification (2×2),
    equilibria, and the dynamics concepts (rest points, regime, basins; 2×2). A game of perceived
    payoffs (:attr:`~coopgame.PairwiseGame.is_perceived`) shows them labelled "perceived" beside the
    true ones its welfare column is computed from. ``notes`` are added to the payoff table's notes.
    """
    concepts = plan(game)
    out = [_payoff_section(game, label, classify="classification" in concepts, notes=notes)]
    for concept in concepts.role("equilibria"):
        try:
            res, dt = _timed(concept.solver, game)
        except CoopgameError as err:  # a typed refusal (size, range) is reported, the other sections still run
            skipped.append(f"{concept.title}: {err}")
            continue
        out.append(Section(key="equilibria", summary=res.summary(), data=res.to_dict(), elapsed=dt))
    if concepts.role("dynamics"):
        try:
            out.append(_dynamics_section(game, label, skipped, initial))
        except CoopgameError as err:
            skipped.append(f"evolutionary dynamics: {err}")
    skipped += concepts.messages()
    return out


def _payoff_section(game: Any, label: str, *, classify: bool = False, notes: tuple[str, ...] = ()) -> Section:
    """The payoff table. Welfare is always the sum of the true payoffs (DESIGN §2.1); a game of perceived
    payoffs shows those, labelled "perceived", beside the true ones (decisions read the perceived)."""
    A, B = game.row_payoffs, game.col_payoffs
    true = game.true_game
    TA, TB = true.row_payoffs, true.col_payoffs
    W = game.welfare()  # the true payoffs' sum
    acts = game.actions
    p1, p2 = game.players
    perceived = bool(game.is_perceived)
    cells = range(A.shape[0]), range(A.shape[1])
    if perceived:
        columns = ("profile (row, column)", f"{p1} perceived", f"{p2} perceived", f"{p1} true", f"{p2} true",
                   "welfare (true)")
        rows = tuple((f"({acts[0][i]}, {acts[1][j]})", A[i, j], B[i, j],
                      TA[i, j], TB[i, j], W[i, j])
                     for i in cells[0] for j in cells[1])
    else:
        columns = ("profile (row, column)", p1, p2, "welfare")
        rows = tuple((f"({acts[0][i]}, {acts[1][j]})", A[i, j], B[i, j],
                      W[i, j])
                     for i in cells[0] for j in cells[1])
    facts = [("players", f"{p1} (row), {p2} (column)")]
    data: dict[str, Any] = {"row_payoffs": A, "col_payoffs": B, "players": game.players, "welfare": W,
                            "payoffs": "perceived" if perceived else "true"}
    if perceived:
        data.update(true_row_payoffs=TA, true_col_payoffs=TB)
    if classify:
        cls = CONCEPTS["classification"].solver(game)
        on = " (perceived payoffs)" if perceived else ""
        facts += [(f"game class{on}", cls.name), (f"regime (strict pure equilibria{', perceived' if perceived else ''})",
                                                   cls.regime)]
        data["classification"] = cls.to_dict()
        if perceived:  # what the perception factor changes: the game the cities would play on true payoffs
            true_cls = CONCEPTS["classification"].solver(true)
            facts.append(("with true payoffs it would be", f"{true_cls.name}, {true_cls.regime}"))
            data["true_classification"] = true_cls.to_dict()
    best = game.social_optimum()
    facts.append(("welfare optimum (true payoffs)" if perceived else "welfare optimum",
                  ", ".join(f"({acts[0][i]}, {acts[1][j]})" for i, j in best)))
    all_notes = [_cooperative_actions_note(acts)] if game.shape == (2, 2) else []
    if perceived:
        all_notes.append("Perceived payoffs drive decisions: the game class, the equilibria and the dynamics are "
                         "computed from them. Welfare is the sum of the true payoffs.")
    all_notes += notes
    summary = Summary(title=_title("The game: payoffs of each profile", label), facts=tuple(facts),
                      columns=columns, rows=rows, notes=tuple(all_notes))
    return Section(key="game", summary=summary, data=data)


_CORNERS = ((1.0, 1.0), (0.0, 0.0), (1.0, 0.0), (0.0, 1.0))


def _cooperative_actions_note(actions: tuple[tuple[str, ...], ...]) -> str:
    """Which action of each player is the cooperative one (action 0, the coordinate of the dynamics)."""
    if all(tuple(a) == ("C", "D") for a in actions):
        return "Action C cooperates, D defects (protects its own interest)."
    return (f"The cooperative actions are {actions[0][0]} (row) and {actions[1][0]} (column); "
            f"{actions[0][1]} and {actions[1][1]} protect each player's own interest.")


def _dynamics_section(game: Any, label: str, skipped: list[str], initial: Any = None) -> Section:
    """Rest points (coopgame.rest_points), basins (coopgame.basin_share) and the model's own start state."""
    from coopgame.dynamics import basin_share, replicator_dynamics, rest_points

    A, B = np.asarray(game.row_payoffs), np.asarray(game.col_payoffs)
    start = time.perf_counter()
    found = rest_points(game).points
    points = [(float(p.state[0]), float(p.state[1]), str(p.label), p.determinant,
               p.trace) for p in found]
    k = 41
    # default target: full cooperation (C, C); default horizon 200 / the largest payoff advantage (any unit)
    basins = basin_share(game, points=k)
    tol, t_max = basins.parameters["target_atol"], basins.parameters["t_max"]
    corners = np.array(_CORNERS)
    acts = game.actions  # corner names in the game's own actions: (protect, honour), not only (C, D)
    names = tuple(f"({acts[0][int(1 - x)]}, {acts[1][int(1 - y)]})" for x, y in _CORNERS)
    # only an asymptotically stable corner has a basin: a run near a saddle at t_max is passing by
    stable = np.array([any(p.is_ess and np.allclose(p.state, c) for p in found) for c in _CORNERS])
    gap = np.max(np.abs(basins.final_states[:, None, :] - corners[None]), axis=2)  # (states, corners), max-norm
    near = gap.argmin(axis=1)
    ends = np.where((gap.min(axis=1) <= tol) & stable[near], near, -1)
    basin = ends.reshape(k, k).T  # the grid runs x first; the portrait wants x along columns, y along rows
    share_cc = float(basins.share) if stable[0] else 0.0
    if stable[0]:
        basin_text = f"{share_cc:.1%} of a {k}x{k} grid of initial states (cell centres)"
    else:
        basin_text = (f"none: {names[0]} is not asymptotically stable ({basins.share:.1%} of the {k}x{k} grid runs "
                      f"pass within {format_number(tol)} of it at t = {format_number(t_max)})")
    start_state = None
    if initial is not None and np.size(initial) == 2:
        start_state = np.asarray(initial, dtype=float).reshape(1, 2)
        end = replicator_dynamics(game, start_state, (0.0, t_max)).final_states[0]
        d = np.max(np.abs(corners - end), axis=1)
        dest = f"converges to {names[int(d.argmin())]}" if d.min() <= tol and stable[d.argmin()] else \
            f"at t = {format_number(t_max)} is at ({format_number(end[0])}, {format_number(end[1])}), not at a " \
            "stable corner"
    dt = time.perf_counter() - start
    rows = tuple((f"({format_number(x)}, {format_number(y)})", lab, det, tr) for x, y, lab, det, tr in points)
    facts = ((f"basin share of full cooperation {names[0]}", basin_text),
             ("integration", f"t in [0, {format_number(t_max)}] (200 / the largest payoff advantage) from each "
                             f"grid point; a run ends at a stable corner within {format_number(tol)}"))
    if start_state is not None:
        x0s, y0s = start_state[0]
        facts += ((f"from the model's initial shares ({format_number(x0s)}, {format_number(y0s)})", dest),)
    notes = ["x and y are the shares of each city's departments that cooperate.",
             "An interior rest point of a 2x2 replicator system has trace 0: it is a saddle or a centre, "
             "never asymptotically stable."]
    if game.is_perceived:
        notes.append("The dynamics run on the perceived payoffs (the ones decisions use), not the true ones.")
    summary = Summary(title=_title("Evolutionary dynamics (two-population replicator)", label), facts=facts,
                      columns=("rest point (x, y)", "type", "det J", "tr J"), rows=rows, notes=tuple(notes))
    rest = [(x, y, lab) for x, y, lab, _, _ in points]

    # Figures are partials of module-level functions (not closures) so that the analysis pickles.
    draw = partial(phase_portrait, A, B, basin=basin, basin_labels=names, rest_points=rest,
                   players=game.players, title=_title("Replicator phase portrait", label),
                   initial=None if start_state is None else tuple(start_state[0]))

    return Section(key="dynamics", summary=summary, elapsed=dt, figure=draw,
                   caption="Replicator dynamics on the unit square: streamlines, rest points and basins of attraction.",
                   data={"rest_points": [{"x": x, "y": y, "type": t, "det": d, "trace": tr}
                                         for x, y, t, d, tr in points],
                         "basin_share_full_cooperation": share_cc, "basin_grid": basin})


# ---------------------------------------------------------------------------------------------- n-city
def ncity_sections(game: Any, *, label: str, skipped: list[str], context: dict[str, Any]) -> list[Section]:
    """The registry's concepts for an n-city game, in its order: the pairwise form of a two-city game
    (one 2×2 game per issue layer: layers do not interact), pure equilibria and price of anarchy (three
    cities or more), then its cooperative game and fund analysis against the status quo.
    """
    out: list[Section] = []
    initial = context.get("initial")
    concepts = plan(game)
    _add_outside(game, context)
    for concept in concepts:
        if concept.role == "form":
            forms = as_forms(concept.solver(game, **_given(concept.name, game, context)))
            if all(isinstance(form, PairwiseGame) for _, form in forms):
                starts = None if initial is None or np.size(initial) != 2 * len(forms) else \
                    np.asarray(initial, dtype=float).reshape(len(forms), 2)
                note = _perception_note(game)
                for k, (form_label, form) in enumerate(forms):
                    out += pairwise_sections(form, label=form_label or label, skipped=skipped,
                                             initial=None if starts is None else starts[k], notes=note)
            elif "own_cooperative_form" in context:
                continue  # the model states its own cooperative game (members, or a facility): that form follows
            else:
                ctx = dict(context)
                notes: tuple[str, ...] = ()
                if "status_quo" not in ctx:
                    ctx["status_quo"], notes = _alpha_status_quo(game)
                if game.perceived_differs:  # DESIGN §2.1: worths are welfare, so true payoffs
                    notes = ("Coalition worths v(S) and the status quo are true payoffs; the perception factor "
                             "enters decisions only, not these numbers.", *notes)
                if notes:
                    ctx["payoff_notes"] = notes
                for form_label, form in forms:
                    out += cooperative_sections(form, label=form_label or label, skipped=skipped, context=ctx,
                                                progress=False)
        elif concept.role == "equilibria":
            out.append(_ncity_equilibria(game, label, skipped, concept.solver))
        else:
            oo = context.get("outside")
            try:
                if concept.name == "outside_options" and oo is not None and oo.game is game:
                    res, dt = oo, 0.0  # computed once for the report (_add_outside)
                else:
                    res, dt = _timed(concept.solver, game, **_given(concept.name, game, context))
            except CoopgameError as err:
                skipped.append(f"{concept.title}: {err}")
                continue
            context.setdefault("collect", {})[concept.role] = res  # the policy answer reads it
            out.append(Section(key=concept.role, summary=res.summary(), data=res.to_dict(), elapsed=dt))
    skipped += concepts.messages(roles=("equilibria", "efficiency"))
    return out


def _given(name: str, game: Any, context: dict[str, Any]) -> dict[str, Any]:
    """What the report already has for a concept (the model's alpha game, the outside options): not recomputed."""
    tu, oo = context.get("alpha_tu"), context.get("outside")
    tu_ok = tu is not None and tu.n_players == game.n_players
    if name == "cooperative_form" and tu_ok:
        return {"tu": tu}
    if name == "self_enforcing_transfers":
        kwargs: dict[str, Any] = {} if oo is None or tuple(oo.players) != tuple(game.players) else {"outside": oo}
        if tu_ok and isinstance(tu, TUGame) and game.n_players <= CORE_MAX_PLAYERS:  # larger: the default path
            kwargs |= {"tu": tu, "tu_label": "alpha"}
        return kwargs
    return {}


def _alpha_status_quo(game: Any) -> tuple[np.ndarray, tuple[str, ...]]:
    """The status quo the alpha game's allocations are compared with (:func:`~coopgame.policy.outside.
    welfare_status_quo`), with a note when it is not full cooperation."""
    from coopgame.policy.outside import welfare_status_quo

    sq, optimum = welfare_status_quo(game)
    if optimum is None:
        return sq, ()
    full = float(np.sum(game.status_quo()))
    where = "; ".join((f"{issue}: " if game.n_layers > 1 else "")
                      + (", ".join(p for i, p in enumerate(game.players) if int(m) >> i & 1) or "nobody")
                      for issue, m in zip(game.issues if game.n_layers > 1 else ("",), optimum))
    return sq, (f"Status quo for the allocations: full cooperation on every issue is not the grand coalition's best "
                f"choice (total {format_number(full)} < v(N) = {format_number(float(sq.sum()))}); "
                f"the status quo is each city's payoff without transfers at the welfare optimum, where "
                f"cooperate: {where}.",)


def _optimum_gap(game: Any) -> tuple[float, float, np.ndarray] | None:
    """:func:`coopgame.policy.outside.optimum_gap`: full cooperation's welfare, the optimum's and its masks, or None."""
    from coopgame.policy.outside import optimum_gap

    return optimum_gap(game)


def _perception_note(game: Any) -> tuple[str, ...]:
    """What the n-city game's perception factor does to its payoff tables (DESIGN §2.1)."""
    beta = np.unique(np.asarray(game.perception, dtype=float))
    text = format_number(float(beta[0])) if beta.size == 1 else \
        f"{format_number(float(beta.min()))} to {format_number(float(beta.max()))}"
    if not game.perceived_differs:
        return ("Perception factor 1: the perceived payoffs that drive decisions and the true payoffs that welfare "
                "uses coincide; one set is shown.",)
    return (f"Perceived payoff: the city's cost and its own siphon losses weighted by the perception factor "
            f"β = {text}; the true payoff counts them once.",)


def _ncity_equilibria(game: Any, label: str, skipped: list[str], finder: Callable[..., Any]) -> Section:
    """The pure equilibria, or the welfare optimum alone when the solver refuses the game (its size)."""
    start = time.perf_counter()
    res = None
    try:
        res = finder(game)
    except CoopgameError as err:
        skipped.append(f"pure equilibria of the n-city game: {err}")
    opt, best = game.welfare_optimum()
    dt = time.perf_counter() - start
    if res is not None:
        return Section(key="equilibria", summary=res.summary(), data=res.to_dict(), elapsed=dt)
    n = game.n_players
    masks = np.atleast_1d(opt)
    who = [", ".join(member_labels(m, game.players)) or "none" for m in masks]
    summary = Summary(title=_title("Welfare optimum of the n-city game", label),
                      facts=(("cities", str(n)), ("welfare at the optimum (true payoffs)", best),
                             ("cooperating at the optimum", "; ".join(who))))
    return Section(key="welfare", summary=summary, data={"optimum_masks": masks, "welfare": best}, elapsed=dt)


# ---------------------------------------------------------------------------------------------- cooperative
def cooperative_sections(game: Any, *, label: str, skipped: list[str], context: dict[str, Any],
                         progress: bool) -> list[Section]:
    """The registry's concepts for a cooperative game: every allocation concept side by side (Shapley,
    Banzhaf, nucleolus, least core ...), the core, and the fund analysis when a status quo is known.

    Concepts that prefer the dense game get it when one is at hand (a structured game is expanded once,
    up to ``LP_MAX_PLAYERS`` players); the others get the game as it is (structured closed forms).
    """
    n = game.n_players
    concepts = plan(game)
    allocs: dict[str, Any] = {}
    times: dict[str, float] = {}
    dense = game if isinstance(game, TUGame) else game.to_tu() if n <= LP_MAX_PLAYERS else None
    core_res = None
    for concept in (*concepts.role("allocation"), *concepts.role("core")):
        target = dense if concept.prefers_dense and dense is not None else game
        try:
            value, times[concept.name] = _timed(concept.solver, target)
        except CoopgameError as err:
            skipped.append(f"{concept.title}: {err}")
            continue
        if concept.role == "core":
            core_res = value
        else:
            allocs[concept.name] = value
    least = allocs.get("least_core")
    skipped += concepts.messages(roles=("allocation", "core"))
    sampled_only = isinstance(game, ValueFunctionGame) and dense is None
    if sampled_only:  # coalition by coalition (the alpha game beyond ALPHA_DENSE_MAX_PLAYERS cities)
        skipped.append(f"Banzhaf value, nucleolus, least core, core and fund analysis: n = {n} > {LP_MAX_PLAYERS}; "
                       f"they need all 2^{n} coalition worths, which this game computes one coalition at a time "
                       "(the exact dense game is too slow to build here); the Shapley value is sampled instead")
    if "status_quo" not in context and isinstance(game, StructuredGame) and not game.cost_terms:
        # a quadratic game carries its own status quo: a_i + Σ_j M_ij (everyone in, no transfers)
        context = dict(context, status_quo=np.asarray(game.status_quo(), dtype=float))
    names = {c.name: c.heading for c in CONCEPTS}
    proportional = _proportional_rules(context, n, skipped, of="cost" if getattr(game, "is_cost_game", False)
                                       else "worth")
    _add_proportional(game, allocs, proportional, names)
    out = [_allocation_section(game, dense, allocs, times, core_res, least, label, context, names)]
    if core_res is not None:
        out.append(Section(key="core", summary=_core_summary(core_res, context, n), data=core_res.to_dict(),
                           elapsed=times.get("core", 0.0)))
    if not sampled_only:
        out += _fund_sections(dense if dense is not None else game, label, skipped, context,
                              concepts.reason("fund_analysis"), proportional)
    return out


def _proportional_rules(context: dict[str, Any], n: int, skipped: list[str], *, of: str = "worth") -> list[Any]:
    """One :class:`~coopgame.policy.rules.ProportionalRule` per weight the model names (GDP, flows ...).

    Built once, for the allocation table and the fund analysis alike; ``of="cost"`` for a cost game (the
    joint cost split by weight, as a plant shared by flow is). A weight that makes no rule (wrong length,
    negative, all zero) is skipped with the reason.
    """
    from coopgame.policy.rules import ProportionalRule

    rules = []
    for name, weights in context.get("weights", {}).items():
        basis = name.replace("_", " ")
        try:
            w = np.asarray(weights, dtype=float)
            if w.shape != (n,):
                raise CoopgameError(f"weights must have one entry per player ({n}); got shape {w.shape}")
            rules.append(ProportionalRule(w, basis=basis, of=of))
        except (CoopgameError, TypeError, ValueError) as err:
            skipped.append(f"proportional rule by {basis}: {err}")
    return rules


def _add_proportional(game: Any, allocs: dict[str, Any], rules: list[Any], names: dict[str, str]) -> None:
    """The proportional rules' allocations (:class:`~coopgame.policy.rules.ProportionalRule`), with cost shares
    (stand-alone cost less saving) for a cost game, whose rules split the joint cost by weight."""
    from coopgame.results import AllocationResult

    players = tuple(game.players)
    is_cost = bool(getattr(game, "is_cost_game", False))
    for rule in rules:
        x = np.asarray(rule.allocate(game, np.zeros(len(players))), dtype=float)
        key = rule.label
        if is_cost:
            cost = np.asarray(game.standalone_costs, dtype=float) - x
            result = AllocationResult(x, players, key, "closed form", cost_shares=cost)
        else:
            result = AllocationResult(x, players, key, "closed form")
        names[key] = key.replace("cost shares proportional to", "prop. to").replace("proportional to", "prop. to")
        allocs[key] = result


def _allocation_section(game: Any, dense: Any, allocs: dict[str, Any], times: dict[str, float], core_res: Any,
                        least: Any, label: str, context: dict[str, Any], names: dict[str, str]) -> Section:
    players = tuple(game.players)
    is_cost = bool(getattr(game, "is_cost_game", False))
    shap = allocs.get("shapley")
    grand = float(game.grand_value)
    if is_cost:
        alone = np.asarray(game.standalone_costs, dtype=float)
        columns = ["city", "stand-alone cost"] + [f"{names[k]} cost share" for k in allocs]
        vectors = {k: np.asarray(r.cost_shares if r.cost_shares is not None else alone - r.allocation, dtype=float)
                   for k, r in allocs.items()}
    else:
        alone = np.asarray(game.singleton_values if dense is game else
                           game.value_of_masks(1 << np.arange(len(players), dtype=np.int64)), dtype=float)
        columns = ["city", "v({i}) alone"] + [names[k] for k in allocs]
        vectors = {k: np.asarray(r.allocation, dtype=float) for k, r in allocs.items()}
    stand_alone = _stand_alone(context, len(players)) if not is_cost else None
    extra_col = stand_alone is not None and not np.allclose(
        stand_alone, alone, rtol=0.0, atol=1e-9 * max(float(np.abs(alone).max()), float(np.abs(stand_alone).max())))
    if extra_col:
        columns.insert(2, "stand-alone (true)")
    rows = tuple((p, alone[i], *((stand_alone[i],) if extra_col else ()),
                  *(v[i] for v in vectors.values()))
                 for i, p in enumerate(players))
    facts = [("players", str(len(players))), ("v(N), the grand coalition's worth", grand)]
    if is_cost:
        total_cost = getattr(game, "total_cost", None)
        facts.append(("joint cost C(N)", alone.sum() - grand if total_cost is None else total_cost))
    if "build_seconds" in context and dense is game:
        facts.append(("coalition values", f"{2 ** len(players):,} computed in {context['build_seconds']:.3f} s"))
    sampled = shap is not None and shap.standard_errors is not None
    if shap is not None:
        method = shap.method
        how = f"exact (2^{len(players)} = {2 ** len(players):,} coalitions)" if method == "exact" else \
            f"sampled ({method}, {shap.parameters.get('n_samples', '?')} random orders; standard errors in the " \
            "table)" if sampled else method
        facts.append(("Shapley value", f"{how}, {times['shapley']:.3f} s"))
    if sampled:
        j = list(allocs).index("shapley") + 2
        se = np.asarray(shap.standard_errors, dtype=float)
        columns.insert(j + 1, "Shapley s.e.")
        rows = tuple((*row[:j + 1], se[i], *row[j + 1:]) for i, row in enumerate(rows))
    for k in allocs:
        if k in times and k != "shapley":
            facts.append((f"{names[k]} time", f"{times[k]:.3f} s"))
    if least is not None:
        facts.append(("least-core epsilon", least.epsilon))
    if core_res is not None:
        facts.append(("core", "empty" if core_res.is_empty else "non-empty"))
        if not core_res.is_empty:
            inside = [names[k] for k, r in allocs.items() if _contains(core_res, r.allocation)
                      and not _below(r.allocation, stand_alone)]
            facts.append(("in the core" + (" (and at or above stand-alone)" if stand_alone is not None else ""),
                          ", ".join(inside) or "none of these"))
    notes = ["Cost shares: what each city pays of the joint cost." if is_cost else
             "Payoffs: each city's share of the grand coalition's worth v(N)."]
    if "banzhaf" in allocs:
        notes.append("The Banzhaf value is not efficient: its entries need not add up to v(N).")
    if sampled:
        notes.append(f"The Shapley value is a Monte Carlo estimate: each city's value ± about two standard errors "
                     f"covers the exact one with 95 % probability. Building all 2^{len(players)} worths of this game "
                     "exactly would take minutes, so they are computed only for the coalitions sampled.")
    notes += context.get("payoff_notes", ())
    if extra_col:
        notes.append("v({i}) alone is this game's worth of a city on its own; stand-alone (true) is its best payoff "
                     "on its own, cooperating alone or protecting (v({i}) of the alpha game): verdicts use it.")
    unit = context.get("unit")
    if unit:
        notes.append(f"Unit: {unit}.")
    summary = Summary(title=_title("Allocation by solution concept", label), facts=tuple(facts),
                      columns=tuple(columns), rows=rows, notes=tuple(notes))
    data = {k: {"allocation": r.allocation, "method": r.method, "cost_shares": r.cost_shares,
                "standard_errors": getattr(r, "standard_errors", None), "elapsed_seconds": times.get(k, 0.0)}
            for k, r in allocs.items()}
    data["players"] = players
    data["grand_value"] = grand
    if least is not None:
        data["least_core_epsilon"] = float(least.epsilon)
    if core_res is not None:
        data["core_is_empty"] = bool(core_res.is_empty)
    shown = {names[k]: v for k, v in vectors.items()}
    status_quo = context.get("status_quo") if not is_cost else None

    draw = partial(allocation_bars, players, shown, status_quo=status_quo,
                   ylabel=("cost share" if is_cost else "payoff") + (f" ({unit})" if unit else ""),
                   title=_title("Allocation by solution concept", label))

    return Section(key="allocations", summary=summary, data=data, elapsed=sum(times.values()), figure=draw,
                   caption="Each city's " + ("cost share" if is_cost else "payoff") + " under each solution concept"
                   + (" (black ticks: status quo without transfers)." if status_quo is not None else "."))


def _contains(core_res: Any, x: np.ndarray) -> bool:
    try:
        return bool(core_res.contains(x))
    except (CoopgameError, TypeError):
        return False


def fund_rules(context: dict[str, Any], proportional: list[Any]) -> list[Any]:
    """The sharing rules a model's fund is tested with: the textbook ones, the model's own, its proportional ones."""
    return ["shapley", "nucleolus", "equal", *context.get("rules", ()), *proportional]


def rule_context(built: Any) -> dict[str, Any]:
    """What a built model says about its sharing rules: ``weights`` for proportional rules and, under ``rules``,
    the model's negotiated rule (compared with the textbook ones)."""
    context: dict[str, Any] = {}
    if getattr(built, "weights", None):
        context["weights"] = dict(built.weights)
    rule = getattr(built, "values", {}).get("fund_rule")
    if rule is not None:
        context["rules"] = [rule]
    return context


def model_fund_rules(built: Any, n: int) -> list[Any]:
    """:func:`fund_rules` of a built model (:func:`rule_context`), outside a report's context."""
    context = rule_context(built)
    return fund_rules(context, _proportional_rules(context, n, []))


def _fund_sections(game: Any, label: str, skipped: list[str], context: dict[str, Any],
                   not_applicable: str | None, proportional: list[Any]) -> list[Section]:
    """Compare sharing rules against the status quo with the policy layer's fund analysis.

    ``not_applicable`` is the registry's reason when the concept is over its limit for this game.
    """
    concept = CONCEPTS["fund_analysis"]
    if "status_quo" not in context:
        why = ("its joint costs have no natural split without transfers" if getattr(game, "is_cost_game", False)
               or getattr(game, "cost_terms", ()) else "the model defines none")
        skipped.append(f"fund analysis: no status quo (payoffs with everyone cooperating and no transfers): {why}; "
                       "see the allocation table instead")
        return []
    if not_applicable is not None:
        skipped.append(f"{concept.title}: {not_applicable}")
        return []
    rules = fund_rules(context, proportional)
    outside = context.get("outside")
    if outside is not None and len(outside.players) != game.n_players:
        skipped.append(f"fund analysis against the outside options: they are for {len(outside.players)} cities, "
                       f"the cooperative game has {game.n_players} players")
        outside = None
    try:
        res, dt = _timed(concept.solver, game, status_quo=context["status_quo"], rules=rules, outside=outside)
    except CoopgameError as err:
        skipped.append(f"fund analysis: {err}")
        return []
    context.setdefault("collect", {})["fund"] = res  # the policy answer reads it
    players = tuple(res.players)
    outcome = res.outcomes[0]
    flows = [(f.payer, f.receiver, float(f.amount)) for f in outcome.flows]
    table = res.allocation_table(significant=context.get("significant"))
    table = Summary(title=_title(table.title, label), facts=(("status quo", "each city's payoff with everyone "
                                                                   "cooperating and no transfers"),),
                    columns=table.columns, rows=table.rows, notes=table.notes)
    summary = res.summary()
    merged = Summary(title=_title(summary.title, label), facts=summary.facts, columns=summary.columns,
                     rows=summary.rows, notes=summary.notes)

    figure = partial(fund_flows, players, outcome.net_transfer, flows=flows, unit=context.get("unit", ""),
                     title=_title(f"Fund flows under the {outcome.rule} rule", label))

    data = to_jsonable(res.to_dict())
    margins = res.margin_table() if outside is not None else None
    return [Section(key="fund", summary=merged, data=data, elapsed=dt, figure=figure,
                    caption=f"Net transfer of each city under the {outcome.rule} rule, against its status quo "
                            "(everyone cooperating, no transfers): left pays into the fund, right receives."),
            Section(key="fund-allocations", summary=table, data=table.to_dict())] + \
        ([] if margins is None else [Section(key="fund-margins", summary=margins, data=margins.to_dict())])


# ---------------------------------------------------------------------------------------------- outside options
def _add_outside(game: Any, context: dict[str, Any]) -> None:
    """Put the n-city game's outside options in the context (every verdict is measured against them)."""
    context.setdefault("collect", {})
    if "outside" in context:
        return
    from coopgame.policy.outside import outside_options

    try:
        context["outside"] = outside_options(game)
    except CoopgameError:
        pass


def _stand_alone(context: dict[str, Any], n: int) -> np.ndarray | None:
    """The outside options' stand-alone payoffs (true), when known for ``n`` cities."""
    oo = context.get("outside")
    if oo is None or len(oo.players) != n:
        return None
    return np.asarray(oo.stand_alone, dtype=float)


def _below(x: Any, stand_alone: np.ndarray | None) -> bool:
    """True when some city's allocation is below its stand-alone payoff (beyond rounding)."""
    if stand_alone is None:
        return False
    x = np.asarray(x, dtype=float)
    atol = 1e-9 * max(float(np.abs(stand_alone).max()), float(np.abs(x).max()))  # relative: no floor at 1
    return bool(np.any(x < stand_alone - atol))


def _core_summary(core_res: Any, context: dict[str, Any], n: int) -> Summary:
    """The core's summary; with outside options, a point below a city's stand-alone payoff is said to be so."""
    summary = core_res.summary()
    alone = _stand_alone(context, n)
    point = getattr(core_res, "point", None)
    if alone is None or point is None or not _below(point, alone):
        return summary
    oo = context["outside"]
    who = [p for p, x, a in zip(oo.players, np.asarray(point, dtype=float), alone) if x < a]
    note = (f"This core is of the game given, whose v({{i}}) is below the cities' stand-alone payoffs: the point "
            f"shown leaves {', '.join(who)} below stand-alone (v({{i}}) of the alpha game), so it is no stable "
            "split; see the outside options and self-enforcing transfers.")
    return Summary(title=summary.title, facts=summary.facts, columns=summary.columns, rows=summary.rows,
                   notes=(*summary.notes, note))


# ---------------------------------------------------------------------------------------------- policy answer
def mechanism_section(mechanism: Any, context: dict[str, Any]) -> Section:
    """A fund mechanism's answer: dues per city, whether paying is self-enforcing, the least enforcement that
    makes it so (and dominant), net positions, who pays whom, and each mayor's voice against the city's dues."""
    res, dt = _timed(mechanism.analyse)
    unit = str(context.get("unit", "") or "")
    summary = res.summary()
    sig = context.get("significant")   # the answer's sentence to the figures its inputs support, as the table
    facts = tuple((k, res.headline(significant=sig)) if k == "answer" else (k, v) for k, v in summary.facts)
    summary = Summary(title=summary.title, facts=facts, columns=summary.columns, rows=summary.rows,
                      notes=summary.notes + ((f"Unit: {unit}.",) if unit else ()))
    return Section(key="mechanism", summary=summary, data=mechanism_data(res, unit, context.get("significant")),
                   elapsed=dt)


def mechanism_data(res: Any, unit: str = "", significant: int | None = None) -> dict[str, Any]:
    """The machine-readable form of a :class:`~coopgame.policy.mechanism.MechanismResult` (``--json``)."""
    def num(x: Any) -> float | None:
        x = float(x)
        return x if np.isfinite(x) else None

    p = res.parameters
    return {
        "headline": res.headline(significant=significant), "unit": unit,
        "payoffs": "true (the mechanism has no perception factor)",
        "rate": res.rate,
        "dues_rule": res.game.dues.describe(), "fund": float(res.dues.sum()),
        "minimal_rate": num(res.minimal_rate), "covering_rate": num(res.covering_rate),
        "projects_funded": len(res.projects_funded), "projects": p["n_projects"], "plan_cost": res.plan_cost,
        "rule": p["rule"], "settlement_game": p["settlement_game"], "conference": p["conference"], "votes_needed": p["votes_needed"],
        "plan_adopted": res.plan_adopted, "supporters": list(res.supporters),
        "withholding": p["withholding"], "self_enforcing": res.self_enforcing, "paying_dominant": res.paying_dominant,
        "min_withholding": num(np.max(res.min_withholding)),
        "min_withholding_dominant": num(np.max(res.min_withholding_dominant)),
        "method": res.method, "years": p["years"], "discount_rate": p["discount_rate"],
        "payment_equilibria": [list(e) for e in res.equilibria] if p["enumerated"] else None,
        "flows": [{"payer": f.payer, "receiver": f.receiver, "amount": f.amount} for f in res.flows],
        "by_city": {c: {"dues": float(res.dues[i]), "dues_share": float(res.dues_share[i]),
                        "votes": int(res.votes[i]), "voice_shapley_shubik": float(res.voice_shapley_shubik[i]),
                        "voice_banzhaf": float(res.voice_banzhaf[i]), "in_kind": float(res.in_kind[i]),
                        "no_settlement": float(res.status_quo[i]), "transfer": float(res.transfer[i]),
                        "net_position": float(res.net_position[i]),
                        "net_present_value": float(res.net_present_value[i]),
                        "free_ride": float(res.free_ride_payoff[i]),
                        "paying_advantage": float(res.paying_advantage[i]),
                        "min_withholding": num(res.min_withholding[i]),
                        "min_withholding_dominant": num(res.min_withholding_dominant[i]),
                        "min_penalty": num(res.min_penalty[i]),
                        "min_penalty_dominant": num(res.min_penalty_dominant[i])}
                    for i, c in enumerate(res.players)},
    }


def policy_answer_section(context: dict[str, Any]) -> Section | None:
    """The policy answer of a city-group model: a headline sentence, then per city its status quo, outside
    options, each rule's allocation and self-enforcing margin, and the minimal self-enforcing transfers.

    Reads the results the n-city sections deposited in ``context["collect"]`` (the self-enforcing transfers,
    the fund analysis); ``None`` when there are no transfers (not a city-group model).
    """
    got = context.get("collect", {})
    tr = got.get("transfers")
    oo = got.get("outside_options", context.get("outside"))
    if tr is None or oo is None:
        return None
    fund = got.get("fund")
    if fund is not None and fund.outside is None:
        fund = None
    unit = str(context.get("unit", "") or "")
    untested = fund is not None and any(o.self_enforcing is None for o in fund.outcomes)
    outcomes = tuple(o for o in fund.outcomes if o.self_enforcing is not None) if fund is not None else ()
    sig = context.get("significant")   # 3 figures where the magnitudes rest on modeling choices
    headline = policy_headline(tr, outcomes, unit, significant=sig)
    cols = ["city", "status quo (true)", "stand-alone (true)", "free-ride (true)", "free-ride gain (perceived)"]
    cols += [f"{o.rule} (margin)" for o in outcomes]
    cols += ["minimal self-enforcing transfer", "allocation with it (true)"]
    rows = []
    for i, p in enumerate(tr.players):
        row = [p, oo.status_quo[i], oo.stand_alone[i], oo.free_ride[i],
               tr.lower_bounds[i]]
        row += [f"{format_number(o.allocation[i], significant=sig)} "
                f"({format_number(o.enforcement_margin[i], significant=sig)})" for o in outcomes]
        row += [tr.transfers[i], tr.allocation[i]]
        rows.append(tuple(row))
    facts = [("minimal central subsidy", _money(tr.subsidy, unit, sig))]
    if untested:
        facts.append(("sharing rules", "not tested for self-enforcement: full cooperation is not the welfare "
                                       "optimum, and the rules share the optimum's worth (see the fund analysis)"))
    for o in outcomes:
        verdict = "self-enforcing" if o.self_enforcing else \
            f"not self-enforcing ({', '.join(o.free_riders)} would free-ride); subsidy that makes it so, " \
            f"keeping its split: {_money(o.subsidy_needed, unit, sig)}"
        facts.append((o.rule, verdict))
    notes = ["Status quo: everyone cooperates, no transfers. Stand-alone: a city's best payoff on its own (v({i}) "
             "of the alpha game). Free-ride: the city protects while the others cooperate. These three are true "
             "payoffs (welfare, fairness).",
             "Each rule's column: the allocation (true), and in brackets its self-enforcing margin in perceived "
             "payoffs (decisions): the rule's transfer minus the city's free-ride gain; below 0 the city would "
             "free-ride.",
             "Minimal self-enforcing transfer: received (negative: paid); they add up to the minimal central "
             f"subsidy and are the cheapest ones closest to the {tr.reference} rule."]
    if unit:
        notes.append(f"Unit: {unit}.")
    summary = Summary(title="Policy answer", facts=tuple(facts), columns=tuple(cols), rows=tuple(rows),
                      notes=tuple(notes))
    data = {"headline": headline, "unit": unit, "players": list(tr.players),
            "subsidy": float(tr.subsidy), "reference": tr.reference,
            "free_riders_without_transfers": list(oo.free_riders),
            "by_city": {p: {"status_quo": float(oo.status_quo[i]), "stand_alone": float(oo.stand_alone[i]),
                            "free_ride": float(oo.free_ride[i]), "free_ride_gain_perceived": float(tr.lower_bounds[i]),
                            "transfer": float(tr.transfers[i]), "allocation_with_transfer": float(tr.allocation[i]),
                            "rules": {o.rule: {"allocation": float(o.allocation[i]),
                                               "margin_over_stand_alone": float(o.stand_alone_margin[i]),
                                               "margin_over_free_ride": float(o.free_ride_margin[i]),
                                               "self_enforcing_margin_perceived": float(o.enforcement_margin[i])}
                                      for o in outcomes}}
                        for i, p in enumerate(tr.players)},
            "rules": {o.rule: {"self_enforcing": bool(o.self_enforcing), "subsidy_needed": float(o.subsidy_needed),
                               "free_riders": list(o.free_riders), "below_stand_alone": list(o.below_stand_alone),
                               "in_core": bool(o.in_core)} for o in outcomes},
            "payoffs": "status quo, stand-alone, free-ride, allocations: true; margins and gains: perceived"}
    return Section(key="policy_answer", summary=summary, data=data)


def _money(x: float, unit: str, significant: int | None = None) -> str:
    text = format_number(x, significant=significant)
    return f"{text} ({unit})" if unit else text


def _optimum_caveat(game: Any, unit: str, significant: int | None = None) -> str:
    """A warning when full cooperation, which the transfers make self-enforcing, is not the welfare optimum."""
    gap = _optimum_gap(game) if isinstance(game, NCityGame) else None
    if gap is None:
        return ""
    full, best, masks = gap
    short = [name for name, m in zip(game.issues, masks) if int(m) != (1 << game.n_players) - 1]
    where = f" on {', '.join(short)}" if game.n_layers > 1 and short else ""
    return (f" Caveat: full cooperation is not the welfare optimum{where} (true welfare "
            f"{format_number(full, significant=significant)} against {_money(best, unit, significant)} when fewer "
            f"cities cooperate there); the subsidy buys full cooperation, "
            "not the optimum.")


def policy_headline(tr: Any, outcomes: Any = (), unit: str = "", *, significant: int | None = None) -> str:
    """The sentence a policy designer reads first: the central subsidy, who would free-ride, and the rules
    (numbers to ``significant`` figures when given)."""
    text = tr.headline(unit=unit, significant=significant) + _optimum_caveat(tr.game, unit, significant)
    if outcomes:
        good = [o.rule for o in outcomes if o.self_enforcing]
        if good:
            text += f" Self-enforcing without a subsidy under: {', '.join(good)}."
        else:
            best = min(outcomes, key=lambda o: o.subsidy_needed)
            text += (f" No sharing rule compared is self-enforcing on its own; the cheapest to fix, {best.rule}, "
                     f"needs {_money(best.subsidy_needed, unit, significant)}.")
    return text

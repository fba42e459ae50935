"""Uncertainty analysis of a cooperation-fund mechanism: its verdicts with their probability over the draws.

A fund model (``kind = "fund"`` with dues and ``project_cost``; DESIGN §2.1,
:class:`~coopgame.policy.mechanism.FundMechanism`) is drawn at every ranged
modeling choice of its file (dues rate, enforcement, the conference's quota,
horizon, transaction costs, the gravity of the projects' gains and their
cost). At each draw the file's numbers are re-derived
(:meth:`ModelSpec.fund_terms`); then every block of draws is evaluated
together, with the mechanism's own arithmetic on a stack
(:mod:`coopgame.policy._mechanism_stack`: the projects' priority order, which
run for which payers, the best subset of payers):

* on **every draw**: what each city has when all pay and nothing is settled
  (true payoffs: the mechanism has no perception factor), whether all pay
  funds every project, and whether every group of payers can fund its own;
* on the **settlement draws** (the first ``cooperative_draws``: every draw up
  to ten cities, 50 up to sixteen, since a draw then needs the ``2**n`` worths
  of the fund's alpha game and its payment game): the settlement by the
  file's rule and each city's transfer and net position, whether the
  conference adopts the plan, whether paying by every city is
  self-enforcing (and dominant), the least withholding probability that makes
  it so, each sharing rule in the core of the alpha game, and each city a net
  payer into the fund. Each such probability comes with its Monte Carlo
  standard error.

The tornado swings each ranged parameter alone and reports the smallest
advantage of paying (the margin of self-enforcement); each verdict that flips
inside a range gets its tipping point by bisection on the same kernel.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np

from coopgame._bitmask import membership_matrix
from coopgame._executor import block_plan, resolve_executor
from coopgame.cooperative.batch import shapley_values
from coopgame.errors import InvalidParameterError
from coopgame.games.binary import advantages
from coopgame.games.tu import TUGame
from coopgame.policy._drawing import (closing_notes, core_verdicts, draw_ranged, drawn_dict, one_at_a_time,
                                      probability_fact, standard_error, tipping_facts)
from coopgame.policy._mechanism_stack import benefit_stack, best_subset, funded_stack, pair_order, quota_threshold
from coopgame.policy.mechanism import VOTE_RESOLUTION, _least_probability
from coopgame.policy.rules import ProportionalRule, as_rule, as_rules
from coopgame.results import ILLUSTRATIVE_SIGNIFICANT, Result, Summary, format_number
from coopgame.tolerances import DEFAULT_TOL

__all__ = ["FundUncertaintyResult", "fund_uncertainty", "SETTLEMENT_DRAWS", "CORE_DRAWS", "SECTION_CELLS"]

SETTLEMENT_DRAWS: tuple[tuple[int, int | None], ...] = ((10, None), (16, 40), (62, 0))
"""Default number of draws carrying the settlement's verdicts: ``(most cities, draws)``, the first row that admits
the model's size (None: every draw). A draw needs the ``2**n`` worths of the alpha game; at sixteen cities and 120
projects that is about 75 ms."""

SECTION_CELLS: int = 1 << 20
"""Largest funding table (``2**n`` payer sets times about ``n**2`` projects) whose settlement verdicts get tipping
points located (fifteen values a round, twelve rounds); beyond it only the every-draw verdicts are located."""

CORE_DRAWS: int = 1000
"""Most settlement draws on which each rule's place in the core is drawn: the nucleolus's verdict (the core
non-empty) needs an LP wherever no split proves it, a few milliseconds each."""

_BLOCK = 2048                 # draws evaluated together
_CELLS = 1 << 22              # (draws x coalitions x projects) evaluated at once: bounds the funding table


@dataclass(frozen=True, eq=False)
class FundUncertaintyResult(Result):
    """What a fund mechanism's verdicts and numbers do over the draws of its ranged parameters.

    Attributes
    ----------
    players : tuple of str
    draws : int
    settlement_draws : int
        The first this many draws carry the settlement's verdicts and bands (keys of :attr:`probabilities`
        marked in :attr:`settlement_verdicts`).
    core_draws : int
        The first this many of them carry the rules' places in the core (``"in the core: <rule>"``).
    ranged : dict of str -> str
    probabilities : dict of str -> float
    at_file_values : dict of str -> bool or float
    bands : dict of str -> ndarray
        5 %, 50 % and 95 % quantiles per city (shape (3, n)): ``"dues"``, ``"status_quo"`` (all pay, no
        settlement) over every draw; ``"transfer"``, ``"net"`` and ``"least_withholding"`` over the settlement
        draws.
    tornado, tipping_points : tuple of tuple
        As :class:`~coopgame.policy.uncertainty.UncertaintyResult`; the tornado's number is the smallest
        advantage of paying, everyone else paying.
    samples : dict of str -> ndarray
    parameters : dict
    """

    players: tuple[str, ...]
    draws: int
    settlement_draws: int
    ranged: Mapping[str, str]
    probabilities: Mapping[str, float]
    at_file_values: Mapping[str, Any]
    bands: Mapping[str, np.ndarray]
    tornado: tuple[tuple[Any, ...], ...]
    tipping_points: tuple[tuple[Any, ...], ...]
    samples: Mapping[str, np.ndarray] = field(repr=False)
    settlement_verdicts: tuple[str, ...] = ()
    core_draws: int = 0
    method: str = "the fund mechanism's arithmetic on stacks of draws"
    parameters: Mapping[str, Any] = field(default_factory=dict)

    _headline = ("draws", "probabilities", "method")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: probabilities, the file's values, bands, tornado and tipping points (not the draws)."""
        return {"result": "FundUncertaintyResult", **drawn_dict(self, "least_paying_advantage"),
                "settlement_draws": self.settlement_draws, "settlement_verdicts": list(self.settlement_verdicts),
                "core_draws": self.core_draws,
                "payoffs": "true (the mechanism has no perception factor: decisions and welfare use the same)"}

    def headline(self) -> str:
        """One sentence for the policy answer: how sure its verdicts are."""
        p, m, c = self.probabilities, self.settlement_draws, self.core_draws

        def over(k: int) -> str:
            return f"{k:,} draws" if k == self.draws else f"the first {k:,} of {self.draws:,} draws"

        text = (f" Over {over(m)} of the ranged modeling choices: the conference adopts the plan in "
                f"{p['plan adopted']:.0%} of them, paying by every city is self-enforcing in "
                f"{p['paying self-enforcing']:.0%}")
        shapley = next((k for k in p if k.startswith("in the core: Shapley")), None)
        if shapley is not None:
            text += f"; the Shapley split is in the core in {p[shapley]:.0%} of {over(c)}"
        return text + "."

    def summary(self) -> Summary:
        """Verdict probabilities, per-city bands, the tornado and the tipping points."""
        fmt = partial(format_number, significant=ILLUSTRATIVE_SIGNIFICANT)
        m = self.settlement_draws
        facts = [("draws", f"{self.draws:,} (seed {self.parameters.get('seed')})"),
                 ("settlement draws", f"the first {m:,}" + ("" if m == self.draws else
                                                           " (each needs the 2**n worths of the fund's game)")),
                 ("ranged parameters", str(len(self.ranged)))]
        for name, p in self.probabilities.items():
            if name.startswith(("net payer: ", "gains from the plan: ")):
                continue
            count = self.core_draws if name.startswith("in the core: ") else m
            extra = (f", over the first {count:,} draws, ± {standard_error(p, count):.1%}"
                     if name in self.settlement_verdicts and count < self.draws else "")
            facts.append(probability_fact(name, p, self.at_file_values.get(name), extra))
        facts += tipping_facts(self.tipping_points, fmt)

        def band(key: str, i: int) -> str:
            return " / ".join(fmt(self.bands[key][k, i]) for k in range(3))

        columns = ("city", "dues 5/50/95 %", "no settlement 5/50/95 %", "transfer 5/50/95 %", "net 5/50/95 %",
                   "P(gains from the plan)", "P(net payer)", "least p 5/50/95 %")
        rows = tuple((c, band("dues", i), band("status_quo", i), band("transfer", i), band("net", i),
                      f"{self.probabilities['gains from the plan: ' + c]:.1%}",
                      f"{self.probabilities['net payer: ' + c]:.1%}", band("least_withholding", i))
                     for i, c in enumerate(self.players))
        notes = ["Bands are the 5 %, 50 % and 95 % quantiles over the draws (dues and no settlement: every draw; "
                 f"the others: the first {m:,}). True payoffs: the mechanism has no perception factor, so decisions "
                 "and welfare use the same. No settlement = own net payoff of taking part - dues + benefits in kind, "
                 "everyone paying; transfer = the settlement rule's allocation - that; a net payer's transfer is "
                 "negative (it pays into the fund); least p = the withholding probability at which paying by all is "
                 "an equilibrium ('inf': none suffices).",
                 *closing_notes(self, "the smallest advantage of paying, everyone else paying", fmt)]
        return Summary("Uncertainty over the ranged parameters (fund mechanism)", facts=tuple(facts),
                       columns=columns, rows=rows, notes=tuple(notes))


def fund_uncertainty(spec: Any, *, draws: int = 10_000, rng: Any = None, rules: Sequence[Any] | None = None,
                     cooperative_draws: int | None = None, executor: Any = None) -> FundUncertaintyResult:
    """Draw every ranged parameter of a fund-mechanism model and report its verdicts with their probabilities.

    :func:`coopgame.uncertainty_analysis` calls this for a model of kind ``"fund"``.

    Parameters
    ----------
    spec : ModelSpec
        A loaded fund model with a mechanism (``dues_base``, ``dues_rate``, ``project_cost``) and ranged modeling
        choices.
    draws : int, default 10,000
    rng : None, int, SeedSequence, BitGenerator or Generator, optional
    rules : sequence of SharingRule or str, optional
        The rules whose place in the core of the fund's alpha game is drawn (default Shapley, nucleolus, equal).
    cooperative_draws : int, optional
        On how many of the draws (the first ones) the settlement's verdicts are evaluated; default from
        :data:`SETTLEMENT_DRAWS`.
    executor : None, int, concurrent.futures.Executor or distributed.Client, optional
        Where the blocks of draws are evaluated; the answer does not depend on it.

    Returns
    -------
    FundUncertaintyResult

    Examples
    --------
    >>> import coopgame
    >>> res = fund_uncertainty(coopgame.load_model("nanjing_fund"), draws=500, rng=1)
    >>> res.settlement_draws, res.at_file_values["plan adopted"], 0 < res.probabilities["plan adopted"] <= 1
    (500, True, True)
    """
    func = "uncertainty_analysis"
    start = time.perf_counter()
    terms = spec.fund_terms() if hasattr(spec, "fund_terms") else None
    if terms is None:
        raise InvalidParameterError(f"{func}(): a fund model is drawn when it is a mechanism (dues_base, dues_rate "
                                    f"and project_cost); {getattr(spec, 'slug', spec)!r} has none")
    if terms["spillover"] is not None:
        raise InvalidParameterError(f"{func}(): {spec.slug!r}: a fund whose projects benefit cities that do not pay "
                                    "(a spillover) is not drawn; its alpha game needs every (payers, coalition) pair")
    ranged, sampled, seed = draw_ranged(spec, draws, rng, func=func)
    draws = len(next(iter(sampled.values())))
    players = tuple(spec.players)
    n = len(players)
    if cooperative_draws is None:
        most = next(m for k, m in SETTLEMENT_DRAWS if n <= k)
        cooperative_draws = draws if most is None else min(draws, most)
    elif not (isinstance(cooperative_draws, (int, np.integer)) and not isinstance(cooperative_draws, bool)
              and 1 <= cooperative_draws <= draws):
        raise InvalidParameterError(f"{func}(): cooperative_draws must be an integer from 1 to draws ({draws:,}) "
                                    f"for a fund model (its settlement is the answer); got {cooperative_draws!r}")
    kernel = _FundKernel(players, terms["settlement"], terms["votes"],
                         tuple(as_rules(rules, func=func, default=("shapley", "nucleolus", "equal"))))
    point = {k: v[0] for k, v in kernel.evaluate(_stack([terms]), 1).items()}
    plan = block_plan(draws, _BLOCK)
    core_draws = min(cooperative_draws, CORE_DRAWS)
    tasks = [({k: v[lo:hi] for k, v in sampled.items()}, max(0, min(hi, cooperative_draws) - lo),
              max(0, min(hi, core_draws) - lo)) for lo, hi in plan]
    with resolve_executor(executor, func=func) as runner:
        blocks = runner.map(partial(_evaluate_block, spec, kernel), tasks)
    every = {k: np.concatenate([b[k] for b in blocks]) for k in _EVERY}
    settled = {k: np.concatenate([b[k] for b in blocks if k in b]) for k in blocks[0] if k not in _EVERY}
    q = (0.05, 0.5, 0.95)
    probabilities: dict[str, float] = {}
    bands = {"dues": np.quantile(every["dues"], q, axis=0), "status_quo": np.quantile(every["status quo"], q, axis=0)}
    for key in ("every project funded", "every group can fund its projects"):
        probabilities[key] = float(every[key].mean())
    verdicts = [k for k, v in settled.items() if v.dtype == bool and v.ndim == 1]
    probabilities |= {k: float(settled[k].mean()) for k in verdicts}
    probabilities |= {f"gains from the plan: {c}": float(settled["supporters"][:, i].mean())
                      for i, c in enumerate(players)}
    probabilities |= {f"net payer: {c}": float(settled["net payers"][:, i].mean()) for i, c in enumerate(players)}
    for key, name in (("transfer", "transfer"), ("net", "net"), ("least_withholding", "least withholding")):
        bands[key] = np.quantile(settled[name], q, axis=0, method="inverted_cdf")   # 'inf' stays inf
    at_file = {k: (bool(point[k]) if point[k].dtype == bool else float(point[k]))
               for k in (*verdicts, "every project funded", "every group can fund its projects")}

    def at(name: str, values: list[np.ndarray], settle: bool = True) -> dict[str, np.ndarray]:
        stack = _stack([s.fund_terms() for s in spec.at_draws({name: np.stack(values)})])
        return kernel.evaluate(stack, len(values) if settle else 0, core=len(values), lp=False)

    cheap = ["every project funded", "every group can fund its projects"]
    # a big fund's settlement takes tens of ms a draw: its flips are listed at the ends of each range, and only the
    # every-draw verdicts get their tipping points
    small = (1 << n) * n * n <= SECTION_CELLS
    tornado, tipping = one_at_a_time(ranged, at, [*verdicts, *cheap], "least paying advantage",
                                     locate=None if small else cheap,
                                     section_evaluate=None if small else partial(at, settle=False))
    return FundUncertaintyResult(
        players=players, draws=draws, settlement_draws=int(cooperative_draws),
        ranged={k: u.describe() for k, u in ranged.items()}, probabilities=probabilities, at_file_values=at_file,
        bands=bands, tornado=tornado, tipping_points=tipping,
        samples={k: v for k, v in {**every, **settled}.items() if v.dtype == bool},
        settlement_verdicts=tuple(verdicts), core_draws=int(core_draws),
        parameters={"seed": seed, "draws": draws, "settlement_draws": int(cooperative_draws),
                    "core_draws": int(core_draws),
                    "rules": [r.label for r in kernel.rules], "settlement": str(terms["settlement"]),
                    "elapsed": time.perf_counter() - start, "unit": getattr(spec, "unit", "")},
        game=spec)


_EVERY = ("dues", "status quo", "every project funded", "every group can fund its projects")
_STACKED = ("dues_base", "dues_rate", "synergy", "project_cost", "participation", "withholding", "penalty", "quota")
# (years and discount_rate move only present values, which no verdict reads)


def _stack(terms: Sequence[Mapping[str, Any]]) -> dict[str, np.ndarray]:
    """The numeric terms of a list of draws, one array each with the draws on axis 0."""
    return {k: np.stack([np.asarray(t[k], dtype=float) for t in terms]) for k in _STACKED}


def _evaluate_block(spec: Any, kernel: _FundKernel,
                    task: tuple[Mapping[str, np.ndarray], int, int]) -> dict[str, np.ndarray]:
    """One block of draws: the file's terms re-derived at each draw, then evaluated together (module level, so that
    an executor can ship it)."""
    values, settle, core = task
    terms = [s.fund_terms() for s in spec.at_draws(values)]
    return kernel.evaluate(_stack(terms), settle, core)


class _FundKernel:
    """The fund mechanism's verdicts on a stack of draws (the mechanism's arithmetic, module docstring)."""

    def __init__(self, players: tuple[str, ...], settlement: Any, votes: Any, rules: tuple[Any, ...]) -> None:
        self.players, self.settlement, self.votes, self.rules = players, settlement, votes, rules

    def evaluate(self, t: Mapping[str, np.ndarray], settle: int, core: int | None = None,
                 lp: bool = True) -> dict[str, np.ndarray]:
        """Every draw's cheap verdicts, the settlement's on the first ``settle`` draws, the rules in the core on the
        first ``core`` of those (default all; ``lp=False`` leaves out the nucleolus, whose verdict may need an LP)."""
        core = settle if core is None else core
        n = len(self.players)
        g = t["dues_rate"].shape[0]
        dues = t["dues_rate"][:, None] * t["dues_base"]
        i, j, cost, keep = pair_order(t["synergy"], t["project_cost"])
        rows = np.arange(g)[:, None]
        benefit = np.zeros((g, i.shape[1], n))
        benefit[rows, np.arange(i.shape[1]), i] = t["synergy"][rows, i, j]
        benefit[rows, np.arange(i.shape[1]), j] = t["synergy"][rows, j, i]
        cost = np.where(keep, cost, 0.0)                   # a pair with no benefit is no project
        participants = np.where(keep, (np.int64(1) << i) | (np.int64(1) << j), 0)
        part, pen, p = t["participation"], t["penalty"], t["withholding"]
        # the mechanism's payoff scale: dues, participation, penalties, project costs and benefits
        scale = np.max(np.abs(np.concatenate([dues, part, pen, cost, benefit.reshape(g, -1)], axis=1)), axis=1)
        slack = DEFAULT_TOL * scale
        full = (1 << n) - 1
        masks = np.concatenate([[full], full & ~(np.int64(1) << np.arange(n, dtype=np.int64))])
        paid = dues @ membership_matrix(masks, n).T.astype(float)
        funded = funded_stack(masks, participants, cost, paid, slack)
        kind = benefit_stack(funded, benefit)                             # (G, n + 1, n)
        sq = part - dues + kind[:, 0]
        member = np.zeros((g, i.shape[1], n), dtype=bool)
        member[rows, np.arange(i.shape[1]), i] = keep
        member[rows, np.arange(i.shape[1]), j] = keep
        pool = np.einsum("gkn,gn->gk", member, dues)
        share = np.where(cost > 0, cost / np.where(pool > 0, pool, 1.0), 0.0)
        out: dict[str, np.ndarray] = {
            "dues": dues, "status quo": sq,
            "every project funded": np.all(funded[:, 0] | ~keep, axis=1),
            "every group can fund its projects": (~np.any((pool <= 0) & (cost > 0), axis=1)
                                                  & np.all(np.einsum("gkn,gk->gn", member, share)
                                                           <= 1.0 + DEFAULT_TOL, axis=1)),
        }
        pieces = []
        step = max(1, _CELLS // ((1 << n) * max(1, i.shape[1])))
        for lo in range(0, min(settle, g), step):   # chunks of draws: the funding table of 2**n payer sets is big
            sl = slice(lo, min(settle, g, lo + step))
            pieces.append(self._settle(n, dues[sl], part[sl], pen[sl], p[sl], participants[sl], cost[sl],
                                       benefit[sl], slack[sl], sq[sl], kind[sl, 1:][:, np.arange(n), np.arange(n)],
                                       t["quota"][sl], out["every group can fund its projects"][sl],
                                       max(0, core - lo), lp))
        if pieces:
            out |= {k: np.concatenate([pc[k] for pc in pieces if k in pc]) for k in pieces[0]}
        return out

    def _settle(self, n: int, dues: np.ndarray, part: np.ndarray, pen: np.ndarray, p: np.ndarray,
                participants: np.ndarray, cost: np.ndarray, benefit: np.ndarray, slack: np.ndarray, sq: np.ndarray,
                free_ride_kind: np.ndarray, quota: np.ndarray, covers: np.ndarray, core: int,
                lp: bool) -> dict[str, np.ndarray]:
        """The settlement's verdicts of a chunk of draws: every set of payers (FundMechanism.analyse); the rules in
        the core of the alpha game on its first ``core`` draws."""
        g = dues.shape[0]
        masks = np.arange(1 << n, dtype=np.int64)
        member = membership_matrix(masks, n)
        paid = dues @ member.T.astype(float)
        kind = benefit_stack(funded_stack(masks, participants, cost, paid, slack), benefit)   # (G, 2**n, n)
        own = part - dues
        paying = ((kind + own[:, None, :]) * member).sum(axis=2)        # the "members" game: every member pays
        alpha = best_subset(paying, n)                                   # the alpha game (benefits are excludable)
        worth = alpha[:, -1]
        members = worth > sq.sum(axis=1) + DEFAULT_TOL * np.maximum(np.abs(sq).max(axis=1), np.abs(worth)) * n
        values = np.where(members[:, None], paying, alpha)               # what the settlement splits
        if self.settlement == "shapley":
            allocation = shapley_values(values).allocations
        else:
            allocation = np.stack([self._rule(dues[k]).allocate(TUGame(values[k], self.players), sq[k].copy())
                                   for k in range(g)])
        transfer = allocation - sq
        tiny = DEFAULT_TOL * np.maximum(np.abs(allocation).max(axis=1), np.abs(sq).max(axis=1))
        transfer[np.abs(transfer) <= tiny[:, None]] = 0.0
        net = sq + transfer
        stake = dues + pen
        advantage_last = net - free_ride_kind
        advantage = advantage_last + p[:, None] * stake
        table = kind + np.where(member, own[:, None, :], -(p[:, None] * stake)[:, None, :])
        table[:, -1] += transfer
        enumerated = advantages(table).min(axis=1) - p[:, None] * stake
        closed = covers & np.all(benefit >= 0, axis=(1, 2))                 # paying alone or paying last
        worst = np.where(closed[:, None], np.minimum(own, advantage_last), enumerated)
        scale = np.max(np.abs(np.concatenate([dues, part, net], axis=1)), axis=1)
        tol = DEFAULT_TOL * scale
        supporters = net >= -tol[:, None]
        votes = self._votes(dues)
        needed = quota_threshold(quota, votes.sum(axis=1))
        out = {"plan adopted": (votes * supporters).sum(axis=1) >= needed,
               "paying self-enforcing": np.all(advantage >= -tol[:, None], axis=1),
               "paying dominant": np.all(worst + p[:, None] * stake >= -tol[:, None], axis=1),
               "least paying advantage": advantage.min(axis=1),
               "transfer": transfer, "net": net, "least withholding": _least_probability(advantage_last, stake),
               "supporters": supporters, "net payers": transfer < -tol[:, None]}
        c = min(core, g)
        if c == 0:
            return out
        a, s = alpha[:c], sq[:c]
        tus = [TUGame(a[k], self.players) for k in range(c)] if self._needs_games() else [None] * c
        shapley = (allocation[:c] if self.settlement == "shapley" and not members[:c].any()
                   else shapley_values(a).allocations)
        slack_core = DEFAULT_TOL * np.maximum(np.abs(a).max(axis=1), np.abs(s).max(axis=1))
        return out | core_verdicts(tus, a, s, slack_core, self.rules, shapley, lp=lp)

    def _needs_games(self) -> bool:
        from coopgame.policy.rules import ShapleyRule

        return any(not isinstance(r, ShapleyRule) for r in self.rules)

    def _rule(self, dues: np.ndarray) -> Any:
        return (ProportionalRule(dues, basis="dues") if self.settlement == "proportional_to_dues"
                else as_rule(self.settlement, func="uncertainty_analysis"))

    def _votes(self, dues: np.ndarray) -> np.ndarray:
        if isinstance(self.votes, str) and self.votes == "dues":
            return np.rint(VOTE_RESOLUTION * dues / dues.sum(axis=1, keepdims=True)).astype(np.int64)
        if isinstance(self.votes, str):
            return np.ones(dues.shape, dtype=np.int64)
        return np.broadcast_to(np.asarray(self.votes, dtype=np.int64), dues.shape)


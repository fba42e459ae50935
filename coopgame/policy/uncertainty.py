"""Uncertainty analysis of an n-city model: verdicts with their probability, bands, a tornado and tipping points.

Every modeling-choice parameter of a model file may carry a range (DESIGN
§2.3 "Uncertainty"; ``docs/model-files.md``, "Ranges"). This module draws
all of them at once, rebuilds the model's :class:`~coopgame.NCityGame` at
each draw (the derivation rules recompute what depends on them), and
evaluates the verdicts of the policy answer on all the draws together:

* **cooperation an equilibrium**: no city gains by deviating on any set of
  issues while the others cooperate (perceived payoffs, no transfers);
* **cooperation an ESS**: every city strictly loses by deviating on every
  issue (strict equilibrium of the n-population replicator), overall and per
  issue layer;
* **self-enforcing without a central subsidy**: the minimal subsidy
  ``Z* = max(0, Σ L_i)`` is 0 (transfers among the cities suffice);
* **free rider**, per city: its deviation bound ``L_i`` is positive.

The outside options of all the draws come from one vectorised evaluation
(:func:`coopgame.policy.outside.option_stack`, the computation
:func:`coopgame.outside_options` uses), not a loop of solvers. Each city's
status quo, free-ride gain and the minimal subsidy get 5–95 % bands; a
one-at-a-time sensitivity (tornado) swings each ranged parameter from its
low to its high bound with the others at the file's values; and each
verdict that changes within a parameter's range gets its **tipping point**,
found by bisection on the same kernel.

The verdicts on the cooperative game (DESIGN §2.1: the ``"alpha"`` game) --
each sharing rule **in the core**, and each city a **net payer** under the
Shapley rule (its allocation below its status quo without transfers, true
payoffs) -- need the game's ``2**n`` worths at each draw, which the model's
builder computes one draw at a time (about a millisecond for two to six
cities, ten for thirteen). They are therefore drawn on the first
``cooperative_draws`` of the same draws (by default every draw up to 1,000
for eight cities or fewer, 200 up to sixteen, none beyond unless asked),
and everything after the worths is
evaluated on all of them at once: the Shapley values by
:func:`coopgame.shapley_values`, the core test by
:func:`coopgame.stability.coreset.coalition_excesses`. A nucleolus lies in
the core exactly when the core is non-empty, which a rule's split in the core
proves; only the draws where no split is in the core get the core's LP.
Each such probability comes with its Monte Carlo standard error.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from functools import partial
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from coopgame._executor import block_plan, resolve_executor
from coopgame.policy._drawing import (MAX_DRAWS, closing_notes, core_verdicts, draw_ranged, drawn_dict,
                                      one_at_a_time, probability_fact, standard_error, tipping_facts)
from coopgame.errors import InvalidParameterError
from coopgame.games.ncity import PARAMETER_NAMES
from coopgame.cooperative.batch import shapley_values
from coopgame.policy.outside import option_stack, package_bounds, welfare_status_quo
from coopgame.policy.rules import SharingRule, as_rules
from coopgame.policy.transfers import minimal_subsidy
from coopgame.results import ILLUSTRATIVE_SIGNIFICANT, Result, Summary, format_number
from coopgame.tolerances import DEFAULT_TOL

__all__ = ["UncertaintyResult", "uncertainty_analysis", "MAX_DRAWS", "COOPERATIVE_DRAWS"]

COOPERATIVE_DRAWS: tuple[tuple[int, int], ...] = ((8, 1000), (16, 200), (62, 0))
"""Default number of draws on which the cooperative verdicts are evaluated: ``(most cities, draws)``,
the first row that admits the model's number of cities (the worths of each draw are built one at a time;
beyond 16 cities a draw's dense alpha game takes seconds, and none is drawn unless asked)."""

_BLOCK = 2048           # draws evaluated together: bounds the stacked parameter arrays


@dataclass(frozen=True, eq=False)
class UncertaintyResult(Result):
    """What a model's verdicts and numbers do over the draws of its ranged parameters.

    Attributes
    ----------
    players : tuple of str
    issues : tuple of str
    draws : int
    ranged : dict of str -> str
        Each ranged parameter and its distribution (``Uncertainty.describe()``).
    probabilities : dict of str -> float
        Share of the draws in which each verdict holds.
    at_file_values : dict of str -> bool or float
        The same verdicts, and the minimal subsidy, at the model file's own values.
    bands : dict of str -> ndarray
        5 %, 50 % and 95 % quantiles over the draws: ``"status_quo"`` and
        ``"free_ride_gain"`` per city (shape (3, n)), ``"subsidy"`` (shape (3,)); over the cooperative
        draws, ``"shapley"`` (the Shapley allocation, true payoffs) and ``"shapley_net"`` (allocation minus
        status quo: + received, - paid) per city.
    tornado : tuple of tuple
        ``(parameter, low, high, subsidy at low, subsidy at high, swing, verdicts that flip)``, largest swing first.
    tipping_points : tuple of tuple
        ``(parameter, verdict, value, holds above)``: where the verdict flips inside the range (the parameter's
        value, or its factor for a ``"factor"`` range), and whether it holds above that value.
    cooperative_draws : int
        The first this many draws carry the cooperative verdicts (a rule in the core, net payers); their
        probabilities (keys starting ``"in the core: "`` and ``"net payer: "``) are shares of these draws.
    samples : dict of str -> ndarray
        Per draw: each verdict (bool) and the minimal subsidy; the cooperative verdicts per cooperative draw.
    method : str
    parameters : dict
        ``seed``, ``draws``, ``elapsed`` and the units.
    """

    players: tuple[str, ...]
    issues: tuple[str, ...]
    draws: int
    ranged: Mapping[str, str]
    probabilities: Mapping[str, float]
    at_file_values: Mapping[str, Any]
    bands: Mapping[str, np.ndarray]
    tornado: tuple[tuple[Any, ...], ...]
    tipping_points: tuple[tuple[Any, ...], ...]
    samples: Mapping[str, np.ndarray] = field(repr=False)
    cooperative_draws: int = 0
    method: str = "vectorised outside options over the draws"
    parameters: Mapping[str, Any] = field(default_factory=dict)

    _headline = ("draws", "probabilities", "method")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: probabilities, the file's values, bands, tornado and tipping points (not the draws)."""
        return {"result": "UncertaintyResult", **drawn_dict(self, "subsidy"), "cooperative_draws": self.cooperative_draws,
                "issues": list(self.issues), "payoffs": "status quo true; free-ride gains and verdicts perceived"}

    def headline(self) -> str:
        """One sentence for the policy answer: how sure its verdicts are (3 significant figures)."""
        fmt = partial(format_number, significant=ILLUSTRATIVE_SIGNIFICANT)
        p, band = self.probabilities, self.bands["subsidy"]
        text = (f" Over {self.draws:,} draws of the ranged modeling choices: self-enforcing without a central subsidy "
                f"in {p['self-enforcing without a central subsidy']:.0%} of them, cooperation an equilibrium without "
                f"transfers in {p['cooperation an equilibrium']:.0%}; minimal subsidy 5-95 %: {fmt(band[0])} to "
                f"{fmt(band[2])}.")
        if "in the core: Shapley" in p:
            median = self.bands["shapley_net"][1]
            order = [i for i in np.argsort(median, kind="stable") if median[i] < 0][:3]
            payers = [f"{self.players[i]} {fmt(-median[i])}" for i in order]
            text += (f" The Shapley split is in the core in {p['in the core: Shapley']:.0%} of the first "
                     f"{self.cooperative_draws:,} draws; "
                     + (f"the largest payers into the fund under it, by the median over those draws: "
                        f"{', '.join(payers)}." if payers else "under it no city pays into the fund in the median "
                                                               "draw."))
        return text

    def summary(self) -> Summary:
        """Verdict probabilities, per-city bands, the tornado and the tipping points, in one table per part."""
        # every number here rests on the ranged modeling choices: 3 significant figures (the JSON keeps all digits)
        fmt = partial(format_number, significant=ILLUSTRATIVE_SIGNIFICANT)
        facts = [("draws", f"{self.draws:,} (seed {self.parameters.get('seed')})"),
                 ("ranged parameters", str(len(self.ranged))),
                 ("minimal central subsidy", "5-95 %: " + " / ".join(fmt(v) for v in self.bands["subsidy"])
                  + f" (at the file's values {fmt(self.at_file_values['subsidy'])})")]
        for name, p in self.probabilities.items():
            if name.startswith(("free rider: ", "net payer: ")):
                continue
            extra = (f", over the first {self.cooperative_draws:,} draws, ± "
                     f"{standard_error(p, self.cooperative_draws):.1%}" if name.startswith("in the core: ") else "")
            facts.append(probability_fact(name, p, self.at_file_values.get(name), extra))
        facts += tipping_facts(self.tipping_points, fmt)
        def band(b: np.ndarray, i: int) -> str:
            return " / ".join(fmt(b[k, i]) for k in range(3))

        columns = ["city", "status quo (true) 5/50/95 %", "free-ride gain (perceived) 5/50/95 %", "P(free rider)"]
        cooperative = "shapley" in self.bands
        if cooperative:
            columns += ["Shapley allocation (true) 5/50/95 %", "Shapley net transfer 5/50/95 %",
                        "P(net payer, Shapley)"]
        rows = []
        for i, c in enumerate(self.players):
            row = [c, band(self.bands["status_quo"], i), band(self.bands["free_ride_gain"], i),
                   f"{self.probabilities['free rider: ' + c]:.1%}"]
            if cooperative:
                row += [band(self.bands["shapley"], i), band(self.bands["shapley_net"], i),
                        f"{self.probabilities['net payer: ' + c]:.1%}"]
            rows.append(tuple(row))
        notes = ["Bands are the 5 %, 50 % and 95 % quantiles over the draws. Status quo: true payoffs; free-ride "
                 "gain, free riders and the verdicts: perceived payoffs (decisions)."
                 + (f" The cooperative columns and the core verdicts come from the alpha game of the first "
                    f"{self.cooperative_draws:,} draws (true payoffs: coalition worths are welfare); a net payer "
                    f"pays into the fund under the Shapley rule, its allocation below its status quo." if cooperative
                    else "")]
        if not cooperative:
            notes.append("The cooperative verdicts (each rule in the core, net payers) were not drawn "
                         "(cooperative_draws = 0; by default none beyond 16 cities, whose alpha game takes seconds "
                         "a draw).")
        notes += closing_notes(self, "minimal subsidy", fmt)
        return Summary("Uncertainty over the ranged parameters", facts=tuple(facts), columns=tuple(columns),
                       rows=tuple(rows), notes=tuple(notes))


def uncertainty_analysis(model: Any, *, draws: int = 10_000, rng: Any = None,
                         rules: Sequence[Any] | None = None,
                         cooperative_draws: int | None = None, executor: Any = None) -> UncertaintyResult:
    """Draw every ranged parameter of an n-city model and report its verdicts with their probabilities.

    Parameters
    ----------
    model : ModelSpec
        A loaded ``ncity`` or ``ncity_dense`` model (:func:`coopgame.load_model`) whose modeling choices carry
        ranges.
    draws : int, default 10,000
        Number of joint draws (1 to :data:`MAX_DRAWS`).
    rng : None, int, SeedSequence, BitGenerator or Generator, optional
        Anything ``numpy.random.default_rng`` takes; ``None`` means a fixed default seed, recorded in
        ``parameters["seed"]``.
    rules : sequence of SharingRule or str, optional
        The sharing rules whose place in the core is drawn (default ``('shapley', 'nucleolus', 'equal')``,
        those :func:`coopgame.fund_analysis` compares by default).
    cooperative_draws : int, optional
        On how many of the draws (the first ones) the cooperative verdicts are evaluated: 0 for none;
        default from :data:`COOPERATIVE_DRAWS` (at most ``draws``).
    executor : None, int, concurrent.futures.Executor or distributed.Client, optional
        Where the blocks of 2,048 draws are evaluated: in this process (None), a local pool of that many
        processes, any executor, or a Dask cluster (``docs/distributed.md``). The blocks and their order do not
        depend on it, so the answer is the same bit for bit.

    Returns
    -------
    UncertaintyResult

    Raises
    ------
    InvalidParameterError
        When the model is not an n-city model, has no ranged parameter, or ``draws`` is not a positive integer.

    Examples
    --------
    >>> import coopgame
    >>> res = uncertainty_analysis(coopgame.load_model("chengdu_chongqing"), draws=2000, rng=1)
    >>> res.at_file_values["cooperation an ESS on infrastructure"], 0 < res.probabilities["cooperation an ESS on infrastructure"] < 1
    (False, True)
    >>> res.cooperative_draws, 0 < res.probabilities["in the core: Shapley"] <= 1
    (1000, True)
    """
    func = "uncertainty_analysis"
    start = time.perf_counter()
    spec = model
    kind = getattr(spec, "kind", None) if hasattr(spec, "uncertain_parameters") else None
    if kind == "tripartite":
        from coopgame.policy.uncertainty_tripartite import tripartite_uncertainty

        for name, given in (("rules", rules), ("cooperative_draws", cooperative_draws)):
            if given is not None:
                raise InvalidParameterError(f"{func}(): {name} applies to n-city and fund models; a tripartite "
                                            f"model has no sharing rule (got {name}={given!r})")
        return tripartite_uncertainty(spec, draws=draws, rng=rng, executor=executor)
    if kind == "fund":
        from coopgame.policy.uncertainty_fund import fund_uncertainty

        return fund_uncertainty(spec, draws=draws, rng=rng, rules=rules, cooperative_draws=cooperative_draws,
                                executor=executor)
    if not (hasattr(spec, "uncertain_parameters") and hasattr(spec, "ncity_game")) or spec.ncity_game() is None:
        raise InvalidParameterError(f"{func}(): model must be a loaded n-city, fund-mechanism or tripartite model "
                                    f"(coopgame.load_model of an 'ncity', 'ncity_dense', 'fund' or 'tripartite' "
                                    f"file); got {type(model).__name__}" + (f" of kind {kind!r}" if kind else ""))
    ranged, sampled, seed = draw_ranged(spec, draws, rng, func=func)
    draws = len(next(iter(sampled.values())))
    base = spec.ncity_game()
    players, issues = tuple(base.players), tuple(base.issues)
    if cooperative_draws is None:
        cooperative_draws = min(draws, next(m for most, m in COOPERATIVE_DRAWS if len(players) <= most))
    elif not (isinstance(cooperative_draws, (int, np.integer)) and not isinstance(cooperative_draws, bool)
              and 0 <= cooperative_draws <= draws):
        raise InvalidParameterError(f"{func}(): cooperative_draws must be an integer from 0 to draws ({draws:,}); "
                                    f"got {cooperative_draws!r}")
    chosen = as_rules(rules, func=func, default=("shapley", "nucleolus", "equal"))
    kernel = _Kernel(players, issues)
    point = kernel.evaluate([base])
    point = {k: (bool(v[0]) if v.dtype == bool and v.ndim == 1 else v[0]) for k, v in point.items()}
    # blocks of draws fixed by the problem (never by the executor), evaluated anywhere, joined in plan order
    plan = block_plan(draws, _BLOCK)
    tasks = [({n: v[lo:hi] for n, v in sampled.items()}, max(0, min(hi, cooperative_draws) - lo)) for lo, hi in plan]
    with resolve_executor(executor, func=func) as runner:
        done = runner.map(partial(_evaluate_block, spec, kernel, chosen), tasks)
    blocks = [b for b, _ in done]
    cooperative = [c for _, c in done if c is not None]
    samples = {k: np.concatenate([b[k] for b in blocks]) for k in blocks[0]}
    verdicts = [k for k, v in samples.items() if v.dtype == bool and v.ndim == 1]
    probabilities = {k: float(samples[k].mean()) for k in verdicts}
    riders = samples["free riders"]
    probabilities |= {f"free rider: {c}": float(riders[:, i].mean()) for i, c in enumerate(players)}
    q = (0.05, 0.5, 0.95)
    bands = {"status_quo": np.quantile(samples["status quo"], q, axis=0),
             "free_ride_gain": np.quantile(samples["free-ride gain"], q, axis=0),
             "subsidy": np.quantile(samples["subsidy"], q)}
    keep = {k: samples[k] for k in (*verdicts, "subsidy")}
    at_file = {k: point[k] for k in (*verdicts, "subsidy")}
    if cooperative:
        coop = {k: np.concatenate([b[k] for b in cooperative]) for k in cooperative[0]}
        at_coop = _cooperative_verdicts([base], chosen, point["scale"][None])
        for rule in chosen:
            key = f"in the core: {rule.label}"
            probabilities[key] = float(coop[key].mean())
            at_file[key] = bool(at_coop[key][0])
            keep[key] = coop[key]
        payers = coop["net payers"]
        probabilities |= {f"net payer: {c}": float(payers[:, i].mean()) for i, c in enumerate(players)}
        keep["net payers"] = payers
        bands["shapley"] = np.quantile(coop["shapley"], q, axis=0)
        bands["shapley_net"] = np.quantile(coop["shapley"] - coop["status quo"], q, axis=0)
    def at(name: str, values: list[np.ndarray]) -> dict[str, np.ndarray]:
        return kernel.evaluate([s.ncity_game() for s in spec.at_draws({name: np.stack(values)})])

    tornado, tipping = one_at_a_time(ranged, at, verdicts, "subsidy")
    return UncertaintyResult(
        players=players, issues=issues, draws=draws, ranged={n: u.describe() for n, u in ranged.items()},
        probabilities=probabilities, at_file_values=at_file, bands=bands,
        tornado=tornado, tipping_points=tipping, samples=keep, cooperative_draws=int(cooperative_draws),
        parameters={"seed": seed, "draws": draws, "cooperative_draws": int(cooperative_draws),
                    "rules": [r.label for r in chosen], "elapsed": time.perf_counter() - start,
                    "unit": getattr(spec, "unit", "")},
        game=spec)


def _evaluate_block(spec: Any, kernel: _Kernel, rules: list[SharingRule],
                    task: tuple[Mapping[str, np.ndarray], int]) -> tuple[dict[str, np.ndarray], dict | None]:
    """One block of draws: the games at the drawn values, their verdicts, and the cooperative verdicts of the
    first ``task[1]`` of them (None when none). A module-level function, so that an executor can ship it."""
    values, n_cooperative = task
    games = [s.ncity_game() for s in spec.at_draws(values)]
    out = kernel.evaluate(games)
    coop = (_cooperative_verdicts(games[:n_cooperative], rules, out["scale"][:n_cooperative])
            if n_cooperative else None)
    return out, coop


def _cooperative_verdicts(games: list[Any], rules: list[SharingRule], scale: np.ndarray) -> dict[str, np.ndarray]:
    """Each rule in the core and the Shapley net payers at a list of draws' n-city games, evaluated together.

    The tests are :func:`coopgame.fund_analysis`'s: a split is in the core when it hands out ``v(N)`` and no
    coalition (the cities alone included: their stand-alone worths) gets more by leaving, within the tolerance
    relative to the draw's payoff scale; the status quo is the payoffs without transfers at the welfare optimum
    (:func:`~coopgame.policy.outside.welfare_status_quo`).
    """
    tus = [g.tu_game() for g in games]                 # the alpha game of each draw: the builder, one at a time
    values = np.stack([np.asarray(t.values, dtype=float) for t in tus])
    sq = np.stack([welfare_status_quo(g)[0] for g in games])
    scale = np.maximum(scale, np.maximum(np.abs(values).max(axis=1), np.abs(sq).max(axis=1)))
    slack = DEFAULT_TOL * scale
    shapley = shapley_values(values).allocations
    out: dict[str, np.ndarray] = {"shapley": shapley, "status quo": sq,
                                  "net payers": shapley - sq < -slack[:, None]}
    return out | core_verdicts(tus, values, sq, slack, rules, shapley)


class _Kernel:
    """The verdicts of a stack of the model's n-city games (one per draw), evaluated together."""

    def __init__(self, players: tuple[str, ...], issues: tuple[str, ...]) -> None:
        self.players, self.issues = players, issues

    def evaluate(self, games: list[Any]) -> dict[str, np.ndarray]:
        params = {name: np.stack([g.parameter(name) for g in games]) for name in PARAMETER_NAMES}
        true = option_stack(params, perceived=False)
        perc = option_stack(params, perceived=True)
        gain = perc.free_ride - perc.status_quo                                    # d_ik per draw, (G, K, n)
        bounds = package_bounds(gain)                                              # L_i, (G, n)
        # each draw's payoff scale (payoff_scale of its options): ties within DEFAULT_TOL of it are ties
        scale = np.max([np.abs(a).reshape(len(games), -1).max(axis=1) for a in (*true, *perc)], axis=0)
        atol = DEFAULT_TOL * scale
        out: dict[str, np.ndarray] = {
            "scale": scale,
            "status quo": true.status_quo.sum(axis=1),
            "free-ride gain": bounds,
            "free riders": bounds > atol[:, None],
            "subsidy": minimal_subsidy(bounds),
            "cooperation an equilibrium": np.all(bounds <= atol[:, None], axis=1),
            "cooperation an ESS": np.all(gain < -atol[:, None, None], axis=(1, 2)),
        }
        out["self-enforcing without a central subsidy"] = out["subsidy"] <= atol * len(self.players)
        if len(self.issues) > 1:
            for k, issue in enumerate(self.issues):
                out[f"cooperation an ESS on {issue}"] = np.all(gain[:, k] < -atol[:, None], axis=1)
        return out

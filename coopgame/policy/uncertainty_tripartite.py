"""Uncertainty analysis of a tripartite model: the stability of its eight vertices with their probabilities.

A ``tripartite`` model file (the centre supervising two local governments,
:class:`~coopgame.games.tripartite.TripartiteGame`) gives its modeling choices
ranges (DESIGN §2.3 "Uncertainty"; ``docs/model-files.md``, "Ranges"). This
module draws all of them at once, re-derives the model's parameters at each
draw (the derivation rules recompute, e.g., the spillover from a drawn decay
length), and evaluates the stability of the replicator dynamics on all the
draws together:

* the **perceived payoff tables** of every draw, shape (G, 8, 3), from
  :func:`coopgame.games.tripartite.payoff_stack` (the table
  :class:`~coopgame.games.tripartite.TripartiteGame` itself uses: the cities'
  payoffs from the n-city payoff formula);
* the **eigenvalues at the vertices**: there the Jacobian is diagonal, with
  ``λ_p = (1 − 2 x_p)`` times player p's advantage of action 1
  (:func:`coopgame.games.binary.advantages`; the table of
  :func:`coopgame.dynamics.tripartite_stability_table`);
* each **vertex an ESS** when its three eigenvalues are below
  ``−DYNAMICS_TOL × power_of_two_below(payoff scale)`` (the tolerance of
  :func:`coopgame.rest_points`), the **number of ESS**, and whether the
  cities both cooperate at some ESS.

The eigenvalues at each vertex and the cities' perceived advantage of
cooperating get 5–95 % bands; the one-at-a-time tornado swings the
**stability margin of full cooperation under supervision** (the largest
eigenvalue at (1, 1, 1); below 0 it is an ESS); and each verdict that flips
inside a parameter's range gets its tipping point, by bisection on the same
kernel (:func:`coopgame.policy._drawing.one_at_a_time`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np

from coopgame._executor import block_plan, resolve_executor
from coopgame.errors import InvalidParameterError
from coopgame.games.binary import advantages
from coopgame.games.ncity import PARAMETER_NAMES
from coopgame.games.tripartite import CENTRE_ACTIONS, LOCAL_ACTIONS, TripartiteGame, payoff_stack
from coopgame.policy._drawing import (closing_notes, draw_ranged, drawn_dict, one_at_a_time, probability_fact,
                                      tipping_facts)
from coopgame.results import ILLUSTRATIVE_SIGNIFICANT, Result, Summary, format_number
from coopgame.tolerances import DYNAMICS_TOL, power_of_two_below

__all__ = ["TripartiteUncertaintyResult", "tripartite_uncertainty"]

_BLOCK = 2048   # draws evaluated together: bounds the stacked parameter arrays

_MASKS = np.arange(8)
_BITS = np.stack([(_MASKS >> p) & 1 for p in range(3)], axis=1)   # (8, 3): player p at action 1 in vertex m
_SIGN = 1.0 - 2.0 * _BITS                                          # (1 − 2 x_p) at each vertex

PROFILES: tuple[str, ...] = tuple(
    f"E{m + 1} (" + ", ".join((CENTRE_ACTIONS, LOCAL_ACTIONS, LOCAL_ACTIONS)[p][_BITS[m, p]] for p in range(3)) + ")"
    for m in range(8))
"""The eight vertices by name, e.g. ``'E8 (supervise, cooperate, cooperate)'`` (bit 0 the centre supervises)."""

FULL_COOPERATION = "full cooperation under supervision an ESS"
BAD_ESS = "the bad ESS (supervise, defect, defect)"
COOPERATIVE_ESS = "both cities cooperate at some ESS"
MARGIN = "margin"
_ADVANTAGE_STATES = ("lax, the other defects", "lax, the other cooperates", "supervised, the other defects",
                     "supervised, the other cooperates")


def _ess_key(m: int) -> str:
    return f"ESS: {PROFILES[m]}"


@dataclass(frozen=True, eq=False)
class TripartiteUncertaintyResult(Result):
    """What a tripartite model's stability verdicts do over the draws of its ranged parameters.

    Attributes
    ----------
    players : tuple of str
        ``(centre, city A, city B)``.
    draws : int
    ranged : dict of str -> str
        Each ranged parameter and its distribution (``Uncertainty.describe()``).
    probabilities : dict of str -> float
        Share of the draws in which each verdict holds: ``"ESS: E1 (lax, defect, defect)"`` .. ``"ESS: E8
        (supervise, cooperate, cooperate)"`` (each vertex an ESS), ``"full cooperation under supervision an ESS"``
        (E8), ``"the bad ESS (supervise, defect, defect)"`` (E2), ``"both cities cooperate at some ESS"`` (E7 or
        E8), and ``"exactly k ESS"`` for k = 0 .. 4 (strict vertices are never adjacent on the cube: at most 4).
    at_file_values : dict of str -> bool or float
        The same verdicts, and the stability margin (``"margin"``), at the model file's own values.
    bands : dict of str -> ndarray
        5 %, 50 % and 95 % quantiles over the draws: ``"eigenvalues"`` (3, 8, 3): quantile, vertex (row = profile
        bitmask), player; ``"city_advantage"`` (3, 4, 2): each city's perceived advantage of cooperating when
        the centre is lax or supervises and the other city defects or cooperates (``_ADVANTAGE_STATES`` order);
        ``"margin"`` (3,): the largest eigenvalue at E8.
    tornado : tuple of tuple
        ``(parameter, low, high, margin at low, margin at high, swing, verdicts that flip)``, largest swing first.
    tipping_points : tuple of tuple
        ``(parameter, verdict, value, holds above)``: where the verdict flips inside the range (the parameter's
        value, or its factor for a ``"factor"`` range), and whether it holds above that value.
    samples : dict of str -> ndarray
        Per draw: each verdict (bool), ``"eigenvalues"`` (G, 8, 3), ``"margin"`` (G,) and ``"number of ESS"`` (G,).
    method : str
    parameters : dict
        ``seed``, ``draws``, ``elapsed`` and the unit.
    """

    players: tuple[str, ...]
    draws: int
    ranged: Mapping[str, str]
    probabilities: Mapping[str, float]
    at_file_values: Mapping[str, Any]
    bands: Mapping[str, np.ndarray]
    tornado: tuple[tuple[Any, ...], ...]
    tipping_points: tuple[tuple[Any, ...], ...]
    samples: Mapping[str, np.ndarray] = field(repr=False)
    method: str = "vectorised vertex eigenvalues over the draws"
    parameters: Mapping[str, Any] = field(default_factory=dict)

    _headline = ("draws", "probabilities", "method")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: probabilities, the file's values, bands, tornado and tipping points (not the draws)."""
        return {"result": "TripartiteUncertaintyResult", **drawn_dict(self, "margin"), "vertices": list(PROFILES),
                "city_advantage_states": list(_ADVANTAGE_STATES),
                "payoffs": "perceived (decision) payoffs: they drive the dynamics", "illustrative": True}

    def headline(self) -> str:
        """One sentence on how sure the stability verdicts are."""
        p = self.probabilities
        return (f" Over {self.draws:,} draws of the ranged modeling choices: the bad ESS (supervise, defect, defect) "
                f"in {p['the bad ESS (supervise, defect, defect)']:.0%} of them, both cities cooperating at some ESS "
                f"in {p['both cities cooperate at some ESS']:.0%}, full cooperation under supervision an ESS in "
                f"{p['full cooperation under supervision an ESS']:.0%}.")

    def summary(self) -> Summary:
        """Verdict probabilities, the eight vertices with P(ESS) and eigenvalue bands, the tornado, tipping points."""
        # every number here rests on the ranged modeling choices: 3 significant figures (the JSON keeps all digits)
        fmt = partial(format_number, significant=ILLUSTRATIVE_SIGNIFICANT)

        def band(values: Any) -> str:
            return " / ".join(fmt(float(v)) for v in values)

        facts = [("draws", f"{self.draws:,} (seed {self.parameters.get('seed')})"),
                 ("ranged parameters", str(len(self.ranged)))]
        for name, p in self.probabilities.items():
            if not name.startswith(("ESS: ", "exactly ")):
                facts.append(probability_fact(name, p, self.at_file_values.get(name)))
        counts = [(k, self.probabilities[f"exactly {k} ESS"]) for k in range(5)]
        at_count = next((k for k in range(5) if self.at_file_values.get(f"exactly {k} ESS")), None)
        facts.append(("number of ESS", ", ".join(f"{k}: P = {p:.1%}" for k, p in counts if p > 0 or k == at_count)
                      + f" (at the file's values: {at_count})"))
        facts.append(("stability margin of full cooperation under supervision (largest eigenvalue at E8; < 0: an "
                      "ESS)", f"5-95 %: {band(self.bands['margin'])} (at the file's values "
                              f"{fmt(float(self.at_file_values[MARGIN]))})"))
        adv = self.bands["city_advantage"]
        for i, city in enumerate(self.players[1:]):
            facts.append((f"{city}: perceived advantage of cooperating, 5/50/95 %",
                          "; ".join(f"{state}: {band(adv[:, s, i])}" for s, state in enumerate(_ADVANTAGE_STATES))))
        facts += tipping_facts(self.tipping_points, fmt)
        eig = self.bands["eigenvalues"]
        rows = tuple((PROFILES[m], f"{self.probabilities[_ess_key(m)]:.1%}",
                      "yes" if self.at_file_values[_ess_key(m)] else "no",
                      *(band(eig[:, m, p]) for p in range(3))) for m in range(8))
        columns = ("vertex", "P(ESS)", "ESS at the file's values", "λ1 (centre) 5/50/95 %",
                   f"λ2 ({self.players[1]}) 5/50/95 %", f"λ3 ({self.players[2]}) 5/50/95 %")
        notes = ["Illustrative: every number rests on the ranged modeling choices. Bands are the 5 %, 50 % and 95 % "
                 "quantiles over the draws. Payoffs, eigenvalues and verdicts are perceived (decision) payoffs: the "
                 "cities' perception factor inflates their own costs and siphon losses; the dynamics follow them.",
                 "At a vertex the Jacobian is diagonal: λ_p = (1 - 2 x_p) times player p's advantage of action 1; "
                 "a vertex is an ESS when all three are below -tol × the payoff scale (tol = DYNAMICS_TOL, as "
                 "coopgame.rest_points).",
                 *closing_notes(self, "the stability margin of full cooperation under supervision", fmt)]
        return Summary("Uncertainty over the ranged parameters (tripartite game, illustrative)", facts=tuple(facts),
                       columns=columns, rows=rows, notes=tuple(notes))


def tripartite_uncertainty(spec: Any, *, draws: int = 10_000, rng: Any = None,
                           executor: Any = None) -> TripartiteUncertaintyResult:
    """Draw every ranged parameter of a tripartite model and report the stability of its vertices.

    Parameters
    ----------
    spec : ModelSpec
        A loaded ``tripartite`` model (:func:`coopgame.load_model`) whose modeling choices carry ranges.
    draws : int, default 10,000
        Number of joint draws (1 to :data:`coopgame.policy._drawing.MAX_DRAWS`).
    rng : None, int, SeedSequence, BitGenerator or Generator, optional
        Anything ``numpy.random.default_rng`` takes; ``None`` means a fixed default seed, recorded in
        ``parameters["seed"]``.
    executor : None, int, concurrent.futures.Executor or distributed.Client, optional
        Where the blocks of 2,048 draws are evaluated (see :func:`coopgame.uncertainty_analysis`); the blocks
        and their order do not depend on it, so the answer is the same bit for bit.

    Returns
    -------
    TripartiteUncertaintyResult

    Raises
    ------
    InvalidParameterError
        When the model is not a tripartite model, has no ranged parameter, or ``draws`` is not a positive integer.

    Examples
    --------
    >>> import coopgame
    >>> res = tripartite_uncertainty(coopgame.load_model("chengdu_chongqing_tripartite"), draws=2000, rng=1)
    >>> res.at_file_values["the bad ESS (supervise, defect, defect)"], res.at_file_values["exactly 1 ESS"]
    (True, True)
    >>> res.probabilities["full cooperation under supervision an ESS"]   # the centre would stop supervising
    0.0
    >>> 0.5 < res.probabilities["the bad ESS (supervise, defect, defect)"] < 1
    True
    >>> bool(res.bands["margin"][0] <= res.at_file_values["margin"] <= res.bands["margin"][2])
    True
    """
    func = "uncertainty_analysis"
    start = time.perf_counter()
    if not (hasattr(spec, "uncertain_parameters") and hasattr(spec, "tripartite_arguments")) \
            or spec.tripartite_arguments() is None:
        kind = getattr(spec, "kind", None)
        raise InvalidParameterError(f"{func}(): spec must be a loaded tripartite model (coopgame.load_model of a "
                                    f"'tripartite' file); got {type(spec).__name__}"
                                    + (f" of kind {kind!r}" if kind else ""))
    ranged, sampled, seed = draw_ranged(spec, draws, rng, func=func)
    draws = len(next(iter(sampled.values())))
    file_args = spec.tripartite_arguments()
    base = TripartiteGame(players=spec.players, **file_args)   # validates; its defaults fill the absent terms
    kernel = _Kernel(base)
    point = kernel.evaluate([file_args])
    point = {k: (bool(v[0]) if v.dtype == bool else v[0]) for k, v in point.items()}
    plan = block_plan(draws, _BLOCK)
    tasks = [{n: v[lo:hi] for n, v in sampled.items()} for lo, hi in plan]
    with resolve_executor(executor, func=func) as runner:
        blocks = runner.map(partial(_evaluate_block, spec, kernel), tasks)
    samples = {k: np.concatenate([b[k] for b in blocks]) for k in blocks[0]}
    verdicts = [k for k, v in samples.items() if v.dtype == bool]
    probabilities = {k: float(samples[k].mean()) for k in verdicts}
    q = (0.05, 0.5, 0.95)
    bands = {"eigenvalues": np.quantile(samples["eigenvalues"], q, axis=0),
             "city_advantage": np.quantile(samples["city_advantage"], q, axis=0),
             "margin": np.quantile(samples[MARGIN], q)}
    at_file = {k: point[k] for k in (*verdicts, MARGIN)}
    keep = {k: samples[k] for k in (*verdicts, "eigenvalues", MARGIN, "number of ESS")}

    def at(name: str, values: list[np.ndarray]) -> dict[str, np.ndarray]:
        return kernel.evaluate([s.tripartite_arguments() for s in spec.at_draws({name: np.stack(values)})])

    # tipping points of each vertex's verdict (the named verdicts are E2, E8, and E7 or E8: their tipping points
    # are those of the vertices)
    tornado, tipping = one_at_a_time(ranged, at, [_ess_key(m) for m in range(8)], MARGIN)
    return TripartiteUncertaintyResult(
        players=tuple(spec.players), draws=draws, ranged={n: u.describe() for n, u in ranged.items()},
        probabilities=probabilities, at_file_values=at_file, bands=bands, tornado=tornado, tipping_points=tipping,
        samples=keep, parameters={"seed": seed, "draws": draws, "elapsed": time.perf_counter() - start,
                                  "unit": getattr(spec, "unit", "")},
        game=spec)


def _evaluate_block(spec: Any, kernel: _Kernel, values: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """One block of draws: the game's arguments at each drawn value (the derivation rules re-run per draw), then
    their verdicts together. A module-level function, so that an executor can ship it."""
    args = [s.tripartite_arguments() for s in spec.at_draws(values)]
    return kernel.evaluate(args)


class _Kernel:
    """The vertex eigenvalues and ESS verdicts of a stack of a tripartite model's games (one per draw)."""

    def __init__(self, base: TripartiteGame) -> None:
        # the file's game: its parameters give the shape of each term and the value of those the file leaves out
        lax, _ = base.local_games
        self.centre = {k: np.asarray(v, dtype=float) for k, v in base.parameters.items()}
        self.local = {k: np.asarray(lax.parameter(k)) for k in PARAMETER_NAMES}

    def _stack(self, args: list[Mapping[str, Any]], name: str, fixed: np.ndarray) -> np.ndarray:
        g = len(args)
        if name not in args[0]:
            return np.broadcast_to(fixed, (g, *fixed.shape))
        return np.asarray([a[name] for a in args], dtype=float).reshape(g, *fixed.shape)

    def evaluate(self, args: list[Mapping[str, Any]]) -> dict[str, np.ndarray]:
        centre = {k: self._stack(args, k, v) for k, v in self.centre.items()}
        lax = {k: self._stack(args, k, v) for k, v in self.local.items() if k not in ("reward", "penalty")}
        zero = np.zeros((len(args), *self.local["reward"].shape))
        supervised = dict(lax, reward=centre["reward"][:, None, :], penalty=centre["penalty"][:, None, :])
        lax |= {"reward": zero, "penalty": zero}   # without supervision, no reward and no penalty
        table = payoff_stack(centre, lax, supervised, perceived=True)     # (G, 8, 3)
        adv = advantages(table)                                           # (G, 8, 3)
        eig = _SIGN * adv                                                 # λ at each vertex
        scale = np.abs(table).reshape(len(args), -1).max(axis=1)          # payoff_scale of each draw's game
        tol = DYNAMICS_TOL * power_of_two_below(scale)
        ess = np.all(eig < -np.asarray(tol)[:, None, None], axis=2)      # (G, 8)
        count = ess.sum(axis=1)
        # a city's advantage of cooperating depends on (z, the other's action): masks with its own bit clear
        city_adv = np.stack([adv[:, [0b000, 0b100, 0b001, 0b101], 1],
                             adv[:, [0b000, 0b010, 0b001, 0b011], 2]], axis=2)   # (G, 4, 2)
        out: dict[str, np.ndarray] = {_ess_key(m): ess[:, m] for m in range(8)}
        out |= {FULL_COOPERATION: ess[:, 7], BAD_ESS: ess[:, 1], COOPERATIVE_ESS: ess[:, 6] | ess[:, 7]}
        out |= {f"exactly {k} ESS": count == k for k in range(5)}
        out |= {"eigenvalues": eig, MARGIN: eig[:, 7].max(axis=1), "number of ESS": count,
                "city_advantage": city_adv}
        return out

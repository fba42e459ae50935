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

Verdicts that need the cooperative game (a sharing rule in the core, who
pays whom under the reference rule) are not drawn here: the dense alpha game
has to be built at every draw (tens of milliseconds each for 13 cities).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from coopgame._validation import check_positive_int, make_rng
from coopgame.errors import InvalidParameterError
from coopgame.games.ncity import PARAMETER_NAMES
from coopgame.policy.outside import option_stack, package_bounds
from coopgame.policy.transfers import minimal_subsidy
from coopgame.results import Result, Summary, format_number
from coopgame.tolerances import DEFAULT_TOL

__all__ = ["UncertaintyResult", "uncertainty_analysis", "MAX_DRAWS"]

MAX_DRAWS: int = 1_000_000
"""Most draws one analysis takes (each keeps a few arrays of the game's size)."""

_BLOCK = 2048           # draws evaluated together: bounds the stacked parameter arrays
_BISECTION_STEPS = 48   # halvings of a parameter's range: below 1e-14 of it


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
        ``"free_ride_gain"`` per city (shape (3, n)), ``"subsidy"`` (shape (3,)).
    tornado : tuple of tuple
        ``(parameter, low, high, subsidy at low, subsidy at high, swing, verdicts that flip)``, largest swing first.
    tipping_points : tuple of tuple
        ``(parameter, verdict, value, holds above)``: where the verdict flips inside the range (the parameter's
        value, or its factor for a ``"factor"`` range), and whether it holds above that value.
    samples : dict of str -> ndarray
        Per draw: each verdict (bool) and the minimal subsidy.
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
    method: str = "vectorised outside options over the draws"
    parameters: Mapping[str, Any] = field(default_factory=dict)

    _headline = ("draws", "probabilities", "method")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: probabilities, the file's values, bands, tornado and tipping points (not the draws)."""
        def num(x: Any) -> Any:
            return bool(x) if isinstance(x, (bool, np.bool_)) else float(x)

        return {
            "result": "UncertaintyResult", "draws": self.draws, "players": list(self.players),
            "issues": list(self.issues), "ranged": dict(self.ranged), "probabilities": dict(self.probabilities),
            "at_file_values": {k: num(v) for k, v in self.at_file_values.items()},
            "bands": {k: np.asarray(v).tolist() for k, v in self.bands.items()},
            "bands_quantiles": [0.05, 0.5, 0.95],
            "tornado": [{"parameter": p, "low": lo, "high": hi, "subsidy_at_low": a, "subsidy_at_high": b,
                         "swing": w, "flips": list(f)} for p, lo, hi, a, b, w, f in self.tornado],
            "tipping_points": [{"parameter": p, "verdict": v, "value": x, "holds_above": above}
                               for p, v, x, above in self.tipping_points],
            "method": self.method, "parameters": {k: v for k, v in self.parameters.items()},
            "payoffs": "status quo true; free-ride gains and verdicts perceived",
        }

    def summary(self) -> Summary:
        """Verdict probabilities, per-city bands, the tornado and the tipping points, in one table per part."""
        fmt = format_number
        facts = [("draws", f"{self.draws:,} (seed {self.parameters.get('seed')})"),
                 ("ranged parameters", str(len(self.ranged))),
                 ("minimal central subsidy", "5-95 %: " + " / ".join(fmt(v) for v in self.bands["subsidy"])
                  + f" (at the file's values {fmt(self.at_file_values['subsidy'])})")]
        for name, p in self.probabilities.items():
            if not name.startswith("free rider: "):
                facts.append((name, f"P = {p:.1%} (at the file's values: {'yes' if self.at_file_values[name] else 'no'})"))
        for param, verdict, value, above in self.tipping_points:
            facts.append((f"tipping point of {param}", f"{verdict} {'above' if above else 'below'} "
                                                       f"{fmt(value)}"))
        sq, gain = self.bands["status_quo"], self.bands["free_ride_gain"]
        rows = tuple((c, f"{fmt(sq[0, i])} / {fmt(sq[1, i])} / {fmt(sq[2, i])}",
                      f"{fmt(gain[0, i])} / {fmt(gain[1, i])} / {fmt(gain[2, i])}",
                      f"{self.probabilities['free rider: ' + c]:.1%}")
                     for i, c in enumerate(self.players))
        notes = ["Bands are the 5 %, 50 % and 95 % quantiles over the draws. Status quo: true payoffs; free-ride "
                 "gain, free riders and the verdicts: perceived payoffs (decisions).",
                 "Tornado (one parameter at a time, the others at the file's values; minimal subsidy at the low and "
                 "high end of its range): " + "; ".join(
                     f"{p}: {fmt(a)} .. {fmt(b)}" + (f" (flips {', '.join(f)})" if f else "")
                     for p, _, _, a, b, _, f in self.tornado)]
        if self.parameters.get("unit"):
            notes.append(f"Unit: {self.parameters['unit']}.")
        return Summary("Uncertainty over the ranged parameters", facts=tuple(facts),
                       columns=("city", "status quo (true) 5/50/95 %", "free-ride gain (perceived) 5/50/95 %",
                                "P(free rider)"), rows=rows, notes=tuple(notes))


def uncertainty_analysis(model: Any, *, draws: int = 10_000, rng: Any = None) -> UncertaintyResult:
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
    """
    func = "uncertainty_analysis"
    start = time.perf_counter()
    spec = model
    if not (hasattr(spec, "uncertain_parameters") and hasattr(spec, "ncity_game")) or spec.ncity_game() is None:
        raise InvalidParameterError(f"{func}(): model must be a loaded n-city model (coopgame.load_model of an "
                                    f"'ncity' or 'ncity_dense' file); got {type(model).__name__}")
    ranged = spec.uncertain_parameters()
    if not ranged:
        raise InvalidParameterError(f"{func}(): model {spec.slug!r} has no ranged parameter (give its modeling "
                                    "choices a range, docs/model-files.md 'Ranges')")
    draws = check_positive_int(draws, func=func, name="draws")
    if draws > MAX_DRAWS:
        raise InvalidParameterError(f"{func}(): draws must be at most {MAX_DRAWS:,}; got {draws:,}")
    gen, seed = make_rng(rng, func=func)
    sampled = {name: u.sample(gen, draws) for name, u in ranged.items()}
    base = spec.ncity_game()
    players, issues = tuple(base.players), tuple(base.issues)
    kernel = _Kernel(players, issues)
    point = kernel.evaluate([base])
    point = {k: (bool(v[0]) if v.dtype == bool and v.ndim == 1 else v[0]) for k, v in point.items()}
    blocks = [kernel.evaluate([spec.with_arrays(**{n: v[g] for n, v in sampled.items()}).ncity_game()
                               for g in range(lo, min(draws, lo + _BLOCK))])
              for lo in range(0, draws, _BLOCK)]
    samples = {k: np.concatenate([b[k] for b in blocks]) for k in blocks[0]}
    verdicts = [k for k, v in samples.items() if v.dtype == bool and v.ndim == 1]
    probabilities = {k: float(samples[k].mean()) for k in verdicts}
    riders = samples["free riders"]
    probabilities |= {f"free rider: {c}": float(riders[:, i].mean()) for i, c in enumerate(players)}
    q = (0.05, 0.5, 0.95)
    bands = {"status_quo": np.quantile(samples["status quo"], q, axis=0),
             "free_ride_gain": np.quantile(samples["free-ride gain"], q, axis=0),
             "subsidy": np.quantile(samples["subsidy"], q)}
    tornado, tipping = _one_at_a_time(spec, ranged, kernel, point, verdicts)
    keep = {k: samples[k] for k in (*verdicts, "subsidy")}
    return UncertaintyResult(
        players=players, issues=issues, draws=draws, ranged={n: u.describe() for n, u in ranged.items()},
        probabilities=probabilities, at_file_values={k: point[k] for k in (*verdicts, "subsidy")}, bands=bands,
        tornado=tornado, tipping_points=tipping, samples=keep,
        parameters={"seed": seed, "draws": draws, "elapsed": time.perf_counter() - start,
                    "unit": getattr(spec, "unit", "")},
        game=spec)


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


def _one_at_a_time(spec: Any, ranged: Mapping[str, Any], kernel: _Kernel, point: Mapping[str, Any],
                   verdicts: list[str]) -> tuple[tuple[tuple[Any, ...], ...], tuple[tuple[Any, ...], ...]]:
    """The tornado (each ranged parameter at its two bounds) and the tipping points (bisection inside them)."""
    def at(name: str, u: Any, x: float) -> dict[str, Any]:
        value = u.mode * x if u.kind == "factor" else np.asarray(x, dtype=float)
        out = kernel.evaluate([spec.with_arrays(**{name: value}).ncity_game()])
        return {k: v[0] for k, v in out.items()}

    tornado, tipping = [], []
    for name, u in ranged.items():
        lo, hi = float(u.low), float(u.high)
        a, b = at(name, u, lo), at(name, u, hi)
        flips = [v for v in verdicts if bool(a[v]) != bool(b[v])]
        tornado.append((name, lo, hi, float(a["subsidy"]), float(b["subsidy"]),
                        abs(float(b["subsidy"]) - float(a["subsidy"])), tuple(flips)))
        for verdict in flips:
            left, right = lo, hi
            for _ in range(_BISECTION_STEPS):
                mid = 0.5 * (left + right)
                if bool(at(name, u, mid)[verdict]) == bool(a[verdict]):
                    left = mid
                else:
                    right = mid
            x = 0.5 * (left + right)
            label = name
            if u.kind == "factor":   # say what the factor makes of the file's value when that value is one number
                same = np.unique(np.asarray(u.mode)[np.asarray(u.mode) != 0])
                label += (f" (factor; {format_number(float(same[0]) * x)} where the file has "
                          f"{format_number(float(same[0]))})" if same.size == 1 else " (factor)")
            tipping.append((label, verdict, x, bool(b[verdict])))
    tornado.sort(key=lambda row: -row[5])
    return tuple(tornado), tuple(tipping)

"""What every uncertainty analysis shares: the joint draws, the one-at-a-time tornado and the tipping points.

A model kind's uncertainty analysis (:func:`coopgame.uncertainty_analysis`
dispatches on the kind) brings a *kernel*: the verdicts (boolean) and numbers
of its model at a stack of parameter values. This module draws the ranged
modeling choices of a model file once (:func:`draw_ranged`), and swings each
of them alone between its bounds with the others at the file's values
(:func:`one_at_a_time`): the tornado of a headline number and, for each
verdict that differs at the two ends, its tipping point by bisection on the
same kernel.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from coopgame._validation import check_positive_int, make_rng
from coopgame.errors import InvalidParameterError
from coopgame.policy.rules import NucleolusRule, ShapleyRule, SharingRule
from coopgame.results import format_number
from coopgame.stability.coreset import coalition_excesses, least_core_values

__all__ = ["MAX_DRAWS", "SECTION_POINTS", "SECTION_ROUNDS", "draw_ranged", "value_at", "one_at_a_time", "tipping_facts",
           "tornado_note", "closing_notes", "drawn_dict", "probability_fact", "standard_error", "core_verdicts", "NO_TIPPING_NOTE"]

MAX_DRAWS: int = 1_000_000
"""Most draws one analysis takes (each keeps a few arrays of the game's size)."""

SECTION_POINTS: int = 15
"""Values evaluated together in each round of locating a tipping point (the bracket shrinks 16-fold a round)."""

SECTION_ROUNDS: int = 12
"""Rounds of locating a tipping point: the bracket ends below 16**-12 (4e-15) of the range."""

NO_TIPPING_NOTE = ("Tipping points: none; no ranged parameter alone flips a verdict inside its range with the "
                   "others at the file's values (the verdicts above change only when several move together).")


def draw_ranged(spec: Any, draws: Any, rng: Any, *, func: str) -> tuple[dict[str, Any], dict[str, np.ndarray], Any]:
    """``(ranged, sampled, seed)``: the model's ranged parameters, ``draws`` joint draws of them, the seed used.

    Raises
    ------
    InvalidParameterError
        When the model has no ranged parameter or ``draws`` is not an integer from 1 to :data:`MAX_DRAWS`.
    """
    ranged = spec.uncertain_parameters()
    if not ranged:
        raise InvalidParameterError(f"{func}(): model {spec.slug!r} has no ranged parameter (give its modeling "
                                    "choices a range, docs/model-files.md 'Ranges')")
    draws = check_positive_int(draws, func=func, name="draws")
    if draws > MAX_DRAWS:
        raise InvalidParameterError(f"{func}(): draws must be at most {MAX_DRAWS:,}; got {draws:,}")
    gen, seed = make_rng(rng, func=func)
    return ranged, {name: u.sample(gen, draws) for name, u in ranged.items()}, seed


def value_at(u: Any, x: float) -> np.ndarray:
    """The parameter's value at ``x``: the value itself, or for a ``"factor"`` range ``x`` times the file's value."""
    return u.mode * x if u.kind == "factor" else np.asarray(x, dtype=float)


def one_at_a_time(ranged: Mapping[str, Any], evaluate: Callable[[str, list[np.ndarray]], Mapping[str, np.ndarray]],
                  verdicts: Sequence[str], metric: str, *, points: int = SECTION_POINTS,
                  rounds: int = SECTION_ROUNDS, locate: Sequence[str] | None = None,
                  section_evaluate: Callable[[str, list[np.ndarray]], Mapping[str, np.ndarray]] | None = None,
                  ) -> tuple[tuple[tuple[Any, ...], ...], tuple[tuple[Any, ...], ...]]:
    """The tornado (each ranged parameter at its two bounds) and the tipping points (sections inside them).

    Parameters
    ----------
    ranged : mapping of str -> Uncertainty
    evaluate : callable
        ``evaluate(name, values)``: the kernel's outputs, one array entry per value, with parameter ``name`` at each
        of ``values`` and every other at the file's value (one vectorised evaluation of the whole list).
    verdicts : sequence of str
        The boolean outputs whose flips are located (those the kernel leaves out are skipped).
    metric : str
        The numeric output the tornado swings.
    points, rounds : int
        Each tipping point is bracketed by ``rounds`` evaluations of ``points`` values spread evenly inside the
        current bracket (bisection with ``points`` cuts a round): the bracket shrinks by ``points + 1`` a round.
    locate : sequence of str, optional
        The verdicts whose tipping points are located (default: every verdict); the tornado lists every flip.
    section_evaluate : callable, optional
        What evaluates the sections (default ``evaluate``): a cheaper kernel that still gives the verdicts in
        ``locate``.

    Returns
    -------
    tornado : tuple of ``(parameter, low, high, metric at low, metric at high, swing, verdicts that flip)``,
        largest swing first.
    tipping : tuple of ``(parameter label, verdict, value, holds above)``; for a ``"factor"`` range the value is
        the factor, and the label says what it makes of the file's value when that value is one number. Where a
        verdict flips more than once inside the range, the flip found is the first one the sections bracket.

    Examples
    --------
    >>> from coopgame.models.uncertainty import Uncertainty
    >>> u = {"beta": Uncertainty("uniform", 1.0, 1.5, "value", "a guess", 1.2)}
    >>> def kernel(name, values):
    ...     x = np.array([float(v) for v in values])
    ...     return {"ok": x < 1.25, "m": 2 * x}
    >>> tornado, tips = one_at_a_time(u, kernel, ["ok"], "m")
    >>> tornado[0][:6]
    ('beta', 1.0, 1.5, 2.0, 3.0, 1.0)
    >>> tips[0][0], tips[0][1], round(tips[0][2], 9), tips[0][3]
    ('beta', 'ok', 1.25, False)
    """
    tornado, tipping = [], []
    for name, u in ranged.items():
        lo, hi = float(u.low), float(u.high)
        ends = evaluate(name, [value_at(u, lo), value_at(u, hi)])
        a = {k: v[0] for k, v in ends.items()}
        b = {k: v[1] for k, v in ends.items()}
        flips = [v for v in verdicts if v in a and bool(a[v]) != bool(b[v])]
        tornado.append((name, lo, hi, float(a[metric]), float(b[metric]),
                        abs(float(b[metric]) - float(a[metric])), tuple(flips)))
        for verdict in (f for f in flips if locate is None or f in locate):
            left, right = lo, hi
            for _ in range(rounds):
                grid = np.linspace(left, right, points + 2)[1:-1]
                out = (section_evaluate or evaluate)(name, [value_at(u, x) for x in grid])
                same = np.asarray(out[verdict], dtype=bool) == bool(a[verdict])
                k = int(np.argmin(same)) if not same.all() else points   # the first cut past the flip
                left, right = (grid[k - 1] if k > 0 else left), (grid[k] if k < points else right)
            x = float(0.5 * (left + right))
            label = name
            if u.kind == "factor":   # say what the factor makes of the file's value when that value is one number
                same_value = np.unique(np.asarray(u.mode)[np.asarray(u.mode) != 0])
                label += (f" (factor; {format_number(float(same_value[0]) * x, significant=4)} where the file has "
                          f"{format_number(float(same_value[0]))})" if same_value.size == 1 else " (factor)")
            tipping.append((label, verdict, x, bool(b[verdict])))
    tornado.sort(key=lambda row: -row[5])
    return tuple(tornado), tuple(tipping)


def tipping_facts(tipping: Sequence[tuple[Any, ...]], fmt: Callable[[float], str]) -> list[tuple[str, str]]:
    """One summary fact per tipping point: ``("tipping point of <parameter>", "<verdict> above|below <value>")``."""
    return [(f"tipping point of {param}", f"{verdict} {'above' if above else 'below'} {fmt(value)}")
            for param, verdict, value, above in tipping]


def tornado_note(tornado: Sequence[tuple[Any, ...]], what: str, fmt: Callable[[float], str]) -> str:
    """The tornado in one sentence: each parameter's ``what`` at the low and high end of its range, and its flips."""
    return (f"Tornado (one parameter at a time, the others at the file's values; {what} at the low and high end of "
            "its range): " + "; ".join(f"{p}: {fmt(a)} .. {fmt(b)}" + (f" (flips {', '.join(f)})" if f else "")
                                       for p, _, _, a, b, _, f in tornado))


def closing_notes(result: Any, what: str, fmt: Callable[[float], str]) -> list[str]:
    """The notes every uncertainty summary ends with: the tornado (of ``what``), "no tipping point" when there is
    none, and the unit."""
    notes = [tornado_note(result.tornado, what, fmt)]
    if not result.tipping_points:
        notes.append(NO_TIPPING_NOTE)
    if result.parameters.get("unit"):
        notes.append(f"Unit: {result.parameters['unit']}.")
    return notes


def drawn_dict(result: Any, metric: str) -> dict[str, Any]:
    """The JSON keys every uncertainty result shares: draws, the verdicts' probabilities and file values, the bands,
    the tornado (its number named ``metric``), the tipping points, the method and parameters."""
    def num(x: Any) -> Any:
        return bool(x) if isinstance(x, (bool, np.bool_)) else float(x)

    return {
        "draws": result.draws, "players": list(result.players), "ranged": dict(result.ranged),
        "probabilities": dict(result.probabilities),
        "at_file_values": {k: num(v) for k, v in result.at_file_values.items()},
        "bands": {k: np.asarray(v).tolist() for k, v in result.bands.items()}, "bands_quantiles": [0.05, 0.5, 0.95],
        "tornado": [{"parameter": p, "low": lo, "high": hi, f"{metric}_at_low": a, f"{metric}_at_high": b,
                     "swing": w, "flips": list(f)} for p, lo, hi, a, b, w, f in result.tornado],
        "tipping_points": [{"parameter": p, "verdict": v, "value": x, "holds_above": above}
                           for p, v, x, above in result.tipping_points],
        "method": result.method, "parameters": dict(result.parameters),
    }


def probability_fact(name: str, p: float, at_file: Any, extra: str = "") -> tuple[str, str]:
    """``(verdict, "P = 42.0% (at the file's values: yes)<extra>")``."""
    told = "" if at_file is None else f" (at the file's values: {'yes' if at_file else 'no'})"
    return name, f"P = {p:.1%}{told}{extra}"


def standard_error(p: float, n: int) -> float:
    """Monte Carlo standard error of a share ``p`` of ``n`` draws."""
    return float(np.sqrt(p * (1 - p) / max(1, n)))


def core_verdicts(tus: list[Any], values: np.ndarray, sq: np.ndarray, slack: np.ndarray,
                  rules: Sequence[SharingRule], shapley: np.ndarray, *, lp: bool = True) -> dict[str, np.ndarray]:
    """``"in the core: <rule>"`` of each rule at a stack of TU games, evaluated together.

    Parameters
    ----------
    tus : list of TUGame
        The games (for the rules that allocate one game at a time, and the core's LP).
    values : ndarray, shape (G, 2**n)
        Their worths.
    sq : ndarray, shape (G, n)
        The status quo each rule is handed.
    slack : ndarray, shape (G,)
        Absolute tolerance of each game.
    rules : sequence of SharingRule
    shapley : ndarray, shape (G, n)
        The games' Shapley values (:func:`coopgame.shapley_values`), computed once by the caller.
    lp : bool, default True
        False leaves out the rules whose verdict may need the core's LP (the nucleolus).

    Notes
    -----
    A split is in the core when it hands out ``v(N)`` and no coalition gets more by leaving
    (:func:`~coopgame.stability.coreset.coalition_excesses`). A nucleolus is in the core exactly when the core is
    non-empty, which a rule's split in the core proves; only the games where none is get the core's LP.
    """
    out: dict[str, np.ndarray] = {}
    pending = []
    for rule in rules:
        if isinstance(rule, NucleolusRule):   # in the core exactly when the core is non-empty
            if lp:
                pending.append(rule.label)
            continue
        x = shapley if isinstance(rule, ShapleyRule) else np.stack([rule.allocate(t, s.copy())
                                                                     for t, s in zip(tus, sq)])
        fits = np.abs(x.sum(axis=1) - values[:, -1]) <= slack
        out[f"in the core: {rule.label}"] = fits & (coalition_excesses(values, x).max(axis=1) <= slack)
    if pending:
        some = list(out.values())
        nonempty = np.logical_or.reduce(some) if some else np.zeros(len(tus), dtype=bool)
        # a partition into two blocks (or singletons) worth more than v(N) proves the core empty (Bondareva-Shapley
        # with a balanced collection of weight 1 on each block)
        full = values.shape[1] - 1
        pairs = (values + values[:, ::-1])[:, 1:-1].max(axis=1, initial=-np.inf)
        singles = values[:, 1 << np.arange(full.bit_length())].sum(axis=1)
        empty = np.maximum(pairs, singles) > values[:, -1] + 2 * slack   # twice: beyond the LP's own tolerance
        open_ = np.flatnonzero(~nonempty & ~empty)      # the least core's LP only where neither settles it
        if open_.size:
            nonempty[open_] = least_core_values(values[open_]) <= slack[open_]
        out |= {f"in the core: {label}": nonempty for label in pending}
    return out

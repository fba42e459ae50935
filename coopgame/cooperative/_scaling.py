"""Overflow-safe evaluation of linear values: divide by a power of two, compute, multiply back.

Shapley and Banzhaf values are linear in ``v``, so ``φ(v) = φ(v / s) · s``.
Dividing by a power of two is exact (no rounding), so games in the usual
range take the direct path unchanged and games near the float maximum (or
below ~1e-270, where products with the size weights become subnormal) are
evaluated at unit scale. An answer that is itself beyond the float range is
refused with a typed error, never returned as ``inf`` or ``NaN``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from coopgame.errors import InvalidGameError
from coopgame.tolerances import power_of_two_below

__all__ = ["scaled_rows", "safe_gap", "check_finite_answer"]

_HIGH = 2.0**900     # a row whose largest |v(S)| reaches this is rescaled (2**n growth for n <= 40 stays finite)
_LOW = 2.0**-900     # ... and so is one below this (size weights down to 2**-60 would make subnormals)


def _row_magnitude(values: np.ndarray) -> np.ndarray:
    # max(max, -min) needs no |values| temporary of the size of the game
    return np.maximum(values.max(axis=1), -values.min(axis=1))


def scaled_rows(kernel: Callable[[np.ndarray, int], np.ndarray], values: np.ndarray, n: int, *,
                func: str, concept: str) -> np.ndarray:
    """``kernel(values, n)`` for a (B, 2**n) array, with extreme rows evaluated at unit scale.

    The kernel runs on the values as they are (no copy, no extra pass);
    only when its answer shows overflow (inf or NaN) or lies below 2**-900
    (where subnormal products lose digits) are the rows whose largest |v(S)|
    is outside [2**-900, 2**900) divided by a power of two, evaluated again
    and multiplied back.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        direct = kernel(values, n)
    size = np.max(np.abs(direct), initial=0.0) if np.all(np.isfinite(direct)) else np.inf
    if _LOW <= size < _HIGH or size == 0.0:
        return direct
    magnitude = _row_magnitude(values)
    extreme = (magnitude >= _HIGH) | ((magnitude < _LOW) & (magnitude > 0))
    if not extreme.any():
        check_finite_answer(direct, func=func, concept=concept)
        return direct
    out = np.empty((values.shape[0], n))
    normal = ~extreme
    if normal.any():
        out[normal] = kernel(values[normal], n)
    scale = power_of_two_below(magnitude[extreme])
    with np.errstate(over="ignore", invalid="ignore"):
        out[extreme] = kernel(values[extreme] / scale[:, None], n) * scale[:, None]
    check_finite_answer(out, func=func, concept=concept)
    return out


def check_finite_answer(allocation: np.ndarray, *, func: str, concept: str) -> None:
    """Refuse an allocation that left the float range (a game near 1.8e308 whose answer exceeds it)."""
    if not np.all(np.isfinite(allocation)):
        raise InvalidGameError(
            f"{func}(): the {concept} value of this game exceeds the float64 range (about 1.8e308); "
            "divide the game's values by a constant (the value scales with it) and multiply back")


def safe_gap(allocation: np.ndarray, total: float) -> float:
    """``Σ x_i − total`` without intermediate overflow (inf only when the gap itself exceeds the float range)."""
    magnitude = max(float(np.max(np.abs(allocation), initial=0.0)), abs(float(total)))
    if magnitude < _HIGH:
        return float(allocation.sum() - total)
    scale = float(power_of_two_below(np.array(magnitude)))
    with np.errstate(over="ignore"):
        return float((allocation / scale).sum() - total / scale) * scale

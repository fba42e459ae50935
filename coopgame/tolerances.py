"""Named numerical tolerances shared by the solvers.

Every routine that compares floats takes a ``tol=`` keyword whose default is
one of these constants. Tolerances are *relative*: they are multiplied by the
payoff scale of the game at hand (see :func:`payoff_scale`), so a game in yuan
and the same game in 亿元 give the same answers.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["DEFAULT_TOL", "LP_TOL", "EQUILIBRIUM_TOL", "DYNAMICS_TOL", "DEFAULT_SEED", "payoff_scale", "power_of_two_below"]

DEFAULT_TOL: float = 1e-9
"""Relative tolerance for equalities between payoffs (efficiency, core checks)."""

LP_TOL: float = 1e-9
"""Relative tolerance for deciding which LP constraints are tight."""

EQUILIBRIUM_TOL: float = 1e-9
"""Relative tolerance for best-response ties and regret in equilibrium computations."""

DYNAMICS_TOL: float = 1e-9
"""Relative tolerance (times the payoff scale) for rest points of evolutionary dynamics: an eigenvalue
whose real part is within it of 0 counts as zero."""

DEFAULT_SEED: int = 20231122
"""Seed used when a randomised routine is called without ``rng=``: same call, same answer."""


def payoff_scale(*arrays: ArrayLike) -> float:
    """Largest absolute entry over ``arrays`` (0.0 when every entry is zero or there are none).

    Multiply a relative tolerance by this to get an absolute one. There is no
    floor: a game in 亿元 and the same game in yuan (every payoff times 1e8)
    get tolerances in the same proportion, so their answers agree. A scale of
    zero (an all-zero game) makes every tolerance zero, i.e. comparisons exact,
    which is right for a game whose payoffs are all equal.

    Examples
    --------
    >>> payoff_scale([1e6, -3.0], [[2.0]])
    1000000.0
    >>> payoff_scale([1e-3])
    0.001
    >>> payoff_scale([0.0, 0.0])
    0.0
    """
    scale = 0.0
    for a in arrays:
        arr = np.asarray(a, dtype=float)
        if arr.size:
            scale = max(scale, float(np.max(np.abs(arr))))
    return scale


def power_of_two_below(magnitude: ArrayLike) -> Any:
    """The power of two ``2**e`` with ``magnitude / 2**e`` in [1, 2), elementwise (1.0 for 0 or non-finite).

    Dividing by it is exact (short of underflow) and brings any finite magnitude to [1, 2), so payoffs
    near the float limits can be differenced without overflow and the answer multiplied back. A float
    for a scalar, an array for an array.

    Examples
    --------
    >>> power_of_two_below(3.0), power_of_two_below(0.0), power_of_two_below(1.7e308) < float("inf")
    (2.0, 1.0, True)
    >>> power_of_two_below([1e-300, 5.0]).tolist()[1]
    4.0
    """
    m = np.asarray(magnitude, dtype=np.float64)
    mantissa, exponent = np.frexp(m)
    out = np.where((mantissa == 0) | ~np.isfinite(m), 1.0, np.ldexp(1.0, exponent - 1))
    return float(out) if out.ndim == 0 else out

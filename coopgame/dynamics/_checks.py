"""Argument checks and work estimates of the replicator integrators, before any work starts.

Everything here refuses with a typed error naming the public function
(``func``): ill-posed tolerances, time spans the payoff scale cannot
represent, and calls whose least possible work or output exceeds the budgets.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from coopgame._memory import ensure_fits
from coopgame._validation import as_float_array, check_method, check_positive_int, check_real, check_tol
from coopgame.dynamics._systems import BimatrixSystem, BinarySystem
from coopgame.errors import GameTooLargeError, InvalidParameterError
from coopgame.results import format_number

__all__ = ["MAX_STEPS", "MAX_WORK", "RTOL_FLOOR", "RunSettings", "check_initial", "check_run", "check_span",
           "check_tolerances", "check_work", "count_text", "natural_times", "output_times"]

_SIMPLEX_TOL = 1e-9

MAX_STEPS = 20_000
"""Default step limit of one run (accepted plus rejected steps); a run that reaches it stops, recorded."""

MAX_WORK = 4e8
"""Budget of one call in coordinate-steps (states × coordinates × steps): a few seconds of batched work."""

RTOL_FLOOR = 1e-13
"""Smallest positive ``rtol``: below it float64 rounding exceeds the error being controlled."""


class RunSettings(NamedTuple):
    """The checked settings of one integration call (:func:`check_run`)."""

    method: str
    t0: float
    t1: float
    times: np.ndarray
    pick: np.ndarray
    rtol: float
    atol: float
    n_steps: int
    max_steps: int
    max_step: float


def check_run(method: Any, methods: Sequence[str], t_span: Any, t_eval: Any, rtol: Any, atol: Any, n_steps: Any,
              max_steps: Any, max_step: Any, *, func: str) -> RunSettings:
    """Every argument of a replicator integration that does not depend on the game, checked in one place."""
    method = check_method(method, methods, func=func)
    t0, t1 = check_span(t_span, func)
    times, pick = output_times(t_eval, t0, t1, func)
    rtol, atol = check_tolerances(rtol, atol, method, func)
    return RunSettings(method, t0, t1, times, pick, rtol, atol,
                       check_positive_int(n_steps, func=func, name="n_steps"),
                       check_positive_int(max_steps, func=func, name="max_steps"),
                       check_real(max_step, func=func, name="max_step", minimum=0.0, strict_minimum=True,
                                  allow_inf=True))


def check_tolerances(rtol: Any, atol: Any, method: str, func: str) -> tuple[float, float]:
    """``rtol`` 0 or in [RTOL_FLOOR, 1], ``atol`` >= 0; refuse the pairs no error control can meet."""
    rtol = check_real(rtol, func=func, name="rtol", minimum=0.0, maximum=1.0)
    atol = check_tol(atol, func=func, name="atol")
    if 0.0 < rtol < RTOL_FLOOR:
        raise InvalidParameterError(f"{func}(): rtol must be 0 or at least {RTOL_FLOOR:g} (float64 rounding "
                                    f"is larger than the error it would control); got {rtol!r}")
    if rtol == 0.0 and atol == 0.0:
        raise InvalidParameterError(f"{func}(): rtol and atol cannot both be 0 (no step would ever be "
                                    f"accepted); got rtol={rtol}, atol={atol}")
    if atol == 0.0 and method == "dopri5":
        raise InvalidParameterError(f"{func}(): method='dopri5' needs atol > 0: it controls the error of "
                                    f"log-odds coordinates, which are 0 at a share of 1/2, where a purely "
                                    f"relative error test is undefined; got atol=0 (use e.g. atol=1e-12)")
    return rtol, atol


def natural_times(times: np.ndarray, t0: float, t1: float, max_step: float, norm: float,
                  func: str) -> tuple[np.ndarray, float]:
    """Output times and ``max_step`` in natural time ``norm * (t - t0)``, checked to be representable."""
    with np.errstate(over="ignore", under="ignore"):
        tau = (times - t0) * norm
        max_step_nat = max_step * norm
    if not np.all(np.isfinite(tau)):
        raise InvalidParameterError(f"{func}(): t_span ({format_number(t0)}, {format_number(t1)}) times the "
                                    f"payoff scale {norm:.3g} overflows a float: the runs would cover more "
                                    f"than 1.8e308 natural time units; pass a shorter t_span")
    if tau.size > 1 and not np.all(np.diff(tau) > 0):
        raise InvalidParameterError(f"{func}(): the output times are closer than the payoff scale {norm:.3g} "
                                    f"can resolve (t × scale underflows); pass a longer t_span")
    return tau, max_step_nat


def check_work(dim: int, K: int, tau: np.ndarray, max_step_nat: float, method: str, n_steps: int,
               max_steps: int, func: str, *, t_span: tuple[float, float], max_step: float) -> None:
    """Refuse, before starting, a call whose least possible work or whose output exceeds the budgets."""
    T = tau.size
    ensure_fits(8 * dim * K * (2 * T + 16), func=func,
                what=f"the trajectories of {K} initial states at {T} output times ({dim} coordinates each)",
                remedy="pass fewer t_eval points or fewer initial states")
    if method == "rk4":
        steps = n_steps + T - 1  # an int: n_steps may be huge
        why = f"n_steps={n_steps} plus {T - 1} output times"
        if steps > max_steps:  # one Python-level step each: bounded like the adaptive methods' runs
            raise InvalidParameterError(f"{func}(): method='rk4' would take {count_text(steps)} steps ({why}) but "
                                        f"max_steps={max_steps}; pass a smaller n_steps or a larger max_steps")
    else:
        with np.errstate(over="ignore", divide="ignore"):
            ratio = tau[-1] / max_step_nat if max_step_nat > 0 else math.inf
        by_step = math.ceil(ratio) if np.isfinite(ratio) else math.inf
        steps = float(max(T - 1, by_step))
        why = (f"{T - 1} output times" if T - 1 >= by_step else
               f"t_span {t_span} / max_step {max_step!r}")
        if steps > max_steps:
            raise InvalidParameterError(f"{func}(): each run needs at least {count_text(steps)} steps ({why}) but "
                                        f"max_steps={max_steps}; pass fewer t_eval points, a larger max_step "
                                        f"or a larger max_steps")
    work = steps * K * dim
    if work > MAX_WORK:
        raise GameTooLargeError(f"{func}(): the call needs at least {count_text(work)} coordinate-steps ({K} states x "
                                f"{dim} coordinates x {count_text(steps)} steps: {why}), beyond the budget of "
                                f"{count_text(MAX_WORK)}; pass fewer initial states, fewer steps or output times")


def count_text(x: float) -> str:
    """A count for messages: exact below 1e9, else in scientific notation (huge ints too, without float())."""
    if x < 1e9:
        return f"{int(x):,}"
    if isinstance(x, int):
        digits = str(x)
        return f"{digits[0]}.{digits[1:3]}e+{len(digits) - 1:02d}"
    return f"{x:.3g}"



def check_span(t_span: Sequence[float], func: str) -> tuple[float, float]:
    span = as_float_array(t_span, func=func, name="t_span", shape=(2,), error=InvalidParameterError)
    t0, t1 = float(span[0]), float(span[1])
    if not t1 > t0:
        raise InvalidParameterError(f"{func}(): t_span must be (t0, t1) with t1 > t0; got ({t0}, {t1})")
    return t0, t1


def output_times(t_eval: ArrayLike | None, t0: float, t1: float, func: str) -> tuple[np.ndarray, np.ndarray]:
    """Integration times (always starting at t0) and the indices of the requested outputs among them."""
    if t_eval is None:
        return np.array([t0, t1]), np.array([0, 1])
    te = as_float_array(t_eval, func=func, name="t_eval", ndim=1, error=InvalidParameterError)
    if te.size == 0 or np.any(np.diff(te) <= 0) or te[0] < t0 or te[-1] > t1:
        raise InvalidParameterError(f"{func}(): t_eval must be strictly increasing and inside t_span "
                                    f"[{t0}, {t1}]; got {np.array2string(te, threshold=6)}")
    if te[0] > t0:
        return np.concatenate([[t0], te]), np.arange(1, te.size + 1)
    return te, np.arange(te.size)


def check_initial(system: BinarySystem | BimatrixSystem, x0: ArrayLike, func: str, *,
                  name: str = "x0") -> np.ndarray:
    """Initial states (or any states, named ``name``) as ``(dim, K)``, validated: shares, simplex rows."""
    arr = as_float_array(x0, func=func, name=name, error=InvalidParameterError)
    dim = system.dim
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != dim or arr.shape[0] == 0:
        raise InvalidParameterError(f"{func}(): {name} must have shape ({dim},) or (K, {dim}) for this game; "
                                    f"got {np.shape(x0)}")
    if np.any(arr < -_SIMPLEX_TOL) or np.any(arr > 1 + _SIMPLEX_TOL):
        bad = float(arr[(arr < -_SIMPLEX_TOL) | (arr > 1 + _SIMPLEX_TOL)][0])
        raise InvalidParameterError(f"{func}(): {name} entries must be shares in [0, 1]; got {bad!r}")
    arr = np.clip(arr, 0.0, 1.0)
    if isinstance(system, BimatrixSystem):
        m = system.A.shape[0]
        sums = np.stack([arr[:, :m].sum(1), arr[:, m:].sum(1)], axis=1)
        if np.any(np.abs(sums - 1.0) > 1e-8 * dim):
            k = int(np.argwhere(np.abs(sums - 1.0) > 1e-8 * dim)[0, 0])
            raise InvalidParameterError(f"{func}(): each {name} row must hold two mixed strategies (first {m} "
                                        f"entries and last {dim - m}) that each sum to 1; row {k} sums to "
                                        f"{sums[k].tolist()}")
        if np.any(arr[:, :m].max(1) <= 0) or np.any(arr[:, m:].max(1) <= 0):
            raise InvalidParameterError(f"{func}(): mixed strategies in {name} must not be all zero")
    return np.ascontiguousarray(arr.T)

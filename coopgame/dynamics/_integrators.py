"""Batched explicit Runge-Kutta integrators for autonomous systems ``dz/dt = f(z)``.

States are stored as ``(dim, K)``: ``K`` independent initial states advanced
together, one numpy operation per stage for the whole batch.

* :func:`dopri5` -- Dormand-Prince 5(4) with *per-state* step sizes and error
  control: every state keeps its own step, accepts or rejects on its own error
  estimate and lands exactly on each requested output time. Finished states are
  dropped from the working arrays as the batch thins out.
* :func:`rk4` -- classical fixed-step Runge-Kutta on a common time grid.

Neither knows about games; :mod:`coopgame.dynamics.replicator` feeds them the
replicator field in coordinates where the simplex cannot be left.

Neither can hang: :func:`dopri5` ends a state's run, recording why in
``stats.status``, when its step falls below :data:`STEP_FLOOR` (relative to the
time reached), when it has taken ``max_steps`` steps, when the call has done
``max_work`` coordinate-steps in all, or when its error estimate is not a
number (a NaN or infinite derivative).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["FAILURE_REASONS", "STEP_FLOOR", "IntegrationStats", "dopri5", "rk4"]

Field = Callable[[np.ndarray], np.ndarray]

# Dormand & Prince (1980) RK5(4)7M tableau: nodes, stage weights, 5th-order
# weights (FSAL: the 7th stage is f at the new point), and the difference
# between the 5th- and embedded 4th-order weights (the local error estimate).
_A21 = 1 / 5
_A31, _A32 = 3 / 40, 9 / 40
_A41, _A42, _A43 = 44 / 45, -56 / 15, 32 / 9
_A51, _A52, _A53, _A54 = 19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729
_A61, _A62, _A63, _A64, _A65 = 9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656
_B1, _B3, _B4, _B5, _B6 = 35 / 384, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84
_E1, _E3, _E4, _E5, _E6, _E7 = (71 / 57600, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40)

_TABLEAU = np.array([
    [0, 0, 0, 0, 0],
    [_A21, 0, 0, 0, 0],
    [_A31, _A32, 0, 0, 0],
    [_A41, _A42, _A43, 0, 0],
    [_A51, _A52, _A53, _A54, 0],
    [_A61, _A62, _A63, _A64, _A65],
])
_WEIGHTS = np.array([_B1, 0.0, _B3, _B4, _B5, _B6])
_ERROR_WEIGHTS = np.array([_E1, 0.0, _E3, _E4, _E5, _E6, _E7])

_SAFETY = 0.9
_MIN_FACTOR = 0.2
_MAX_FACTOR = 10.0

STEP_FLOOR = 1e-12
"""A proposed step below ``STEP_FLOOR * min(span, max(1, |t|))`` ends the run (step-size underflow).

The callers integrate unit-scale fields in natural time, whose own time scale
is about 1: no accurate step is shorter than ~1e-3 there, so the floor only
catches steps that the error control has driven to nonsense, and ``t + h``
always moves (1e-12 is far above float64 resolution)."""

OK, UNDERFLOW, STEP_LIMIT, WORK_LIMIT, NON_FINITE = range(5)
FAILURE_REASONS = ("completed", "step size underflow", "step limit reached", "work budget of the call exhausted",
                   "non-finite derivative")
"""Text of each ``IntegrationStats.status`` code."""


@dataclass(frozen=True)
class IntegrationStats:
    """Per-state work counters and success flags of one batched integration."""

    n_accepted: np.ndarray  # (K,) accepted steps per state
    n_rejected: np.ndarray  # (K,) rejected steps per state
    n_iterations: int  # batched stage sweeps (each evaluates the field for all active states)
    success: np.ndarray  # (K,) reached the final time
    status: np.ndarray  # (K,) code into FAILURE_REASONS (0: completed)
    t_stop: np.ndarray  # (K,) time each run reached (the last time for completed runs)


def _finite_abs(z: np.ndarray) -> np.ndarray:
    """``|z|`` with infinite coordinates (a state on an invariant face) counted as 0."""
    a = np.abs(z)
    a[~np.isfinite(a)] = 0.0
    return a


def _rms(v: np.ndarray) -> np.ndarray:
    return np.sqrt(np.mean(v * v, axis=0))


def _initial_step(f: Field, y: np.ndarray, f0: np.ndarray, span: float, rtol: float, atol: float) -> np.ndarray:
    """Hairer-Norsett-Wanner starting step, per state."""
    scale = atol + rtol * _finite_abs(y)
    d0 = _rms(_finite_abs(y) / scale)
    d1 = _rms(np.abs(f0) / scale)
    h0 = np.where((d0 < 1e-5) | (d1 < 1e-5), 1e-6, 0.01 * d0 / np.maximum(d1, 1e-300))
    h0 = np.minimum(h0, span)
    f1 = f(y + h0 * f0)
    d2 = _rms(np.abs(f1 - f0) / scale) / h0
    big = np.maximum(d1, d2)
    h1 = np.where(big <= 1e-15, np.maximum(1e-6, h0 * 1e-3), (0.01 / np.maximum(big, 1e-300)) ** 0.2)
    return np.minimum(np.minimum(100 * h0, h1), span)


def dopri5(f: Field, z0: np.ndarray, times: np.ndarray, *, rtol: float, atol: float,
           max_step: float = np.inf, first_step: float | None = None,
           max_steps: int = 200_000, max_work: float = np.inf) -> tuple[np.ndarray, IntegrationStats]:
    """Integrate ``K`` states with their own adaptive steps; return ``(out, stats)``.

    ``out`` has shape ``(len(times), dim, K)``: the state at each output time.
    States that fail keep NaN in the outputs they did not reach, ``stats.success``
    False and the reason in ``stats.status``: a proposed step below
    the :data:`STEP_FLOOR`, ``max_steps`` steps (accepted plus rejected) taken,
    ``max_work`` coordinate-steps (``dim`` times the states stepped, summed over
    sweeps) spent by the whole call, or an error estimate that is NaN.
    """
    dim, K = z0.shape
    T = times.size
    out = np.full((T, dim, K), np.nan)
    out[0] = z0
    n_acc = np.zeros(K, dtype=np.int64)
    n_rej = np.zeros(K, dtype=np.int64)
    success = np.ones(K, dtype=bool)
    status = np.zeros(K, dtype=np.int8)
    t_stop = np.full(K, float(times[-1]))
    if T == 1 or K == 0:
        return out, IntegrationStats(n_acc, n_rej, 0, success, status, t_stop)
    span = float(times[-1] - times[0])
    eps_t = 1e-12 * max(abs(span), 1e-300)
    work = 0.0

    def fail(cols: np.ndarray, code: int) -> None:
        success[ids[cols]] = False
        status[ids[cols]] = code
        t_stop[ids[cols]] = t[cols]

    ids = np.arange(K)  # original index of each working column
    y = z0.copy()
    t = np.full(K, float(times[0]))
    nxt = np.ones(K, dtype=np.int64)  # index of the next output time of each state
    k1 = f(y)
    if first_step is None:
        h = _initial_step(f, y, k1, span, rtol, atol)
    else:
        h = np.full(K, float(first_step))
    h = np.minimum(h, max_step)
    live = np.ones(K, dtype=bool)  # working columns still integrating (others are parked)
    stages = np.empty((7, dim, K))
    iterations = 0
    while ids.size:
        iterations += 1
        work += dim * np.count_nonzero(live)
        if work > max_work:
            fail(np.flatnonzero(live), WORK_LIMIT)
            break
        remaining = times[nxt] - t
        hit = h >= remaining - eps_t
        hs = np.where(hit, remaining, h)
        # Stage slopes stacked in one buffer: each stage's increment is one matrix-vector
        # product with a tableau row instead of a chain of scaled additions (fewer numpy calls).
        if stages.shape[2] != y.shape[1]:
            stages = np.empty((7, dim, y.shape[1]))
        flat = stages.reshape(7, -1)
        stages[0] = k1
        for s in range(1, 6):
            stages[s] = f(y + hs * (_TABLEAU[s, :s] @ flat[:s]).reshape(y.shape))
        y_new = y + hs * (_WEIGHTS @ flat[:6]).reshape(y.shape)
        k7 = f(y_new)  # its own array: k1 may be kept for rejected states, so never a view of the buffer
        stages[6] = k7
        err = hs * (_ERROR_WEIGHTS @ flat).reshape(y.shape)
        ay = _finite_abs(y)
        scale = atol + rtol * np.maximum(ay, _finite_abs(y_new))
        ratio = err / scale
        ratio[~np.isfinite(y)] = 0.0  # a coordinate at +-inf sits on an invariant face: nothing to control
        en = _rms(ratio)
        accept = en <= 1.0
        with np.errstate(divide="ignore"):
            factor = np.where(en == 0.0, _MAX_FACTOR, _SAFETY * en ** -0.2)
        factor = np.clip(factor, _MIN_FACTOR, _MAX_FACTOR)
        h_new = hs * np.where(accept, factor, np.minimum(factor, 1.0))
        # a step shortened to land on an output time says nothing against the longer proposal
        h_new = np.where(accept & hit, np.maximum(h_new, h), h_new)
        h = np.minimum(h_new, max_step)

        if accept.all():
            y, k1 = y_new, k7
            t = np.where(hit, times[nxt], t + hs)
        else:
            y = np.where(accept, y_new, y)
            k1 = np.where(accept, k7, k1)
            t = np.where(accept, np.where(hit, times[nxt], t + hs), t)
        accept &= live
        n_acc[ids] += accept
        n_rej[ids] += live & ~accept

        landed = accept & hit
        if landed.any():
            cols = np.flatnonzero(landed)
            out[nxt[cols], :, ids[cols]] = y[:, cols].T
            nxt[cols] += 1
        # ends that cannot be left to chance: NaN error estimates (h becomes NaN too), steps below the
        # floor (t + h would stop moving long before), and the per-run step limit
        nan = live & np.isnan(en)
        tiny = live & ~nan & ~(h >= STEP_FLOOR * np.minimum(span, np.maximum(1.0, np.abs(t))))
        capped = live & ~nan & ~tiny & (nxt < T) & (n_acc[ids] + n_rej[ids] >= max_steps)
        stopped = nan | tiny | capped
        if stopped.any():
            for mask, code in ((nan, NON_FINITE), (tiny, UNDERFLOW), (capped, STEP_LIMIT)):
                if mask.any():
                    fail(np.flatnonzero(mask), code)
        live &= (nxt < T) & ~stopped
        if not live.all():
            if 2 * np.count_nonzero(live) <= live.size:
                ids, y, k1, t, h, nxt, live = (ids[live], y[:, live], k1[:, live], t[live], h[live],
                                               nxt[live], live[live])
            else:
                # park finished states: zero step on a target that is never reached again
                nxt = np.minimum(nxt, T - 1)
                h = np.where(live, h, 0.0)
                t = np.where(live, t, times[nxt] - 1.0)
    return out, IntegrationStats(n_acc, n_rej, iterations, success, status, t_stop)


def rk4(f: Field, z0: np.ndarray, times: np.ndarray, *, n_steps: int) -> tuple[np.ndarray, IntegrationStats]:
    """Classical RK4 with ``n_steps`` equal steps over ``[times[0], times[-1]]`` plus every output time."""
    dim, K = z0.shape
    T = times.size
    out = np.empty((T, dim, K))
    out[0] = z0
    grid = np.union1d(np.linspace(times[0], times[-1], n_steps + 1), times)
    y = z0.copy()
    j = 1
    for s in range(grid.size - 1):
        h = grid[s + 1] - grid[s]
        k1 = f(y)
        k2 = f(y + (0.5 * h) * k1)
        k3 = f(y + (0.5 * h) * k2)
        k4 = f(y + h * k3)
        y = y + (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
        while j < T and times[j] <= grid[s + 1]:
            out[j] = y
            j += 1
    steps = np.full(K, grid.size - 1, dtype=np.int64)
    # a fixed-step method has no error estimate: a NaN state is its only sign of failure
    bad = ~np.all(np.isfinite(out) | np.isinf(out), axis=(0, 1))
    status = np.where(bad, NON_FINITE, OK).astype(np.int8)
    return out, IntegrationStats(steps, np.zeros(K, dtype=np.int64), grid.size - 1, ~bad, status,
                                 np.full(K, float(times[-1])))

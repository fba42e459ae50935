"""Replicator dynamics of pairwise and n-city games, batched over initial states.

The batched integrators run in coordinates in which the state space cannot be
left: for populations with two actions the log-odds ``u = log(x / (1 - x))``
(then ``du/dt = g(x)``, the payoff advantage of cooperating), for ``m``-action
populations the log-shares ``w = log x`` (then ``dw_i/dt = (A y)_i - x·A y``).
Mapping back (logistic function, softmax) lands on ``[0, 1]`` / the simplex by
construction, so no projection is needed; faces stay invariant because a share
of exactly 0 or 1 maps to ``∓inf`` and stays there. ``method="solve_ivp"``
integrates the textbook equations in the original coordinates with scipy,
which is the independent reference the batched methods are tested against.

Time. ``t`` is time in the game's own unit: the velocity is a payoff
difference per unit of time, so multiplying every payoff by ``c`` runs the
same orbits ``c`` times faster (``x_c(t) = x_1(c t)``). Every method
integrates the field divided by the payoff scale ``s`` in the natural time
``tau = s (t - t0)``: overflow-safe near the float maximum and the same
computation, step for step, for the game in any unit. Rest points, regimes
and (at their default horizon) basins therefore do not depend on the unit.

Work. No call can hang: the tolerances are checked for well-posedness, each
run stops (recording why, in ``TrajectoryResult.status``) when its step falls
below ``1e-12`` (relative, in natural time), after ``max_steps`` steps or when its
derivative is not a number, and a call whose least possible work (output
times and ``max_step`` against the span, ``n_steps`` for RK4, times the
states) or output size exceeds the budget is refused before it starts.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import expit, logit

from coopgame._validation import (
    check_tol,
)
from coopgame.dynamics._checks import (
    MAX_STEPS,
    MAX_WORK,
    RTOL_FLOOR,
    check_initial,
    check_run,
    check_work,
    natural_times,
)
from coopgame.dynamics._integrators import (
    FAILURE_REASONS, NON_FINITE, OK, STEP_LIMIT, UNDERFLOW, WORK_LIMIT, dopri5, rk4)
from coopgame.dynamics._systems import BimatrixSystem, BinarySystem, as_system
from coopgame.errors import ConvergenceWarning, InvalidGameError, InvalidParameterError
from coopgame.results import Result, Summary, format_number

__all__ = ["MAX_STEPS", "MAX_WORK", "RTOL_FLOOR", "TrajectoryResult", "replicator_dynamics", "replicator_field"]

METHODS = ("dopri5", "rk4", "solve_ivp")
_IVP_METHODS = ("RK45", "DOP853", "Radau", "BDF", "LSODA", "RK23")

MAX_IVP_EVALUATIONS = 1_000_000
"""Budget of one ``method="solve_ivp"`` call in field evaluations (one Python call each)."""



@dataclass(frozen=True, eq=False)
class TrajectoryResult(Result):
    """Trajectories of the replicator dynamics from ``K`` initial states.

    Attributes
    ----------
    states : ndarray, shape (K, T, dim)
        State of each run at each output time. For games whose populations
        have two actions (2×2 pairwise, n-city) ``dim`` is the number of
        populations and entry ``p`` is the share of population ``p`` that
        cooperates (plays action 0). For an ``m × n`` bimatrix game
        ``dim = m + n``: the row population's mixed strategy, then the
        column population's.
    times : ndarray, shape (T,)
        Output times (``[t0, t1]`` unless ``t_eval`` was given).
    players : tuple of str
        The populations: the game's players (``"city/issue"`` for an n-city
        game with several issue layers).
    coordinates : tuple of str
        Name of each state coordinate: ``"x[A]"`` (share of population A that
        cooperates) or ``"A:action"`` (bimatrix games).
    method : str
    parameters : dict
        ``t_span``, tolerances, step counts requested.
    success : ndarray of bool, shape (K,)
        Whether each run reached its last output time.
    n_steps, n_rejected : ndarray of int, shape (K,)
        Accepted and rejected steps of each run.
    max_domain_violation : float
        Largest distance by which a raw integrator state left ``[0, 1]`` /
        the simplex before being clipped back (0 for the batched methods,
        which cannot leave it).
    status : tuple of str, length K
        ``"completed"``, or why the run stopped early and when (step size
        underflow, step limit reached, work budget of the call exhausted,
        non-finite derivative). A failed run's states after that time are NaN.
    """

    states: np.ndarray
    times: np.ndarray
    players: tuple[str, ...]
    coordinates: tuple[str, ...]
    method: str
    parameters: dict[str, Any] = field(default_factory=dict)
    success: np.ndarray | None = None
    n_steps: np.ndarray | None = None
    n_rejected: np.ndarray | None = None
    max_domain_violation: float = 0.0
    status: tuple[str, ...] = ()

    _headline = ("n_states", "times", "players", "method")

    def to_frame(self) -> Any:
        """Long format: one row per run and output time, one column per state coordinate (needs pandas)."""
        from coopgame.results import pandas_module

        pd = pandas_module("TrajectoryResult.to_frame")
        k, t, d = self.states.shape
        index = pd.MultiIndex.from_product([range(k), self.times], names=["run", "time"])
        return pd.DataFrame(self.states.reshape(k * t, d), index=index, columns=list(self.coordinates))

    @property
    def n_failed(self) -> int:
        """Number of runs that stopped before their last output time."""
        return 0 if self.success is None else int(np.size(self.success) - np.count_nonzero(self.success))

    @property
    def n_states(self) -> int:
        """Number of initial states ``K``."""
        return int(self.states.shape[0])

    @property
    def final_states(self) -> np.ndarray:
        """States at the last output time, shape ``(K, dim)``."""
        return self.states[:, -1, :]

    @property
    def initial_states(self) -> np.ndarray:
        """States at the first output time, shape ``(K, dim)``."""
        return self.states[:, 0, :]

    def endpoint_classes(self, *, atol: float = 1e-3) -> list[str]:
        """Name the pure profile each run ends within ``atol`` of (max-norm, in shares), else ``"interior"``;
        ``"failed"`` for a run that stopped early (its final state is NaN)."""
        tol = check_tol(atol, func="TrajectoryResult.endpoint_classes", name="atol")
        final = self.final_states
        failed = ~np.all(np.isfinite(final), axis=1)
        safe = np.where(failed[:, None], 0.5, final)  # NaN rows named "failed" below, never rounded
        if self.parameters.get("binary", True):
            rounded = np.rint(safe)
            near = np.max(np.abs(safe - rounded), axis=1) <= tol
            names = ["(" + ", ".join(str(int(v)) for v in row) + ")" for row in rounded]
        else:
            m = int(self.parameters["row_actions"])
            near = (safe[:, :m].max(1) >= 1 - tol) & (safe[:, m:].max(1) >= 1 - tol)
            names = [f"({self.coordinates[int(r)]}, {self.coordinates[m + int(c)]})"
                     for r, c in zip(safe[:, :m].argmax(1), safe[:, m:].argmax(1))]
        return ["failed" if bad else n if ok else "interior" for n, ok, bad in zip(names, near, failed)]

    def summary(self) -> Summary:
        """Run facts and where the runs end (counts by pure profile)."""
        classes = self.endpoint_classes()
        labels, counts = np.unique(np.array(classes, dtype=object), return_counts=True)
        order = np.argsort(-counts, kind="stable")
        rows = tuple((str(labels[i]), str(int(counts[i])), f"{counts[i] / len(classes):.1%}") for i in order)
        facts = [("method", self.method), ("initial states", str(self.n_states)),
                 ("t_span", f"[{format_number(self.times[0])}, {format_number(self.times[-1])}]"),
                 ("output times", str(self.times.size)),
                 ("state", ", ".join(self.coordinates))]
        if self.n_steps is not None:
            facts.append(("steps per run (median)", float(np.median(self.n_steps))))
        if self.success is not None:
            facts.append(("runs completed", f"{int(np.count_nonzero(self.success))}/{self.n_states}"))
        notes = [("Endpoints within 1e-3 of a pure profile are counted at that profile; "
                  "'interior' runs have not settled (cycles, slow saddles).")]
        if self.n_failed:
            reasons, n = np.unique([r.split(" at t = ")[0] for r, ok in zip(self.status, self.success) if not ok],
                                   return_counts=True)
            facts.append(("failed runs", "; ".join(f"{int(k)} {r}" for r, k in zip(reasons, n))))
            notes.append("'failed' runs stopped before the last output time (see status); their final state "
                         "is unknown (NaN).")
        return Summary(title="Replicator dynamics", facts=tuple(facts), columns=("endpoint", "runs", "share"),
                       rows=rows, notes=tuple(notes))


def replicator_dynamics(game: Any, x0: ArrayLike, t_span: Sequence[float], *, method: str = "dopri5",
                        t_eval: ArrayLike | None = None, rtol: float = 1e-8, atol: float = 1e-10,
                        n_steps: int = 1000, max_step: float = np.inf, max_steps: int = MAX_STEPS,
                        ivp_method: str = "DOP853") -> TrajectoryResult:
    """Integrate the replicator dynamics of ``game`` from one or many initial states.

    Two-population dynamics for pairwise (bimatrix) games and n-population
    dynamics for the n-city game, in which ``x_i`` is the share of city
    ``i``'s departments that cooperate and each city's expected payoff is
    multilinear in the shares:

    .. math:: \\dot x_i = x_i (1 - x_i) \\, [U_i(C; x) - U_i(D; x)].

    For an ``m × n`` bimatrix game the two populations follow
    :math:`\\dot x_k = x_k ((A y)_k - x^T A y)` and
    :math:`\\dot y_l = y_l ((B^T x)_l - x^T B y)`.

    Parameters
    ----------
    game : PairwiseGame, (A, B) pair of arrays, or NCityGame
        The game. A 2×2 game's state is ``(x, y)``, the shares of the row
        and the column population that cooperate (action 0).
    x0 : array_like, shape (dim,) or (K, dim)
        Initial state(s). One row per initial state; ``dim`` is the number of
        populations for two-action games and ``m + n`` (both mixed
        strategies, stacked) for larger bimatrix games. Shares must lie in
        ``[0, 1]``; mixed strategies on the simplex.
    t_span : (float, float)
        Start and end time, ``t0 < t1``.
    method : {"dopri5", "rk4", "solve_ivp"}, default "dopri5"
        ``"dopri5"``: batched Dormand-Prince 5(4) with per-state adaptive
        steps and error control (``rtol``, ``atol``). ``"rk4"``: batched
        classical RK4 with ``n_steps`` equal steps. ``"solve_ivp"``: one
        :func:`scipy.integrate.solve_ivp` call per initial state on the
        original equations (``ivp_method``, ``rtol``, ``atol``) -- for a single
        high-accuracy trajectory or as a reference.
    t_eval : array_like, optional
        Times at which to store the state, within ``t_span``. Default: the two
        ends only.
    rtol, atol : float, default 1e-8, 1e-10
        Relative and absolute local error tolerances (adaptive methods).
        ``rtol`` is 0 or in ``[RTOL_FLOOR, 1]`` (1e-13: tighter is below float64
        rounding). The batched method controls the error of the log-odds
        coordinates, which pass through 0 at a share of 1/2, where a purely
        relative test is undefined: it needs ``atol > 0``. ``solve_ivp``
        takes ``atol = 0`` when ``rtol > 0``.
    n_steps : int, default 1000
        Number of equal steps for ``method="rk4"``.
    max_step : float, default inf
        Largest step the adaptive methods may take, in the time unit of ``t_span``.
    max_steps : int, default MAX_STEPS (20,000)
        Step limit of each run (accepted plus rejected steps; about 20 field
        evaluations per step for ``solve_ivp``; ``n_steps`` plus the output
        times for ``rk4``). A run that reaches it stops
        and is recorded as failed; a call that needs more (``t_eval`` points,
        ``t_span / max_step``) is refused before it starts.
    ivp_method : str, default "DOP853"
        scipy integrator for ``method="solve_ivp"``.

    Returns
    -------
    TrajectoryResult
        ``states`` of shape ``(K, T, dim)``, ``times``, step counts, a summary
        of where the runs end.

    Raises
    ------
    InvalidGameError
        If ``game`` is not a supported game.
    InvalidParameterError
        On initial states off ``[0, 1]`` / the simplex, a bad ``t_span`` or
        ``t_eval``, ill-posed tolerances, or a call needing more than
        ``max_steps`` steps per run.
    GameTooLargeError
        When the least work of the call (states × coordinates × steps) exceeds
        :data:`MAX_WORK`, or its output does not fit in memory.
    UnknownMethodError
        If ``method`` is not one of the names above.

    See Also
    --------
    rest_points : rest points, Jacobians and the Friedman table.
    basin_share : share of initial states that reach full cooperation.

    Notes
    -----
    The batched methods integrate ``u = log(x/(1-x))`` (two actions) or
    ``w = log x`` (more actions) and map back with the logistic function or
    softmax, so every stored state is exactly in ``[0, 1]`` or on the simplex
    and a face (``x_i = 0`` or 1) is never left. Agreement with
    ``method="solve_ivp"`` is checked in the test suite.

    ``t`` is in the time unit of the payoffs: multiplying every payoff by
    ``c`` gives the same trajectories at ``t / c``. Internally every method
    runs in the natural time ``payoff_scale × (t - t0)`` on the field divided
    by the payoff scale, so games near the float maximum do not overflow and
    the work does not depend on the unit. Runs that fail (see ``status``)
    emit a :class:`~coopgame.errors.ConvergenceWarning`; their states after the
    failure are NaN and :meth:`TrajectoryResult.summary` counts them.

    Examples
    --------
    The two-city stag hunt of MODELS.md BM1 (reward 2, penalty 1.5) has a
    saddle at (0.75, 0.75): runs starting above it cooperate, runs below defect.

    >>> import coopgame
    >>> g = coopgame.PairwiseGame.from_two_city(cost=4, synergy=6, alpha=0.5, free_ride_gain=2,
    ...                                         lone_loss=1, reward=2, penalty=1.5)
    >>> res = coopgame.replicator_dynamics(g, [[0.9, 0.9], [0.5, 0.9], [0.2, 0.3]], (0, 50))
    >>> res.final_states.round(6).tolist()
    [[1.0, 1.0], [0.0, 0.0], [0.0, 0.0]]
    >>> res.states.shape
    (3, 2, 2)
    """
    return integrate(game, x0, t_span, func="replicator_dynamics", method=method, t_eval=t_eval, rtol=rtol,
                     atol=atol, n_steps=n_steps, max_step=max_step, max_steps=max_steps, ivp_method=ivp_method)


def integrate(game: Any, x0: ArrayLike, t_span: Sequence[float], *, func: str, method: str = "dopri5",
              t_eval: ArrayLike | None = None, rtol: Any = 1e-8, atol: Any = 1e-10, n_steps: Any = 1000,
              max_step: Any = np.inf, max_steps: Any = MAX_STEPS, ivp_method: Any = "DOP853",
              stacklevel: int = 3) -> TrajectoryResult:
    """:func:`replicator_dynamics` with the public function's name ``func`` in every message."""
    method, t0, t1, times, pick, rtol, atol, n_steps, max_steps, max_step = check_run(
        method, METHODS, t_span, t_eval, rtol, atol, n_steps, max_steps, max_step, func=func)
    system = as_system(game, func=func)
    if method == "solve_ivp" and not (isinstance(ivp_method, str) and ivp_method in _IVP_METHODS):
        raise InvalidParameterError(f"{func}(): ivp_method must be one of {list(_IVP_METHODS)}; "
                                    f"got {ivp_method!r}")
    states0 = check_initial(system, x0, func)
    norm = system.norm
    tau, max_step_nat = natural_times(times, t0, t1, max_step, norm, func)
    check_work(system.dim, states0.shape[1], tau, max_step_nat, method, n_steps, max_steps, func,
               t_span=(t0, t1), max_step=max_step)
    binary = isinstance(system, BinarySystem)
    params: dict[str, Any] = {"t_span": (t0, t1), "binary": binary, "time_scale": norm}
    if method == "rk4":
        params["n_steps"] = n_steps
    else:
        params.update(rtol=rtol, atol=atol, max_steps=max_steps)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        if method == "solve_ivp":
            params["ivp_method"] = ivp_method
            out, nfev, codes, t_stop, violation = _solve_ivp(system, states0, tau, rtol=rtol, atol=atol,
                                                             max_step=max_step_nat, ivp_method=ivp_method,
                                                             max_steps=max_steps)
            params["nfev"] = int(nfev.sum())
            n_acc = n_rej = None
        else:
            z0 = _to_free_coordinates(system, states0)
            f = _free_field(system)
            if method == "dopri5":
                raw, stats = dopri5(f, z0, tau, rtol=rtol, atol=atol, max_step=max_step_nat,
                                    max_steps=max_steps, max_work=MAX_WORK)
            else:
                raw, stats = rk4(f, z0, tau, n_steps=n_steps)
            out = _from_free_coordinates(system, raw)  # (T, dim, K)
            n_acc, n_rej, codes, t_stop, violation = (stats.n_accepted, stats.n_rejected, stats.status,
                                                      stats.t_stop, 0.0)
    success = np.asarray(codes) == OK
    status = tuple(FAILURE_REASONS[int(c)] if c == OK else
                   f"{FAILURE_REASONS[int(c)]} at t = {format_number(t0 + float(ts) / norm)}"
                   for c, ts in zip(codes, t_stop))
    if not binary:
        params["row_actions"] = int(system.A.shape[0])
    if not np.all(success):
        reasons = sorted({FAILURE_REASONS[int(c)] for c in codes if c != OK})
        warnings.warn(f"{func}(): {int(np.size(success) - np.count_nonzero(success))} of {np.size(success)} runs "
                      f"stopped before t1 ({', '.join(reasons)}); their later states are NaN (see status)",
                      ConvergenceWarning, stacklevel=stacklevel)
    states = np.ascontiguousarray(np.transpose(out, (2, 0, 1))[:, pick, :])
    return TrajectoryResult(states=states, times=times[pick].copy(),
                            players=tuple(system.labels), coordinates=coordinate_labels(system),
                            method=method, parameters=params, success=success,
                            n_steps=None if n_acc is None else np.asarray(n_acc),
                            n_rejected=None if n_rej is None else np.asarray(n_rej),
                            max_domain_violation=float(violation), status=status, game=game)


def replicator_field(game: Any, states: ArrayLike) -> np.ndarray:
    """The replicator velocity ``dz/dt`` of ``game`` at each state: the field :func:`replicator_dynamics` integrates.

    Parameters
    ----------
    game : PairwiseGame, (A, B) pair of payoff matrices, or NCityGame
    states : array_like, shape (dim,) or (K, dim)
        States in the game's coordinates: shares of cooperators
        ``(x_1, ..., x_P)`` for two-action populations (a 2×2 game, an
        n-city game), stacked mixed strategies ``(x, y)`` for a larger
        bimatrix game.

    Returns
    -------
    ndarray, the shape of ``states``

    Examples
    --------
    Prisoner's dilemma at half cooperation: defection spreads in both populations.

    >>> import numpy as np
    >>> A = np.array([[3.0, 0.0], [5.0, 1.0]])
    >>> replicator_field((A, A.T), [0.5, 0.5]).tolist()
    [-0.375, -0.375]
    """
    func = "replicator_field"
    system = as_system(game, func=func)
    batch = check_initial(system, states, func, name="states")
    out = system.field(batch).T
    if not np.all(np.isfinite(out)):
        raise InvalidGameError(f"{func}(): the velocity overflows a float at these payoffs (payoff scale "
                               f"{system.scale:.3g}); rescale the payoffs (the orbits do not change)")
    return out.reshape(np.shape(states))


# ---------------------------------------------------------------------------------------------- labels
def coordinate_labels(system: BinarySystem | BimatrixSystem) -> tuple[str, ...]:
    """Name of each state coordinate of ``system``: ``x[A]`` for two-action populations, ``A:action`` else."""
    if isinstance(system, BinarySystem):
        return tuple(f"x[{p}]" for p in system.labels)
    actions = getattr(system.game, "actions", None)
    m, n = system.A.shape
    if actions is None:
        actions = (tuple(f"r{i + 1}" for i in range(m)), tuple(f"c{j + 1}" for j in range(n)))
    return tuple(f"{system.labels[0]}:{a}" for a in actions[0]) + tuple(f"{system.labels[1]}:{a}" for a in actions[1])


# ---------------------------------------------------------------------------------------------- coordinates
def _to_free_coordinates(system: BinarySystem | BimatrixSystem, z: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        if isinstance(system, BinarySystem):
            return logit(z)
        return np.log(z)


def _softmax_blocks(w: np.ndarray, m: int) -> np.ndarray:
    """Softmax of the row block ``w[:m]`` and the column block ``w[m:]`` along axis -2."""
    out = np.empty_like(w)
    for sl in (slice(0, m), slice(m, None)):
        block = w[..., sl, :]
        e = np.exp(block - block.max(axis=-2, keepdims=True))
        out[..., sl, :] = e / e.sum(axis=-2, keepdims=True)
    return out


def _from_free_coordinates(system: BinarySystem | BimatrixSystem, raw: np.ndarray) -> np.ndarray:
    if isinstance(system, BinarySystem):
        return expit(raw)
    return _softmax_blocks(raw, system.A.shape[0])


def _free_field(system: BinarySystem | BimatrixSystem):
    if isinstance(system, BinarySystem):
        gains = system.gains

        def f_binary(u: np.ndarray) -> np.ndarray:
            # logistic function; exp overflows to inf for u < -709, giving the right limit 0
            x = np.exp(-u)
            x += 1.0
            np.reciprocal(x, out=x)
            return gains(x)

        return f_binary
    A, BT = system.A, np.ascontiguousarray(system.B.T)
    m = A.shape[0]

    def f_bimatrix(w: np.ndarray) -> np.ndarray:
        z = _softmax_blocks(w, m)
        x, y = z[:m], z[m:]
        ay = A @ y
        bx = BT @ x
        return np.concatenate([ay - (x * ay).sum(0), bx - (y * bx).sum(0)])

    return f_bimatrix


# ---------------------------------------------------------------------------------------------- scipy path
class _OutOfBudget(Exception):
    """Raised inside the right-hand side to stop scipy when a run has spent its evaluations."""


def _solve_ivp(system: BinarySystem | BimatrixSystem, states0: np.ndarray, tau: np.ndarray, *, rtol: float,
               atol: float, max_step: float, ivp_method: str, max_steps: int):
    """One scipy run per state on the unit-scale field in natural time; failures recorded, never raised."""
    from scipy.integrate import solve_ivp

    dim, K = states0.shape
    out = np.full((tau.size, dim, K), np.nan)
    nfev = np.zeros(K, dtype=np.int64)
    codes = np.zeros(K, dtype=np.int8)
    t_stop = np.full(K, float(tau[-1]))
    violation = 0.0
    per_run = 20 * max_steps  # DOP853 evaluates the field 12 times per step, implicit methods more
    budget = {"left": MAX_IVP_EVALUATIONS}
    count = {"n": 0, "t": 0.0}

    def rhs(t: float, z: np.ndarray) -> np.ndarray:
        count["n"] += 1
        count["t"] = t
        budget["left"] -= 1
        if count["n"] > per_run or budget["left"] < 0:
            raise _OutOfBudget
        return system.unit_field(z[:, None])[:, 0]

    for k in range(K):
        count["n"] = 0
        if budget["left"] <= 0:
            codes[k], t_stop[k] = WORK_LIMIT, 0.0
            continue
        try:
            sol = solve_ivp(rhs, (tau[0], tau[-1]), states0[:, k], method=ivp_method, t_eval=tau,
                            rtol=max(rtol, 1e-14), atol=atol, max_step=max_step)
        except _OutOfBudget:
            codes[k] = WORK_LIMIT if budget["left"] < 0 else STEP_LIMIT
            t_stop[k] = count["t"]
            nfev[k] = count["n"]
            continue
        z = sol.y
        nfev[k] = int(sol.nfev)
        finite = np.all(np.isfinite(z), axis=0)
        if sol.status < 0 or not finite.all():  # scipy's own step-size floor, or a NaN state
            codes[k] = UNDERFLOW if finite.all() else NON_FINITE
            t_stop[k] = float(sol.t[-1]) if sol.t.size else 0.0
            z = z[:, : int(np.argmin(finite)) if not finite.all() else z.shape[1]]
        violation = max(violation, float(np.max(np.maximum(-z, z - 1.0), initial=0.0)))
        z = np.clip(z, 0.0, 1.0)
        if isinstance(system, BimatrixSystem) and z.size:  # renormalise each mixed strategy after clipping
            m = system.A.shape[0]
            z[:m] /= z[:m].sum(0, keepdims=True)
            z[m:] /= z[m:].sum(0, keepdims=True)
        out[: z.shape[1], :, k] = z.T
    return out, nfev, codes, t_stop, violation

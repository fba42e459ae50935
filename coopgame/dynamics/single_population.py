"""Single-population replicator and replicator–mutator dynamics of symmetric games, and their rest points.

A symmetric game is one ``m × m`` matrix ``A``: ``A[i, j]`` is what strategy
``i`` earns against strategy ``j``. One population plays it; its state is the
vector of strategy shares ``x`` on the simplex, fitness ``f = b + A x``
(``b`` a background fitness, 0 by default) and mean fitness ``φ = xᵀ f``.

* replicator (Taylor & Jonker 1978): ``ẋ_i = x_i (f_i − φ)``;
* replicator–mutator (Nowak, Komarova & Niyogi 2001; Page & Nowak 2002):
  ``ẋ_i = Σ_j x_j f_j Q_ji − φ x_i`` with ``Q`` row-stochastic (``Q_ji`` is the
  chance that an offspring of a ``j`` parent plays ``i``).

The background fitness cancels from the replicator but not from the
replicator–mutator, whose mutation flow is proportional to the fitness
itself; there fitness must be non-negative on the whole simplex
(``b + min_j A_ij >= 0`` for every ``i``), else shares could turn negative.

Integration reuses the package's batched integrators (:mod:`._integrators`)
and checks (:mod:`._checks`), on the field divided by the payoff scale in
natural time, like :func:`coopgame.replicator_dynamics`. The replicator runs in
log-shares (softmax back: on the simplex by construction, faces invariant).
The mutator leaves every face at once, so it runs in the shares themselves;
Runge–Kutta methods keep the linear invariant ``Σ x_i = 1`` and the largest
excursion below 0 is recorded (``max_domain_violation``) before clipping.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from coopgame._memory import ensure_fits
from coopgame._pickling import ReadOnlyState
from coopgame._validation import as_float_array, check_real, check_tol, frozen
from coopgame.dynamics._checks import (
    MAX_STEPS,
    MAX_WORK,
    check_initial,
    check_run,
    check_work,
    natural_times,
)
from coopgame.dynamics._integrators import FAILURE_REASONS, OK, dopri5, rk4
from coopgame.dynamics.local_stability import classify_eigenvalues, find_rest_point
from coopgame.dynamics.replicator import TrajectoryResult
from coopgame.errors import ConvergenceWarning, GameTooLargeError, InvalidGameError, InvalidParameterError
from coopgame.results import Result, Summary, format_number
from coopgame.tolerances import DYNAMICS_TOL, payoff_scale, power_of_two_below

__all__ = ["MAX_SUPPORT_STRATEGIES", "SinglePopulationRestPoint", "SinglePopulationRestPointsResult",
           "SinglePopulationTrajectoryResult", "mutation_matrix", "single_population_field",
           "single_population_replicator", "single_population_rest_points"]

METHODS = ("dopri5", "rk4")

MAX_SUPPORT_STRATEGIES = 16
"""Most strategies whose ``2**m − 1`` supports :func:`single_population_rest_points` enumerates."""

_SIMPLEX_SUM_TOL = 1e-8


# ---------------------------------------------------------------------------------------------- the game
def _symmetric_matrix(payoffs: Any, func: str) -> tuple[np.ndarray, tuple[str, ...]]:
    """The payoff matrix ``A`` and strategy labels of a symmetric game (matrix or symmetric PairwiseGame)."""
    if hasattr(payoffs, "row_payoffs") and hasattr(payoffs, "col_payoffs"):
        A = np.asarray(payoffs.row_payoffs, dtype=float)
        B = np.asarray(payoffs.col_payoffs, dtype=float)
        if A.shape[0] != A.shape[1]:
            raise InvalidGameError(f"{func}(): a PairwiseGame must be square to be symmetric; got shape {A.shape}")
        tol = 1e-12 * payoff_scale(A, B)
        if np.max(np.abs(A - B.T)) > tol:
            i, j = np.unravel_index(int(np.argmax(np.abs(A - B.T))), A.shape)
            raise InvalidGameError(f"{func}(): the PairwiseGame is not symmetric (needs col_payoffs == "
                                   f"row_payoffs.T); got A[{i}, {j}] = {A[i, j]!r} but B[{j}, {i}] = {B[j, i]!r}. "
                                   f"Use replicator_dynamics for two populations")
        actions = getattr(payoffs, "actions", None)
        labels = tuple(str(a) for a in actions[0]) if actions is not None else None
    else:
        A = as_float_array(payoffs, func=func, name="payoffs", ndim=2)
        labels = None
    m = A.shape[0]
    if A.shape != (m, m) or m < 2:
        raise InvalidGameError(f"{func}(): payoffs must be a square m x m matrix with m >= 2 strategies; "
                               f"got shape {A.shape}")
    if not np.all(np.isfinite(A)):
        raise InvalidGameError(f"{func}(): the payoffs must be finite numbers; got a non-finite payoff")
    if labels is None or len(labels) != m:
        labels = tuple(f"s{i + 1}" for i in range(m))
    return A, labels


def mutation_matrix(mutation: Any, m: int, *, func: str = "mutation_matrix") -> np.ndarray:
    """The row-stochastic mutation matrix ``Q`` from a matrix or a scalar rate ``μ``.

    A scalar ``μ`` in ``[0, 1]`` means ``Q = (1 − μ) I + μ/(m − 1) (J − I)``:
    an offspring keeps its parent's strategy with probability ``1 − μ`` and
    otherwise takes one of the other ``m − 1`` uniformly.

    Examples
    --------
    >>> mutation_matrix(0.1, 3).round(3).tolist()
    [[0.9, 0.05, 0.05], [0.05, 0.9, 0.05], [0.05, 0.05, 0.9]]
    """
    if np.ndim(mutation) == 0:
        mu = check_real(mutation, func=func, name="mutation", minimum=0.0, maximum=1.0)
        Q = np.full((m, m), mu / (m - 1))
        np.fill_diagonal(Q, 1.0 - mu)
        return Q
    Q = as_float_array(mutation, func=func, name="mutation", ndim=2, error=InvalidParameterError)
    if Q.shape != (m, m):
        raise InvalidParameterError(f"{func}(): mutation must be a rate or an {m} x {m} matrix; got shape {Q.shape}")
    if np.any(Q < 0) or np.max(np.abs(Q.sum(axis=1) - 1.0)) > 1e-9 * m:
        raise InvalidParameterError(f"{func}(): mutation must be row-stochastic (non-negative entries, rows "
                                    f"summing to 1); got row sums {Q.sum(axis=1).tolist()} and min "
                                    f"{float(Q.min()):g}")
    return Q / Q.sum(axis=1, keepdims=True)


@dataclass(frozen=True, eq=False)
class _SinglePopulationSystem:
    """One population on the simplex; ``A``, ``background`` divided by ``norm`` (unit scale), ``Q`` or None."""

    A: np.ndarray
    background: float
    Q: np.ndarray | None
    labels: tuple[str, ...]
    scale: float

    @property
    def dim(self) -> int:
        return self.A.shape[0]

    @property
    def norm(self) -> float:
        return power_of_two_below(self.scale)

    def unit_field(self, x: np.ndarray) -> np.ndarray:
        """The field / norm at shares ``x`` of shape ``(m, K)``."""
        f = self.A @ x + self.background
        phi = (x * f).sum(0)
        if self.Q is None:
            return x * (f - phi)
        return self.Q.T @ (x * f) - phi * x

    def field(self, x: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            return self.unit_field(x) * self.norm


def _system(payoffs: Any, mutation: Any, background: Any, func: str) -> _SinglePopulationSystem:
    A, labels = _symmetric_matrix(payoffs, func)
    m = A.shape[0]
    b = check_real(background, func=func, name="background")
    Q = None if mutation is None else mutation_matrix(mutation, m, func=func)
    if Q is not None and np.array_equal(Q, np.eye(m)):
        Q = None  # no mutation: the replicator itself (and its face-preserving coordinates)
    if Q is not None and np.any(A.min(axis=1) + b < 0):
        i = int(np.argmin(A.min(axis=1)))
        raise InvalidParameterError(f"{func}(): the replicator-mutator needs non-negative fitness b + (A x)_i on "
                                    f"the whole simplex (min_j A[i, j] + background >= 0), else shares turn "
                                    f"negative; got min_j A[{i}, j] + background = {float(A[i].min() + b):g}. "
                                    f"Pass background >= {float(-A.min(axis=1).min()):g}")
    scale = payoff_scale(A, [b])
    norm = power_of_two_below(scale)
    unit_A = A / norm
    unit_A.setflags(write=False)
    if Q is not None:
        Q.setflags(write=False)
    return _SinglePopulationSystem(A=unit_A, background=b / norm, Q=Q, labels=labels, scale=scale)


def _initial_shares(system: _SinglePopulationSystem, x0: ArrayLike, func: str, name: str = "x0") -> np.ndarray:
    """States as ``(m, K)``: shares in [0, 1] (the package's check) that sum to 1, renormalised."""
    z = check_initial(system, x0, func, name=name)
    sums = z.sum(0)
    if np.any(np.abs(sums - 1.0) > _SIMPLEX_SUM_TOL * system.dim):
        k = int(np.argmax(np.abs(sums - 1.0)))
        raise InvalidParameterError(f"{func}(): each {name} row must be a mixed strategy of the {system.dim} "
                                    f"strategies (shares summing to 1); row {k} sums to {float(sums[k])!r}")
    return z / sums


# ---------------------------------------------------------------------------------------------- results
@dataclass(frozen=True, eq=False)
class SinglePopulationTrajectoryResult(TrajectoryResult):
    """Trajectories of one population on the simplex (a :class:`TrajectoryResult`; ``dim`` = strategies).

    ``states[k, t, i]`` is the share of strategy ``i`` at output time ``t`` of
    run ``k``; ``mutation`` is the mutation matrix (None for the replicator).
    """

    strategies: tuple[str, ...] = ()
    mutation: np.ndarray | None = None

    def endpoint_classes(self, *, atol: float = 1e-3) -> list[str]:
        """The pure strategy each run ends within ``atol`` of, else its final shares rounded to 3 digits;
        ``"failed"`` for runs that stopped early."""
        tol = check_tol(atol, func="SinglePopulationTrajectoryResult.endpoint_classes", name="atol")
        out = []
        for row in self.final_states:
            if not np.all(np.isfinite(row)):
                out.append("failed")
            elif row.max() >= 1 - tol:
                out.append(self.strategies[int(row.argmax())])
            else:
                out.append("(" + ", ".join(f"{s} {format_number(v, 3)}" for s, v in zip(self.strategies, row)) + ")")
        return out

    def summary(self) -> Summary:
        """Run facts and where the runs end (counts by endpoint)."""
        base = super().summary()
        title = "Replicator-mutator dynamics" if self.mutation is not None else "Single-population replicator"
        notes = ("Endpoints within 1e-3 of a pure strategy are named by it; others by their final shares "
                 "(a mixed rest point, or a run still moving: cycles, slow saddles).",) + base.notes[1:]
        return Summary(title=title, facts=base.facts, columns=base.columns, rows=base.rows, notes=notes)


# ---------------------------------------------------------------------------------------------- dynamics
def single_population_replicator(payoffs: Any, x0: ArrayLike, t_span: Sequence[float], *,
                                 mutation: ArrayLike | float | None = None, background: float = 0.0,
                                 method: str = "dopri5", t_eval: ArrayLike | None = None, rtol: float = 1e-8,
                                 atol: float = 1e-10, n_steps: int = 1000, max_step: float = np.inf,
                                 max_steps: int = MAX_STEPS) -> SinglePopulationTrajectoryResult:
    """Integrate the single-population replicator (or replicator–mutator) dynamics of a symmetric game.

    .. math:: \\dot x_i = x_i ((A x)_i − x^T A x)
              \\qquad\\text{or}\\qquad
              \\dot x_i = \\sum_j x_j f_j Q_{ji} − φ x_i,\\; f = b + A x,\\; φ = x^T f.

    Parameters
    ----------
    payoffs : array_like (m, m) or PairwiseGame
        ``A[i, j]``: payoff of strategy ``i`` against ``j``. A PairwiseGame
        must be symmetric (``col_payoffs == row_payoffs.T``); its row action
        labels name the strategies.
    x0 : array_like, shape (m,) or (K, m)
        Initial mixed strategies of the population, one row per run (the
        package's convention, as in :func:`coopgame.replicator_dynamics`).
    t_span : (float, float)
        Start and end time, ``t0 < t1``.
    mutation : float or array_like (m, m), optional
        None (default): the replicator. A rate ``μ`` in [0, 1] or a
        row-stochastic matrix ``Q``: the replicator–mutator (see
        :func:`mutation_matrix`). ``μ = 0`` is the replicator.
    background : float, default 0
        Background fitness ``b`` added to every payoff. It cancels from the
        replicator; the mutator needs ``b + min_j A[i, j] >= 0``.
    method : {"dopri5", "rk4"}, default "dopri5"
        The package's batched integrators: adaptive Dormand–Prince 5(4) with
        per-run steps, or classical RK4 with ``n_steps`` equal steps.
    t_eval, rtol, atol, n_steps, max_step, max_steps
        As in :func:`coopgame.replicator_dynamics` (``max_step`` in the time
        unit of ``t_span``).

    Returns
    -------
    SinglePopulationTrajectoryResult
        A :class:`~coopgame.TrajectoryResult`: ``states`` of shape ``(K, T, m)``.

    Raises
    ------
    InvalidGameError
        A non-square or asymmetric game, non-finite payoffs.
    InvalidParameterError
        Initial states off the simplex, a bad ``t_span``, mutation matrix,
        tolerances, or negative fitness under mutation.
    GameTooLargeError
        When the least work of the call exceeds the integrators' budget.

    Notes
    -----
    Multiplying every payoff (and ``background``) by ``c > 0`` runs the same
    orbits ``c`` times faster; the integration itself runs in natural time
    (payoff scale × t), so the steps do not depend on the unit.

    Examples
    --------
    Hawk–Dove with V = 2, C = 4 (Maynard Smith 1982): the population settles at
    the mixed ESS with a share V/C = 1/2 of hawks.

    >>> A = [[-1.0, 2.0], [0.0, 1.0]]
    >>> res = single_population_replicator(A, [[0.9, 0.1], [0.2, 0.8]], (0, 40))
    >>> res.final_states.round(6).tolist()
    [[0.5, 0.5], [0.5, 0.5]]
    """
    func = "single_population_replicator"
    method, t0, t1, times, pick, rtol, atol, n_steps, max_steps, max_step = check_run(
        method, METHODS, t_span, t_eval, rtol, atol, n_steps, max_steps, max_step, func=func)
    system = _system(payoffs, mutation, background, func)
    states0 = _initial_shares(system, x0, func)
    norm = system.norm
    tau, max_step_nat = natural_times(times, t0, t1, max_step, norm, func)
    check_work(system.dim, states0.shape[1], tau, max_step_nat, method, n_steps, max_steps, func,
               t_span=(t0, t1), max_step=max_step)
    params: dict[str, Any] = {"t_span": (t0, t1), "binary": False, "time_scale": norm,
                              "background": float(background),
                              "coordinates": "shares" if system.Q is not None else "log-shares"}
    if method == "rk4":
        params["n_steps"] = n_steps
    else:
        params.update(rtol=rtol, atol=atol, max_steps=max_steps)
    violation = 0.0
    with np.errstate(over="ignore", invalid="ignore", under="ignore", divide="ignore"):
        if system.Q is None:
            f, z0 = _log_share_field(system), np.log(states0)
        else:
            f, z0 = system.unit_field, states0
        if method == "dopri5":
            raw, stats = dopri5(f, z0, tau, rtol=rtol, atol=atol, max_step=max_step_nat, max_steps=max_steps,
                                max_work=MAX_WORK)
        else:
            raw, stats = rk4(f, z0, tau, n_steps=n_steps)
        if system.Q is None:
            out = _softmax(raw)
        else:
            finite = raw[np.isfinite(raw)]
            violation = float(np.max(-finite, initial=0.0))
            out = np.clip(raw, 0.0, None)
            out = out / out.sum(axis=1, keepdims=True)
    codes, t_stop = stats.status, stats.t_stop
    success = np.asarray(codes) == OK
    status = tuple(FAILURE_REASONS[int(c)] if c == OK else
                   f"{FAILURE_REASONS[int(c)]} at t = {format_number(t0 + float(ts) / norm)}"
                   for c, ts in zip(codes, t_stop))
    if not np.all(success):
        warnings.warn(f"{func}(): {int(np.size(success) - np.count_nonzero(success))} of {np.size(success)} runs "
                      f"stopped before t1; their later states are NaN (see status)", ConvergenceWarning,
                      stacklevel=2)
    states = np.ascontiguousarray(np.transpose(out, (2, 0, 1))[:, pick, :])
    Q_out = None if system.Q is None else system.Q.copy()
    return SinglePopulationTrajectoryResult(
        states=states, times=times[pick].copy(), players=("population",),
        coordinates=tuple(f"x[{s}]" for s in system.labels), method=method, parameters=params, success=success,
        n_steps=np.asarray(stats.n_accepted), n_rejected=np.asarray(stats.n_rejected),
        max_domain_violation=violation, status=status, strategies=system.labels, mutation=Q_out, game=payoffs)


def _softmax(w: np.ndarray) -> np.ndarray:
    """Softmax along axis -2 (the strategies) of log-shares ``(..., m, K)``."""
    e = np.exp(w - w.max(axis=-2, keepdims=True))
    return e / e.sum(axis=-2, keepdims=True)


def _log_share_field(system: _SinglePopulationSystem):
    A = system.A

    def f(w: np.ndarray) -> np.ndarray:
        # d(log x_i)/dt = (A x)_i − xᵀ A x; the background cancels
        x = _softmax(w)
        ax = A @ x
        return ax - (x * ax).sum(0)

    return f


def single_population_field(payoffs: Any, states: ArrayLike, *, mutation: ArrayLike | float | None = None,
                            background: float = 0.0) -> np.ndarray:
    """The velocity ``dx/dt`` that :func:`single_population_replicator` integrates, at each state.

    Parameters
    ----------
    payoffs : array_like (m, m) or symmetric PairwiseGame
    states : array_like, shape (m,) or (K, m)
        Mixed strategies of the population.
    mutation, background
        As in :func:`single_population_replicator`.

    Returns
    -------
    ndarray, the shape of ``states``

    Examples
    --------
    Rock–paper–scissors at (1/2, 1/4, 1/4): paper, which beats the many rocks, gains on scissors.

    >>> A = [[0, -1, 1], [1, 0, -1], [-1, 1, 0]]
    >>> single_population_field(A, [0.5, 0.25, 0.25]).tolist()
    [0.0, 0.0625, -0.0625]
    """
    func = "single_population_field"
    system = _system(payoffs, mutation, background, func)
    x = _initial_shares(system, states, func, name="states")
    out = system.field(x).T
    return out.reshape(np.shape(states))


# ---------------------------------------------------------------------------------------------- rest points
@dataclass(frozen=True, eq=False)
class SinglePopulationRestPoint(ReadOnlyState):
    """One rest point of the single-population replicator.

    Attributes
    ----------
    state : ndarray, shape (m,)
        The mixed strategy.
    support : tuple of int
        Strategies with positive share.
    payoff : float
        Mean payoff ``xᵀ A x`` (every strategy in the support earns it).
    jacobian : ndarray, shape (m − 1, m − 1)
        Jacobian of the field restricted to the simplex's tangent space, in an
        orthonormal basis of ``{v : Σ v = 0}``.
    eigenvalues : ndarray of complex, shape (m − 1,)
        Its eigenvalues (the full ``m × m`` Jacobian adds ``−xᵀAx`` along ``1``).
    stability : str
        ``"stable"`` (every real part negative), ``"saddle"``, ``"source"``,
        ``"centre"`` or ``"non-hyperbolic"``.
    is_nash : bool
        No strategy earns more than ``xᵀAx`` against ``x``.
    is_ess : bool
        Evolutionarily stable (Maynard Smith & Price 1973): Nash, and every
        alternative best reply ``y`` has ``xᵀAy > yᵀAy``.
    isolated : bool
        False when the support's indifference system is singular (the point
        lies on a continuum of rest points; one representative is listed).
    """

    state: np.ndarray
    support: tuple[int, ...]
    payoff: float
    jacobian: np.ndarray
    eigenvalues: np.ndarray
    stability: str
    is_nash: bool
    is_ess: bool
    isolated: bool = True

    def name(self) -> str:
        """The point as ``(x_1, ..., x_m)`` with short numbers."""
        return "(" + ", ".join(format_number(v) for v in self.state) + ")"


@dataclass(frozen=True, eq=False)
class SinglePopulationRestPointsResult(Result):
    """Rest points of the single-population replicator on every face of the simplex.

    Attributes
    ----------
    points : tuple of SinglePopulationRestPoint
        By support size, then support order.
    strategies : tuple of str
    method : str
        ``"support enumeration"``.
    parameters : dict
        ``tol`` (relative to the payoff scale).
    notes : tuple of str
    """

    points: tuple[SinglePopulationRestPoint, ...]
    strategies: tuple[str, ...]
    method: str = "support enumeration"
    parameters: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    _headline = ("points", "strategies", "method")

    @property
    def ess(self) -> list[np.ndarray]:
        """States of the evolutionarily stable strategies."""
        return [p.state for p in self.points if p.is_ess]

    @property
    def nash(self) -> list[np.ndarray]:
        """States of the symmetric Nash equilibria among the rest points."""
        return [p.state for p in self.points if p.is_nash]

    def find(self, state: ArrayLike, *, atol: float = 1e-9) -> SinglePopulationRestPoint:
        """The rest point at ``state`` (max-norm within ``atol``); ``KeyError`` if none."""
        return find_rest_point(self.points, state, atol=atol, func="SinglePopulationRestPointsResult.find")

    def summary(self) -> Summary:
        """One row per rest point: shares, eigenvalues on the simplex, stability, Nash, ESS."""
        rows = []
        for p in self.points:
            eig = ", ".join(_format_complex(v) for v in p.eigenvalues)
            rows.append((p.name(), p.payoff, eig, p.stability + ("" if p.isolated else " (continuum)"),
                         "yes" if p.is_nash else "no", "yes" if p.is_ess else "no"))
        facts = (("strategies", ", ".join(self.strategies)), ("rest points", str(len(self.points))),
                 ("ESS", ", ".join(p.name() for p in self.points if p.is_ess) or "none"))
        return Summary(title="Single-population replicator: rest points", facts=facts,
                       columns=("point", "x'Ax", "eigenvalues (simplex)", "stability", "Nash", "ESS"),
                       rows=tuple(rows), notes=self.notes)


def single_population_rest_points(payoffs: Any, *, tol: float = DYNAMICS_TOL) -> SinglePopulationRestPointsResult:
    """Every rest point of the single-population replicator, face by face, with stability and the ESS test.

    For each support ``S`` (``2**m − 1`` of them) the rest point in the
    relative interior of the face solves ``(A x)_i = v`` for ``i ∈ S``,
    ``Σ_S x_i = 1``; solutions with every ``x_i > 0`` on ``S`` are kept. The
    systems of one support size are solved in one batched call.

    Parameters
    ----------
    payoffs : array_like (m, m) or symmetric PairwiseGame
    tol : float, default DYNAMICS_TOL
        Relative tolerance (times the payoff scale) for ties in payoffs,
        zero real parts and singular systems; shares within ``tol`` of 0
        count as 0.

    Returns
    -------
    SinglePopulationRestPointsResult

    Raises
    ------
    GameTooLargeError
        For more than :data:`MAX_SUPPORT_STRATEGIES` strategies.

    Notes
    -----
    ESS test (Haigh 1975): ``x`` is an ESS iff it is a Nash equilibrium and
    ``zᵀ A z < 0`` for every ``z ≠ 0`` with ``Σ z = 0``, ``z`` zero off the best
    replies ``B(x)`` and ``z_j >= 0`` on ``B(x) \\ S``. When ``B(x) = S`` this is
    negative definiteness of ``A`` on the face; otherwise each subset of the
    extra best replies is checked (exact for simple eigenvalues). Every ESS
    is asymptotically stable (Taylor & Jonker 1978), not conversely (Zeeman 1980).

    Examples
    --------
    Hawk–Dove (V = 2, C = 4): the pure states are unstable, the mixed one is the ESS.

    >>> res = single_population_rest_points([[-1.0, 2.0], [0.0, 1.0]])
    >>> [(p.name(), p.stability, p.is_ess) for p in res.points]
    [('(1, 0)', 'source', False), ('(0, 1)', 'source', False), ('(0.5, 0.5)', 'stable', True)]
    """
    func = "single_population_rest_points"
    tol = check_tol(tol, func=func)
    A_raw, labels = _symmetric_matrix(payoffs, func)
    m = A_raw.shape[0]
    if m > MAX_SUPPORT_STRATEGIES:
        raise GameTooLargeError(f"{func}(): enumerating the 2**{m} - 1 supports of {m} strategies is refused "
                                f"(limit {MAX_SUPPORT_STRATEGIES}); integrate with single_population_replicator")
    ensure_fits(8.0 * (2**m) * (m + 1) ** 2, func=func, what=f"the indifference systems of 2**{m} supports",
                remedy="pass a game with fewer strategies")
    norm = power_of_two_below(payoff_scale(A_raw))
    A = A_raw / norm  # unit scale: tol is absolute here
    points: list[SinglePopulationRestPoint] = []
    for k in range(1, m + 1):
        supports = np.array(list(itertools.combinations(range(m), k)), dtype=np.int64)  # (N, k)
        states, regular = _solve_supports(A, supports, tol)
        for s, x, ok in zip(supports, states, regular):
            if x is None:
                continue
            points.append(_rest_point(A, x, tuple(int(i) for i in s), ok, tol, norm))
    notes = ["Eigenvalues are those of the Jacobian on the simplex (tangent space); the normal direction adds "
             "-x'Ax.", "ESS (Maynard Smith & Price 1973) implies 'stable'; 'stable' does not imply ESS."]
    if any(not p.isolated for p in points):
        notes.append("Some face holds a continuum of rest points (singular indifference system); one "
                     "representative per face is listed.")
    return SinglePopulationRestPointsResult(points=tuple(points), strategies=labels,
                                            parameters={"tol": tol}, notes=tuple(notes), game=payoffs)


def _solve_supports(A: np.ndarray, supports: np.ndarray, tol: float) -> tuple[list[np.ndarray | None], np.ndarray]:
    """Rest point in the relative interior of each face (or None), and whether its system was regular."""
    N, k = supports.shape
    m = A.shape[0]
    # [A_SS  -1] [x_S]   [0]
    # [1ᵀ     0] [ v ] = [1]
    M = np.zeros((N, k + 1, k + 1))
    M[:, :k, :k] = A[supports[:, :, None], supports[:, None, :]]
    M[:, :k, k] = -1.0
    M[:, k, :k] = 1.0
    rhs = np.zeros((N, k + 1))
    rhs[:, k] = 1.0
    sv = np.linalg.svd(M, compute_uv=False)
    regular = sv[:, -1] > tol * np.maximum(sv[:, 0], 1.0) * (k + 1)
    sol = np.zeros((N, k + 1))
    if regular.any():
        sol[regular] = np.linalg.solve(M[regular], rhs[regular][..., None])[..., 0]
    for i in np.flatnonzero(~regular):  # a continuum: the least-squares representative, kept if it solves
        z, *_ = np.linalg.lstsq(M[i], rhs[i], rcond=None)
        sol[i] = z if np.max(np.abs(M[i] @ z - rhs[i])) <= tol * (k + 1) else np.nan
    out: list[np.ndarray | None] = []
    for i in range(N):
        xs = sol[i, :k]
        if not np.all(np.isfinite(xs)) or np.any(xs <= tol):
            out.append(None)
            continue
        x = np.zeros(m)
        x[supports[i]] = xs / xs.sum()
        out.append(x)
    return out, regular


def _tangent_basis(m: int) -> np.ndarray:
    """Orthonormal basis ``(m, m − 1)`` of ``{v : Σ v = 0}``."""
    q, _ = np.linalg.qr(np.eye(m) - 1.0 / m)
    return q[:, : m - 1]


def _rest_point(A: np.ndarray, x: np.ndarray, support: tuple[int, ...], regular: bool, tol: float,
                norm: float) -> SinglePopulationRestPoint:
    m = A.shape[0]
    f = A @ x
    phi = float(x @ f)
    # DF = diag(Ax − φ) + diag(x)(A − 1 (Ax + Aᵀx)ᵀ); it maps the tangent space into itself
    J = np.diag(f - phi) + x[:, None] * (A - (f + A.T @ x)[None, :])
    U = _tangent_basis(m)
    JT = U.T @ J @ U
    eig = np.linalg.eigvals(JT)
    if np.all(np.abs(eig.imag) <= tol):
        eig = eig.real.astype(complex)
    label = classify_eigenvalues(eig, tol)
    stability = "stable" if label == "ESS" else label
    is_nash = bool(np.all(f <= phi + tol))
    is_ess = is_nash and _second_order_ess(A, x, f, phi, support, tol)
    return SinglePopulationRestPoint(state=frozen(x), support=support, payoff=phi * norm, jacobian=frozen(JT * norm),
                                     eigenvalues=frozen(eig * norm), stability=stability, is_nash=is_nash,
                                     is_ess=is_ess, isolated=bool(regular))


def _second_order_ess(A: np.ndarray, x: np.ndarray, f: np.ndarray, phi: float, support: tuple[int, ...],
                      tol: float) -> bool:
    """``zᵀAz < 0`` on the cone of directions towards alternative best replies (Haigh 1975)."""
    best = np.flatnonzero(f >= phi - tol)
    extra = [int(j) for j in best if j not in support]
    H = 0.5 * (A + A.T)
    for r in range(len(extra) + 1):
        for chosen in itertools.combinations(extra, r):
            idx = list(support) + list(chosen)
            if len(idx) < 2:
                continue
            U = _tangent_basis(len(idx))  # directions with Σ z = 0 inside these coordinates
            lam, vec = np.linalg.eigh(U.T @ H[np.ix_(idx, idx)] @ U)
            if not chosen:
                if lam[-1] >= -tol:
                    return False
                continue
            z = U @ vec  # (len(idx), d): each eigenvector in the original coordinates
            on_extra = z[len(support):]
            for col in np.flatnonzero(lam >= -tol):
                c = on_extra[:, col]
                if np.all(c > tol) or np.all(c < -tol):  # a direction into the cone with zᵀAz >= 0
                    return False
    return True


def _format_complex(z: complex) -> str:
    if abs(z.imag) <= 1e-12 * max(abs(z), 1e-300):
        return format_number(z.real)
    sign = "+" if z.imag >= 0 else "-"
    return f"{format_number(z.real)}{sign}{format_number(abs(z.imag))}i"

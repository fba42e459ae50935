"""Basin of attraction of full cooperation, estimated by batched integration from many initial states."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from coopgame._memory import ensure_fits
from coopgame._typing import RNGLike
from coopgame._validation import (
    as_float_array,
    check_positive_int,
    check_real,
    make_rng,
)
from coopgame.dynamics._systems import BimatrixSystem, BinarySystem, as_system
from coopgame.dynamics._checks import MAX_STEPS, MAX_WORK, check_initial, count_text
from coopgame.dynamics.replicator import integrate
from coopgame.errors import GameTooLargeError, InvalidParameterError
from coopgame.results import Result, Summary, format_number

__all__ = ["BASIN_HORIZON", "MAX_GRID_POINTS", "BasinResult", "basin_share"]

BASIN_HORIZON = 200.0
"""Default horizon: ``t_max = BASIN_HORIZON / gain scale``, where the gain scale is the largest payoff advantage that
drives the dynamics (see :func:`_gain_scale`): the same for a game in any unit, and for a game whose payoffs all
carry a large common constant (which the replicator ignores)."""

MAX_GRID_POINTS = 250_000
"""Largest full grid of initial states; beyond it pass ``n_samples`` for random initial states."""


@dataclass(frozen=True, eq=False)
class BasinResult(Result):
    """Share of initial states whose trajectory ends at the target profile.

    Attributes
    ----------
    share : float
        Fraction of initial states that end within ``target_atol`` of ``target``.
    target : ndarray
        The profile (default: full cooperation).
    method : str
        ``"grid"`` or ``"random"`` initial states.
    parameters : dict
        ``points`` or ``n_samples``, ``t_max``, ``target_atol``, ``seed`` (the seed used), tolerances.
    counts : dict
        Number of runs ending at each pure profile, ``"interior"`` for runs
        that had not settled by ``t_max`` and ``"failed"`` for runs the
        integrator stopped early (step limit, work budget; they never count
        for the target).
    initial_states, final_states : ndarray, shape (N, dim)
    """

    share: float
    target: np.ndarray
    method: str
    parameters: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    initial_states: np.ndarray | None = field(default=None, repr=False)
    final_states: np.ndarray | None = field(default=None, repr=False)
    reached: np.ndarray | None = field(default=None, repr=False)

    def summary(self) -> Summary:
        """The share and where the other runs went."""
        total = sum(self.counts.values())
        rows = tuple((k, str(v), f"{v / max(total, 1):.1%}")
                     for k, v in sorted(self.counts.items(), key=lambda kv: -kv[1]))
        facts = [("target", "(" + ", ".join(format_number(v) for v in self.target) + ")"),
                 ("basin share", f"{self.share:.2%}"), ("initial states", f"{total} ({self.method})")]
        facts += [(k, str(v)) for k, v in self.parameters.items() if k in ("points", "n_samples", "t_max", "target_atol")]
        notes = ["A run counts for the target when its state at t_max is within target_atol of it (max-norm)."]
        failed = self.counts.get("failed", 0)
        if failed:
            facts.append(("failed runs", f"{failed} of {total} stopped early: {self.parameters.get('failures', '')}"))
            notes.append("Failed runs are counted as not reaching the target: the share is a lower bound.")
        return Summary(title="Basin of attraction", facts=tuple(facts), columns=("endpoint", "runs", "share"),
                       rows=rows, notes=tuple(notes))


def basin_share(game: Any, *, target: ArrayLike | None = None, points: int = 41, n_samples: int | None = None,
                t_max: float | None = None, target_atol: float = 1e-3, rng: RNGLike = None, rtol: float = 1e-6,
                atol: float = 1e-9, max_steps: int = MAX_STEPS) -> BasinResult:
    """Share of initial states from which the replicator dynamics reaches ``target`` (default: full cooperation).

    Parameters
    ----------
    game : PairwiseGame, (A, B) pair, or NCityGame
    target : array_like, optional
        The profile to reach, a state of the game (shares in ``[0, 1]``; two
        mixed strategies for a larger bimatrix game). Default: every
        population cooperates (all ones for two-action populations; action 0
        for both players of a larger bimatrix game).
    points : int, default 41
        Grid points per axis. For two-action populations the initial shares
        are the cell centres ``(i + 1/2) / points``, ``i = 0..points-1``, in
        every coordinate: no initial state sits on a face (a share of exactly
        0 or 1), which the dynamics never leaves. For larger bimatrix games,
        the points of each simplex with coordinates in multiples of
        ``1/(points-1)``.
    n_samples : int, optional
        Instead of a grid, this many initial states drawn uniformly (from the
        unit cube, or from each simplex for larger bimatrix games), seeded.
    t_max : float, optional
        Integration horizon in the time unit of the payoffs. Default
        ``BASIN_HORIZON / gain scale`` (200 / the largest payoff advantage): the same
        horizon for the game in any money unit, so the share does not depend
        on the unit. (A fixed ``t_max`` is physical time: with payoffs in a
        unit 1e9 times larger, nothing moves in 50 time units.)
    target_atol : float, default 1e-3
        A run reaches ``target`` when its final state is within ``target_atol``
        (max-norm; absolute, since states are shares in [0, 1]).
        Shares live in [0, 1], so this distance has no payoff scale to be relative to.
    rng : None, int, sequence of int, SeedSequence, BitGenerator or Generator, optional
        Randomness for ``n_samples``: anything ``numpy.random.default_rng`` takes; ``None``
        means a fixed default seed (same call, same answer). The result records
        the seed used in ``parameters["seed"]``.
    rtol, atol : float
        Integrator tolerances (the batched Dormand-Prince method; see
        :func:`replicator_dynamics`).
    max_steps : int, default MAX_STEPS
        Step limit of each run; runs that reach it are counted as ``"failed"``.

    Returns
    -------
    BasinResult

    Raises
    ------
    InvalidParameterError
        On a grid larger than :data:`MAX_GRID_POINTS` (use ``n_samples``), or
        bad ``t_max``/``target_atol``/``target``/tolerances.
    GameTooLargeError
        When ``n_samples`` initial states would not fit in memory or in the
        work budget of one call.

    Examples
    --------
    The bistable worked check of MODELS.md BM1 (reward 2, penalty 1.5): about
    16% of a 41×41 grid of initial willingness reaches full cooperation.

    >>> import coopgame
    >>> g = coopgame.PairwiseGame.from_two_city(cost=4, synergy=6, alpha=0.5, free_ride_gain=2,
    ...                                         lone_loss=1, reward=2, penalty=1.5)
    >>> round(coopgame.basin_share(g).share, 3)
    0.159
    """
    func = "basin_share"
    system = as_system(game, func=func)
    target_atol = check_real(target_atol, func=func, name="target_atol", minimum=0.0, maximum=1.0)
    if t_max is None:
        unit_gain = _gain_scale(system)  # in units of system.norm: no overflow near the float limits
        t_max = BASIN_HORIZON / (unit_gain * system.norm) if unit_gain else BASIN_HORIZON
        if not np.isfinite(t_max):  # an advantage below 1/1.8e308 * 200
            raise InvalidParameterError(f"{func}(): the default horizon {BASIN_HORIZON:g} / the largest payoff "
                                        f"advantage ({unit_gain:.3g} x {system.norm:.3g}) overflows a float; "
                                        "pass t_max")
    else:
        t_max = check_real(t_max, func=func, name="t_max", minimum=0.0, strict_minimum=True)
    binary = isinstance(system, BinarySystem)
    dim = system.dim
    if target is None:
        tgt = np.ones(dim) if binary else _pure(system.A.shape, 0, 0)
    else:
        tgt = as_float_array(target, func=func, name="target", shape=(dim,), error=InvalidParameterError)
        tgt = check_initial(system, tgt, func, name="target")[:, 0]  # a state of the game: shares, simplices
    params: dict[str, Any] = {"t_max": float(t_max), "target_atol": target_atol, "rtol": rtol, "atol": atol}
    if n_samples is None:
        points = check_positive_int(points, func=func, name="points", minimum=2)
        if binary:
            total = points ** dim
        else:
            m, n = system.A.shape
            total = math.comb(points - 2 + m, m - 1) * math.comb(points - 2 + n, n - 1)
        if total > MAX_GRID_POINTS:
            raise InvalidParameterError(f"{func}(): a grid of {total} initial states ({points} per axis) exceeds "
                                        f"{MAX_GRID_POINTS}; pass n_samples=... for random initial states")
        method = "grid"
        params["points"] = points
    else:
        total = n_samples = check_positive_int(n_samples, func=func, name="n_samples")
        method = "random"
    _check_size(total, dim, func, what=f"n_samples={total}" if method == "random" else f"a grid of {total}")
    if method == "grid":
        x0 = _grid(system, points, binary)
    else:
        generator, seed = make_rng(rng, func=func)
        if binary:
            x0 = generator.uniform(size=(n_samples, dim))
        else:
            m, n = system.A.shape
            x0 = np.concatenate([generator.dirichlet(np.ones(m), n_samples),
                                 generator.dirichlet(np.ones(n), n_samples)], 1)
        params.update(n_samples=n_samples, seed=seed)
    res = integrate(game, x0, (0.0, float(t_max)), func=func, rtol=rtol, atol=atol, max_steps=max_steps)
    final = res.final_states
    with np.errstate(invalid="ignore"):  # failed runs end in NaN: never within target_atol
        reached = np.max(np.abs(final - tgt), axis=1) <= target_atol
    classes = res.endpoint_classes(atol=target_atol)
    labels, counts = np.unique(np.array(classes, dtype=object), return_counts=True)
    if res.n_failed:
        reasons = sorted({r.split(" at t = ")[0] for r, ok in zip(res.status, res.success) if not ok})
        params["failures"] = ", ".join(reasons)
    return BasinResult(share=float(np.mean(reached)), target=tgt, method=method, parameters=params,
                       counts={str(k): int(v) for k, v in zip(labels, counts)},
                       initial_states=np.ascontiguousarray(x0), final_states=final,
                       reached=reached, game=game)


def _check_size(total: int, dim: int, func: str, *, what: str) -> None:
    """Refuse, before drawing or gridding, a batch too large for memory or for one call's work budget."""
    ensure_fits(8 * total * dim * 24, func=func, what=f"{what} initial states of {dim} coordinates",
                remedy="pass fewer n_samples or points")  # ints: compared in log space, never overflows
    if 2 * total * dim > MAX_WORK:  # at least two steps per run
        raise GameTooLargeError(f"{func}(): {what} initial states of {dim} coordinates need at least "
                                f"{count_text(2 * total * dim)} coordinate-steps, beyond the budget of {MAX_WORK:.3g} "
                                f"per call; pass fewer n_samples (the share's standard error is "
                                f"about 0.5 / sqrt(n_samples))")


def _pure(shape: tuple[int, int], i: int, j: int) -> np.ndarray:
    m, n = shape
    z = np.zeros(m + n)
    z[i] = 1.0
    z[m + j] = 1.0
    return z


def _grid(system: Any, points: int, binary: bool) -> np.ndarray:
    if binary:
        # cell centres: no initial state on a face x_p in {0, 1}, which replicator dynamics never leaves
        axis = (np.arange(points) + 0.5) / points
        mesh = np.meshgrid(*([axis] * system.dim), indexing="ij")
        return np.stack([g.ravel() for g in mesh], axis=1)
    # larger bimatrix: a grid on each simplex (barycentric points with denominator points-1)
    m, n = system.A.shape
    xs, ys = _simplex_grid(m, points - 1), _simplex_grid(n, points - 1)
    return np.concatenate([np.repeat(xs, len(ys), 0), np.tile(ys, (len(xs), 1))], axis=1)


def _simplex_grid(k: int, d: int) -> np.ndarray:
    """All points of the k-simplex with coordinates in {0, 1/d, ..., 1}."""
    mesh = np.stack(np.meshgrid(*([np.arange(d + 1)] * (k - 1)), indexing="ij"), -1).reshape(-1, k - 1)
    mesh = mesh[mesh.sum(1) <= d]
    return np.concatenate([mesh, d - mesh.sum(1, keepdims=True)], 1) / d


def _gain_scale(system: BinarySystem | BimatrixSystem) -> float:
    """The largest payoff advantage that drives the dynamics, in units of ``system.norm``.

    The replicator moves at the speed of payoff *differences*: adding a
    constant to every payoff changes nothing, so a horizon in units of the
    payoff scale would be too short for a game like ``[[104, 100], [103, 103]]``.
    2×2: the largest ``|a + b y|`` over ``y`` in {0, 1} (exact); bimatrix: the
    largest spread of a column of ``A`` or a row of ``B``; n-city: the largest
    advantage at the two uniform corners (everyone defecting, everyone
    cooperating).
    """
    if isinstance(system, BimatrixSystem):
        spread_a = np.ptp(system.A, axis=0).max(initial=0.0)
        spread_b = np.ptp(system.B, axis=1).max(initial=0.0)
        return float(max(spread_a, spread_b))
    if system.coefficients is not None:
        a, b = system.coefficients[:, 0], system.coefficients[:, 1]
        return float(np.max(np.abs(np.concatenate([a, a + b]))))
    corners = np.stack([np.zeros(system.dim), np.ones(system.dim)], axis=1)  # (P, 2)
    return float(np.max(np.abs(system.gains(corners)), initial=0.0))

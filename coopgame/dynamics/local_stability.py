"""Rest points of the replicator dynamics, their Jacobians and the Friedman (1991) table.

For two-action populations (2×2 pairwise games, the n-city game) every pure
profile (vertex of ``[0, 1]^P``) is a rest point; at a vertex the Jacobian is
diagonal with entries ``(1 - 2 x_p) g_p(x)``, so its eigenvalues are the
payoff advantages of switching, signed. A 2×2 game also has an interior rest
point ``(x*, y*) = (-a_B / b_B, -a_A / b_A)`` when both lie in ``(0, 1)``; there
the trace of the Jacobian is 0, so it is a saddle (``b_A b_B > 0``) or a
centre (``b_A b_B < 0``) and never asymptotically stable.

For an ``m × n`` bimatrix game the pure profiles are reported; in the local
coordinates (shares of the unused actions) their Jacobian is diagonal too,
with entries ``A[k, j] - A[i, j]`` and ``B[i, l] - B[i, j]``.

Labels follow the linearisation: ``ESS`` (every eigenvalue has negative real
part: asymptotically stable, which for a vertex of a multi-population
replicator is the same as a strict Nash equilibrium), ``saddle``, ``source``,
``centre`` (purely imaginary pair) and ``non-hyperbolic`` (an eigenvalue with
zero real part: the linearisation does not decide).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from coopgame._memory import ensure_dense_fits
from coopgame._pickling import ReadOnlyState
from coopgame._validation import as_float_array, check_tol, frozen
from coopgame.dynamics._systems import BimatrixSystem, BinarySystem, as_system
from coopgame.dynamics.replicator import coordinate_labels
from coopgame.errors import GameTooLargeError, InvalidParameterError
from coopgame.results import Result, Summary, format_number
from coopgame.tolerances import DYNAMICS_TOL

__all__ = ["LABELS", "MAX_VERTEX_POPULATIONS", "RestPoint", "RestPointsResult", "find_rest_point", "rest_points"]

LABELS = ("ESS", "saddle", "source", "centre", "non-hyperbolic")

MAX_VERTEX_POPULATIONS = 16
"""Largest number of two-action populations whose 2**P vertices are listed one by one."""

INTERIOR_NOTE = ("The interior rest point of a 2x2 game has trace J = 0, so it is never asymptotically "
                 "stable: a saddle when det J < 0, a centre (closed orbits) when det J > 0. Papers that "
                 "call it an ESS misapply the det/tr test.")


@dataclass(frozen=True, eq=False)
class RestPoint(ReadOnlyState):
    """One rest point with its linearisation.

    Attributes
    ----------
    state : ndarray
        The point (shares of cooperators, or stacked mixed strategies).
    kind : str
        ``"vertex"`` (a pure profile) or ``"interior"``.
    jacobian : ndarray
        Jacobian of the replicator field at the point (in local coordinates
        for ``m × n`` pure profiles).
    determinant, trace : float
    eigenvalues : ndarray of complex
    label : str
        One of ``ESS``, ``saddle``, ``source``, ``centre``, ``non-hyperbolic``.
    """

    state: np.ndarray
    kind: str
    jacobian: np.ndarray
    determinant: float
    trace: float
    eigenvalues: np.ndarray
    label: str

    @property
    def is_ess(self) -> bool:
        """Asymptotically stable (det > 0 and tr < 0 in two dimensions)."""
        return self.label == "ESS"

    def name(self) -> str:
        """The point as ``(x, y, ...)`` with short numbers."""
        return "(" + ", ".join(format_number(v) for v in self.state) + ")"


def find_rest_point(points: Any, state: Any, *, atol: float, func: str) -> Any:
    """The point of ``points`` whose ``state`` is within ``atol`` (max-norm) of ``state``; ``KeyError`` if none."""
    atol = check_tol(atol, func=func, name="atol")
    target = as_float_array(state, func=func, name="state", ndim=1, error=InvalidParameterError)
    for p in points:
        if p.state.shape == target.shape and np.max(np.abs(p.state - target)) <= atol:
            return p
    raise KeyError(f"no rest point at {target.tolist()}; rest points are {[p.name() for p in points]}")


@dataclass(frozen=True, eq=False)
class RestPointsResult(Result):
    """Rest points of a replicator system with the Friedman (1991) det/tr table.

    Attributes
    ----------
    points : tuple of RestPoint
        Vertices first (in profile order), then interior points.
    players : tuple of str
        The populations (the game's players; ``"city/issue"`` with issue layers).
    coordinates : tuple of str
        Name of each state coordinate (as in :class:`TrajectoryResult`).
    method : str
        ``"analytic"``: closed-form points, exact Jacobians.
    parameters : dict
        ``tol`` (relative to the payoff scale).
    notes : tuple of str
        Caveats (interior point never stable; rest points not enumerated).
    """

    points: tuple[RestPoint, ...]
    players: tuple[str, ...]
    coordinates: tuple[str, ...]
    method: str = "analytic"
    parameters: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    _headline = ("points", "players", "method")

    @property
    def ess(self) -> list[np.ndarray]:
        """States of the asymptotically stable rest points."""
        return [p.state for p in self.points if p.is_ess]

    def find(self, state: Any, *, atol: float = 1e-9) -> RestPoint:
        """The rest point at ``state`` (max-norm within ``atol``); ``KeyError`` if none."""
        return find_rest_point(self.points, state, atol=atol, func="RestPointsResult.find")

    def friedman_table(self) -> Summary:
        """The table papers print: point, det J (sign), tr J (sign), eigenvalues, result."""
        rows = []
        for p in self.points:
            ref = float(np.max(np.abs(p.eigenvalues), initial=0.0))
            eig = ", ".join(_format_complex(v, ref) for v in p.eigenvalues)
            rows.append((p.name(), p.determinant, _sign(p.determinant, p, p.jacobian.shape[0]),
                         p.trace, _sign(p.trace, p), eig, p.label))
        facts = (("state", ", ".join(self.coordinates)), ("rest points", str(len(self.points))),
                 ("ESS", ", ".join(p.name() for p in self.points if p.is_ess) or "none"))
        return Summary(title="Rest points and local stability (Friedman 1991)", facts=facts,
                       columns=("point", "det J", "sign", "tr J", "sign", "eigenvalues", "result"),
                       rows=tuple(rows), notes=self.notes)

    def summary(self) -> Summary:
        """Same as :meth:`friedman_table`."""
        return self.friedman_table()


def rest_points(game: Any, *, tol: float = DYNAMICS_TOL) -> RestPointsResult:
    """Rest points of the replicator dynamics with Jacobian, det, trace, eigenvalues and a stability label.

    Parameters
    ----------
    game : PairwiseGame, (A, B) pair of arrays, or NCityGame
    tol : float, default DYNAMICS_TOL
        Relative tolerance: a real part within ``tol`` × payoff scale of 0
        counts as zero (non-hyperbolic / centre).

    Returns
    -------
    RestPointsResult
        Its ``summary()`` is the Friedman (1991) det/tr table.

    Notes
    -----
    Rest points enumerated: every pure profile, plus the interior point of a
    2×2 game. Mixed rest points on faces of larger games (and of the n-city
    game) are not enumerated; they are never asymptotically stable in
    multi-population replicator dynamics (Ritzberger & Weibull 1995), so the
    ESS list is complete.

    Examples
    --------
    The worked check of MODELS.md BM1 with reward 2 and penalty 1.5: both
    (0, 0) and (1, 1) are ESS and the interior point (0.75, 0.75) is a saddle.

    >>> import coopgame
    >>> g = coopgame.PairwiseGame.from_two_city(cost=4, synergy=6, alpha=0.5, free_ride_gain=2,
    ...                                         lone_loss=1, reward=2, penalty=1.5)
    >>> res = coopgame.rest_points(g)
    >>> [(p.name(), p.label) for p in res.points]
    [('(0, 0)', 'ESS'), ('(1, 0)', 'source'), ('(0, 1)', 'source'), ('(1, 1)', 'ESS'), ('(0.75, 0.75)', 'saddle')]
    >>> res.find([0.75, 0.75]).trace
    0.0
    """
    func = "rest_points"
    tol = check_tol(tol, func=func)
    system = as_system(game, func=func)
    # The system holds payoffs / norm (unit scale): a tolerance relative to the payoff scale is `tol` itself,
    # so the labels cannot depend on the money unit; Jacobians are reported times norm, in the game's unit.
    abs_tol = tol
    norm = system.norm
    notes: list[str] = []
    if isinstance(system, BinarySystem):
        points = _binary_vertices(system, abs_tol, func, norm)
        if system.coefficients is not None:
            points += _interior_2x2(system, abs_tol, norm)
            notes.append(INTERIOR_NOTE)
            if np.any(np.abs(system.coefficients[:, 0]) <= abs_tol) or np.any(
                    np.abs(system.coefficients.sum(1)) <= abs_tol):
                notes.append("Degenerate game: a payoff advantage is zero on an edge, so a whole edge consists "
                             "of rest points; only the vertices and the interior point are listed.")
        else:
            notes.append("Vertices only: mixed rest points of the n-population dynamics are not enumerated "
                         "(they are never asymptotically stable).")
    else:
        points = _bimatrix_vertices(system, abs_tol, norm)
        notes.append("Pure profiles only: mixed rest points (Nash equilibria of sub-games) are not enumerated "
                     "(they are never asymptotically stable).")
    return RestPointsResult(points=tuple(points), players=tuple(system.labels), coordinates=coordinate_labels(system),
                            method="analytic",
                            parameters={"tol": tol}, notes=tuple(notes), game=game)


# ---------------------------------------------------------------------------------------------- helpers
def classify_eigenvalues(eigenvalues: np.ndarray, abs_tol: float) -> str:
    """Label from eigenvalues: ESS, saddle, source, centre or non-hyperbolic."""
    re = np.real(eigenvalues)
    im = np.imag(eigenvalues)
    zero = np.abs(re) <= abs_tol
    if zero.any():
        if zero.all() and np.all(np.abs(im) > abs_tol):
            return "centre"
        return "non-hyperbolic"
    if np.all(re < 0):
        return "ESS"
    if np.all(re > 0):
        return "source"
    return "saddle"


def _make_point(state: np.ndarray, kind: str, J: np.ndarray, abs_tol: float, norm: float) -> RestPoint:
    """A rest point from its unit-scale Jacobian ``J`` (classified there), reported times ``norm``."""
    eig = np.linalg.eigvals(J) if J.size else np.zeros(0, dtype=complex)
    if np.all(np.abs(np.imag(eig)) <= abs_tol):
        eig = np.real(eig).astype(complex)
    label = classify_eigenvalues(eig, abs_tol)
    dim = J.shape[0]
    det = float(np.real(np.prod(eig))) if dim > 2 else float(np.linalg.det(J)) if J.size else 1.0
    trace = float(np.trace(J))
    with np.errstate(over="ignore", under="ignore"):  # the game's unit: may leave float range near 1e308
        det_out = np.float64(det)
        for _ in range(dim):  # norm is a power of two: exact, unless it leaves float range
            det_out *= norm
        if det and not (np.isfinite(det_out) and det_out):  # then in log space (norm ** dim may overflow)
            det_out = np.sign(det) * np.exp(np.log(abs(det)) + dim * np.log(norm))
        det_out = float(det_out)
        J_out, eig_out, trace_out = J * norm, eig * norm, trace * norm
    return RestPoint(state=frozen(state), kind=kind, jacobian=frozen(J_out), determinant=det_out + 0.0,
                     trace=trace_out + 0.0, eigenvalues=frozen(eig_out), label=label)


def _binary_vertices(system: BinarySystem, abs_tol: float, func: str, norm: float) -> list[RestPoint]:
    P = system.dim
    if P > MAX_VERTEX_POPULATIONS:
        raise GameTooLargeError(f"{func}(): listing the 2**{P} vertices of {P} populations is refused (limit "
                                f"{MAX_VERTEX_POPULATIONS} populations); integrate with replicator_dynamics or "
                                f"estimate basins with basin_share(..., n_samples=...) instead")
    ensure_dense_fits(P, func=func, arrays=3 * P)
    masks = np.arange(2**P, dtype=np.int64)
    V = ((masks[None, :] >> np.arange(P)[:, None]) & 1).astype(float)  # (P, 2**P): bit p = population p cooperates
    g = system.gains(V)
    diag = (1.0 - 2.0 * V) * g  # Jacobian at a vertex is diagonal
    points = []
    for k in range(V.shape[1]):
        J = np.diag(diag[:, k])
        points.append(_make_point(V[:, k].copy(), "vertex", J, abs_tol, norm))
    return points


def _interior_2x2(system: BinarySystem, abs_tol: float, norm: float) -> list[RestPoint]:
    (a_A, b_A), (a_B, b_B) = system.coefficients
    if abs(b_A) <= abs_tol or abs(b_B) <= abs_tol:
        return []
    x_star, y_star = -a_B / b_B, -a_A / b_A
    if not (0.0 < x_star < 1.0 and 0.0 < y_star < 1.0):
        return []
    state = np.array([x_star, y_star])
    J = system.jacobian(state)
    J[0, 0] = J[1, 1] = 0.0  # exactly zero at the interior point: (1-2x) g_A(y*) with g_A(y*) = 0
    return [_make_point(state, "interior", J, abs_tol, norm)]


def _bimatrix_vertices(system: BimatrixSystem, abs_tol: float, norm: float) -> list[RestPoint]:
    A, B = system.A, system.B
    m, n = A.shape
    points = []
    for i in range(m):
        for j in range(n):
            row = np.delete(A[:, j] - A[i, j], i)
            col = np.delete(B[i, :] - B[i, j], j)
            J = np.diag(np.concatenate([row, col]))
            state = np.zeros(m + n)
            state[i] = 1.0
            state[m + j] = 1.0
            points.append(_make_point(state, "vertex", J, abs_tol, norm))
    return points


def _sign(value: float, point: RestPoint, power: int = 1) -> str:
    """Sign of ``value``, "0" within 1e-12 relative to the Jacobian's scale to the ``power`` (no floor at 1:
    a game in a tiny unit has tiny determinants); compared in log space, so no scale over- or underflows."""
    scale = float(np.max(np.abs(point.jacobian), initial=0.0))
    if value == 0:
        return "0"
    finite = np.isfinite(value) and 0 < scale < np.inf  # an overflowed value or scale is far from 0
    if finite and np.log(abs(value)) <= np.log(1e-12) + power * np.log(scale):
        return "0"
    return "+" if value > 0 else "-"


def _format_complex(z: complex, scale: float) -> str:
    """``z`` as text, dropping an imaginary part within 1e-12 of the point's scale (relative, no floor)."""
    if abs(z.imag) <= 1e-12 * scale:
        return format_number(z.real)
    sign = "+" if z.imag >= 0 else "-"
    return f"{format_number(z.real)}{sign}{format_number(abs(z.imag))}i"

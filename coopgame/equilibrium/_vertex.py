"""Every extreme Nash equilibrium of a bimatrix game, by labelled vertex enumeration.

Payoffs are rescaled to [1, 2] (so the best-response polytopes are bounded and
the origin is their only zero-payoff vertex):

    P = {x >= 0 : B'^T x <= 1},     Q = {y >= 0 : A' y <= 1}.

A vertex is cut out by m (resp. n) independent tight constraints. Choosing a
support S of size k (the coordinates left free) and k tight best-response
constraints J, the vertex solves the k×k system ``B'[S, J]^T x_S = 1``. Up to
C(m+n, m) = 20,000 bases the systems are not solved one by one: every vertex
coordinate and slack is a ratio of minors (:mod:`._minors`), so a table of all
minors and one gather give them all; larger games solve the systems in
batched LAPACK calls, size by size. A vertex is
identified by its full set of tight constraints (its *labels*, a bitmask),
which also merges the many bases of a degenerate vertex. (x, y) is an extreme
equilibrium iff the labels of x and y together cover all m + n actions —
complete for degenerate games too, because every vertex (not only the simple
ones) is listed. Tightness is judged in the original payoff units against
``tol × payoff_scale``.

Floating point is confirmed where it is in doubt. Integer payoffs small enough
(:func:`integer_shift`) are shifted to exact integers instead of rescaled, so every
minor is exact. Otherwise every basis is checked against an error model
(:data:`ROUNDING`): when rounding could flip a verdict (singular or not, feasible or
not, label or not) or a possibly feasible vertex is trusted to less than
:data:`ACCURACY`, that polytope is enumerated in exact rational arithmetic
(:mod:`._exact`); e.g. von Stengel's 6×6 game with 75 equilibria, whose fully mixed
equilibrium sits on a basis of determinant 4e-15. Payoffs near the float limits are
first rescaled by a power of two. (Games past the minor tables, C(m+n, m) > 20,000,
use batched LAPACK solves without exact confirmation.)
"""

from __future__ import annotations

from itertools import combinations
from math import comb, factorial

import numpy as np

from coopgame.equilibrium._exact import exact_vertices
from coopgame.equilibrium._minors import MAX_MINOR_BASES, minor_tables, signed_minors
from coopgame.equilibrium._two_by_two import safe_exponent
from coopgame.errors import GameTooLargeError

__all__ = ["MAX_BASES", "extreme_equilibria", "extreme_equilibrium_arrays"]

MAX_BASES: int = 3_000_000
"""Refuse games needing more than this many candidate bases per polytope (C(m+n, m))."""

_SINGULAR = 1e-11  # |det| below this (entries in [1, 2]) is a singular basis (large-game solve path only)
_STAGED = 2_000   # above this many bases, test x >= 0 before computing any slack

ROUNDING: float = 64 * float(np.finfo(float).eps)
"""Error model of the minor path: a value ``R`` (a minor over ``tot``, the summed vertex minors) is
trusted to ``ROUNDING × (1 + |R|) / |tot|``. Measured on random 2×2 ... 8×8 games and on von
Stengel's 75-equilibrium game, the error stays below ``5 eps (1 + |R|) / |tot|``: a margin over 10."""

ACCURACY: float = 1e-9
"""A vertex that may be feasible but whose coordinates are trusted to less than this is computed
exactly (see :mod:`._exact`), as is every polytope with a basis whose verdict (singular or not,
feasible or not, label or not) rounding could flip."""


def _subsets(size: int, k: int) -> np.ndarray:
    return np.array(list(combinations(range(size), k)), dtype=np.intp).reshape(-1, k)


def _vertices_by_solve(M: np.ndarray, span: float, tol_abs: float, prob_tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Vertices (non-zero) of {x >= 0 : M^T x <= 1} with their label bitmasks.

    ``M`` is (m, n) with entries in [1, 2]; ``span`` converts M-units back to
    payoff units. Label i < m: x_i = 0; label m + j: column j tight.
    """
    m, n = M.shape
    points = []
    for k in range(1, min(m, n) + 1):
        rows = _subsets(m, k)
        cols = _subsets(n, k)
        r = np.repeat(rows, cols.shape[0], axis=0)
        c = np.tile(cols, (rows.shape[0], 1))
        sub = M[r[:, :, None], c[:, None, :]]          # (N, k, k): M[S, J]
        system = np.swapaxes(sub, 1, 2)                  # M[S, J]^T
        det = np.linalg.det(system)
        ok = np.abs(det) > _SINGULAR
        if not ok.any():
            continue
        system, r = system[ok], r[ok]
        xs = np.linalg.solve(system, np.ones((system.shape[0], k, 1)))[:, :, 0]
        x = np.zeros((xs.shape[0], m))
        np.put_along_axis(x, r, xs, axis=1)
        points.append(x)
    if not points:
        return np.zeros((0, m)), np.zeros(0, dtype=np.int64)
    x = np.concatenate(points)
    total = x.sum(axis=1)
    good = total > 0
    x, total = x[good], total[good]
    prob = x / total[:, None]
    slack = (1.0 - x @ M) / total[:, None] * span      # payoff shortfall of each column, payoff units
    feasible = (prob >= -prob_tol).all(axis=1) & (slack >= -tol_abs).all(axis=1)
    prob, slack = prob[feasible], slack[feasible]
    zero = prob <= prob_tol
    tight = slack <= tol_abs
    bits = np.concatenate((zero, tight), axis=1).astype(np.int64) << np.arange(m + n, dtype=np.int64)
    labels = bits.sum(axis=1)
    labels, first = np.unique(labels, return_index=True)
    prob = np.where(zero[first], 0.0, prob[first])
    prob /= prob.sum(axis=1, keepdims=True)
    return prob, labels


def _in_doubt(R: np.ndarray, thr: np.ndarray, det: np.ndarray, tot: np.ndarray, exact: np.ndarray) -> np.ndarray:
    """Bases whose float verdict rounding could change, or whose vertex may be feasible but is inaccurate.

    ``R``: (..., q, N) values (x / sum(x), slack / sum(x)); ``thr``: matching thresholds,
    broadcasting; ``det``, ``tot``: (..., N); ``exact``: broadcasting to ``det``, True where the
    minors are exact integers (:func:`integer_shift`). A basis some value of which is negative
    beyond its threshold by more than the error bound is surely infeasible and never in doubt, and
    so is, with exact minors, a singular one (det = 0) or one whose vertex sums to 0 (tot = 0).
    """
    atot = np.abs(tot)
    unit = ROUNDING / atot                                       # (..., N); inf where tot = 0
    band = unit[..., None, :] * (1.0 + np.abs(R))
    surely_out = (R + thr < -band).any(axis=-2)
    surely_out |= (det * tot < 0) & (np.abs(det) > ROUNDING) & (atot > ROUNDING)
    surely_out |= exact & ((det == 0.0) | (tot == 0.0))
    near = ((np.abs(R + thr) <= band) | (np.abs(R - thr) <= band)).any(axis=-2)
    unsure = near | (np.abs(det) <= ROUNDING) | ~(unit <= ACCURACY)
    return unsure & ~surely_out


def _vertices_by_minors(Mt: np.ndarray, thr: np.ndarray,
                        exact: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Vertices of each stacked polytope {x >= 0 : M^T x <= 1}.

    ``Mt``: (p, r + 1, c), rows ``M`` (entries in [1, 2], or exact positive integers) then a row of ones.
    ``thr``: (p, r + c, 1), tolerances for x_i / sum(x) (probability) and for the
    slacks / sum(x) (M units). ``exact``: (p,) bool, whether the minors of each polytope
    are exact (integer entries, :func:`integer_shift`). Returns over all feasible bases, polytope by
    polytope: polytope index, probabilities (exact zeros where x_i = 0), label
    bitmasks (x_i = 0 | column j tight), per polytope the largest number of tight
    labels and whether some basis is in doubt (:func:`_in_doubt`): then its
    vertices must be recomputed exactly.
    """
    p, r1, c = Mt.shape
    r = r1 - 1
    t = minor_tables(r, c)
    D = signed_minors(Mt.reshape(p, -1), t)
    idx = t.basis_idx                                             # (r + c + 1, N)
    with np.errstate(divide="ignore", invalid="ignore"):   # singular bases (det = 0) are masked
        if idx.shape[1] > _STAGED:
            # Probabilities first (few bases survive x >= 0), slacks only for the survivors.
            det = np.take(D, idx[r + c], axis=1)                        # (p, N)
            nums = np.take(D, idx[:r], axis=1)                          # (p, r, N): x * det
            tot = nums.sum(axis=1)
            inv = 1.0 / tot                   # one division per basis, products after (as the kernel)
            nums *= inv[:, None, :]
            # Candidates: not surely infeasible by their probabilities (a superset of the feasible).
            maybe = ~(nums + thr[:, :r] < -(ROUNDING / np.abs(tot))[:, None, :] * (1.0 + np.abs(nums))).any(axis=1)
            maybe &= ~((det * tot < 0) & (np.abs(det) > ROUNDING) & (np.abs(tot) > ROUNDING))
            poly, base = np.nonzero(maybe)
            R = np.concatenate((nums[poly, :, base], D[poly[:, None], idx[r:r + c, base].T] * inv[poly, base, None]),
                               axis=1)                                   # (K, r + c)
            dt, tt = det[poly, base], tot[poly, base]
            doubt_b = _in_doubt(R.T, thr[poly, :, 0].T, dt, tt, exact[poly])
            doubt = np.zeros(p, dtype=bool)
            doubt[poly[doubt_b]] = True
            ok = (R >= -thr[poly, :, 0]).all(axis=1) & (dt * tt > 0) & (np.abs(dt) > ROUNDING)
            poly, R = poly[ok], R[ok]
        else:
            V = np.take(D, idx, axis=1)                                  # (p, r + c + 1, N)
            det = V[:, -1]
            tot = V[:, :r].sum(axis=1)                                   # (sum of x) * det
            R = V[:, :-1] * (1.0 / tot)[:, None, :]       # x / sum(x) | slack / sum(x), as the kernel
            doubt = _in_doubt(R, thr, det, tot, exact[:, None]).any(axis=1)
            ok = (R >= -thr).all(axis=1)
            ok &= det * tot > 0
            ok &= np.abs(det) > ROUNDING
            poly, base = np.nonzero(ok)
            R = R[poly, :, base]
    tight = R <= thr[poly, :, 0]
    labels = tight @ t.powers
    prob = np.where(tight[:, :r], 0.0, R[:, :r])
    prob /= prob.sum(axis=1, keepdims=True)
    most = np.zeros(p, dtype=np.int64)
    np.maximum.at(most, poly, tight.sum(axis=1))
    return poly, prob, labels, most, doubt


def integer_shift(P: np.ndarray, lo: float, hi: float, kmax: int) -> float:
    """The shift ``h`` that makes ``P - lo + h`` an integer matrix whose minors floats compute exactly; 0 if none.

    When every payoff is an integer and ``(kmax + 1)! · Zmax^kmax < 2**53`` (``Zmax`` the largest
    shifted entry, ``kmax`` the largest minor), every minor and every partial sum of the Laplace
    expansion is an integer below 2**53: float arithmetic is then exact, singular bases have
    determinant exactly 0, and only the final divisions round. Small-integer (typically degenerate)
    games take this path and never need the slow exact one.
    """
    span = hi - lo
    h = max(span, 1.0)
    if float(factorial(kmax + 1)) * (span + h) ** kmax >= 2.0 ** 53 or not np.array_equal(np.floor(P), P):
        return 0.0
    return h


def _thresholds(r: int, c: int, prob_tol: float, slack_tols: list[float]) -> np.ndarray:
    return np.array([[prob_tol] * r + [s] * c for s in slack_tols])[:, :, None]


def extreme_equilibrium_arrays(A: np.ndarray, B: np.ndarray, tol: float, prob_tol: float = 1e-9, *,
                               relative: bool = False) -> tuple[np.ndarray, np.ndarray, bool]:
    """All extreme equilibria of (A, B) as stacked rows ``X``, ``Y`` in canonical order, and the degeneracy flag.

    ``tol`` is absolute, or relative to the payoff scale (largest absolute payoff, no floor)
    when ``relative``.
    """
    m, n = A.shape
    bases = comb(m + n, m)
    if bases > MAX_BASES:
        raise GameTooLargeError(
            f"nash_equilibria(): enumerating every extreme equilibrium of a {m}x{n} game means checking "
            f"C({m + n}, {m}) = {bases:,} bases per player, beyond {MAX_BASES:,}; "
            "use method='nashpy-lemke-howson' for some equilibria")
    if m + n > 62:   # labels are int64 bitmasks over the m + n actions
        raise GameTooLargeError(
            f"nash_equilibria(): complete enumeration supports at most 62 actions in all (labels are 64-bit "
            f"masks); got a {m}x{n} game; use method='nashpy-lemke-howson' for some equilibria")
    square = m == n
    for _ in range(2):   # twice only for payoffs near the float limits, rescaled by a power of two
        X = np.array((B, A.T)) if square else None
        if square:
            flat = X.reshape(2, -1)
            (bmin, amin), (bmax, amax) = (np.minimum.reduce(flat, axis=1).tolist(),
                                          np.maximum.reduce(flat, axis=1).tolist())
        else:
            bmin, amin, bmax, amax = float(B.min()), float(A.min()), float(B.max()), float(A.max())
        scale = max(-bmin, bmax, -amin, amax)
        k = safe_exponent(scale)
        if k == 0:
            break
        # bmax - bmin would overflow (or be subnormal): the same game in a power-of-two unit (exact).
        A, B = np.ldexp(A, k), np.ldexp(B, k)
        tol = tol if relative else float(np.ldexp(tol, k))
    tol_abs = tol * scale if relative else tol
    # A constant matrix (span 0, e.g. an all-zero game) maps to all ones: any positive span does.
    span_b = max(bmax - bmin, tol_abs) or 1.0
    span_a = max(amax - amin, tol_abs) or 1.0
    if bases <= MAX_MINOR_BASES:
        # Payoffs rescaled to [1, 2], slack tolerances converted to those units; or, for integer
        # payoffs small enough (integer_shift), shifted to exact positive integers in payoff units.
        h_b = integer_shift(B, bmin, bmax, min(m + 1, n))
        h_a = integer_shift(A, amin, amax, min(n + 1, m))
        int_b, int_a = h_b > 0.0, h_a > 0.0
        g_b, g_a = (1.0 if int_b else 1.0 / span_b), (1.0 if int_a else 1.0 / span_a)
        h_b, h_a = h_b or 1.0, h_a or 1.0
        if square:      # both polytopes have the same shape: one stacked pass
            Mt = np.empty((2, m + 1, n))
            Mt[:, m] = 1.0
            body = Mt[:, :m]
            shift = np.array([bmin, amin, g_b, g_a, h_b, h_a]).reshape(3, 2, 1, 1)
            np.subtract(X, shift[0], out=body)
            body *= shift[1]
            body += shift[2]
            poly, prob, labels, most, doubt = _vertices_by_minors(
                Mt, _thresholds(m, n, prob_tol, [tol_abs * g_b, tol_abs * g_a]), np.array([int_b, int_a]))
            split = int(np.searchsorted(poly, 1))
            xs, lx, ys, ly_raw = prob[:split], labels[:split], prob[split:], labels[split:]
            (most_x, most_y), (doubt_x, doubt_y) = most.tolist(), doubt.tolist()
        else:
            Mt = np.ones((1, m + 1, n))
            Mt[0, :m] = (B - bmin) * g_b + h_b
            _, xs, lx, (most_x,), (doubt_x,) = _vertices_by_minors(
                Mt, _thresholds(m, n, prob_tol, [tol_abs * g_b]), np.array([int_b]))
            Mt = np.ones((1, n + 1, m))
            Mt[0, :n] = (A.T - amin) * g_a + h_a
            _, ys, ly_raw, (most_y,), (doubt_y,) = _vertices_by_minors(
                Mt, _thresholds(n, m, prob_tol, [tol_abs * g_a]), np.array([int_a]))
        # Where rounding could change a verdict or spoil a vertex, the polytope is enumerated exactly.
        if doubt_x:
            xs, lx, most_x = exact_vertices(B, tol_abs, prob_tol)
        if doubt_y:
            ys, ly_raw, most_y = exact_vertices(A.T, tol_abs, prob_tol)
        degenerate = bool(most_x > m or most_y > n)
        if degenerate:  # a degenerate vertex is reached from several bases: keep one copy
            lx, first = np.unique(lx, return_index=True)
            xs = xs[first]
            ly_raw, first = np.unique(ly_raw, return_index=True)
            ys = ys[first]
    else:
        Bn = 1.0 + (B - bmin) / span_b
        An = 1.0 + (A - amin) / span_a
        xs, lx = _vertices_by_solve(Bn, span_b, tol_abs, prob_tol)            # labels: rows zero | columns tight
        ys, ly_raw = _vertices_by_solve(An.T, span_a, tol_abs, prob_tol)      # labels: cols zero | rows tight
        popx = np.array([bin(int(v)).count("1") for v in lx], dtype=int)
        popy = np.array([bin(int(v)).count("1") for v in ly_raw], dtype=int)
        degenerate = bool((popx > m).any() or (popy > n).any())
    # Re-express y's labels in x's numbering: row i tight -> i, column j zero -> m + j.
    ly = (ly_raw >> n) | ((ly_raw & ((1 << n) - 1)) << m)
    i, j = np.nonzero((lx[:, None] | ly) == (1 << (m + n)) - 1)
    X, Y = xs[i], ys[j]
    if X.shape[0] > 1:  # canonical order: total support size, then x, then y, each descending
        keys = np.concatenate((-Y.T[::-1], -X.T[::-1], [(X > 0).sum(axis=1) + (Y > 0).sum(axis=1)]))
        order = np.lexsort(keys)
        X, Y = X[order], Y[order]
    return X, Y, degenerate


def extreme_equilibria(A: np.ndarray, B: np.ndarray, tol_abs: float,
                       prob_tol: float = 1e-9) -> tuple[list[tuple[np.ndarray, np.ndarray]], bool]:
    """All extreme equilibria of (A, B), in canonical order, and the degeneracy flag."""
    X, Y, degenerate = extreme_equilibrium_arrays(A, B, tol_abs, prob_tol)
    return list(zip(X, Y)), degenerate


def sort_equilibria(pairs: list[tuple[np.ndarray, np.ndarray]]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Canonical order: by total support size, then x, then y, each descending lexicographically."""
    def key(pair: tuple[np.ndarray, np.ndarray]) -> tuple:
        x, y = pair
        return (int((x > 0).sum() + (y > 0).sum()), *(-x), *(-y))
    return sorted(pairs, key=key)

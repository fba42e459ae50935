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
"""

from __future__ import annotations

from itertools import combinations
from math import comb

import numpy as np

from coopgame.equilibrium._minors import MAX_MINOR_BASES, minor_tables, signed_minors
from coopgame.errors import GameTooLargeError

__all__ = ["MAX_BASES", "extreme_equilibria", "extreme_equilibrium_arrays"]

MAX_BASES: int = 3_000_000
"""Refuse games needing more than this many candidate bases per polytope (C(m+n, m))."""

_SINGULAR = 1e-11  # |det| below this (entries in [1, 2]) is a singular basis: no vertex
_STAGED = 2_000   # above this many bases, test x >= 0 before computing any slack


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


def _vertices_by_minors(Mt: np.ndarray, thr: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Vertices of each stacked polytope {x >= 0 : M^T x <= 1}.

    ``Mt``: (p, r + 1, c), rows ``M`` (entries in [1, 2]) then a row of ones.
    ``thr``: (p, r + c, 1), tolerances for x_i / sum(x) (probability) and for the
    slacks / sum(x) (M units). Returns over all feasible bases, polytope by
    polytope: polytope index, probabilities (exact zeros where x_i = 0), label
    bitmasks (x_i = 0 | column j tight), and the largest number of tight labels.
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
            nums /= tot[:, None, :]
            ok = (nums >= -thr[:, :r]).all(axis=1)
            ok &= det * tot > 0
            ok &= np.abs(det) > _SINGULAR
            poly, base = np.nonzero(ok)
            R = np.concatenate((nums[poly, :, base], D[poly[:, None], idx[r:r + c, base].T] / tot[poly, base, None]),
                               axis=1)
            keep = (R[:, r:] >= -thr[poly, r:, 0]).all(axis=1)
            poly, R = poly[keep], R[keep]
        else:
            V = np.take(D, idx, axis=1)                                  # (p, r + c + 1, N)
            det = V[:, -1]
            tot = V[:, :r].sum(axis=1)                                   # (sum of x) * det
            R = V[:, :-1] / tot[:, None, :]               # x / sum(x) | slack / sum(x)
            ok = (R >= -thr).all(axis=1)
            ok &= det * tot > 0
            ok &= np.abs(det) > _SINGULAR
            poly, base = np.nonzero(ok)
            R = R[poly, :, base]
    tight = R <= thr[poly, :, 0]
    labels = tight @ t.powers
    prob = np.where(tight[:, :r], 0.0, R[:, :r])
    prob /= prob.sum(axis=1, keepdims=True)
    return poly, prob, labels, int(tight.sum(axis=1).max(initial=0))


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
    X = np.array((B, A.T)) if square else None
    if square:
        flat = X.reshape(2, -1)
        (bmin, amin), (bmax, amax) = np.minimum.reduce(flat, axis=1).tolist(), np.maximum.reduce(flat, axis=1).tolist()
    else:
        bmin, amin, bmax, amax = float(B.min()), float(A.min()), float(B.max()), float(A.max())
    tol_abs = tol * max(-bmin, bmax, -amin, amax) if relative else tol
    # A constant matrix (span 0, e.g. an all-zero game) maps to all ones: any positive span does.
    span_b = max(bmax - bmin, tol_abs) or 1.0
    span_a = max(amax - amin, tol_abs) or 1.0
    if bases <= MAX_MINOR_BASES:
        # Payoffs rescaled to [1, 2]; slack tolerances converted to those units.
        if square:      # both polytopes have the same shape: one stacked pass
            Mt = np.empty((2, m + 1, n))
            Mt[:, m] = 1.0
            body = Mt[:, :m]
            shift = np.array([bmin, amin, 1.0 / span_b, 1.0 / span_a]).reshape(2, 2, 1, 1)
            np.subtract(X, shift[0], out=body)
            body *= shift[1]
            body += 1.0
            poly, prob, labels, most = _vertices_by_minors(
                Mt, _thresholds(m, n, prob_tol, [tol_abs / span_b, tol_abs / span_a]))
            split = int(np.searchsorted(poly, 1))
            xs, lx, ys, ly_raw = prob[:split], labels[:split], prob[split:], labels[split:]
            degenerate = most > m
        else:
            Mt = np.ones((1, m + 1, n))
            Mt[0, :m] = 1.0 + (B - bmin) / span_b
            _, xs, lx, most_x = _vertices_by_minors(Mt, _thresholds(m, n, prob_tol, [tol_abs / span_b]))
            Mt = np.ones((1, n + 1, m))
            Mt[0, :n] = 1.0 + (A.T - amin) / span_a
            _, ys, ly_raw, most_y = _vertices_by_minors(Mt, _thresholds(n, m, prob_tol, [tol_abs / span_a]))
            degenerate = most_x > m or most_y > n
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

"""Every extreme Nash equilibrium of a bimatrix game, by labelled vertex enumeration.

Payoffs are rescaled to [1, 2] (so the best-response polytopes are bounded and
the origin is their only zero-payoff vertex):

    P = {x >= 0 : B'^T x <= 1},     Q = {y >= 0 : A' y <= 1}.

A vertex is cut out by m (resp. n) independent tight constraints. Choosing a
support S of size k (the coordinates left free) and k tight best-response
constraints J, the vertex solves the k×k system ``B'[S, J]^T x_S = 1``; all
such bases are solved at once, size by size, in batched numpy. A vertex is
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

from coopgame.errors import GameTooLargeError

__all__ = ["extreme_equilibria", "MAX_BASES"]

MAX_BASES: int = 3_000_000
"""Refuse games needing more than this many candidate bases per polytope (C(m+n, m))."""

_SINGULAR = 1e-11  # |det| below this (entries in [1, 2]) is a singular basis: no vertex


def _subsets(size: int, k: int) -> np.ndarray:
    return np.array(list(combinations(range(size), k)), dtype=np.intp).reshape(-1, k)


def _vertices(M: np.ndarray, span: float, tol_abs: float, prob_tol: float) -> tuple[np.ndarray, np.ndarray]:
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


def extreme_equilibria(A: np.ndarray, B: np.ndarray, tol_abs: float,
                       prob_tol: float = 1e-9) -> tuple[list[tuple[np.ndarray, np.ndarray]], bool]:
    """All extreme equilibria of (A, B), in canonical order, and the degeneracy flag."""
    m, n = A.shape
    if comb(m + n, m) > MAX_BASES:
        raise GameTooLargeError(
            f"nash_equilibria(): enumerating every extreme equilibrium of a {m}x{n} game means checking "
            f"C({m + n}, {m}) = {comb(m + n, m):,} bases per player, beyond {MAX_BASES:,}; "
            "use method='nashpy-lemke-howson' for some equilibria")
    span_b = max(float(B.max() - B.min()), tol_abs, 1e-300)
    span_a = max(float(A.max() - A.min()), tol_abs, 1e-300)
    Bn = 1.0 + (B - B.min()) / span_b
    An = 1.0 + (A - A.min()) / span_a
    xs, lx = _vertices(Bn, span_b, tol_abs, prob_tol)            # labels: rows zero | columns tight
    ys, ly_raw = _vertices(An.T, span_a, tol_abs, prob_tol)      # labels: cols zero | rows tight
    # Re-express y's labels in x's numbering: row i tight -> i, column j zero -> m + j.
    col_zero = ly_raw & ((1 << n) - 1)
    row_tight = ly_raw >> n
    ly = row_tight | (col_zero << m)
    full = (1 << (m + n)) - 1
    popx = np.array([bin(int(v)).count("1") for v in lx], dtype=int)
    popy = np.array([bin(int(v)).count("1") for v in ly], dtype=int)
    degenerate = bool((popx > m).any() or (popy > n).any())
    i, j = np.nonzero((lx[:, None] | ly[None, :]) == full)
    pairs = [(xs[a], ys[b]) for a, b in zip(i, j)]
    return sort_equilibria(pairs), degenerate


def sort_equilibria(pairs: list[tuple[np.ndarray, np.ndarray]]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Canonical order: by total support size, then x, then y, each descending lexicographically."""
    def key(pair: tuple[np.ndarray, np.ndarray]) -> tuple:
        x, y = pair
        return (int((x > 0).sum() + (y > 0).sum()), *(-x), *(-y))
    return sorted(pairs, key=key)

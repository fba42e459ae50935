"""Exact (rational) vertex enumeration of one best-response polytope, for when floating point is in doubt.

The float enumeration of :mod:`._vertex` rescales payoffs to [1, 2] and computes every basis's
vertex as ratios of minors. On ill-conditioned games (payoffs spanning orders of magnitude, e.g.
von Stengel's 6×6 game with 75 equilibria and payoffs up to 1.7e6) some bases have determinants
near rounding level: a float pass cannot tell a genuine vertex from a singular basis, and the
coordinates it gets are off in the 4th digit. Here the same minor tables are evaluated on Python
integers: every float payoff is a dyadic rational, so ``Z = (P − min P)·2^E + s`` is an integer
matrix (an increasing affine image of the payoffs, with the same equilibria) and every minor is
exact. Feasibility and labels apply the very tolerance rule of the float pass, with the exact values:
a probability at most ``prob_tol`` is a zero label, a payoff shortfall at most ``tol_abs`` (payoff
units) a tight one. Coordinates are rounded to float once, at the end (correctly rounded).
"""

from __future__ import annotations

import numpy as np

from coopgame.equilibrium._minors import minor_tables

__all__ = ["exact_vertices"]


def _integer_payoffs(P: np.ndarray) -> tuple[list[int], int]:
    """Integers ``N`` and exponent ``E`` with ``P = N / 2**E`` exactly (floats are dyadic rationals)."""
    ratios = [v.as_integer_ratio() for v in P.ravel().tolist()]
    E = max(d.bit_length() - 1 for _, d in ratios)
    return [n << (E - (d.bit_length() - 1)) for n, d in ratios], E


def _minors(flat: np.ndarray, r: int, c: int) -> np.ndarray:
    """The signed table ``[D, -D, 0]`` of every minor of the bordered matrix, in Python integers."""
    t = minor_tables(r, c)
    T = t.n_minors
    D = np.empty(2 * T + 1, dtype=object)
    size = flat.shape[0]
    D[:size] = flat
    both = np.concatenate((flat, -flat))
    for start, stop, ent, child in t.levels:   # Laplace expansion along each minor's first row
        D[start:stop] = (both[ent] * D[child]).sum(axis=0)
    D[T:2 * T] = -D[:T]
    D[2 * T] = 0
    return D


def exact_vertices(P: np.ndarray, tol_abs: float, prob_tol: float) -> tuple[np.ndarray, np.ndarray, int]:
    """Vertices of {x >= 0 : Z^T x <= 1} for the payoffs ``P`` (r, c), exactly.

    Returns the probabilities ``x / sum(x)`` (exact zeros where a zero label holds, rows
    renormalised, then rounded), the label bitmasks (bit i: x_i = 0, bit r + j: column j tight),
    one row per label (the first basis reaching it), and the largest number of tight labels.
    """
    r, c = P.shape
    N, E = _integer_payoffs(np.asarray(P, dtype=float))
    low, high = min(N), max(N)
    shift = max(high - low, 1) - low              # Z = N - min N + span >= 1: positive, same equilibria
    flat = np.array([v + shift for v in N] + [1] * c, dtype=object)
    D = _minors(flat, r, c)
    V = D[minor_tables(r, c).basis_idx]           # (r + c + 1, n_bases)
    det = V[-1]
    tot = V[:r].sum(axis=0)                       # (sum of x) * det
    ok = (det != 0) & (det * tot > 0)
    V, tot = V[:, ok], tot[ok]
    sign = np.where(tot > 0, 1, -1).astype(object)
    den = tot * sign                              # > 0
    num = V[:-1] * sign                           # x * |tot| / sum(x) ... over den: probabilities | shortfalls
    pn, pd = float(prob_tol).as_integer_ratio()
    tn, td = float(tol_abs).as_integer_ratio()
    # probability x_i / sum(x) = num_i / den; shortfall (payoff units) = num_{r+j} / den / 2**E.
    prob_scale = den * pn
    slack_scale = den * (tn << E)
    xs = num[:r] * pd
    sl = num[r:] * td
    feasible = (xs >= -prob_scale).all(axis=0) & (sl >= -slack_scale).all(axis=0)
    xs, sl, num, den = xs[:, feasible], sl[:, feasible], num[:, feasible], den[feasible]
    prob_scale, slack_scale = prob_scale[feasible], slack_scale[feasible]
    tight = np.concatenate(((xs <= prob_scale).astype(bool), (sl <= slack_scale).astype(bool)), axis=0)
    labels = (tight.T.astype(np.int64) << np.arange(r + c, dtype=np.int64)).sum(axis=1)
    labels, first = np.unique(labels, return_index=True)
    tight, x = tight[:, first], num[:r, first]
    x = np.where(tight[:r], 0, x)
    total = x.sum(axis=0)
    prob = np.empty((first.shape[0], r))
    for q in range(first.shape[0]):               # correctly rounded int / int, row by row (few vertices)
        prob[q] = [v / total[q] for v in x[:, q]]
    return prob, labels, int(tight.sum(axis=0).max(initial=0))

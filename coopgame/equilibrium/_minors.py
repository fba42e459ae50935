"""Index tables for vertex enumeration by minors (Cramer's rule), cached per shape.

For a polytope {x >= 0 : M^T x <= 1} with M of shape (r, c), append a row of
ones to get M~ (row r). Every quantity the enumeration needs is a signed minor
of M~, divided by a common factor that cancels:

* basis (S, J), |S| = |J| = k: ``det = D(S, J)``;
* x_S solves ``M[S, J]^T x_S = 1``; by Cramer ``x_{s_t} * det`` is the minor
  with row s_t replaced by ones, ``(-1)^(k-1-t) D(S - s_t + {r}, J)``;
* the slack of a column j outside J, ``(1 - x . M[:, j]) * det``, is by the
  Schur complement of the bordered matrix ``(-1)^(k-p) D(S + {r}, J + {j})``,
  where p counts the members of J below j.

So one table of all minors of M~ (computed in a handful of vectorised passes)
and one gather give every basis's vertex, its feasibility and its labels, with
no per-basis linear solve. The tables here are pure index arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

import numpy as np

__all__ = ["MAX_MINOR_BASES", "MinorTables", "minor_tables", "signed_minors"]

MAX_MINOR_BASES: int = 20_000
"""Use the minor tables only up to this many bases (C(r+c, r)); table building is Python work."""


@dataclass(frozen=True)
class MinorTables:
    """Gather indices for one shape (r, c); see the module docstring."""

    n_minors: int
    # Laplace expansion by levels, k >= 2: (start, stop, entry_idx, child_idx), both (k, N_k);
    # entry_idx points into [flat, -flat] so the cofactor sign is folded in
    levels: tuple
    # per basis, shape (r + c + 1, N): rows [x*det for r rows, slack*det for c columns, det],
    # as indices into the signed table [D, -D, 0] (see ``signed_minors``); basis-minor layout
    # keeps every reduction over a leading axis (contiguous, fast)
    basis_idx: np.ndarray
    # label bit of each of the r + c constraints
    powers: np.ndarray


@lru_cache(maxsize=64)
def minor_tables(r: int, c: int) -> MinorTables:
    """Tables for M of shape (r, c) (M~ has r + 1 rows; row r is all ones)."""
    kmax = min(r + 1, c)
    rows = {k: list(combinations(range(r + 1), k)) for k in range(1, kmax + 1)}
    cols = {k: list(combinations(range(c), k)) for k in range(1, kmax + 1)}
    index: dict[tuple, int] = {}
    for k in range(1, kmax + 1):
        for R in rows[k]:
            for C in cols[k]:
                index[(R, C)] = len(index)
    levels: list = []
    for k in range(2, kmax + 1):
        keys = [(R, C) for R in rows[k] for C in cols[k]]
        size = (r + 1) * c            # offset of the negated copy of the entries
        ent = [[R[0] * c + C[t] + (size if t % 2 else 0) for t in range(k)] for R, C in keys]
        child = [[index[(R[1:], C[:t] + C[t + 1:])] for t in range(k)] for R, C in keys]
        start = index[keys[0]]
        levels.append((start, start + len(keys), np.array(ent, dtype=np.intp).T.copy(),
                       np.array(child, dtype=np.intp).T.copy()))
    bidx, bsgn = [], []
    for k in range(1, min(r, c) + 1):
        for S in combinations(range(r), k):
            row_of = dict(zip(S, range(k)))
            for J in cols[k]:
                idx = [0] * (r + c + 1)
                sgn = [0.0] * (r + c + 1)
                for i, t in row_of.items():
                    idx[i] = index[(S[:t] + S[t + 1:] + (r,), J)]
                    sgn[i] = (-1.0) ** (k - 1 - t)
                Jset = set(J)
                for j in range(c):
                    if j not in Jset:
                        p = sum(1 for q in J if q < j)
                        idx[r + j] = index[(S + (r,), tuple(sorted(J + (j,))))]
                        sgn[r + j] = (-1.0) ** (k - p)
                idx[r + c] = index[(S, J)]
                sgn[r + c] = 1.0
                bidx.append(idx)
                bsgn.append(sgn)
    T = len(index)
    bidx_a, bsgn_a = np.array(bidx, dtype=np.intp), np.array(bsgn)
    signed = np.where(bsgn_a > 0, bidx_a, np.where(bsgn_a < 0, bidx_a + T, 2 * T))
    return MinorTables(T, tuple(levels), signed.T.astype(np.intp).copy(),
                       np.left_shift(1, np.arange(r + c, dtype=np.int64)))


def signed_minors(flat: np.ndarray, t: MinorTables) -> np.ndarray:
    """``[D, -D, 0]`` for each stacked M~ (``flat``: shape (p, (r+1)*c)), D = every minor.

    Carrying the negated copy turns each signed look-up into a plain gather.
    """
    p, size = flat.shape
    T = t.n_minors
    out = np.empty((p, 2 * T + 1))
    D = out[:, :T]
    D[:, :size] = flat                    # 1×1 minors are the entries, in the same order
    both = np.concatenate((flat, -flat), axis=1)
    for start, stop, ent, child in t.levels:   # Laplace expansion along each minor's first row
        D[:, start:stop] = (np.take(both, ent, axis=1) * np.take(D, child, axis=1)).sum(axis=1)
    np.negative(D, out=out[:, T:2 * T])
    out[:, 2 * T] = 0.0
    return out

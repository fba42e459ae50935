"""Size-weighted member sums of dense games: the O(2**n) engine behind Shapley and Banzhaf.

Every semivalue needs, for each player i, ``A_i = Σ_{S∋i} v(S) g(|S|)`` for a
table ``g`` of size weights, and the total ``T = Σ_S v(S) g(|S|)``. The usual
loop over players reads the 2**n array n times; here it is read once.

How: view the values as a matrix ``V[h, l]`` with ``h`` the high ``n − b`` bits
of the mask and ``l`` the low ``b`` bits, one row (2**b values, a cache-sized
block) at a time. The weight of entry ``(h, l)`` is ``g(pc(h) + pc(l))``, so
with ``G_p[l] = g(p + pc(l))``:

* row sum ``s_h = V[h] · G_{pc(h)}`` — one dot product per row; the high-bit
  players' sums are then ``A_i = Σ_{h∋i} s_h``;
* rows with the same popcount are added into one accumulator ``E_p``, and
  ``f[l] = Σ_p E_p[l] G_p[l]`` gives the low-bit players' sums ``Σ_{l∋i} f[l]``.

Each value is touched by one dot product (streamed from memory) and one add
(from cache): measured about 2.5× one ``values.sum()`` at n = 24. Small games
(and batches of them) instead take one matrix product with a ``(2**n, n)``
coefficient table.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.special import gammaln

from coopgame._bitmask import popcounts

__all__ = ["shapley_size_weights", "member_sums", "fold_bits", "BLOCK_BITS", "SMALL_BITS"]

BLOCK_BITS: int = 15
"""log2 of the row length of the blocked pass: 2**15 float64 = 256 KiB, well inside L2."""

SMALL_BITS: int = 12
"""Games with at most this many players use one matrix product against a (2**n, n) table."""


@lru_cache(maxsize=64)
def shapley_size_weights(n: int) -> tuple[np.ndarray, np.ndarray]:
    """``(w, g)``: ``w[s] = s!(n−1−s)!/n!`` (``w[n] = 0``) and ``g[s] = w[s−1] + w[s]``.

    ``φ_i = Σ_{S∋i} v(S) g(|S|) − Σ_S v(S) w(|S|)``: a member's coalition enters
    with the weight of the order it completes and of the order it starts.
    """
    s = np.arange(n + 1)
    w = np.zeros(n + 1)
    w[:n] = np.exp(gammaln(s[:n] + 1) + gammaln(n - s[:n]) - gammaln(n + 1))
    g = w.copy()
    g[1:] += w[:-1]
    w.setflags(write=False)
    g.setflags(write=False)
    return w, g


def fold_bits(x: np.ndarray) -> np.ndarray:
    """``out[..., i] = Σ_{m: bit i of m} x[..., m]`` over the last axis (length 2**k), in O(2**k).

    Folding the top bit away halves the array each step.

    Examples
    --------
    >>> fold_bits(np.array([1.0, 2.0, 4.0, 8.0])).tolist()
    [10.0, 12.0]
    """
    k = x.shape[-1].bit_length() - 1
    out = np.empty(x.shape[:-1] + (k,))
    for i in range(k - 1, -1, -1):
        halves = x.reshape(x.shape[:-1] + (2, -1))
        out[..., i] = halves[..., 1, :].sum(axis=-1)
        x = halves[..., 0, :] + halves[..., 1, :]
    return out


def member_sums(values: np.ndarray, n: int, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``A[b, i] = Σ_{S∋i} v_b(S) g(|S|)`` and ``T[b] = Σ_S v_b(S) g(|S|)`` for a (B, 2**n) array.

    ``values`` is only read. Extra memory: a (2**n, n) table for n <= SMALL_BITS,
    else O(n · 2**BLOCK_BITS) per game.
    """
    if n <= SMALL_BITS:
        out = values @ _coefficient_table(n, tuple(g.tolist()))
        return out[:, :n], out[:, n]
    sums = np.empty((values.shape[0], n))
    totals = np.empty(values.shape[0])
    for k, row in enumerate(values):
        sums[k], totals[k] = _blocked_member_sums(row, n, g)
    return sums, totals


@lru_cache(maxsize=32)
def _coefficient_table(n: int, g: tuple[float, ...]) -> np.ndarray:
    # table[S, i] = g(|S|) [i ∈ S]; last column g(|S|) for the total.
    weight = np.asarray(g)[popcounts(n)]
    table = np.empty((2**n, n + 1))
    table[:, :n] = ((np.arange(2**n)[:, None] >> np.arange(n)) & 1) * weight[:, None]
    table[:, n] = weight
    table.setflags(write=False)
    return table


def _blocked_member_sums(row: np.ndarray, n: int, g: np.ndarray) -> tuple[np.ndarray, float]:
    b = min(n, BLOCK_BITS)
    high = n - b
    weights = _block_weights(n, b, g)  # weights[p, l] = g(p + pc(l))
    high_sizes = popcounts(high)
    blocks = row.reshape(2**high, 2**b)
    by_size = np.zeros((high + 1, 2**b))  # E_p: rows with p high members, added up
    row_sums = np.empty(2**high)
    for h in range(2**high):  # a loop over cache-sized blocks, not coalitions
        p = high_sizes[h]
        block = blocks[h]
        row_sums[h] = block @ weights[p]
        np.add(by_size[p], block, out=by_size[p])
    low = np.einsum("pl,pl->l", by_size, weights)
    sums = np.concatenate((fold_bits(low), fold_bits(row_sums)))
    return sums, float(row_sums.sum())


def _block_weights(n: int, b: int, g: np.ndarray) -> np.ndarray:
    return g[np.arange(n - b + 1)[:, None] + popcounts(b)[None, :].astype(np.int64)]

"""Coalitions as integer bitmasks: bit i of a mask is set iff player i is a member."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

__all__ = ["popcounts", "all_masks", "membership_matrix", "mask_from_members", "member_labels", "additive_values",
           "quadratic_values"]


@lru_cache(maxsize=8)
def _popcounts_cached(n_players: int) -> np.ndarray:
    counts = np.zeros(1, dtype=np.uint8)
    for _ in range(n_players):  # doubling: counts of [0, 2^k) then the same +1
        counts = np.concatenate((counts, counts + 1))
    counts.setflags(write=False)
    return counts


def popcounts(n_players: int) -> np.ndarray:
    """Read-only ``uint8`` array: ``popcounts(n)[mask]`` is the size of coalition ``mask``.

    Examples
    --------
    >>> popcounts(3).tolist()
    [0, 1, 1, 2, 1, 2, 2, 3]
    """
    return _popcounts_cached(int(n_players))


def all_masks(n_players: int) -> np.ndarray:
    """All ``2**n`` masks in increasing order, as ``int64``."""
    return np.arange(2**n_players, dtype=np.int64)


def membership_matrix(masks: np.ndarray, n_players: int) -> np.ndarray:
    """Boolean matrix ``M[k, i]``: is player ``i`` in coalition ``masks[k]``.

    Examples
    --------
    >>> membership_matrix(np.array([0, 5]), 3).astype(int).tolist()
    [[0, 0, 0], [1, 0, 1]]
    """
    masks = np.asarray(masks, dtype=np.int64)
    return ((masks[..., None] >> np.arange(n_players, dtype=np.int64)) & 1).astype(bool)


def mask_from_members(members: np.ndarray | list[int]) -> int:
    """Bitmask of a collection of player indices."""
    mask = 0
    for i in members:
        mask |= 1 << int(i)
    return mask


def member_labels(mask: int, players: Sequence[str]) -> tuple[str, ...]:
    """Labels of the members of coalition ``mask``, in player order.

    Examples
    --------
    >>> member_labels(5, ("a", "b", "c"))
    ('a', 'c')
    """
    mask = int(mask)
    return tuple(p for i, p in enumerate(players) if (mask >> i) & 1)


def additive_values(weights: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``out[mask] = sum(weights[i] for i in mask)`` for all ``2**n`` masks.

    Built by doubling in place (the second half of each prefix is the first
    half plus the new weight), never by a loop over coalitions and without
    temporaries; this is x(S) for an allocation x, or the stand-alone sum of a
    cost game. ``out``, when given, is a float64 buffer of length ``2**n``.

    Examples
    --------
    >>> additive_values(np.array([1.0, 10.0])).tolist()
    [0.0, 1.0, 10.0, 11.0]
    """
    w = np.asarray(weights, dtype=np.float64)
    size = 1 << w.shape[0]
    if out is None:
        out = np.empty(size)
    elif out.shape != (size,):
        raise ValueError(f"additive_values(): out must have shape ({size},); got {out.shape}")
    out[0] = 0.0
    for j, wj in enumerate(w):
        np.add(out[: 1 << j], wj, out=out[1 << j: 2 << j])
    return out


def quadratic_values(additive: np.ndarray, pairwise: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """All ``2**n`` values of ``v(S) = Σ_{i∈S} a_i + Σ_{i≠j∈S} M_ij`` by doubling (no loop over coalitions).

    Adding player k to every coalition T of the first k players adds
    ``a_k + Σ_{j∈T} (M_kj + M_jk)``, itself an additive function of T. Needs
    one scratch buffer of ``2**(n-1)`` floats besides ``out``.

    Examples
    --------
    >>> quadratic_values(np.array([1.0, 2.0]), np.array([[0.0, 1.0], [1.0, 0.0]])).tolist()
    [0.0, 1.0, 2.0, 5.0]
    """
    a = np.asarray(additive, dtype=np.float64)
    m = np.asarray(pairwise, dtype=np.float64)
    n = a.shape[0]
    sym = m + m.T
    if out is None:
        out = np.empty(1 << n)
    elif out.shape != (1 << n,):
        raise ValueError(f"quadratic_values(): out must have shape ({1 << n},); got {out.shape}")
    out[0] = 0.0
    scratch = np.empty(1 << max(n - 1, 0))
    for k in range(n):
        half = 1 << k
        gain = additive_values(sym[k, :k], out=scratch[:half])
        gain += a[k]
        np.add(out[:half], gain, out=out[half: 2 * half])
    return out

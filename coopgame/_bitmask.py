"""Coalitions as integer bitmasks: bit i of a mask is set iff player i is a member."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

__all__ = ["popcounts", "all_masks", "membership_matrix", "mask_from_members", "additive_values"]


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


def additive_values(weights: np.ndarray) -> np.ndarray:
    """``out[mask] = sum(weights[i] for i in mask)`` for all ``2**n`` masks.

    Built by doubling (``n`` concatenations), never by a loop over coalitions;
    this is x(S) for an allocation x, or the stand-alone sum of a cost game.

    Examples
    --------
    >>> additive_values(np.array([1.0, 10.0])).tolist()
    [0.0, 1.0, 10.0, 11.0]
    """
    out = np.zeros(1)
    for w in np.asarray(weights, dtype=np.float64):
        out = np.concatenate((out, out + w))
    return out

"""The fund mechanism's arithmetic on a stack of parameter sets: one computation for one fund and for thousands.

:class:`~coopgame.policy.mechanism.FundMechanism` calls these with a stack of
one; an uncertainty analysis (:mod:`coopgame.policy.uncertainty_fund`) with a
block of draws. Every array carries the stack on its first axis ``G``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["pair_order", "funded_stack", "benefit_stack", "best_subset", "quota_threshold"]


def pair_order(benefits: np.ndarray, costs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The pair projects of each stacked benefit and cost matrix, in the conference's priority order.

    Project ``{i, j}`` brings ``benefits[i, j]`` to i and ``benefits[j, i]`` to j and costs
    ``costs[i, j] + costs[j, i]``; the highest ratio of benefit to cost comes first (ties in player order, a
    zero cost first of all), and pairs with no benefit last, marked not kept.

    Parameters
    ----------
    benefits, costs : ndarray, shape (G, n, n)

    Returns
    -------
    i, j : ndarray of int, shape (G, P)
        The pair of each project, ``i < j``, with ``P = n (n - 1) / 2``.
    cost : ndarray, shape (G, P)
    keep : ndarray of bool, shape (G, P)
        Whether the pair has a benefit (the kept projects come first).

    Examples
    --------
    >>> b = np.array([[[0, 3, 1], [3, 0, 0], [1, 0, 0]]], dtype=float)
    >>> k = np.array([[[0, 1, 3], [1, 0, 0], [3, 0, 0]]], dtype=float)
    >>> i, j, cost, keep = pair_order(b, k)
    >>> i.tolist(), j.tolist(), cost.tolist(), keep.tolist()
    ([[0, 0, 1]], [[1, 2, 2]], [[2.0, 6.0, 0.0]], [[True, True, False]])
    """
    g, n = benefits.shape[0], benefits.shape[-1]
    i, j = np.triu_indices(n, 1)
    gain = benefits[:, i, j] + benefits[:, j, i]
    cost = costs[:, i, j] + costs[:, j, i]
    keep = gain > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(cost > 0, gain / np.where(cost > 0, cost, 1.0), np.inf)
    ratio = np.where(keep, ratio, -np.inf)
    ii, jj = np.broadcast_to(i, (g, i.size)), np.broadcast_to(j, (g, j.size))
    order = np.lexsort((jj, ii, -ratio), axis=-1)
    take = np.take_along_axis
    return take(ii, order, -1), take(jj, order, -1), take(cost, order, -1), take(keep, order, -1)


def funded_stack(masks: np.ndarray, participants: np.ndarray, cost: np.ndarray, paid: np.ndarray,
                 slack: np.ndarray) -> np.ndarray:
    """Which projects run, ``(G, M, K)``, when the cities in each of ``M`` bitmasks pay.

    A project is eligible when all its participants pay; eligible projects are funded in priority order until the
    first that the dues paid cannot cover in full (partial funding is refused).

    Parameters
    ----------
    masks : ndarray of int64, shape (M,)
    participants : ndarray of int64, shape (G, K)
        Bitmask of each project's participants, in priority order.
    cost : ndarray, shape (G, K)
    paid : ndarray, shape (G, M)
        The dues the payers of each mask bring.
    slack : ndarray, shape (G,)
        Tolerance on covering a cost.

    Examples
    --------
    >>> funded_stack(np.array([3]), np.array([[3, 3]]), np.array([[2.0, 2.0]]), np.array([[3.0]]),
    ...              np.zeros(1)).tolist()
    [[[True, False]]]
    """
    top = max(int(np.max(masks, initial=0)), int(np.max(participants, initial=0)))
    small = np.int32 if top < 1 << 31 else np.int64   # halves the table's reads
    parts = participants.astype(small)[:, None, :]
    eligible = (masks.astype(small)[None, :, None] & parts) == parts
    spent = np.multiply(eligible, cost[:, None, :])
    np.cumsum(spent, axis=2, out=spent)
    funded = np.less_equal(spent, paid[:, :, None] + slack[:, None, None])
    funded &= eligible
    return funded


def benefit_stack(funded: np.ndarray, benefits: np.ndarray) -> np.ndarray:
    """Each city's benefits in kind, ``(G, M, n)``, from the funded projects ``(G, M, K)`` and their benefits
    ``(G, K, n)``."""
    return np.matmul(funded.astype(float), benefits)


def best_subset(values: np.ndarray, n: int) -> np.ndarray:
    """``out[..., S] = max_{T ⊆ S} values[..., T]``, one player at a time (``O(n 2**n)`` per game).

    Examples
    --------
    >>> best_subset(np.array([0.0, -2.0, 1.0, 0.5]), 2).tolist()
    [0.0, 0.0, 1.0, 1.0]
    >>> best_subset(np.array([[0.0, -2.0, 1.0, 0.5], [0.0, 1.0, -1.0, 0.0]]), 2).tolist()
    [[0.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 1.0]]
    """
    out = np.array(values, dtype=float, copy=True)
    lead = out.shape[:-1]
    for i in range(n):
        view = out.reshape(*lead, -1, 2, 1 << i)    # [.., 0, ..] lacks player i, [.., 1, ..] has it
        np.maximum(view[..., 1, :], view[..., 0, :], out=view[..., 1, :])
    return out


def quota_threshold(quota: np.ndarray | float, total: np.ndarray | int) -> np.ndarray:
    """Votes a decision needs at a share ``quota`` in (0, 1] of ``total`` votes: ``max(1, ceil(q · total))``.

    Examples
    --------
    >>> quota_threshold(np.array([2 / 3, 1.0, 0.5]), 16).tolist()
    [11, 16, 8]
    """
    q, t = np.asarray(quota, dtype=float), np.asarray(total, dtype=float)
    return np.maximum(1, np.ceil(q * t - 1e-12 * t)).astype(np.int64)


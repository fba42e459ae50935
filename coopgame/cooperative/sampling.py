"""Monte Carlo estimates of Shapley and Banzhaf values, with standard errors.

All estimators evaluate whole batches of coalitions at once (prefixes of many
random orders, or many random coalitions), never one coalition per Python
step, and need no 2**n array: they work from a value function or a structured
game up to n = 62 (int64 masks), or any n for structured games.

* permutation (Castro, Gómez & Tejada 2009): the marginal contribution of each
  player in a uniformly random order of arrival is an unbiased draw of its
  Shapley value; the standard error is the sample standard deviation / √m.
* stratified (Maleki et al. 2013): stratify by the size s of the coalition a
  player joins; draw m coalitions of each size s from N∖{i}; the Shapley value
  is the plain average of the n stratum means, so the error variance is
  Σ_s var_s / (m n²).
* Banzhaf: marginal contributions to uniformly random coalitions of the others.
"""

from __future__ import annotations

import numpy as np

from coopgame.cooperative._evaluators import Evaluator

__all__ = ["shapley_permutation", "shapley_stratified", "banzhaf_sampling", "DEFAULT_SAMPLES"]

DEFAULT_SAMPLES: int = 2000
"""Default number of sampled marginal contributions per player."""

_CELLS = 1 << 22  # entries of the largest temporary (orders × n × n for quadratic games)


class _RunningMoments:
    """Mean and sum of squared deviations, merged chunk by chunk (Chan et al.), per column."""

    def __init__(self, n: int) -> None:
        self.count = 0
        self.mean = np.zeros(n)
        self.m2 = np.zeros(n)

    def add(self, draws: np.ndarray) -> None:
        k = draws.shape[0]
        mean = draws.mean(axis=0)
        m2 = ((draws - mean) ** 2).sum(axis=0)
        total = self.count + k
        delta = mean - self.mean
        self.mean = self.mean + delta * (k / total)
        self.m2 = self.m2 + m2 + delta**2 * (self.count * k / total)
        self.count = total

    def standard_errors(self) -> np.ndarray:
        if self.count < 2:
            return np.full(self.mean.shape, np.inf)
        return np.sqrt(self.m2 / (self.count - 1) / self.count)


def _chunk(n: int) -> int:
    return max(1, _CELLS // (n * n))


def shapley_permutation(ev: Evaluator, n_samples: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Shapley estimate and standard errors from ``n_samples`` random orders of arrival."""
    n = ev.n
    moments = _RunningMoments(n)
    done = 0
    while done < n_samples:
        k = min(_chunk(n), n_samples - done)
        orders = rng.permuted(np.broadcast_to(np.arange(n), (k, n)), axis=1)
        marginals = np.diff(ev.along_orders(orders), axis=1)  # marginals[p, t]: of player orders[p, t]
        draws = np.empty((k, n))
        np.put_along_axis(draws, orders, marginals, axis=1)
        moments.add(draws)
        done += k
    return moments.mean, moments.standard_errors()


def shapley_stratified(ev: Evaluator, n_samples: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Shapley estimate stratified by coalition size: ``ceil(n_samples / n)`` (at least 2) draws per stratum."""
    n = ev.n
    per_stratum = max(2, -(-n_samples // n))
    means = np.empty((n, n))  # [size, player]
    variances = np.empty((n, n))
    others = ~np.eye(n, dtype=bool)
    for size in range(n):  # n strata, each one batch over all players and draws
        step = max(1, _chunk(n) // n)
        moments = _RunningMoments(n)
        done = 0
        while done < per_stratum:
            k = min(step, per_stratum - done)
            # k random subsets of size `size` of N∖{i} for every i: the `size` smallest random keys.
            keys = rng.random((k, n, n))
            keys[:, ~others] = np.inf
            ranks = keys.argsort(axis=2).argsort(axis=2)
            coalition = ranks < size  # (k, n_players i, n)
            with_i = coalition | ~others
            worth = ev.of_members(np.concatenate((with_i, coalition)).reshape(-1, n)).reshape(2, k, n)
            moments.add(worth[0] - worth[1])
            done += k
        means[size] = moments.mean
        variances[size] = moments.m2 / (moments.count - 1)
    estimate = means.mean(axis=0)
    return estimate, np.sqrt(variances.sum(axis=0) / per_stratum) / n


def banzhaf_sampling(ev: Evaluator, n_samples: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Banzhaf estimate from ``n_samples`` uniformly random coalitions (each gives all n marginals)."""
    n = ev.n
    moments = _RunningMoments(n)
    flip = np.eye(n, dtype=bool)
    done = 0
    while done < n_samples:
        k = min(max(1, _chunk(n) // n), n_samples - done)
        base = rng.random((k, n)) < 0.5
        # For each i: R ∪ {i} and R ∖ {i}: the pair whose difference is i's marginal contribution.
        with_i = base[:, None, :] | flip
        without_i = base[:, None, :] & ~flip
        worth = ev.of_members(np.concatenate((with_i, without_i)).reshape(-1, n)).reshape(2, k, n)
        moments.add(worth[0] - worth[1])
        done += k
    return moments.mean, moments.standard_errors()

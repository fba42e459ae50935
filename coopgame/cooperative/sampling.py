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

Memory is bounded whatever ``n_samples`` is (draws come in chunks merged into
running moments, kept at a power-of-two scale so payoffs near the float
maximum do not overflow); time is bounded by refusing, before any draw, a
request above :data:`MAX_SAMPLE_WORK` coalition evaluations.
"""

from __future__ import annotations

import numpy as np

from coopgame.cooperative._evaluators import Evaluator
from coopgame.errors import InvalidParameterError
from coopgame.tolerances import power_of_two_below

__all__ = ["shapley_permutation", "shapley_stratified", "banzhaf_sampling", "DEFAULT_SAMPLES", "MAX_SAMPLE_WORK",
           "MAX_DISTRIBUTED_SAMPLE_WORK", "check_sample_work"]

DEFAULT_SAMPLES: int = 2000
"""Default number of sampled marginal contributions per player."""

MAX_SAMPLE_WORK: int = 2 * 10**8
"""Largest number of coalition evaluations one sampled call may ask for.

Memory is bounded whatever ``n_samples`` is (draws are streamed in chunks and
merged into running moments), but time is not: on a dense game the samplers
evaluate about 7 million coalitions a second on one core, so this budget is
roughly half a minute. A call above it is refused before any work with
:class:`~coopgame.errors.InvalidParameterError` naming the estimate; the
standard errors fall only as ``1/sqrt(n_samples)``, so ask for fewer samples
(or split the run and average the estimates yourself)."""

MAX_DISTRIBUTED_SAMPLE_WORK: int = 100 * MAX_SAMPLE_WORK
"""The work budget when the sampling blocks run on an executor (``executor=`` not ``None``): 2e10 coalition
evaluations, about 3 core-hours (10**7 orders of arrival at n = 30 need 3.1e8)."""

_CELLS = 1 << 22  # entries of the largest temporary (orders × n × n for quadratic games)


class _RunningMoments:
    """Mean and sum of squared deviations, merged chunk by chunk (Chan et al.), per column.

    Draws are kept divided by a power of two ``scale`` (raised as larger draws
    arrive; exact), so squares of payoffs near the float maximum do not overflow.
    ``add(draws, factor)`` takes draws that stand for ``factor * draws``: the
    samplers pass half-differences ``a/2 - b/2`` so that ``a - b`` cannot overflow.
    """

    def __init__(self, n: int, factor: float = 1.0) -> None:
        self.count = 0
        self.mean = np.zeros(n)
        self.m2 = np.zeros(n)
        self.scale = 1.0
        self.factor = factor

    def add(self, draws: np.ndarray) -> None:
        magnitude = float(np.max(np.abs(draws), initial=0.0))
        if magnitude >= self.scale * 2.0**400 or (self.count == 0 and magnitude > 0):
            new = power_of_two_below(magnitude)
            if np.isfinite(new):
                ratio = self.scale / new
                self.mean *= ratio
                self.m2 *= ratio * ratio
                self.scale = new
        draws = draws / self.scale
        k = draws.shape[0]
        mean = draws.mean(axis=0)
        m2 = ((draws - mean) ** 2).sum(axis=0)
        total = self.count + k
        delta = mean - self.mean
        self.mean = self.mean + delta * (k / total)
        self.m2 = self.m2 + m2 + delta**2 * (self.count * k / total)
        self.count = total

    def merge(self, other: _RunningMoments) -> None:
        """Add the draws summarised by ``other`` (Chan et al.; both brought to the larger power-of-two scale)."""
        if other.count == 0:
            return
        if self.count == 0:
            self.count, self.mean, self.m2, self.scale = other.count, other.mean.copy(), other.m2.copy(), other.scale
            return
        scale = max(self.scale, other.scale)
        mine, theirs = self.scale / scale, other.scale / scale  # powers of two: exact
        total = self.count + other.count
        delta = other.mean * theirs - self.mean * mine
        self.mean = self.mean * mine + delta * (other.count / total)
        self.m2 = self.m2 * (mine * mine) + other.m2 * (theirs * theirs) + delta**2 * (self.count * other.count / total)
        self.count, self.scale = total, scale

    def estimate(self) -> np.ndarray:
        """The mean of the draws, in payoff units."""
        with np.errstate(over="ignore"):
            return self.mean * (self.scale * self.factor)

    def standard_deviations(self) -> np.ndarray:
        """Sample standard deviation of the draws, in payoff units (inf with fewer than 2 draws)."""
        if self.count < 2:
            return np.full(self.mean.shape, np.inf)
        with np.errstate(over="ignore"):
            return np.sqrt(self.m2 / (self.count - 1)) * (self.scale * self.factor)

    def standard_errors(self) -> np.ndarray:
        return self.standard_deviations() / np.sqrt(max(self.count, 1))


def _half_difference(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a/2 - b/2``: the marginal contribution halved, which cannot overflow for finite worths."""
    return a * 0.5 - b * 0.5


def sample_work(n_samples: int, n: int, kind: str) -> int:
    """Work of a sampler in coalition evaluations: ``n_samples (n + 1)`` for orders of arrival, ``2 n n_samples``
    for Banzhaf coalitions, ``6 n² ceil(n_samples / n)`` for the size strata (their key sorts cost about two
    evaluations each); exact Python ints."""
    if kind == "permutation":
        return n_samples * (n + 1)
    if kind == "stratified":   # counted three times: each draw also sorts n random keys per player
        return 6 * n * n * max(2, -(-n_samples // n))
    return 2 * n * n_samples


def check_sample_work(n_samples: int, n: int, kind: str, *, func: str, distributed: bool = False) -> None:
    """Refuse, before drawing anything, a sampled call whose work exceeds :data:`MAX_SAMPLE_WORK`
    (:data:`MAX_DISTRIBUTED_SAMPLE_WORK` when the blocks run on an executor: ``distributed=True``)."""
    work = sample_work(n_samples, n, kind)
    budget = MAX_DISTRIBUTED_SAMPLE_WORK if distributed else MAX_SAMPLE_WORK
    if work > budget:
        formula = {"permutation": "n_samples x (n + 1) for permutation sampling",
                   "stratified": "6 n^2 x ceil(n_samples / n) for stratified sampling"}.get(
            kind, "2 n x n_samples for Banzhaf sampling")
        raise InvalidParameterError(
            f"{func}(): n_samples={n_samples} with {n} players needs about {work:.2e} coalition evaluations "
            f"({formula}), above the work budget of {budget:.0e} "
            + ("(coopgame.cooperative.sampling.MAX_DISTRIBUTED_SAMPLE_WORK, about 3 core-hours); " if distributed
               else "(coopgame.cooperative.sampling.MAX_SAMPLE_WORK, about half a minute; an executor= allows "
               f"{MAX_DISTRIBUTED_SAMPLE_WORK:.0e}); ")
            + "pass fewer samples (the standard error falls only as 1/sqrt(n_samples))")


def _chunk(n: int) -> int:
    return max(1, _CELLS // (n * n))


def shapley_permutation(ev: Evaluator, n_samples: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Shapley estimate and standard errors from ``n_samples`` random orders of arrival."""
    moments = permutation_moments(ev, n_samples, rng)
    return moments.estimate(), moments.standard_errors()


def permutation_moments(ev: Evaluator, n_samples: int, rng: np.random.Generator) -> _RunningMoments:
    """Running moments of the marginal contributions in ``n_samples`` random orders of arrival."""
    n = ev.n
    moments = _RunningMoments(n, factor=2.0)
    done = 0
    while done < n_samples:
        k = min(_chunk(n), n_samples - done)
        orders = rng.permuted(np.broadcast_to(np.arange(n), (k, n)), axis=1)
        worth = ev.along_orders(orders)
        marginals = _half_difference(worth[:, 1:], worth[:, :-1])  # halved marginals[p, t]: of player orders[p, t]
        draws = np.empty((k, n))
        np.put_along_axis(draws, orders, marginals, axis=1)
        moments.add(draws)
        done += k
    return moments


def shapley_stratified(ev: Evaluator, n_samples: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Shapley estimate stratified by coalition size: ``ceil(n_samples / n)`` (at least 2) draws per stratum."""
    per_stratum = stratum_draws(n_samples, ev.n)
    return stratified_estimate(stratified_moments(ev, per_stratum, rng), per_stratum)


def stratum_draws(n_samples: int, n: int) -> int:
    """Draws per coalition size of the stratified sampler: ``ceil(n_samples / n)``, at least 2."""
    return max(2, -(-n_samples // n))


def stratified_moments(ev: Evaluator, per_stratum: int, rng: np.random.Generator) -> list[_RunningMoments]:
    """Running moments of the halved marginal contributions, one per coalition size, ``per_stratum`` draws each."""
    n = ev.n
    strata = []
    others = ~np.eye(n, dtype=bool)
    for size in range(n):  # n strata, each one batch over all players and draws
        step = max(1, _chunk(n) // n)
        moments = _RunningMoments(n, factor=1.0)   # the draws below are already halved
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
            moments.add(_half_difference(worth[0], worth[1]))
            done += k
        strata.append(moments)
    return strata


def stratified_estimate(strata: list[_RunningMoments], per_stratum: int) -> tuple[np.ndarray, np.ndarray]:
    """Shapley estimate and standard errors from the per-size moments of :func:`stratified_moments`."""
    n = len(strata)
    means = np.array([m.estimate() for m in strata])  # [size, player], halved like the draws
    deviations = np.array([m.standard_deviations() for m in strata])  # standard deviations, halved
    # averages of halved quantities, each at most the float maximum: no overflow before the final doubling
    with np.errstate(over="ignore"):
        estimate = means.mean(axis=0) * 2.0
        top = power_of_two_below(deviations.max(axis=0))   # scaled norm: squares of 1e300 would overflow
        spread = np.sqrt(((deviations / top) ** 2).sum(axis=0)) * top * (2.0 / n)
    return estimate, spread / np.sqrt(per_stratum)


def banzhaf_sampling(ev: Evaluator, n_samples: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Banzhaf estimate from ``n_samples`` uniformly random coalitions (each gives all n marginals)."""
    moments = banzhaf_moments(ev, n_samples, rng)
    return moments.estimate(), moments.standard_errors()


def banzhaf_moments(ev: Evaluator, n_samples: int, rng: np.random.Generator) -> _RunningMoments:
    """Running moments of all n marginal contributions to ``n_samples`` uniformly random coalitions."""
    n = ev.n
    moments = _RunningMoments(n, factor=2.0)
    flip = np.eye(n, dtype=bool)
    done = 0
    while done < n_samples:
        k = min(max(1, _chunk(n) // n), n_samples - done)
        base = rng.random((k, n)) < 0.5
        # For each i: R ∪ {i} and R ∖ {i}: the pair whose difference is i's marginal contribution.
        with_i = base[:, None, :] | flip
        without_i = base[:, None, :] & ~flip
        worth = ev.of_members(np.concatenate((with_i, without_i)).reshape(-1, n)).reshape(2, k, n)
        moments.add(_half_difference(worth[0], worth[1]))
        done += k
    return moments

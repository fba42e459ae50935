"""Power indices of weighted voting games, exact, by generating functions (no enumeration of coalitions).

A weighted voting game ``[q; w_1, ..., w_n]`` (``S`` wins iff ``w(S) >= q``)
is a simple game; a player's power is how often its vote decides:

* the **absolute Banzhaf** index ``β_i = η_i / 2**(n−1)``, where the swings
  ``η_i`` count the coalitions ``S ∌ i`` that lose without ``i`` and win with
  it (``q − w_i <= w(S) < q``); the **normalised Banzhaf** index is
  ``η_i / Σ_j η_j``;
* the **Shapley–Shubik** index ``φ_i = Σ_S |S|! (n−1−|S|)! / n!`` over the
  same swing coalitions: the share of the ``n!`` orderings in which ``i``
  brings the coalition of those before it over the quota.

Both need only the number of coalitions of each size and weight, which the
generating function ``Π_i (1 + y x**w_i)`` gives by dynamic programming
over players, in ``O(n² q)`` operations and memory ``O(n q)`` (weights as
integers; ``q`` the integer quota). The counts reach ``2**n``: they are
computed exactly, modulo several primes below ``2**31`` in vectorised
``int64`` arithmetic, and rebuilt by the Chinese remainder theorem into
Python integers, so the indices are exact fractions, rounded once to float.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from coopgame._memory import ensure_fits
from coopgame._typing import FloatVector
from coopgame._validation import check_players, label_sequence
from coopgame.errors import GameTooLargeError, InvalidParameterError
from coopgame.games.tu import voting_weights
from coopgame.results import Result, Summary

__all__ = ["power_indices", "PowerIndexResult", "MAX_POWER_WORK"]

MAX_POWER_WORK: int = 10**10
"""Largest ``primes x n² x (threshold + 1) / 2`` (table cells updated) one call may ask for.

The generating-function table has one cell per (prime, coalition size,
weight below the quota); every player updates it once. At about 2 ns a cell
(measured: 7e9 cells in 14 s on one core, n = 200 with weights up to 1000)
this budget is about 20 s. Above it, refused before any work with
:class:`~coopgame.errors.GameTooLargeError`: divide the weights and the quota
by a common factor, or round them to fewer significant digits.
"""

_PRIME_BITS = 31
_REDUCE_EVERY = 31   # counts below p < 2**31 at most double per player: reduce before 2**62


@dataclass(frozen=True, eq=False)
class PowerIndexResult(Result):
    """Shapley–Shubik and Banzhaf power of each player in a weighted voting game.

    Attributes
    ----------
    shapley_shubik : ndarray, shape (n,)
        Shapley–Shubik index, ``pivots / n!``; sums to 1.
    banzhaf : ndarray, shape (n,)
        Normalised Banzhaf index, ``swings / sum(swings)``; sums to 1.
    banzhaf_absolute : ndarray, shape (n,)
        Absolute (Penrose–)Banzhaf index, ``swings / 2**(n-1)``: the chance
        that the player's vote decides when the others vote at random.
    players : tuple of str
    swings : tuple of int
        Coalitions of the others that the player turns from losing to winning (exact).
    pivots : tuple of int
        Orderings of all players in which the player is pivotal (exact); ``n!`` in all.
    method : str
    parameters : dict
        ``weights`` and ``quota`` as given (exact numbers), ``threshold`` and
        ``scale``: a coalition wins iff its weight times ``scale`` (the least
        common denominator of the weights) is at least ``threshold``.
    game : VotingWeights
        The game answered, ``[threshold; weights]`` in exact integers
        (keyword-only, not in the repr).
    """

    shapley_shubik: FloatVector
    banzhaf: FloatVector
    banzhaf_absolute: FloatVector
    players: tuple[str, ...]
    swings: tuple[int, ...]
    pivots: tuple[int, ...]
    method: str = "generating-function"
    parameters: Mapping[str, Any] = field(default_factory=dict)

    _headline = ("players", "shapley_shubik", "banzhaf", "method")

    @property
    def dummies(self) -> tuple[str, ...]:
        """Players whose vote never decides (no swing): zero power under every index here."""
        return tuple(p for p, s in zip(self.players, self.swings) if s == 0)

    def fractions(self, index: str = "shapley_shubik") -> tuple[Fraction, ...]:
        """The exact values of one index (``'shapley_shubik'``, ``'banzhaf'`` or ``'banzhaf_absolute'``)."""
        n = len(self.players)
        if index == "shapley_shubik":
            return tuple(Fraction(p, math.factorial(n)) for p in self.pivots)
        if index == "banzhaf":
            total = sum(self.swings)
            return tuple(Fraction(s, total) for s in self.swings)
        if index == "banzhaf_absolute":
            return tuple(Fraction(s, 2 ** (n - 1)) for s in self.swings)
        raise InvalidParameterError(f"PowerIndexResult.fractions(): index must be one of ['banzhaf', "
                                    f"'banzhaf_absolute', 'shapley_shubik']; got {index!r}")

    def summary(self) -> Summary:
        """Each player's weight and weight share beside its Shapley–Shubik and Banzhaf power."""
        weights = [float(w) for w in self.parameters.get("weights", ())] or [math.nan] * len(self.players)
        total = sum(weights)
        rows = tuple((p, w, f"{w / total:.1%}" if total > 0 else "n/a", f"{ss:.4f}", f"{bz:.4f}",
                      f"{ba:.4f}", str(s))
                     for p, w, ss, bz, ba, s in zip(self.players, weights, self.shapley_shubik, self.banzhaf,
                                                    self.banzhaf_absolute, self.swings))
        facts = [("players", str(len(self.players))), ("quota", str(self.parameters.get("quota"))),
                 ("total weight", total), ("method", self.method),
                 ("dummies", ", ".join(self.dummies) or "none")]
        return Summary("Voting power", facts=tuple(facts),
                       columns=("player", "weight", "weight share", "Shapley-Shubik", "Banzhaf", "abs. Banzhaf",
                                "swings"), rows=rows)

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["by_player"] = {p: {"shapley_shubik": float(ss), "banzhaf": float(bz), "banzhaf_absolute": float(ba),
                                "swings": s}
                            for p, ss, bz, ba, s in zip(self.players, self.shapley_shubik, self.banzhaf,
                                                        self.banzhaf_absolute, self.swings)}
        return out


def power_indices(weights: ArrayLike, quota: float, players: Any = None) -> PowerIndexResult:
    """Shapley–Shubik, normalised and absolute Banzhaf indices of ``[quota; weights]``, exact, at any ``n``.

    No coalition is enumerated: the number of coalitions of each size and
    weight below the quota comes from the generating function
    ``Π_i (1 + y x**w_i)`` (one vectorised update per player), and each
    player's swings from that one table (removing the player is an
    alternating sum along its weight). Counts are exact integers (computed
    modulo primes, rebuilt by the Chinese remainder theorem), so the indices
    are exact fractions (:meth:`PowerIndexResult.fractions`) rounded once.
    Players with equal weights share one computation.

    Parameters
    ----------
    weights : array_like, shape (n,)
        Non-negative integers (ints, or whole-number floats), or
        ``fractions.Fraction`` values: exact rationals, scaled to integers by
        their least common denominator. A float that is not a whole number
        is refused (scale the weights and the quota to integers, or pass
        Fractions): its exact binary value would make the table huge.
    quota : real
        Votes needed to win, ``0 < quota <= sum(weights)`` (a coalition wins
        iff ``w(S) >= quota``; ``quota = sum(weights)`` is unanimity of the
        positive weights). Any real: with integer weights only
        ``ceil(quota)`` matters.
    players : sequence of str, optional
        Labels; default ``('1', ..., 'n')``.

    Returns
    -------
    PowerIndexResult

    Raises
    ------
    InvalidParameterError
        Weights not a non-empty 1-D array of non-negative integers or
        Fractions; quota not a real in ``(0, sum(weights)]``.
    InvalidGameError
        Bad player labels.
    GameTooLargeError
        The table (``primes x n x (threshold + 1)`` int64) would not fit in
        memory, or the work exceeds :data:`MAX_POWER_WORK`.

    Notes
    -----
    Cost ``O(m n² t)`` time and ``O(m n t)`` memory, ``t`` the integer quota,
    ``m = ceil((n + 2) / 31)`` primes. With 100 players of weights 1..100
    (quota half the total plus one) about 0.07 s on one core (benchmarks/test_power.py).

    Examples
    --------
    The EEC Council of Ministers in 1958: 12 of 17 votes to pass; Luxembourg's
    vote never decides (every other total is even):

    >>> r = power_indices([4, 4, 4, 2, 2, 1], 12, players=["F", "D", "I", "B", "N", "L"])
    >>> [str(x) for x in r.fractions("shapley_shubik")]
    ['7/30', '7/30', '7/30', '3/20', '3/20', '0']
    >>> [str(x) for x in r.fractions("banzhaf")], r.swings
    (['5/21', '5/21', '5/21', '1/7', '1/7', '0'], (10, 10, 10, 6, 6, 0))
    >>> r.dummies
    ('L',)
    """
    func = "power_indices"
    players = label_sequence(players, func=func)
    exact = voting_weights(weights, quota, func=func, integral=True)
    n = len(exact.weights)
    labels = check_players(players, n, func=func)
    # a weight at or above the quota wins alone whatever it is: min(w, threshold) gives the same swings
    effective = [min(w, exact.threshold) for w in exact.weights]
    swings_by_size = _swings_by_size(effective, exact.threshold, func=func)   # {weight: [η_i(k), k < n]}
    fact = [math.factorial(k) for k in range(n + 1)]
    orderings = [fact[k] * fact[n - 1 - k] for k in range(n)]
    swings, pivots = [], []
    for w in effective:
        by_size = swings_by_size[w]
        swings.append(sum(by_size))
        pivots.append(sum(c * o for c, o in zip(by_size, orderings)))
    total = sum(swings)   # > 0: the grand coalition wins and the empty one loses, so someone swings
    return PowerIndexResult(
        shapley_shubik=np.array([p / fact[n] for p in pivots]),   # int / int: correctly rounded
        banzhaf=np.array([s / total for s in swings]),
        banzhaf_absolute=np.array([s / 2 ** (n - 1) for s in swings]),
        players=labels, swings=tuple(swings), pivots=tuple(pivots),
        parameters={"weights": exact.given, "quota": exact.quota, "threshold": exact.threshold,
                    "scale": exact.scale}, game=exact)


def _swings_by_size(weights: list[int], threshold: int, *, func: str) -> dict[int, list[int]]:
    """For each distinct weight ``w`` (each at most ``threshold``): the number of coalitions of each size ``k`` (0..n-1) of the other
    players with ``threshold - w <= weight < threshold``, exact.

    ``F[k, t]`` counts the coalitions of all ``n`` players of size ``k`` and
    weight ``< t`` (``t = 0..threshold``). Adding player ``i`` maps
    ``F[k, t] += F[k-1, t-w_i]`` (the same recurrence as the counts, since a
    prefix sum commutes with the shift), and removing it inverts that:
    ``F_{-i}[k, t] = Σ_j (-1)**j F[k-j, t - j w_i]``.
    """
    n = len(weights)
    t = threshold
    primes = _primes(_PRIME_BITS, -(-(n + 2) // (_PRIME_BITS - 1)))   # product > 2**(n+1) > every count
    m = len(primes)
    cells = m * n * (t + 1)
    work = cells * (n + 1) // 2
    what = f"the power-index table of {n} players with integer quota {t} ({m} primes x {n} sizes x {t + 1} weights)"
    remedy = ("divide the weights and the quota by a common factor, or round them to fewer significant digits "
              "(the table grows with the quota in integer units)")
    if work > MAX_POWER_WORK:
        raise GameTooLargeError(f"{func}(): {what} needs about {work:.2e} cell updates, above the work budget of "
                                f"{MAX_POWER_WORK:.0e} (coopgame.cooperative.power.MAX_POWER_WORK, about 20 s); "
                                f"{remedy}")
    ensure_fits(cells * 8 * 2.5, func=func, what=what, remedy=remedy)   # the table, the update's temporary, gathers
    p = np.array(primes, dtype=np.int64)[:, None, None]
    table = np.zeros((m, n, t + 1), dtype=np.int64)
    table[:, 0, 1:] = 1   # the empty coalition: size 0, weight 0 < t for every t >= 1
    for done, w in enumerate(weights):
        hi = min(done + 1, n - 1)   # sizes that can be non-zero after this player
        if hi >= 1 and w <= t:
            table[:, 1:hi + 1, w:] += table[:, 0:hi, :t + 1 - w]   # numpy copies the overlapping source first
        if done % _REDUCE_EVERY == _REDUCE_EVERY - 1:
            np.remainder(table, p, out=table)
    np.remainder(table, p, out=table)
    k = np.arange(n)[:, None]
    j = np.arange(n)[None, :]
    inside = j <= k
    rows = np.where(inside, k - j, 0)
    sign = np.where(inside, 1 - 2 * (j & 1), 0)
    by_weight: dict[int, np.ndarray] = {}
    for w in sorted(set(weights)):
        upper = np.clip(t - j * w, 0, t)          # F_{-i}[k, t] - F_{-i}[k, t - w]: coalitions in [t - w, t)
        lower = np.clip(t - (j + 1) * w, 0, t)
        terms = table[:, rows, upper] - table[:, rows, lower]    # (m, n, n), each in (-p, p)
        by_weight[w] = np.remainder((terms * sign).sum(axis=2), p[:, :, 0])   # (m, n): η(k) mod each prime
    residues = np.stack([by_weight[w] for w in by_weight], axis=1)   # (m, distinct weights, n)
    exact = _crt(residues, primes)
    return {w: exact[d] for d, w in enumerate(by_weight)}


def _crt(residues: np.ndarray, primes: tuple[int, ...]) -> list[list[int]]:
    """The integers in ``[0, Π primes)`` with the given residues (axis 0: one prime each), as nested lists."""
    modulus = math.prod(primes)
    acc = np.zeros(residues.shape[1:], dtype=object)
    for r, prime in enumerate(primes):
        part = modulus // prime
        acc = acc + residues[r].astype(object) * (part * pow(part, -1, prime))
    return (acc % modulus).tolist()


@lru_cache(maxsize=4)
def _primes(bits: int, count: int) -> tuple[int, ...]:
    """The ``count`` largest primes below ``2**bits`` (deterministic Miller–Rabin, exact below 3.3e24)."""
    out: list[int] = []
    candidate = (1 << bits) - 1
    while len(out) < count:
        if _is_prime(candidate):
            out.append(candidate)
        candidate -= 2
    return tuple(out)


def _is_prime(x: int) -> bool:
    if x < 2:
        return False
    small = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41)
    if x in small:
        return True
    if any(x % s == 0 for s in small):
        return False
    d, r = x - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for a in small:
        y = pow(a, d, x)
        if y in (1, x - 1):
            continue
        for _ in range(r - 1):
            y = y * y % x
            if y == x - 1:
                break
        else:
            return False
    return True

"""Superadditivity and convexity of TU games, with the worst violation as a witness."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from coopgame._bitmask import member_labels
from coopgame._memory import ensure_dense_fits
from coopgame._validation import check_tol
from coopgame.cooperative._dispatch import AnyGame, check_game, dense_values
from coopgame.tolerances import power_of_two_below
from coopgame.results import Result, Summary
from coopgame.tolerances import DEFAULT_TOL, payoff_scale

__all__ = ["is_superadditive", "is_convex", "check_superadditivity", "check_convexity", "PropertyCheck"]

_TERNARY_BITS = 12  # players enumerated together in one array of 3**12 disjoint pairs


@dataclass(frozen=True, eq=False)
class PropertyCheck(Result):
    """Whether a game has a property, with the worst violating pair of coalitions.

    Attributes
    ----------
    passed : bool
        The game has the property, up to ``tol`` times the payoff scale.
    property : str
        ``"superadditive"`` or ``"convex"``.
    method : str
    parameters : dict
        ``tol``.
    worst_violation : float
        Largest amount by which the checked inequality fails (0 when it never fails).
        For superadditivity: over all disjoint pairs. For convexity: over the
        equivalent local condition on pairs ``(S ∪ {i}, S ∪ {j})``, which decides
        the property exactly but may be smaller than the worst general pair.
    witness : tuple of two tuples of str
        The coalitions ``(S, T)`` attaining it.
    """

    passed: bool
    property: str
    method: str
    parameters: dict[str, Any] = field(default_factory=dict)
    worst_violation: float = 0.0
    witness: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())

    def __bool__(self) -> bool:
        return bool(self.passed)

    def summary(self) -> Summary:
        s, t = ("{" + ", ".join(c) + "}" for c in self.witness)
        rule = ("v(S ∪ T) >= v(S) + v(T) for disjoint S, T" if self.property == "superadditive"
                else "v(S ∪ T) + v(S ∩ T) >= v(S) + v(T)")
        return Summary(f"Is the game {self.property}?",
                       facts=(("answer", "yes" if self.passed else "no"), ("condition", rule),
                              ("worst violation", self.worst_violation),
                              ("attained at", f"S = {s}, T = {t}"), ("tol", str(self.parameters.get("tol")))))


def check_superadditivity(game: AnyGame, *, tol: float = DEFAULT_TOL) -> PropertyCheck:
    """Check ``v(S ∪ T) >= v(S) + v(T)`` for every pair of disjoint coalitions, O(3**n).

    All ``3**n`` (S, T) pairs are enumerated as arrays: each player is out, in
    S or in T, one base-3 digit per player, in chunks of ``3**12`` pairs.

    Examples
    --------
    >>> from coopgame import TUGame
    >>> r = check_superadditivity(TUGame([0, 1, 1, 1.5]))
    >>> r.passed, r.worst_violation
    (False, 0.5)
    """
    return _superadditivity(game, tol, func="check_superadditivity")


def _superadditivity(game: AnyGame, tol: float, *, func: str) -> PropertyCheck:
    tol = check_tol(tol, func=func)
    game = check_game(game, func=func)
    v, unit = _unit_scaled(dense_values(game, func=func))
    n = game.n_players
    inner = min(n, _TERNARY_BITS)
    ensure_dense_fits(inner, func=func, arrays=3 * 1.5**inner)
    s_low, t_low = _disjoint_pairs(inner)
    s_high, t_high = _disjoint_pairs(n - inner)
    worst, where = -np.inf, (0, 0)
    for sh, th in zip(s_high << inner, t_high << inner):  # 3**(n-12) chunks of 3**12 pairs
        s, t = s_low | sh, t_low | th
        gap = v[s] + v[t] - v[s | t]
        k = int(np.argmax(gap))
        if gap[k] > worst:
            worst, where = float(gap[k]), (int(s[k]), int(t[k]))
    return _result(game, "superadditive", worst, where, tol, v, unit)


def check_convexity(game: AnyGame, *, tol: float = DEFAULT_TOL) -> PropertyCheck:
    """Check supermodularity ``v(S ∪ T) + v(S ∩ T) >= v(S) + v(T)``, O(n² 2**n).

    Equivalent to increasing marginal contributions: for every S and every two
    players i, j outside it, ``v(S+i+j) − v(S+i) − v(S+j) + v(S) >= 0``; each
    pair (i, j) is one array operation over all S.

    Examples
    --------
    >>> from coopgame import TUGame
    >>> check_convexity(TUGame([0, 1, 1, 3])).passed
    True
    """
    return _convexity(game, tol, func="check_convexity")


def _convexity(game: AnyGame, tol: float, *, func: str) -> PropertyCheck:
    tol = check_tol(tol, func=func)
    game = check_game(game, func=func)
    v, unit = _unit_scaled(dense_values(game, func=func))
    n = game.n_players
    worst, where = -np.inf, (0, 0)
    for j in range(n):  # a loop over pairs of players, each vectorised over all coalitions
        for i in range(j):
            # axes: (bits above j, bit j, bits between, bit i, bits below i)
            cube = v.reshape(-1, 2, 1 << (j - i - 1), 2, 1 << i)
            second = cube[:, 1, :, 1, :] - cube[:, 1, :, 0, :] - cube[:, 0, :, 1, :] + cube[:, 0, :, 0, :]
            k = int(np.argmin(second))
            if -second.flat[k] > worst:
                hi, mid, lo = np.unravel_index(k, second.shape)
                base = (int(hi) << (j + 1)) | (int(mid) << (i + 1)) | int(lo)
                worst, where = float(-second.flat[k]), (base | 1 << i, base | 1 << j)
    return _result(game, "convex", worst, where, tol, v, unit)


def is_superadditive(game: AnyGame, *, tol: float = DEFAULT_TOL) -> bool:
    """Whether ``v(S ∪ T) >= v(S) + v(T)`` for all disjoint S, T (see :func:`check_superadditivity`).

    Examples
    --------
    >>> from coopgame import TUGame
    >>> is_superadditive(TUGame([0, 1, 1, 3]))
    True
    """
    return _superadditivity(game, tol, func="is_superadditive").passed


def is_convex(game: AnyGame, *, tol: float = DEFAULT_TOL) -> bool:
    """Whether the game is convex (supermodular; see :func:`check_convexity`).

    Examples
    --------
    >>> from coopgame import TUGame
    >>> is_convex(TUGame([0, 0, 0, 1, 0, 1, 0, 1]))  # the glove game
    False
    """
    return _convexity(game, tol, func="is_convex").passed


def _disjoint_pairs(k: int) -> tuple[np.ndarray, np.ndarray]:
    """Masks (S, T) of all 3**k disjoint pairs of subsets of k players, built by tripling."""
    s = np.zeros(1, dtype=np.int64)
    t = np.zeros(1, dtype=np.int64)
    for i in range(k):
        bit = np.int64(1) << i
        s, t = np.concatenate((s, s | bit, s)), np.concatenate((t, t, t | bit))
    return s, t


def _unit_scaled(values: np.ndarray) -> tuple[np.ndarray, float]:
    """``(values / s, s)`` with ``s`` a power of two when the game is near the float maximum, else ``(values, 1)``.

    Sums of two or four worths of 1e308 overflow; dividing by a power of two
    is exact, so the verdict and the reported violation are the same as in
    exact arithmetic.
    """
    magnitude = max(float(values.max()), -float(values.min()))
    if magnitude < 2.0**1000:
        return values, 1.0
    scale = power_of_two_below(magnitude)
    return values / scale, scale


def _result(game: AnyGame, prop: str, worst: float, where: tuple[int, int], tol: float,
            values: np.ndarray, unit: float = 1.0) -> PropertyCheck:
    labels = game.players

    def members(mask: int) -> tuple[str, ...]:
        return member_labels(mask, labels)

    worst = max(worst, 0.0) + 0.0  # no pair (n < 2) or no violation: nothing fails (+ 0.0: never -0.0)
    passed = bool(worst <= tol * payoff_scale(values))   # both in the scaled unit
    with np.errstate(over="ignore"):
        worst *= unit   # beyond 1.8e308 only for a violation that exceeds the float range: reported as inf
    return PropertyCheck(passed, prop, "vectorised enumeration", {"tol": tol}, worst,
                         (members(where[0]), members(where[1])), game=game)

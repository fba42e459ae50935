"""The one vocabulary for the long-run outcome of a cooperation game.

A regime is read from the set of stable pure profiles: the strict Nash
equilibria of a 2×2 game, which are exactly the asymptotically stable vertices
of its two-population replicator system, or the ESS vertices of an n-population
system. :meth:`PairwiseGame.classify`, :func:`coopgame.evolutionary_regime`
and :func:`coopgame.parameter_sweep` all name their outcome with a
:class:`Regime`.
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike

from coopgame._validation import as_float_array, check_tol
from coopgame.errors import InvalidGameError
from coopgame.tolerances import DEFAULT_TOL, power_of_two_below

__all__ = ["Regime", "REGIME_CODES", "PROFILES_2X2", "stable_profiles_2x2", "regimes_2x2", "regime_codes",
           "regime_of_profiles"]


class Regime(StrEnum):
    """Long-run outcome of a game whose players (populations) each cooperate or defect.

    The members compare equal to their plain-text values, so
    ``regime == "bistable"`` and ``f"{regime}"`` read naturally.

    Examples
    --------
    >>> Regime.BISTABLE == "bistable", str(Regime.DEFECTION_DOMINANT)
    (True, 'defection dominant')
    >>> Regime.BISTABLE.description
    'full cooperation and mutual defection are both stable: initial willingness decides'
    """

    COOPERATION_DOMINANT = "cooperation dominant"
    DEFECTION_DOMINANT = "defection dominant"
    BISTABLE = "bistable"
    SELECTIVE = "selective cooperation"
    ANTI_COORDINATION = "anti-coordination"
    CYCLING = "cycling"
    NO_STABLE_PROFILE = "no stable profile"
    DEGENERATE = "degenerate"

    @property
    def description(self) -> str:
        """One sentence on what the regime means for cooperation."""
        return _DESCRIPTIONS[self]


_DESCRIPTIONS = {
    Regime.COOPERATION_DOMINANT: "full cooperation is the only stable profile: it attracts the interior",
    Regime.DEFECTION_DOMINANT: "mutual defection is the only stable profile: cooperation dies out",
    Regime.BISTABLE: "full cooperation and mutual defection are both stable: initial willingness decides",
    Regime.SELECTIVE: "exactly one stable profile mixes cooperators and defectors (next to it at most full "
                      "cooperation or mutual defection): some cities cooperate, others do not",
    Regime.ANTI_COORDINATION: "several stable profiles mix cooperators and defectors: who cooperates "
                              "depends on where play starts",
    Regime.CYCLING: "no stable profile; the interior point is a centre and shares cycle around it",
    Regime.NO_STABLE_PROFILE: "no pure profile is stable; play stays in the interior (cycles or slow drift)",
    Regime.DEGENERATE: "a payoff difference is zero at a profile: the strict comparison (the linearisation) "
                       "does not decide",
}


REGIME_CODES: tuple[Regime, ...] = tuple(Regime)
"""The regimes in code order: ``regimes_2x2`` returns indices into this tuple (``list(Regime)``)."""

PROFILES_2X2: tuple[tuple[int, int], ...] = ((1, 1), (1, 0), (0, 1), (0, 0))
"""The pure profiles of a 2×2 cooperation game in the column order of :func:`stable_profiles_2x2`,
as ``(row cooperates, column cooperates)``: (C, C), (C, D), (D, C), (D, D)."""


def stable_profiles_2x2(A: ArrayLike, B: ArrayLike, *, tol: float = DEFAULT_TOL) -> tuple[np.ndarray, np.ndarray]:
    """Which pure profiles of each 2×2 cooperation game are strict Nash equilibria, and which games tie.

    Action 0 cooperates (C), action 1 defects (D). A strict Nash equilibrium of
    a 2×2 game is exactly an asymptotically stable vertex of its two-population
    replicator system.

    Parameters
    ----------
    A, B : array_like, shape (G, 2, 2) or (2, 2)
        Row and column player's payoffs.
    tol : float, default DEFAULT_TOL
        Relative tolerance: a payoff difference within ``tol`` times the game's
        payoff scale (largest absolute payoff, no floor: the same answer in any
        money unit) is a tie.

    Returns
    -------
    stable : ndarray of bool, shape (G, 4)
        Columns in the order of :data:`PROFILES_2X2`: (C, C), (C, D), (D, C), (D, D).
    degenerate : ndarray of bool, shape (G,)
        Some player is indifferent between its actions against some action of the other.

    Examples
    --------
    >>> stable, tie = stable_profiles_2x2([[4, 0], [3, 2]], [[4, 3], [0, 2]])   # stag hunt
    >>> stable.tolist(), tie.tolist()
    ([[True, False, False, True]], [False])
    """
    a, b = _check_stack(A, B, func="stable_profiles_2x2")
    return _stable_profiles(a, b, check_tol(tol, func="stable_profiles_2x2"))


def _stable_profiles(a: np.ndarray, b: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """:func:`stable_profiles_2x2` of checked (G, 2, 2) stacks."""
    g = a.shape[0]
    scale = np.maximum(np.abs(a.reshape(g, 4)).max(axis=1), np.abs(b.reshape(g, 4)).max(axis=1))
    # Each game divided by a power of two near its scale (exact): differences of payoffs near 1e308 cannot
    # overflow, nor those of tiny payoffs fall into subnormals; signs and ties are those of the game itself.
    unit = power_of_two_below(scale)
    a, b = a / unit[:, None, None], b / unit[:, None, None]
    t = tol * (scale / unit)   # no floor: a game and the game x 1e-12 tie alike (0 for all-zero: exact)
    a0 = a[:, 0, 0] - a[:, 1, 0]   # row: C rather than D against C
    a1 = a[:, 0, 1] - a[:, 1, 1]   # row: C rather than D against D
    d0 = b[:, 0, 0] - b[:, 0, 1]   # column: C rather than D against C
    d1 = b[:, 1, 0] - b[:, 1, 1]   # column: C rather than D against D
    stable = np.empty((a.shape[0], 4), dtype=bool)
    stable[:, 0] = (a0 > t) & (d0 > t)
    stable[:, 1] = (a1 > t) & (d0 < -t)
    stable[:, 2] = (a0 < -t) & (d1 > t)
    stable[:, 3] = (a1 < -t) & (d1 < -t)
    degenerate = (np.abs(a0) <= t) | (np.abs(a1) <= t) | (np.abs(d0) <= t) | (np.abs(d1) <= t)
    return stable, degenerate


def _check_stack(A: ArrayLike, B: ArrayLike, *, func: str) -> tuple[np.ndarray, np.ndarray]:
    """A and B as finite float stacks of shape (G, 2, 2) (a single (2, 2) game gets the leading axis)."""
    a = as_float_array(A, func=func, name="A")
    b = as_float_array(B, func=func, name="B")
    if a.shape != b.shape or a.ndim not in (2, 3) or a.shape[-2:] != (2, 2):
        raise InvalidGameError(f"{func}(): A and B must both have shape (G, 2, 2) or (2, 2); "
                               f"got {a.shape} and {b.shape}")
    return (a[None], b[None]) if a.ndim == 2 else (a, b)


def regime_of_profiles(stable: Collection[tuple[int, ...]], n_players: int, *, degenerate: bool = False,
                       centre: bool = False) -> Regime:
    """The regime named by a set of stable pure profiles (1 = cooperate).

    {all cooperate} → ``COOPERATION_DOMINANT``; {all defect} →
    ``DEFECTION_DOMINANT``; both → ``BISTABLE``; otherwise exactly one
    profile mixing cooperators and defectors → ``SELECTIVE`` (whether or not
    full cooperation or mutual defection is stable too: an n-city game where
    a core group cooperates, or nobody does), several → ``ANTI_COORDINATION``; none → ``CYCLING`` when the interior rest point is a
    centre, else ``NO_STABLE_PROFILE``. A tie (``degenerate``) gives
    ``DEGENERATE`` whatever the set.

    Examples
    --------
    >>> str(regime_of_profiles({(1, 1), (0, 0)}, 2))
    'bistable'
    >>> str(regime_of_profiles({(1, 0)}, 2))
    'selective cooperation'
    """
    if degenerate:
        return Regime.DEGENERATE
    profiles = {tuple(int(v) for v in p) for p in stable}
    all_c, all_d = (1,) * n_players, (0,) * n_players
    if profiles == {all_c}:
        return Regime.COOPERATION_DOMINANT
    if profiles == {all_d}:
        return Regime.DEFECTION_DOMINANT
    if profiles == {all_c, all_d}:
        return Regime.BISTABLE
    mixed = profiles - {all_c, all_d}
    if len(mixed) == 1:
        return Regime.SELECTIVE
    if mixed:
        return Regime.ANTI_COORDINATION
    return Regime.CYCLING if centre else Regime.NO_STABLE_PROFILE


# Regime code of each stable set of a non-degenerate 2×2 game, indexed by its bits (CC, CD, DC, DD) = (1, 2, 4, 8).
# With no tie and no strict pure equilibrium the best responses cycle: the interior point is a centre.
_CODE_OF_SET = np.array([REGIME_CODES.index(regime_of_profiles(
    [p for k, p in enumerate(PROFILES_2X2) if bits >> k & 1], 2, centre=True)) for bits in range(16)], dtype=np.int8)
_DEGENERATE_CODE = REGIME_CODES.index(Regime.DEGENERATE)


def regimes_2x2(A: ArrayLike, B: ArrayLike, *, tol: float = DEFAULT_TOL) -> np.ndarray:
    """The regime of each 2×2 cooperation game of a stack, as codes into :data:`REGIME_CODES` (``list(Regime)``).

    The one classifier of 2×2 regimes: :meth:`PairwiseGame.classify`,
    :func:`coopgame.evolutionary_regime` and :func:`coopgame.parameter_sweep`
    all read it. The regime is named by the set of strict pure Nash equilibria
    (see :func:`stable_profiles_2x2` and :func:`regime_of_profiles`); any tie
    within ``tol`` (relative to each game's payoff scale) is ``DEGENERATE``.

    Parameters
    ----------
    A, B : array_like, shape (G, 2, 2) or (2, 2)
    tol : float, default DEFAULT_TOL

    Returns
    -------
    ndarray of int8, shape (G,)

    Examples
    --------
    A prisoner's dilemma, a stag hunt and matching pennies:

    >>> A = [[[3, 0], [5, 1]], [[4, 0], [3, 2]], [[1, -1], [-1, 1]]]
    >>> B = [[[3, 5], [0, 1]], [[4, 3], [0, 2]], [[-1, 1], [1, -1]]]
    >>> [str(REGIME_CODES[c]) for c in regimes_2x2(A, B)]
    ['defection dominant', 'bistable', 'cycling']
    """
    a, b = _check_stack(A, B, func="regimes_2x2")
    return regime_codes(*_stable_profiles(a, b, check_tol(tol, func="regimes_2x2")))


def regime_codes(stable: np.ndarray, degenerate: np.ndarray) -> np.ndarray:
    """The regime codes of :func:`regimes_2x2` from the output of :func:`stable_profiles_2x2` (when it is at hand).

    Examples
    --------
    >>> [str(REGIME_CODES[c]) for c in regime_codes(*stable_profiles_2x2([[4, 0], [3, 2]], [[4, 3], [0, 2]]))]
    ['bistable']
    """
    bits = stable[:, 0] + 2 * stable[:, 1].astype(np.int8) + 4 * stable[:, 2].astype(np.int8) \
        + 8 * stable[:, 3].astype(np.int8)
    codes = _CODE_OF_SET[bits]
    codes[degenerate] = _DEGENERATE_CODE
    return codes

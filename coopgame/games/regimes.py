"""The one vocabulary for the long-run outcome of a cooperation game.

A regime is read from the set of stable pure profiles: the strict Nash
equilibria of a 2×2 game, which are exactly the asymptotically stable vertices
of its two-population replicator system, or the ESS vertices of an n-population
system. :meth:`PairwiseGame.classify`, :func:`coopgame.evolutionary_regime`
and :func:`coopgame.parameter_sweep` all name their outcome with a
:class:`Regime`.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Regime"]


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
    Regime.SELECTIVE: "the one stable profile mixes cooperators and defectors: some cities cooperate, others do not",
    Regime.ANTI_COORDINATION: "several stable profiles, each mixing cooperators and defectors: who cooperates "
                              "depends on where play starts",
    Regime.CYCLING: "no stable profile; the interior point is a centre and shares cycle around it",
    Regime.NO_STABLE_PROFILE: "no pure profile is stable; play stays in the interior (cycles or slow drift)",
    Regime.DEGENERATE: "a payoff difference is zero at a profile: the strict comparison (the linearisation) "
                       "does not decide",
}

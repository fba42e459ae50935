"""Symbolic (sympy) analysis of pairwise games: ESS conditions, three-valued predicates, design inverses."""

from coopgame._lazy import lazy_namespace

# public name -> module that defines it (imported on first use)
_PUBLIC: dict[str, str] = {
    "SymbolicPairwiseGame": "coopgame.symbolic.games",
    "ess_conditions": "coopgame.symbolic.conditions",
    "is_ess": "coopgame.symbolic.conditions",
    "ConditionResult": "coopgame.symbolic.conditions",
    "design_inverses": "coopgame.symbolic.inverses",
    "DesignInverseResult": "coopgame.symbolic.inverses",
}

__all__ = sorted(_PUBLIC)
__getattr__, __dir__ = lazy_namespace(__name__, globals(), _PUBLIC)

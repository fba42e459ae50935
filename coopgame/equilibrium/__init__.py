"""Equilibria of non-cooperative games: bimatrix Nash equilibria, batch 2×2, pure n-city equilibria."""

from coopgame._lazy import lazy_namespace

# public name -> module that defines it (imported on first use)
_PUBLIC: dict[str, str] = {
    "nash_equilibria": "coopgame.equilibrium.nash",
    "NashEquilibriaResult": "coopgame.equilibrium.nash",
    "batch_equilibria_2x2": "coopgame.equilibrium.batch2x2",
    "BatchEquilibria2x2": "coopgame.equilibrium.batch2x2",
    "pure_equilibria": "coopgame.equilibrium.pure",
    "PureEquilibriaResult": "coopgame.equilibrium.pure",
    "price_of_anarchy": "coopgame.equilibrium.efficiency",
    "EfficiencyResult": "coopgame.equilibrium.efficiency",
    "best_response_dynamics": "coopgame.equilibrium.efficiency",
    "BestResponsePath": "coopgame.equilibrium.efficiency",
    "critical_discount_factors": "coopgame.equilibrium.repeated",
    "CriticalDiscountResult": "coopgame.equilibrium.repeated",
    "grim_trigger_thresholds": "coopgame.equilibrium.repeated",
}

__all__ = sorted(_PUBLIC)
__getattr__, __dir__ = lazy_namespace(__name__, globals(), _PUBLIC)

"""Point-valued cooperative solutions: Shapley and Banzhaf values, Harsanyi dividends, game properties,
power indices of weighted voting games."""

from coopgame._lazy import lazy_namespace

# public name -> module that defines it (imported on first use)
_PUBLIC: dict[str, str] = {
    "shapley_value": "coopgame.cooperative.shapley",
    "banzhaf_value": "coopgame.cooperative.banzhaf",
    "shapley_values": "coopgame.cooperative.batch",
    "banzhaf_values": "coopgame.cooperative.batch",
    "structured_shapley_values": "coopgame.cooperative.batch",
    "quadratic_shapley_values": "coopgame.cooperative.batch",
    "BatchAllocationResult": "coopgame.cooperative.batch",
    "harsanyi_dividends": "coopgame.cooperative.dividends",
    "game_from_dividends": "coopgame.cooperative.dividends",
    "DividendResult": "coopgame.cooperative.dividends",
    "is_superadditive": "coopgame.cooperative.properties",
    "is_convex": "coopgame.cooperative.properties",
    "check_superadditivity": "coopgame.cooperative.properties",
    "check_convexity": "coopgame.cooperative.properties",
    "PropertyCheck": "coopgame.cooperative.properties",
    "power_indices": "coopgame.cooperative.power",
    "PowerIndexResult": "coopgame.cooperative.power",
    "owen_value": "coopgame.cooperative.owen",
    "tau_value": "coopgame.cooperative.tau",
    "TauResult": "coopgame.cooperative.tau",
    "NotQuasiBalancedError": "coopgame.cooperative.tau",
    "myerson_value": "coopgame.cooperative.myerson",
    "graph_restricted_game": "coopgame.cooperative.myerson",
}

__all__ = sorted(_PUBLIC)
__getattr__, __dir__ = lazy_namespace(__name__, globals(), _PUBLIC)

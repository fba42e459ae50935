"""Stability of allocations: core, least core, nucleolus (with Kohlberg's certificate)."""

from coopgame._lazy import lazy_namespace

# public name -> module that defines it (imported on first use)
_PUBLIC: dict[str, str] = {
    "core": "coopgame.stability.coreset",
    "least_core": "coopgame.stability.coreset",
    "largest_core_violation": "coopgame.stability.coreset",
    "CoreResult": "coopgame.stability.coreset",
    "LeastCoreResult": "coopgame.stability.coreset",
    "CoreViolation": "coopgame.stability.coreset",
    "nucleolus": "coopgame.stability.lexicographic",
    "NucleolusResult": "coopgame.stability.lexicographic",
    "airport_nucleolus": "coopgame.stability.airport",
    "AirportNucleolusResult": "coopgame.stability.airport",
    "is_airport_game": "coopgame.stability.airport",
    "KohlbergCheck": "coopgame.stability.kohlberg",
}

__all__ = sorted(_PUBLIC)
__getattr__, __dir__ = lazy_namespace(__name__, globals(), _PUBLIC)

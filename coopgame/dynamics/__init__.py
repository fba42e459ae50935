"""Evolutionary dynamics: replicator equations, rest points, regimes, basins of attraction."""

from coopgame._lazy import lazy_namespace

# public name -> module that defines it (imported on first use)
_PUBLIC: dict[str, str] = {
    "replicator_dynamics": "coopgame.dynamics.replicator",
    "replicator_field": "coopgame.dynamics.replicator",
    "TrajectoryResult": "coopgame.dynamics.replicator",
    "rest_points": "coopgame.dynamics.local_stability",
    "RestPoint": "coopgame.dynamics.local_stability",
    "RestPointsResult": "coopgame.dynamics.local_stability",
    "evolutionary_regime": "coopgame.dynamics.regimes",
    "RegimeResult": "coopgame.dynamics.regimes",
    "basin_share": "coopgame.dynamics.basins",
    "BasinResult": "coopgame.dynamics.basins",
    "single_population_replicator": "coopgame.dynamics.single_population",
    "single_population_rest_points": "coopgame.dynamics.single_population",
    "single_population_field": "coopgame.dynamics.single_population",
    "mutation_matrix": "coopgame.dynamics.single_population",
    "SinglePopulationTrajectoryResult": "coopgame.dynamics.single_population",
    "SinglePopulationRestPointsResult": "coopgame.dynamics.single_population",
    "SinglePopulationRestPoint": "coopgame.dynamics.single_population",
    "tripartite_stability_table": "coopgame.dynamics.tripartite",
}

__all__ = sorted(_PUBLIC)
__getattr__, __dir__ = lazy_namespace(__name__, globals(), _PUBLIC)

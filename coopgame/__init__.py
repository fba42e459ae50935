"""coopgame: cooperation games between cities in China's city clusters and metropolitan circles.

The public names live here; they are imported lazily, on first use, so that
``import coopgame`` stays fast and optional back ends (sympy, matplotlib,
pandas) are loaded only by the functions that need them.

Examples
--------
>>> import coopgame
>>> game = coopgame.TUGame.from_costs([0, 230, 160, 350, 230, 460, 365, 556],
...                                   players=["town1", "town2", "town3"])
>>> coopgame.shapley_value(game).cost_shares.round(2).tolist()
[210.33, 127.83, 217.83]
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it, grouped by layer; tests/test_public_api.py checks that each resolves.
_PUBLIC: dict[str, str] = {
    # representations
    "TUGame": "coopgame.games.tu",
    "StructuredGame": "coopgame.games.structured",
    "CostTerm": "coopgame.games.structured",
    "AirportCost": "coopgame.games.structured",
    "ScaleEconomyCost": "coopgame.games.structured",
    "ValueFunctionGame": "coopgame.games.function_game",
    "PairwiseGame": "coopgame.games.pairwise",
    "GameClassification": "coopgame.games.pairwise",
    "NCityGame": "coopgame.games.ncity",
    # equilibria
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
    # cooperative values
    "shapley_value": "coopgame.cooperative.shapley",
    "banzhaf_value": "coopgame.cooperative.banzhaf",
    "shapley_values": "coopgame.cooperative.batch",
    "banzhaf_values": "coopgame.cooperative.batch",
    "BatchAllocationResult": "coopgame.cooperative.batch",
    "harsanyi_dividends": "coopgame.cooperative.dividends",
    "game_from_dividends": "coopgame.cooperative.dividends",
    "DividendResult": "coopgame.cooperative.dividends",
    "is_superadditive": "coopgame.cooperative.properties",
    "is_convex": "coopgame.cooperative.properties",
    "check_superadditivity": "coopgame.cooperative.properties",
    "check_convexity": "coopgame.cooperative.properties",
    "PropertyCheck": "coopgame.cooperative.properties",
    # stability: core, least core, nucleolus
    "core": "coopgame.stability.coreset",
    "least_core": "coopgame.stability.coreset",
    "largest_core_violation": "coopgame.stability.coreset",
    "CoreResult": "coopgame.stability.coreset",
    "LeastCoreResult": "coopgame.stability.coreset",
    "CoreViolation": "coopgame.stability.coreset",
    "nucleolus": "coopgame.stability.lexicographic",
    "NucleolusResult": "coopgame.stability.lexicographic",
    "KohlbergCheck": "coopgame.stability.kohlberg",
    # policy: sharing rules and fund analysis
    "SharingRule": "coopgame.policy.rules",
    "ShapleyRule": "coopgame.policy.rules",
    "NucleolusRule": "coopgame.policy.rules",
    "ProportionalRule": "coopgame.policy.rules",
    "EqualSplitRule": "coopgame.policy.rules",
    "StockIncrementRule": "coopgame.policy.real_rules",
    "PooledFundRule": "coopgame.policy.real_rules",
    "FundSection": "coopgame.policy.real_rules",
    "FundSettlement": "coopgame.policy.real_rules",
    "TaxBasePoolRule": "coopgame.policy.real_rules",
    "RelocationTaxRule": "coopgame.policy.real_rules",
    "RelocationSchedule": "coopgame.policy.real_rules",
    "fund_analysis": "coopgame.policy.fund",
    "FundAnalysis": "coopgame.policy.fund",
    "RuleOutcome": "coopgame.policy.fund",
    "payment_flows": "coopgame.policy.fund",
    # evolutionary dynamics
    "replicator_dynamics": "coopgame.dynamics.replicator",
    "TrajectoryResult": "coopgame.dynamics.replicator",
    "rest_points": "coopgame.dynamics.local_stability",
    "RestPoint": "coopgame.dynamics.local_stability",
    "RestPointsResult": "coopgame.dynamics.local_stability",
    "evolutionary_regime": "coopgame.dynamics.regimes",
    "RegimeResult": "coopgame.dynamics.regimes",
    "basin_share": "coopgame.dynamics.basins",
    "BasinResult": "coopgame.dynamics.basins",
    "bm1_preset": "coopgame.dynamics.presets",
    "xinan_preset": "coopgame.dynamics.presets",
    "EvolutionaryPreset": "coopgame.dynamics.presets",
    # symbolic (sympy is imported only when one of these is first used)
    "SymbolicPairwiseGame": "coopgame.symbolic.games",
    "ess_conditions": "coopgame.symbolic.conditions",
    "is_ess": "coopgame.symbolic.conditions",
    "ConditionResult": "coopgame.symbolic.conditions",
    "design_inverses": "coopgame.symbolic.inverses",
    "DesignInverseResult": "coopgame.symbolic.inverses",
    # model files and the catalogue
    "load_model": "coopgame.catalog",
    "list_models": "coopgame.catalog",
    "validate_model_file": "coopgame.catalog",
    "BuiltModel": "coopgame.catalog",
    "ModelCatalog": "coopgame.catalog",
    "ModelSpec": "coopgame.modelspec",
    "Provenance": "coopgame.modelspec",
    # sweeps, reports and figures
    "parameter_sweep": "coopgame.sweep",
    "SweepResult": "coopgame.sweep",
    "model_analysis": "coopgame.report.analysis",
    "ModelAnalysis": "coopgame.report.analysis",
    "plots": "coopgame.plots",
    # results and errors
    "Summary": "coopgame.results",
    "AllocationResult": "coopgame.results",
    "errors": "coopgame.errors",
}

__all__ = sorted(_PUBLIC) + ["__version__"]


def __getattr__(name: str) -> Any:
    try:
        module_name = _PUBLIC[name]
    except KeyError:
        raise AttributeError(f"module 'coopgame' has no attribute {name!r}") from None
    module = importlib.import_module(module_name)
    value = module if module_name.endswith("." + name) else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

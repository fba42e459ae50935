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

from coopgame._lazy import lazy_namespace

__version__ = "0.1.0"

# public name -> the subpackage (or root module) that exports it, grouped by layer; each subpackage's own
# _PUBLIC names the defining module. tests/test_public_api.py checks that each resolves.
_PUBLIC: dict[str, str] = {
    # representations
    "TUGame": "coopgame.games",
    "StructuredGame": "coopgame.games",
    "CostTerm": "coopgame.games",
    "AirportCost": "coopgame.games",
    "ScaleEconomyCost": "coopgame.games",
    "ValueFunctionGame": "coopgame.games",
    "PairwiseGame": "coopgame.games",
    "GameClassification": "coopgame.games",
    "NCityGame": "coopgame.games",
    "BinaryActionGame": "coopgame.games",
    "TripartiteGame": "coopgame.games",
    "Regime": "coopgame.games",
    # equilibria
    "nash_equilibria": "coopgame.equilibrium",
    "NashEquilibriaResult": "coopgame.equilibrium",
    "batch_equilibria_2x2": "coopgame.equilibrium",
    "BatchEquilibria2x2": "coopgame.equilibrium",
    "pure_equilibria": "coopgame.equilibrium",
    "PureEquilibriaResult": "coopgame.equilibrium",
    "price_of_anarchy": "coopgame.equilibrium",
    "EfficiencyResult": "coopgame.equilibrium",
    "best_response_dynamics": "coopgame.equilibrium",
    "BestResponsePath": "coopgame.equilibrium",
    "critical_discount_factors": "coopgame.equilibrium",
    "CriticalDiscountResult": "coopgame.equilibrium",
    # cooperative values
    "shapley_value": "coopgame.cooperative",
    "banzhaf_value": "coopgame.cooperative",
    "shapley_values": "coopgame.cooperative",
    "banzhaf_values": "coopgame.cooperative",
    "BatchAllocationResult": "coopgame.cooperative",
    "harsanyi_dividends": "coopgame.cooperative",
    "game_from_dividends": "coopgame.cooperative",
    "DividendResult": "coopgame.cooperative",
    "is_superadditive": "coopgame.cooperative",
    "is_convex": "coopgame.cooperative",
    "check_superadditivity": "coopgame.cooperative",
    "check_convexity": "coopgame.cooperative",
    "PropertyCheck": "coopgame.cooperative",
    "power_indices": "coopgame.cooperative",
    "PowerIndexResult": "coopgame.cooperative",
    "owen_value": "coopgame.cooperative",
    "myerson_value": "coopgame.cooperative",
    "graph_restricted_game": "coopgame.cooperative",
    "tau_value": "coopgame.cooperative",
    "TauResult": "coopgame.cooperative",
    # stability: core, least core, nucleolus
    "core": "coopgame.stability",
    "least_core": "coopgame.stability",
    "largest_core_violation": "coopgame.stability",
    "CoreResult": "coopgame.stability",
    "LeastCoreResult": "coopgame.stability",
    "CoreViolation": "coopgame.stability",
    "nucleolus": "coopgame.stability",
    "NucleolusResult": "coopgame.stability",
    "KohlbergCheck": "coopgame.stability",
    "airport_nucleolus": "coopgame.stability",
    "AirportNucleolusResult": "coopgame.stability",
    # policy: sharing rules and fund analysis
    "SharingRule": "coopgame.policy",
    "ShapleyRule": "coopgame.policy",
    "NucleolusRule": "coopgame.policy",
    "ProportionalRule": "coopgame.policy",
    "EqualSplitRule": "coopgame.policy",
    "StockIncrementRule": "coopgame.policy",
    "FundMechanism": "coopgame.policy",
    "MechanismResult": "coopgame.policy",
    "DuesRule": "coopgame.policy",
    "Project": "coopgame.policy",
    "Conference": "coopgame.policy",
    "pair_projects": "coopgame.policy",
    "PooledFundRule": "coopgame.policy",
    "FundSection": "coopgame.policy",
    "FundSettlement": "coopgame.policy",
    "TaxBasePoolRule": "coopgame.policy",
    "RelocationTaxRule": "coopgame.policy",
    "RelocationSchedule": "coopgame.policy",
    "fund_analysis": "coopgame.policy",
    "FundAnalysis": "coopgame.policy",
    "RuleOutcome": "coopgame.policy",
    "payment_flows": "coopgame.policy",
    "outside_options": "coopgame.policy",
    "OutsideOptions": "coopgame.policy",
    "self_enforcing_transfers": "coopgame.policy",
    "SelfEnforcingTransfers": "coopgame.policy",
    "BankruptcyRule": "coopgame.policy",
    "BankruptcyResult": "coopgame.policy",
    "bankruptcy_awards": "coopgame.policy",
    "proportional_division": "coopgame.policy",
    "constrained_equal_awards": "coopgame.policy",
    "constrained_equal_losses": "coopgame.policy",
    "talmud_rule": "coopgame.policy",
    "scrb": "coopgame.policy",
    "alternative_cost_avoided": "coopgame.policy",
    "CostAllocationResult": "coopgame.policy",
    "OwenRule": "coopgame.policy",
    "TauRule": "coopgame.policy",
    "MyersonRule": "coopgame.policy",
    "SCRBRule": "coopgame.policy",
    "uncertainty_analysis": "coopgame.policy",
    "UncertaintyResult": "coopgame.policy",
    # evolutionary dynamics
    "replicator_dynamics": "coopgame.dynamics",
    "TrajectoryResult": "coopgame.dynamics",
    "rest_points": "coopgame.dynamics",
    "RestPoint": "coopgame.dynamics",
    "RestPointsResult": "coopgame.dynamics",
    "evolutionary_regime": "coopgame.dynamics",
    "RegimeResult": "coopgame.dynamics",
    "basin_share": "coopgame.dynamics",
    "BasinResult": "coopgame.dynamics",
    "single_population_replicator": "coopgame.dynamics",
    "single_population_rest_points": "coopgame.dynamics",
    "SinglePopulationTrajectoryResult": "coopgame.dynamics",
    "SinglePopulationRestPointsResult": "coopgame.dynamics",
    "tripartite_stability_table": "coopgame.dynamics",
    # symbolic (sympy is imported only when one of these is first used)
    "SymbolicPairwiseGame": "coopgame.symbolic",
    "ess_conditions": "coopgame.symbolic",
    "is_ess": "coopgame.symbolic",
    "ConditionResult": "coopgame.symbolic",
    "design_inverses": "coopgame.symbolic",
    "DesignInverseResult": "coopgame.symbolic",
    # model files and the catalogue
    "load_model": "coopgame.models",
    "list_models": "coopgame.models",
    "validate_model_file": "coopgame.models",
    "BuiltModel": "coopgame.models",
    "ModelCatalog": "coopgame.models",
    "ModelSpec": "coopgame.models",
    "Provenance": "coopgame.models",
    "bm1_preset": "coopgame.models",
    "xinan_preset": "coopgame.models",
    "EvolutionaryPreset": "coopgame.models",
    # sweeps, reports and figures
    "parameter_sweep": "coopgame.policy",
    "SweepResult": "coopgame.policy",
    "model_analysis": "coopgame.report",
    "ModelAnalysis": "coopgame.report",
    "plots": "coopgame.report",
    # results and errors
    "Summary": "coopgame.results",
    "AllocationResult": "coopgame.results",
    "errors": "coopgame.errors",
}

__all__ = sorted(_PUBLIC) + ["__version__"]


__getattr__, __dir__ = lazy_namespace(__name__, globals(), _PUBLIC)

"""Policy layer: sharing rules for a cooperation fund and their side-by-side analysis, the fund as a
mechanism (dues, projects, conference, withholding), sweeps, and the
registry of which solution concepts apply to which game (:mod:`coopgame.policy.concepts`)."""

from coopgame._lazy import lazy_namespace

# public name -> module that defines it (imported on first use)
_PUBLIC: dict[str, str] = {
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
    "FundMechanism": "coopgame.policy.mechanism",
    "MechanismResult": "coopgame.policy.mechanism",
    "DuesRule": "coopgame.policy.mechanism",
    "Project": "coopgame.policy.mechanism",
    "Conference": "coopgame.policy.mechanism",
    "pair_projects": "coopgame.policy.mechanism",
    "outside_options": "coopgame.policy.outside",
    "OutsideOptions": "coopgame.policy.outside",
    "OptionSet": "coopgame.policy.outside",
    "self_enforcing_transfers": "coopgame.policy.transfers",
    "SelfEnforcingTransfers": "coopgame.policy.transfers",
    "CONCEPTS": "coopgame.policy.concepts",
    "Concept": "coopgame.policy.concepts",
    "ConceptRegistry": "coopgame.policy.concepts",
    "Plan": "coopgame.policy.concepts",
    "concepts_for": "coopgame.policy.concepts",
    "plan": "coopgame.policy.concepts",
    "game_forms": "coopgame.policy.concepts",
    "pairwise_forms": "coopgame.policy.concepts",
    "sweep_form": "coopgame.policy.concepts",
    "cooperative_form": "coopgame.policy.concepts",
    "SweepForm": "coopgame.policy.concepts",
    "parameter_sweep": "coopgame.policy.sweep",
    "SweepResult": "coopgame.policy.sweep",
}

__all__ = sorted(_PUBLIC)
__getattr__, __dir__ = lazy_namespace(__name__, globals(), _PUBLIC)

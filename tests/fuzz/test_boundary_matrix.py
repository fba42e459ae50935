"""A matrix of bad inputs over every public entry point (issue 12, DESIGN §5).

Each public function or constructor is called once with valid arguments and
then once per (argument, hostile value) pair with that one argument replaced.
Every call must either succeed (some hostile values are legitimate for some
arguments, e.g. ``None`` for an optional one) or raise the package's typed
error, :class:`coopgame.errors.CoopgameError`, whose message names the public
function that was called and the argument. A raw ``TypeError``,
``AttributeError``, numpy ``ValueError`` or ``OverflowError`` from inside is a
failure, and so is a hang (the fuzz suite's 30 s timeout).

The valid calls are deliberately small (three players, 2 x 2 games), so the
whole matrix runs in seconds.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import coopgame as cg
from coopgame.errors import CoopgameError

_MODELS = Path(__file__).resolve().parents[2] / "models"

# --- valid games shared by the calls ---------------------------------------------------------------

_GLOVE = cg.TUGame([0, 0, 0, 1, 0, 1, 0, 1], players=["a", "b", "c"])
_PD = cg.PairwiseGame([[3, 0], [5, 1]], [[3, 5], [0, 1]])
_STAG = cg.PairwiseGame([[4, 0], [3, 3]], [[4, 3], [0, 3]])
_NCITY = cg.NCityGame(cost=[1.0, 1.2, 0.8], base=[0.2, 0.1, 0.3], spillover=[[0, .5, .4], [.5, 0, .3], [.4, .3, 0]],
                      players=["a", "b", "c"])

_PLANT = cg.TUGame.from_costs([0, 230, 160, 350, 230, 460, 365, 556])
_TWO_CITIES = cg.NCityGame(cost=[1.0, 1.2], base=[0.2, 0.1], spillover=[[0, .5], [.5, 0]], players=["a", "b"])


def _symbolic() -> Any:
    import sympy as sp
    R, S, T, P = sp.symbols("R S T P")
    return cg.SymbolicPairwiseGame([[R, S], [T, P]], [[R, T], [S, P]])


@dataclass(frozen=True)
class Entry:
    """One public entry point: how to call it validly, and under which name its errors must appear."""

    name: str
    func: Callable[..., Any]
    kwargs: dict[str, Any]
    skip: tuple[str, ...] = ()  # arguments not fuzzed (callables, flags whose hostile values are meaningless)


def _entries() -> list[Entry]:
    vals = np.array([0, 0, 0, 1, 0, 1, 0, 1.0])
    return [
        # games
        Entry("TUGame", cg.TUGame, {"values": vals, "players": ["a", "b", "c"]}),
        Entry("TUGame.from_dict", cg.TUGame.from_dict,
              {"worths": {("a",): 0, ("a", "b"): 1, ("a", "b", "c"): 1}, "players": ["a", "b", "c"], "fill": 0.0}),
        Entry("TUGame.weighted_voting", cg.TUGame.weighted_voting,
              {"weights": [4, 4, 4, 2, 2, 1], "quota": 12, "players": ["F", "D", "I", "B", "N", "L"]}),
        Entry("TUGame.from_costs", cg.TUGame.from_costs, {"costs": np.array([0, 2, 2, 3, 2, 3, 3, 4.0])}),
        Entry("TUGame.from_function", cg.TUGame.from_function,
              {"func": lambda m: np.bitwise_count(np.asarray(m)).astype(float) ** 2, "n_players": 3},
              skip=("func",)),
        Entry("PairwiseGame", cg.PairwiseGame, {"row_payoffs": [[3, 0], [5, 1]], "col_payoffs": [[3, 5], [0, 1]]}),
        Entry("DuesRule", cg.DuesRule, {"base": [100.0, 300.0], "rate": 0.01, "basis": "GDP"}),
        Entry("DuesRule.fixed_ratios", cg.DuesRule.fixed_ratios, {"ratios": [1, 5, 4], "total": 2.0}),
        Entry("Project", cg.Project, {"name": "link", "cost": 4.0, "benefits": [5.0, 5.0],
                                      "participants": ("a", "b")}),
        Entry("Conference", cg.Conference, {"votes": [1, 1], "quota": 0.5}),
        Entry("pair_projects", cg.pair_projects, {"benefits": [[0, 3], [2, 0]], "costs": [[0, 1], [1, 0]],
                                                  "players": ["a", "b"]}),
        Entry("FundMechanism", cg.FundMechanism,
              {"players": ["a", "b"], "dues": cg.DuesRule([1.0, 1.0], 2.0),
               "projects": [cg.Project("link", 4.0, [5.0, 5.0], ("a", "b"))], "participation": [-0.5, -1.0],
               "withholding": 0.5, "penalty": 1.0, "years": 2, "discount_rate": 0.03}),
        Entry("owen_value", cg.owen_value, {"game": _GLOVE, "unions": [["a", "b"], ["c"]]}),
        Entry("OwenRule", cg.OwenRule, {"unions": [["a", "b"], ["c"]]}),
        Entry("myerson_value", cg.myerson_value, {"game": _GLOVE, "graph": [("a", "b"), ("b", "c")]}),
        Entry("graph_restricted_game", cg.graph_restricted_game,
              {"game": _GLOVE, "graph": np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]])}),
        Entry("MyersonRule", cg.MyersonRule, {"graph": [("a", "b")]}),
        Entry("tau_value", cg.tau_value, {"game": _GLOVE, "tol": 1e-9}),
        Entry("TauRule", cg.TauRule, {}),
        Entry("TUGame.bankruptcy", cg.TUGame.bankruptcy, {"estate": 200.0, "claims": [100.0, 200.0, 300.0],
                                                          "players": ["a", "b", "c"]}),
        Entry("bankruptcy_awards", cg.bankruptcy_awards, {"estate": 200.0, "claims": [100.0, 200.0, 300.0],
                                                          "rule": "talmud", "players": ["a", "b", "c"]}),
        Entry("proportional_division", cg.proportional_division, {"estate": 200.0, "claims": [100.0, 200.0, 300.0]}),
        Entry("constrained_equal_awards", cg.constrained_equal_awards,
              {"estate": 200.0, "claims": [100.0, 200.0, 300.0]}),
        Entry("constrained_equal_losses", cg.constrained_equal_losses,
              {"estate": 200.0, "claims": [100.0, 200.0, 300.0]}),
        Entry("talmud_rule", cg.talmud_rule, {"estate": 200.0, "claims": [100.0, 200.0, 300.0]}),
        Entry("BankruptcyRule", cg.BankruptcyRule, {"claims": [100.0, 200.0, 300.0], "rule": "cea"}),
        Entry("scrb", cg.scrb, {"game": _PLANT, "benefits": [200.0, 300.0, 215.0], "tol": 1e-9}),
        Entry("SCRBRule", cg.SCRBRule, {"benefits": [200.0, 300.0, 215.0]}),
        Entry("alternative_cost_avoided", cg.alternative_cost_avoided, {"game": _PLANT, "tol": 1e-9}),
        Entry("airport_nucleolus", cg.airport_nucleolus, {"costs": [8.0, 11.0, 13.0, 18.0],
                                                          "players": ["A", "B", "C", "D"]}),
        Entry("critical_discount_factors", cg.critical_discount_factors, {"game": _NCITY, "tol": 1e-9}),
        Entry("single_population_replicator", cg.single_population_replicator,
              {"payoffs": np.array([[-1.0, 2.0], [0.0, 1.0]]), "x0": np.array([[0.3, 0.7]]), "t_span": (0.0, 5.0),
               "mutation": 0.05, "background": 2.0, "rtol": 1e-8, "atol": 1e-10, "n_steps": 100,
               "max_step": 1.0, "max_steps": 20000}),
        Entry("single_population_rest_points", cg.single_population_rest_points,
              {"payoffs": np.array([[-1.0, 2.0], [0.0, 1.0]]), "tol": 1e-9}),
        Entry("TripartiteGame", cg.TripartiteGame,
              {"supervision_cost": 2.0, "reward": 0.5, "penalty": 3.0, "social_benefit": 6.0,
               "reputation_loss": 1.0, "cost": 4.0, "synergy": [[0, 5], [5, 0]]}),
        Entry("tripartite_stability_table", cg.tripartite_stability_table,
              {"game": cg.TripartiteGame(supervision_cost=2.0, penalty=3.0, cost=4.0, synergy=[[0, 5], [5, 0]]),
               "tol": 1e-9}),
        Entry("uncertainty_analysis", cg.uncertainty_analysis,
              {"model": cg.load_model("chengdu_chongqing"), "draws": 20, "rng": 1, "cooperative_draws": 5,
               "rules": ["shapley", "equal"], "executor": None}),
        Entry("uncertainty_analysis", cg.uncertainty_analysis,
              {"model": cg.load_model("nanjing_fund"), "draws": 20, "rng": 1, "cooperative_draws": 5,
               "rules": ["shapley", "equal"], "executor": None}),
        Entry("uncertainty_analysis", cg.uncertainty_analysis,
              {"model": cg.load_model("chengdu_chongqing_tripartite"), "draws": 20, "rng": 1, "executor": None}),
        Entry("BinaryActionGame", cg.BinaryActionGame, {"payoffs": [[1, 1], [0, 5], [5, 0], [3, 3]],
                                                        "players": ["a", "b"], "actions": ("defect", "cooperate")}),
        Entry("PairwiseGame.from_arrays", cg.PairwiseGame.from_arrays,
              {"A": np.array([[3, 0], [5, 1.0]]), "B": np.array([[3, 5], [0, 1.0]])}),
        Entry("NCityGame", cg.NCityGame, {"cost": [1.0, 1.2, 0.8], "base": [0.2, 0.1, 0.3],
                                          "spillover": [[0, .5, .4], [.5, 0, .3], [.4, .3, 0]]}),
        Entry("StructuredGame", cg.StructuredGame, {"additive": [1.0, 2.0, 3.0],
                                                    "pairwise": [[0, 1, 0], [1, 0, 1], [0, 1, 0.0]]}),
        Entry("ValueFunctionGame", cg.ValueFunctionGame,
              {"func": lambda m: np.asarray(m, dtype=float), "n_players": 3}, skip=("func",)),
        Entry("AirportCost", cg.AirportCost, {"costs": [1.0, 2.0, 3.0]}),
        Entry("ScaleEconomyCost", cg.ScaleEconomyCost, {"quantities": [1.0, 2.0, 3.0], "scale": 2.0,
                                                        "exponent": 0.7}),
        Entry("game_from_dividends", cg.game_from_dividends, {"dividends": [0, 1, 1, 0.5]}),
        Entry("SymbolicPairwiseGame", cg.SymbolicPairwiseGame,
              {"row_payoffs": [["R", "S"], ["T", "P"]], "col_payoffs": [["R", "T"], ["S", "P"]]}),
        # cooperative
        Entry("shapley_value", cg.shapley_value, {"game": _GLOVE, "method": "auto", "n_samples": 200, "rng": 1,
                                                  "executor": None}),
        Entry("banzhaf_value", cg.banzhaf_value, {"game": _GLOVE, "method": "auto", "n_samples": 200, "rng": 1,
                                                  "executor": None}),
        Entry("shapley_values", cg.shapley_values, {"values": np.stack([vals, 2 * vals])}),
        Entry("banzhaf_values", cg.banzhaf_values, {"values": np.stack([vals, 2 * vals])}),
        Entry("harsanyi_dividends", cg.harsanyi_dividends, {"game": _GLOVE}),
        Entry("check_convexity", cg.check_convexity, {"game": _GLOVE, "tol": 1e-9}),
        Entry("check_superadditivity", cg.check_superadditivity, {"game": _GLOVE, "tol": 1e-9}),
        Entry("is_convex", cg.is_convex, {"game": _GLOVE, "tol": 1e-9}),
        Entry("is_superadditive", cg.is_superadditive, {"game": _GLOVE, "tol": 1e-9}),
        Entry("power_indices", cg.power_indices, {"weights": [4, 4, 4, 2, 2, 1], "quota": 12, "players": None}),
        # stability
        Entry("core", cg.core, {"game": _GLOVE, "tol": 1e-9}),
        Entry("least_core", cg.least_core, {"game": _GLOVE, "tol": 1e-9}),
        Entry("nucleolus", cg.nucleolus, {"game": _GLOVE, "domain": "imputations", "excess": "per-capita",
                                          "tol": 1e-9, "rng": 1, "executor": None}),
        Entry("largest_core_violation", cg.largest_core_violation,
              {"game": _GLOVE, "allocation": [1.0, 0.0, 0.0]}),
        # equilibrium
        Entry("nash_equilibria", cg.nash_equilibria, {"game": _PD, "tol": 1e-9}),
        Entry("pure_equilibria", cg.pure_equilibria, {"game": _PD, "tol": 1e-9, "executor": None}),
        Entry("batch_equilibria_2x2", cg.batch_equilibria_2x2,
              {"A": np.array([[[3, 0], [5, 1.0]]]), "B": np.array([[[3, 5], [0, 1.0]]]), "tol": 1e-9}),
        Entry("best_response_dynamics", cg.best_response_dynamics,
              {"game": _NCITY, "start": 0, "max_steps": 100, "tol": 1e-9, "rng": 1}),
        Entry("price_of_anarchy", cg.price_of_anarchy, {"game": _NCITY, "tol": 1e-9}),
        # dynamics
        Entry("replicator_dynamics", cg.replicator_dynamics,
              {"game": _STAG, "x0": [0.5, 0.6], "t_span": (0.0, 2.0), "rtol": 1e-6, "atol": 1e-9,
               "n_steps": 50, "max_step": 0.5, "max_steps": 1000}),
        Entry("rest_points", cg.rest_points, {"game": _STAG, "tol": 1e-9}),
        Entry("evolutionary_regime", cg.evolutionary_regime, {"game": _STAG, "tol": 1e-9}),
        Entry("basin_share", cg.basin_share, {"game": _STAG, "points": 5, "t_max": 5.0, "target_atol": 1e-3,
                                              "max_steps": 1000}),
        # policy
        Entry("fund_analysis", cg.fund_analysis, {"game": _GLOVE, "status_quo": [0.4, 0.3, 0.3], "tol": 1e-9}),
        Entry("outside_options", cg.outside_options, {"game": _NCITY}),
        Entry("self_enforcing_transfers", cg.self_enforcing_transfers,
              {"game": _NCITY, "reference": "shapley", "subsidy_cap": None, "tol": 1e-9}),
        Entry("payment_flows", cg.payment_flows, {"net": [1.0, -1.0, 0.0], "players": ["a", "b", "c"],
                                                  "atol": 0.0}),
        Entry("ProportionalRule", cg.ProportionalRule, {"weights": np.array([1.0, 2.0, 3.0])}),
        Entry("EqualSplitRule", cg.EqualSplitRule, {"of": "worth"}),
        Entry("NucleolusRule", cg.NucleolusRule, {"domain": "imputations"}),
        Entry("StockIncrementRule", cg.StockIncrementRule, {"baseline": np.array([1.0, 2.0, 3.0])}),
        Entry("TaxBasePoolRule", cg.TaxBasePoolRule,
              {"players": ("a", "b", "c"), "growth": np.array([1.0, 2.0, 3.0]), "population": np.array([1.0, 1, 2]),
               "fiscal_capacity": np.array([2.0, 1, 1]), "pool_share": 0.4, "tax_rate": 1.0,
               "population_exponent": 1.0, "capacity_exponent": 1.0}),
        Entry("RelocationTaxRule", cg.RelocationTaxRule,
              {"out_region": "a", "in_region": "b", "pre_move_taxes": np.array([1.0, 1.0, 1.0]),
               "post_move_taxes": np.array([1.0, 1.2, 1.4]), "share": 0.5, "years": 3, "extension_years": 2,
               "threshold": 0.2, "central_subsidy": 0.0, "discount_rate": 0.0}),
        Entry("FundSection", cg.FundSection, {"name": "water", "responsible": "a", "recipients": {"a": 0.5,
                                                                                                "b": 0.5}}),
        Entry("parameter_sweep", cg.parameter_sweep,
              {"model": cg.load_model("two_city_coop"), "grid": {"alpha": [0.3, 0.5]}, "chunk_size": 16, "tol": 1e-9,
               "executor": None}),
        # models and reports
        Entry("load_model", cg.load_model, {"slug_or_path": "two_city_coop"}),
        Entry("validate_model_file", cg.validate_model_file, {"path": str(_MODELS / "two_city_coop.toml")}),
        Entry("model_analysis", cg.model_analysis, {"model": "two_city_coop"}),
        Entry("bm1_preset", cg.bm1_preset, {"case": "worked"}),
        Entry("xinan_preset", cg.xinan_preset, {"round": 1, "year": 1}),
    ]


def _subpackage_entries() -> list[Entry]:
    """Public names of the subpackages that the root does not re-export."""
    from coopgame.cooperative import quadratic_shapley_values, structured_shapley_values
    from coopgame.dynamics import replicator_field
    from coopgame.games import random_convex_game, random_game
    from coopgame.policy import concepts_for, cooperative_form, game_forms, pairwise_forms, plan, sweep_form
    from coopgame.report import render_html

    structured = cg.StructuredGame([1.0, 2.0, 3.0], [[0, 1, 0], [1, 0, 1], [0, 1, 0.0]])
    return [
        Entry("random_game", random_game, {"n_players": 3, "rng": 1}),
        Entry("random_convex_game", random_convex_game, {"n_players": 3, "rng": 1, "pieces": 3}),
        Entry("structured_shapley_values", structured_shapley_values,
              {"games": [structured, structured], "n_samples": 100, "rng": 1}),
        Entry("quadratic_shapley_values", quadratic_shapley_values,
              {"additive": np.ones((2, 3)), "pairwise": np.zeros((2, 3, 3))}),
        Entry("replicator_field", replicator_field, {"game": _STAG, "states": np.array([[0.5, 0.5]])}),
        Entry("concepts_for", concepts_for, {"game": _NCITY}),
        Entry("plan", plan, {"game": _NCITY, "role": None}),
        Entry("game_forms", lambda obj: list(game_forms(obj)), {"obj": _NCITY}),
        Entry("pairwise_forms", pairwise_forms, {"game": _TWO_CITIES}),
        Entry("sweep_form", sweep_form, {"obj": _NCITY, "issue": None}),
        Entry("cooperative_form", cooperative_form, {"game": _NCITY, "tu": None}),
        Entry("render_html", render_html, {"analysis": cg.model_analysis("two_city_coop"), "figures": False,
                                           "extra": ()}),
    ]


def _symbolic_entries() -> list[Entry]:
    g = _symbolic()
    return [
        Entry("ess_conditions", cg.ess_conditions, {"game": g}),
        Entry("is_ess", cg.is_ess, {"game": g, "vertex": (1, 1)}),
        Entry("design_inverses", cg.design_inverses, {"game": g}),
    ]


class _Weird:
    """An object of no expected type."""

    def __repr__(self) -> str:
        return "<weird>"


HOSTILE: dict[str, Any] = {
    "None": None,
    "str": "x",
    "numeric-str": "1.5",
    "complex": 1 + 2j,
    "nan": float("nan"),
    "inf": float("inf"),
    "neg": -1,
    "zero": 0,
    "huge-int": 10**400,
    "bool": True,
    "object": _Weird(),
    "empty-list": [],
    "dict": {"k": 1},
    "3d-array": np.zeros((2, 2, 2)),
    "complex-array": np.array([1 + 1j, 2.0, 3.0]),
    "fraction": Fraction(1, 3),
}

ENTRIES = _entries() + _subpackage_entries() + _symbolic_entries()
CASES = [pytest.param(e, arg, key, id=f"{e.name}-{arg}-{key}")
         for e in ENTRIES for arg in e.kwargs if arg not in e.skip for key in HOSTILE]


@pytest.mark.parametrize("entry", [pytest.param(e, id=e.name) for e in ENTRIES])
def test_valid_call_succeeds(entry: Entry) -> None:
    """The baseline calls are valid: the matrix below varies one argument at a time from a working call."""
    entry.func(**entry.kwargs)


def _names_function(message: str, entry: Entry) -> bool:
    short = entry.name.split(".")[-1]
    return entry.name in message or f"{short}(" in message


@pytest.mark.parametrize(("entry", "arg", "key"), CASES)
def test_hostile_argument_gives_typed_error_or_answer(entry: Entry, arg: str, key: str) -> None:
    kwargs = dict(entry.kwargs)
    kwargs[arg] = HOSTILE[key]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # numpy overflow / invalid-value noise is a defect too
        try:
            out = entry.func(**kwargs)
        except CoopgameError as err:
            message = str(err)
            assert _names_function(message, entry), f"the error does not name {entry.name}: {message}"
            return
        except Exception as err:  # noqa: BLE001 - any other exception type is the defect under test
            pytest.fail(f"{entry.name}({arg}={HOSTILE[key]!r}) raised a raw {type(err).__name__}: {err}")
    _assert_no_silent_nan(out, entry, arg, key)


def _assert_no_silent_nan(out: Any, entry: Entry, arg: str, key: str) -> None:
    """An accepted hostile value must not turn into a non-finite answer in the headline numbers."""
    for name in ("allocation", "point", "share", "epsilon"):
        value = getattr(out, name, None)
        if value is None:
            continue
        arr = np.asarray(value, dtype=float)
        assert np.all(np.isfinite(arr)), f"{entry.name}({arg}={key}) returned a non-finite {name}: {value!r}"


def test_every_public_callable_is_in_the_matrix() -> None:
    """A new public function must join the matrix (or be listed here as out of scope, with the reason)."""
    out_of_scope = {
        "list_models",  # takes no arguments
        "plots", "errors", "__version__",  # modules and data
    }
    covered = {e.name.split(".")[0] for e in ENTRIES}
    public = {name for name in cg.__all__ if callable(getattr(cg, name)) and not name.endswith("Result")}
    # result classes, enums and summaries are built by the package, not from user input
    built_by_package = {"Summary", "Regime", "CoreViolation", "KohlbergCheck", "OutsideOptions", "RuleOutcome",
                        "FundAnalysis", "FundSettlement", "SelfEnforcingTransfers", "Provenance", "RestPoint",
                        "RelocationSchedule", "GameClassification", "BestResponsePath", "EvolutionaryPreset",
                        "ModelCatalog", "ModelSpec", "ModelAnalysis", "SharingRule", "CostTerm", "BuiltModel",
                        "BatchEquilibria2x2", "PropertyCheck",
                        "ShapleyRule", "PooledFundRule"}
    missing = sorted(public - covered - out_of_scope - built_by_package)
    assert not missing, f"public callables missing from the boundary matrix: {missing}"

"""Every public game, spec and result object survives pickle, copy.copy and copy.deepcopy.

Parameter sweeps with multiprocessing or joblib pickle games and results; the
copies must hold the same data, keep read-only arrays read-only and stay
immutable. The comparison walks every attribute of the original and the copy
(``__dict__`` and ``__slots__``), so no field is left unchecked.
"""

from __future__ import annotations

import copy
import dataclasses
import enum
import functools
import pickle
import types
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import coopgame
from coopgame.models.builders import BuiltModel
from coopgame.policy.real_rules import PooledFundRule
from coopgame.symbolic.games import SymbolicPairwiseGame

TOWNS_COSTS = [0, 230, 160, 350, 230, 460, 365, 556]  # three towns sharing a wastewater plant


def towns() -> coopgame.TUGame:
    return coopgame.TUGame.from_costs(TOWNS_COSTS, players=["t1", "t2", "t3"])


def stag_hunt() -> coopgame.PairwiseGame:
    # MODELS.md BM1 worked check with reward 2 and penalty 1.5
    return coopgame.PairwiseGame.from_two_city(cost=4, synergy=6, alpha=0.5, free_ride_gain=2, lone_loss=1,
                                               reward=2, penalty=1.5)


def three_cities() -> coopgame.NCityGame:
    return coopgame.NCityGame(cost=[[4.0, 3.0, 5.0], [1.0, 1.0, 2.0]], synergy=3.0 * (1 - np.eye(3)),
                              reward=[2.0, 0.0, 0.0], deadweight=[0.1, 0.0], players=["A", "B", "C"],
                              issues=["water", "transport"])


def glove_worth(masks: np.ndarray) -> np.ndarray:
    """Glove game: player 0 holds a left glove, players 1 and 2 a right one (module level: picklable)."""
    return ((masks & 1 > 0) & (masks & 6 > 0)).astype(float)


def chishui_fund() -> coopgame.FundAnalysis:
    game = coopgame.TUGame([0, 0.1, 0.5, 1.0, 0.4, 0.6, 1.2, 2.0], players=["Yunnan", "Guizhou", "Sichuan"])
    return coopgame.fund_analysis(game, status_quo=[0.0, 1.1, 0.9], rules=["shapley", PooledFundRule.chishui()])


def relocation_rule() -> coopgame.RelocationTaxRule:
    return coopgame.RelocationTaxRule("Beijing", "Hebei", [0.3, 0.3, 0.3], [0.4] * 6)


def two_city_sweep() -> coopgame.SweepResult:
    return coopgame.parameter_sweep(_two_city_with, {"reward": [0, 2, 3], "penalty": [0, 1.5]})


def _two_city_with(reward: float, penalty: float) -> coopgame.PairwiseGame:
    return coopgame.PairwiseGame.from_two_city(cost=4, synergy=6, free_ride_gain=2, lone_loss=1, reward=reward,
                                               penalty=penalty)


def _mechanism() -> Any:
    return coopgame.FundMechanism(["A", "B"], coopgame.DuesRule([1.0, 1.0], 2.0),
                                  [coopgame.Project("link", 4.0, [5.0, 5.0], ("A", "B"))], withholding=0.5)


CASES: dict[str, Callable[[], Any]] = {
    # games and cost terms
    "PairwiseGame": lambda: coopgame.PairwiseGame([[3, 0], [5, 1]], [[3, 5], [0, 1]]),
    "PairwiseGame-3x2": lambda: coopgame.PairwiseGame([[3, 0], [5, 1], [4, 2]], [[3, 5], [0, 1], [2, 2]],
                                                      players=["row", "col"]),
    "PairwiseGame-perceived": lambda: coopgame.NCityGame(cost=[4.0, 5.0], synergy=[[0, 6], [7, 0]],
                                                         perception=1.5).to_pairwise(),
    "NCityGame": three_cities,
    "TUGame": towns,
    "StructuredGame-airport": lambda: coopgame.StructuredGame.from_costs(coopgame.AirportCost([8, 11, 13, 18])),
    "StructuredGame-scale": lambda: coopgame.StructuredGame(
        [1.0, 2.0, 0.0], [[0, 1, 0], [1, 0, 0], [0, 0, 0]],
        costs=[coopgame.ScaleEconomyCost([1.0, 3.0, 2.0], scale=10.0, exponent=0.5)]),
    "AirportCost": lambda: coopgame.AirportCost([8, 11, 13, 18]),
    "ScaleEconomyCost": lambda: coopgame.ScaleEconomyCost([1.0, 3.0], scale=10.0, exponent=0.5),
    "ValueFunctionGame": lambda: coopgame.ValueFunctionGame(glove_worth, players=["L", "R1", "R2"]),
    "SymbolicPairwiseGame": SymbolicPairwiseGame.two_city,
    # model files
    "ModelSpec": lambda: coopgame.load_model("default"),
    "ModelSpec-scenario": lambda: coopgame.load_model("pooled_basin_fund").scenario("qingshuipu_fails"),
    "BuiltModel-pairwise": lambda: coopgame.load_model("two_city_coop").build(),
    "BuiltModel-lazy-dense": lambda: coopgame.load_model("yrd26").build(),  # dense game not built yet
    "Provenance": lambda: coopgame.load_model("default").provenance(),
    "ModelCatalog": coopgame.list_models,
    # cooperative results
    "AllocationResult": lambda: coopgame.shapley_value(towns()),
    "AllocationResult-banzhaf": lambda: coopgame.banzhaf_value(towns()),
    "NucleolusResult": lambda: coopgame.nucleolus(towns()),
    "PowerIndexResult": lambda: coopgame.power_indices([4, 4, 4, 2, 2, 1], 12),
    "BinaryActionGame": lambda: coopgame.BinaryActionGame([[1, 1], [0, 5], [5, 0], [3, 3]]),
    "DuesRule": lambda: coopgame.DuesRule([1.0, 3.0], 0.5),
    "Project": lambda: coopgame.Project("link", 4.0, [5.0, 5.0], ("A", "B")),
    "Conference": lambda: coopgame.Conference(votes=[2, 1], quota="simple"),
    "AirportNucleolusResult": lambda: coopgame.airport_nucleolus([8.0, 11.0, 13.0, 18.0]),
    "BankruptcyResult": lambda: coopgame.talmud_rule(200, [100, 200, 300], players=["a", "b", "c"]),
    "BankruptcyRule": lambda: coopgame.BankruptcyRule([100, 200, 300], rule="cel"),
    "CostAllocationResult": lambda: coopgame.scrb(coopgame.TUGame.from_costs([0, 230, 160, 350, 230, 460, 365, 556])),
    "CriticalDiscountResult": lambda: coopgame.critical_discount_factors(
        coopgame.NCityGame(cost=[7.0, 8.0, 10.0], spillover=4 * (1 - np.eye(3)), synergy=3 * (1 - np.eye(3)))),
    "OwenRule": lambda: coopgame.OwenRule([[0, 1], [2]]),
    "MyersonRule": lambda: coopgame.MyersonRule([(0, 1), (1, 2)]),
    "TauRule": lambda: coopgame.TauRule(),
    "SCRBRule": lambda: coopgame.SCRBRule([200.0, 300.0, 215.0]),
    "TauResult": lambda: coopgame.tau_value(coopgame.TUGame([0, 0, 0, 2, 0, 2, 3, 5])),
    "SinglePopulationTrajectoryResult": lambda: coopgame.single_population_replicator(
        np.array([[-1.0, 2.0], [0.0, 1.0]]), [[0.9, 0.1], [0.2, 0.8]], (0, 5), mutation=0.05, background=2.0),
    "SinglePopulationRestPointsResult": lambda: coopgame.single_population_rest_points(
        np.array([[0.0, 6.0, -4.0], [-3.0, 0.0, 5.0], [-1.0, 3.0, 0.0]])),
    "TripartiteGame": lambda: coopgame.TripartiteGame(supervision_cost=2.0, penalty=3.0, cost=4.0,
                                                      synergy=[[0, 5], [5, 0]]),
    "UncertaintyResult": lambda: coopgame.uncertainty_analysis(coopgame.load_model("chengdu_chongqing"), draws=50,
                                                                rng=1),
    "FundUncertaintyResult": lambda: coopgame.uncertainty_analysis(coopgame.load_model("nanjing_fund"), draws=40,
                                                                    rng=1),
    "TripartiteUncertaintyResult": lambda: coopgame.uncertainty_analysis(
        coopgame.load_model("chengdu_chongqing_tripartite"), draws=40, rng=1),
    "FundMechanism": lambda: _mechanism(),
    "MechanismResult": lambda: _mechanism().analyse(),
    "KohlbergCheck": lambda: coopgame.nucleolus(towns()).kohlberg,
    "CoreResult": lambda: coopgame.core(towns()),
    "LeastCoreResult": lambda: coopgame.least_core(towns()),
    "CoreViolation": lambda: coopgame.largest_core_violation(towns(), cost_shares=[210, 130, 216]),
    "BatchAllocationResult": lambda: coopgame.shapley_values([[0, 0, 0, 1, 0, 1, 0, 1], [0, 0, 0, 0, 0, 1, 1, 1]]),
    "DividendResult": lambda: coopgame.harsanyi_dividends(towns()),
    "PropertyCheck": lambda: coopgame.check_convexity(towns()),
    # equilibria
    "NashEquilibriaResult-2x2": lambda: coopgame.nash_equilibria(stag_hunt()),
    "NashEquilibriaResult-3x2": lambda: coopgame.nash_equilibria(
        coopgame.PairwiseGame([[3, 0], [5, 1], [4, 2]], [[3, 5], [0, 1], [2, 2]])),
    "PureEquilibriaResult": lambda: coopgame.pure_equilibria(three_cities()),
    "PureEquilibriaResult-pairwise": lambda: coopgame.pure_equilibria(stag_hunt()),
    "BatchEquilibria2x2": lambda: coopgame.batch_equilibria_2x2([[[3, 0], [5, 1]], [[4, 0], [3, 2]]],
                                                                [[[3, 5], [0, 1]], [[4, 3], [0, 2]]]),
    "EfficiencyResult": lambda: coopgame.price_of_anarchy(three_cities().layer(0)),
    "BestResponsePath": lambda: coopgame.best_response_dynamics(three_cities().layer(1), 0),
    "GameClassification": lambda: stag_hunt().classify(),
    # evolutionary dynamics
    "TrajectoryResult": lambda: coopgame.replicator_dynamics(stag_hunt(), [[0.9, 0.9], [0.2, 0.3]], (0, 5)),
    "RestPointsResult": lambda: coopgame.rest_points(stag_hunt()),
    "RestPoint": lambda: coopgame.rest_points(stag_hunt()).points[0],
    "RegimeResult": lambda: coopgame.evolutionary_regime(stag_hunt()),
    "Regime": lambda: coopgame.evolutionary_regime(stag_hunt()).regime,
    "BasinResult": lambda: coopgame.basin_share(stag_hunt()),
    "EvolutionaryPreset": lambda: coopgame.bm1_preset("worked"),
    # symbolic results
    "ConditionResult": lambda: coopgame.ess_conditions(SymbolicPairwiseGame.two_city()),
    "DesignInverseResult": lambda: coopgame.design_inverses(SymbolicPairwiseGame.two_city()),
    # policy: rules and fund analysis
    "ShapleyRule": coopgame.ShapleyRule,
    "NucleolusRule": coopgame.NucleolusRule,
    "ProportionalRule": lambda: coopgame.ProportionalRule([1, 2, 3], basis="GDP"),
    "EqualSplitRule": coopgame.EqualSplitRule,
    "StockIncrementRule": lambda: coopgame.StockIncrementRule([3.0, 2.0]),
    "PooledFundRule": PooledFundRule.chishui,
    "FundSection": lambda: PooledFundRule.chishui().sections[0],
    "FundSettlement": lambda: PooledFundRule.chishui().settle(),
    "TaxBasePoolRule": lambda: coopgame.TaxBasePoolRule(["rich", "poor"], growth=[10, 0], population=[1, 1],
                                                        fiscal_capacity=[2, 1]),
    "RelocationTaxRule": relocation_rule,
    "RelocationSchedule": lambda: relocation_rule().schedule(),
    "FundAnalysis": chishui_fund,
    "RuleOutcome": lambda: chishui_fund().outcomes[0],
    "OutsideOptions": lambda: coopgame.outside_options(three_cities()),
    "SelfEnforcingTransfers": lambda: coopgame.self_enforcing_transfers(stag_hunt()),
    # sweeps and reports (sections hold their figures as picklable partials)
    "SweepResult": two_city_sweep,
    "ModelAnalysis-cost-game": lambda: coopgame.model_analysis(towns()),
    "ModelAnalysis-two-city": lambda: coopgame.model_analysis(coopgame.load_model("two_city_coop")),
    "Summary": lambda: coopgame.shapley_value(towns()).summary(),
}

# Plain mutable containers by design (their originals accept new attributes too); their arrays are still checked.
MUTABLE = (BuiltModel,)

# multiprocessing pickles with the default protocol (4), which brings arrays back writeable; joblib's loky
# uses the highest (5), which keeps contiguous read-only arrays read-only by itself.
COPIES: dict[str, Callable[[Any], Any]] = {
    "pickle": lambda obj: pickle.loads(pickle.dumps(obj)),
    "pickle-highest": lambda obj: pickle.loads(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)),
    "copy": copy.copy,
    "deepcopy": copy.deepcopy,
}


@functools.cache
def original(name: str) -> Any:
    """The case's object, built once (tests only read it)."""
    return CASES[name]()


# ---------------------------------------------------------------------------------------------- comparison
def _attributes(obj: Any) -> dict[str, Any]:
    """Everything an object stores: its ``__dict__`` and its filled ``__slots__``."""
    out = dict(getattr(obj, "__dict__", {}))
    for klass in type(obj).__mro__:
        slots = klass.__dict__.get("__slots__", ())
        for name in (slots,) if isinstance(slots, str) else slots:
            try:
                out[name] = object.__getattribute__(obj, name)
            except AttributeError:
                pass
    return out


def assert_same(a: Any, b: Any, path: str = "obj", seen: set[tuple[int, int]] | None = None) -> int:
    """Assert ``b`` holds the same data as ``a``, read-only where ``a`` is; return the read-only arrays checked."""
    seen = set() if seen is None else seen
    if (id(a), id(b)) in seen:
        return 0
    seen.add((id(a), id(b)))
    if isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray), f"{path}: {type(b).__name__} instead of an array"
        assert a.dtype == b.dtype and a.shape == b.shape, f"{path}: {b.dtype}{b.shape} != {a.dtype}{a.shape}"
        assert np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"), f"{path}: values differ"
        if not a.flags.writeable:
            assert b.flags.writeable is False, f"{path}: read-only array came back writeable"
            return 1
        return 0
    assert type(b) is type(a), f"{path}: {type(b).__name__} instead of {type(a).__name__}"
    checked = 0
    if isinstance(a, (dict, types.MappingProxyType)):
        assert list(a) == list(b), f"{path}: keys differ"
        for key in a:
            checked += assert_same(a[key], b[key], f"{path}[{key!r}]", seen)
    elif isinstance(a, (tuple, list)):
        assert len(a) == len(b), f"{path}: lengths differ"
        for i, (x, y) in enumerate(zip(a, b)):
            checked += assert_same(x, y, f"{path}[{i}]", seen)
    elif isinstance(a, functools.partial):
        checked += assert_same((a.func, a.args, a.keywords), (b.func, b.args, b.keywords), f"{path}.partial", seen)
    elif isinstance(a, types.FunctionType):  # a closure rebuilt with its object is the same code, not the same object
        assert (a.__module__, a.__qualname__) == (b.__module__, b.__qualname__), f"{path}: another function"
    elif type(a).__module__.startswith("coopgame."):
        attrs_a, attrs_b = _attributes(a), _attributes(b)
        assert sorted(attrs_a) == sorted(attrs_b), f"{path}: attributes differ"
        for name in attrs_a:
            checked += assert_same(attrs_a[name], attrs_b[name], f"{path}.{name}", seen)
    elif isinstance(a, (float, complex, np.inexact)):
        assert a == b or (a != a and b != b), f"{path}: {b!r} != {a!r}"
    else:
        assert a == b, f"{path}: {b!r} != {a!r}"
    return checked


# ---------------------------------------------------------------------------------------------- tests
@pytest.mark.parametrize("how", list(COPIES))
@pytest.mark.parametrize("name", list(CASES))
def test_copy_holds_the_same_data_read_only(name: str, how: str) -> None:
    obj = original(name)
    clone = COPIES[how](obj)
    assert type(clone) is type(obj)
    assert_same(obj, clone)


@pytest.mark.parametrize("how", list(COPIES))
@pytest.mark.parametrize("name", [n for n in CASES if not isinstance(original(n), MUTABLE + (enum.Enum,))])
def test_copy_stays_immutable(name: str, how: str) -> None:
    clone = COPIES[how](original(name))
    if dataclasses.is_dataclass(clone):  # its first field, if it has any
        public = next((f.name for f in dataclasses.fields(clone)), None)
    else:  # slot classes: a read-only property
        public = next(p for p in ("row_payoffs", "values", "cost", "additive", "costs", "quantities", "players")
                      if isinstance(getattr(type(clone), p, None), property))
    if public is not None:
        with pytest.raises(AttributeError):
            setattr(clone, public, getattr(clone, public))
    with pytest.raises(AttributeError):
        clone.not_an_attribute = 1


def test_every_public_class_has_a_case() -> None:
    abstract = {"CostTerm", "SharingRule"}
    public = {name for name, module in coopgame._PUBLIC.items()
              if isinstance(getattr(coopgame, name), type) and name not in abstract}
    covered = {type(original(name)).__name__ for name in CASES}
    assert public <= covered, f"no pickling case for {sorted(public - covered)}"


def test_issue_example_round_trips() -> None:
    game = coopgame.PairwiseGame([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    clone = pickle.loads(pickle.dumps(game))
    assert np.array_equal(clone.row_payoffs, [[3, 0], [5, 1]]) and np.array_equal(clone.col_payoffs, [[3, 5], [0, 1]])
    assert clone.classify().name == game.classify().name
    with pytest.raises(ValueError, match="read-only"):
        clone.row_payoffs[0, 0] = 10.0
    with pytest.raises(AttributeError, match="immutable"):
        clone._A = np.zeros((2, 2))


@pytest.mark.parametrize("how", ["pickle", "deepcopy"])
def test_copied_games_solve_to_the_same_answers(how: str) -> None:
    tu, pair, cities = towns(), stag_hunt(), three_cities()
    assert np.array_equal(coopgame.shapley_value(COPIES[how](tu)).cost_shares, coopgame.shapley_value(tu).cost_shares)
    eq_copy, eq = coopgame.nash_equilibria(COPIES[how](pair)), coopgame.nash_equilibria(pair)
    assert len(eq_copy.equilibria) == len(eq.equilibria) == 3
    for (x1, y1), (x2, y2) in zip(eq_copy.equilibria, eq.equilibria):
        assert np.array_equal(x1, x2) and np.array_equal(y1, y2)
    assert np.array_equal(COPIES[how](cities).payoff_gain(np.full((2, 3), 0.5)),
                          cities.payoff_gain(np.full((2, 3), 0.5)))


def test_nash_2x2_lazy_payoffs_survive_pickling() -> None:
    # payoffs/regrets of 2x2 results are derived on first access from a private certificate entry
    fresh = coopgame.nash_equilibria(stag_hunt())
    clone = pickle.loads(pickle.dumps(fresh))  # pickled before payoffs were ever read
    reference = coopgame.nash_equilibria(stag_hunt())
    assert np.array_equal(clone.payoffs, reference.payoffs)
    assert np.array_equal(clone.regrets, reference.regrets)
    assert np.all(clone.regrets <= 1e-9)


def test_lambda_value_function_fails_with_the_pickling_error_for_the_lambda() -> None:
    game = coopgame.ValueFunctionGame(lambda masks: (masks == 7).astype(float), n_players=3)
    with pytest.raises((pickle.PicklingError, AttributeError)) as info:
        pickle.dumps(game)
    assert "lambda" in str(info.value) and "immutable" not in str(info.value)
    clone = copy.deepcopy(game)  # deepcopy shares functions, so it works
    assert clone.grand_value == 1.0


def test_unpickled_games_keep_their_arrays_read_only() -> None:
    pair = pickle.loads(pickle.dumps(stag_hunt()))
    cities = pickle.loads(pickle.dumps(three_cities()))
    tu = pickle.loads(pickle.dumps(towns()))
    structured = pickle.loads(pickle.dumps(original("StructuredGame-airport")))
    arrays = [pair.row_payoffs, pair.col_payoffs, tu.values, tu.standalone_costs, structured.additive,
              structured.pairwise, structured.standalone_costs, structured.cost_terms[0].costs,
              *(cities.parameter(p) for p in ("base", "cost", "reward", "penalty", "perception", "spillover",
                                              "synergy", "siphon", "deadweight"))]
    assert [a.flags.writeable for a in arrays] == [False] * len(arrays)

"""The result family: every public result class follows the same rules (issue 10, item 4).

Each public result (a :class:`coopgame.results.Result` subclass named in
``coopgame.__all__``) is built through its public solver on a tiny game and
checked for: a one-line repr of bounded length that leaves the game out;
``game`` kept as a keyword-only field with ``repr=False``; ``players`` where
the result is about players; ``summary()`` and a JSON-serialisable
``to_dict()``; plain construction (no ``__getattr__``, no ``object.__new__``);
one vocabulary (``players``, ``is_empty``, ``passed``, ``rng``, ``tol``
relative / ``atol`` absolute). Pickling and copying are in ``test_pickling.py``.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import pathlib
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import coopgame
from coopgame.results import REPR_MAX, Result, Summary

PACKAGE = pathlib.Path(coopgame.__file__).parent


def towns() -> coopgame.TUGame:
    """Three towns sharing a wastewater plant (cost game)."""
    return coopgame.TUGame.from_costs([0, 230, 160, 350, 230, 460, 365, 556], players=["t1", "t2", "t3"])


def stag_hunt() -> coopgame.PairwiseGame:
    return coopgame.PairwiseGame.from_two_city(cost=4, synergy=6, free_ride_gain=2, lone_loss=1, reward=2,
                                               penalty=1.5)


def three_cities() -> coopgame.NCityGame:
    return coopgame.NCityGame(cost=[4.0, 3.0, 5.0], synergy=3.0 * (1 - np.eye(3)), reward=[2.0, 0.0, 0.0],
                              players=["A", "B", "C"])


def relocation() -> coopgame.RelocationTaxRule:
    return coopgame.RelocationTaxRule("Beijing", "Hebei", [0.3, 0.3, 0.3], [0.4] * 6)


def chishui_fund() -> coopgame.FundAnalysis:
    game = coopgame.TUGame([0, 0.1, 0.5, 1.0, 0.4, 0.6, 1.2, 2.0], players=["Yunnan", "Guizhou", "Sichuan"])
    return coopgame.fund_analysis(game, status_quo=[0.0, 1.1, 0.9], rules=["shapley", "equal"])


def _symbolic() -> Any:
    from coopgame.symbolic.games import SymbolicPairwiseGame
    return SymbolicPairwiseGame.two_city()


def _two_city(reward: float, penalty: float) -> coopgame.PairwiseGame:
    return coopgame.PairwiseGame.from_two_city(cost=4, synergy=6, free_ride_gain=2, lone_loss=1, reward=reward,
                                               penalty=penalty)


# result class -> a small instance built by its public solver
BUILD: dict[str, Callable[[], Result]] = {
    "AllocationResult": lambda: coopgame.shapley_value(towns()),
    "NucleolusResult": lambda: coopgame.nucleolus(towns()),
    "PowerIndexResult": lambda: coopgame.power_indices([4, 4, 4, 2, 2, 1], 12, players=["F", "D", "I", "B", "N", "L"]),
    "AirportNucleolusResult": lambda: coopgame.airport_nucleolus([8.0, 11.0, 13.0, 18.0]),
    "BankruptcyResult": lambda: coopgame.talmud_rule(200, [100, 200, 300], players=["a", "b", "c"]),
    "CostAllocationResult": lambda: coopgame.scrb(coopgame.TUGame.from_costs([0, 230, 160, 350, 230, 460, 365, 556])),
    "CriticalDiscountResult": lambda: coopgame.critical_discount_factors(
        coopgame.NCityGame(cost=[7.0, 8.0, 10.0], spillover=4 * (1 - np.eye(3)), synergy=3 * (1 - np.eye(3)))),
    "TauResult": lambda: coopgame.tau_value(coopgame.TUGame([0, 0, 0, 2, 0, 2, 3, 5])),
    "SinglePopulationTrajectoryResult": lambda: coopgame.single_population_replicator(
        np.array([[-1.0, 2.0], [0.0, 1.0]]), [[0.9, 0.1], [0.2, 0.8]], (0, 5), mutation=0.05, background=2.0),
    "SinglePopulationRestPointsResult": lambda: coopgame.single_population_rest_points(
        np.array([[0.0, 6.0, -4.0], [-3.0, 0.0, 5.0], [-1.0, 3.0, 0.0]])),
    "UncertaintyResult": lambda: coopgame.uncertainty_analysis(coopgame.load_model("chengdu_chongqing"), draws=50,
                                                                rng=1),
    "FundUncertaintyResult": lambda: coopgame.uncertainty_analysis(coopgame.load_model("nanjing_fund"), draws=40,
                                                                    rng=1),
    "TripartiteUncertaintyResult": lambda: coopgame.uncertainty_analysis(
        coopgame.load_model("chengdu_chongqing_tripartite"), draws=40, rng=1),
    "MechanismResult": lambda: coopgame.FundMechanism(
        ["A", "B"], coopgame.DuesRule([1.0, 1.0], 2.0), [coopgame.Project("link", 4.0, [5.0, 5.0], ("A", "B"))],
        participation=[-0.5, -1.0]).analyse(),
    "KohlbergCheck": lambda: coopgame.nucleolus(towns()).kohlberg,
    "CoreResult": lambda: coopgame.core(towns()),
    "LeastCoreResult": lambda: coopgame.least_core(towns()),
    "BatchAllocationResult": lambda: coopgame.shapley_values([[0, 0, 0, 1, 0, 1, 0, 1], [0, 0, 0, 0, 0, 1, 1, 1]]),
    "DividendResult": lambda: coopgame.harsanyi_dividends(towns()),
    "PropertyCheck": lambda: coopgame.check_convexity(towns()),
    "NashEquilibriaResult": lambda: coopgame.nash_equilibria(stag_hunt()),
    "PureEquilibriaResult": lambda: coopgame.pure_equilibria(three_cities()),
    "BatchEquilibria2x2": lambda: coopgame.batch_equilibria_2x2([[[3, 0], [5, 1]], [[4, 0], [3, 2]]],
                                                                [[[3, 5], [0, 1]], [[4, 3], [0, 2]]]),
    "EfficiencyResult": lambda: coopgame.price_of_anarchy(three_cities()),
    "BestResponsePath": lambda: coopgame.best_response_dynamics(three_cities(), 0),
    "GameClassification": lambda: stag_hunt().classify(),
    "TrajectoryResult": lambda: coopgame.replicator_dynamics(stag_hunt(), [[0.9, 0.9], [0.2, 0.3]], (0, 5)),
    "RestPointsResult": lambda: coopgame.rest_points(stag_hunt()),
    "RegimeResult": lambda: coopgame.evolutionary_regime(stag_hunt()),
    "BasinResult": lambda: coopgame.basin_share(stag_hunt(), points=5),
    "EvolutionaryPreset": lambda: coopgame.bm1_preset("worked"),
    "ConditionResult": lambda: coopgame.ess_conditions(_symbolic()),
    "DesignInverseResult": lambda: coopgame.design_inverses(_symbolic()),
    "FundAnalysis": chishui_fund,
    "RuleOutcome": lambda: chishui_fund().outcomes[0],
    "OutsideOptions": lambda: coopgame.outside_options(three_cities()),
    "SelfEnforcingTransfers": lambda: coopgame.self_enforcing_transfers(stag_hunt()),
    "FundSettlement": lambda: coopgame.PooledFundRule.chishui().settle(),
    "RelocationSchedule": lambda: relocation().schedule(),
    "SweepResult": lambda: coopgame.parameter_sweep(_two_city, {"reward": [0, 2, 3], "penalty": [0, 1.5]}),
    "ModelAnalysis": lambda: coopgame.model_analysis(towns()),
    "Provenance": lambda: coopgame.load_model("two_city_coop").provenance(),
    "ModelCatalog": coopgame.list_models,
}

# Results not computed from a game: a contract's own arithmetic, model-file metadata, a named parameter set.
NOT_FROM_A_GAME = {"FundSettlement", "RelocationSchedule", "Provenance", "ModelCatalog", "EvolutionaryPreset",
                   # a claims problem (estate, claims) and an airport's runway costs, not a game object
                   "BankruptcyResult", "AirportNucleolusResult"}
# Results about something other than players (a catalogue, a file's provenance, a named parameter set,
# the regime of a game, the Nash equilibria of a batch of 2x2 games, symbolic conditions, a yes/no property).
NO_PLAYERS = {"ModelCatalog", "Provenance", "EvolutionaryPreset", "RegimeResult", "BatchEquilibria2x2", "PropertyCheck",
              "ConditionResult", "DesignInverseResult", "BasinResult", "EfficiencyResult",
              "ModelAnalysis",
              # the strategies of one symmetric population, not players
              "SinglePopulationRestPointsResult"}


def public_result_classes() -> dict[str, type]:
    out = {}
    for name in coopgame.__all__:
        obj = getattr(coopgame, name)
        if inspect.isclass(obj) and issubclass(obj, Result):
            out[name] = obj
    return out


_cache: dict[str, Result] = {}


def built(name: str) -> Result:
    if name not in _cache:
        _cache[name] = BUILD[name]()
    return _cache[name]


def test_every_public_result_class_has_a_builder() -> None:
    missing = sorted(set(public_result_classes()) - set(BUILD))
    assert not missing, f"no case in tests/test_results.py for {missing}"


@pytest.mark.parametrize("name", sorted(BUILD))
def test_builder_makes_that_class(name: str) -> None:
    assert type(built(name)).__name__ == name


@pytest.mark.parametrize("name", sorted(BUILD))
def test_repr_is_one_short_line_without_the_game(name: str) -> None:
    r = built(name)
    text = repr(r)
    assert "\n" not in text
    assert len(text) <= REPR_MAX
    assert text.startswith(f"{name}(") and text.endswith(")")
    assert "game=" not in text


@pytest.mark.parametrize("name", sorted(BUILD))
def test_game_is_a_keyword_only_field_out_of_the_repr(name: str) -> None:
    r = built(name)
    fields = {f.name: f for f in dataclasses.fields(r)}
    assert "game" in fields
    assert fields["game"].repr is False and fields["game"].kw_only is True
    if name in NOT_FROM_A_GAME:
        return
    assert r.game is not None


def test_results_keep_the_game_they_answer() -> None:
    g = towns()
    for solver in (coopgame.shapley_value, coopgame.banzhaf_value, coopgame.core, coopgame.least_core,
                   coopgame.nucleolus, coopgame.harsanyi_dividends, coopgame.check_superadditivity):
        assert solver(g).game is g, solver.__name__
    pg = stag_hunt()
    for solver in (coopgame.nash_equilibria, coopgame.pure_equilibria, coopgame.rest_points):
        assert solver(pg).game is pg, solver.__name__


@pytest.mark.parametrize("name", sorted(set(BUILD) - NO_PLAYERS))
def test_players_where_the_result_is_about_players(name: str) -> None:
    players = built(name).players
    assert isinstance(players, tuple) and players and all(isinstance(p, str) for p in players)


@pytest.mark.parametrize("name", sorted(BUILD))
def test_summary_and_json_ready_to_dict(name: str) -> None:
    r = built(name)
    s = r.summary()
    assert isinstance(s, Summary) and s.as_text() and str(r)
    d = r.to_dict()
    assert d["result"] == name
    assert "game" not in d
    json.dumps(d)


@pytest.mark.parametrize("name", sorted(BUILD))
def test_one_vocabulary_for_fields(name: str) -> None:
    names = {f.name for f in dataclasses.fields(built(name))}
    banned = {"parties", "state_labels", "holds", "ok", "satisfied", "valid", "empty", "nonempty", "non_empty",
              "seed", "random_state"}
    assert not names & banned


@pytest.mark.parametrize("cls", sorted(public_result_classes().values(), key=lambda c: c.__name__),
                         ids=lambda c: c.__name__)
def test_plain_attribute_lookup(cls: type) -> None:
    for klass in cls.__mro__:
        assert "__getattr__" not in vars(klass), f"{klass.__name__} defines __getattr__"


def test_no_object_new_or_getattr_tricks_in_the_package() -> None:
    lazy = {PACKAGE / "_lazy.py"}
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path in lazy or path.name == "__init__.py":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"object\.__new__\(|def __getattr__\(", text):
            offenders.append(str(path.relative_to(PACKAGE)))
    assert not offenders


def _public_callables() -> list[tuple[str, Callable[..., Any]]]:
    out = []
    for name in coopgame.__all__:
        obj = getattr(coopgame, name)
        if inspect.isfunction(obj):
            out.append((name, obj))
        elif inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if (inspect.isfunction(member) or isinstance(member, (classmethod, staticmethod))) and \
                        not attr.startswith("_"):
                    out.append((f"{name}.{attr}", getattr(obj, attr)))
    return out


def test_randomness_is_rng_and_absolute_thresholds_are_atol() -> None:
    bad = []
    for label, func in _public_callables():
        try:
            params = inspect.signature(func).parameters
        except (TypeError, ValueError):
            continue
        for p in params:
            if p in ("seed", "random_state"):
                bad.append(f"{label}({p}=): use rng=")
            elif p.endswith("tol") and p not in ("tol", "rtol", "atol") and not p.endswith("_atol"):
                bad.append(f"{label}({p}=): tol is relative, absolute thresholds end in atol")
    assert not bad


@pytest.mark.parametrize("rng", [None, 7, [1, 2, 3], np.random.SeedSequence(11), np.random.PCG64(5),
                                 np.random.default_rng(4)], ids=["None", "int", "list", "SeedSequence",
                                                                  "BitGenerator", "Generator"])
def test_rng_takes_what_default_rng_takes_and_the_seed_repeats_the_run(rng: Any) -> None:
    g = coopgame.TUGame(np.arange(16.0) ** 1.5 * (np.arange(16) > 0), players=["a", "b", "c", "d"])
    first = coopgame.shapley_value(g, method="permutation", n_samples=64, rng=rng)
    seed = first.parameters["seed"]
    json.dumps(first.to_dict())
    again = json.loads(json.dumps(seed))  # the recorded seed, as saved with a result's JSON, is itself an rng
    repeat = coopgame.shapley_value(g, method="permutation", n_samples=64, rng=again)
    np.testing.assert_array_equal(first.allocation, repeat.allocation)


def test_bad_rng_is_a_clear_error() -> None:
    with pytest.raises(coopgame.errors.InvalidParameterError, match="rng"):
        coopgame.shapley_value(towns(), method="permutation", rng="not a seed")


def test_nash_result_builds_by_its_constructor_and_unpacks_certificates_on_access() -> None:
    r = coopgame.nash_equilibria(stag_hunt())
    again = dataclasses.replace(r)
    np.testing.assert_array_equal(again.payoffs, r.payoffs)
    np.testing.assert_array_equal(again.regrets, r.regrets)
    direct = coopgame.NashEquilibriaResult(r.equilibria, r.method, r.parameters, r.degenerate, r.complete,
                                           r.players, r.actions, payoffs=r.payoffs, regrets=r.regrets)
    assert direct.max_regret == r.max_regret and direct.game is None
    assert {"payoffs", "regrets"} <= set(r.to_dict())

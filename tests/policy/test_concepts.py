"""The concept registry (coopgame.policy.concepts): typed dispatch read by the report, the sweep and the CLI."""

from __future__ import annotations

import importlib
import json

import numpy as np
import pytest

import coopgame
from coopgame import NCityGame, PairwiseGame, StructuredGame, TUGame
from coopgame.cli import main
from coopgame.errors import InvalidGameError, InvalidParameterError
from coopgame.models.catalog import list_models, load_model
from coopgame.policy.concepts import (CONCEPTS, ROLES, Concept, ConceptRegistry, as_forms, concept_table,
                                      concepts_for, game_forms, plan, sweep_form)
from coopgame.report import model_analysis
from coopgame.results import AllocationResult

SLUGS = [e["slug"] if isinstance(e, dict) else e.slug for e in list_models().entries]
SMALL_SLUGS = [s for s in SLUGS if s != "yrd26"]  # yrd26: a dense 2**26 game, solved in its own slow test


def _tu(n=3):
    rng = np.random.default_rng(n)
    return StructuredGame(rng.uniform(-1, 0, n), rng.uniform(0, 1, (n, n)) * (1 - np.eye(n)))


def _pd():
    return PairwiseGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]])


# ---------------------------------------------------------------------------------------------- entries
@pytest.mark.parametrize("concept", list(CONCEPTS), ids=lambda c: c.name)
def test_every_entry_resolves_to_a_public_function(concept):
    module, *attrs = concept.public_name.split(".")[1:]  # coopgame.<subpackage>.<name>[.<method>]
    package = importlib.import_module(f"coopgame.{module}")
    assert attrs[0] in getattr(package, "_PUBLIC", {}) or attrs[0] in package.__all__, concept.public_name
    obj = package
    for attr in attrs:
        obj = getattr(obj, attr)
    assert obj is concept.solver, f"{concept.name}: {concept.public_name} is not its solver"
    assert concept.role in ROLES and not attrs[-1].startswith("_")


def test_names_are_unique_and_lookup_fails_with_the_list():
    names = [c.name for c in CONCEPTS]
    assert len(names) == len(set(names)) == len(CONCEPTS)
    with pytest.raises(KeyError, match="shapley"):
        CONCEPTS["owen"]


def test_the_registry_covers_the_concepts_of_design_2_3():
    assert {c.name for c in concepts_for(TUGame)} >= {"shapley", "banzhaf", "nucleolus", "least_core", "core",
                                                       "fund_analysis"}
    assert {c.name for c in concepts_for(PairwiseGame)} >= {"classification", "nash", "rest_points", "regime",
                                                             "basins"}
    assert {c.name for c in concepts_for(NCityGame)} >= {"pure_equilibria", "efficiency", "cooperative_form",
                                                          "pairwise_form"}


@pytest.mark.parametrize("game", [_tu(3), _tu(3).to_tu(), _pd(),
                                  NCityGame(cost=4.0, synergy=3.0 * (1 - np.eye(3)), players=list("ABC"))],
                         ids=["structured", "dense", "pairwise", "ncity"])
def test_every_applicable_solver_runs_on_a_small_game(game):
    for concept in plan(game):
        if concept.role == "fund":
            sq = np.asarray(game.status_quo()) if hasattr(game, "status_quo") else \
                np.full(game.n_players, game.grand_value / game.n_players)
            out = concept.solver(game, status_quo=sq)
        else:
            out = concept(game)
        assert out is not None, concept.name
        if concept.role == "form":
            assert all(concepts_for(form) for _, form in as_forms(out))


# ---------------------------------------------------------------------------------------------- dispatch by type
class _MyGame(TUGame):
    """A subclass a user might write: it must dispatch like TUGame."""


def test_a_subclass_of_tugame_dispatches_like_tugame():
    base = TUGame([0, 1, 1, 3], players=["a", "b"])
    mine = _MyGame([0, 1, 1, 3], players=["a", "b"])
    assert concepts_for(mine) == concepts_for(base) == concepts_for(TUGame)
    assert plan(mine).names() == plan(base).names()
    assert sweep_form(mine).kind == "cooperative"
    assert list(game_forms(mine)) == [("", mine)]
    res = model_analysis(mine)  # the report's section builders dispatch on the type too
    np.testing.assert_allclose(res.section("allocations").data["shapley"]["allocation"], [1.5, 1.5])
    assert res.kind == "tu"


def test_lookup_is_by_type_not_by_attribute_names():
    class LooksLikeAGame:
        n_players = 2
        players = ("a", "b")
        values = np.zeros(4)
        shape = (2, 2)

        def tu_game(self):  # the old sweep probed names like this one
            return TUGame([0, 1, 1, 3])

    obj = LooksLikeAGame()
    assert concepts_for(obj) == ()
    with pytest.raises(InvalidGameError, match=r"^plan\(\): game must be a game .* got LooksLikeAGame"):
        plan(obj)      # refused, not an empty plan: no concept is registered for its type
    assert list(game_forms(obj)) == []
    with pytest.raises(InvalidParameterError, match="no pairwise or cooperative form"):
        sweep_form(obj)


# ---------------------------------------------------------------------------------------------- limits
def test_a_concept_over_its_limit_is_skipped_with_its_reason():
    big = plan(_tu(21))
    assert "shapley" in big and "banzhaf" in big
    assert "nucleolus" not in big and "core" not in big
    assert "n = 21 > 20" in big.reason("nucleolus")
    # the LP concepts share one limit and one line
    assert any(m.startswith("core, least core and nucleolus: n = 21 > 20") for m in big.messages())
    assert plan(_tu(20)).reason("nucleolus") is None


def test_banzhaf_limit_applies_to_structured_games_only():
    assert "n = 27 > 26" in plan(_tu(27)).reason("banzhaf")
    assert CONCEPTS["banzhaf"].limit(TUGame(np.zeros(1 << 3))) is None


def test_dynamics_apply_to_2x2_games_only():
    square = PairwiseGame.from_arrays(np.eye(3), np.eye(3))
    p = plan(square)
    assert "nash" in p and "rest_points" not in p and "classification" not in p
    assert "2x2 games only" in p.reason("rest_points")
    assert any(m.startswith("replicator phase portrait: drawn for 2x2 games only") for m in p.messages())


def test_wrong_type_is_not_applicable_with_a_reason():
    assert CONCEPTS["shapley"].why_not(_pd()) == "applies to TUGame, StructuredGame, ValueFunctionGame, not PairwiseGame"
    assert not CONCEPTS["nash"].applies(_tu())


def test_two_city_games_use_their_pairwise_form():
    two = NCityGame(cost=4.0, reward=1.0, synergy=[[0, 5], [5, 0]], players=["A", "B"])
    p = plan(two)
    # plus the policy answers (outside options; transfers once the alpha cooperative game is at hand)
    assert p.names()[:2] == ("pairwise_form", "cooperative_form")
    assert set(p.names()[2:]) <= {"outside_options", "self_enforcing_transfers"} and "outside_options" in p
    assert "pairwise form" in p.reason("pure_equilibria")
    (label, form), = as_forms(CONCEPTS["pairwise_form"].solver(two))
    assert label == "" and form.row_payoffs.tolist() == two.to_pairwise().row_payoffs.tolist()


# ---------------------------------------------------------------------------------------------- adding a concept
def _equal_split(game):
    n = game.n_players
    return AllocationResult(np.full(n, game.grand_value / n), tuple(game.players), "equal split", "closed form")


@pytest.fixture
def equal_split():
    concept = Concept("equal_split", "equal split", _equal_split, (TUGame, StructuredGame), "allocation",
                      short="equal")
    CONCEPTS.register(concept)
    try:
        yield concept
    finally:
        CONCEPTS._concepts.pop(concept.name)  # test hygiene: the registry has no public removal


def test_one_registry_line_adds_a_concept_to_the_report(equal_split):
    res = model_analysis(TUGame([0, 1, 1, 3], players=["a", "b"]))
    allocations = res.section("allocations")
    np.testing.assert_allclose(allocations.data["equal_split"]["allocation"], [1.5, 1.5])
    assert "equal" in allocations.summary.columns
    assert "equal_split" in [row[1] for row in concept_table(TUGame([0, 1, 1, 3])).rows]


def test_registering_checks_the_entry():
    reg = ConceptRegistry()
    reg.register(Concept("x", "x", _equal_split, (TUGame,), "allocation"))
    with pytest.raises(InvalidParameterError, match="already registered"):
        reg.register(Concept("x", "x", _equal_split, (TUGame,), "allocation"))
    with pytest.raises(InvalidParameterError, match="role must be one of"):
        Concept("y", "y", _equal_split, (TUGame,), "value")
    with pytest.raises(InvalidParameterError, match="game_types"):
        Concept("y", "y", _equal_split, ("TUGame",), "allocation")


# ---------------------------------------------------------------------------------------------- sweeps
@pytest.mark.parametrize("slug, kind, game_type", [
    ("two_city_coop", "pairwise", PairwiseGame),
    ("xinanjiang_bet", "pairwise", PairwiseGame),
    ("default", "cooperative", TUGame),
    ("airport_runway", "cooperative", StructuredGame),
    ("bth13", "cooperative", TUGame),
])
def test_sweep_form_of_each_built_model(slug, kind, game_type):
    built = load_model(slug).build()
    form = sweep_form(built)
    assert form.kind == kind and isinstance(form.game, game_type)
    if slug == "bth13":  # the model states the alpha convention: its sweep reads the alpha game
        np.testing.assert_allclose(form.game.values, built.ncity.tu_game(convention="alpha").values)


def test_sweep_form_of_a_model_with_its_own_cooperative_game():
    three = NCityGame(cost=4.0, synergy=3.0 * (1 - np.eye(3)), players=list("ABC"))
    facility = TUGame(np.arange(8.0), players=list("ABC"))

    class Built:  # a GameContainer, as BuiltModel of an ncity_dense model is
        def games(self):
            yield "", three
            yield "with the shared facility", facility

    assert sweep_form(Built()) == ("cooperative", facility)
    two = NCityGame(cost=4.0, reward=1.0, synergy=[[0, 5], [5, 0]], players=["A", "B"])

    class TwoCities:
        def games(self):
            yield "", two
            yield "with the shared facility", facility

    assert sweep_form(TwoCities()).kind == "pairwise"
    with pytest.raises(InvalidParameterError, match="no issue layers"):
        sweep_form(load_model("two_city_coop").build(), issue=0)


def test_sweep_form_picks_an_issue_layer():
    built = load_model("chengdu_chongqing").build()
    with pytest.raises(InvalidParameterError, match="issue layers; choose one"):
        sweep_form(built)
    first = sweep_form(built, issue=0)
    by_name = sweep_form(built, issue=built.ncity.issues[0])
    assert first.kind == "pairwise" and first.game.shape == (2, 2)
    np.testing.assert_array_equal(first.game.row_payoffs, by_name.game.row_payoffs)
    with pytest.raises(InvalidParameterError, match="issue must be one of"):
        sweep_form(built, issue="nope")
    with pytest.raises(InvalidParameterError, match="no issue layers"):
        sweep_form(load_model("bth13").build(), issue=0)


def test_sweep_form_refuses_what_has_no_form():
    with pytest.raises(InvalidParameterError, match="no pairwise or cooperative form"):
        sweep_form(load_model("tax_base_pool").build())
    with pytest.raises(InvalidParameterError, match="2x2"):
        sweep_form(PairwiseGame.from_arrays(np.eye(3), np.eye(3)))


# ---------------------------------------------------------------------------------------------- the report
def _forms(obj):
    """Every (label, game) the registry reaches from obj: its forms and the forms of their form concepts."""
    out = []
    for label, game in game_forms(obj):
        out.append((label, game))
        for concept in plan(game).role("form"):
            out += _forms_of_pairs(as_forms(concept.solver(game)), label)
    return out


def _forms_of_pairs(pairs, outer):
    return [(label or outer, game) for label, game in pairs]


@pytest.mark.parametrize("slug", SMALL_SLUGS)
def test_report_sections_of_each_built_in_model_come_from_the_registry(slug):
    built = load_model(slug).build()
    res = model_analysis(slug)
    keys = [s.key for s in res.sections]
    allocations = [s for s in res.sections if s.key.startswith("allocations")]
    for _, game in _forms(built):
        p = plan(game)
        if isinstance(game, (TUGame, StructuredGame)):
            computed = set().union(*(set(s.data) for s in allocations))
            assert {c.name for c in p.role("allocation")} <= computed, slug
            if "core" in p:
                assert any(k.startswith("core") for k in keys)
        if isinstance(game, PairwiseGame):
            assert any(k.startswith("equilibria") for k in keys)
            assert bool(p.role("dynamics")) == any(k.startswith("dynamics") for k in keys)
        if isinstance(game, NCityGame) and "pure_equilibria" in p:
            assert "equilibria" in keys and "efficiency" in keys
        for concept, why in p.skipped:
            if concept.role in ("allocation", "core", "equilibria", "efficiency", "dynamics"):
                assert any(why in s for s in res.skipped), (slug, concept.name, why)


@pytest.mark.parametrize("slug", SMALL_SLUGS)
def test_coopgame_solve_runs_on_each_built_in_model(slug, capsys):
    assert main(["solve", slug, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["model"] == slug and (out["sections"] or out["skipped"])


# ---------------------------------------------------------------------------------------------- the CLI
def test_cli_lists_the_registry(capsys):
    assert main(["concepts"]) == 0
    text = capsys.readouterr().out
    for concept in CONCEPTS:
        assert concept.name in text and concept.public_name in text


def test_cli_lists_the_concepts_of_a_model(capsys):
    assert main(["concepts", "bth13", "--json"]) == 0
    table = json.loads(capsys.readouterr().out)
    status = {(row[0], row[1]): row[2] for row in table["rows"]}
    assert status[("NCityGame", "pure_equilibria")] == "applies"
    assert status[("NCityGame", "pairwise_form")].startswith("skipped: needs exactly 2 cities")
    assert status[("TUGame", "shapley")] == "applies"  # the alpha game, dense at n = 13
    assert main(["concepts", "--scenario", "x"]) == 1


def test_built_model_lists_its_game_forms():
    assert [type(g).__name__ for _, g in load_model("bth13").build().games()] == ["NCityGame"]
    assert [type(g).__name__ for _, g in load_model("default").build().games()] == ["TUGame"]
    assert list(load_model("tax_base_pool").build().games()) == []
    first = next(iter(load_model("yrd26").build().games()))  # the facility's dense game is not built for this
    assert isinstance(first[1], NCityGame)
    assert coopgame.models.BuiltModel.games.__doc__

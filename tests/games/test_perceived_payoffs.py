"""Perceived payoffs decide, true payoffs measure welfare (DESIGN §2.1): NCityGame.to_pairwise and PairwiseGame."""

import copy
import pickle

import numpy as np
import pytest

import coopgame
from coopgame import NCityGame, PairwiseGame
from coopgame.errors import InvalidGameError
from tests.models.variants import chengdu_chongqing_round
from tests.strategies import ncity_params
from hypothesis import given


def _chengdu_chongqing_services() -> PairwiseGame:
    return chengdu_chongqing_round().build().ncity.layer(0).to_pairwise()


def test_chengdu_chongqing_full_cooperation_welfare_is_the_true_value():
    # models/chengdu_chongqing.toml, issue "shared public services" (layer 0): cost c = (19, 24),
    # synergy s_01 = 22 (Chengdu's, from Chongqing), s_10 = 26, spillover e = 4 both ways, no siphon,
    # reward W = 1, penalty F = 0.5, base 0, perception β = 1.2.
    # True payoff at (C, C), x = (1, 1), from ncity.py's formula:
    #   u_i = b_i + (W_i − c_i) + e_ij + s_ij
    #   Chengdu   = 0 + (1 − 19) + 4 + 22 = 8
    #   Chongqing = 0 + (1 − 24) + 4 + 26 = 7          welfare = 8 + 7 = 15
    # Perceived (decisions): c_i is weighed by β = 1.2:
    #   Chengdu   = 1 − 1.2·19 + 4 + 22 = 1 − 22.8 + 26 = 4.2
    #   Chongqing = 1 − 1.2·24 + 4 + 26 = 1 − 28.8 + 30 = 2.2   their sum 6.4 (what the old table called welfare)
    game = _chengdu_chongqing_services()
    assert game.is_perceived
    assert game.welfare()[0, 0] == pytest.approx(15.0, abs=1e-12)
    np.testing.assert_allclose([game.row_payoffs[0, 0], game.col_payoffs[0, 0]], [4.2, 2.2], atol=1e-12)
    np.testing.assert_allclose([game.true_game.row_payoffs[0, 0], game.true_game.col_payoffs[0, 0]], [8.0, 7.0],
                               atol=1e-12)
    # (C, D): Chengdu cooperates alone, 1 − 19 = −18 (true); Chongqing protects: −F + e = −0.5 + 4 = 3.5.
    # (D, D): −F each = −0.5, welfare −1. Nothing is scaled by β where nobody pays a cost.
    np.testing.assert_allclose(game.welfare(), [[15.0, -14.5], [-19.5, -1.0]], atol=1e-12)
    assert game.social_optimum() == [(0, 0)]


def test_perceived_form_carries_its_true_twin_and_decides_on_perceived_payoffs():
    ncity = NCityGame(cost=[4.0, 5.0], reward=1.0, synergy=[[0, 6], [7, 0]], spillover=[[0, 1], [2, 0]],
                      siphon=[[0, 1.5], [0.5, 0]], deadweight=0.2, perception=[1.5, 1.3], players=["A", "B"])
    seen = ncity.to_pairwise()
    true = ncity.to_pairwise(perceived=False)
    assert seen.is_perceived and not true.is_perceived
    assert seen.true_game == true and true.true_game is true
    # the decision payoffs are the perceived ones; the welfare is the true one
    assert not np.array_equal(seen.row_payoffs, true.row_payoffs)
    np.testing.assert_array_equal(seen.welfare(), true.row_payoffs + true.col_payoffs)
    np.testing.assert_array_equal(seen.welfare(), true.welfare())
    # every profile's true welfare is the n-city game's welfare of that profile (C = bit set)
    masks = {(0, 0): 0b11, (0, 1): 0b01, (1, 0): 0b10, (1, 1): 0b00}
    for (i, j), m in masks.items():
        assert seen.welfare()[i, j] == pytest.approx(ncity.welfare(np.array([m]))[0], abs=1e-12)
    # equilibria read the perceived payoffs: the same as the game without its twin
    plain = PairwiseGame(seen.row_payoffs, seen.col_payoffs, players=seen.players)
    assert seen.classify().regime == plain.classify().regime
    assert coopgame.nash_equilibria(seen).n_equilibria == coopgame.nash_equilibria(plain).n_equilibria


@given(ncity_params(2, 2))
def test_true_welfare_does_not_depend_on_perception(p):
    base = NCityGame(**{**p, "perception": 1.0}).to_pairwise()
    for beta in (1.0, 1.3, 2.5):
        game = NCityGame(**{**p, "perception": beta}).to_pairwise()
        np.testing.assert_array_equal(game.welfare(), base.welfare())
        assert game.social_optimum() == base.social_optimum()
        np.testing.assert_array_equal(game.pareto_efficient(), base.pareto_efficient())


def test_perception_one_gives_a_plain_game():
    ncity = NCityGame(cost=[4.0, 5.0], synergy=[[0, 6], [7, 0]], perception=1.0)
    assert not ncity.perceived_differs
    game = ncity.to_pairwise()
    assert not game.is_perceived and game.true_game is game
    assert game == ncity.to_pairwise(perceived=False)
    # β ≠ 1 on a city with nothing to weigh (no cost, no siphon loss) changes nothing either
    idle = NCityGame(cost=[0.0, 5.0], perception=[2.0, 1.0])
    assert not idle.perceived_differs and not idle.to_pairwise().is_perceived
    assert NCityGame(cost=[1.0, 5.0], perception=[2.0, 1.0]).perceived_differs


def test_layered_two_city_game_is_perceived_too():
    g = chengdu_chongqing_round().build().ncity
    seen, true = g.to_pairwise(), g.to_pairwise(perceived=False)
    assert seen.shape == (8, 8) and seen.is_perceived and seen.true_game == true
    # "all issues" against "all issues": the sum of the three layers' true (C, C) welfare, 15 + 20.2 − 2.2
    assert seen.welfare()[0, 0] == pytest.approx(15.0 + 20.2 - 2.2, abs=1e-9)


def test_true_payoffs_argument():
    A, B = [[1.0, -5.0], [0.0, 0.0]], [[1.0, 0.0], [-5.0, 0.0]]
    TA, TB = [[3.0, -3.0], [0.0, 0.0]], [[3.0, 0.0], [-3.0, 0.0]]
    g = PairwiseGame(A, B, players=["A", "B"], true_payoffs=(TA, TB))
    assert g.is_perceived and "perceived" in repr(g)
    assert g.true_game.row_payoffs.tolist() == TA and not g.true_game.row_payoffs.flags.writeable
    assert g.welfare().tolist() == [[6.0, -3.0], [-3.0, 0.0]]
    # equal true payoffs: nothing to carry
    assert not PairwiseGame(A, B, true_payoffs=(A, B)).is_perceived
    # equality: the same decision payoffs with different welfare are different games
    assert g != PairwiseGame(A, B, players=["A", "B"])
    assert g == PairwiseGame(A, B, players=["A", "B"], true_payoffs=(TA, TB))
    assert g != PairwiseGame(A, B, players=["A", "B"], true_payoffs=(TA, A))
    # transposing swaps the true payoffs with the roles
    t = g.transpose()
    assert t.is_perceived and t.true_game == g.true_game.transpose()
    assert t.transpose() == g
    with pytest.raises(InvalidGameError, match="true_payoffs"):
        PairwiseGame(A, B, true_payoffs=(TA,))
    with pytest.raises(InvalidGameError, match="shape"):
        PairwiseGame(A, B, true_payoffs=([[1.0]], [[1.0]]))


@pytest.mark.parametrize("how", [lambda g: pickle.loads(pickle.dumps(g)), copy.copy, copy.deepcopy])
def test_perceived_game_copies_with_its_twin_read_only(how):
    game = _chengdu_chongqing_services()
    clone = how(game)
    assert clone == game and clone.is_perceived
    assert clone.welfare()[0, 0] == pytest.approx(15.0)
    assert not clone.true_game.row_payoffs.flags.writeable and not clone.row_payoffs.flags.writeable
    with pytest.raises(AttributeError):
        clone._true = None


def test_pure_equilibria_of_a_perceived_form_report_true_payoffs():
    game = _chengdu_chongqing_services()
    res = coopgame.pure_equilibria(game)
    assert res.profiles.tolist() == [[1, 1]]          # (D, D) under perceived payoffs
    np.testing.assert_allclose(res.payoffs, [[-0.5, -0.5]])
    # the true game would be a stag hunt: (C, C) is an equilibrium there, worth 15
    true = coopgame.pure_equilibria(game.true_game)
    assert sorted(map(tuple, true.profiles.tolist())) == [(0, 0), (1, 1)]
    assert sorted(true.welfare.tolist()) == pytest.approx([-1.0, 15.0])
    summary = res.summary()
    assert "welfare (true)" in summary.columns and any("perceived" in n for n in summary.notes)


def test_nash_summary_labels_perceived_and_true_payoffs():
    game = _chengdu_chongqing_services()
    summary = coopgame.nash_equilibria(game).summary()
    assert "perceived Chengdu" in summary.columns and "true Chengdu" in summary.columns
    assert any("perceived payoffs" in n for n in summary.notes)
    plain = coopgame.nash_equilibria(game.true_game).summary()
    assert "payoff Chengdu" in plain.columns and not any("perceived" in c for c in plain.columns)

"""Parameter sweeps: agreement with per-game solvers, the BM1 closed-form ESS conditions, bad input."""

import io

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import coopgame
from coopgame import PairwiseGame, StructuredGame, TUGame
from coopgame._progress import Progress
from coopgame.errors import InvalidParameterError
from coopgame.policy.sweep import OUTCOMES, parameter_sweep, parse_grid_spec

payoff = st.integers(-3, 3).map(float)  # small integers: many ties, the hard case for strictness


def _bm1(reward, penalty, alpha=0.5):
    return PairwiseGame.from_two_city(cost=4, synergy=6, alpha=alpha, free_ride_gain=2, lone_loss=1,
                                      reward=reward, penalty=penalty)


def test_bm1_ess_condition_over_a_grid():
    # MODELS.md BM1: (C, C) is an ESS iff alpha*dR + W + F > C + E for A and (1-alpha)*dR + W + F > C + E for B.
    rewards, penalties, alphas = np.linspace(0, 4, 9), np.linspace(0, 4, 9), np.linspace(0, 1, 5)
    res = parameter_sweep(_bm1, {"reward": rewards, "penalty": penalties, "alpha": alphas})
    W, F, a = np.meshgrid(rewards, penalties, alphas, indexing="ij")
    expected = (a * 6 + W + F > 4 + 2) & ((1 - a) * 6 + W + F > 4 + 2)
    assert res.outputs["cooperation_ess"].shape == (9, 9, 5)
    np.testing.assert_array_equal(res.outputs["cooperation_ess"], expected)


def test_bm1_worked_check_regimes():
    res = parameter_sweep(_bm1, {"reward": [0, 1, 2, 3], "penalty": [0, 1, 1.5, 3]})
    outcome = lambda i, j: OUTCOMES[res.outputs["outcome"][i, j]]  # noqa: E731
    assert outcome(0, 0) == "mutual defection" and outcome(1, 1) == "mutual defection"
    assert outcome(2, 2) == "bistable"
    assert outcome(3, 3) == "full cooperation"


@given(st.lists(st.tuples(*[payoff] * 8), min_size=1, max_size=20))
def test_pure_equilibrium_count_matches_the_nash_solver(games):
    stacked = np.array(games).reshape(-1, 2, 2, 2)
    res = parameter_sweep(lambda g: PairwiseGame(stacked[int(g)][0], stacked[int(g)][1]),
                          {"g": np.arange(len(stacked))})
    for k, (A, B) in enumerate(stacked):
        eq = coopgame.nash_equilibria(PairwiseGame(A, B))
        pure = sum(1 for x, y in eq.equilibria if x.max() == 1.0 and y.max() == 1.0)
        assert res.outputs["n_pure_equilibria"][k] == pure


@given(st.lists(st.tuples(*[payoff] * 8), min_size=1, max_size=20))
def test_cooperation_ess_matches_rest_point_labels(games):
    stacked = np.array(games).reshape(-1, 2, 2, 2)
    res = parameter_sweep(lambda g: PairwiseGame(stacked[int(g)][0], stacked[int(g)][1]),
                          {"g": np.arange(len(stacked))})
    for k, (A, B) in enumerate(stacked):
        points = coopgame.rest_points(PairwiseGame(A, B)).points
        full = [p for p in points if p.name() == "(1, 1)"][0]
        assert bool(res.outputs["cooperation_ess"][k]) == (full.label == "ESS")


def test_dense_games_match_single_game_shapley():
    rng = np.random.default_rng(7)
    tables = rng.uniform(0, 10, size=(6, 16))
    tables[:, 0] = 0.0
    res = parameter_sweep(lambda g: TUGame(tables[int(g)]), {"g": np.arange(6)}, chunk_size=4)
    for k in range(6):
        phi = coopgame.shapley_value(TUGame(tables[k])).allocation
        np.testing.assert_allclose(res.outputs["shapley"][k], phi, rtol=1e-12, atol=1e-12)
        singles = tables[k][[1, 2, 4, 8]]
        assert res.outputs["ir_margin_min"][k] == pytest.approx((phi - singles).min())


def test_structured_games_use_the_closed_form_and_agree_with_dense():
    def game(scale):
        pair = scale * np.array([[0, 1, 2], [1, 0, 0.5], [2, 0.5, 0]])
        return StructuredGame([1.0, -2.0, 0.5], pair, players=["a", "b", "c"])

    res = parameter_sweep(game, {"scale": [0.0, 1.0, 3.0]})
    for k, scale in enumerate([0.0, 1.0, 3.0]):
        dense = coopgame.shapley_value(game(scale).to_tu()).allocation
        np.testing.assert_allclose(res.outputs["shapley"][k], dense, atol=1e-12)


def test_model_spec_sweep_sets_one_entry_of_a_per_city_parameter():
    spec = coopgame.load_model("two_city_coop")
    res = parameter_sweep(spec, {"reward[0]": [0.0, 4.0]})
    assert res.outputs["cooperation_ess"].tolist() == [False, True]
    assert spec["reward"].tolist() == [2.0, 2.0]  # the loaded model is not changed


def test_summary_and_json():
    res = parameter_sweep(_bm1, {"reward": [0, 3], "penalty": [0, 3]})
    text = res.summary().as_text()
    assert "full cooperation" in text and "mutual defection" in text
    data = res.to_dict()
    assert data["shape"] == [2, 2] and data["grid"]["reward"] == [0.0, 3.0]


def test_progress_bar_goes_to_the_given_stream_only():
    out = io.StringIO()
    with Progress(10, "grid", stream=out) as bar:
        for _ in range(10):
            bar.advance(1)
    lines = out.getvalue().splitlines()
    assert 1 <= len(lines) <= 11 and lines[-1].startswith("grid [") and " 10/10 " in lines[-1]


@pytest.mark.parametrize("spec, fragment", [
    ("reward", "NAME=START:STOP:NUM"),
    ("reward=0:1", "NAME=START:STOP:NUM"),
    ("=0:1:3", "NAME=START:STOP:NUM"),
    ("reward=a:1:3", "must be numbers"),
    ("reward=0:1:0", "NUM must be >= 1"),
])
def test_parse_grid_spec_rejects_malformed_specs(spec, fragment):
    with pytest.raises(InvalidParameterError, match=fragment):
        parse_grid_spec(spec)


@pytest.mark.parametrize("grid, fragment", [
    ({}, "at least one parameter"),
    ({"reward": []}, "non-empty 1-D"),
    ({"reward": [np.nan]}, "finite"),
    ({"reward": ["x"]}, "must hold numbers"),
])
def test_bad_grids(grid, fragment):
    with pytest.raises(InvalidParameterError, match=fragment):
        parameter_sweep(_bm1, grid)


def test_unknown_model_parameter_is_named():
    with pytest.raises(InvalidParameterError, match="no parameter 'rewrd'"):
        parameter_sweep(coopgame.load_model("two_city_coop"), {"rewrd": [1.0]})

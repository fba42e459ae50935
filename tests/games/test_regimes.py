"""The one regime vocabulary: regimes_2x2 over stacks agrees with classify(), evolutionary_regime and the
batch equilibria, on generic and tied games, and does not change with the payoff unit."""

import numpy as np
import pytest
from hypothesis import given, settings

import coopgame
from coopgame import PairwiseGame
from coopgame.errors import InvalidGameError, InvalidParameterError
from coopgame.games.regimes import (
    PROFILES_2X2,
    REGIME_CODES,
    Regime,
    regime_of_profiles,
    regimes_2x2,
    stable_profiles_2x2,
)
from tests.strategies import bimatrix_2x2_stack


@settings(max_examples=60, deadline=None)
@given(bimatrix_2x2_stack(max_games=12))
def test_stack_classifier_equals_the_single_game_regimes(stack):
    A, B = stack
    codes = regimes_2x2(A, B)
    stable, _ = stable_profiles_2x2(A, B)
    for g in range(A.shape[0]):
        game = PairwiseGame(A[g], B[g])
        regime = REGIME_CODES[codes[g]]
        evo = coopgame.evolutionary_regime(game)
        assert game.classify().regime is regime is evo.regime
        assert set(evo.ess) == {p for p, s in zip(PROFILES_2X2, stable[g]) if s}


@settings(max_examples=60, deadline=None)
@given(bimatrix_2x2_stack(max_games=12))
def test_stable_profiles_are_the_strict_pure_equilibria(stack):
    A, B = stack
    stable, degenerate = stable_profiles_2x2(A, B)
    eq = coopgame.batch_equilibria_2x2(A, B)
    np.testing.assert_array_equal(degenerate, eq.degenerate)
    # a strict equilibrium is an equilibrium; without ties every pure equilibrium is strict
    pure = eq.flags[:, [0, 1, 2, 3]]  # (0,0) (0,1) (1,0) (1,1) = (C,C) (C,D) (D,C) (D,D)
    assert not np.any(stable & ~pure)
    np.testing.assert_array_equal(stable[~degenerate], pure[~degenerate])


@settings(max_examples=40, deadline=None)
@given(bimatrix_2x2_stack(max_games=12))
def test_regime_does_not_depend_on_the_payoff_unit(stack):
    # Scaling up keeps every answer. (Scaling down below 1 does not, by the package's convention: the payoff
    # scale that relative tolerances multiply is floored at 1, coopgame.tolerances.payoff_scale, as in
    # batch_equilibria_2x2, whose degenerate flags these regimes match.)
    A, B = stack
    codes = regimes_2x2(A, B)
    for factor in (1e3, 1e8):
        np.testing.assert_array_equal(regimes_2x2(A * factor, B * factor), codes)


def test_regime_of_profiles_names_each_stable_set():
    assert regime_of_profiles({(1, 1)}, 2) is Regime.COOPERATION_DOMINANT
    assert regime_of_profiles({(0, 0)}, 2) is Regime.DEFECTION_DOMINANT
    assert regime_of_profiles({(1, 1), (0, 0)}, 2) is Regime.BISTABLE
    assert regime_of_profiles({(1, 0)}, 2) is Regime.SELECTIVE
    assert regime_of_profiles({(1, 0), (0, 1)}, 2) is Regime.ANTI_COORDINATION
    assert regime_of_profiles((), 2, centre=True) is Regime.CYCLING
    assert regime_of_profiles((), 3) is Regime.NO_STABLE_PROFILE
    assert regime_of_profiles({(1, 1)}, 2, degenerate=True) is Regime.DEGENERATE


@pytest.mark.parametrize("A, B, regime", [
    ([[1, 0], [0, 1]], [[1, 0], [0, 1]], Regime.BISTABLE),
    ([[0, 1], [1, 0]], [[0, 1], [1, 0]], Regime.ANTI_COORDINATION),
    ([[1, 1], [0, 0]], [[1, 1], [0, 0]], Regime.DEGENERATE),
])
def test_scalar_and_stack_inputs(A, B, regime):
    assert REGIME_CODES[regimes_2x2(A, B)[0]] is regime
    assert REGIME_CODES[regimes_2x2(np.array([A] * 3), np.array([B] * 3))[2]] is regime


@pytest.mark.parametrize("func", [stable_profiles_2x2, regimes_2x2])
@pytest.mark.parametrize("A, B, match", [
    (np.zeros((3, 3)), np.zeros((3, 3)), r"shape \(G, 2, 2\) or \(2, 2\)"),
    (np.zeros((2, 2, 2)), np.zeros((3, 2, 2)), r"got \(2, 2, 2\) and \(3, 2, 2\)"),
    (np.zeros(4), np.zeros(4), r"shape \(G, 2, 2\)"),
    ([[1, np.nan], [0, 2]], np.zeros((2, 2)), r"A must contain only finite"),
    (np.zeros((2, 2)), [[1, 2], [np.inf, 0]], r"B must contain only finite"),
    ("abc", np.zeros((2, 2)), r"A must be an array of real numbers"),
])
def test_2x2_classifiers_refuse_bad_stacks_with_a_clear_error(func, A, B, match):
    with pytest.raises(InvalidGameError, match=rf"{func.__name__}\(\): .*{match}"):
        func(A, B)


def test_2x2_classifiers_refuse_a_bad_tol():
    with pytest.raises(InvalidParameterError, match="tol"):
        regimes_2x2(np.eye(2), np.eye(2), tol=-1.0)

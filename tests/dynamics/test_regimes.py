"""One cooperation-coordinate convention: Nash equilibria, rest points and ESS name the same profiles.

A cooperation game's coordinate is the share of a population that cooperates
(action 0). The ESS list of :func:`evolutionary_regime`, the ESS rest points of
:func:`rest_points` and the strict pure Nash equilibria of
:func:`nash_equilibria` must name the same profiles; the labelled forms
(``stable_profiles``, ``pure_profiles()``) make the comparison free of any
convention, and the coordinate forms must agree with them.
"""

import numpy as np
from hypothesis import given, settings

import coopgame
from tests.strategies import bimatrix


def _strict_pure_equilibria(A, B):
    """Strict pure equilibria by brute force over the four profiles, as action-index pairs."""
    out = []
    for i in range(2):
        for j in range(2):
            if A[i, j] > A[1 - i, j] and B[i, j] > B[i, 1 - j]:
                out.append((i, j))
    return out


@settings(max_examples=150, deadline=None)
@given(bimatrix(rows=2, cols=2))
def test_ess_rest_points_and_strict_equilibria_name_the_same_profiles(AB):
    A, B = AB
    gaps = np.concatenate([np.abs(A[0] - A[1]), np.abs(B[:, 0] - B[:, 1])])
    if gaps.min() <= 1e-6 * max(1.0, np.abs(AB).max()):
        return  # ties within tolerance: degenerate games are covered by tests/games/test_regimes.py
    game = coopgame.PairwiseGame.from_arrays(A, B)
    strict = _strict_pure_equilibria(A, B)
    labels = game.actions
    expected = {(labels[0][i], labels[1][j]) for i, j in strict}

    regime = coopgame.evolutionary_regime(game)
    assert set(regime.stable_profiles) == expected
    # coordinates: 1 = cooperate = action 0
    assert set(regime.ess) == {(1 - i, 1 - j) for i, j in strict}
    ess_states = {tuple(int(v) for v in np.rint(p.state)) for p in coopgame.rest_points(game).points if p.is_ess}
    assert ess_states == set(regime.ess)
    assert expected <= set(coopgame.nash_equilibria(game).pure_profiles())


def test_labelled_profiles_use_the_games_action_names():
    built = coopgame.load_model("two_city_coop").build()
    regime = coopgame.evolutionary_regime(built.pairwise)
    assert regime.stable_profiles == (("C", "C"), ("D", "D"))
    assert regime.ess == ((1, 1), (0, 0))
    assert sorted(coopgame.nash_equilibria(built.pairwise).pure_profiles()) == [("C", "C"), ("D", "D")]
    game = coopgame.PairwiseGame([[3, 0], [5, 1]], [[3, 5], [0, 1]], actions=(("help", "shirk"), ("help", "shirk")))
    assert coopgame.evolutionary_regime(game).stable_profiles == (("shirk", "shirk"),)
    assert coopgame.nash_equilibria(game).pure_profiles() == [("shirk", "shirk")]


def test_ncity_profiles_are_labelled_per_city():
    game = coopgame.NCityGame(players=("a", "b", "c"), cost=[1.0, 1.0, 1.0], reward=[2.0, 2.0, 0.5])
    regime = coopgame.evolutionary_regime(game)
    # a and b gain 1 by cooperating whatever the others do, c loses 0.5: one stable profile
    assert regime.stable_profiles == (("C", "C", "D"),)
    assert regime.ess == ((1, 1, 0),)

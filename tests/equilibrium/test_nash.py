"""nash_equilibria: zero regret, certificates, degenerate games, nashpy adapter (pygambit: test_nash_gambit.py)."""

import numpy as np
import pytest
from hypothesis import given

from coopgame import NCityGame, PairwiseGame, nash_equilibria
from coopgame.errors import InvalidGameError, UnknownMethodError
from tests.equilibrium.reference import same_equilibrium_sets
from tests.strategies import bimatrix, small_integers


def test_generic_enumeration_agrees_with_2x2_closed_form_on_degenerate_games():
    from coopgame.equilibrium._vertex import extreme_equilibria
    rng = np.random.default_rng(3)
    for _ in range(300):
        A = rng.integers(-1, 2, size=(2, 2)).astype(float)
        B = rng.integers(-1, 2, size=(2, 2)).astype(float)
        fast = nash_equilibria(PairwiseGame(A, B))
        generic, degenerate = extreme_equilibria(A, B, 1e-9)
        assert same_equilibrium_sets(fast.equilibria, generic) and degenerate == fast.degenerate


def test_all_zero_game_lists_the_four_pure_corners():
    res = nash_equilibria(PairwiseGame(np.zeros((2, 2)), np.zeros((2, 2))))
    assert res.degenerate and res.pure() == [(0, 0), (0, 1), (1, 0), (1, 1)]


def test_scale_invariance_of_tolerances():
    A = np.array([[1.0, 1.0], [0.0, 2.0]])
    small = nash_equilibria(PairwiseGame(A * 1e-6, A * 1e-6))
    large = nash_equilibria(PairwiseGame(A * 1e6, A * 1e6))
    assert small.n_equilibria == large.n_equilibria == 3


@given(bimatrix(rows=(2, 4), elements=small_integers))
def test_every_listed_profile_is_an_equilibrium(payoffs):
    res = nash_equilibria(PairwiseGame(payoffs[0], payoffs[1]))
    assert res.n_equilibria >= 1  # Nash: every finite game has one
    for x, y in res.equilibria:
        assert np.isclose(x.sum(), 1) and np.isclose(y.sum(), 1) and x.min() >= 0 and y.min() >= 0
    assert res.max_regret <= 1e-9


def _independent_certificates(A, B, equilibria):
    """Expected payoffs and regrets recomputed with plain numpy from the strategies."""
    pays, regs = [], []
    for x, y in equilibria:
        ay, xb = A @ y, x @ B
        u, w = x @ ay, xb @ y
        pays.append((u, w))
        regs.append((max(ay.max() - u, 0.0), max(xb.max() - w, 0.0)))
    return np.array(pays).reshape(-1, 2), np.array(regs).reshape(-1, 2)


@pytest.mark.parametrize("m", [2, 3, 4])
def test_payoffs_and_regrets_are_recomputed_from_the_strategies(m):
    """The certificates (packed lazily for 2x2 games) match an independent computation."""
    rng = np.random.default_rng(40 + m)
    kinds = set()
    for trial in range(400):
        if trial % 2:
            A, B = rng.integers(-2, 3, size=(2, m, m)).astype(float)
        else:
            A, B = rng.normal(size=(2, m, m))
        res = nash_equilibria(PairwiseGame(A, B))
        payoffs, regrets = _independent_certificates(A, B, res.equilibria)
        assert res.payoffs.shape == res.regrets.shape == (res.n_equilibria, 2)
        np.testing.assert_allclose(res.payoffs, payoffs, rtol=0, atol=1e-12)
        np.testing.assert_allclose(res.regrets, regrets, rtol=0, atol=1e-12)
        assert res.to_dict()["regrets"] == res.regrets.tolist()
        # The (A, B) pair input takes the general route: same answer, certificates included.
        again = nash_equilibria((A, B))
        assert np.array_equal(again.payoffs, res.payoffs) and np.array_equal(again.regrets, res.regrets)
        kinds.add((res.n_equilibria, bool(res.degenerate)))
    if m == 2:   # dominant strategy or cycling, (anti-)coordination, degenerate: all exercised
        assert {(1, False), (3, False), (1, True)} <= kinds


@pytest.mark.parametrize("method", ["nashpy-support", "nashpy-vertex", "nashpy-lemke-howson"])
def test_nashpy_methods_find_equilibria_of_a_nondegenerate_game(method):
    A = np.array([[3.0, 0.0], [2.0, 1.0]])
    B = np.array([[2.0, 0.0], [1.0, 3.0]])
    ours = nash_equilibria(PairwiseGame(A, B))
    theirs = nash_equilibria(PairwiseGame(A, B), method=method)
    assert theirs.max_regret <= 1e-9 and not theirs.complete and theirs.degenerate is None
    for x, y in theirs.equilibria:
        assert any(np.allclose(x, u) and np.allclose(y, v) for u, v in ours.equilibria)


def test_two_city_ncity_game_is_accepted_and_summary_prints():
    g = NCityGame(cost=4.0, synergy=[[0, 5.0], [5.0, 0]], players=["A", "B"])
    res = nash_equilibria(g)
    text = str(res)
    assert "#1" in text and "C=1.00" in text and res.n_equilibria == 3
    assert res.to_dict()["result"] == "NashEquilibriaResult"


def test_bad_inputs():
    with pytest.raises(UnknownMethodError, match="vertex-enumeration"):
        nash_equilibria(PairwiseGame(np.eye(2), np.eye(2)), method="lemke")
    with pytest.raises(InvalidGameError, match="two-player"):
        nash_equilibria(NCityGame(cost=[1.0, 1.0, 1.0]))
    with pytest.raises(InvalidGameError):
        nash_equilibria(np.eye(2))

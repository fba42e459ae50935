"""PairwiseGame: construction, BM1 two-city payoffs, classification, welfare and Pareto efficiency."""

import numpy as np
import pytest

import coopgame
from coopgame import NCityGame, PairwiseGame
from coopgame.games.regimes import Regime
from coopgame.errors import InvalidGameError, InvalidParameterError


def test_arrays_are_read_only_copies_and_game_is_immutable():
    A = np.array([[1.0, 2.0], [3.0, 4.0]])
    g = PairwiseGame.from_arrays(A, -A)
    A[0, 0] = 99
    assert g.row_payoffs[0, 0] == 1.0 and g.A is g.row_payoffs
    with pytest.raises(ValueError):
        g.row_payoffs[0, 0] = 5
    with pytest.raises(AttributeError):
        g.players = ("x", "y")


@pytest.mark.parametrize("A, B, fragment", [
    ([[1, 2]], [[1, 2], [3, 4]], "same shape"),
    ([1, 2], [1, 2], "2-dimensional"),
    ([[np.nan, 1]], [[1, 1]], "finite"),
])
def test_invalid_matrices(A, B, fragment):
    with pytest.raises(InvalidGameError, match=fragment):
        PairwiseGame(A, B)


def test_bm1_worked_check_of_models_md():
    """MODELS.md BM1: ΔR=6, α=.5, C=4, E=2, L=1. (W,F)=(0,0): only (D,D); (2,1.5): bistable; (3,3): (C,C)."""
    base = dict(cost=4, synergy=6, alpha=0.5, free_ride_gain=2, lone_loss=1)
    assert PairwiseGame.from_two_city(**base).classify().regime == "defection dominant"
    bistable = PairwiseGame.from_two_city(**base, reward=2, penalty=1.5).classify()
    assert bistable.regime == "bistable" and bistable.name == "stag hunt"
    assert PairwiseGame.from_two_city(**base, reward=3, penalty=3).classify().regime == "cooperation dominant"


def test_bm1_payoff_table_by_hand():
    g = PairwiseGame.from_two_city(cost=(4, 3), synergy=10, alpha=0.3, free_ride_gain=(1, 2), lone_loss=(0.5, 0.25),
                                   reward=(1, 2), penalty=(0.5, 1), base=(10, 20), penalise_mutual_defection=False)
    assert g.row_payoffs.tolist() == [[10 + 3 - 4 + 1, 10 - 4 - 0.5 + 1], [10 + 1 - 0.5, 10]]
    assert g.col_payoffs.tolist() == [[20 + 7 - 3 + 2, 20 + 2 - 1], [20 - 3 - 0.25 + 2, 20]]


def test_bm1_equals_the_two_city_case_of_the_n_city_model():
    """Matched parameters (derived by hand from both payoff formulas):
    C_i = c_i, L_i = f_ji (being siphoned when opening alone), E_i = e_ij + (1-δ) f_ij,
    and i's share of ΔR = s_ij + E_i - L_i (mutual spillover/siphon flows under (C, C))."""
    c, W, F, b = np.array([3.0, 2.0]), np.array([1.0, 0.5]), np.array([0.4, 0.7]), np.array([5.0, 8.0])
    e = np.array([[0, 1.5], [0.8, 0]])
    s = np.array([[0, 4.0], [2.5, 0]])
    f = np.array([[0, 0.6], [0.2, 0]])
    delta = 0.25
    city = NCityGame(cost=c, reward=W, penalty=F, base=b, spillover=e, synergy=s, siphon=f, deadweight=delta,
                     players=["A", "B"]).to_pairwise()
    E = np.array([e[0, 1] + (1 - delta) * f[0, 1], e[1, 0] + (1 - delta) * f[1, 0]])
    L = np.array([f[1, 0], f[0, 1]])
    shares = np.array([s[0, 1], s[1, 0]]) + E - L
    dR = shares.sum()
    bm1 = PairwiseGame.from_two_city(cost=c, synergy=dR, alpha=shares[0] / dR, free_ride_gain=E, lone_loss=L,
                                     reward=W, penalty=F, base=b)
    np.testing.assert_allclose(city.row_payoffs, bm1.row_payoffs, atol=1e-12)
    np.testing.assert_allclose(city.col_payoffs, bm1.col_payoffs, atol=1e-12)


@pytest.mark.parametrize("A, B, name, regime", [
    ([[3, 0], [5, 1]], [[3, 5], [0, 1]], "prisoner's dilemma", "defection dominant"),
    ([[4, 0], [3, 2]], [[4, 3], [0, 2]], "stag hunt", "bistable"),
    ([[3, 1], [4, 0]], [[3, 4], [1, 0]], "chicken", "anti-coordination"),
    ([[4, 3], [2, 1]], [[4, 2], [3, 1]], "harmony", "cooperation dominant"),
    ([[1, 0], [3, 2]], [[1, 3], [0, 2]], "deadlock", "defection dominant"),
    ([[1, -1], [-1, 1]], [[-1, 1], [1, -1]], "asymmetric", "cycling"),
    ([[1, 1], [0, 0]], [[1, 1], [0, 0]], "degenerate", "degenerate"),
    # row coordinates, column defects whatever: the one stable profile is (D, D) (once "dominance-solvable")
    ([[3, 0], [2, 1]], [[1, 2], [0, 1]], "asymmetric", "defection dominant"),
    # row cooperates whatever, column free-rides: the one stable profile (C, D) mixes C and D
    ([[3, 2], [1, 0]], [[1, 2], [0, 1]], "asymmetric", "selective cooperation"),
])
def test_classification_of_textbook_games(A, B, name, regime):
    cls = PairwiseGame(A, B).classify()
    assert (cls.name, cls.regime) == (name, regime)
    assert isinstance(cls.regime, Regime)
    assert cls.name in str(cls)
    # one vocabulary: the evolutionary regime of the same game is the same Regime
    assert coopgame.evolutionary_regime(PairwiseGame(A, B)).regime is cls.regime


def test_classification_needs_2x2():
    with pytest.raises(InvalidGameError, match="2x2"):
        PairwiseGame(np.zeros((3, 2)), np.zeros((3, 2))).classify()


def test_welfare_optimum_and_pareto_by_brute_force():
    rng = np.random.default_rng(0)
    for _ in range(50):
        A, B = rng.integers(-3, 4, (3, 4)).astype(float), rng.integers(-3, 4, (3, 4)).astype(float)
        g = PairwiseGame(A, B)
        w = A + B
        assert set(g.social_optimum()) == {(i, j) for i in range(3) for j in range(4) if w[i, j] == w.max()}
        eff = g.pareto_efficient()
        for i in range(3):
            for j in range(4):
                dominated = any(A[k, l] >= A[i, j] and B[k, l] >= B[i, j] and (A[k, l], B[k, l]) != (A[i, j], B[i, j])
                                for k in range(3) for l in range(4))
                assert eff[i, j] == (not dominated)


def test_regret_and_expected_payoffs():
    g = PairwiseGame([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    assert g.expected_payoffs([0, 1], [0, 1]) == (1.0, 1.0) and g.regret([0, 1], [0, 1]) == (0.0, 0.0)
    with pytest.raises(InvalidParameterError, match="x must have length 2; got 3"):
        g.regret([1, 0, 0], [1, 0])


def test_two_city_parameters_are_validated():
    with pytest.raises(InvalidParameterError, match="cost must be > 0"):
        PairwiseGame.from_two_city(cost=0)
    with pytest.raises(InvalidParameterError, match="alpha"):
        PairwiseGame.from_two_city(cost=1, alpha=1.5)
    with pytest.raises(InvalidParameterError, match="lone_loss"):
        PairwiseGame.from_two_city(cost=1, lone_loss=(-1, 0))


@pytest.mark.parametrize("bad", [5, iter([np.eye(2), np.eye(2)]), "ab", np.float64(1.0), {"A": 1, "B": 2}])
def test_true_payoffs_must_be_a_pair_of_arrays(bad):
    with pytest.raises(InvalidGameError, match=r"true_payoffs must be a pair \(row payoffs, column payoffs\)"):
        PairwiseGame(np.eye(2), np.eye(2), true_payoffs=bad)


def test_true_payoffs_error_shows_a_short_repr():
    with pytest.raises(InvalidGameError) as info:
        PairwiseGame(np.eye(2), np.eye(2), true_payoffs=[np.eye(2)] * 50)
    assert len(str(info.value)) < 200 and str(info.value).endswith("...")


def test_true_payoffs_may_be_a_stacked_array():
    A, B = np.array([[3.0, 0.0], [5.0, 1.0]]), np.array([[3.0, 5.0], [0.0, 1.0]])
    g = PairwiseGame(A, B, true_payoffs=np.stack([A + 1, B]))
    assert g.is_perceived and g.true_game.row_payoffs.tolist() == (A + 1).tolist()

"""Pure equilibria of the n-city game against brute force; efficiency and best-response dynamics (pygambit: test_pure_gambit.py)."""

import numpy as np
import pytest
from hypothesis import given

from coopgame import NCityGame, PairwiseGame, best_response_dynamics, price_of_anarchy, pure_equilibria
from tests.equilibrium.reference import brute_force_pure_equilibria, random_city_game
from tests.strategies import ncity_games


@pytest.mark.parametrize("n", [4, 9, 13, 14])
def test_pure_equilibria_match_brute_force(n):
    rng = np.random.default_rng(40 + n)
    for integer in (False, True):
        game = random_city_game(n, rng, integer)
        assert set(pure_equilibria(game).profiles.tolist()) == brute_force_pure_equilibria(game)


@given(ncity_games(1, 6) | ncity_games(1, 6, integer=True))
def test_pure_equilibria_match_brute_force_for_any_parameters(game):
    res = pure_equilibria(game)
    assert set(res.profiles.tolist()) == brute_force_pure_equilibria(game)
    np.testing.assert_allclose(res.welfare, game.payoff_table().sum(axis=1)[res.profiles], rtol=1e-12, atol=1e-12)


def test_layers_give_the_product_of_per_issue_equilibria():
    # air: coordination (cost 4, synergy 5) -> nobody or both; water: city 0 is paid to cooperate alone.
    s = 5.0 * (1 - np.eye(2))
    game = NCityGame(cost=[[4.0, 4.0], [1.0, 5.0]], reward=[[0.0, 0.0], [2.0, 0.0]],
                     synergy=[s, np.zeros((2, 2))], issues=["air", "water"])
    res = pure_equilibria(game)
    assert sorted(map(tuple, res.profiles.tolist())) == [(0, 1), (3, 1)]


def test_bimatrix_pure_equilibria():
    res = pure_equilibria(PairwiseGame([[4, 0], [3, 2]], [[4, 3], [0, 2]]))
    assert res.profiles.tolist() == [[0, 0], [1, 1]] and res.welfare.tolist() == [8.0, 4.0]


def test_no_pure_equilibrium_is_an_answer():
    res = pure_equilibria(PairwiseGame.from_arrays([[1, -1], [-1, 1]]))
    assert res.n_equilibria == 0 and "No pure-strategy equilibrium" in str(res)


def test_price_of_anarchy_against_brute_force():
    rng = np.random.default_rng(9)
    game = random_city_game(7, rng)
    res = price_of_anarchy(game)
    welfare = game.payoff_table().sum(axis=1)
    eq = sorted(brute_force_pure_equilibria(game))
    assert np.isclose(res.optimum_welfare, welfare.max())
    assert np.isclose(res.worst_welfare, welfare[eq].min()) and np.isclose(res.best_welfare, welfare[eq].max())
    if welfare[eq].min() > 0:
        assert np.isclose(res.price_of_anarchy, welfare.max() / welfare[eq].min())


def test_best_response_dynamics_ends_in_an_equilibrium_or_reports_a_cycle():
    rng = np.random.default_rng(2)
    for _ in range(20):
        game = random_city_game(6, rng)
        eqs = brute_force_pure_equilibria(game)
        for method in ("max-gain", "round-robin", "random"):
            path = best_response_dynamics(game, int(rng.integers(64)), method=method, rng=1)
            assert path.converged == (path.final_profile in eqs) or path.cycled
            assert all(bin(a ^ b).count("1") == 1 for a, b in zip(path.path[:-1], path.path[1:]))


def test_too_many_cities_is_refused_before_any_work():
    # 2**45 profiles would need terabytes for the per-city table and days of scanning.
    import resource

    from coopgame.equilibrium.pure import MAX_ENUMERATION_PLAYERS
    from coopgame.errors import GameTooLargeError

    game = NCityGame(cost=np.ones(45))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(GameTooLargeError, match=f"beyond the limit of {MAX_ENUMERATION_PLAYERS} cities"):
        pure_equilibria(game)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100_000   # KiB: nothing large was allocated

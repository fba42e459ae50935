"""Pure equilibria of the n-city game against pygambit's enumpure; efficiency and best-response dynamics."""

import numpy as np
import pytest

from coopgame import NCityGame, PairwiseGame, best_response_dynamics, price_of_anarchy, pure_equilibria
from tests.equilibrium._gambit import gambit_pure_equilibria


def _random_city_game(n, rng, integer=False):
    def mat(scale):
        m = rng.integers(0, 3, size=(n, n)).astype(float) if integer else rng.random((n, n)) * scale
        np.fill_diagonal(m, 0.0)
        return m
    return NCityGame(cost=rng.integers(1, 4, n).astype(float) if integer else rng.random(n) * 2,
                     reward=rng.random(n) * (0 if integer else 1), synergy=mat(4.0 / n), spillover=mat(1.0),
                     siphon=mat(0.3), deadweight=0.2, perception=1.0 + rng.random(n) * (0 if integer else 0.5))


def _brute_force(game):
    """Every profile's unilateral deviations, from the perceived payoff table (independent of the kernel)."""
    n = game.n_players
    u = game.payoff_table(perceived=True)
    masks = np.arange(2**n)
    ok = np.ones(2**n, dtype=bool)
    for i in range(n):
        ok &= u[masks, i] >= u[masks ^ (1 << i), i] - 1e-9 * game.payoff_scale
    return set(np.flatnonzero(ok).tolist())


@pytest.mark.parametrize("n", [2, 3, 5, 8, 10])
def test_pure_equilibria_match_gambit_enumpure(n):
    rng = np.random.default_rng(n)
    for integer in (False, True):
        game = _random_city_game(n, rng, integer)
        ours = set(pure_equilibria(game).profiles.tolist())
        assert ours == gambit_pure_equilibria(game.payoff_table(perceived=True), n)


@pytest.mark.parametrize("n", [4, 9, 13, 14])
def test_pure_equilibria_match_brute_force(n):
    rng = np.random.default_rng(40 + n)
    for integer in (False, True):
        game = _random_city_game(n, rng, integer)
        assert set(pure_equilibria(game).profiles.tolist()) == _brute_force(game)


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
    game = _random_city_game(7, rng)
    res = price_of_anarchy(game)
    welfare = game.payoff_table().sum(axis=1)
    eq = sorted(_brute_force(game))
    assert np.isclose(res.optimum_welfare, welfare.max())
    assert np.isclose(res.worst_welfare, welfare[eq].min()) and np.isclose(res.best_welfare, welfare[eq].max())
    if welfare[eq].min() > 0:
        assert np.isclose(res.price_of_anarchy, welfare.max() / welfare[eq].min())


def test_best_response_dynamics_ends_in_an_equilibrium_or_reports_a_cycle():
    rng = np.random.default_rng(2)
    for _ in range(20):
        game = _random_city_game(6, rng)
        eqs = _brute_force(game)
        for method in ("max-gain", "round-robin", "random"):
            path = best_response_dynamics(game, int(rng.integers(64)), method=method, seed=1)
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

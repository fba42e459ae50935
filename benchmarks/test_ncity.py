"""n-city pure equilibria over all 2^n profiles (vectorised filtering), with a nashpy-free brute force beside."""

import numpy as np
import pytest

from benchmarks.conftest import sizes
from coopgame import NCityGame, pure_equilibria


def _game(n, seed=0):
    rng = np.random.default_rng(seed + n)
    s = rng.random((n, n)) * 2.0 / n
    np.fill_diagonal(s, 0.0)
    return NCityGame(cost=rng.random(n), reward=0.3 * rng.random(n), synergy=s)


@pytest.mark.benchmark(group="ncity-pure-equilibria")
@pytest.mark.parametrize("n", sizes([10, 16, 20, 24], [10, 16]))
def test_ncity_pure_equilibria(benchmark, n):
    game = _game(n)
    res = benchmark(pure_equilibria, game)
    h, S = game.gain_terms()
    x = ((res.profiles[:, None] >> np.arange(n)) & 1).astype(float)
    gain = h[0] + x @ S[0].T
    assert np.all(np.where(x == 1, gain >= -1e-9, gain <= 1e-9))


@pytest.mark.benchmark(group="ncity-pure-equilibria")
@pytest.mark.parametrize("n", sizes([10, 16], [10]))
def test_ncity_payoff_table_brute_force(benchmark, n):
    """Reference: build the full payoff tensor and test every unilateral deviation."""
    game = _game(n)

    def brute():
        u = game.payoff_table(perceived=True)
        masks = np.arange(2**n)
        ok = np.ones(2**n, dtype=bool)
        for i in range(n):
            ok &= u[masks, i] >= u[masks ^ (1 << i), i] - 1e-9
        return np.flatnonzero(ok)

    found = benchmark(brute)
    assert set(found.tolist()) == set(pure_equilibria(game).profiles.tolist())

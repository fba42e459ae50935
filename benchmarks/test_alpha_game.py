"""Building the "alpha" cooperative game of an n-city model (DESIGN §2.1, §4: n = 13 < 0.1 s, n = 20 < 5 s).

``bth13`` (13 cities, full synergy) and a random 20-city game are built exactly
and densely; ``yrd26`` (26 cities) gets its Shapley value by permutation
sampling with standard errors through the value-function form, each sampled
coalition solved exactly. The exact dense ``yrd26`` game (2**26 worths,
~768 MiB with the best sets) runs only with ``COOPGAME_BENCH_ALPHA26=1``.
Quick mode (CI) builds ``bth13`` and a random 16-city game only.
"""

import os

import numpy as np
import pytest

from benchmarks.conftest import QUICK, sizes
from coopgame import NCityGame, load_model, shapley_value


def _random_game(n, seed=0):
    rng = np.random.default_rng(seed + n)

    def mat(scale):
        m = rng.uniform(0, scale, (n, n))
        np.fill_diagonal(m, 0.0)
        return m

    return NCityGame(base=rng.normal(0, 3, n), cost=rng.uniform(0, 6, n), reward=rng.uniform(0, 2, n),
                     penalty=rng.uniform(0, 2, n), spillover=mat(1.0), synergy=mat(0.5), siphon=mat(1.0),
                     deadweight=0.3)


def _check(game, v):
    n = game.n_players
    assert v.values.shape == (2**n,)
    members = game.tu_game(convention="members").value_of_masks(np.array([2**n - 1]))[0]
    assert v.grand_value >= members - 1e-9 * game.payoff_scale * n


@pytest.mark.benchmark(group="alpha-game")
def test_alpha_game_bth13(benchmark):
    game = load_model("bth13").build().ncity
    v = benchmark.pedantic(game.tu_game, kwargs={"convention": "alpha"}, rounds=1 if QUICK else 5, iterations=1)
    _check(game, v)


@pytest.mark.benchmark(group="alpha-game")
@pytest.mark.parametrize("n", sizes([16, 20], [16]))
def test_alpha_game_random(benchmark, n):
    game = _random_game(n)
    v = benchmark.pedantic(game.tu_game, kwargs={"convention": "alpha"}, rounds=1, iterations=1)
    _check(game, v)


@pytest.mark.benchmark(group="alpha-game")
@pytest.mark.skipif(QUICK, reason="quick mode")
def test_alpha_shapley_sampled_yrd26(benchmark):
    game = load_model("yrd26").build().ncity
    lazy = game.tu_game(convention="alpha", form="function")
    res = benchmark.pedantic(shapley_value, args=(lazy,), kwargs={"method": "permutation", "n_samples": 2000, "rng": 0},
                             rounds=1, iterations=1)
    assert res.standard_errors is not None and np.all(np.isfinite(res.standard_errors))
    assert res.allocation.sum() == pytest.approx(lazy.value_of_masks(np.array([2**26 - 1]))[0])


@pytest.mark.benchmark(group="alpha-game")
@pytest.mark.skipif(QUICK or os.environ.get("COOPGAME_BENCH_ALPHA26", "") in ("", "0"),
                    reason="exact dense n = 26 (768 MiB, minutes): set COOPGAME_BENCH_ALPHA26=1")
def test_alpha_game_yrd26_exact(benchmark):
    game = load_model("yrd26").build().ncity
    v = benchmark.pedantic(game.tu_game, kwargs={"convention": "alpha"}, rounds=1, iterations=1)
    _check(game, v)

"""Shapley benchmarks: exact dense beside a plain values.sum() per size, sampling, structured n = 300.

Read the exact-Shapley target off one run: within group ``shapley-dense-n24`` the
ratio of ``test_exact_shapley`` to ``test_values_sum`` (DESIGN §4: at most 5).
Correctness is checked after timing, outside the timed callable.
"""

from math import lgamma

import numpy as np
import pytest

from benchmarks.conftest import sizes
from coopgame import (
    AirportCost,
    ScaleEconomyCost,
    StructuredGame,
    TUGame,
    ValueFunctionGame,
    shapley_value,
    shapley_values,
)

DENSE_SIZES = sizes([10, 12, 14, 16, 18, 20, 22, 24], [10, 12])


def _dense_game(n):
    rng = np.random.default_rng(n)
    v = rng.normal(size=2**n)
    v[0] = 0
    return TUGame(v)


@pytest.mark.parametrize("n", DENSE_SIZES)
def test_values_sum(benchmark, n):
    game = _dense_game(n)
    benchmark.group = f"shapley-dense-n{n:02d}"
    total = benchmark(game.values.sum)
    assert np.isfinite(total)


@pytest.mark.parametrize("n", DENSE_SIZES)
def test_exact_shapley(benchmark, n):
    game = _dense_game(n)
    benchmark.group = f"shapley-dense-n{n:02d}"
    result = benchmark(shapley_value, game, method="exact")
    # efficiency, and a brute check of one player's value by the textbook marginal sum
    assert abs(result.allocation.sum() - game.grand_value) < 1e-8
    masks = np.arange(2**n)
    out = masks[(masks & 1) == 0]
    sizes_ = np.bitwise_count(out)
    w = np.exp([lgamma(s + 1) + lgamma(n - s) - lgamma(n + 1) for s in range(n)])
    phi0 = np.sum(w[sizes_] * (game.values[out | 1] - game.values[out]))
    assert abs(result.allocation[0] - phi0) < 1e-9 * max(1.0, abs(phi0))


@pytest.mark.parametrize("n", sizes([10, 16], [10]))
def test_batched_exact_shapley(benchmark, n):
    rng = np.random.default_rng(0)
    batch = rng.normal(size=(256, 2**n))
    batch[:, 0] = 0
    benchmark.group = "shapley-batch-256-games"
    result = benchmark(shapley_values, batch)
    np.testing.assert_allclose(result.allocations[3], shapley_value(TUGame(batch[3])).allocation, rtol=1e-10)


@pytest.mark.parametrize("method", ["permutation", "stratified"])
@pytest.mark.parametrize("n", sizes([20, 31], [12]))
def test_sampled_shapley(benchmark, n, method):
    weights = np.linspace(1, 3, n)
    bits = np.arange(n, dtype=np.int64)

    def value(masks):
        return np.sqrt(((masks[..., None] >> bits) & 1) @ weights)

    game = ValueFunctionGame(value, n_players=n)
    benchmark.group = f"shapley-sampled-n{n}"
    result = benchmark(shapley_value, game, method=method, n_samples=1000, rng=1)
    assert result.standard_errors.shape == (n,) and np.all(np.isfinite(result.standard_errors))
    assert abs(result.allocation.sum() - game.grand_value) < 10 * np.sqrt((result.standard_errors**2).sum())


@pytest.mark.parametrize("n", sizes([300], [50]))
def test_structured_shapley(benchmark, n):
    rng = np.random.default_rng(n)
    game = StructuredGame(rng.normal(size=n), rng.uniform(0, 1, (n, n)) * (1 - np.eye(n)),
                          costs=AirportCost(rng.uniform(0, 10, n)))
    benchmark.group = "shapley-structured"
    result = benchmark(shapley_value, game)
    assert result.standard_errors is None
    assert abs(result.efficiency_gap) < 1e-9 * abs(game.grand_value)


@pytest.mark.parametrize("n", sizes([300], [40]))
def test_structured_shapley_sampled_cost_term(benchmark, n):
    rng = np.random.default_rng(n)
    game = StructuredGame(rng.normal(size=n), rng.uniform(0, 1, (n, n)) * (1 - np.eye(n)),
                          costs=ScaleEconomyCost(rng.uniform(1, 3, n), scale=5.0, exponent=0.6))
    benchmark.group = "shapley-structured"
    result = benchmark(shapley_value, game, n_samples=500, rng=1)
    assert "permutation sampling" in result.method and np.all(result.standard_errors > 0)

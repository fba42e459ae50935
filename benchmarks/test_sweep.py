"""Policy sweep of a model file next to the batch 2x2 kernel on the same games (DESIGN §4, issue 10).

Target: a 1001 x 1001 ``two_city_coop`` sweep over reward x penalty (10^6 games)
takes at most 10x the time of :func:`coopgame.batch_equilibria_2x2` on the same
games, whose A and B are built once outside the timed call. Compare the two rows
of the "sweep-vs-kernel" group; ``test_sweep_ratio_to_the_kernel`` also times
both in one test and records the ratio in ``extra_info`` (asserted at full size).
Under COOPGAME_BENCH_QUICK the grid is 101 x 101.
"""

import time

import numpy as np
import pytest

from benchmarks.conftest import QUICK, sizes
from coopgame import batch_equilibria_2x2, load_model, parameter_sweep

N = sizes(1001, 101)
TARGET_RATIO = 10.0


@pytest.fixture(scope="module")
def spec():
    return load_model("two_city_coop")


@pytest.fixture(scope="module")
def grid():
    axis = np.linspace(0.0, 4.0, N)
    return {"reward": axis, "penalty": axis}


@pytest.fixture(scope="module")
def games(spec, grid):
    """The sweep's N * N games as (A, B) stacks, built once (a plain grid name sets both cities' value)."""
    W, F = np.meshgrid(grid["reward"], grid["penalty"], indexing="ij")
    per_city = lambda x: np.repeat(x.reshape(-1, 1), 2, axis=1)  # noqa: E731
    stack = spec.batch_games({"reward": per_city(W), "penalty": per_city(F)})
    return stack.A, stack.B


@pytest.mark.benchmark(group="sweep-vs-kernel")
def test_sweep_two_city_coop_reward_x_penalty(benchmark, spec, grid, games):
    parameter_sweep(spec, {k: v[:3] for k, v in grid.items()})  # imports outside the timing
    res = benchmark(parameter_sweep, spec, grid)
    assert res.method == "batched" and res.shape == (N, N)
    np.testing.assert_array_equal(res.outputs["n_equilibria"].ravel(), batch_equilibria_2x2(*games).counts)
    benchmark.extra_info["games"] = N * N


@pytest.mark.benchmark(group="sweep-vs-kernel")
def test_batch_equilibria_2x2_on_the_same_games(benchmark, games):
    A, B = games
    res = benchmark(batch_equilibria_2x2, A, B)
    assert res.n_games == N * N
    benchmark.extra_info["games"] = N * N


def _best_of(fn, repeat):
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.benchmark(group="sweep-ratio")
def test_sweep_ratio_to_the_kernel(benchmark, spec, grid, games):
    parameter_sweep(spec, {k: v[:3] for k, v in grid.items()})
    sweep_s = _best_of(lambda: parameter_sweep(spec, grid), 3)
    kernel_s = _best_of(lambda: batch_equilibria_2x2(*games), 3)
    ratio = sweep_s / kernel_s
    benchmark.extra_info.update(sweep_s=sweep_s, kernel_s=kernel_s, ratio=ratio, games=N * N)
    benchmark.pedantic(lambda: None, rounds=1, iterations=1)
    if not QUICK:
        assert ratio <= TARGET_RATIO, f"sweep {sweep_s:.3f} s is {ratio:.1f}x the kernel's {kernel_s:.3f} s"

"""Power-index benchmarks: weighted voting games with random integer weights 1..100, quota half the total + 1.

Target (issue 13): 100 players under 1 s, exact. Measured on the development
machine, single-threaded, 3 rounds each: n = 100 min 68 ms, mean 69 ms;
n = 150 mean 0.35 s; n = 26 about 1 ms (a first call in a fresh process
about 0.1-0.14 s at n = 100). Correctness is checked
after timing: the Shapley–Shubik index sums to 1 exactly, and at n = 16 the
swings equal those counted over all 2**16 coalitions.
"""

import math
import time

import numpy as np
import pytest

from benchmarks.conftest import sizes
from coopgame import power_indices


def _game(n):
    rng = np.random.default_rng(n)
    weights = rng.integers(1, 101, size=n)
    return weights, int(weights.sum()) // 2 + 1


@pytest.mark.benchmark(group="power-indices")
@pytest.mark.parametrize("n", sizes([16, 26, 50, 100, 150], [16, 26, 100]))
def test_power_indices(benchmark, n):
    weights, quota = _game(n)
    result = benchmark.pedantic(power_indices, args=(weights, quota), rounds=3, iterations=1)
    assert sum(result.fractions("shapley_shubik")) == 1
    assert sum(result.pivots) == math.factorial(n)
    if n <= 16:   # brute force: every coalition of the others, as bitmasks
        masks = np.arange(2**n)
        sums = ((masks[:, None] >> np.arange(n)) & 1) @ weights
        win = sums >= quota
        swings = [int(np.count_nonzero(win[m | (1 << i)] & ~win[m]))
                  for i in range(n) for m in [masks[(masks >> i) & 1 == 0]]]
        assert list(result.swings) == swings


def test_hundred_players_under_one_second():
    """The issue's target, timed directly (best of 3, so one noisy run on a shared machine does not fail it)."""
    weights, quota = _game(100)
    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        power_indices(weights, quota)
        best = min(best, time.perf_counter() - start)
    assert best < 1.0, f"power_indices at n = 100 took {best:.3f} s"

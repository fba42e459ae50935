"""Airport-nucleolus benchmarks: Littlechild's (1974) closed form at the Birmingham size.

Target (issue 17): 13,572 players (the aircraft movements of Littlechild &
Thompson 1977) under 1 s. The data are not needed: random games of that size
with costs at 36 levels, with all-distinct costs, and with convex costs
``k**2`` (every player ends its own stage, the worst case for the stage
stack). Measured on the development machine, single-threaded, 3 rounds each
(min): n = 13,572 at 36 levels 5 ms, all distinct 13 ms, convex 66 ms (most
of it building the 13,571 stage-player tuples); n = 100,000: 66 / 174 /
383 ms. Through ``coopgame.nucleolus`` on a StructuredGame the time is the
same plus building the game (whose n × n pairwise matrix is 1.5 GB at the
Birmingham size -- that is StructuredGame's cost, not the nucleolus'). Correctness is checked after timing: shares add up to ``max c`` and
are non-decreasing in cost; at n = 10 they equal the LP nucleolus.
"""

import math
import time

import numpy as np
import pytest

from benchmarks.conftest import sizes
from coopgame import TUGame
from coopgame.stability.airport import airport_nucleolus
from coopgame.stability.lexicographic import nucleolus

BIRMINGHAM = 13_572


def _costs(n, kind):
    rng = np.random.default_rng(n)
    if kind == "levels":
        return rng.choice(np.linspace(50.0, 2000.0, 36), size=n)
    if kind == "distinct":
        return rng.permutation(np.arange(1.0, n + 1)) + rng.uniform(0.0, 0.5, size=n)
    return rng.permutation(np.arange(1.0, n + 1) ** 2)


@pytest.mark.benchmark(group="airport-nucleolus")
@pytest.mark.parametrize("kind", ["levels", "distinct", "convex"])
@pytest.mark.parametrize("n", sizes([10, 1000, BIRMINGHAM, 100_000], [10, BIRMINGHAM]))
def test_airport_nucleolus(benchmark, n, kind):
    costs = _costs(n, kind)
    result = benchmark.pedantic(airport_nucleolus, args=(costs,), rounds=3, iterations=1)
    y = result.cost_shares
    assert math.isclose(y.sum(), costs.max(), rel_tol=1e-12)
    assert np.all(np.diff(y[np.argsort(costs, kind="stable")]) >= 0)
    if n <= 10:   # against the sequential LPs on the dense cost game
        dense = TUGame.from_costs([0.0] + [max(costs[i] for i in range(n) if (s >> i) & 1) for s in range(1, 2**n)])
        np.testing.assert_allclose(y, nucleolus(dense).cost_shares, atol=1e-8 * costs.max())


@pytest.mark.parametrize("kind", ["levels", "distinct", "convex"])
def test_birmingham_size_under_one_second(kind):
    """The issue's target, timed directly (best of 3, so one noisy run on a shared machine does not fail it)."""
    costs = _costs(BIRMINGHAM, kind)
    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        airport_nucleolus(costs)
        best = min(best, time.perf_counter() - start)
    assert best < 1.0, f"{BIRMINGHAM} players took {best:.3f} s"

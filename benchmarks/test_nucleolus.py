"""Nucleolus benchmarks: convex and non-convex random games, n = 8 ... 20.

Games (``coopgame.games.generators``, seeded):

* convex -- ``v(S) = Σ_{i∈S} a_i + Σ_{k=1..3} c_k w_k(S)**p_k`` with
  ``p_k ∈ [1.5, 3]`` (convex increasing functions of non-negative weights:
  supermodular);
* random -- ``v(S) = |S| · U(0, 1)`` per coalition and ``v(N) = 0.75 n``
  (usually an empty core, many excess levels).

Targets (DESIGN §4, issue 3): convex n = 16 under 0.5 s, n = 20 under 8 s, on
the project's 2-core machine, single-threaded. Every timed call includes
the Kohlberg check; correctness is asserted after timing.
"""

import numpy as np
import pytest

from benchmarks.conftest import sizes
from coopgame import nucleolus
from coopgame.games.generators import random_convex_game, random_game


@pytest.mark.benchmark(group="nucleolus-convex")
@pytest.mark.parametrize("n", sizes([8, 10, 12, 14, 16, 18, 20], [8, 10]))
def test_nucleolus_convex(benchmark, n):
    game = random_convex_game(n, rng=n)
    result = benchmark.pedantic(nucleolus, args=(game,), rounds=3 if n >= 18 else 5, iterations=1)
    assert result.kohlberg_passed
    assert abs(result.allocation.sum() - game.grand_value) < 1e-8 * np.abs(game.values).max()


@pytest.mark.benchmark(group="nucleolus-random")
@pytest.mark.parametrize("n", sizes([8, 10, 12, 14, 16, 18, 20], [8, 10]))
def test_nucleolus_random(benchmark, n):
    game = random_game(n, rng=n)
    result = benchmark.pedantic(nucleolus, args=(game,), rounds=3 if n >= 18 else 5, iterations=1)
    assert result.kohlberg_passed
    assert abs(result.allocation.sum() - game.grand_value) < 1e-8 * np.abs(game.values).max()

"""nash_equilibria against pygambit: Gambit's exact extreme-equilibrium sets on random and degenerate games.

The oracle tests live here so that test_nash.py runs without pygambit; this module skips
(with the reason) where pygambit is not installed.
"""

import numpy as np
import pytest

from coopgame import PairwiseGame, nash_equilibria
from tests.equilibrium._gambit import gambit_extreme_equilibria
from tests.equilibrium.reference import same_equilibrium_sets
from tests.oracles import requires

pytestmark = [pytest.mark.oracle, requires("pygambit")]


@pytest.mark.parametrize("m, n", [(2, 2), (2, 3), (3, 3), (3, 5), (4, 4), (5, 5), (6, 6), (8, 8)])
def test_random_float_games_match_gambit(m, n):
    rng = np.random.default_rng(100 * m + n)
    for _ in range(4 if m < 6 else 1):
        A, B = rng.normal(size=(m, n)), rng.normal(size=(m, n))
        res = nash_equilibria(PairwiseGame(A, B))
        assert same_equilibrium_sets(res.equilibria, gambit_extreme_equilibria(A, B, rational=(m <= 4)))
        assert res.max_regret <= 1e-9 and res.complete


@pytest.mark.parametrize("m, n", [(2, 2), (2, 3), (3, 2), (3, 3), (3, 4), (4, 4)])
def test_small_integer_games_match_gambit_exactly(m, n):
    """Payoffs in {-2..2}: most of these games are degenerate (ties everywhere)."""
    rng = np.random.default_rng(7 * m + n)
    degenerate = 0
    for _ in range(40):
        A = rng.integers(-2, 3, size=(m, n)).astype(float)
        B = rng.integers(-2, 3, size=(m, n)).astype(float)
        res = nash_equilibria(PairwiseGame(A, B))
        assert same_equilibrium_sets(res.equilibria, gambit_extreme_equilibria(A, B)), (A, B)
        assert res.max_regret <= 1e-12
        degenerate += res.degenerate
    assert degenerate >= 10  # the suite really exercises degenerate games

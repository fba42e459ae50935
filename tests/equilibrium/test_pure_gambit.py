"""Pure equilibria of the n-city game against pygambit's enumpure.

The oracle test lives here so that test_pure.py runs without pygambit; this module skips
(with the reason) where pygambit is not installed.
"""

import numpy as np
import pytest

from coopgame import pure_equilibria
from tests.equilibrium._gambit import gambit_pure_equilibria
from tests.equilibrium.reference import random_city_game
from tests.oracles import requires

pytestmark = [pytest.mark.oracle, requires("pygambit")]


@pytest.mark.parametrize("n", [2, 3, 5, 8, 10])
def test_pure_equilibria_match_gambit_enumpure(n):
    rng = np.random.default_rng(n)
    for integer in (False, True):
        game = random_city_game(n, rng, integer)
        ours = set(pure_equilibria(game).profiles.tolist())
        assert ours == gambit_pure_equilibria(game.payoff_table(perceived=True), n)

"""Banzhaf value: brute force, known answers, batch."""

import numpy as np
import pytest
from hypothesis import given

from coopgame import TUGame, banzhaf_value
from coopgame.errors import UnknownMethodError
from tests.cooperative.reference import banzhaf_by_subsets
from tests.strategies import tu_values


@given(tu_values(max_players=6))
def test_exact_equals_brute_force(values):
    np.testing.assert_allclose(banzhaf_value(TUGame(values)).allocation, banzhaf_by_subsets(values),
                               rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("n", [9, 14])
def test_exact_equals_brute_force_larger(n):
    rng = np.random.default_rng(n)
    v = rng.normal(size=2**n)
    v[0] = 0
    masks = np.arange(2**n)
    ref = np.array([np.mean(v[masks[(masks >> i & 1) == 1]] - v[masks[(masks >> i & 1) == 1] ^ (1 << i)])
                    for i in range(n)])
    np.testing.assert_allclose(banzhaf_value(TUGame(v)).allocation, ref, rtol=1e-9, atol=1e-12)


def test_majority_game_known_answer():
    # 3-player simple majority: each player is pivotal in 2 of the 4 coalitions of the others
    v = [0, 0, 0, 1, 0, 1, 1, 1]
    r = banzhaf_value(TUGame(v))
    np.testing.assert_allclose(r.allocation, [0.5, 0.5, 0.5])
    assert r.efficiency_gap == pytest.approx(0.5)  # Banzhaf is not efficient


def test_unknown_method():
    with pytest.raises(UnknownMethodError, match="sampling"):
        banzhaf_value(TUGame([0, 1]), method="permutation")

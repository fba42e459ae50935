"""Harsanyi dividends: definition, known answers, round trip, link to Shapley."""

import numpy as np
import pytest
from hypothesis import given

from coopgame import TUGame, game_from_dividends, harsanyi_dividends, shapley_value
from coopgame.errors import InvalidGameError
from tests.cooperative.reference import dividends_by_definition
from tests.strategies import tu_values


@given(tu_values(max_players=6))
def test_equals_definition_and_round_trips(values):
    d = harsanyi_dividends(TUGame(values)).dividends
    np.testing.assert_allclose(d, dividends_by_definition(values), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(game_from_dividends(d).values, values, rtol=1e-9, atol=1e-9)


@given(tu_values(max_players=6))
def test_shapley_splits_each_dividend_equally(values):
    # φ_i = Σ_{S∋i} d(S)/|S| (Harsanyi 1963), computed here by a plain loop
    d = dividends_by_definition(values)
    n = len(values).bit_length() - 1
    phi = [sum(d[s] / bin(s).count("1") for s in range(1, len(values)) if s >> i & 1) for i in range(n)]
    np.testing.assert_allclose(shapley_value(TUGame(values)).allocation, phi, rtol=1e-9, atol=1e-9)


def test_known_dividends():
    glove = harsanyi_dividends(TUGame([0, 0, 0, 1, 0, 1, 0, 1], players=["L", "R1", "R2"]))
    assert glove.nonzero() == {("L", "R1"): 1.0, ("L", "R2"): 1.0, ("L", "R1", "R2"): -1.0}
    unanimity = np.zeros(16)
    unanimity[0b1111] = 1.0
    v = game_from_dividends(unanimity).values
    assert v.tolist() == [0.0] * 15 + [1.0]
    assert "{L, R1}" in str(glove)


def test_game_not_mutated_and_result_read_only():
    g = TUGame([0, 1, 2, 4])
    r = harsanyi_dividends(g)
    assert g.values.tolist() == [0, 1, 2, 4] and not r.dividends.flags.writeable


def test_bad_dividends():
    with pytest.raises(InvalidGameError, match="length 2"):
        game_from_dividends([0, 1, 2])
    with pytest.raises(InvalidGameError, match="empty coalition"):
        game_from_dividends([1, 1])

"""TUGame: construction, validation, read-only storage and cost games."""

import numpy as np
import pytest
from hypothesis import given

from coopgame import TUGame
from coopgame.errors import CoopgameError, GameTooLargeError, InvalidGameError
from tests.strategies import tu_values

WASTEWATER = [0, 230, 160, 350, 230, 460, 365, 556]


def test_glove_game_values_and_accessors():
    g = TUGame([0, 0, 0, 1, 0, 1, 0, 1], players=["L", "R1", "R2"])
    assert g.n_players == 3 and g.n_coalitions == 8
    assert g.value(["L", "R1"]) == 1.0 and g.value(["R1", "R2"]) == 0.0
    assert g.value(0b101) == 1.0
    assert g.members(0b101) == ("L", "R2")
    assert g.singleton_values.tolist() == [0.0, 0.0, 0.0]


def test_values_are_read_only_copies():
    raw = np.array([0.0, 1.0, 2.0, 4.0])
    g = TUGame(raw)
    raw[1] = 99.0
    assert g.values[1] == 1.0
    with pytest.raises(ValueError):
        g.values[1] = 5.0


@pytest.mark.parametrize("values, fragment", [
    ([0.0, 1.0, 2.0], r"length 2\*\*n"),
    ([0.0], r"length 2\*\*n"),
    ([1.0, 1.0], "empty coalition must be worth 0"),
    ([0.0, np.nan], "finite"),
    ([0.0, np.inf, 1.0, 2.0], "finite"),
    ([[0.0, 1.0]], "1-dimensional"),
    (["a", "b"], "real numbers"),
])
def test_bad_values_raise_typed_error(values, fragment):
    with pytest.raises(InvalidGameError, match=fragment) as info:
        TUGame(values)
    assert isinstance(info.value, ValueError) and isinstance(info.value, CoopgameError)
    assert "TUGame()" in str(info.value)


def test_bad_players():
    with pytest.raises(InvalidGameError, match="2 labels"):
        TUGame([0, 1, 1, 3], players=["A"])
    with pytest.raises(InvalidGameError, match="distinct"):
        TUGame([0, 1, 1, 3], players=["A", "A"])


def test_from_dict_labels_and_fill():
    g = TUGame.from_dict({"A": 1, ("B",): 2, frozenset({"A", "B"}): 4}, players=["A", "B"])
    assert g.values.tolist() == [0, 1, 2, 4]
    g2 = TUGame.from_dict({(0, 1): 3}, n_players=2, fill=0.0)
    assert g2.values.tolist() == [0, 0, 0, 3]
    with pytest.raises(InvalidGameError, match="have no value"):
        TUGame.from_dict({(0, 1): 3}, n_players=2)
    with pytest.raises(InvalidGameError, match="unknown player 'C'"):
        TUGame.from_dict({"C": 1}, players=["A", "B"], fill=0)


def test_from_function_chunks_and_shape_check():
    g = TUGame.from_function(lambda m: m.astype(float) * 0 + (m > 0), n_players=4)
    assert g.values.sum() == 15
    with pytest.raises(InvalidGameError, match="one value per mask"):
        TUGame.from_function(lambda m: np.zeros(3), n_players=3)


def test_from_costs_wastewater():
    g = TUGame.from_costs(WASTEWATER, players=["t1", "t2", "t3"])
    # savings v(12) = 230 + 160 - 350, v(23) = 160 + 230 - 365, v(13) = 0, v(N) = 620 - 556 (literature/03 §3.2)
    assert g.value(["t1", "t2"]) == 40 and g.value(["t2", "t3"]) == 25
    assert g.value(["t1", "t3"]) == 0 and g.grand_value == 64
    assert g.standalone_costs.tolist() == [230, 160, 230]
    assert g.total_cost == 556
    assert g.cost_shares([20, 30, 14]).tolist() == [210, 130, 216]


def test_cost_shares_needs_cost_game():
    with pytest.raises(InvalidGameError, match="not built from costs"):
        TUGame([0, 1, 1, 3]).cost_shares([1, 2])


def test_memory_guard_refuses_before_allocating():
    with pytest.raises(GameTooLargeError, match="structured game") as info:
        TUGame.from_function(lambda m: m * 0.0, n_players=44)
    assert isinstance(info.value, MemoryError)


@given(tu_values())
def test_excesses_match_definition(values):
    g = TUGame(values)
    x = np.arange(g.n_players, dtype=float)
    e = g.excesses(x)
    masks = np.arange(g.n_coalitions)
    members = (masks[:, None] >> np.arange(g.n_players)) & 1
    np.testing.assert_allclose(e, values - members @ x)


def test_equality_and_repr():
    a = TUGame([0, 1, 1, 3], players=["A", "B"])
    assert a == TUGame([0, 1, 1, 3], players=["A", "B"])
    assert a != TUGame([0, 1, 1, 4], players=["A", "B"])
    assert "n_players=2" in repr(a)

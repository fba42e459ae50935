"""Shapley value: known answers, brute-force reference, axioms, bad input."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopgame import StructuredGame, TUGame, ValueFunctionGame, shapley_value
from coopgame.errors import GameTooLargeError, InvalidGameError, InvalidParameterError, UnknownMethodError
from tests.cooperative.reference import shapley_by_permutations
from tests.strategies import finite, tu_values

WASTEWATER = [0, 230, 160, 350, 230, 460, 365, 556]  # literature/03 §3.2 [S-C01]


def test_glove_game():
    g = TUGame([0, 0, 0, 1, 0, 1, 0, 1], players=["L", "R1", "R2"])
    r = shapley_value(g)
    np.testing.assert_allclose(r.allocation, [2 / 3, 1 / 6, 1 / 6], rtol=1e-12)
    assert r.method == "exact" and r.standard_errors is None and r.cost_shares is None
    assert r["L"] == pytest.approx(2 / 3)


def test_wastewater_cost_shares():
    r = shapley_value(TUGame.from_costs(WASTEWATER))
    # literature/03 §3.2: cost shares 210.33 / 127.83 / 217.83, savings 19.67 / 32.17 / 12.17
    np.testing.assert_allclose(r.cost_shares, [210.33, 127.83, 217.83], atol=5e-3)
    np.testing.assert_allclose(r.allocation, [19.667, 32.167, 12.167], atol=5e-4)
    assert r.cost_shares.sum() == pytest.approx(556)


def test_airport_dense_known_answer():
    # Littlechild-Owen example (literature/05 §5.4): runways 8, 11, 13, 18 -> shares 2, 3, 4, 9
    runway = np.array([8.0, 11.0, 13.0, 18.0])
    member = (np.arange(16)[:, None] >> np.arange(4)) & 1
    g = TUGame.from_costs((member * runway).max(axis=1))
    np.testing.assert_allclose(shapley_value(g).cost_shares, [2, 3, 4, 9], rtol=1e-12)


@pytest.mark.parametrize("n", [1, 2, 5, 7])
def test_exact_equals_brute_force_permutations(n):
    rng = np.random.default_rng(n)
    v = rng.normal(size=2**n)
    v[0] = 0
    np.testing.assert_allclose(shapley_value(TUGame(v)).allocation, shapley_by_permutations(v),
                               rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("n", [13, 15, 17])
def test_blocked_path_equals_player_loop(n):
    # sizes that exercise the single matrix product (<= 12) and the blocked pass (> 12, > 15);
    # reference: the textbook loop over players, φ_i = Σ_{S∌i} w(|S|)(v(S+i) − v(S)).
    from math import factorial
    rng = np.random.default_rng(n)
    v = rng.normal(size=2**n)
    v[0] = 0
    sizes = np.array([bin(m).count("1") for m in range(2**n)])
    w = np.array([factorial(s) * factorial(n - 1 - s) / factorial(n) for s in range(n)])
    masks = np.arange(2**n)
    ref = np.empty(n)
    for i in range(n):
        out = masks[(masks >> i & 1) == 0]
        ref[i] = np.sum(w[sizes[out]] * (v[out | 1 << i] - v[out]))
    np.testing.assert_allclose(shapley_value(TUGame(v)).allocation, ref, rtol=1e-9, atol=1e-12)


@given(tu_values(max_players=5))
def test_brute_force_property(values):
    np.testing.assert_allclose(shapley_value(TUGame(values)).allocation, shapley_by_permutations(values),
                               rtol=1e-9, atol=1e-9)


@given(tu_values(max_players=6))
def test_efficiency(values):
    g = TUGame(values)
    r = shapley_value(g)
    assert abs(r.allocation.sum() - values[-1]) <= 1e-9 * max(1, np.abs(values).max())
    assert abs(r.efficiency_gap) <= 1e-9 * max(1, np.abs(values).max())


@given(tu_values(min_players=2, max_players=6), st.data())
def test_symmetry(values, data):
    # Symmetrise two players i, j: v(S+i) = v(S+j) for S without both; then φ_i = φ_j.
    n = len(values).bit_length() - 1
    i, j = data.draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True))
    masks = np.arange(len(values))
    swapped = masks ^ (((masks >> i ^ masks >> j) & 1) * ((1 << i) | (1 << j)))
    sym = (values + values[swapped]) / 2
    phi = shapley_value(TUGame(sym)).allocation
    assert phi[i] == pytest.approx(phi[j], rel=1e-9, abs=1e-9)


@given(tu_values(min_players=2, max_players=6), st.data())
def test_null_player(values, data):
    n = len(values).bit_length() - 1
    i = data.draw(st.integers(0, n - 1))
    masks = np.arange(len(values))
    null = values[masks & ~(1 << i)]  # player i adds nothing anywhere
    phi = shapley_value(TUGame(null)).allocation
    assert abs(phi[i]) <= 1e-9 * max(1, np.abs(values).max())


@given(tu_values(max_players=6), st.data())
def test_additivity(values, data):
    other = np.array(data.draw(st.lists(finite, min_size=len(values), max_size=len(values))))
    other[0] = 0
    both = shapley_value(TUGame(values + other)).allocation
    np.testing.assert_allclose(both, shapley_value(TUGame(values)).allocation
                               + shapley_value(TUGame(other)).allocation, rtol=1e-9, atol=1e-9)


def test_value_function_game_exact_and_auto():
    rng = np.random.default_rng(3)
    v = rng.normal(size=2**6)
    v[0] = 0
    lazy = ValueFunctionGame(lambda m: v[m], n_players=6)
    np.testing.assert_allclose(shapley_value(lazy).allocation, shapley_by_permutations(v), rtol=1e-10, atol=1e-12)


def test_inputs_not_mutated():
    rng = np.random.default_rng(5)
    v = rng.normal(size=2**14)
    v[0] = 0
    g = TUGame(v)
    before = g.values.copy()
    for method in ("exact", "permutation", "stratified"):
        shapley_value(g, method=method, n_samples=50)
    assert np.array_equal(g.values, before) and not g.values.flags.writeable


def test_result_is_reportable():
    r = shapley_value(TUGame.from_costs(WASTEWATER, players=["t1", "t2", "t3"]))
    text = str(r)
    assert "t2" in text and "127.8333" in text
    d = r.to_dict()
    assert d["by_player"]["t1"] == pytest.approx(19.6667, abs=1e-4) and d["method"] == "exact"


def test_bad_inputs_give_typed_errors():
    g = TUGame([0, 1, 1, 3])
    with pytest.raises(UnknownMethodError, match=r"shapley_value\(\): method must be one of .*'permutation'"):
        shapley_value(g, method="montecarlo")
    with pytest.raises(InvalidGameError, match="must be a TUGame"):
        shapley_value([0, 1, 1, 3])
    with pytest.raises(InvalidParameterError, match="needs a StructuredGame"):
        shapley_value(g, method="structured")
    with pytest.raises(InvalidParameterError, match="n_samples"):
        shapley_value(g, method="permutation", n_samples=1)
    with pytest.raises(InvalidParameterError, match="rng"):
        shapley_value(g, method="permutation", rng=-1)
    with pytest.raises(InvalidGameError, match="length 2"):
        TUGame([0, 1, 2])
    with pytest.raises(InvalidGameError, match="finite"):
        TUGame([0, np.nan, 1, 2])
    with pytest.raises(InvalidGameError, match="empty coalition"):
        TUGame([1, 1, 1, 2])


def test_too_large_for_memory_is_refused_before_allocating():
    huge = ValueFunctionGame(lambda m: np.zeros(m.shape), n_players=45)
    with pytest.raises(GameTooLargeError, match="45 players.*structured game"):
        shapley_value(huge, method="exact")
    big = StructuredGame(np.ones(45))
    with pytest.raises(GameTooLargeError):
        shapley_value(big, method="exact")
    # ... while the structured and sampled paths need no dense array:
    assert shapley_value(big).allocation.tolist() == [1.0] * 45

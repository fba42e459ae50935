"""Owen value: published examples, brute force over union-consistent orders, and the theory's properties."""

from __future__ import annotations

import itertools
import math
import pickle
from fractions import Fraction

import numpy as np
import pytest

from coopgame import StructuredGame, TUGame, shapley_value
from coopgame.cooperative import owen as owen_module
from coopgame.cooperative.owen import MAX_OWEN_WORK, owen_value
from coopgame.errors import GameTooLargeError, InvalidGameError, InvalidParameterError
from coopgame.games.structured import AirportCost
from coopgame.results import AllocationResult


def random_values(n: int, seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=2**n) * 10
    v[0] = 0.0
    return v


def random_partition(n: int, seed: int) -> list[list[int]]:
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, rng.integers(1, n + 1), size=n)
    return [list(map(int, np.flatnonzero(labels == k))) for k in np.unique(labels)]


def brute_force_owen(values: np.ndarray, unions: list[list[int]]) -> list[Fraction]:
    """Average marginal contribution over every order that keeps each union together (plain loops, exact)."""
    n = len(values).bit_length() - 1
    exact = [Fraction(float(x)) for x in values]
    total = [Fraction(0)] * n
    count = 0
    for union_order in itertools.permutations(range(len(unions))):
        for inner in itertools.product(*(itertools.permutations(unions[k]) for k in union_order)):
            mask = 0
            for block in inner:
                for player in block:
                    total[player] += exact[mask | (1 << player)] - exact[mask]
                    mask |= 1 << player
            count += 1
    return [t / count for t in total]


def assert_matches(result: np.ndarray, expected: list[Fraction], values: np.ndarray) -> None:
    scale = max(1.0, float(np.max(np.abs(values))))
    np.testing.assert_allclose(result, [float(e) for e in expected], rtol=0, atol=1e-12 * scale * len(values))


# ------------------------------------------------------------------------------------------ published examples
def test_majority_game_bloc_is_a_dictator() -> None:
    # Owen (1977), the motivating example of a priori unions: in three-player simple majority, if players 1 and 2
    # form a union, the quotient game has two players and the union {1, 2} is a dictator in it (it wins alone),
    # so it gets 1, split equally by symmetry: (1/2, 1/2, 0); without unions Shapley gives (1/3, 1/3, 1/3).
    g = TUGame([0, 0, 0, 1, 0, 1, 1, 1], players=["1", "2", "3"])
    assert owen_value(g, [["1", "2"], ["3"]]).allocation.tolist() == [0.5, 0.5, 0.0]
    assert owen_value(g, [[0, 2], [1]]).allocation.tolist() == [0.5, 0.0, 0.5]


def test_glove_game_with_a_left_right_union() -> None:
    # Glove game (left glove L, right gloves R1, R2; a pair is worth 1), unions {L, R1}, {R2}. By hand from
    # Owen's formula: the union {L, R1} is worth 1 alone and R2 adds nothing, so the quotient game gives it all;
    # inside it, u(T) = ½ v(T) + ½ v(T ∪ R2): u(L) = ½, u(R1) = 0, u(L, R1) = 1, whose Shapley value is
    # L = ½·½ + ½·1 = 3/4, R1 = 1/4. (Shapley without unions: 2/3, 1/6, 1/6.)
    g = TUGame([0, 0, 0, 1, 0, 1, 0, 1], players=["L", "R1", "R2"])
    np.testing.assert_allclose(owen_value(g, [["L", "R1"], ["R2"]]).allocation, [0.75, 0.25, 0.0], atol=1e-15)


def test_four_player_example_by_hand() -> None:
    # v = u_{1,2,3} (unanimity of 1, 2, 3; 4 a dummy), unions {1, 2}, {3, 4}. Owen value of a unanimity game u_T:
    # 1 / (unions meeting T) / (members of T in i's union) = 1/2 · 1/2 for players 1, 2 and 1/2 · 1 for 3
    # (Owen 1977; the same rule that proves Owen = Shapley for pairwise terms in owen.py).
    values = np.zeros(16)
    values[[0b0111, 0b1111]] = 1.0
    r = owen_value(TUGame(values), [[0, 1], [2, 3]])
    assert r.allocation.tolist() == [0.25, 0.25, 0.5, 0.0]
    assert shapley_value(TUGame(values)).allocation.round(12).tolist() == [0.333333333333, 0.333333333333,
                                                                          0.333333333333, 0.0]


# ------------------------------------------------------------------------------------------ brute force
@pytest.mark.parametrize("seed", range(12))
def test_brute_force_over_union_consistent_orders(seed: int) -> None:
    n = 2 + seed % 5   # 2..6 players
    values = random_values(n, seed)
    unions = random_partition(n, seed)
    expected = brute_force_owen(values, unions)
    assert_matches(owen_value(TUGame(values), unions).allocation, expected, values)


def test_brute_force_six_players_three_unions() -> None:
    values = random_values(6, 99)
    unions = [[0, 3], [1, 4, 5], [2]]
    assert_matches(owen_value(TUGame(values), unions).allocation, brute_force_owen(values, unions), values)


# ------------------------------------------------------------------------------------------ properties
@pytest.mark.parametrize("n", [1, 3, 5, 8])
def test_trivial_partitions_give_the_shapley_value(n: int) -> None:
    g = TUGame(random_values(n, n))
    phi = shapley_value(g).allocation
    scale = np.max(np.abs(g.values))
    np.testing.assert_allclose(owen_value(g, [[i] for i in range(n)]).allocation, phi, atol=1e-12 * scale)
    np.testing.assert_allclose(owen_value(g, [list(range(n))]).allocation, phi, atol=1e-12 * scale)


@pytest.mark.parametrize("seed", range(6))
def test_quotient_game_property(seed: int) -> None:
    n = 7
    values = random_values(n, 100 + seed)
    unions = random_partition(n, 100 + seed)
    m = len(unions)
    union_masks = [sum(1 << i for i in u) for u in unions]
    quotient = np.zeros(2**m)
    for r in range(2**m):   # v of the union of the unions in r
        quotient[r] = values[sum(union_masks[k] for k in range(m) if r >> k & 1)]
    per_union = shapley_value(TUGame(quotient)).allocation
    phi = owen_value(TUGame(values), unions).allocation
    got = [phi[u].sum() for u in unions]
    np.testing.assert_allclose(got, per_union, atol=1e-11 * np.max(np.abs(values)))


@pytest.mark.parametrize("seed", range(4))
def test_efficiency_symmetry_within_unions_and_dummy(seed: int) -> None:
    n = 6
    rng = np.random.default_rng(seed)
    # symmetric in players 0 and 1: v depends on them only through how many of them are in S; player 5 is a dummy
    base = rng.normal(size=2**n)
    values = np.empty(2**n)
    for s in range(2**n):
        swapped = (s & ~0b11) | ((s & 1) << 1) | ((s >> 1) & 1)
        core_s, core_w = s & 0b011111, swapped & 0b011111
        values[s] = base[core_s & ~(1 << 5)] + base[core_w & ~(1 << 5)] + 2.5 * (s >> 5 & 1)
    values -= values[0]
    values[1 << 5] = 2.5
    g = TUGame(values)
    r = owen_value(g, [[0, 1, 2], [3, 4], [5]])
    assert abs(r.efficiency_gap) < 1e-12 * np.max(np.abs(values))
    assert abs(r.allocation.sum() - g.grand_value) < 1e-12 * np.max(np.abs(values))
    assert r.allocation[0] == pytest.approx(r.allocation[1], abs=1e-12)
    assert r.allocation[5] == pytest.approx(2.5, abs=1e-12)


def test_rescaling_and_extreme_magnitudes() -> None:
    values = random_values(5, 7)
    unions = [[0, 4], [1, 2], [3]]
    base = owen_value(TUGame(values), unions).allocation
    for factor in (1e-300, 1e-8, 3.0, 1e8, 1e300):
        np.testing.assert_allclose(owen_value(TUGame(values * factor), unions).allocation / factor, base,
                                   rtol=1e-12, atol=1e-12 * np.max(np.abs(base)))


# ------------------------------------------------------------------------------------------ structured games
def test_structured_quadratic_is_shapley_closed_form_at_any_n() -> None:
    n = 3000
    rng = np.random.default_rng(3)
    a = rng.normal(size=n)
    m = rng.normal(size=(n, n))
    np.fill_diagonal(m, 0.0)
    g = StructuredGame(a, m)
    unions = [list(range(k, min(n, k + 7))) for k in range(0, n, 7)]
    r = owen_value(g, unions)
    np.testing.assert_allclose(r.allocation, a + 0.5 * (m.sum(axis=0) + m.sum(axis=1)), rtol=1e-12, atol=1e-9)
    assert r.method.startswith("structured: closed form")


def test_structured_quadratic_agrees_with_dense_owen() -> None:
    rng = np.random.default_rng(4)
    a, m = rng.normal(size=6), rng.normal(size=(6, 6))
    np.fill_diagonal(m, 0.0)
    g = StructuredGame(a, m)
    unions = [[0, 5], [1, 2, 3], [4]]
    dense = owen_value(g.to_tu(), unions).allocation
    np.testing.assert_allclose(owen_value(g, unions).allocation, dense, atol=1e-12)
    assert_matches(dense, brute_force_owen(g.to_tu().values, unions), g.to_tu().values)


def test_structured_cost_game_falls_back_to_dense_and_fills_cost_shares() -> None:
    # airport runways (Littlechild & Owen 1973 costs as in coopgame's AirportCost example)
    g = StructuredGame.from_costs(AirportCost([8, 11, 13, 18]), players=["a", "b", "c", "d"])
    unions = [["a", "d"], ["b", "c"]]
    r = owen_value(g, unions)
    dense = g.to_tu()
    expected = brute_force_owen(dense.values, [[0, 3], [1, 2]])
    assert_matches(r.allocation, expected, dense.values)
    assert "AirportCost: exact dense" in r.method
    np.testing.assert_allclose(r.cost_shares, [8, 11, 13, 18] - r.allocation)
    assert r.cost_shares.sum() == pytest.approx(18.0)
    dense_r = owen_value(dense, unions)
    np.testing.assert_allclose(dense_r.cost_shares, r.cost_shares, atol=1e-12)


def test_cost_game_cost_shares() -> None:
    # savings v(12) = 40, v(13) = 0, v(23) = 25, v(N) = 64. By hand: the quotient game gives {1, 2} ½·40 + ½·64 =
    # 52 and 3 the rest, 12; inside {1, 2}, u(T) = ½ v(T) + ½ v(T ∪ 3): u(1) = 0, u(2) = 12.5, u(12) = 52, so
    # player 1 gets ½·0 + ½·(52 − 12.5) = 19.75 and player 2 gets 32.25.
    g = TUGame.from_costs([0, 230, 160, 350, 230, 460, 365, 556])
    r = owen_value(g, [[0, 1], [2]])
    np.testing.assert_allclose(r.allocation, [19.75, 32.25, 12.0], atol=1e-12)
    np.testing.assert_allclose(r.cost_shares, g.standalone_costs - r.allocation)
    assert r.cost_shares.sum() == pytest.approx(556.0)


# ------------------------------------------------------------------------------------------ result and input
def test_result_records_unions_as_labels() -> None:
    g = TUGame([0, 0, 0, 1, 0, 1, 1, 1], players=["x", "y", "z"])
    r = owen_value(g, [[2, "x"], ("y",)])
    assert isinstance(r, AllocationResult) and r.concept == "owen" and r.method == "exact"
    assert r.parameters["unions"] == (("x", "z"), ("y",))
    assert r.game is g
    assert r.to_dict()["parameters"]["unions"] == [["x", "z"], ["y"]]
    assert "owen" in repr(r) and "Owen" in str(r)
    assert pickle.loads(pickle.dumps(r)).allocation.tolist() == r.allocation.tolist()
    as_arrays = owen_value(g, np.array([[0, 2], [1, 1]])[[0]].tolist() + [np.array([1])])
    assert as_arrays.parameters["unions"] == (("x", "z"), ("y",))
    assert owen_value(g, np.array([[0, 1, 2]])).allocation.round(12).tolist() == [0.333333333333] * 3


@pytest.mark.parametrize(("unions", "message"), [
    ("ab", "unions must be a sequence of sequences"),
    ({"p": ["a"]}, "unions must be a sequence of sequences"),
    (5, "unions must be a sequence of sequences"),
    (None, "unions must be a sequence of sequences"),
    ([[["a"]], ["b", "c"]], "labels .str. or 0-based indices .int.; got"),
    ([["a", "b"], [10**100]], "index 1000"),
    ([["a", "b"], "c"], r"unions\[1\] must be a sequence .*write \['c'\]"),
    ([["a", "b"], [], ["c"]], r"unions\[1\] is empty"),
    ([["a", "b"], ["q", "c"]], "unknown player 'q'"),
    ([["a", "b"], [3]], "index 3, outside 0..2"),
    ([["a", "b"], [-1, "c"]], "index -1"),
    ([["a", "b"], [True, "c"]], "labels .str. or 0-based indices .int.; got"),
    ([["a", "b"], [1.0, "c"]], "labels .str. or 0-based indices .int.; got"),
    ([["a", "b"], ["b", "c"]], r"player 'b' is in both unions\[0\] and unions\[1\]"),
    ([["a", "a"], ["b", "c"]], r"player 'a' is twice in unions\[0\]"),
    ([["a", 0], ["b", "c"]], r"player 'a' is twice in unions\[0\]"),
    ([["a"], ["c"]], r"no union holds \['b'\]"),
])
def test_bad_unions_are_clear_errors(unions: object, message: str) -> None:
    g = TUGame([0, 0, 0, 1, 0, 1, 1, 1], players=["a", "b", "c"])
    with pytest.raises(InvalidParameterError, match=r"^owen_value\(\): .*" + message):
        owen_value(g, unions)  # type: ignore[arg-type]


def test_not_a_game() -> None:
    with pytest.raises(InvalidGameError, match=r"^owen_value\(\): game must be"):
        owen_value([0, 1, 1, 2], [[0, 1]])  # type: ignore[arg-type]


def test_too_much_work_is_refused_before_any_work(monkeypatch: pytest.MonkeyPatch) -> None:
    # 25 singletons would need 25 * 2**24 > MAX_OWEN_WORK gathered values; checked on the partition alone
    with pytest.raises(GameTooLargeError, match=r"^owen_value\(\): the Owen value of 25 players in 25 unions"):
        owen_module.check_owen_work([[i] for i in range(25)], func="owen_value")
    assert 24 * 2**23 * 2 <= MAX_OWEN_WORK
    monkeypatch.setattr(owen_module, "MAX_OWEN_WORK", 2**9)
    g = TUGame(random_values(8, 1))
    with pytest.raises(GameTooLargeError, match="merge small unions"):
        owen_value(g, [[i] for i in range(8)])
    assert owen_value(g, [[0, 1, 2, 3], [4, 5, 6, 7]]).efficiency_gap == pytest.approx(0.0, abs=1e-12)


def test_cost_term_fallback_refuses_a_huge_structured_game() -> None:
    g = StructuredGame.from_costs(AirportCost(np.arange(1.0, 61.0)))
    with pytest.raises(GameTooLargeError, match=r"^owen_value\(\): "):
        owen_value(g, [[i] for i in range(60)])


def test_order_weights_sum_to_one() -> None:
    for q in range(1, 12):
        w = owen_module._order_weights(q)
        assert sum(w[s] * math.comb(q - 1, s) for s in range(q)) == pytest.approx(1.0, abs=1e-15)

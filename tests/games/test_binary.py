"""n-player games with two actions given by their payoff table: validation, advantages, equilibria, dynamics.

Expected values are worked by hand (small textbook games) or computed here by
plain loops over the 2**n profiles, bit i of a profile set iff player i plays
action 1.
"""

from __future__ import annotations

import itertools
import pickle

import numpy as np
import pytest

import coopgame
from coopgame import BinaryActionGame
from coopgame.errors import InvalidGameError, InvalidParameterError

# action 1 = cooperate; profile bits (player 0, player 1): 0 = DD, 1 = CD, 2 = DC, 3 = CC
PRISONERS_DILEMMA = [[1, 1], [0, 5], [5, 0], [3, 3]]
# action 1 = stag: stag 3 with a stag partner, 0 alone; hare 2 against hare, 1 against a stag
STAG_HUNT = [[2, 2], [0, 1], [1, 0], [3, 3]]
# player 0 wants to match, player 1 to mismatch
MATCHING_PENNIES = [[1, -1], [-1, 1], [-1, 1], [1, -1]]


def _bit(mask, i):
    return (mask >> i) & 1


def _brute_advantages(table):
    rows, n = table.shape
    out = np.empty((rows, n))
    for mask in range(rows):
        for i in range(n):
            out[mask, i] = table[mask | (1 << i), i] - table[mask & ~(1 << i), i]
    return out


def _brute_equilibria(table, tol=1e-12):
    rows, n = table.shape
    found = []
    for mask in range(rows):
        if all(table[mask, i] >= table[mask ^ (1 << i), i] - tol for i in range(n)):
            found.append(mask)
    return found


# --------------------------------------------------------------------------- validation
@pytest.mark.parametrize("payoffs", [
    [[1, 2, 3]],                                 # one row, three columns
    np.zeros((3, 2)),                            # 3 rows for 2 players
    np.zeros((4, 3)),                            # 4 rows for 3 players
    np.zeros((8, 2)),
    np.zeros(4),                                 # 1-D
    np.zeros((4, 2, 1)),                         # 3-D
    np.zeros((1, 0)),                            # no players
])
def test_bad_shapes_are_refused(payoffs):
    with pytest.raises(InvalidGameError, match="payoffs"):
        BinaryActionGame(payoffs)


@pytest.mark.parametrize("payoffs", [
    [[1, np.nan], [0, 5], [5, 0], [3, 3]],
    [[1, np.inf], [0, 5], [5, 0], [3, 3]],
    [[1, 1j], [0, 5], [5, 0], [3, 3]],
    [[1, "a"], [0, 5], [5, 0], [3, 3]],
    "abcd",
    None,
])
def test_non_finite_or_non_real_payoffs_are_refused(payoffs):
    with pytest.raises(InvalidGameError, match="payoffs"):
        BinaryActionGame(payoffs)


def test_bad_players_and_actions_are_refused():
    with pytest.raises(InvalidParameterError, match="actions"):
        BinaryActionGame(PRISONERS_DILEMMA, actions="ab")
    with pytest.raises(InvalidParameterError, match="actions"):
        BinaryActionGame(PRISONERS_DILEMMA, actions=("a", "a"))
    with pytest.raises(InvalidParameterError, match="actions"):
        BinaryActionGame(PRISONERS_DILEMMA, actions=("a", "b", "c"))
    with pytest.raises(InvalidParameterError, match="actions"):
        BinaryActionGame(PRISONERS_DILEMMA, actions=("a", ""))
    with pytest.raises(InvalidGameError, match="labels"):
        BinaryActionGame(PRISONERS_DILEMMA, players=["x", "x"])
    with pytest.raises(InvalidGameError, match="labels"):
        BinaryActionGame(PRISONERS_DILEMMA, players=["x"])


def test_bad_shares_and_profiles_are_refused():
    g = BinaryActionGame(PRISONERS_DILEMMA)
    for shares in ([0.5, 1.5], [-0.1, 0.5], [0.5], [[0.5, 0.5]], [0.5, np.nan]):
        with pytest.raises(InvalidParameterError, match="shares"):
            g.expected_advantage(shares)
    for profiles in ([4], [-1], [0.5], [[0, 1]]):
        with pytest.raises(InvalidParameterError, match="profiles"):
            g.payoffs(profiles)


# --------------------------------------------------------------------------- immutability
def test_game_is_immutable_and_copies_its_input():
    raw = np.array(PRISONERS_DILEMMA, dtype=float)
    g = BinaryActionGame(raw, players=["a", "b"], actions=("defect", "cooperate"))
    raw[0, 0] = 99.0
    assert g.payoff_table[0, 0] == 1.0
    with pytest.raises(ValueError):
        g.payoff_table[0, 0] = 7.0
    with pytest.raises(AttributeError):
        g._table = np.zeros((4, 2))
    with pytest.raises(AttributeError):
        g.players = ("c", "d")
    with pytest.raises(AttributeError):
        del g._n
    adv = g.advantage_table()
    adv[0, 0] = 42.0                       # a fresh array or read-only; the game does not change
    assert g.advantage_table()[0, 0] == -1.0
    assert g.n_players == 2 and g.players == ("a", "b") and g.actions == ("defect", "cooperate")
    assert g.payoff_scale == 5.0
    assert g.payoffs(np.array([3, 0])).tolist() == [[3.0, 3.0], [1.0, 1.0]]


def test_pickle_round_trip_keeps_table_read_only():
    g = BinaryActionGame(np.random.default_rng(1).normal(size=(8, 3)), players=["x", "y", "z"],
                         actions=("withhold", "pay"))
    h = pickle.loads(pickle.dumps(g))
    np.testing.assert_array_equal(h.payoff_table, g.payoff_table)
    assert h.players == g.players and h.actions == g.actions
    assert not h.payoff_table.flags.writeable
    with pytest.raises(ValueError):
        h.payoff_table[0, 0] = 1.0
    with pytest.raises(AttributeError):
        h._table = None


# --------------------------------------------------------------------------- advantages
def test_advantage_table_of_prisoners_dilemma_by_hand():
    g = BinaryActionGame(PRISONERS_DILEMMA)
    # player 0: against D, C gives 0 vs D 1 → −1; against C, 3 vs 5 → −2 (rows 0, 1 against D; 2, 3 against C)
    np.testing.assert_allclose(g.advantage_table(), [[-1, -1], [-1, -2], [-2, -1], [-2, -2]])


def test_advantage_table_matches_brute_force():
    table = np.random.default_rng(42).normal(size=(16, 4))
    g = BinaryActionGame(table)
    np.testing.assert_allclose(g.advantage_table(), _brute_advantages(table), atol=1e-12)


def test_expected_advantage_matches_brute_force_expectation():
    rng = np.random.default_rng(9)
    n = 4
    table = rng.normal(size=(1 << n, n))
    g = BinaryActionGame(table)
    states = rng.random((n, 5))
    got = g.expected_advantage(states)
    assert got.shape == (n, 5)
    for k in range(5):
        x = states[:, k]
        for i in range(n):
            total = 0.0
            for bits in itertools.product((0, 1), repeat=n - 1):
                others = [j for j in range(n) if j != i]
                prob, mask = 1.0, 0
                for j, b in zip(others, bits):
                    prob *= x[j] if b else 1 - x[j]
                    mask |= b << j
                total += prob * (table[mask | (1 << i), i] - table[mask, i])
            assert got[i, k] == pytest.approx(total, abs=1e-12)
            assert g.expected_advantage(x)[i] == pytest.approx(total, abs=1e-12)


def test_expected_advantage_at_pure_states_is_the_table_row():
    g = BinaryActionGame(STAG_HUNT)
    # partner plays stag surely: 3 − 1 = 2; hare surely: 0 − 2 = −2; at 1/2: 0 (the mixed point)
    np.testing.assert_allclose(g.expected_advantage([1.0, 1.0]), [2.0, 2.0])
    np.testing.assert_allclose(g.expected_advantage([0.0, 0.0]), [-2.0, -2.0])
    np.testing.assert_allclose(g.expected_advantage([0.5, 0.5]), [0.0, 0.0], atol=1e-12)


# --------------------------------------------------------------------------- pure equilibria
def test_pure_equilibria_of_textbook_games():
    pd = coopgame.pure_equilibria(BinaryActionGame(PRISONERS_DILEMMA, actions=("defect", "cooperate")))
    assert pd.profiles.tolist() == [0] and pd.n_equilibria == 1
    assert pd.cooperators(0) == ()
    np.testing.assert_allclose(pd.payoffs, [[1, 1]])
    np.testing.assert_allclose(pd.welfare, [2])
    sh = coopgame.pure_equilibria(BinaryActionGame(STAG_HUNT, players=["p", "q"]))
    assert sh.profiles.tolist() == [0, 3]                   # both hare, both stag
    assert sh.cooperators(1) == ("p", "q")
    np.testing.assert_allclose(sh.welfare, [4, 6])
    mp = coopgame.pure_equilibria(BinaryActionGame(MATCHING_PENNIES))
    assert mp.n_equilibria == 0 and mp.profiles.tolist() == []


def test_pure_equilibria_with_ties_count_as_best_responses():
    # everybody indifferent: every profile is an equilibrium
    assert coopgame.pure_equilibria(BinaryActionGame(np.zeros((8, 3)))).profiles.tolist() == list(range(8))


def test_pure_equilibria_match_brute_force_on_random_tables():
    rng = np.random.default_rng(2026)
    seen = set()
    for _ in range(30):
        table = rng.integers(-3, 4, size=(32, 5)).astype(float)    # small integers: ties happen
        got = coopgame.pure_equilibria(BinaryActionGame(table)).profiles.tolist()
        expected = _brute_equilibria(table)
        assert got == expected
        seen.add(len(expected) > 0)
    assert seen == {True, False}
    table = rng.normal(size=(32, 5))
    assert coopgame.pure_equilibria(BinaryActionGame(table)).profiles.tolist() == _brute_equilibria(table)


# --------------------------------------------------------------------------- dynamics
def test_replicator_on_stag_hunt_converges_by_side_of_the_mixed_point():
    # advantage of stag at partner share y: 3y + 0(1 − y) − (1·y + 2(1 − y)) = 4y − 2 → mixed point 1/2
    g = BinaryActionGame(STAG_HUNT)
    up = coopgame.replicator_dynamics(g, [0.6, 0.6], (0, 50))
    down = coopgame.replicator_dynamics(g, [0.4, 0.4], (0, 50))
    np.testing.assert_allclose(np.asarray(up.final_states).reshape(-1), [1.0, 1.0], atol=1e-4)
    np.testing.assert_allclose(np.asarray(down.final_states).reshape(-1), [0.0, 0.0], atol=1e-4)
    both = coopgame.replicator_dynamics(g, [[0.7, 0.55], [0.3, 0.45]], (0, 50))
    np.testing.assert_allclose(np.asarray(both.final_states), [[1.0, 1.0], [0.0, 0.0]], atol=1e-4)


def test_replicator_on_three_player_table():
    # each player gains 1 from action 1 whatever the others do: shares rise to 1
    n = 3
    table = np.array([[float(_bit(mask, i)) for i in range(n)] for mask in range(1 << n)])
    tr = coopgame.replicator_dynamics(BinaryActionGame(table), [0.1, 0.2, 0.3], (0, 40))
    np.testing.assert_allclose(np.asarray(tr.final_states).reshape(-1), [1.0] * 3, atol=1e-4)


def test_evolutionary_regime_of_table_games():
    pd = coopgame.evolutionary_regime(BinaryActionGame(PRISONERS_DILEMMA, actions=("defect", "cooperate")))
    assert str(pd.regime) == "defection dominant"
    assert pd.regime.name == "DEFECTION_DOMINANT"
    assert pd.stable_profiles == (("defect", "defect"),)
    sh = coopgame.evolutionary_regime(BinaryActionGame(STAG_HUNT, actions=("hare", "stag")))
    assert str(sh.regime) == "bistable"
    assert set(sh.stable_profiles) == {("stag", "stag"), ("hare", "hare")}
    # cooperating (action 1) strictly better whatever the other does
    harmony = [[0, 0], [1, 0], [0, 1], [1, 1]]
    assert str(coopgame.evolutionary_regime(BinaryActionGame(harmony)).regime) == "cooperation dominant"

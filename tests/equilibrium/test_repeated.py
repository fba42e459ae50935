"""Critical discount factors of grim-trigger cooperation in the repeated n-city game."""

import itertools
import pickle

import numpy as np
import pytest

from coopgame import NCityGame
from coopgame.equilibrium.repeated import (
    CriticalDiscountResult,
    critical_discount_factors,
    grim_trigger_thresholds,
)
from coopgame.errors import InvalidGameError, InvalidParameterError

OFF3 = 1 - np.eye(3)


# ---------------------------------------------------------------------------------------------- independent code
def payoff_by_hand(params, x, i):
    """City i's perceived payoff at pure profile x (a tuple of 0/1), from DESIGN §2.1, with plain loops."""
    n = len(x)
    p = params
    beta = p.get("perception", [1.0] * n)[i]
    e = p.get("spillover", np.zeros((n, n)))
    s = p.get("synergy", np.zeros((n, n)))
    cost = p["cost"][i] if np.ndim(p["cost"]) else p["cost"]
    reward = np.broadcast_to(p.get("reward", 0.0), (n,))[i]
    penalty = np.broadcast_to(p.get("penalty", 0.0), (n,))[i]
    base = np.broadcast_to(p.get("base", 0.0), (n,))[i]
    u = base + x[i] * (reward - beta * cost) - (1 - x[i]) * penalty
    for j in range(n):
        u += e[i][j] * x[j] + x[i] * s[i][j] * x[j]
    return u


def nash_by_hand(params, n):
    """All pure Nash equilibria (as 0/1 tuples) by checking every unilateral deviation."""
    out = []
    for x in itertools.product((0, 1), repeat=n):
        stable = True
        for i in range(n):
            y = list(x)
            y[i] = 1 - x[i]
            if payoff_by_hand(params, tuple(y), i) > payoff_by_hand(params, x, i) + 1e-12:
                stable = False
        if stable:
            out.append(x)
    return out


def discounted(stream, delta):
    """Σ_t δ^t u_t over a finite stream, summed term by term."""
    total, w = 0.0, 1.0
    for u in stream:
        total += w * u
        w *= delta
    return total


def grim_trigger_values(params, n, i, punishment, delta, horizon=6000):
    """City i's discounted value of cooperating forever vs deviating once and being punished forever."""
    full = (1,) * n
    dev = tuple(0 if j == i else 1 for j in range(n))
    R = payoff_by_hand(params, full, i)
    T = payoff_by_hand(params, dev, i)
    P = payoff_by_hand(params, punishment, i)
    coop = discounted([R] * horizon, delta)
    defect = discounted([T] + [P] * (horizon - 1), delta)
    return coop, defect


# ---------------------------------------------------------------------------------------------- tests
def test_repeated_prisoners_dilemma_textbook_value():
    """Friedman (1971); Gibbons (1992, §2.3.B): grim trigger sustains (C, C) iff δ >= (T - R)/(T - P).

    Axelrod's T = 5, R = 3, P = 1 give 1/2. Building the two-city game: u(0,0) = b - F = P, u(1,0) = b + W - c = S,
    u(0,1) = b - F + e = T, u(1,1) = b + W - c + e + s = R, so s = R - S - T + P, which the game's non-negative
    synergy needs >= 0: S <= -1 (S = -1 keeps a prisoner's dilemma, T > R > P > S and 2R > T + S; δ* does not
    depend on S). With F = W = 0: b = 1, c = 2, e = 4, s = 0.
    """
    g = NCityGame(base=1.0, cost=2.0, spillover=4.0 * (1 - np.eye(2)), players=["A", "B"])
    u = g.payoffs(np.array([0b00, 0b01, 0b10, 0b11]), perceived=True)
    assert u[:, 0].tolist() == [1.0, -1.0, 5.0, 3.0]  # P, S, T, R for city A
    res = critical_discount_factors(g)
    assert res.delta.tolist() == [0.5, 0.5]
    assert res.group_delta == 0.5
    assert res.punishment.tolist() == [0]
    assert grim_trigger_thresholds(3.0, 5.0, 1.0) == 0.5


def test_three_cities_worked_by_hand():
    """Costs 7, 8, 10; spillover 4 and synergy 3 per cooperating neighbour. 0_N is a stage equilibrium
    (g_i(0) = -c_i < 0); R_i = 8 + 6 - c_i, T_i = 8, P_i = 0, so δ_i* = (c_i - 6)/8 = 1/8, 1/4, 1/2."""
    g = NCityGame(cost=[7.0, 8.0, 10.0], spillover=4 * OFF3, synergy=3 * OFF3, players=["X", "Y", "Z"])
    res = critical_discount_factors(g)
    assert res.delta.tolist() == [0.125, 0.25, 0.5]
    assert res.group_delta == 0.5
    assert res.cooperation_payoff.tolist() == [7.0, 6.0, 4.0]
    assert res.deviation_payoff.tolist() == [8.0, 8.0, 8.0]
    assert res.punishment_payoff.tolist() == [0.0, 0.0, 0.0]
    assert res.punishment_is_equilibrium and res.punishment_rule == "least pure equilibrium"
    assert res.sustained(0.3).tolist() == [True, True, False]


def test_perceived_payoffs_decide():
    """City Z weighs its cost 10 as 12.5 (perception 1.25): δ_Z* = (12.5 - 6)/8 = 0.8125, not 0.5."""
    g = NCityGame(cost=[7.0, 8.0, 10.0], spillover=4 * OFF3, synergy=3 * OFF3, perception=[1.0, 1.0, 1.25])
    res = critical_discount_factors(g)
    assert res.delta.tolist() == [0.125, 0.25, 0.8125]
    assert res.parameters["perceived"] is True


@pytest.mark.parametrize("case", range(6))
def test_brute_force_discounted_sums_around_the_threshold(case):
    rng = np.random.default_rng(case)
    n = 3
    params = {"cost": rng.uniform(5, 12, n), "spillover": rng.uniform(0, 5, (n, n)) * OFF3,
              "synergy": rng.uniform(0, 3, (n, n)) * OFF3, "perception": rng.uniform(1, 1.3, n),
              "reward": rng.uniform(0, 3 + 6 * (case % 2), n)}  # odd cases: 0_N often no equilibrium
    g = NCityGame(**params)
    res = critical_discount_factors(g)
    punishment = tuple((int(res.punishment[0]) >> j) & 1 for j in range(n))
    assert punishment in nash_by_hand(params, n)
    for i in range(n):
        d = res.delta[i]
        if d == 0:
            coop, defect = grim_trigger_values(params, n, i, punishment, 0.0, horizon=1)
            assert coop >= defect - 1e-12
        elif np.isfinite(d) and d < 0.999:
            for delta, keeps in ((d + 1e-3, True), (max(d - 1e-3, 0.0), False)):
                coop, defect = grim_trigger_values(params, n, i, punishment, delta)
                assert (coop >= defect) == keeps, (i, d, delta)


def test_punishment_when_all_protect_is_not_an_equilibrium():
    """A reward of 8 makes city 1 cooperate alone (g_1(0) = 8 - 7 > 0): the least equilibrium punishes."""
    params = {"cost": np.array([7.0, 8.0, 10.0]), "spillover": 4 * OFF3, "synergy": 3 * OFF3,
              "reward": np.array([8.0, 0.0, 0.0])}
    g = NCityGame(**params)
    res = critical_discount_factors(g)
    assert res.punishment.tolist() == [0b001]
    assert "not a stage equilibrium" in " ".join(res.notes)
    # brute force: the chosen punishment is the equilibrium worst for every city
    eqs = nash_by_hand(params, 3)
    assert (0, 0, 0) not in eqs
    worst = [min(payoff_by_hand(params, x, i) for x in eqs) for i in range(3)]
    assert [payoff_by_hand(params, (1, 0, 0), i) for i in range(3)] == worst
    # hand: city 2 has R = 6, T = 8, P = 4 (spillover from city 1): δ* = 2/4; city 3 R = 4 = P < T: never
    assert res.delta[0] == 0.0 and res.delta[1] == 0.5 and np.isinf(res.delta[2])
    assert np.isinf(res.group_delta)
    assert "never" in str(res)


def test_zero_when_cooperation_is_a_best_response():
    g = NCityGame(cost=4.0, synergy=3 * OFF3)  # g_i(1) = -4 + 6 > 0
    assert critical_discount_factors(g).delta.tolist() == [0.0, 0.0, 0.0]


def test_rescaling_invariance():
    kw = {"cost": [7.0, 8.0, 10.0], "spillover": 4 * OFF3, "synergy": 3 * OFF3, "reward": [0.5, 0.0, 6.5]}
    ref = critical_discount_factors(NCityGame(**kw))
    for c in (1e-8, 3.0, 1e8):
        scaled = critical_discount_factors(NCityGame(**{k: np.asarray(v) * c for k, v in kw.items()}))
        assert np.allclose(scaled.delta, ref.delta, rtol=1e-12) or np.array_equal(scaled.delta, ref.delta)
        assert np.array_equal(np.isinf(scaled.delta), np.isinf(ref.delta))
        assert scaled.punishment.tolist() == ref.punishment.tolist()


def test_issue_layers_per_layer_and_linked():
    """Two issues: per layer the single-issue answers; linked, T - R and R - P add over the issues."""
    cost = np.array([[7.0, 8.0, 10.0], [1.0, 9.0, 2.0]])
    g = NCityGame(cost=cost, spillover=np.stack([4 * OFF3, 2 * OFF3]), synergy=np.stack([3 * OFF3, 0 * OFF3]))
    res = critical_discount_factors(g)
    for k in range(2):
        alone = critical_discount_factors(g.layer(k))
        assert np.array_equal(res.per_layer[k], alone.delta)
    # layer 2 by hand: R = 4 - c, T = 4, P = 0, deviation gain c, loss 4 - c (city 2: never on its own)
    assert res.per_layer[1][0] == pytest.approx(1 / 4) and np.isinf(res.per_layer[1][1])
    # linked: gain (c1 - 6) + c2, loss (14 - c1) + (4 - c2)
    want = [(1 + 1) / (1 + 1 + 7 + 3), (2 + 9) / (2 + 9 + 6 - 5), (4 + 2) / (4 + 2 + 4 + 2)]
    assert res.delta.tolist() == pytest.approx(want)


def test_given_punishment_is_checked_for_credibility():
    g = NCityGame(cost=[7.0, 8.0, 10.0], spillover=4 * OFF3, synergy=3 * OFF3)
    res = critical_discount_factors(g, punishment=0b011)
    assert res.punishment_rule == "given" and not res.punishment_is_equilibrium
    assert "not credible" in " ".join(res.notes)
    assert critical_discount_factors(g, punishment=0).punishment_is_equilibrium


def test_result_family():
    g = NCityGame(cost=[7.0, 8.0, 10.0], spillover=4 * OFF3, synergy=3 * OFF3)
    res = critical_discount_factors(g)
    assert isinstance(res, CriticalDiscountResult)
    d = res.to_dict()
    assert d["delta"] == [0.125, 0.25, 0.5] and d["punishment"] == [0]
    assert "all protect" in str(res) and len(repr(res)) <= 160
    back = pickle.loads(pickle.dumps(res))
    assert np.array_equal(back.delta, res.delta)
    with pytest.raises(ValueError):
        res.delta[0] = 1.0


def test_refuses_bad_input():
    g = NCityGame(cost=[7.0, 8.0, 10.0], spillover=4 * OFF3, synergy=3 * OFF3)
    with pytest.raises(InvalidGameError, match=r"^critical_discount_factors\(\): game must be an NCityGame"):
        critical_discount_factors(np.eye(2))
    with pytest.raises(InvalidParameterError, match="punishment must be"):
        critical_discount_factors(g, punishment=8)
    with pytest.raises(InvalidParameterError, match="punishment must be"):
        critical_discount_factors(g, punishment=0.5)
    with pytest.raises(InvalidParameterError, match="tol"):
        critical_discount_factors(g, tol=-1)

"""Fund analysis: rules side by side, IR, core violations, Shapley gaps and who pays whom."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopgame import (
    EqualSplitRule,
    NucleolusRule,
    PooledFundRule,
    ProportionalRule,
    RelocationTaxRule,
    StockIncrementRule,
    TUGame,
    fund_analysis,
    payment_flows,
    shapley_value,
)
from coopgame.errors import InvalidParameterError, UnknownMethodError

WASTEWATER = [0, 230, 160, 350, 230, 460, 365, 556]


def wastewater():
    return TUGame.from_costs(WASTEWATER, players=["t1", "t2", "t3"])


def test_rules_side_by_side_on_wastewater():
    g = wastewater()
    phi = shapley_value(g).allocation
    fa = fund_analysis(g, status_quo=phi, rules=["shapley", "nucleolus", "equal",
                                                  ProportionalRule([5, 3, 5], basis="flow")])
    assert [o.rule for o in fa.outcomes] == ["Shapley", "nucleolus", "equal split", "proportional to flow"]
    sh, nu = fa["Shapley"], fa["nucleolus"]
    np.testing.assert_allclose(sh.net_transfer, 0.0, atol=1e-9)
    assert sh.flows == () and sh.in_core and sh.individually_rational
    # nucleolus savings (19.5, 32.5, 12) against Shapley (59/3, 193/6, 73/6)
    np.testing.assert_allclose(nu.net_transfer, [19.5 - 59 / 3, 32.5 - 193 / 6, 12 - 73 / 6], atol=1e-9)
    assert [(f.payer, f.receiver) for f in nu.flows] == [("t1", "t2"), ("t3", "t2")]
    np.testing.assert_allclose([f.amount for f in nu.flows], [1 / 6, 1 / 6], atol=1e-9)
    np.testing.assert_allclose(nu.cost_shares, [210.5, 127.5, 218.0], atol=1e-9)
    # equal split of the 64 saved: the largest excess by a plain loop
    eq = fa["equal split"]
    x = np.full(3, 64 / 3)
    worst = max((g.values[s] - sum(x[i] for i in range(3) if s >> i & 1), s) for s in range(1, 7))
    assert eq.core_violation.amount == pytest.approx(worst[0])
    assert eq.in_core == (worst[0] <= 1e-9)
    assert "Fund sharing rules compared" in str(fa)
    assert "status quo" in str(fa.allocation_table())
    json.dumps(fa.to_dict())


def test_individual_rationality_and_core_failures_are_reported():
    g = TUGame([0, 5.0, 1.0, 8.0], players=["big", "small"])
    fa = fund_analysis(g, status_quo=[6.0, 2.0], rules=["equal", "nucleolus"])
    eq = fa["equal split"]
    assert not eq.individually_rational and eq.ir_shortfall.tolist() == [1.0, 0.0]
    assert not eq.in_core and eq.core_violation.coalition == ("big",)
    assert eq.core_violation.amount == pytest.approx(1.0)
    assert fa["nucleolus"].individually_rational and fa["nucleolus"].in_core
    assert "no: big" in str(fa)


def test_transfer_rules_use_status_quo():
    g = TUGame([0, 0.1, 0.5, 1.0, 0.4, 0.6, 1.2, 2.0], players=["Yunnan", "Guizhou", "Sichuan"])
    sq = np.array([0.2, 1.0, 0.8])
    fa = fund_analysis(g, status_quo=sq, rules=[PooledFundRule.chishui(),
                                                 RelocationTaxRule("Guizhou", "Sichuan", [0.3] * 3, [0.4] * 3)])
    np.testing.assert_allclose(fa["Chishui fund"].allocation, sq + [0.4, -0.2, -0.2])
    reloc = fa.outcomes[1]
    np.testing.assert_allclose(reloc.net_transfer, [0.0, 0.6, -0.6])
    assert [tuple(f[:2]) for f in reloc.flows] == [("Sichuan", "Guizhou")]


def test_stock_increment_as_allocation_rule():
    g = TUGame([0, 3.0, 1.0, 10.0], players=["Sichuan", "Chongqing"])
    fa = fund_analysis(g, status_quo=[5.0, 5.0], rules=[StockIncrementRule([4.0, 2.0])])
    np.testing.assert_allclose(fa.outcomes[0].allocation, [6.0, 4.0])


def test_status_quo_in_cost_terms_and_errors():
    g = wastewater()
    fa = fund_analysis(g, status_quo_costs=[250, 110, 196], rules=[NucleolusRule()])
    np.testing.assert_allclose(fa.status_quo, [-20.0, 50.0, 34.0])
    with pytest.raises(InvalidParameterError, match="add up to v"):
        fund_analysis(g, status_quo=[0, 0, 0])
    with pytest.raises(InvalidParameterError, match="exactly one"):
        fund_analysis(g)
    with pytest.raises(InvalidParameterError, match="shape"):
        fund_analysis(g, status_quo=[64.0])
    with pytest.raises(UnknownMethodError, match="one of"):
        fund_analysis(g, status_quo=[20, 30, 14], rules=["fair"])
    with pytest.raises(InvalidParameterError, match="not players"):
        fund_analysis(g, status_quo=[20, 30, 14], rules=[PooledFundRule.chishui()])
    with pytest.raises(InvalidParameterError, match="one entry per player"):
        fund_analysis(g, status_quo=[20, 30, 14], rules=[ProportionalRule([1, 2])])
    with pytest.raises(InvalidParameterError, match="of must be"):
        EqualSplitRule(of="gdp")


net_vectors = st.lists(st.integers(-50, 50), min_size=2, max_size=8).map(
    lambda xs: np.array(xs + [-sum(xs)], dtype=float))


@settings(max_examples=80)
@given(net_vectors)
def test_flows_settle_every_position(net):
    players = [f"c{i}" for i in range(net.size)]
    flows = payment_flows(net, players)
    settled = np.zeros(net.size)
    for f in flows:
        assert f.amount > 0
        settled[players.index(f.payer)] -= f.amount
        settled[players.index(f.receiver)] += f.amount
    np.testing.assert_allclose(settled, net, atol=1e-9)
    payers, receivers = int((net < 0).sum()), int((net > 0).sum())
    assert len(flows) <= max(0, payers + receivers - 1)
    assert all(net[players.index(f.payer)] < 0 < net[players.index(f.receiver)] for f in flows)
    assert payment_flows(net, players) == flows                 # deterministic


def test_flows_pair_exact_matches_first():
    # equal amounts are paired directly: two flows, listed by receiver
    flows = payment_flows([3.0, 4.0, -4.0, -3.0], ["a", "b", "c", "d"])
    assert [(f.payer, f.receiver, f.amount) for f in flows] == [("d", "a", 3.0), ("c", "b", 4.0)]
    with pytest.raises(InvalidParameterError, match="sum to 0"):
        payment_flows([1.0, 1.0], ["a", "b"])


# ---------------------------------------------------------------------------------------------- outside options
# A hand-worked three-city example (DESIGN §2.1 payoff, perception 1 so perceived = true).
# Cities A, B, C; cost c = (1, 1, 5); synergy s_ij = 2 for every pair; C gains a spillover e_Cj = 1 from each
# cooperating neighbour j in {A, B}; no siphon, no reward or penalty.
#   status quo u(1_N):   A = -1 + 2 + 2 = 3,  B = 3,  C = -5 + 2 + 2 + 1 + 1 = 1           (sum 7)
#   free-ride u_i(0_i, 1_{N-i}):  A = 0,  B = 0,  C = 0 + 1 + 1 = 2
#   stand-alone max(u_i(1_{i}), u_i(0)):  A = max(-1, 0) = 0,  B = 0,  C = max(-5, 0) = 0
#   free-ride gain L = free-ride - status quo = (-3, -3, 1)
# The alpha game v(S) = max_{T within S} sum_{i in S} u_i(1_T):
#   v(A) = v(B) = v(C) = 0;  v(AB) = 1 + 1 = 2;  v(AC) = max(T=AC: 1 - 2, T=A: -1 + 1, 0) = 0;  v(BC) = 0;
#   v(ABC) = 3 + 3 + 1 = 7 (full cooperation is the best T).
# Shapley over the six orders: A gets 0, 0, 2, 7, 0, 7 -> 16/6 = 8/3; B = 8/3; C = 7 - 16/3 = 5/3.
#   transfer t = phi - status quo = (-1/3, -1/3, 2/3);  self-enforcing margin t - L = (8/3, 8/3, -1/3):
#   C would free-ride; the subsidy keeping Shapley's split is 1/3.
#   margin over stand-alone (true) = (8/3, 8/3, 5/3); over free-ride (true) = (8/3, 8/3, 5/3 - 2 = -1/3).
# Equal split 7/3 each: t = (-2/3, -2/3, 4/3); margin t - L = (7/3, 7/3, 1/3): self-enforcing, subsidy 0.
HAND_ALPHA = [0, 0, 0, 2, 0, 0, 0, 7]   # masks: {}, A, B, AB, C, AC, BC, ABC


def hand_game():
    from coopgame import NCityGame

    synergy = 2.0 * (1 - np.eye(3))
    spill = np.zeros((3, 3))
    spill[2, 0] = spill[2, 1] = 1.0
    return NCityGame(cost=[1.0, 1.0, 5.0], synergy=synergy, spillover=spill, players=["A", "B", "C"])


def test_hand_worked_three_cities_outside_options():
    from coopgame import outside_options

    oo = outside_options(hand_game())
    np.testing.assert_allclose(oo.status_quo, [3, 3, 1])
    np.testing.assert_allclose(oo.free_ride, [0, 0, 2])
    np.testing.assert_allclose(oo.stand_alone, [0, 0, 0])


def test_hand_worked_three_cities_margins_and_self_enforcing():
    g = hand_game()
    alpha = TUGame(HAND_ALPHA, players=["A", "B", "C"])
    fa = fund_analysis(alpha, status_quo=[3, 3, 1], rules=["shapley", "equal"], outside=g)
    sh, eq = fa["Shapley"], fa["equal split"]
    np.testing.assert_allclose(sh.allocation, [8 / 3, 8 / 3, 5 / 3])
    np.testing.assert_allclose(sh.stand_alone_margin, [8 / 3, 8 / 3, 5 / 3])
    np.testing.assert_allclose(sh.free_ride_margin, [8 / 3, 8 / 3, -1 / 3])
    np.testing.assert_allclose(sh.enforcement_margin, [8 / 3, 8 / 3, -1 / 3])
    assert sh.self_enforcing is False and sh.free_riders == ("C",)
    assert sh.subsidy_needed == pytest.approx(1 / 3)
    assert sh.individually_rational and sh.in_core        # 8/3 + 8/3 >= v(AB) = 2, every city >= 0
    np.testing.assert_allclose(eq.enforcement_margin, [7 / 3, 7 / 3, 1 / 3])
    assert eq.self_enforcing is True and eq.subsidy_needed == 0.0 and eq.free_riders == ()
    # the verdicts print as such, and travel in JSON
    text = fa.summary().as_text()
    assert "self-enforcing (perceived)" in text and "no: C" in text
    assert "individually rational" not in text
    margins = fa.margin_table()
    assert "Shapley self-enforcing margin (perceived)" in margins.columns
    d = json.loads(json.dumps(fa.to_dict()))
    assert d["outcomes"][0]["free_riders"] == ["C"] and d["outcomes"][0]["subsidy_needed"] == pytest.approx(1 / 3)


def test_outside_options_object_or_game_give_the_same_verdicts():
    from coopgame import outside_options

    g = hand_game()
    alpha = TUGame(HAND_ALPHA, players=["A", "B", "C"])
    a = fund_analysis(alpha, status_quo=[3, 3, 1], outside=g)
    b = fund_analysis(alpha, status_quo=[3, 3, 1], outside=outside_options(g))
    for x, y in zip(a.outcomes, b.outcomes):
        np.testing.assert_allclose(x.enforcement_margin, y.enforcement_margin)
    with pytest.raises(InvalidParameterError, match="outside"):
        fund_analysis(alpha, status_quo=[3, 3, 1], outside=[0, 0, 0])



def test_no_stand_alone_or_core_claim_below_the_outside_options():
    # The "members" game of the same cities: v(S) = sum_{i in S} u_i(1_S):
    #   v(A) = v(B) = -1, v(C) = -5, v(AB) = 2, v(AC) = (-1 + 2) + (-5 + 2 + 1) = -1, v(BC) = -1, v(ABC) = 7.
    # x = (4.5, 3.5, -1) is in its core (each coalition gets at least its worth) but leaves C below its
    # stand-alone payoff 0 (C can protect and get 0).
    from coopgame.policy.rules import SharingRule

    class Fixed(SharingRule):
        label = "fixed"

        def allocate(self, game, status_quo):
            return np.array([4.5, 3.5, -1.0])

    members = TUGame([0, -1, -1, 2, -5, -1, -1, 7], players=["A", "B", "C"])
    bare = fund_analysis(members, status_quo=[3, 3, 1], rules=[Fixed()])
    assert bare["fixed"].in_core                            # against the game's own v({C}) = -5
    fa = fund_analysis(members, status_quo=[3, 3, 1], rules=[Fixed()], outside=hand_game())
    o = fa["fixed"]
    assert not o.individually_rational and not o.in_core and o.below_stand_alone == ("C",)
    np.testing.assert_allclose(o.ir_shortfall, [0, 0, 1])
    row = fa.summary().rows[0]
    assert row[1] == "no: C" and "yes" not in (row[1], row[4])


def test_self_enforcing_not_tested_when_the_status_quo_is_not_full_cooperation():
    g = hand_game()
    alpha = TUGame(HAND_ALPHA, players=["A", "B", "C"])
    fa = fund_analysis(alpha, status_quo=[3.5, 2.5, 1], outside=g)   # adds to 7, but is not u(1_N)
    o = fa["Shapley"]
    assert o.self_enforcing is None and o.enforcement_margin is None and o.stand_alone_margin is not None
    assert "not tested" in fa.summary().as_text()


def test_status_quo_defaults_to_the_outside_options():
    """With ``outside=`` and no status quo, it is the outside options' u_i(1_N) (the same answer as passing it).

    Three cities, cost 4, synergy 3 per pair: u_i(1_N) = 2 * 3 - 4 = 2 each, v(N) = 6 = Σ u_i(1_N).
    """
    from coopgame import NCityGame
    from coopgame.policy.fund import fund_analysis
    from coopgame.policy.outside import outside_options

    g = NCityGame(cost=4.0, synergy=3.0 * (1 - np.eye(3)), players=["A", "B", "C"])
    oo = outside_options(g)
    tu = g.tu_game(convention="alpha")
    fa = fund_analysis(tu, outside=oo)
    np.testing.assert_allclose(fa.status_quo, [2.0, 2.0, 2.0])
    same = fund_analysis(tu, status_quo=oo.status_quo, outside=oo)
    np.testing.assert_allclose(fa[0].allocation, same[0].allocation)


def test_proportional_cost_split_of_a_cost_game_and_refused_elsewhere():
    from coopgame.games.structured import AirportCost, StructuredGame
    from coopgame.policy.rules import ProportionalRule

    # airport costs (8, 11, 13, 18): C(N) = 18 split by the costs themselves, 18 * c_i / 50
    airport = StructuredGame.from_costs(AirportCost([8.0, 11.0, 13.0, 18.0]))
    rule = ProportionalRule([8.0, 11.0, 13.0, 18.0], basis="costs", of="cost")
    savings = rule.allocate(airport, np.zeros(4))
    np.testing.assert_allclose(np.array([8.0, 11.0, 13.0, 18.0]) - savings, [2.88, 3.96, 4.68, 6.48])
    assert rule.label == "cost shares proportional to costs"
    with pytest.raises(InvalidParameterError, match="of='cost' needs a game built with"):
        ProportionalRule([1.0, 1.0], of="cost").allocate(TUGame([0, 1, 1, 3]), np.zeros(2))

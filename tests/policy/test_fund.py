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

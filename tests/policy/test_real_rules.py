"""Real sharing rules reproduce the figures documented in literature/02 and 05."""

from __future__ import annotations

import numpy as np
import pytest

from coopgame import (
    FundSection,
    PooledFundRule,
    RelocationTaxRule,
    StockIncrementRule,
    TaxBasePoolRule,
)
from coopgame.errors import InvalidParameterError


# ---------------------------------------------------------------- Chishui River fund [S-R22..R24]
def test_chishui_all_sections_pass_reproduces_2019_payments():
    s = PooledFundRule.chishui().settle()
    # contributions 1:5:4 of 2 亿 and allocations 3:4:3 of 2 亿 (literature/MODELS.md BM4)
    np.testing.assert_allclose(s.contributions, [0.2, 1.0, 0.8])
    np.testing.assert_allclose(s.allocations, [0.6, 0.8, 0.6])
    # "2019: Guizhou and Sichuan each paid 2000 万 (0.2 亿) to Yunnan" [S-R23]
    np.testing.assert_allclose(s.net, [0.4, -0.2, -0.2], atol=1e-12)
    assert "Fund settlement" in str(s)


@pytest.mark.parametrize("rates, expected", [
    # 清水铺 fails: Yunnan's 0.6 goes to Guizhou and Sichuan half each
    ({"清水铺": 0.0}, [0.6 - 0.6 - 0.2, 0.8 + 0.3 - 1.0, 0.6 + 0.3 - 0.8]),
    # 鲢鱼溪 fails: Guizhou's 0.8 goes to Sichuan
    ({"Lianyuxi": 0.0}, [0.6 - 0.2, 0.8 - 0.8 - 1.0, 0.6 + 0.8 - 0.8]),
    # half of 清水铺's test passed: half of Yunnan's allocation is redistributed
    ({"Qingshuipu": 0.5}, [0.6 - 0.3 - 0.2, 0.8 + 0.15 - 1.0, 0.6 + 0.15 - 0.8]),
    # both fail
    ({"清水铺": 0.0, "鲢鱼溪": 0.0}, [-0.2, 0.3 - 1.0, 0.6 + 0.3 + 0.8 - 0.8]),
])
def test_chishui_section_clearing(rates, expected):
    s = PooledFundRule.chishui(pass_rates=rates).settle()
    np.testing.assert_allclose(s.net, expected, atol=1e-12)
    assert s.net.sum() == pytest.approx(0.0, abs=1e-12)


def test_pooled_fund_errors():
    with pytest.raises(InvalidParameterError, match="unknown section"):
        PooledFundRule.chishui(pass_rates={"Maotai": 0.0})
    with pytest.raises(InvalidParameterError, match=r"pass_rates\['清水铺 Qingshuipu'\] must be <= 1; got 1.5"):
        PooledFundRule.chishui(pass_rates={"清水铺": 1.5})
    with pytest.raises(InvalidParameterError, match="sum to 1"):
        PooledFundRule(("A", "B"), [1, 1], [1, 1], 1.0, (FundSection("s", "A", {"B": 0.5}),))
    with pytest.raises(InvalidParameterError, match="length 2"):
        PooledFundRule(("A", "B"), [1, 1, 1], [1, 1], 1.0)
    with pytest.raises(InvalidParameterError, match="non-negative"):
        PooledFundRule(("A", "B"), [1, -1], [1, 1], 1.0)


# ---------------------------------------------------------------- JJJ relocation tax sharing [S-R01]
def test_relocation_cap_reached_within_three_years():
    # pre-move 0.2 亿/yr (exactly the threshold), cap 0.6; post-move 0.5/yr: 0.25, 0.25, then 0.1 to the cap
    s = RelocationTaxRule("Beijing", "Hebei", [0.2, 0.2, 0.2], [0.5, 0.5, 0.5, 0.5]).schedule()
    assert s.eligible and s.cap == pytest.approx(0.6)
    np.testing.assert_allclose(s.out_region_share, [0.25, 0.25, 0.1, 0.0])
    np.testing.assert_allclose(s.in_region_share, [0.25, 0.25, 0.4, 0.5])
    assert s.cap_reached and not s.extended


def test_relocation_extended_two_years_then_central_subsidy():
    # cap 3.0 is far away: 50% of 0.4 for 3 years, extended by 2 years, then nothing; the centre pays G
    s = RelocationTaxRule("Beijing", "Hebei", [1.0, 1.0, 1.0], [0.4] * 7, central_subsidy=0.5).schedule()
    np.testing.assert_allclose(s.out_region_share, [0.2] * 5 + [0.0, 0.0])
    assert s.extended and not s.cap_reached and s.central_subsidy == 0.5
    assert s.present_value_out == pytest.approx(1.0)


def test_relocation_below_threshold_is_not_shared():
    s = RelocationTaxRule("Beijing", "Tianjin", [0.19, 0.19, 0.19], [1.0, 1.0, 1.0]).schedule()
    assert not s.eligible and s.out_region_share.sum() == 0.0
    np.testing.assert_allclose(s.in_region_share, [1.0, 1.0, 1.0])


def test_relocation_discounting_and_transfers():
    rule = RelocationTaxRule("Beijing", "Hebei", [1.0, 1.0, 1.0], [0.4, 0.4, 0.4], extension_years=0,
                             discount_rate=0.1)
    pv = sum(0.2 / 1.1**t for t in (1, 2, 3))
    assert rule.schedule().present_value_out == pytest.approx(pv)
    np.testing.assert_allclose(rule.net_transfers(), [pv, -pv])
    with pytest.raises(InvalidParameterError, match="length 3"):
        RelocationTaxRule("A", "B", [1.0, 1.0], [1.0])
    with pytest.raises(InvalidParameterError, match="must differ"):
        RelocationTaxRule("A", "A", [1.0, 1.0, 1.0], [1.0])


# ---------------------------------------------------------------- enclave stock/increment [S-R31, S-R32]
def test_stock_increment_fifty_fifty():
    rule = StockIncrementRule([6.0, 2.0])                 # Sichuan's and Chongqing's stock revenue
    np.testing.assert_allclose(rule.split(12.0), [6.0 + 2.0, 2.0 + 2.0])   # increment 4 split 50:50
    np.testing.assert_allclose(rule.split(8.0), [6.0, 2.0])                # no increment: stock stays
    np.testing.assert_allclose(rule.split(4.0), [3.0, 1.0])                # shrinking zone: pro rata [M]
    assert rule.label == "stock/increment 50:50"
    with pytest.raises(InvalidParameterError, match="sum to 1"):
        StockIncrementRule([1.0, 1.0], shares=[0.5, 0.6])


# ---------------------------------------------------------------- Minneapolis-St Paul pool [S-I01, S-I03]
def test_tax_base_pool_statute_formula():
    growth = np.array([100.0, 20.0, 0.0])
    pop = np.array([400.0, 300.0, 100.0])
    fc = np.array([2.0, 1.0, 0.5])
    rule = TaxBasePoolRule(["Minneapolis", "St Paul", "Suburb"], growth, pop, fc)
    pool = 0.4 * 120.0
    fc_avg = fc.mean()
    index = pop * fc_avg / fc
    expected = pool * index / index.sum() - 0.4 * growth
    np.testing.assert_allclose(rule.net_transfers(), expected)
    assert rule.pool() == pytest.approx(48.0)
    assert rule.net_transfers().sum() == pytest.approx(0.0, abs=1e-12)


def test_tax_base_pool_keeps_sixty_percent_of_own_growth():
    # a city keeps 60% of its new base [S-I07]: with equal indices and only its own growth,
    # it gives up 40% and gets back its index share of the pool
    rule = TaxBasePoolRule(["A", "B"], [10.0, 0.0], [1.0, 1.0], [1.0, 1.0])
    np.testing.assert_allclose(rule.net_transfers(), [-4.0 + 2.0, 2.0])
    with pytest.raises(InvalidParameterError, match="fiscal_capacity"):
        TaxBasePoolRule(["A", "B"], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0])

"""The 2015 relocation rule (财预〔2015〕92号) year by year against its text, and in the bth13 and
relocation_tax_share models.

The rule as literature/02 §2.1 gives it [S-R01]:

* covered: firms whose local-retained "三税" averaged at least 0.2 亿 a year over the 3 pre-move years;
* the taxes of the first 3 years after the firm reaches production are split 50:50;
* the out-region's cumulative share is capped at the firm's total tax of the 3 pre-move years, and stops there;
* if the cap is not reached within 3 years, sharing is extended by 2 years; after that the out-region stops
  sharing and the centre pays it a one-time subsidy (amount unspecified).

Every expected value below is worked by hand from that text (the tables in the comments), or by the small
loop ``_by_the_text`` written from it, never by the package's code.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import coopgame
from coopgame._relocation import time_limited_receipts
from coopgame.policy.real_rules import RelocationTaxRule, present_value


def _by_the_text(pre, post, *, share=0.5, years=3, extension=2, threshold=0.2):
    """The out-region's receipts year by year, one sentence of the rule per line (independent of the package)."""
    if sum(pre) / 3 < threshold:                       # below 2000万元 a year: not covered
        return [0.0] * len(post)
    cap = sum(pre)                                     # the 3 pre-move years' total
    out, taken = [], 0.0
    for t, tau in enumerate(post, start=1):
        in_period = t <= years or (t <= years + extension and sum(out[:years]) < cap)
        o = min(share * tau, cap - taken) if in_period else 0.0
        out.append(o)
        taken += o
    return out


def _pv(stream, r):
    return sum(x / (1 + r) ** t for t, x in enumerate(stream, start=1))


def _schedule(pre, post, **kw):
    return RelocationTaxRule("Beijing", "Hebei", pre, post, **kw).schedule()


# ---------------------------------------------------------------------------------------------- the rule's text
def test_cap_reached_within_three_years():
    # pre-move 1, 1, 1: cap 3. Post-move tax 2.4 a year, half is 1.2:
    # year 1: 1.2 (cum 1.2); year 2: 1.2 (cum 2.4); year 3: min(1.2, 3 - 2.4) = 0.6 (cum 3 = cap) -> stops;
    # the cap was reached within 3 years: no extension, no subsidy.
    s = _schedule([1, 1, 1], [2.4] * 5, central_subsidy=0.7)
    np.testing.assert_allclose(s.out_region_share, [1.2, 1.2, 0.6, 0, 0], atol=1e-12)
    np.testing.assert_allclose(s.in_region_share, [1.2, 1.2, 1.8, 2.4, 2.4], atol=1e-12)
    assert s.eligible and s.cap == pytest.approx(3.0) and s.cap_reached and not s.extended
    assert s.central_subsidy == 0.0
    np.testing.assert_allclose(s.out_region_share, _by_the_text([1, 1, 1], [2.4] * 5), atol=1e-12)


def test_extension_reaches_the_cap():
    # pre-move 0.5, 0.4, 0.3: mean 0.4 >= 0.2, cap 1.2. Post-move 0.5, 0.5, 0.5, 0.6, 0.8, 1.0:
    # years 1-3: 0.25 each, cum 0.75 < 1.2 -> extended by 2 years;
    # year 4: 0.3 (cum 1.05); year 5: min(0.4, 1.2 - 1.05) = 0.15 (cum 1.2 = cap); year 6: past the extension, 0.
    post = [0.5, 0.5, 0.5, 0.6, 0.8, 1.0]
    s = _schedule([0.5, 0.4, 0.3], post, central_subsidy=0.3)
    np.testing.assert_allclose(s.out_region_share, [0.25, 0.25, 0.25, 0.3, 0.15, 0.0], atol=1e-12)
    assert s.extended and s.cap_reached and s.central_subsidy == 0.0
    np.testing.assert_allclose(s.out_region_share, _by_the_text([0.5, 0.4, 0.3], post), atol=1e-12)
    # its present value at 4%, term by term
    s4 = _schedule([0.5, 0.4, 0.3], post, discount_rate=0.04)
    want = 0.25 / 1.04 + 0.25 / 1.04**2 + 0.25 / 1.04**3 + 0.3 / 1.04**4 + 0.15 / 1.04**5
    assert s4.present_value_out == pytest.approx(want, rel=1e-12)


def test_cap_never_reached_the_centre_pays_the_subsidy():
    # a constant stream: pre-move 0.5 a year (cap 1.5), post-move 0.5 a year. Half is 0.25:
    # years 1-3: cum 0.75 < 1.5 -> extended; years 4-5: cum 1.25 < 1.5; then sharing stops (years 6, 7: 0)
    # with the cap never reached: the centre owes the out-region its one-off subsidy (here 0.4, a parameter).
    s = _schedule([0.5] * 3, [0.5] * 7, central_subsidy=0.4)
    np.testing.assert_allclose(s.out_region_share, [0.25] * 5 + [0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(s.in_region_share, [0.25] * 5 + [0.5, 0.5], atol=1e-12)
    assert s.extended and not s.cap_reached and s.central_subsidy == 0.4
    np.testing.assert_allclose(s.out_region_share, _by_the_text([0.5] * 3, [0.5] * 7), atol=1e-12)


def test_below_the_threshold_nothing_is_shared():
    # pre-move 0.25, 0.15, 0.19: mean 0.19667 < 0.2 (2000万元): not covered, the in-region keeps everything
    s = _schedule([0.25, 0.15, 0.19], [1.0] * 5, central_subsidy=0.4)
    assert not s.eligible and s.central_subsidy == 0.0 and not s.extended
    np.testing.assert_array_equal(s.out_region_share, np.zeros(5))
    np.testing.assert_array_equal(s.in_region_share, np.ones(5))
    # exactly at the threshold ("at least 2000万元") it is covered
    assert _schedule([0.2] * 3, [0.2] * 5).eligible


def test_present_value_and_annuity_of_a_constant_stream():
    # closed form: PV of c a year for n years at r is c (1 - (1 + r)^-n) / r; its annuity equivalent is c
    c, r, n = 0.5, 0.05, 20
    factor = (1 - 1.05**-20) / 0.05
    assert present_value([c] * n, r) == pytest.approx(c * factor, rel=1e-12)
    assert present_value([c] * n, r) / factor == pytest.approx(c, rel=1e-12)
    assert present_value([1.0, 1.0, 1.0], 0.0) == 3.0


_tax = st.floats(0.0, 3.0, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(st.lists(_tax, min_size=3, max_size=3), st.lists(_tax, min_size=0, max_size=9), st.sampled_from([0.0, 0.3, 0.5, 1.0]),
       st.integers(0, 4), st.integers(0, 3), st.sampled_from([0.0, 0.2, 0.5]))
def test_the_rules_arithmetic_follows_its_text(pre, post, share, years, extension, threshold):
    # the one implementation (coopgame._relocation, called by RelocationTaxRule.schedule and by the models'
    # relocation_kept_share derivation) against a year-by-year loop written from the rule's text
    got, _ = time_limited_receipts(np.array(pre), np.array(post), share, years, extension, threshold)
    text = _by_the_text(pre, post, share=share, years=years, extension=extension, threshold=threshold)
    np.testing.assert_allclose(got, text, atol=1e-9)


# ---------------------------------------------------------------------------------------------- bth13
# A constant-tax firm (0.5 亿 a year; cap 1.5) over 20 years at 5%: the out-region takes 0.25 in years 1-5
# (2.5 years of tax, below the cap of 3), the in-region keeps 0.25 in years 1-5 and 0.5 in years 6-20.
_A5 = sum(1.05**-t for t in range(1, 6))     # 4.3295
_A20 = sum(1.05**-t for t in range(1, 21))   # 12.4622
_KEPT = (0.25 * _A5 + 0.5 * (_A20 - _A5)) / (0.5 * _A20)


def test_bth13_kept_share_is_the_rule_over_the_horizon():
    spec = coopgame.load_model("bth13")
    assert _KEPT == pytest.approx(1 - 0.5 * _A5 / _A20)
    assert _KEPT == pytest.approx(0.826296, abs=1e-6)
    # the same from the rule's text, year by year
    out = _by_the_text([0.5] * 3, [0.5] * 20)
    assert out == [0.25] * 5 + [0.0] * 15
    assert 1 - _pv(out, 0.05) / _pv([0.5] * 20, 0.05) == pytest.approx(_KEPT, rel=1e-12)
    assert float(spec["kept_by_receiver"]) == pytest.approx(_KEPT, rel=1e-12)
    prov = {p.parameter: p for p in spec.provenance().items}
    assert prov["kept_by_receiver"].label == "derived"
    for name in ("discount_rate", "horizon_years", "firm_tax"):
        assert prov[name].label == "modeling choice"
    for name in ("out_region_share", "sharing_years", "extension_years", "threshold"):
        assert prov[name].label == "source"


def test_bth13_siphon_is_the_annuity_of_what_receivers_keep():
    spec = coopgame.load_model("bth13")
    gross = spec["gross_flow"]
    rev, gdp = spec["revenue"], spec["gdp"]
    hebei = np.arange(2, 13)
    for src in (0, 1):   # Beijing and Tianjin release 1% of their revenue, spread over Hebei by GDP
        np.testing.assert_allclose(gross[hebei, src], 0.01 * rev[src] * gdp[hebei] / gdp[hebei].sum())
    np.testing.assert_allclose(spec["siphon"], _KEPT * gross)
    # against the old split for ever (0.5 of the gross flow): every flow grows by 2 * kept = 1.6526
    old = 0.5 * gross
    nz = old > 0
    np.testing.assert_allclose(spec["siphon"][nz] / old[nz], 2 * _KEPT)
    assert 2 * _KEPT == pytest.approx(1.652592, abs=1e-6)
    # Beijing's yearly loss when it opens is the sum of its column: kept x 1% of its revenue
    assert spec["siphon"][:, 0].sum() == pytest.approx(_KEPT * 0.01 * rev[0])


def test_bth13_horizon_and_threshold_move_the_share_as_the_rule_says():
    spec = coopgame.load_model("bth13")
    # a 5-year horizon is all sharing: the receiver keeps half, the old for-ever split
    assert float(spec.with_arrays(horizon_years=5)["kept_by_receiver"]) == pytest.approx(0.5)
    # without discounting, over 20 years: 1 - 0.25 * 5 / (0.5 * 20) = 0.875
    assert float(spec.with_arrays(discount_rate=0.0)["kept_by_receiver"]) == pytest.approx(0.875)
    # a firm below the 0.2 threshold is not covered: the receiver keeps it all
    assert float(spec.with_arrays(firm_tax=0.15)["kept_by_receiver"]) == pytest.approx(1.0)
    # without the extension: 3 years of sharing, 1 - 0.5 * a(3) / a(20)
    a3 = sum(1.05**-t for t in range(1, 4))
    assert float(spec.with_arrays(extension_years=0)["kept_by_receiver"]) == pytest.approx(1 - 0.5 * a3 / _A20)
    # the firm's size above the threshold does not matter (the cap scales with the tax)
    assert float(spec.with_arrays(firm_tax=40.0)["kept_by_receiver"]) == pytest.approx(_KEPT)


def test_bth13_refuses_a_fractional_horizon():
    spec = coopgame.load_model("bth13")
    with pytest.raises(coopgame.errors.CoopgameError, match="horizon"):
        spec.with_arrays(horizon_years=7.5)


# ---------------------------------------------------------------------------------------------- relocation_tax_share
def test_relocation_tax_share_transfer_is_the_rule_present_value():
    built = coopgame.load_model("relocation_tax_share").build()
    post = [0.25, 0.3, 0.35, 0.4, 0.45]
    # cap 0.9; half of the taxes: 0.125, 0.15, 0.175 (cum 0.45 < 0.9, extended), 0.2, 0.225 (cum 0.875 < 0.9)
    out = _by_the_text([0.3] * 3, post)
    np.testing.assert_allclose(out, [0.125, 0.15, 0.175, 0.2, 0.225])
    want = 0.125 / 1.05 + 0.15 / 1.05**2 + 0.175 / 1.05**3 + 0.2 / 1.05**4 + 0.225 / 1.05**5
    assert built.values["npv_out_region_share"] == pytest.approx(want, rel=1e-12)
    assert not built.values["schedule"].cap_reached   # the centre's subsidy case
    # within the model's 5-year horizon the cap never binds: the for-ever split gives the same (factor 1)
    assert want == pytest.approx(_pv([0.5 * t for t in post], 0.05), rel=1e-12)


def test_relocation_tax_share_without_extension_loses_years_four_and_five():
    built = coopgame.load_model("relocation_tax_share").scenario("no_extension").build()
    want = 0.125 / 1.05 + 0.15 / 1.05**2 + 0.175 / 1.05**3
    assert built.values["npv_out_region_share"] == pytest.approx(want, rel=1e-12)
    full = _pv([0.125, 0.15, 0.175, 0.2, 0.225], 0.05)
    # against the for-ever split over the horizon, the factor is PV(years 1-3) / PV(years 1-5)
    assert built.values["npv_out_region_share"] / full == pytest.approx(want / full)
    # 0.11905 + 0.13605 + 0.15117 = 0.40627 of 0.40627 + 0.16454 + 0.17629 = 0.74710
    assert want == pytest.approx(0.40627, abs=1e-5) and full == pytest.approx(0.74710, abs=1e-5)
    assert want / full == pytest.approx(0.5438, abs=1e-4)


def test_bth13_report_shows_the_rule_year_by_year():
    built = coopgame.load_model("bth13").build()
    table = built.tables["relocation_kept_by_receiver"]
    # years 1-5: the out-region takes half of 0.5; years 6-20: the in-region keeps all of it
    assert [r[0] for r in table.rows] == ["1", "2", "3", "4", "5", "6-20"]
    assert [r[2] for r in table.text_rows] == ["0.25"] * 5 + ["0"]
    facts = dict(table.text_facts)
    assert facts["cap (3 pre-move years)"] == "1.5" and facts["cap reached"] == "False"
    assert facts["central subsidy owed"].startswith("yes")
    sched = built.values["relocation_schedule_kept_by_receiver"]
    # the schedule shown and the share the game uses are the same rule: PV to the out-region = 0.25 a(5)
    assert sched.present_value_out == pytest.approx(0.25 * _A5, rel=1e-12)
    assert 1 - sched.present_value_out / (0.5 * _A20) == pytest.approx(float(built.spec["kept_by_receiver"]))
    # without the extension the table stops after year 3
    short = coopgame.load_model("bth13").with_arrays(extension_years=0).build().tables["relocation_kept_by_receiver"]
    assert [r[0] for r in short.rows] == ["1", "2", "3", "4-20"]


def test_solve_bth13_reads_the_time_limit(capsys):
    from coopgame.cli import main

    assert main(["solve", "bth13"]) == 0
    text = capsys.readouterr().out
    assert "for the first 3 years after it reaches production, 2 more" in " ".join(text.split())
    assert "1.6526 x a split for ever" in text

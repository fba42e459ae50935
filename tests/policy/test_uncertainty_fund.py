"""Uncertainty analysis of the fund mechanisms: against FundMechanism.analyse in a loop, a fine grid, and LPs."""

from __future__ import annotations

import numpy as np
import pytest

import coopgame
from coopgame.errors import InvalidParameterError
from coopgame.games.tu import TUGame
from coopgame.policy.uncertainty import uncertainty_analysis
from coopgame.stability.coreset import least_core_values


def _draws(spec, count, seed):
    gen = np.random.default_rng(seed)
    return {name: u.sample(gen, count) for name, u in spec.uncertain_parameters().items()}


def _mechanism(spec, sampled, g):
    """The draw's mechanism from the public single-fund path: with_arrays, then the model's FundMechanism."""
    return spec.with_arrays(**{k: v[g] for k, v in sampled.items()}).fund_mechanism()


@pytest.mark.parametrize(("slug", "draws", "settled"), [("nanjing_fund", 120, None), ("chengdu_chongqing_fund", 6, 3)])
def test_probabilities_equal_a_loop_of_the_mechanisms_own_analysis_over_the_same_draws(slug, draws, settled):
    spec = coopgame.load_model(slug)
    res = uncertainty_analysis(spec, draws=draws, rng=5, cooperative_draws=settled)
    m = res.settlement_draws
    assert m == (draws if settled is None else settled)
    sampled = _draws(spec, draws, 5)
    adopted, enforcing, dominant, payers, supporters, transfer, net, in_core, funded_all = ([] for _ in range(9))
    for g in range(draws):
        mech = _mechanism(spec, sampled, g)
        full = np.array([(1 << mech.n_players) - 1])
        funded_all.append(bool(mech.funded(full)[0].all()))
        if g >= m:
            continue
        r = mech.analyse()
        scale = max(float(np.abs(r.dues).max()), float(np.abs(mech.participation).max()),
                    float(np.abs(r.net_position).max()))
        adopted.append(r.plan_adopted)
        enforcing.append(r.self_enforcing)
        dominant.append(r.paying_dominant)
        transfer.append(r.transfer)
        net.append(r.net_position)
        payers.append(r.transfer < -1e-9 * scale)
        supporters.append(np.array([c in r.supporters for c in r.players]))
        game = mech.cooperative_game()       # the alpha game; the Shapley split's place in its core
        core = coopgame.core(game)
        in_core.append(core.contains(coopgame.shapley_value(game).allocation))
    np.testing.assert_array_equal(res.samples["every project funded"], funded_all)
    np.testing.assert_array_equal(res.samples["plan adopted"], adopted)
    np.testing.assert_array_equal(res.samples["paying self-enforcing"], enforcing)
    np.testing.assert_array_equal(res.samples["paying dominant"], dominant)
    np.testing.assert_array_equal(res.samples["net payers"], payers)
    np.testing.assert_array_equal(res.samples["in the core: Shapley"], in_core)
    assert res.probabilities["plan adopted"] == pytest.approx(np.mean(adopted))
    assert res.probabilities["paying self-enforcing"] == pytest.approx(np.mean(enforcing))
    for i, c in enumerate(res.players):
        assert res.probabilities[f"gains from the plan: {c}"] == pytest.approx(np.mean([s[i] for s in supporters]))
    q = (0.05, 0.5, 0.95)
    np.testing.assert_allclose(res.bands["net"], np.quantile(np.array(net), q, axis=0, method="inverted_cdf"),
                               rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(res.bands["transfer"],
                               np.quantile(np.array(transfer), q, axis=0, method="inverted_cdf"), rtol=1e-12, atol=1e-9)


def test_the_files_values_are_the_mechanisms_own_answer_and_the_bands_hold_them():
    spec = coopgame.load_model("nanjing_fund")
    res = uncertainty_analysis(spec, draws=400, rng=3)
    r = spec.fund_mechanism().analyse()
    assert res.at_file_values["plan adopted"] == r.plan_adopted
    assert res.at_file_values["paying self-enforcing"] == r.self_enforcing
    assert res.at_file_values["paying dominant"] == r.paying_dominant
    lo, _, hi = res.bands["dues"]
    assert np.all(lo <= r.dues) and np.all(r.dues <= hi)          # the dues rate's mode lies inside its range
    text = str(res.summary())
    assert "P(net payer)" in text and "over the first 400 draws" not in text   # every draw settled at 8 cities


def test_a_tipping_point_matches_a_fine_grid_of_the_mechanisms_own_analysis():
    spec = coopgame.load_model("nanjing_fund")
    res = uncertainty_analysis(spec, draws=50, rng=0)
    tips = {(p, v): (x, above) for p, v, x, above in res.tipping_points}
    x, above = tips[("synergy_scale", "plan adopted")]
    u = spec.uncertain_parameters()["synergy_scale"]
    grid = np.linspace(u.low, u.high, 801)
    adopted = np.array([spec.with_arrays(synergy_scale=s).fund_mechanism().analyse().plan_adopted for s in grid])
    first = grid[np.argmax(adopted != adopted[0])]          # the first grid value past the flip
    assert abs(first - x) <= grid[1] - grid[0] and above == bool(adopted[-1])


def test_refusals_are_typed():
    spec = coopgame.load_model("nanjing_fund")
    for bad in (0, 51, 2.5, True):
        with pytest.raises(InvalidParameterError, match="cooperative_draws must be an integer from 1 to draws"):
            uncertainty_analysis(spec, draws=50, cooperative_draws=bad)
    with pytest.raises(InvalidParameterError, match="draws"):
        uncertainty_analysis(spec, draws=0)


def test_solve_reports_the_fund_uncertainty_with_its_headline():
    res = coopgame.model_analysis("nanjing_fund", draws=200, rng=1)
    sec = res.section("uncertainty")
    assert sec.data["result"] == "FundUncertaintyResult" and sec.data["draws"] == 200
    assert "Over 200 draws of the ranged modeling choices: the conference adopts the plan in" in res.headline
    assert "12.5 %" in res.headline and "36.1514" not in res.headline   # 3 significant figures, not 4 decimals


def test_least_core_values_equal_the_least_core_by_its_own_lp():
    rng = np.random.default_rng(4)
    for n in (2, 3, 5, 8):
        values = rng.normal(size=(12, 1 << n))
        values[:, 0] = 0.0
        values[:, -1] += 0.4 * n
        expected = [coopgame.least_core(TUGame(v)).epsilon for v in values]
        np.testing.assert_allclose(least_core_values(values), expected, rtol=0, atol=1e-9)

"""Uncertainty analysis: against a direct loop over the same draws, a fine grid, and the issue's tipping points."""

from __future__ import annotations

import contextlib
import io
import json

import numpy as np
import pytest

import coopgame
from coopgame.cli import main
from coopgame.errors import InvalidParameterError
from coopgame.policy.uncertainty import uncertainty_analysis


def _direct(spec, game):
    """The verdicts of one game from the public single-game path (outside_options), computed here."""
    oo = coopgame.outside_options(game)
    scale = max(float(np.max(np.abs(a))) for a in (oo.status_quo, oo.free_ride, oo.stand_alone,
                                                     oo.perceived_status_quo, oo.perceived_free_ride,
                                                     oo.perceived_stand_alone))
    gains = oo.free_ride_gain_by_issue          # (K, n), perceived
    # deviation bound: the best non-empty set of issues to drop (sum of positive gains, else the largest)
    bounds = np.where((gains > 0).any(axis=0), np.where(gains > 0, gains, 0).sum(axis=0), gains.max(axis=0))
    return {"cooperation an equilibrium": bool(np.all(bounds <= 1e-9 * scale)),
            "subsidy": max(0.0, float(bounds.sum())),
            "free riders": bounds > 1e-9 * scale}


@pytest.mark.parametrize("slug", ["chengdu_chongqing", "guangzhou_siphon", "bth13"])
def test_probabilities_equal_a_direct_loop_over_the_same_draws(slug):
    spec = coopgame.load_model(slug)
    res = uncertainty_analysis(spec, draws=300, rng=7)
    gen = np.random.default_rng(7)
    sampled = {name: u.sample(gen, 300) for name, u in spec.uncertain_parameters().items()}
    eq, sub, riders = [], [], []
    for g in range(300):
        game = spec.with_arrays(**{k: v[g] for k, v in sampled.items()}).ncity_game()
        d = _direct(spec, game)
        eq.append(d["cooperation an equilibrium"])
        sub.append(d["subsidy"])
        riders.append(d["free riders"])
    np.testing.assert_array_equal(res.samples["cooperation an equilibrium"], eq)
    np.testing.assert_allclose(res.samples["subsidy"], sub, rtol=1e-12, atol=1e-9)
    assert res.probabilities["cooperation an equilibrium"] == pytest.approx(np.mean(eq))
    assert res.probabilities["self-enforcing without a central subsidy"] == pytest.approx(
        np.mean(np.isclose(sub, 0.0, rtol=0.0, atol=1e-7)))
    for i, c in enumerate(spec.players):
        assert res.probabilities[f"free rider: {c}"] == pytest.approx(np.mean([r[i] for r in riders]))
    # the file's own values: the policy answer's minimal subsidy
    tr = coopgame.self_enforcing_transfers(spec.build().ncity)
    assert res.at_file_values["subsidy"] == pytest.approx(tr.subsidy, abs=1e-9)


@pytest.mark.parametrize("slug", ["chengdu_chongqing", "guangzhou_siphon", "bth13", "yrd26"])
def test_bands_are_ordered_and_contain_the_point_estimate_of_the_subsidy(slug):
    res = uncertainty_analysis(coopgame.load_model(slug), draws=2000, rng=3)
    lo, mid, hi = res.bands["subsidy"]
    assert lo <= mid <= hi and lo <= res.at_file_values["subsidy"] <= hi
    sq = res.bands["status_quo"]
    assert np.all(sq[0] <= sq[1]) and np.all(sq[1] <= sq[2])


def test_chengdu_chongqing_tipping_points_are_the_issues_perception_thresholds_and_match_a_fine_grid():
    # issue 14: "the tipping points are β ≈ 1.146 and 1.064" (services, infrastructure), the file's β being 1.2
    spec = coopgame.load_model("chengdu_chongqing")
    res = uncertainty_analysis(spec, draws=200, rng=0)
    tips = {(p.split(" ")[0], v): x for p, v, x, _ in res.tipping_points}
    beta_services = 1.2 * tips[("perception", "cooperation an ESS on shared public services")]
    beta_infra = 1.2 * tips[("perception", "cooperation an ESS on infrastructure")]
    assert beta_services == pytest.approx(1.146, abs=5e-4) and beta_infra == pytest.approx(1.064, abs=5e-4)
    # a fine grid of perception factors through the public single-game path: the first factor at which
    # cooperation on shared public services stops being strict
    base = spec["perception"]
    grid = np.linspace(1 / 1.2, 1.25, 4001)
    ess = []
    for f in grid:
        oo = coopgame.outside_options(spec.with_arrays(perception=base * f).ncity_game())
        ess.append(bool(np.all(oo.free_ride_gain_by_issue[0] < 0)))
    flip = grid[np.argmax(~np.array(ess))]
    step = grid[1] - grid[0]
    assert abs(flip - tips[("perception", "cooperation an ESS on shared public services")]) <= step


def test_refusals_are_typed_and_name_the_argument():
    with pytest.raises(InvalidParameterError, match="uncertainty_analysis\\(\\): model must be a loaded n-city, "
                                                    "fund-mechanism or tripartite model.*kind 'cost_game'"):
        uncertainty_analysis(coopgame.load_model("default"))
    with pytest.raises(InvalidParameterError, match="a fund model is drawn when it is a mechanism"):
        uncertainty_analysis(coopgame.load_model("pooled_basin_fund"))
    with pytest.raises(InvalidParameterError, match="draws"):
        uncertainty_analysis(coopgame.load_model("bth13"), draws=0)
    with pytest.raises(InvalidParameterError, match="model_analysis\\(\\).*draws"):
        coopgame.model_analysis("bth13", draws=-5)
    # a model of another kind gets the rest of its analysis, and says why no draws were made
    res = coopgame.model_analysis("default", draws=100)
    assert any(s.startswith("uncertainty: drawn for n-city, fund-mechanism and tripartite models") for s in res.skipped)


def test_solve_draws_reports_probabilities_bands_and_tipping_points_in_json():
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert main(["solve", "chengdu_chongqing", "--draws", "500", "--seed", "2", "--json"]) == 0
    d = json.loads(out.getvalue())
    unc = d["sections"]["uncertainty"]["data"]
    assert unc["draws"] == 500 and unc["parameters"]["seed"] == 2
    assert 0 <= unc["probabilities"]["cooperation an equilibrium"] <= 1
    assert len(unc["bands"]["status_quo"]) == 3 and unc["tipping_points"]
    assert "Over 500 draws" in d["policy_answer"]["headline"]
    assert list(d["sections"])[:2] == ["policy_answer", "uncertainty"]


@pytest.mark.parametrize("slug", ["chengdu_chongqing", "guangzhou_siphon"])
def test_cooperative_verdicts_equal_fund_analysis_in_a_loop_over_the_same_draws(slug):
    # the core and net-payer verdicts of each draw, from the public single-game path: the draw's alpha game,
    # its status quo at the welfare optimum, and fund_analysis against its outside options
    spec = coopgame.load_model(slug)
    res = uncertainty_analysis(spec, draws=80, rng=11, cooperative_draws=60)
    assert res.cooperative_draws == 60 and res.samples["in the core: Shapley"].shape == (60,)
    gen = np.random.default_rng(11)
    sampled = {name: u.sample(gen, 80) for name, u in spec.uncertain_parameters().items()}
    in_core = {"Shapley": [], "nucleolus": [], "equal split": []}
    payers, shapley, net = [], [], []
    for g in range(60):
        game = spec.with_arrays(**{k: v[g] for k, v in sampled.items()}).ncity_game()
        profile, best = game.welfare_optimum()
        full = np.asarray(game.status_quo(), dtype=float)
        sq = full if best <= full.sum() + 1e-9 * abs(best) else \
            np.asarray(game.payoffs(np.atleast_1d(profile)[None, :] if game.n_layers > 1 else np.atleast_1d(profile)),
                       dtype=float)[0]
        fa = coopgame.fund_analysis(game.tu_game(), status_quo=sq, rules=["shapley", "nucleolus", "equal"],
                                    outside=coopgame.outside_options(game))
        for o in fa.outcomes:
            in_core[o.rule].append(o.in_core)
        payers.append(fa["Shapley"].net_transfer < -1e-9 * max(np.abs(sq).max(), 1e-300))
        shapley.append(fa["Shapley"].allocation)
        net.append(fa["Shapley"].net_transfer)
    for rule, flags in in_core.items():
        np.testing.assert_array_equal(res.samples[f"in the core: {rule}"], flags)
        assert res.probabilities[f"in the core: {rule}"] == pytest.approx(np.mean(flags))
    np.testing.assert_array_equal(res.samples["net payers"], payers)
    q = (0.05, 0.5, 0.95)
    np.testing.assert_allclose(res.bands["shapley"], np.quantile(np.array(shapley), q, axis=0), rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(res.bands["shapley_net"], np.quantile(np.array(net), q, axis=0), rtol=1e-12,
                               atol=1e-9)


def test_cooperative_draws_is_checked_and_zero_leaves_the_cooperative_verdicts_out():
    spec = coopgame.load_model("chengdu_chongqing")
    res = uncertainty_analysis(spec, draws=50, rng=1, cooperative_draws=0)
    assert res.cooperative_draws == 0 and not any(k.startswith("in the core") for k in res.probabilities)
    assert "shapley" not in res.bands and "P(net payer" not in str(res.summary())
    for bad in (-1, 51, 2.5, True):
        with pytest.raises(InvalidParameterError, match="cooperative_draws must be an integer from 0 to draws"):
            uncertainty_analysis(spec, draws=50, cooperative_draws=bad)


def test_no_tipping_point_is_said_and_every_flip_in_the_tornado_has_one():
    # bth13 at the file's values: no single ranged parameter flips a verdict in its range (the tornado lists no
    # flips), and the summary says there is no tipping point rather than leaving it out silently
    res = uncertainty_analysis(coopgame.load_model("bth13"), draws=50, rng=2, cooperative_draws=0)
    flips = [(p, v) for p, _, _, _, _, _, fl in res.tornado for v in fl]
    assert len(res.tipping_points) == len(flips)
    notes = " ".join(res.summary().notes)
    assert ("Tipping points: none" in notes) == (not flips)

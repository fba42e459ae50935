"""Uncertainty analysis of the tripartite model: against the single-game path, draw by draw."""

from __future__ import annotations

import json
import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import coopgame
from coopgame.errors import InvalidParameterError
from coopgame.games.tripartite import TripartiteGame
from coopgame.policy._drawing import draw_ranged, value_at
from coopgame.policy.uncertainty_tripartite import PROFILES, tripartite_uncertainty

SLUG = "chengdu_chongqing_tripartite"


@pytest.fixture(scope="module")
def spec():
    return coopgame.load_model(SLUG)


def _game(spec, **values):
    s = spec.with_arrays(**values) if values else spec
    return TripartiteGame(players=s.players, **s.tripartite_arguments())


def _ess(game):
    return [p.is_ess for p in coopgame.rest_points(game).points]


@pytest.mark.parametrize("scenario", [None, "credible_supervision"])
def test_verdicts_equal_a_loop_over_the_same_draws_through_rest_points(spec, scenario):
    s = spec.scenario(scenario) if scenario else spec
    res = tripartite_uncertainty(s, draws=300, rng=11)
    _, sampled, _ = draw_ranged(s, 300, 11, func="test")     # the same draws
    ess = np.empty((300, 8), dtype=bool)
    eig = np.empty((300, 8, 3))
    for g in range(300):
        game = _game(s, **{n: v[g] for n, v in sampled.items()})
        points = coopgame.rest_points(game).points
        ess[g] = [p.is_ess for p in points]
        eig[g] = [np.real(np.diag(p.jacobian)) for p in points]
    for m, name in enumerate(PROFILES):
        np.testing.assert_array_equal(res.samples[f"ESS: {name}"], ess[:, m])
        assert res.probabilities[f"ESS: {name}"] == ess[:, m].mean()
    np.testing.assert_allclose(res.samples["eigenvalues"], eig, rtol=1e-12, atol=1e-12)
    assert res.probabilities["full cooperation under supervision an ESS"] == ess[:, 7].mean()
    assert res.probabilities["the bad ESS (supervise, defect, defect)"] == ess[:, 1].mean()
    assert res.probabilities["both cities cooperate at some ESS"] == (ess[:, 6] | ess[:, 7]).mean()
    for k in range(5):
        assert res.probabilities[f"exactly {k} ESS"] == (ess.sum(axis=1) == k).mean()
    # the verdicts vary over the draws (the test is not vacuous)
    assert 0 < ess[:, 7 if scenario else 1].mean() < 1


def test_file_values_and_bands_contain_the_point(spec):
    res = tripartite_uncertainty(spec, draws=3000, rng=3)
    game = _game(spec)
    points = coopgame.rest_points(game).points
    for m, p in enumerate(points):
        assert res.at_file_values[f"ESS: {PROFILES[m]}"] == p.is_ess
        lam = np.real(np.diag(p.jacobian))
        lo, hi = res.bands["eigenvalues"][0, m], res.bands["eigenvalues"][2, m]
        assert np.all(lo <= lam) and np.all(lam <= hi)
    margin = float(np.real(np.diag(points[7].jacobian)).max())
    assert res.at_file_values["margin"] == pytest.approx(margin, abs=1e-12)
    assert res.bands["margin"][0] <= margin <= res.bands["margin"][2]
    # the cities' advantage of cooperating at the file's values: by hand, perceived net cost 1.2 (29 + 2) = 37.2 and
    # 1.2 (37 + 2) = 46.8; under supervision + reward 1 + penalty 0.5; + synergy 33 / 40 when the other cooperates
    by_hand = np.array([[-37.2, -46.8], [-4.2, -6.8], [-35.7, -45.3], [-2.7, -5.3]])
    adv = res.bands["city_advantage"]
    assert np.all(adv[0] <= by_hand + 1e-9) and np.all(by_hand <= adv[2] + 1e-9)
    assert res.at_file_values["the bad ESS (supervise, defect, defect)"] is True
    assert [m for m in range(8) if res.at_file_values[f"ESS: {PROFILES[m]}"]] == [1]


def _first_flip(spec, name, u, verdict_index, grid):
    """The grid interval [x_i, x_i+1] where the vertex's ESS verdict changes, through the single-game path."""
    flags = [_ess(_game(spec, **{name: value_at(u, x)}))[verdict_index] for x in grid]
    changes = [i for i in range(len(grid) - 1) if flags[i] != flags[i + 1]]
    assert len(changes) == 1
    return grid[changes[0]], grid[changes[0] + 1]


@pytest.mark.parametrize("name, vertex, exact", [
    # (lax, C, C) is an ESS when both cities gain by staying: beta (c + f) < s; Chongqing binds: 40 / (1.2 * 39)
    ("perception", 6, 40 / (1.2 * 39)),
    # (supervise, D, D) is an ESS while supervising beats laxity against two defectors: C_g < P_A + L_A + P_B + L_B
    ("supervision_cost", 1, 5.0),
])
def test_tipping_point_matches_a_fine_grid(spec, name, vertex, exact):
    res = tripartite_uncertainty(spec, draws=200, rng=5)
    tips = [t for t in res.tipping_points if t[0].split(" (")[0] == name and t[1] == f"ESS: {PROFILES[vertex]}"]
    assert len(tips) == 1
    x = tips[0][2]
    u = spec.uncertain_parameters()[name]
    lo, hi = _first_flip(spec, name, u, vertex, np.linspace(u.low, u.high, 201))
    assert lo <= x <= hi
    lo, hi = _first_flip(spec, name, u, vertex, np.linspace(lo, hi, 101))   # a finer grid inside that interval
    assert lo <= x <= hi
    assert x == pytest.approx(exact, rel=1e-7)   # the verdict flips where |λ| reaches tol × the payoff scale


def _haversine(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def test_spillover_decays_with_the_sourced_distance(spec):
    # GeoNames city centres (seeds/cities/coordinates.csv)
    d = _haversine(30.66667, 104.06667, 29.56026, 106.55771)
    assert 265 < d < 275
    np.testing.assert_allclose(spec["distance"], [[0, d], [d, 0]], rtol=1e-9)
    expected = 15 * math.exp(-d / 300)
    np.testing.assert_allclose(spec["spillover"], [[0, expected], [expected, 0]], rtol=1e-12)
    assert expected == pytest.approx(6.11, abs=0.005)
    labels = {item.label for item in spec.provenance().items if item.parameter in ("latitude", "longitude")}
    assert labels == {"data"}
    # a drawn decay length re-derives the spillover
    np.testing.assert_allclose(spec.with_arrays(spillover_length=100.0)["spillover"][0, 1], 15 * math.exp(-d / 100))
    # every modeling choice carries a range
    ranged = set(spec.uncertain_parameters())
    choices = {item.parameter for item in spec.provenance().items if item.label == "modeling choice"}
    assert choices == ranged


def test_refusals_are_typed(spec):
    with pytest.raises(InvalidParameterError, match="rules"):
        coopgame.uncertainty_analysis(spec, draws=10, rules=["shapley"])
    with pytest.raises(InvalidParameterError, match="cooperative_draws"):
        coopgame.uncertainty_analysis(spec, draws=10, cooperative_draws=5)
    with pytest.raises(InvalidParameterError, match="tripartite"):
        tripartite_uncertainty(coopgame.load_model("chengdu_chongqing"), draws=10)
    with pytest.raises(InvalidParameterError, match="draws"):
        tripartite_uncertainty(spec, draws=0)


def test_dispatch_executor_summary_and_json(spec):
    res = coopgame.uncertainty_analysis(spec, draws=5000, rng=2)
    assert type(res).__name__ == "TripartiteUncertaintyResult"
    with ThreadPoolExecutor(2) as pool:
        other = tripartite_uncertainty(spec, draws=5000, rng=2, executor=pool)
    assert other.probabilities == res.probabilities
    np.testing.assert_array_equal(other.samples["eigenvalues"], res.samples["eigenvalues"])
    text = str(res.summary())
    assert "illustrative" in text and "E8 (supervise, cooperate, cooperate)" in text
    assert "tipping point of supervision_cost" in text
    out = json.loads(json.dumps(res.to_dict()))
    assert out["result"] == "TripartiteUncertaintyResult" and out["illustrative"] is True
    assert np.asarray(out["bands"]["eigenvalues"]).shape == (3, 8, 3)
    assert res.parameters["seed"] == 2 and res.draws == 5000

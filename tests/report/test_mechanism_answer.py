"""`coopgame solve` on a fund mechanism (nanjing_fund, chengdu_chongqing_fund) leads with the mechanism's answer.

The answer must report, per city, the dues, the net position, the voice, and whether paying is self-enforcing
with the least enforcement that makes it so, in text and in ``--json``; the figures are checked against the
model's own data cells and rules (dues = rate x base), and the verdicts against the numbers beside them.
"""

from __future__ import annotations

import contextlib
import io
import json

import numpy as np
import pytest

from coopgame import load_model, power_indices
from coopgame.cli import main
from coopgame.report import model_analysis

FUNDS = {"nanjing_fund": ("gdp", 0.001), "chengdu_chongqing_fund": ("dues_base", 0.01)}


@pytest.fixture(scope="module", params=list(FUNDS))
def solved(request):
    slug = request.param
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["solve", slug, "--json"])
    assert code == 0
    return slug, model_analysis(slug), json.loads(out.getvalue())


def test_the_mechanism_answer_comes_first_with_its_headline(solved):
    slug, res, _ = solved
    assert res.sections[0].key == "mechanism"
    assert res.headline == res.sections[0].data["headline"]
    assert res.as_text().splitlines()[0] == res.headline
    assert "self-enforcing" in res.headline and "Voice against contribution" in res.headline


def test_dues_per_city_are_the_rate_times_the_data_cell(solved):
    slug, res, js = solved
    spec = load_model(slug)
    column, rate = FUNDS[slug]
    by_city = js["sections"]["mechanism"]["data"]["by_city"]
    assert list(by_city) == list(spec.players)
    for i, city in enumerate(spec.players):
        assert by_city[city]["dues"] == pytest.approx(rate * spec[column][i], rel=1e-12)
    assert js["sections"]["mechanism"]["data"]["fund"] == pytest.approx(rate * spec[column].sum(), rel=1e-12)


def test_voice_is_one_city_one_vote_under_a_two_thirds_quota(solved):
    slug, _, js = solved
    data = js["sections"]["mechanism"]["data"]
    n = len(data["by_city"])
    assert data["votes_needed"] == -(-2 * n // 3)
    expected = power_indices([1] * n, data["votes_needed"]).shapley_shubik
    for i, entry in enumerate(data["by_city"].values()):
        assert entry["votes"] == 1
        assert entry["voice_shapley_shubik"] == pytest.approx(1 / n) == pytest.approx(float(expected[i]))


def test_verdicts_agree_with_the_numbers_beside_them(solved):
    slug, _, js = solved
    spec = load_model(slug)
    data = js["sections"]["mechanism"]["data"]
    cities = data["by_city"]
    # every project is a pair's, so a city that withholds while the others pay gets nothing in kind, and
    # with certain withholding (p = 1) it loses its dues: free-ride = -dues
    assert data["withholding"] == 1.0
    for entry in cities.values():
        assert entry["free_ride"] == pytest.approx(-entry["dues"], rel=1e-12)
        assert entry["net_position"] == pytest.approx(entry["no_settlement"] + entry["transfer"], rel=1e-9, abs=1e-9)
        assert entry["paying_advantage"] == pytest.approx(entry["net_position"] - entry["free_ride"], rel=1e-9)
    assert data["self_enforcing"] == all(e["paying_advantage"] >= 0 for e in cities.values())
    assert data["plan_adopted"] == (len(data["supporters"]) >= data["votes_needed"])
    assert set(data["supporters"]) == {c for c, e in cities.items() if e["net_position"] >= 0}
    # paying alone buys no pair project and costs dues + transaction cost (0.5 % of budget revenue); the centre
    # withholds the dues anyway, so paying is dominant only with a penalty of at least the transaction cost
    revenue = spec["revenue"] if "revenue" in spec.parameters else spec["dues_base"]
    assert not data["paying_dominant"] and data["min_withholding_dominant"] is None   # JSON null: no p <= 1
    for i, entry in enumerate(cities.values()):
        assert entry["min_penalty_dominant"] == pytest.approx(0.005 * revenue[i], rel=1e-9)
    # nobody paying and everyone paying are both pure equilibria of the payment game (listed up to 16 cities)
    sizes = sorted(map(len, data["payment_equilibria"]))
    assert sizes[0] == 0 and sizes[-1] == len(cities)


def test_net_positions_add_up_to_the_worth_the_fund_creates(solved):
    slug, res, js = solved
    data = js["sections"]["mechanism"]["data"]
    nets = np.array([e["net_position"] for e in data["by_city"].values()])
    # everyone pays: the pair projects' gains (gravity synergy, all funded) less all dues and transaction costs
    spec = load_model(slug)
    revenue = spec["revenue"] if "revenue" in spec.parameters else spec["dues_base"]
    assert data["projects_funded"] == data["projects"]
    created = spec["synergy"].sum() - data["fund"] - 0.005 * revenue.sum()
    assert nets.sum() == pytest.approx(created, rel=1e-9)
    transfers = np.array([e["transfer"] for e in data["by_city"].values()])
    assert transfers.sum() == pytest.approx(0.0, abs=1e-9 * np.abs(transfers).max())
    assert sum(f["amount"] for f in data["flows"]) == pytest.approx(transfers[transfers > 0].sum(), rel=1e-9)

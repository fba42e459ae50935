"""`coopgame solve` on a city-group model leads with the policy answer; no verdict its own numbers contradict."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from coopgame import load_model, outside_options
from coopgame.report import model_analysis, render_html
from tests.models.variants import chengdu_chongqing_round

CITY_GROUPS = ["bth13", "guangzhou_siphon", "chengdu_chongqing", "nanjing_fund"]


def _ncity(slug):
    return getattr(load_model(slug).build(), "ncity", None)


def _bth13_cheap():
    """bth13 with cooperation at 0.04% of GDP instead of 0.11%: full cooperation is then its welfare optimum
    (at the file's values the anchored joint gain falls short of the cost, and fewer cities cooperate there)."""
    return load_model("bth13").with_arrays(cost_rate=0.0004)


@pytest.fixture(scope="module")
def analyses():
    return {slug: model_analysis(slug) for slug in CITY_GROUPS} | {"bth13_cheap": model_analysis(_bth13_cheap())}


@pytest.mark.parametrize("slug", CITY_GROUPS)
def test_no_stand_alone_or_core_claim_below_stand_alone(slug, analyses):
    res = analyses[slug]
    game = _ncity(slug)
    text = res.as_text()
    assert "individually rational" not in text
    if game is None:  # not an n-city model (nanjing_fund is a fund over a TU game): nothing to compare with
        pytest.skip(f"{slug} has no n-city game")
    alone = np.asarray(outside_options(game).stand_alone, dtype=float)
    tol = 1e-9 * max(1.0, float(np.abs(alone).max()))
    for section in res.sections:
        if section.key.startswith("fund") and "outcomes" in section.data:
            for o in section.data["outcomes"]:
                x = np.asarray(o["allocation"], dtype=float)
                if o["individually_rational"] or o["in_core"]:
                    assert np.all(x >= alone - tol), (slug, o["rule"], x, alone)
                for row in section.summary.rows:
                    if row[0] == o["rule"] and np.any(x < alone - tol):
                        assert row[1].startswith("no"), (slug, row)
        if section.key.startswith("allocations"):
            facts = dict(section.summary.facts)
            named = next((v for k, v in facts.items() if k.startswith("in the core")), None)
            if named and named != "none of these":
                for concept, entry in section.data.items():
                    if not isinstance(entry, dict) or "allocation" not in entry:
                        continue
                    heading = {"shapley": "Shapley", "nucleolus": "nucleolus", "least_core": "least core",
                               "banzhaf": "Banzhaf"}.get(concept, concept)
                    x = np.asarray(entry["allocation"], dtype=float)
                    if heading in named.split(", ") and x.shape == alone.shape:
                        assert np.all(x >= alone - tol), (slug, concept, x, alone)


@pytest.mark.parametrize("slug", [s for s in CITY_GROUPS if s != "nanjing_fund"])
def test_headline_comes_first_in_text_json_and_html(slug, analyses):
    res = analyses[slug]
    headline = res.headline
    assert headline and "central subsidy" in headline
    assert res.sections[0].key == "policy_answer"
    # text: the headline is the first line
    assert res.as_text().splitlines()[0] == headline
    # JSON: a top-level key, the first one
    d = json.loads(json.dumps(res.to_dict(), ensure_ascii=False))
    assert next(iter(d)) == "policy_answer" and d["policy_answer"]["headline"] == headline
    by_city = d["policy_answer"]["by_city"]
    game = _ncity(slug)
    assert list(by_city) == list(game.players)
    oo = outside_options(game)
    for i, p in enumerate(game.players):
        assert by_city[p]["status_quo"] == pytest.approx(float(oo.status_quo[i]))
        assert by_city[p]["stand_alone"] == pytest.approx(float(oo.stand_alone[i]))
        assert by_city[p]["free_ride"] == pytest.approx(float(oo.free_ride[i]))
    # HTML: the policy answer before the overview and every other section
    page = render_html(res, figures=False)
    start = page.index('<section id="policy-answer">')
    assert start < page.index('<section id="overview">')
    assert start < min(m.start() for m in re.finditer(r'<section id="s\d+-', page))
    assert headline.split(";")[0].replace("'", "&#x27;") in page


def test_policy_answer_table_per_city(analyses):
    res = analyses["bth13_cheap"]   # full cooperation is its welfare optimum: the rules are tested for self-enforcement
    table = res.policy_answer.summary
    cols = table.columns
    for needed in ("status quo (true)", "stand-alone (true)", "free-ride (true)", "Shapley (margin)",
                   "minimal self-enforcing transfer"):
        assert needed in cols
    assert [row[0] for row in table.rows] == list(_ncity("bth13").players)
    assert any("100 million yuan per year" in v for _, v in table.facts)


def test_a_model_without_cities_has_no_policy_answer():
    res = model_analysis("airport_runway")
    assert res.policy_answer is None and res.headline is None and "policy_answer" not in res.to_dict()


def test_headline_warns_when_full_cooperation_is_not_the_welfare_optimum():
    # chengdu_chongqing, true welfare at (C, C) per issue (tests/games/test_perceived_payoffs.py shows the
    # arithmetic): services 15, infrastructure 20.2, consumption hub -2.2, total 33; on the hub mutual
    # protection gives -1, so the optimum is 15 + 20.2 - 1 = 34.2 and the subsidy buys a worse profile.
    from coopgame.report.analysis import model_analysis

    head = model_analysis(chengdu_chongqing_round()).section("policy_answer").data["headline"]  # spillovers 4, 6, 1
    assert "Caveat: full cooperation is not the welfare optimum on international consumption hub" in head
    assert "true welfare 33 against 34.2" in head
    # where full cooperation is the optimum, no caveat
    assert "Caveat" not in model_analysis(_bth13_cheap()).section("policy_answer").data["headline"]

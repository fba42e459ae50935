"""The report's welfare is true welfare; perceived payoffs, where shown, are labelled perceived (DESIGN §2.1)."""

import json

import numpy as np
import pytest

from coopgame import NCityGame
from coopgame.report import model_analysis, render_html
from tests.models.variants import chengdu_chongqing_round


def _rows(summary):
    return {row[0]: row for row in summary.text_rows}


def test_chengdu_chongqing_payoff_table_shows_perceived_and_true_welfare():
    analysis = model_analysis(chengdu_chongqing_round())  # spillovers 4, 6, 1: round hand numbers
    game = analysis.section("game")  # shared public services
    s = game.summary
    assert s.columns == ("profile (row, column)", "Chengdu perceived", "Chongqing perceived", "Chengdu true",
                         "Chongqing true", "welfare (true)")
    # (C, C): perceived 1 − 1.2·19 + 4 + 22 = 4.2 and 1 − 1.2·24 + 4 + 26 = 2.2 (sum 6.4, the old "welfare");
    # true 1 − 19 + 4 + 22 = 8 and 1 − 24 + 4 + 26 = 7: welfare 15
    assert _rows(s)["(C, C)"] == ("(C, C)", "4.2", "2.2", "8", "7", "15")
    assert _rows(s)["(D, D)"][-1] == "-1"
    facts = dict(s.facts)
    assert facts["welfare optimum (true payoffs)"] == "(C, C)"
    assert facts["game class (perceived payoffs)"] == "asymmetric"
    assert facts["with true payoffs it would be"] == "stag hunt, bistable"
    assert any("Perceived payoffs drive decisions" in n for n in s.notes)
    assert any("β = 1.2" in n for n in s.notes)
    assert game.data["payoffs"] == "perceived"
    np.testing.assert_allclose(game.data["welfare"][0, 0], 15.0)
    np.testing.assert_allclose(game.data["true_row_payoffs"][0, 0], 8.0)
    # the other issues: true (C, C) welfare 20.2 (infrastructure) and −2.2 (consumption hub)
    assert _rows(analysis.section("game-2").summary)["(C, C)"][-1] == "20.2"
    assert _rows(analysis.section("game-3").summary)["(C, C)"][-1] == "-2.2"
    # equilibria and dynamics say they read perceived payoffs
    eq = analysis.section("equilibria").summary
    assert "perceived Chengdu" in eq.columns and "true Chengdu" in eq.columns
    assert any("perceived" in n for n in analysis.section("dynamics").summary.notes)
    # the cooperative game is welfare: true payoffs, and it says so
    alloc = analysis.section("allocations").summary
    assert any("true payoffs" in n for n in alloc.notes)


def test_chengdu_chongqing_html_and_json_label_perceived_payoffs():
    analysis = model_analysis(chengdu_chongqing_round())  # spillovers 4, 6, 1: round hand numbers
    page = render_html(analysis, figures=False)
    assert "Chengdu perceived" in page and "welfare (true)" in page
    sections = json.loads(json.dumps(analysis.to_dict()))["sections"]
    game = sections["game"]
    assert game["data"]["payoffs"] == "perceived"
    assert game["data"]["welfare"][0][0] == pytest.approx(15.0)
    assert "welfare (true)" in game["table"]["columns"]


def test_perception_one_shows_one_set_and_says_they_coincide():
    game = NCityGame(cost=[4.0, 5.0], reward=1.0, synergy=[[0, 6], [7, 0]], players=["A", "B"])
    s = model_analysis(game).section("game").summary
    assert s.columns == ("profile (row, column)", "A", "B", "welfare")
    assert any("coincide" in n for n in s.notes)
    assert _rows(s)["(C, C)"][-1] == "6"  # (1 − 4 + 6) + (1 − 5 + 7) = 3 + 3


@pytest.mark.parametrize("slug", ["guangzhou_siphon"])
def test_n_city_equilibria_and_price_of_anarchy_say_which_payoffs(slug):
    analysis = model_analysis(slug)
    eq = analysis.section("equilibria").summary
    poa = analysis.section("efficiency").summary
    assert "welfare (true)" in eq.columns and "welfare (true)" in poa.columns
    assert any("perceived payoffs" in n for n in eq.notes)
    assert any("true payoffs" in n and "perceived" in n for n in poa.notes)

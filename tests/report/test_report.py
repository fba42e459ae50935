"""HTML reports: every table, every built-in model, the fund and LP sections; figures where matplotlib is.

Nothing here needs an optional package: without matplotlib the report keeps every table and
names the figures it left out (checked in both environments). The figure tests are in
test_report_figures.py, the browser test in test_report_browser.py.
"""

import html
import sys

import numpy as np
import pytest

from coopgame import TUGame
from coopgame.report import model_analysis, render_html, write_report
from tests.report.reference import PNG_SIGNATURE, embedded_pngs, matplotlib_available, two_city


def test_report_without_figures_still_has_every_table():
    towns = TUGame.from_costs([0, 230, 160, 350, 230, 460, 365, 556], players=["t1", "t2", "t3"])
    page = render_html(model_analysis(towns), figures=False)
    assert "<img" not in page
    assert "210.3333" in page and "Allocation by solution concept" in page


def _catalogue():
    import coopgame

    # yrd26: exact dense Shapley at n = 26 (512 MiB): .ci/run solves it from the installed wheel, and
    # tests/models/test_builtin.py checks its Shapley value.
    return [slug for slug in coopgame.list_models().slugs if slug != "yrd26"]


@pytest.mark.parametrize("slug", _catalogue())
def test_every_built_in_model_solves_and_renders_a_report(slug, tmp_path):
    analysis = model_analysis(slug)
    assert analysis.sections, analysis.skipped
    path = write_report(analysis, tmp_path / f"{slug}.html")
    page = path.read_text(encoding="utf-8")
    assert f"<h1>{html.escape(analysis.title)}</h1>" in page
    for section in analysis.sections:
        assert f"<h2>{html.escape(section.summary.title)}</h2>" in page
    assert "Where the numbers come from" in page
    drawn = [s.key for s in analysis.sections if s.figure is not None]
    images = embedded_pngs(page)
    if matplotlib_available():
        assert len(images) == len(drawn)
        assert all(data[:8] == PNG_SIGNATURE for data in images)
    else:  # every table still there, and the page names each figure it left out
        assert images == [] and all(f"<li>figure {html.escape(key)}: " in page for key in drawn)


def _hide_matplotlib(monkeypatch):
    """Make every ``import matplotlib...`` fail for this test, as on a machine without it."""
    # coopgame.report._figure too: it subclasses matplotlib's Figure, so once imported it would keep drawing
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")] + [
            "matplotlib", "coopgame.report._figure"]:
        monkeypatch.setitem(sys.modules, name, None)


def test_without_matplotlib_the_report_keeps_every_table_and_names_the_missing_figures(monkeypatch):
    _hide_matplotlib(monkeypatch)
    analysis = model_analysis(two_city())
    assert [s.key for s in analysis.sections if s.figure is not None] == ["dynamics"]
    page = render_html(analysis)
    assert embedded_pngs(page) == [] and "<img" not in page
    assert "<li>figure dynamics: " in page and "needs matplotlib" in page
    assert "stag hunt" in page and "(0.75, 0.75)" in page  # the tables of the worked check are all there


def test_structured_game_gets_a_fund_analysis_against_its_status_quo():
    from coopgame import AirportCost, StructuredGame

    # a = (1, 2, 0), M_ab = 3, M_ba = 1, M_bc = 2: everyone in, no transfers -> a: 1 + 3, b: 2 + 1 + 2, c: 0.
    game = StructuredGame([1.0, 2.0, 0.0], [[0, 3, 0], [1, 0, 2], [0, 0, 0]], ["a", "b", "c"])
    res = model_analysis(game)
    assert res.section("fund").data["status_quo"] == [4.0, 5.0, 0.0]
    assert not any("status quo" in s for s in res.skipped)
    # a cost game has no status quo to read off: skipped, with the reason
    airport = model_analysis(StructuredGame.from_costs(AirportCost([8, 11, 13])))
    assert any("no natural split" in s for s in airport.skipped)
    assert "fund" not in [s.key for s in airport.sections]


def test_nanjing_fund_runs_the_fund_analysis():
    res = model_analysis("nanjing_fund")
    fund = res.section("fund").data
    assert len(fund["status_quo"]) == 8
    assert sum(fund["status_quo"]) == pytest.approx(res.section("allocations").data["grand_value"], rel=1e-12)
    assert not any("fund analysis" in s for s in res.skipped)


def test_lp_concepts_run_up_to_twenty_players_and_are_skipped_above():
    from coopgame import StructuredGame
    from coopgame.report._sections import LP_MAX_PLAYERS

    assert LP_MAX_PLAYERS == 20

    def game(n):
        rng = np.random.default_rng(n)
        return StructuredGame(rng.uniform(-1, 0, n), rng.uniform(0, 1, (n, n)) * (1 - np.eye(n)))

    res = model_analysis(game(18))
    assert "core" in [s.key for s in res.sections] and "nucleolus" in res.section("allocations").data
    assert not any("core, least core" in s for s in res.skipped)
    big = model_analysis(game(21))
    assert any("n = 21 > 20" in s for s in big.skipped)
    assert "core" not in [s.key for s in big.sections]


def test_bare_dense_game_is_analysed_without_a_model():
    # a TUGame's own `values` array must not be mistaken for a built model's side data
    res = model_analysis(TUGame([0, 1, 1, 3], players=["a", "b"]))
    np.testing.assert_allclose(res.section("allocations").data["shapley"]["allocation"], [1.5, 1.5])


def test_proportional_rows_are_the_proportional_rule_and_a_cost_game_splits_its_cost():
    """The allocation table's proportional rows come from ProportionalRule; for a cost game the rule splits the
    joint cost by weight (of='cost', as a plant shared by flow is); an unusable weight is skipped with its reason.

    Three towns, C = (230, 160, 230) alone, C(N) = 556 with the plant: by flows (1, 2, 1) the cost shares are
    556 / 4 = 139, 556 / 2 = 278 and 139.
    """
    from coopgame.report import _sections

    g = TUGame.from_costs([0, 230, 160, 350, 230, 460, 365, 556], players=["t1", "t2", "t3"])
    skipped: list[str] = []
    context = {"weights": {"flows": np.array([1.0, 2.0, 1.0]), "bad": np.array([-1.0, 1.0, 1.0]),
                           "short": np.array([1.0, 1.0])}, "collect": {}}
    sections = _sections.cooperative_sections(g, label="", skipped=skipped, context=context, progress=False)
    table = next(s for s in sections if s.key == "allocations").summary
    col = table.columns.index("prop. to flows cost share")
    assert [float(r[col]) for r in table.rows] == [139.0, 278.0, 139.0]
    assert any(m.startswith("proportional rule by bad:") for m in skipped)
    assert any(m.startswith("proportional rule by short:") and "one entry per player" in m for m in skipped)


def test_a_model_whose_magnitudes_rest_on_modeling_choices_says_illustrative_in_text_json_and_html():
    import json

    from coopgame import load_model

    res = model_analysis("bth13")
    choices = sum(item.label == "modeling choice" for item in load_model("bth13").provenance().items)
    assert choices > 0 and res.modeling_choices == choices and res.illustrative
    assert f"illustrative: the magnitudes rest on {choices} modeling choices" in res.as_text()
    d = json.loads(json.dumps(res.to_dict()))
    assert d["illustrative"] is True and d["modeling_choices"] == choices
    assert '<p class="illustrative"><strong>Illustrative.</strong>' in render_html(res, figures=False)
    # the wastewater plant's numbers are all sourced: no such label
    plant = model_analysis("default")
    assert plant.modeling_choices == 0 and not plant.illustrative
    assert "illustrative" not in plant.as_text().lower()
    assert json.loads(json.dumps(plant.to_dict()))["illustrative"] is False

"""HTML reports: self-contained, and what a reader sees in a real browser (headless Chromium).

The browser test skips, with the reason, where Chromium is not installed;
CI (.ci/run) installs it.
"""

import base64
import html
import re
import shutil
import subprocess

import numpy as np
import pytest

from coopgame import PairwiseGame, TUGame
from coopgame.report import SweepFigure, model_analysis, render_html, write_plots, write_report
from coopgame.policy.sweep import parameter_sweep

pytest.importorskip("matplotlib")

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("headless Chromium is not installed (CI installs it with apt-get install chromium)")


def _two_city(reward=2.0, penalty=1.5):
    # MODELS.md BM1 worked check: dR = 6, alpha = 0.5, C = 4, E = 2, L = 1.
    return PairwiseGame.from_two_city(cost=4, synergy=6, alpha=0.5, free_ride_gain=2, lone_loss=1,
                                      reward=reward, penalty=penalty, players=("Chengdu", "Chongqing"))


@pytest.fixture(scope="module")
def two_city_report(tmp_path_factory):
    sweep = parameter_sweep(_two_city, {"reward": np.linspace(0, 3, 7), "penalty": np.linspace(0, 3, 7)})
    path = tmp_path_factory.mktemp("report") / "two_city.html"
    write_report(model_analysis("two_city_coop"), path, extra=[SweepFigure(sweep)])
    return path


def test_report_is_self_contained(two_city_report):
    page = two_city_report.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<style>" in page
    # no external resource of any kind: every src is inline data
    assert re.findall(r'(?:src|href)="(?!data:|#)', page) == []
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == 2  # phase portrait and sweep heat map
    for data in images:
        assert base64.b64decode(data)[:8] == PNG_SIGNATURE


def test_report_without_figures_still_has_every_table():
    towns = TUGame.from_costs([0, 230, 160, 350, 230, 460, 365, 556], players=["t1", "t2", "t3"])
    page = render_html(model_analysis(towns), figures=False)
    assert "<img" not in page
    assert "210.3333" in page and "Allocation by solution concept" in page


def test_write_plots_writes_one_png_per_figure(tmp_path):
    paths = write_plots(model_analysis(_two_city()), tmp_path)
    assert [p.name for p in paths] == ["PairwiseGame-dynamics.png"]
    assert paths[0].read_bytes()[:8] == PNG_SIGNATURE


_PROBE = """<script>
window.addEventListener("load", () => {
  const imgs = [...document.images];
  const ok = imgs.filter(i => i.complete && i.naturalWidth > 100 && i.naturalHeight > 100);
  document.body.setAttribute("data-images", imgs.length + "/" + ok.length);
  const rows = [...document.querySelectorAll("table tr")].map(r => r.innerText.replace(/\\s+/g, " "));
  document.body.setAttribute("data-visible-rows", rows.filter(t => t.length).length);
});
</script></body>"""


def test_report_renders_in_headless_chromium(two_city_report, tmp_path):
    chromium = _chromium()
    probe = tmp_path / "probe.html"
    probe.write_text(two_city_report.read_text(encoding="utf-8").replace("</body>", _PROBE), encoding="utf-8")
    profile = tmp_path / "profile"
    dom = subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=5000",
                          "--dump-dom", probe.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    seen = dom.stdout
    # What a reader sees: the title, the tables with the worked check's values, decoded figures.
    assert "<title>Two cities cooperate under central reward and penalty - coopgame report</title>" in seen
    assert 'data-images="2/2"' in seen  # both figures decoded by the browser, with real sizes
    rows = int(re.search(r'data-visible-rows="(\d+)"', seen).group(1))
    assert rows > 20
    assert "stag hunt" in seen
    assert "(0.75, 0.75)" in seen and "saddle" in seen  # the interior rest point of MODELS.md BM1
    assert "Where the numbers come from" in seen and "modeling choice" in seen
    shot = tmp_path / "page.png"
    subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--window-size=1100,1400",
                    f"--screenshot={shot}", two_city_report.as_uri()], capture_output=True, timeout=120, check=True)
    from matplotlib.image import imread

    pixels = imread(shot)[..., :3]
    inked = np.mean(pixels.min(axis=2) < 0.9)  # share of pixels that are not (near) white
    assert 0.03 < inked < 0.9  # a page with text and figures, not a blank or black screen


def _catalogue():
    import coopgame

    slow = {"bth13"}  # LP-based concepts (core, least core, nucleolus, fund) at n = 13: about 20 s
    params = []
    for slug in coopgame.list_models().slugs:
        if slug == "yrd26":
            continue  # exact dense Shapley at n = 26 (512 MiB, ~40 s): .ci/run solves it from the installed wheel
        marks = [pytest.mark.slow] if slug in slow else []
        params.append(pytest.param(slug, marks=marks, id=slug))
    return params


@pytest.mark.parametrize("slug", _catalogue())
def test_every_built_in_model_solves_and_renders_a_report(slug, tmp_path):
    analysis = model_analysis(slug)
    assert analysis.sections, analysis.skipped
    path = write_report(analysis, tmp_path / f"{slug}.html")
    page = path.read_text(encoding="utf-8")
    assert f"<h1>{html.escape(analysis.title)}</h1>" in page
    for section in analysis.sections:
        assert f"<h2>{html.escape(section.summary.title)}</h2>" in page
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == sum(s.figure is not None for s in analysis.sections)
    for data in images:
        assert base64.b64decode(data)[:8] == PNG_SIGNATURE
    assert "Where the numbers come from" in page


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

"""Reports and figures in Chinese (``labels="zh"``): the seeds' Chinese city names, a Chinese page, and no
missing-glyph boxes, in the figures and in a real browser.

How "no boxes" is checked, twice and independently of the code under test:

* figures: every text artist of every figure of a city-group report is drawn, then each of its characters is
  looked up the way matplotlib's Agg renderer does it (``font_manager.findfont`` for each family of the text's
  fallback list, in order) and the font file that matplotlib would take it from is opened with fontTools:
  the character must be in that font's cmap. matplotlib's own "Glyph ... missing from font(s)" warning is
  also turned into an error while drawing.
* the page: headless Chromium loads the report with a probe script that draws each distinct character of
  the page's text on a canvas in the page's own font and compares it with the box Chromium draws for a code
  point no font has (U+0378, unassigned): a character drawn as that box is missing. A negative control (an
  Egyptian hieroglyph, which no font installed for the test covers) must be detected as missing, so the
  probe is shown to see boxes.

Needs matplotlib and a CJK font (Debian: ``apt-get install fonts-noto-cjk``), and Chromium for the page;
each test skips with the reason where one is absent.
"""

import csv
import html
import json
import re
import subprocess
import warnings

import numpy as np
import pytest

from coopgame.errors import CoopgameWarning, InvalidParameterError
from tests.oracles import requires
from tests.report.test_report_browser import CHROMIUM_FLAGS, _chromium

pytestmark = [pytest.mark.oracle, requires("matplotlib")]

MODELS = ("bth13", "chengdu_chongqing", "yrd26")   # 13 cities, a pair with phase portraits, 26 cities


def _seed_names(table):
    """city_en -> city_zh of a seed table, read straight from the CSV (not through coopgame)."""
    from coopgame.models.seeds import data_dir

    with open(data_dir("seeds") / "cities" / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return {row["city_en"]: row["city_zh"] for row in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def cjk():
    from coopgame.report.plots import cjk_font

    name = cjk_font()
    if name is None:
        pytest.skip("no CJK font installed (Debian: apt-get install fonts-noto-cjk)")
    return name


@pytest.fixture(scope="module")
def analyses():
    from coopgame.report import model_analysis

    return {m: model_analysis(m) for m in MODELS}


# ------------------------------------------------------------------------------------------- names and labels
def test_zh_names_are_the_seeds_city_zh_column():
    from coopgame.report.labels import display_names

    seeds = _seed_names("g5_beijing_tianjin_hebei")
    players = ["Beijing", "Tianjin", "Baoding", "Langfang"]
    assert display_names(players, "zh") == {p: seeds[p] for p in players}
    assert seeds["Beijing"] == "北京市"
    # players outside the seed tables keep their names; "en" is the identity
    assert display_names(["city A", "central government"], "zh") == {"city A": "city A",
                                                                     "central government": "central government"}
    assert display_names(players, "en") == {p: p for p in players}


def test_labels_must_be_en_or_zh():
    from coopgame.report import render_html
    from coopgame.report.plots import allocation_bars

    with pytest.raises(InvalidParameterError, match=r"^allocation_bars\(\): labels must be one of \['en', 'zh'\]; "
                                                    r"got str 'fr'"):
        allocation_bars(["A", "B"], {"x": [1, 2]}, labels="fr")
    with pytest.raises(InvalidParameterError, match=r"^render_html\(\): labels must be one of"):
        from coopgame.report import model_analysis

        render_html(model_analysis("two_city_coop"), labels=None)


def test_no_cjk_font_is_a_clear_warning_not_a_crash(monkeypatch):
    from coopgame.report import plots

    monkeypatch.setattr(plots, "cjk_font", lambda: None)
    with pytest.warns(CoopgameWarning, match=r"^allocation_bars\(\): no CJK font is installed.*fonts-noto-cjk"):
        fig = plots.allocation_bars(["Beijing", "Tianjin"], {"x": [1.0, 2.0]}, labels="zh")
    # drawn all the same, with boxes: matplotlib says so (the warning the figure test below turns into an error)
    with pytest.warns(UserWarning, match=r"missing from font"):
        assert plots.figure_png(fig)[:4] == b"\x89PNG"
    with warnings.catch_warnings():
        warnings.simplefilter("error", CoopgameWarning)   # English labels need no CJK font: no warning
        plots.allocation_bars(["Beijing", "Tianjin"], {"x": [1.0, 2.0]})


def test_a_cjk_font_left_out_of_a_stale_font_cache_is_found(cjk, monkeypatch):
    """A font installed after matplotlib built its font cache (CI installs fonts-noto-cjk late) is found."""
    from matplotlib import font_manager as fm

    from coopgame.report import plots

    stale = [f for f in fm.fontManager.ttflist if "CJK" not in f.name and f.name not in plots._CJK_FAMILIES]
    monkeypatch.setattr(fm.fontManager, "ttflist", stale)
    assert plots.cjk_font.__wrapped__() is not None   # the uncached lookup: rescans the system's font files
    assert any(f.name == cjk for f in fm.fontManager.ttflist)


# ------------------------------------------------------------------------------------------------ the figures
def _cmap(path, index):
    from fontTools.ttLib import TTFont

    font = TTFont(path, fontNumber=index, lazy=True) if str(path).lower().endswith((".ttc", ".otc")) else \
        TTFont(path, lazy=True)
    return set(font.getBestCmap() or {})


def _chain(prop, cache):
    """The font files (path, face index) matplotlib draws ``prop``'s text from, in fallback order."""
    from matplotlib.font_manager import FontProperties, findfont

    key = (tuple(prop.get_family()), prop.get_style(), prop.get_weight())
    if key not in cache:
        files = []
        for family in prop.get_family():
            one = FontProperties(family=family, style=prop.get_style(), weight=prop.get_weight())
            found = findfont(one, fallback_to_default=False)
            path, index = (str(getattr(found, "path", found)), int(getattr(found, "face_index", 0) or 0))
            files.append((path, index))
        cache[key] = [(p, i, _cmap(p, i)) for p, i in dict.fromkeys(files)]
    return cache[key]


def _texts(fig):
    from matplotlib.text import Text

    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


@pytest.mark.slow
def test_every_glyph_of_the_zh_figures_is_in_the_font_matplotlib_takes_it_from(cjk, analyses):
    from coopgame.report.plots import figure_png

    cache, seen, figures = {}, set(), 0
    for model, analysis in analyses.items():
        for section in analysis.sections:
            if section.figure is None:
                continue
            fig = section.figure(labels="zh")
            with warnings.catch_warnings():
                warnings.filterwarnings("error", message=r".*missing from (current )?font")
                figure_png(fig)   # drawn: every tick label exists now
            figures += 1
            for text in _texts(fig):
                chain = _chain(text.get_fontproperties(), cache)
                assert text.get_fontproperties().get_family()[-1] == cjk   # the fallback list ends with it
                for ch in set(text.get_text()) - set(" \n\t"):
                    assert any(ord(ch) in cmap for _, _, cmap in chain), \
                        f"{model}/{section.key}: {ch!r} (U+{ord(ch):04X}) of {text.get_text()!r} is in no font of " \
                        f"{[p for p, _, _ in chain]}"
                    seen.add(ch)
    assert figures >= 6
    # the figures did show the cities by their Chinese names
    for name in ("北京市", "廊坊市", "成都市", "重庆市", "上海市", "马鞍山市"):
        assert set(name) <= seen


def test_zh_figure_tick_labels_are_the_seed_names(cjk, analyses):
    seeds = _seed_names("g5_beijing_tianjin_hebei")
    fig = analyses["bth13"].section("fund").figure(labels="zh")
    shown = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert sorted(shown) == sorted(seeds[p] for p in analyses["bth13"].section("fund").figure.args[0])


# --------------------------------------------------------------------------------------------------- the page
def test_zh_report_is_a_chinese_page_with_the_seed_names(analyses):
    from coopgame.report import render_html

    analysis = analyses["bth13"]
    page = render_html(analysis, figures=False, labels="zh")
    assert re.search(r'<html lang="zh-Hans">', page)
    for heading in ("目录", "概览", "数据来源", "政策结论"):
        assert f">{heading}<" in page
    seeds = _seed_names("g5_beijing_tianjin_hebei")
    assert all(f"<td>{seeds[p]}</td>" in page for p in seeds)
    assert "<td>Beijing</td>" not in page
    # who pays whom: a table, one row per flow of the fund section's first rule, the largest first
    flows = analysis.section("fund").data["outcomes"][0]["flows"]
    table = re.search(r'<table class="flows">(.*?)</table>', page).group(1)
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td[^>]*>(.*?)</td></tr>", table)
    assert len(rows) == len(flows)
    largest = max(flows, key=lambda f: abs(f["amount"]))
    assert rows[0][:2] == (seeds[largest["payer"]], seeds[largest["receiver"]])
    # the English page is as before, and the identifiers stay English in the JSON
    english = render_html(analysis, figures=False)
    assert '<html lang="en">' in english and "<td>Beijing</td>" in english
    assert "Beijing" in json.dumps(analysis.to_dict(), ensure_ascii=False)


def test_cli_writes_a_zh_report(tmp_path, capsys):
    from coopgame.cli import main

    report = tmp_path / "cc.html"
    assert main(["solve", "chengdu_chongqing", "--labels", "zh", "--report", str(report)]) == 0
    page = report.read_text(encoding="utf-8")
    assert '<html lang="zh-Hans">' in page and "成都市" in page and "重庆市" in page
    assert main(["solve", "chengdu_chongqing", "--labels", "fr"]) == 2   # a usage error
    assert "invalid choice: 'fr'" in capsys.readouterr().err


_GLYPH_PROBE = r"""<script>
window.addEventListener("load", () => {
  const probe = (el, chars) => {
    const style = getComputedStyle(el);
    const font = `${style.fontWeight} 40px ${style.fontFamily}`;
    const c = document.createElement("canvas"); c.width = 60; c.height = 60;
    const g = c.getContext("2d", {willReadFrequently: true});
    const draw = ch => { g.clearRect(0, 0, 60, 60); g.font = font; g.fillText(ch, 5, 45);
                         return g.getImageData(0, 0, 60, 60).data.join(","); };
    const box = draw("\u0378");            // an unassigned code point: the missing-glyph box
    return chars.filter(ch => draw(ch) === box);
  };
  const text = document.body.innerText;
  const chars = [...new Set([...text].filter(ch => ch.trim()))];
  const missing = probe(document.body, chars);
  const control = probe(document.body, ["\u{13000}"]);   // Egyptian hieroglyph A001: no installed font has it
  document.body.setAttribute("data-chars", chars.length);
  document.body.setAttribute("data-cjk", chars.filter(ch => /[\u4e00-\u9fff]/.test(ch)).length);
  document.body.setAttribute("data-missing", encodeURIComponent(missing.join("")));
  document.body.setAttribute("data-control", control.length);
});
</script></body>"""


@pytest.mark.slow  # one Chromium launch, about 2 s
def test_zh_report_has_no_missing_glyph_boxes_in_headless_chromium(cjk, analyses, tmp_path):
    from coopgame.report import render_html

    chromium = _chromium()
    page = render_html(analyses["bth13"], labels="zh").replace("</body>", _GLYPH_PROBE)
    probe = tmp_path / "probe.html"
    probe.write_text(page, encoding="utf-8")
    dom = subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
                          "--virtual-time-budget=10000", "--dump-dom", probe.as_uri()],
                         capture_output=True, text=True, timeout=180)
    assert dom.returncode == 0, dom.stderr[-2000:]
    found = {k: v for k, v in re.findall(r'data-(chars|cjk|missing|control)="([^"]*)"', dom.stdout)}
    assert set(found) == {"chars", "cjk", "missing", "control"}, "the probe did not run"
    assert found["control"] == "1"             # the probe sees a box where there is one
    assert int(found["cjk"]) >= 40             # the page does show Chinese: city names and headings
    from urllib.parse import unquote

    missing = unquote(html.unescape(found["missing"]))
    assert missing == "", f"drawn as boxes: {missing!r} ({[f'U+{ord(c):04X}' for c in missing]})"
    assert int(found["chars"]) > 100


def test_zh_report_figures_are_embedded(cjk, analyses):
    from tests.report.reference import embedded_pngs

    from coopgame.report import render_html

    page = render_html(analyses["chengdu_chongqing"], labels="zh")
    pngs = embedded_pngs(page)
    assert len(pngs) == sum(s.figure is not None for s in analyses["chengdu_chongqing"].sections)
    from matplotlib.image import imread
    import io

    for png in pngs:
        pixels = imread(io.BytesIO(png))[..., :3]
        assert 0.01 < float(np.mean(pixels.min(axis=2) < 0.9)) < 0.95   # a drawn figure, not a blank

"""Figures that read well: legends outside the data, sizes that fit a page, small multiples beyond six cities,
a line for a one-parameter sweep, wrapped titles, a unit on every value axis, display in a notebook.

The geometry is measured on the drawn figure (matplotlib's Agg canvas, window extents in pixels), not taken
from the code that places things. Needs matplotlib (skips without it).
"""

import pickle
import subprocess
import sys

import numpy as np
import pytest

from tests.oracles import requires

pytestmark = [pytest.mark.oracle, requires("matplotlib")]

UNIT = "100 million yuan per year"   # the unit of models/bth13.toml and models/chengdu_chongqing.toml


def _drawn(fig):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig) if fig.canvas is None or not hasattr(fig.canvas, "get_renderer") else fig.canvas
    canvas.draw()
    return canvas.get_renderer()


def _overlap(a, b):
    """Area (pixels²) of the intersection of two bounding boxes."""
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(w, 0.0) * max(h, 0.0)


def _legends(fig):
    return [lg for lg in fig.legends] + [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]


@pytest.fixture(scope="module")
def bth13():
    from coopgame.report import model_analysis

    return model_analysis("bth13")


@pytest.fixture(scope="module")
def chengdu_chongqing():
    from coopgame.report import model_analysis

    return model_analysis("chengdu_chongqing")


def test_two_city_legend_sits_outside_the_bars(chengdu_chongqing):
    fig = chengdu_chongqing.section("allocations").figure()
    renderer = _drawn(fig)
    (legend,) = _legends(fig)
    ax = fig.axes[0]
    assert _overlap(legend.get_window_extent(renderer), ax.get_window_extent(renderer)) == 0.0
    # and inside the canvas (not cut off)
    box, canvas = legend.get_window_extent(renderer), fig.bbox
    assert box.x0 >= canvas.x0 - 1 and box.x1 <= canvas.x1 + 1


def test_phase_portrait_and_heatmap_legends_sit_outside_the_data(chengdu_chongqing):
    from coopgame.policy.sweep import parameter_sweep
    from coopgame.report import SweepFigure
    from tests.report.reference import two_city

    sweep = parameter_sweep(two_city, {"reward": np.linspace(0, 3, 5), "penalty": np.linspace(0, 3, 4)})
    for fig in (chengdu_chongqing.section("dynamics").figure(), SweepFigure(sweep).figure()):
        renderer = _drawn(fig)
        legends = _legends(fig)
        assert legends
        for legend in legends:
            for ax in fig.axes:
                assert _overlap(legend.get_window_extent(renderer), ax.get_window_extent(renderer)) == 0.0


def test_thirteen_cities_are_small_multiples_of_horizontal_bars_on_a_page(bth13):
    from matplotlib.patches import Rectangle

    section = bth13.section("allocations")
    rules = list(section.figure.args[1])
    fig = section.figure()
    width, height = fig.get_size_inches()
    assert width <= 12.0 and height <= 12.0           # was 37 x 4 inches
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert len(panels) == len(rules)                   # one panel per rule
    assert [ax.get_title() for ax in panels] == rules
    for ax in panels:
        bars = [p for p in ax.patches if isinstance(p, Rectangle)]
        assert len(bars) == 13
        heights = {round(b.get_height(), 9) for b in bars}
        assert len(heights) == 1                       # horizontal: equal thickness, lengths are the values
        assert sorted(round(b.get_y() + b.get_height() / 2) for b in bars) == list(range(13))
    ticks = dict(zip(panels[0].get_yticks(), (t.get_text() for t in panels[0].get_yticklabels())))
    assert ticks[max(ticks)] == "Beijing" and ticks[min(ticks)] == "Hengshui"   # the players' order, top down


def test_twenty_six_cities_fit_twelve_inches():
    from coopgame.report.plots import allocation_bars

    cities = [f"city {i}" for i in range(26)]
    fig = allocation_bars(cities, {f"rule {k}": np.arange(26.0) + k for k in range(7)}, status_quo=np.ones(26),
                          ylabel=f"payoff ({UNIT})")
    assert fig.get_figwidth() <= 12.0
    renderer = _drawn(fig)
    boxes = [ax.get_window_extent(renderer) for ax in fig.axes if ax.get_visible()]
    for i, a in enumerate(boxes):                       # panels do not overlap each other
        for b in boxes[i + 1:]:
            assert _overlap(a, b) == 0.0
    for legend in _legends(fig):
        for box in boxes:
            assert _overlap(legend.get_window_extent(renderer), box) == 0.0


def test_fund_flows_draw_no_text_under_the_bars(bth13):
    """Who pays whom is a table of the report now, not lines of text drawn below the figure."""
    fig = bth13.section("fund").figure()
    renderer = _drawn(fig)
    ax = fig.axes[0]
    inside = ax.get_window_extent(renderer)
    texts = [t for t in ax.texts if t.get_text().strip()]
    assert len(texts) == 13                             # one value label per city, nothing else
    for t in texts:
        box = t.get_window_extent(renderer)
        assert box.y0 >= inside.y0 - 1 and box.y1 <= inside.y1 + 1
    assert fig.get_figwidth() <= 12.0


def test_one_parameter_sweep_draws_a_line():
    from coopgame.policy.sweep import parameter_sweep
    from coopgame.report import SweepFigure
    from tests.report.reference import two_city

    grid = np.linspace(0, 3, 13)
    sweep = parameter_sweep(two_city, {"reward": grid})
    fig = SweepFigure(sweep).figure()
    lines = [ln for ax in fig.axes for ln in ax.get_lines() if len(ln.get_xdata()) > 1]
    assert len(lines) == 1
    (line,) = lines
    np.testing.assert_array_equal(line.get_xdata(), grid)
    y = np.asarray(line.get_ydata(), dtype=float)
    assert np.isfinite(y).all()
    # the regimes are named on the value axis
    names = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "bistable" in names and "defection dominant" in names


@pytest.mark.parametrize("labels", ["en", "zh"])
def test_long_titles_wrap_inside_the_figure(labels):
    from coopgame.report import plots

    if labels == "zh" and plots.cjk_font() is None:
        pytest.skip("no CJK font installed (Debian: apt-get install fonts-noto-cjk)")
    long = ("各城市在各分配规则下的收益以及相对现状的净转移支付" * 3 if labels == "zh" else
            "Allocation of the joint gains of thirteen cities under every sharing rule compared, "
            "against the status quo of cooperation without transfers")
    figs = [plots.allocation_bars(["A", "B"], {"x": [1, 2]}, title=long, labels=labels),
            plots.allocation_bars([f"c{i}" for i in range(9)], {"x": range(9)}, title=long, labels=labels),
            plots.fund_flows(["A", "B"], [1, -1], title=long, labels=labels),
            plots.sweep_line([0, 1], [0, 1], xlabel="x", zlabel="z", title=long, labels=labels)]
    for fig in figs:
        renderer = _drawn(fig)
        titles = [ax.title for ax in fig.axes if ax.get_title()] if fig._suptitle is None else [fig._suptitle]
        title = next(t for t in titles if len(t.get_text()) > 60)
        assert "\n" in title.get_text()
        box = title.get_window_extent(renderer)
        assert box.x0 >= fig.bbox.x0 - 1 and box.x1 <= fig.bbox.x1 + 1, (box, fig.bbox)


def test_every_value_axis_names_the_unit(bth13, chengdu_chongqing):
    from coopgame.models.catalog import load_model
    from coopgame.policy.sweep import parameter_sweep
    from coopgame.report import SweepFigure

    panels = bth13.section("allocations").figure()
    assert UNIT in panels.get_supxlabel()
    two = chengdu_chongqing.section("allocations").figure()
    assert UNIT in two.axes[0].get_ylabel()
    for analysis in (bth13, chengdu_chongqing):
        assert UNIT in analysis.section("fund").figure().axes[0].get_xlabel()
    spec = load_model("bth13")
    sweep = parameter_sweep(spec, {"release_rate": np.linspace(0.005, 0.02, 4)})
    fig = SweepFigure(sweep, model=spec).figure()
    assert UNIT in fig.axes[0].get_ylabel().replace("\n", " ")


def test_figures_display_in_a_notebook_without_pyplot(tmp_path):
    """IPython's display machinery finds a PNG for a report figure in a process that never imported pyplot."""
    pytest.importorskip("IPython")
    script = (
        "import sys\n"
        "from coopgame.report.plots import allocation_bars\n"
        "from IPython.core.formatters import DisplayFormatter\n"
        "fig = allocation_bars(['A', 'B'], {'Shapley': [1.0, 2.0]})\n"
        "data, _ = DisplayFormatter().format(fig)\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot was imported'\n"
        "assert data['image/png'][:8] == b'\\x89PNG\\r\\n\\x1a\\n'\n"
        "print('ok')\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"


def test_report_figures_pickle():
    from matplotlib.figure import Figure

    from coopgame.report.plots import fund_flows

    fig = fund_flows(["A", "B"], [1.0, -1.0], unit="yuan")
    back = pickle.loads(pickle.dumps(fig))
    assert isinstance(back, Figure) and type(back).__name__ == "ReportFigure"
    assert back._repr_png_()[:4] == b"\x89PNG"

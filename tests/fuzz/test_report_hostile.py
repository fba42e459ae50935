"""Hostile input to the report layer (issue 12, items 6 and 7): typed errors naming the function and the argument,
"did you mean" for unknown section names, and reports with NaN or infinite numbers that still render."""

from __future__ import annotations

import json
import warnings
from functools import partial

import numpy as np
import pytest

from coopgame import TUGame
from coopgame.errors import CoopgameWarning, InvalidParameterError, ModelSpecError
from coopgame.report import ModelAnalysis, Section, SweepFigure, model_analysis, render_html, write_plots, \
    write_report
from coopgame.report import labels, plots
from coopgame.report.analysis import UnknownSectionError
from coopgame.results import Summary, format_number
from tests.report.reference import embedded_pngs, matplotlib_available


@pytest.fixture(scope="module")
def towns() -> ModelAnalysis:
    return model_analysis(TUGame.from_costs([0, 230, 160, 350, 230, 460, 365, 556], players=["t1", "t2", "t3"]))


# ---------------------------------------------------------------------------------------------- model_analysis
@pytest.mark.parametrize("model", [None, 3, 2.5, True, [1, 2], {}, {"a": 1}, object(), b"two_city_coop", "", "  "])
def test_model_analysis_refuses_what_has_nothing_to_solve(model):
    with pytest.raises(InvalidParameterError) as info:
        model_analysis(model)
    msg = str(info.value)
    assert msg.startswith("model_analysis(): model must be a built-in model's slug"), msg
    assert "TUGame" in msg and "got " in msg


def test_model_analysis_names_itself_for_loader_errors():
    with pytest.raises(ModelSpecError, match=r"^model_analysis\(\): load_model\(\): no built-in model 'two_city_cop'"):
        model_analysis("two_city_cop")
    with pytest.raises(ModelSpecError, match=r"^model_analysis\(\): .*no scenario 'strong'"):
        model_analysis("two_city_coop", scenario="strong")


@pytest.mark.parametrize("kwargs, arg", [({"scenario": 3}, "scenario"), ({"scenario": ""}, "scenario"),
                                         ({"scenario": ["a"]}, "scenario"), ({"progress": "yes"}, "progress"),
                                         ({"progress": None}, "progress")])
def test_model_analysis_checks_its_options(kwargs, arg):
    with pytest.raises(InvalidParameterError, match=rf"^model_analysis\(\): {arg} must be"):
        model_analysis(TUGame([0, 1, 1, 3]), **kwargs)
    with pytest.raises(InvalidParameterError, match=r"^model_analysis\(\): scenario needs a model file"):
        model_analysis(TUGame([0, 1, 1, 3]), scenario="x")


def test_unknown_section_is_typed_with_did_you_mean(towns):
    with pytest.raises(UnknownSectionError) as info:
        towns.section("alocations")
    err = info.value
    assert isinstance(err, InvalidParameterError) and isinstance(err, KeyError)  # old `except KeyError` still works
    assert str(err).startswith("ModelAnalysis.section(): no section 'alocations'; did you mean 'allocations'?")
    with pytest.raises(UnknownSectionError, match=r"no section 'zzz'; sections: \['allocations', 'core'\]"):
        towns.section("zzz")
    with pytest.raises(UnknownSectionError, match=r"key must be a section name \(str\)"):
        towns.section(0)


# ---------------------------------------------------------------------------------------------- html, files
@pytest.mark.parametrize("call, message", [
    (lambda a: render_html(None), r"^render_html\(\): analysis must be a ModelAnalysis"),
    (lambda a: render_html(a.summary()), r"^render_html\(\): analysis must be a ModelAnalysis"),
    (lambda a: render_html(a, figures="no"), r"^render_html\(\): figures must be True or False"),
    (lambda a: render_html(a, extra=[3]), r"^render_html\(\): extra\[0\] must be a result with summary\(\)"),
    (lambda a: render_html(a, extra="abc"), r"^render_html\(\): extra must be a sequence"),
    (lambda a: write_report(a, 5), r"^write_report\(\): path must be a file system path"),
    (lambda a: write_report(a, ""), r"^write_report\(\): path must be a file system path"),
    (lambda a: write_report("x", "r.html"), r"^write_report\(\): analysis must be a ModelAnalysis"),
    (lambda a: write_plots(a, None), r"^write_plots\(\): directory must be a file system path"),
    (lambda a: SweepFigure(a), r"^SweepFigure\(\): result must be a SweepResult"),
])
def test_html_and_file_functions_check_their_arguments(towns, call, message):
    with pytest.raises(InvalidParameterError, match=message):
        call(towns)


def test_unwritable_paths_are_typed_errors(towns, tmp_path):
    with pytest.raises(InvalidParameterError, match=r"^write_report\(\): cannot write the report to .*missing"):
        write_report(towns, tmp_path / "missing" / "r.html")
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(InvalidParameterError, match=r"^write_plots\(\): cannot write figures into"):
        write_plots(towns, a_file / "sub")


# ---------------------------------------------------------------------------------------------- plots
@pytest.mark.parametrize("call, message", [
    (lambda: plots.allocation_bars("AB", {"x": [1, 2]}), r"^allocation_bars\(\): players must be a sequence"),
    (lambda: plots.allocation_bars(["A", "B"], [[1, 2]]), r"^allocation_bars\(\): allocations must be a mapping"),
    (lambda: plots.allocation_bars(["A", "B"], {"x": ["1", "2"]}), r"^allocation_bars\(\): allocations\['x'\]"),
    (lambda: plots.allocation_bars(["A", "B"], {"x": [1, 2]}, status_quo=[1, 2, 3]),
     r"^allocation_bars\(\): status_quo must have shape"),
    (lambda: plots.allocation_bars(["A", "B"], {"x": [1, 2]}, ylabel=3), r"^allocation_bars\(\): ylabel must be a str"),
    (lambda: plots.fund_flows(["A", "B"], [1, -1], flows=[("A", "B")]), r"^fund_flows\(\): flows\[0\] must be"),
    (lambda: plots.fund_flows(["A", "B"], [1, -1], flows=[("A", "B", "1")]), r"^fund_flows\(\): flows\[0\] must be"),
    (lambda: plots.fund_flows(["A", "B"], [1 + 1j, -1]), r"^fund_flows\(\): net_transfers must be an array of real"),
    (lambda: plots.sweep_heatmap([0, 1], [0], [[0, 5]], xlabel="x", ylabel="y", zlabel="z", categories=["a", "b"]),
     r"^sweep_heatmap\(\): with categories, z must hold integer codes 0 .. 1"),
    (lambda: plots.sweep_heatmap(["a"], [0], [[0]], xlabel="x", ylabel="y", zlabel="z"), r"^sweep_heatmap\(\): x must"),
    (lambda: plots.sweep_heatmap([0], [0], [[0]], xlabel=None, ylabel="y", zlabel="z"),
     r"^sweep_heatmap\(\): xlabel must be a str"),
    (lambda: plots.replicator_field([[1, 0], [0, 1]], [[1, 0], [0, 1]], "a", 0.5), r"^replicator_field\(\): x must"),
    (lambda: plots.replicator_field([[1, 0], [0, 1]], [[1, 0], [0, 1]], [0.1, 0.2], [0.1, 0.2, 0.3]),
     r"^replicator_field\(\): x and y must broadcast"),
    (lambda: plots.phase_portrait([[1, 0], [0, 1]], [[1, 0], [0, 1]], basin=[[0.5]]), r"^phase_portrait\(\): basin"),
    (lambda: plots.phase_portrait([[1, 0], [0, 1]], [[1, 0], [0, 1]], basin=[[10 ** 9]]),
     r"^phase_portrait\(\): basin indices must be below 64"),
    (lambda: plots.phase_portrait([[1, 0], [0, 1]], [[1, 0], [0, 1]], rest_points=[(0, 1)]),
     r"^phase_portrait\(\): rest_points\[0\] must be"),
    (lambda: plots.phase_portrait([[1, 0], [0, 1]], [[1, 0], [0, 1]], players="AB"),
     r"^phase_portrait\(\): players must be a sequence of 2"),
    (lambda: plots.phase_portrait([[1, 0], [0, 1]], [[1, 0], [0, 1]], initial=(0.5, float("nan"))),
     r"^phase_portrait\(\): initial must contain only finite"),
    (lambda: plots.figure_png(object()), r"^figure_png\(\): fig must be a matplotlib Figure"),
    (lambda: plots.save_png(object(), "x.png"), r"^save_png\(\): fig must be a matplotlib Figure"),
    (lambda: plots.sweep_line([0, 1], [0], xlabel="x", zlabel="z"), r"^sweep_line\(\): z must have shape"),
    (lambda: plots.sweep_line([], [], xlabel="x", zlabel="z"), r"^sweep_line\(\): x must hold at least one"),
    (lambda: plots.sweep_line([0, 1], [0, 5], xlabel="x", zlabel="z", categories=["a"]),
     r"^sweep_line\(\): with categories, z must hold integer codes"),
    (lambda: plots.sweep_line([0, 1], [0, 1], xlabel=None, zlabel="z"), r"^sweep_line\(\): xlabel must be a str"),
    (lambda: plots.allocation_bars(["A", "B"], {"x": [1, 2]}, labels="fr"),
     r"^allocation_bars\(\): labels must be one of \['en', 'zh'\]"),
    (lambda: plots.fund_flows(["A", "B"], [1, -1], labels="fr"), r"^fund_flows\(\): labels must be one of"),
    (lambda: plots.wrap_text(None, 2), r"^wrap_text\(\): text must be a str"),
    (lambda: plots.wrap_text("a", float("nan")), r"^wrap_text\(\): width_in must be a positive number"),
    (lambda: labels.translate(3, "zh"), r"^translate\(\): text must be a str"),
    (lambda: labels.translate("x", "fr"), r"^translate\(\): labels must be one of"),
    (lambda: labels.display_names("AB", "zh"), r"^display_names\(\): players must be a sequence of str names"),
    (lambda: labels.display_name(None), r"^display_name\(\): player must be a str"),
    (lambda: labels.translate_names(b"x", "zh"), r"^translate_names\(\): text must be a str"),
])
def test_plot_functions_check_their_arguments(call, message):
    with pytest.raises(InvalidParameterError, match=message):
        call()


# ---------------------------------------------------------------------------------------------- non-finite numbers
def _nonfinite_analysis() -> ModelAnalysis:
    """An analysis holding NaN and ±inf in tables, data and figures, as a failed or overflowing solver may leave."""
    bad = [float("nan"), float("inf"), -float("inf"), 1.0]
    summary = Summary(title="Odd numbers", facts=(("epsilon", format_number(bad[0])),), columns=("city", "value"),
                      rows=tuple((p, format_number(v)) for p, v in zip("abcd", bad)))
    sections = (
        Section(key="odd", summary=summary, data={"values": np.array(bad), "scalar": float("nan")}, elapsed=float("nan"),
                figure=partial(plots.fund_flows, list("abcd"), bad, flows=[("a", "b", float("inf"))])),
        Section(key="bars", summary=summary, data={}, figure=partial(plots.allocation_bars, list("abcd"),
                                                                    {"rule": bad}, status_quo=bad[::-1])),
        Section(key="heat", summary=summary, data={}, figure=partial(plots.sweep_heatmap, [0, 1], [0, 1],
                                                                    [[np.nan, np.inf], [0, -np.inf]], xlabel="x",
                                                                    ylabel="y", zlabel="z")),
        Section(key="portrait", summary=summary, data={}, figure=partial(
            plots.phase_portrait, [[1e308, -1e308], [-1e308, 1e308]], [[-1e308, 1e308], [1e308, -1e308]])),
    )
    return ModelAnalysis(sections=sections, model="odd", title="Odd", kind="tu", elapsed=float("inf"))


def test_nonfinite_numbers_render_as_text_markdown_json_and_html():
    res = _nonfinite_analysis()
    text, md = res.as_text(), res.as_markdown()
    for out in (text, md):
        assert "nan" in out and "inf" in out and "Odd numbers" in out
    json.dumps(res.to_dict())  # JSON-ready: non-finite numbers as strings, nothing raises
    page = render_html(res, figures=matplotlib_available())
    assert page.count("<h2>Odd numbers</h2>") == 4 and '<td class="num">nan</td>' in page
    if matplotlib_available():
        # every figure drawn: non-finite values are gaps, huge payoffs drawn at unit scale
        assert len(embedded_pngs(page)) == 4 and "could not be drawn" not in page


def test_a_figure_that_fails_is_named_not_fatal(tmp_path):
    def broken():
        raise InvalidParameterError("allocation_bars(): allocations must name at least one rule; got none")

    summary = Summary(title="T", columns=("a",), rows=(("1",),))
    res = ModelAnalysis(sections=(Section(key="s", summary=summary, figure=broken),), model="m", title="M", kind="tu")
    page = render_html(res)
    assert "<li>figure s: could not be drawn (InvalidParameterError: allocation_bars(): allocations must" in page
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert write_plots(res, tmp_path) == []
    assert any(issubclass(w.category, CoopgameWarning) and "figures not written: s:" in str(w.message)
               for w in caught)


def test_a_game_near_the_float_maximum_renders():
    res = model_analysis(TUGame([0, 1e308, 1e308, 1.7e308]))
    page = render_html(res, figures=False)
    assert "Allocation by solution concept" in page and res.as_markdown() and json.dumps(res.to_dict())


# ---------------------------------------------------------------------------------------------- immutability
def test_section_data_is_read_only_all_the_way_down():
    from tests.report.reference import two_city

    res = model_analysis(two_city())
    grid = res.section("dynamics").data["basin_grid"]
    with pytest.raises(ValueError):
        grid[0, 0] = 7
    with pytest.raises(ValueError):
        grid.setflags(write=True)
    with pytest.raises(TypeError):
        res.section("dynamics").data["basin_share_full_cooperation"] = 1.0
    with pytest.raises(TypeError):
        res.section("game").data["classification"]["name"] = "other"  # nested dicts too
    mine = np.array([1.0, 2.0])
    s = Section(key="k", summary=Summary(title="t"), data={"x": mine, "nested": {"y": [mine]}})
    mine[0] = 99.0  # the caller's array is not the section's
    assert s.data["x"].tolist() == [1.0, 2.0] and s.data["nested"]["y"][0].tolist() == [1.0, 2.0]
    assert json.dumps(res.to_dict())  # still JSON-ready


@pytest.mark.parametrize("kwargs, arg", [({"key": ""}, "key"), ({"key": 3}, "key"), ({"summary": "t"}, "summary"),
                                         ({"data": [1]}, "data"), ({"elapsed": "1 s"}, "elapsed"),
                                         ({"figure": 3}, "figure"), ({"caption": None}, "caption")])
def test_section_checks_its_fields(kwargs, arg):
    base = {"key": "k", "summary": Summary(title="t")}
    with pytest.raises(InvalidParameterError, match=rf"^Section\(\): {arg} must be"):
        Section(**{**base, **kwargs})


@pytest.mark.parametrize("kwargs, arg", [({"sections": [3]}, "sections"), ({"sections": "abc"}, "sections"),
                                         ({"model": None}, "model"), ({"skipped": "x"}, "skipped"),
                                         ({"provenance": "p"}, "provenance")])
def test_model_analysis_object_checks_its_fields(kwargs, arg):
    base = {"sections": (), "model": "m", "title": "t", "kind": "tu"}
    with pytest.raises(InvalidParameterError, match=rf"^ModelAnalysis\(\): {arg} must be"):
        ModelAnalysis(**{**base, **kwargs})

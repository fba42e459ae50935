"""``coopgame solve/sweep --format text|json|csv``: CSV that pandas reads back with the analysis's own numbers."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest

from coopgame.cli import EXIT_OK, EXIT_USAGE, main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_solve_csv_round_trips_through_pandas(capsys):
    pd = pytest.importorskip("pandas")
    from coopgame.report import model_analysis

    code, out, _ = run(capsys, "solve", "default", "--format", "csv")
    assert code == EXIT_OK
    df = pd.read_csv(io.StringIO(out))
    assert list(df.columns) == ["section", "title", "part", "row", "column", "value", "text"]
    analysis = model_analysis("default")
    assert df["section"].drop_duplicates().tolist() == ["overview", *(s.key for s in analysis.sections),
                                                        "provenance"]
    # every number of every section's table, to the last bit (elapsed times are text cells: "0.001 s")
    for section in analysis.sections:
        mine = df[df.section == section.key]
        for part, row, column, value in section.summary.cells():
            got = mine[(mine.part == part) & (mine.row == row) & (mine.column == column)]
            assert len(got) == 1, (section.key, part, row, column)
            if isinstance(value, str):
                assert np.isnan(got["value"].iloc[0])
                if not value.endswith(" s"):  # a timing ("exact ..., 0.001 s") differs from run to run
                    assert got["text"].iloc[0] == value
            elif value is None or (isinstance(value, float) and np.isnan(value)):
                assert np.isnan(got["value"].iloc[0])
            else:
                assert got["value"].iloc[0] == value, (section.key, row, column)
    # and the solver's own numbers: the Shapley cost shares of the wastewater game (costs 230, 160, 350 ...)
    shapley = df[(df.section == "allocations") & (df.column == "Shapley cost share")]["value"].to_numpy()
    np.testing.assert_array_equal(shapley, analysis.section("allocations").data["shapley"]["cost_shares"])
    np.testing.assert_allclose(shapley, [631 / 3, 767 / 6, 1307 / 6], rtol=1e-15)


def test_json_is_an_alias_of_format_json(capsys):
    code, alias, _ = run(capsys, "sweep", "two_city_coop", "--grid", "reward=0:4:3", "--json", "--no-progress")
    assert code == EXIT_OK
    code, long, _ = run(capsys, "sweep", "two_city_coop", "--grid", "reward=0:4:3", "--format", "json",
                        "--no-progress")
    assert code == EXIT_OK
    a, b = json.loads(alias), json.loads(long)
    for d in (a, b):
        d.pop("elapsed", None)
        d.get("parameters", {}).pop("elapsed", None)
    assert a.keys() == b.keys() and a["schema_version"] == 1 and "coopgame_version" in a
    assert a["outputs"] == b["outputs"]


def test_sweep_csv_has_every_grid_point_at_full_precision(capsys):
    pd = pytest.importorskip("pandas")
    from coopgame import load_model, parameter_sweep

    code, out, _ = run(capsys, "sweep", "two_city_coop", "--grid", "reward=0:4:41", "--format", "csv",
                       "--no-progress")
    assert code == EXIT_OK
    df = pd.read_csv(io.StringIO(out))
    assert len(df) == 41  # all of them, not the first 40 of the text table
    np.testing.assert_array_equal(df["reward"].to_numpy(), np.linspace(0, 4, 41))
    res = parameter_sweep(load_model("two_city_coop"), {"reward": np.linspace(0, 4, 41)}, progress=False)
    np.testing.assert_array_equal(df["welfare_cc"].to_numpy(), res.outputs["welfare_cc"])
    assert set(df["regime"]) <= set(res.categories["regime"])


def test_text_is_the_default_and_an_unknown_format_is_a_usage_error(capsys):
    code, out, _ = run(capsys, "sweep", "two_city_coop", "--grid", "reward=0:4:3", "--no-progress")
    assert code == EXIT_OK and out.startswith("Parameter sweep\n")
    code, out, err = run(capsys, "solve", "default", "--format", "xml")
    assert code == EXIT_USAGE and out == "" and "invalid choice: 'xml'" in err

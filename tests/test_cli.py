"""The command line: each command, JSON output, exit codes, stdout/stderr separation.

Known answers come from the literature: the wastewater plant's Shapley cost
shares 210.33 / 127.83 / 217.83 (literature/03 §3.2, source S-C01) and the
MODELS.md BM1 worked check (reward 2, penalty 1.5: saddle at (0.75, 0.75);
(W, F) = (0, 0): defection dominant; (3, 3): cooperation dominant).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import coopgame
from coopgame.cli import EXIT_BROKEN_PIPE, EXIT_INVALID, EXIT_OK, EXIT_USAGE, main
from coopgame.policy.sweep import REGIME_NAMES

WASTEWATER_SHAPLEY_COSTS = [210.33, 127.83, 217.83]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_showcase_prints_the_default_model_to_stdout_only(capsys):
    code, out, err = run(capsys)
    assert code == EXIT_OK
    assert "wastewater" in out.lower()
    for share in ("210.3333", "127.8333", "217.8333"):
        assert share in out
    assert "wastewater_plant.coalition_costs" in out  # provenance of the numbers
    assert err == ""


def test_models_lists_the_catalogue(capsys):
    code, out, err = run(capsys, "models")
    assert code == EXIT_OK and err == ""
    assert "default" in out and "two_city_coop" in out


def test_models_json_is_valid(capsys):
    code, out, _ = run(capsys, "models", "--json")
    assert code == EXIT_OK
    entries = json.loads(out)
    by_slug = {e["slug"]: e for e in entries}
    assert by_slug["default"]["n_players"] == 3
    assert set(by_slug) == set(coopgame.list_models().slugs)


def test_solve_prints_answers_provenance_and_timing(capsys):
    code, out, err = run(capsys, "solve", "default")
    assert code == EXIT_OK
    assert "Shapley cost share" in out and "210.3333" in out
    assert "Where the numbers of model 'default' come from" in out
    assert "total time:" in out
    assert "solved default in" in err and "solved default in" not in out


def test_solve_json_is_valid_and_carries_the_known_answer(capsys):
    code, out, err = run(capsys, "solve", "default", "--json")
    assert code == EXIT_OK
    data = json.loads(out)  # stdout is pure JSON: diagnostics went to stderr
    shares = data["sections"]["allocations"]["data"]["shapley"]["cost_shares"]
    assert [round(x, 2) for x in shares] == WASTEWATER_SHAPLEY_COSTS
    assert data["provenance"]["rows"][0][0] == "costs"
    assert "solving default" in err


def test_solve_pairwise_model_reports_the_saddle_of_the_worked_check(capsys):
    code, out, _ = run(capsys, "solve", "two_city_coop", "--json")
    assert code == EXIT_OK
    points = json.loads(out)["sections"]["dynamics"]["data"]["rest_points"]
    saddles = [(p["x"], p["y"]) for p in points if p["type"] == "saddle" and 0 < p["x"] < 1]
    assert saddles == [pytest.approx((0.75, 0.75))]
    ess = sorted((p["x"], p["y"]) for p in points if p["type"] == "ESS")
    assert ess == [(0.0, 0.0), (1.0, 1.0)]


@pytest.mark.oracle
def test_solve_writes_report_and_plots(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    report = tmp_path / "r.html"
    plots = tmp_path / "figs"
    code, out, err = run(capsys, "solve", "two_city_coop", "--report", str(report), "--plots", str(plots))
    assert code == EXIT_OK
    page = report.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "data:image/png;base64," in page
    pngs = sorted(plots.glob("*.png"))
    assert [p.name for p in pngs] == ["two_city_coop-dynamics.png"]
    assert pngs[0].read_bytes()[:8] == PNG_SIGNATURE
    assert f"wrote report {report}" in err and "wrote" not in out


def test_sweep_is_vectorized_over_the_grid_and_matches_the_worked_check(capsys):
    code, out, err = run(capsys, "sweep", "two_city_coop", "--grid", "reward=0:3:4", "--grid", "penalty=0:3:4",
                         "--json")
    assert code == EXIT_OK
    data = json.loads(out)
    regime = data["outputs"]["regime"]
    assert data["shape"] == [4, 4] and len(regime) == 4 and len(regime[0]) == 4
    assert data["categories"]["regime"] == list(REGIME_NAMES)
    assert REGIME_NAMES[regime[0][0]] == "defection dominant"     # (W, F) = (0, 0)
    assert REGIME_NAMES[regime[3][3]] == "cooperation dominant"   # (W, F) = (3, 3)
    assert "sweep [" in err and "sweep [" not in out  # the progress bar is on stderr


def test_sweep_single_element_of_a_per_city_parameter(capsys):
    # Only city A's reward W_A moves. MODELS.md BM1: (C, C) is an ESS iff alpha*dR + W_i + F_i > C_i + E_i
    # for both cities; with dR = 6, alpha = 0.5, F = 1.5, C = 4, E = 2 that is W_A > 1.5 (W_B = 2 passes).
    code, out, err = run(capsys, "sweep", "two_city_coop", "--grid", "reward[0]=0:4:3", "--json", "--no-progress")
    assert code == EXIT_OK and err == ""
    data = json.loads(out)
    assert data["grid"]["reward[0]"] == [0.0, 2.0, 4.0]
    assert data["outputs"]["cooperation_ess"] == [False, True, True]


def test_validate_accepts_a_good_file(capsys, tmp_path):
    from coopgame.models.catalog import model_path

    good = tmp_path / "default.toml"
    good.write_text(model_path("default").read_text(encoding="utf-8"), encoding="utf-8")
    code, out, err = run(capsys, "validate", str(good))
    assert code == EXIT_OK and err == ""
    assert "valid model 'default'" in out


@pytest.mark.parametrize("edit, key", [
    (lambda t: t.replace('kind = "cost_game"', 'kind = "no_such_kind"'), "kind"),
    (lambda t: t.replace("value = [0, 230, 160, 350, 230, 460, 365, 556]", 'value = "lots"'), "costs"),
    (lambda t: t + "\n[parameters\n", "TOML"),
])
def test_malformed_model_file_exits_1_naming_file_and_key(capsys, tmp_path, edit, key):
    from coopgame.models.catalog import model_path

    bad = tmp_path / "default.toml"
    bad.write_text(edit(model_path("default").read_text(encoding="utf-8")), encoding="utf-8")
    for argv in (("validate", str(bad)), ("solve", str(bad))):
        code, out, err = run(capsys, *argv)
        assert code == EXIT_INVALID
        assert out == ""
        assert err.startswith("coopgame: error:") and str(bad) in err and key in err
        assert err.count("\n") == 1  # one clear line, no traceback


def test_unknown_model_exits_1_listing_the_built_in_models(capsys):
    code, out, err = run(capsys, "solve", "no_such_model")
    assert code == EXIT_INVALID and out == ""
    assert "no_such_model" in err and "default" in err


@pytest.mark.parametrize("argv", [
    ("bogus",),
    ("solve",),
    ("sweep", "two_city_coop"),
    ("sweep", "two_city_coop", "--grid", "reward=0:3"),
    ("sweep", "two_city_coop", "--grid", "reward=a:b:3"),
    ("solve", "default", "--no-such-flag"),
    ("validate",),
])
def test_usage_errors_exit_2(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == EXIT_USAGE
    assert out == "" and "usage:" in err


def test_help_exits_0(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == EXIT_OK and "exit codes" in out


def test_console_entry_point_separates_stdout_and_stderr(tmp_path):
    root = Path(coopgame.__file__).resolve().parent.parent
    env = dict(os.environ, PYTHONPATH=str(root) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-m", "coopgame", "solve", "default", "--json"], cwd=tmp_path,
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == EXIT_OK
    assert json.loads(proc.stdout)["model"] == "default"
    assert "solved default in" in proc.stderr
    bad = subprocess.run([sys.executable, "-m", "coopgame", "solve"], cwd=tmp_path, capture_output=True,
                         text=True, env=env, timeout=120)
    assert bad.returncode == EXIT_USAGE and bad.stdout == ""


@pytest.mark.parametrize("argv", [["models"], ["solve", "default", "--json"]])
def test_closed_stdout_exits_141_quietly(argv, tmp_path):
    # `coopgame ... | head`, made deterministic: the reading end of the pipe is closed before the child writes.
    root = Path(coopgame.__file__).resolve().parent.parent
    env = dict(os.environ, PYTHONPATH=str(root) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run([sys.executable, "-m", "coopgame", *argv], cwd=tmp_path, stdout=write_end,
                              stderr=subprocess.PIPE, text=True, env=env, timeout=120)
    finally:
        os.close(write_end)
    assert proc.returncode == EXIT_BROKEN_PIPE == 141
    assert "Traceback" not in proc.stderr and "Broken pipe" not in proc.stderr
    assert "Exception ignored" not in proc.stderr


# ---------------------------------------------------------------------------------------------- hostile input (issue 12)
NONZERO_EMPTY_COST = ('value = [0, 230, 160, 350, 230, 460, 365, 556]\nsource = "wastewater_plant.coalition_costs"',
                      'value = [5, 230, 160, 350, 230, 460, 365, 556]\n'
                      'modeling_choice = "a non-zero cost of the empty coalition, for a test"')


@pytest.mark.parametrize("old, new", [
    NONZERO_EMPTY_COST,  # passes the schema, refused when the game is built
    ("value = [5, 3, 5]", "value = [5, 3, 1.7e308]"),  # beyond MAX_MAGNITUDE
])
def test_solve_sweep_and_concepts_refuse_what_validate_refuses_with_the_same_message(capsys, tmp_path, old, new):
    from tests.models.variants import variant_file

    path = variant_file(tmp_path, "default", old, new)
    code, out, err = run(capsys, "validate", str(path))
    assert code == EXIT_INVALID and out == ""
    assert err.startswith("coopgame: error: load_model(): ") and str(path) in err and err.count("\n") == 1
    for argv in (["solve", str(path)], ["concepts", str(path)]):
        assert run(capsys, *argv) == (EXIT_INVALID, "", err)


def test_a_repeated_grid_parameter_is_a_usage_error(capsys):
    code, out, err = run(capsys, "sweep", "two_city_coop", "--grid", "reward=0:1:3", "--grid", "reward=0:2:3")
    assert code == EXIT_USAGE and out == ""
    assert "argument --grid: parameter 'reward' is given twice" in err


@pytest.mark.parametrize("grids, what", [
    (["reward=0:1:10000000000000"], "an array of 10000000000000 values"),
    (["reward=0:1:100000", "penalty=0:1:100000"], "a grid of 10000000000 points"),
])
def test_a_grid_too_large_for_memory_is_refused_before_linspace(capsys, monkeypatch, grids, what):
    import numpy as np

    calls = []
    real = np.linspace
    monkeypatch.setattr(np, "linspace", lambda *a, **k: calls.append(a[2]) or real(*a, **k))
    argv = ["sweep", "two_city_coop"] + [x for g in grids for x in ("--grid", g)]
    code, out, err = run(capsys, *argv)
    assert code == EXIT_INVALID and out == ""
    assert err.startswith("coopgame: error: ") and what in err and err.count("\n") == 1
    assert all(n <= 100_000 for n in calls)  # the huge axis was never built


def test_numpy_warnings_on_the_way_to_an_error_are_dropped(capsys, monkeypatch):
    import warnings

    import coopgame.cli as cli
    from coopgame.errors import InvalidGameError

    def failing(args):
        warnings.warn("overflow encountered in multiply", RuntimeWarning)
        raise InvalidGameError("solve(): a typed error")

    monkeypatch.setattr(cli, "_solve", failing)
    code, out, err = run(capsys, "solve", "default")
    assert (code, out, err) == (EXIT_INVALID, "", "coopgame: error: solve(): a typed error\n")

    def succeeding(args):
        warnings.warn("overflow encountered in multiply", RuntimeWarning)
        print("answer")

    monkeypatch.setattr(cli, "_solve", succeeding)
    code, out, err = run(capsys, "solve", "default")
    assert code == EXIT_OK and out == "answer\n"
    assert err.startswith("coopgame: warning: RuntimeWarning: overflow encountered in multiply")


def test_an_unexpected_exception_is_one_line_with_its_own_exit_code(capsys, monkeypatch):
    import coopgame.cli as cli
    from coopgame.cli import EXIT_INTERNAL

    def broken(args):
        raise ValueError("cannot convert float NaN to integer")

    monkeypatch.setattr(cli, "_solve", broken)
    monkeypatch.delenv("COOPGAME_TRACEBACK", raising=False)
    code, out, err = run(capsys, "solve", "default")
    assert code == EXIT_INTERNAL and out == "" and err.count("\n") == 1
    assert "coopgame: error: internal error" in err and "ValueError: cannot convert float NaN" in err
    monkeypatch.setenv("COOPGAME_TRACEBACK", "1")
    with pytest.raises(ValueError):
        main(["solve", "default"])


@pytest.mark.parametrize("argv", [["solve", "chengdu_chongqing"], ["solve", "two_city_coop", "--json"],
                                  ["validate", "no/such/f\u00efle.toml"]])
def test_an_ascii_terminal_gets_escapes_not_a_unicode_error(tmp_path, argv):
    root = Path(coopgame.__file__).resolve().parent.parent
    env = dict(os.environ, PYTHONPATH=str(root) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               PYTHONIOENCODING="ascii")
    proc = subprocess.run([sys.executable, "-m", "coopgame", *argv], cwd=tmp_path, capture_output=True,
                          env=env, timeout=120)
    assert "Traceback" not in proc.stderr.decode("ascii")
    proc.stdout.decode("ascii")  # pure ASCII
    if argv[0] == "validate":
        assert proc.returncode == EXIT_INVALID and b"f\\xefle.toml: file not found" in proc.stderr
    else:
        assert proc.returncode == EXIT_OK
    if "--json" in argv:
        assert json.loads(proc.stdout)["model"] == "two_city_coop"
    elif argv[0] == "solve":
        assert b"\\u" in proc.stdout  # the model's text has non-ASCII characters, escaped

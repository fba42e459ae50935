"""Hostile command lines: every error is one line on standard error, with a non-zero exit, never a traceback.

Usage errors (argparse) exit 2 with the usage line and one ``coopgame COMMAND:
error:`` line; invalid input exits 1 with one ``coopgame: error:`` line. Most
cases run in-process through ``coopgame.cli.main``; the encoding cases need a
subprocess (``PYTHONIOENCODING`` is read at interpreter start).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import coopgame
from coopgame.cli import EXIT_INVALID, EXIT_OK, EXIT_USAGE, main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_clean_error(code: int, out: str, err: str, *, usage: bool | None = None) -> str:
    assert code in (EXIT_INVALID, EXIT_USAGE), (code, err)
    if usage is not None:
        assert code == (EXIT_USAGE if usage else EXIT_INVALID), (code, err)
    assert "Traceback" not in err and "Warning" not in err, err
    errors = [line for line in err.splitlines() if "error:" in line]
    assert len(errors) == 1, err
    if code == EXIT_INVALID:
        assert err == errors[0] + "\n" and errors[0].startswith("coopgame: error: "), err
        assert "internal error" not in err, err
    else:
        assert err.startswith("usage: coopgame"), err
    assert out == ""
    return errors[0]


# ------------------------------------------------------------------------------------------------ --grid
@pytest.mark.parametrize("grids, fragment", [
    (["reward=0:1:3", "reward=0:2:3"], "parameter 'reward' is given twice"),
    (["reward=0:1:3", "penalty=0:1:3", "reward=1:2:2"], "parameter 'reward' is given twice"),
    (["reward=0:1"], "NAME=START:STOP:NUM"),
    (["reward"], "NAME=START:STOP:NUM"),
    (["=0:1:3"], "NAME=START:STOP:NUM"),
    (["reward=0:1:0"], "NUM must be >= 1"),
    (["reward=0:1:-5"], "NUM must be >= 1"),
    (["reward=0:1:2.5"], "NUM an integer"),
    (["reward=nan:1:3"], "finite"),
    (["reward=0:inf:3"], "finite"),
    (["reward=a:b:c"], "must be numbers"),
    (["reward=0:1:" + "9" * 5000], "NUM an integer"),
    (["reward=0:1:3:4"], "NAME=START:STOP:NUM"),
])
def test_malformed_or_repeated_grids_are_usage_errors(capsys, grids, fragment):
    argv = ["sweep", "two_city_coop", "--no-progress"] + [x for g in grids for x in ("--grid", g)]
    line = assert_one_clean_error(*run(capsys, *argv), usage=True)
    assert fragment in line, line


@pytest.mark.parametrize("grids, fragment", [
    (["reward=0:1:10000000000000"], "an array of 10000000000000 values"),
    (["reward=0:1:" + "9" * 200], "(about 10**199 values) needs about 2**"),
    (["reward=0:1:100000", "penalty=0:1:100000"], "a grid of 10000000000 points"),
    (["reward=0:1:3000", "penalty=0:1:3000", "alpha=0:1:3000"], "a grid of 27000000000 points"),
])
def test_grids_beyond_memory_are_refused_before_allocation(capsys, grids, fragment):
    argv = ["sweep", "two_city_coop", "--no-progress"] + [x for g in grids for x in ("--grid", g)]
    line = assert_one_clean_error(*run(capsys, *argv), usage=False)
    assert fragment in line and "GameTooLarge" not in line, line


def test_unknown_parameter_scenario_and_issue_in_a_sweep(capsys):
    for argv in (["sweep", "two_city_coop", "--grid", "rewrd=0:1:3"],
                 ["sweep", "two_city_coop", "--grid", "reward=0:1:3", "--scenario", "nope"],
                 ["sweep", "two_city_coop", "--grid", "reward=-5:1:3"],
                 ["sweep", "bth13", "--grid", "reward=0:1:3", "--issue", "99"],
                 ["sweep", "no_such_model", "--grid", "reward=0:1:3"]):
        assert_one_clean_error(*run(capsys, *argv, "--no-progress"), usage=False)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet="reward=:0123456789.-+eEnaif x_,", max_size=30))
def test_any_grid_text_is_a_result_or_one_clean_error(capsys, text):
    parts = text.partition("=")[2].split(":")
    if len(parts) == 3 and len(parts[2].strip().lstrip("+-").lstrip("0")) > 4:
        return  # a valid grid of more than 10**4 values is a long (correct) sweep, not a hostile input
    code, out, err = run(capsys, "sweep", "two_city_coop", "--no-progress", "--grid", text)
    if code == EXIT_OK:
        assert out and "Traceback" not in err
    else:
        assert_one_clean_error(code, out, err)


# ------------------------------------------------------------------------------------------------ other flags
@pytest.mark.parametrize("argv", [
    ["solve", "default", "--format", "yaml"],
    ["solve"],
    ["solve", "default", "extra"],
    ["sweep", "two_city_coop"],
    ["validate"],
    ["bogus"],
    ["--jsn"],
    ["models", "--json=yes"],
    ["concepts", "default", "--scenario"],
])
def test_bad_flags_are_usage_errors(capsys, argv):
    assert_one_clean_error(*run(capsys, *argv), usage=True)


@pytest.mark.parametrize("argv", [
    ["solve", "default", "--scenario", "no_such_scenario"],
    ["solve", "x" * 5000],
    ["solve", "x" * 5000 + ".toml"],
    ["solve", "defualt"],
    ["solve", "/dev/null"],
    ["solve", "."],
    ["validate", "/dev/zero"],
    ["validate", "no/such/file.toml"],
    ["concepts", "--scenario", "x"],
    ["concepts", "no_such_model"],
])
def test_bad_models_and_scenarios_are_one_clean_error(capsys, argv):
    if "/dev/zero" in argv and not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    assert_one_clean_error(*run(capsys, *argv), usage=False)


def test_unwritable_report_and_plot_paths_are_one_clean_error(capsys, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    for argv in (["solve", "default", "--report", str(blocker / "r.html")],
                 ["solve", "default", "--report", str(tmp_path)],
                 ["solve", "default", "--plots", str(blocker)]):
        code, out, err = run(capsys, *argv)
        assert code == EXIT_INVALID and "Traceback" not in err
        errors = [line for line in err.splitlines() if "error:" in line]
        assert len(errors) == 1 and errors[0].startswith("coopgame: error: "), err


# ------------------------------------------------------------------------------------------------ encodings
def _cli(*argv: str, cwd: Path, encoding: str) -> subprocess.CompletedProcess[bytes]:
    root = Path(coopgame.__file__).resolve().parent.parent
    env = dict(os.environ, PYTHONPATH=str(root) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               PYTHONIOENCODING=encoding, PYTHONWARNINGS="default")
    return subprocess.run([sys.executable, "-m", "coopgame", *argv], cwd=cwd, capture_output=True, env=env,
                          timeout=25)


@pytest.mark.parametrize("encoding, argv", [
    ("ascii", ["solve", "chengdu_chongqing"]),
    ("ascii", ["solve", "xinanjiang_bet", "--json"]),
    ("ascii", ["concepts", "bth13"]),
    ("ascii", ["sweep", "two_city_coop", "--grid", "reward=0:4:5", "--no-progress"]),
    ("ascii", []),
    ("latin-1", ["solve", "guangzhou_siphon"]),
])
def test_every_command_survives_a_narrow_terminal_encoding(tmp_path, encoding, argv):
    proc = _cli(*argv, cwd=tmp_path, encoding=encoding)
    stderr = proc.stderr.decode(encoding)
    assert proc.returncode == EXIT_OK, (argv, stderr)
    assert "Traceback" not in stderr and "UnicodeEncodeError" not in stderr
    proc.stdout.decode(encoding)  # nothing outside the encoding was written


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_an_error_naming_a_non_ascii_file_survives_a_narrow_encoding(tmp_path, encoding):
    bad = _cli("validate", "m\u00f6d\u00e8l-\u2603.toml", cwd=tmp_path, encoding=encoding)
    stderr = bad.stderr.decode(encoding)
    assert bad.returncode == EXIT_INVALID and stderr.count("\n") == 1 and "file not found" in stderr
    assert "\\u2603" in stderr  # the snowman, escaped

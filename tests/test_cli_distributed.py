"""``coopgame sweep --workers N | --scheduler ADDRESS | --scheduler-file FILE`` (issue 16).

The grid's blocks run in a local process pool or on a Dask cluster; the
printed result must be the one of a plain ``coopgame sweep`` (JSON writes
every float with ``repr``, so equal text means equal bits), and the progress
bar on standard error must reach the number of grid points. Independent
check: the MODELS.md BM1 corners of ``two_city_coop`` ((W, F) = (0, 0):
defection dominant; (4, 4): cooperation dominant, as in tests/test_cli.py).
"""

from __future__ import annotations

import importlib.util
import json

import pytest

from coopgame.cli import EXIT_INVALID, EXIT_OK, EXIT_USAGE, main
from coopgame.policy.sweep import REGIME_NAMES

HAS_DISTRIBUTED = importlib.util.find_spec("distributed") is not None
needs_distributed = pytest.mark.skipif(not HAS_DISTRIBUTED, reason="dask.distributed is not installed "
                                       "(pip install 'coopgame[distributed]')")

# 30 x 40 = 1,200 points in blocks of 500 (lowered from 2**17 below, in this process, which makes the plan): 3 tasks
GRID = ["--grid", "reward=0:4:30", "--grid", "penalty=0:4:40"]
POINTS = "1200/1200"


@pytest.fixture(scope="module", autouse=True)
def small_blocks():
    from coopgame.policy import sweep

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sweep, "_BATCH_CHUNK", 500)
        yield


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _answer(out):
    data = json.loads(out)
    data.pop("elapsed")
    return data


@pytest.fixture(scope="module")
def reference():
    """The plain sweep's JSON (no executor), computed once."""
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["sweep", "two_city_coop", *GRID, "--json", "--no-progress"]) == EXIT_OK
    data = _answer(out.getvalue())
    regime = data["outputs"]["regime"]
    assert REGIME_NAMES[regime[0][0]] == "defection dominant"
    assert REGIME_NAMES[regime[-1][-1]] == "cooperation dominant"
    return data


@pytest.fixture(scope="module")
def scheduler_file(tmp_path_factory):
    return tmp_path_factory.mktemp("dask") / "scheduler.json"


@pytest.fixture(scope="module")
def cluster(scheduler_file):
    """A 2-worker LocalCluster whose scheduler writes ``scheduler_file`` (as ``dask scheduler --scheduler-file``)."""
    if not HAS_DISTRIBUTED:
        pytest.skip("dask.distributed is not installed (pip install 'coopgame[distributed]')")
    import logging

    from coopgame.distributed import connect

    client = connect(n_workers=2, threads_per_worker=1, dashboard_address=":0", silence_logs=logging.ERROR,
                     scheduler_kwargs={"scheduler_file": str(scheduler_file)})
    try:
        yield client
    finally:
        client.close()


def test_workers_gives_the_single_process_answer_with_a_progress_bar(capsys, reference):
    code, out, err = run(capsys, "sweep", "two_city_coop", *GRID, "--json", "--workers", "2")
    assert code == EXIT_OK
    assert _answer(out) == reference
    bars = [line for line in err.splitlines() if line.startswith("sweep [")]
    assert bars and POINTS in bars[-1]


@needs_distributed
def test_scheduler_address_gives_the_single_process_answer(capsys, reference, cluster):
    code, out, err = run(capsys, "sweep", "two_city_coop", *GRID, "--json", "--scheduler", cluster.scheduler.address)
    assert code == EXIT_OK, err
    assert _answer(out) == reference
    assert "connected to the Dask scheduler" in err and "(2 workers)" in err
    assert POINTS in [line for line in err.splitlines() if line.startswith("sweep [")][-1]
    assert cluster.status == "running"  # the command closed its own client only


@needs_distributed
def test_scheduler_file_gives_the_single_process_answer(capsys, reference, cluster, scheduler_file):
    assert json.loads(scheduler_file.read_text())["address"] == cluster.scheduler.address
    code, out, err = run(capsys, "sweep", "two_city_coop", *GRID, "--json", "--scheduler-file", str(scheduler_file))
    assert code == EXIT_OK, err
    assert _answer(out) == reference
    assert f"scheduler file {scheduler_file}" in err


def test_text_output_with_workers(capsys):
    code, out, _ = run(capsys, "sweep", "two_city_coop", "--grid", "reward=0:4:3", "--workers", "1", "--no-progress")
    assert code == EXIT_OK
    assert "Parameter sweep" in out and "defection dominant" in out


@pytest.mark.parametrize("argv", [
    ["--workers", "2", "--scheduler", "tcp://127.0.0.1:8786"],
    ["--scheduler", "tcp://127.0.0.1:8786", "--scheduler-file", "s.json"],
    ["--workers", "0"],
    ["--workers", "two"],
])
def test_usage_errors(capsys, argv):
    code, out, err = run(capsys, "sweep", "two_city_coop", "--grid", "reward=0:4:3", *argv)
    assert code == EXIT_USAGE and out == ""
    assert "not allowed with argument" in err or "positive integer" in err


def test_a_missing_scheduler_file_is_an_error_naming_it(capsys, tmp_path):
    missing = tmp_path / "nowhere.json"
    code, out, err = run(capsys, "sweep", "two_city_coop", "--grid", "reward=0:4:3", "--scheduler-file", str(missing))
    assert code == EXIT_INVALID and out == ""
    assert err.startswith("coopgame: error:") and str(missing) in err


@needs_distributed
def test_an_unreachable_scheduler_is_one_line_error(capsys):
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        code, out, err = run(capsys, "sweep", "two_city_coop", "--grid", "reward=0:4:3",
                             "--scheduler", "tcp://127.0.0.1:9")
    assert code == EXIT_INVALID and out == ""
    assert err.startswith("coopgame: error: sweep: cannot connect to the Dask scheduler tcp://127.0.0.1:9")
    assert len(err.strip().splitlines()) == 1

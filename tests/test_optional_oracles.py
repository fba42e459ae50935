"""Without the optional packages every test module still collects its tests, and only the oracle tests skip.

A test module that imports pygambit, matplotlib, numba or pandas at its top (or calls
``pytest.importorskip`` there) vanishes whole on a machine without it. The oracle tests
therefore live in their own modules (listed below), marked ``requires(...)``
(:mod:`tests.oracles`); this test runs pytest in a subprocess where those imports fail, as
on such a machine, and checks that every module collects and that the oracle modules'
tests are skipped with their reason rather than failing.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HIDDEN = ("pygambit", "matplotlib", "numba", "pandas", "threadpoolctl")
ORACLE_MODULES = {
    "tests/equilibrium/test_nash_gambit.py",
    "tests/equilibrium/test_pure_gambit.py",
    "tests/report/test_report_figures.py",
    "tests/report/test_report_browser.py",
}


# Records every collected test (before ``-m oracle`` deselects the others) to the file named by $COLLECTED.
_RECORDER = """import os

def pytest_itemcollected(item):
    with open(os.environ["COLLECTED"], "a", encoding="utf-8") as f:
        f.write(item.nodeid + "\\n")
"""


@pytest.mark.slow  # 5-10 s: collects the whole test tree in a subprocess
def test_only_the_oracle_modules_need_the_optional_packages(tmp_path):
    for name in HIDDEN:
        (tmp_path / f"{name}.py").write_text(
            f"raise ModuleNotFoundError('{name} hidden by tests/test_optional_oracles.py', name='{name}')\n")
    (tmp_path / "_collected_recorder.py").write_text(_RECORDER)
    collected_file = tmp_path / "collected.txt"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]),
               OPENBLAS_NUM_THREADS="1", COLLECTED=str(collected_file))
    # One run: collect the whole tree (every module must import), then run only the oracle tests.
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "-p", "no:xdist",
                          "-p", "_collected_recorder", "-o", "addopts=", "-m", "oracle", "tests"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    collected = {line.split("::")[0] for line in collected_file.read_text(encoding="utf-8").splitlines()}
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "tests").rglob("test_*.py")}
    missing = sorted(modules - collected)
    assert not missing, f"these test modules collect nothing without {', '.join(HIDDEN)}: {missing}"

    summary = run.stdout.strip().splitlines()[-1]
    assert "skipped" in summary and "passed" not in summary and "failed" not in summary, summary
    assert "is not installed (an optional test oracle)" in run.stdout  # the shim really hid the oracles
    skipped = {line.split()[2].split(":")[0] for line in run.stdout.splitlines() if line.startswith("SKIPPED [")}
    assert ORACLE_MODULES <= skipped, sorted(ORACLE_MODULES - skipped)

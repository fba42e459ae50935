"""Shared test configuration: deterministic hypothesis profiles (``ci`` under CI, ``dev`` otherwise).

Layout: ``tests/`` mirrors the package (``tests/equilibrium`` tests ``coopgame/equilibrium`` ...);
the root holds only tests of root modules and of the package as a whole (CLI, public API, results,
pickling, README and docs, architecture, optional oracles).
Hypothesis strategies for TU, pairwise and n-city games are shared in ``tests/strategies.py``.

Markers (declared in pyproject.toml):

- ``slow``: the test takes over about 2 s on the project's 2-core machine. The default
  command (``python -m pytest``, the README's and CI's) runs them; deselect them for a
  quick local loop with ``python -m pytest -m "not slow"``.
- ``oracle``: the test needs an optional oracle (pygambit, matplotlib, headless Chromium).
  Such tests live in their own modules (``*_gambit.py``, ``tests/report/test_report_figures.py``,
  ``tests/report/test_report_browser.py``), marked ``requires(...)`` from ``tests/oracles.py``:
  where the oracle is missing their tests are skipped with the reason, and every other test
  still runs; ``-m "not oracle"`` deselects them. ``tests/test_optional_oracles.py`` checks
  that without pygambit, matplotlib, numba and pandas every module still collects and only
  the oracle tests skip. pygambit's answers on the same fixed cases are recorded in
  ``tests/oracle_records`` (``python -m tests.oracle_records.regenerate``) and checked on every
  run by ``tests/equilibrium/test_gambit_records.py``, without pygambit; the live modules also
  check that the records still agree with the oracle (``.ci/run`` installs the ``oracles`` extra).
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("ci", derandomize=True, deadline=None, max_examples=60,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None, max_examples=40)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))

"""Benchmark configuration: one BLAS thread, fixed seeds, a quick mode for CI.

BLAS threads are pinned *before* numpy is imported by any benchmark module:
on a shared 2-core machine threaded BLAS made single calls 5-8x slower and noisy.
Set ``COOPGAME_BENCH_QUICK=1`` to run only the small sizes (CI does).
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

from threadpoolctl import threadpool_limits  # noqa: E402

threadpool_limits(1)

QUICK = os.environ.get("COOPGAME_BENCH_QUICK", "") not in ("", "0")


def sizes(full, quick):
    """The sizes to run: ``quick`` under COOPGAME_BENCH_QUICK, else ``full``."""
    return quick if QUICK else full

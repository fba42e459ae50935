"""Local Dask clusters for the scale-out tests (module scope, closed cleanly), skipped without ``distributed``.

``cluster_client``: 2 worker processes, 1 thread each; ``one_worker_client``: 1 worker process. Both are
started through :func:`coopgame.distributed.connect` (which also sets the workers' glibc malloc variables).
"""

from __future__ import annotations

import importlib.util
import logging

import pytest

HAS_DISTRIBUTED = importlib.util.find_spec("distributed") is not None
SKIP_REASON = "dask.distributed is not installed (pip install 'coopgame[distributed]')"


def _client(n_workers: int):
    from coopgame.distributed import connect

    logging.getLogger("distributed").setLevel(logging.ERROR)
    return connect(n_workers=n_workers, threads_per_worker=1, dashboard_address=":0", silence_logs=logging.ERROR)


@pytest.fixture(scope="module")
def cluster_client():
    """A ``distributed.Client`` on ``LocalCluster(n_workers=2, threads_per_worker=1, processes=True)``."""
    if not HAS_DISTRIBUTED:
        pytest.skip(SKIP_REASON)
    client = _client(2)
    try:
        yield client
    finally:
        client.close()


@pytest.fixture(scope="module")
def one_worker_client():
    """A ``distributed.Client`` on a one-worker ``LocalCluster``."""
    if not HAS_DISTRIBUTED:
        pytest.skip(SKIP_REASON)
    client = _client(1)
    try:
        yield client
    finally:
        client.close()

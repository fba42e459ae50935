"""The executor plumbing: what executor= accepts, task order, shipping checks, the block plan, the seeds."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from coopgame import ValueFunctionGame, banzhaf_value, shapley_value
from coopgame._executor import block_plan, resolve_executor, spawn_seeds
from coopgame.errors import InvalidParameterError, NotShippableError


def _slow_square(x):
    time.sleep(0.05 * (x % 3 == 0))   # the first tasks finish last
    return x * x


@pytest.mark.parametrize("bad", ["cluster", 0, -2, True, 1.5, object(), [2]])
def test_bad_executor_is_a_typed_error_naming_what_is_accepted(bad):
    game = ValueFunctionGame(lambda m: m * 1.0, n_players=3)
    for concept in (shapley_value, banzhaf_value):
        with pytest.raises(InvalidParameterError, match=r"executor must be None .*int.*concurrent\.futures.*Client"):
            concept(game, executor=bad)


def test_results_come_back_in_task_order_with_progress():
    ticks = []
    with resolve_executor(2, func="t") as runner:
        assert runner.kind == "processes" and not runner.in_process
        assert runner.map(_slow_square, range(7), progress=ticks.append) == [x * x for x in range(7)]
    assert ticks == [1] * 7


def test_threads_and_serial_need_no_pickling():
    square = lambda x: x * x  # noqa: E731 - a lambda on purpose: threads share memory
    with ThreadPoolExecutor(2) as pool:
        assert resolve_executor(pool, func="t").map(square, [1, 2, 3]) == [1, 4, 9]
    assert resolve_executor(None, func="t").map(square, [3]) == [9]


def test_unshippable_game_names_the_remedy():
    game = ValueFunctionGame(lambda m: (m > 0) * 1.0, n_players=6)
    with pytest.raises(NotShippableError, match="module level.*executor=None"):
        shapley_value(game, method="exact", executor=2)
    with pytest.raises(InvalidParameterError):   # NotShippableError is one
        banzhaf_value(game, method="sampling", executor=2)
    assert shapley_value(game, method="exact").allocation.sum() == pytest.approx(1.0)


class _Locked:
    """A picklable-looking function object that holds a lock (cloudpickle refuses it too)."""

    def __init__(self):
        self.lock = threading.Lock()

    def __call__(self, masks):
        return (masks > 0) * 1.0


def test_unshippable_on_dask_is_typed(cluster_client):
    game = ValueFunctionGame(_Locked(), n_players=5)
    with pytest.raises(NotShippableError, match="executor=None"):
        shapley_value(game, method="exact", executor=cluster_client)


def test_workers_start_with_glibc_settings_that_reuse_block_memory(cluster_client):
    from coopgame.distributed import WORKER_MALLOC, worker_malloc_settings

    wanted = {name: str(value) for name, value in WORKER_MALLOC.items()}
    assert all(found == wanted for found in cluster_client.run(worker_malloc_settings).values())


def test_a_cluster_with_the_nanny_default_gets_a_warning():
    from coopgame.distributed import _slow

    assert _slow({"MALLOC_TRIM_THRESHOLD_": "65536", "MALLOC_MMAP_THRESHOLD_": None})   # Dask's default
    assert not _slow({"MALLOC_TRIM_THRESHOLD_": None, "MALLOC_MMAP_THRESHOLD_": None})  # glibc's dynamic default
    assert not _slow({"MALLOC_TRIM_THRESHOLD_": str(2**30), "MALLOC_MMAP_THRESHOLD_": str(2**25)})


def test_connect_refuses_two_targets_and_names_the_extra_without_dask(monkeypatch):
    from coopgame.distributed import connect

    with pytest.raises(InvalidParameterError, match="one of address, scheduler_file or n_workers"):
        connect("tcp://127.0.0.1:1", n_workers=2)
    with pytest.raises(InvalidParameterError, match="n_workers"):
        connect(n_workers=0)
    with pytest.raises(InvalidParameterError, match="worker_malloc"):
        connect(n_workers=1, worker_malloc={"MALLOC_TRIM_THRESHOLD_": -1})
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ImportError, match=r"coopgame\[distributed\]"):
        connect(n_workers=1)


def test_dask_is_never_imported_unless_asked():
    code = ("import sys, numpy as np, coopgame as cg\n"
            "from tests.distributed._games import weighted_game\n"
            "g = weighted_game(8)\n"
            "cg.shapley_value(g, method='exact'); cg.banzhaf_value(g, method='sampling', executor=1)\n"
            "import coopgame.distributed\n"
            "assert not any(m.split('.')[0] in ('dask', 'distributed') for m in sys.modules), 'dask imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_block_plan_depends_on_the_problem_only():
    assert block_plan(10, 4) == [(0, 4), (4, 8), (8, 10)]
    assert block_plan(8, 4) == [(0, 4), (4, 8)]
    assert block_plan(3, 10) == [(0, 3)]
    for bad_total, bad_block in ((-1, 2), (3, 0), (2.5, 1), (3, True)):
        with pytest.raises(InvalidParameterError):
            block_plan(bad_total, bad_block)


def test_spawn_seeds_are_reproducible_and_independent():
    root = np.random.SeedSequence(99)
    a, b = spawn_seeds(root, 3), spawn_seeds(root, 3)
    assert root.n_children_spawned == 0   # the caller's SeedSequence is left alone
    draws = [np.random.default_rng(s).random(4) for s in a]
    assert all(np.array_equal(x, np.random.default_rng(s).random(4)) for x, s in zip(draws, b))
    assert not np.array_equal(draws[0], draws[1])
    assert [s.spawn_key for s in spawn_seeds(None, 2)] == [(0,), (1,)]
    with pytest.raises(InvalidParameterError):
        spawn_seeds("seed", 2)
    with pytest.raises(InvalidParameterError):
        spawn_seeds(1, -1)

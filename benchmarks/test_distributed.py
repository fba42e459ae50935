"""Scale-out benchmarks: Dask's per-task overhead, the break-even block size, and streamed exact Shapley.

Read the issue-16 targets off one run (``pytest benchmarks/test_distributed.py -k n28 -s``): within group
``streamed-n28``, ``test_streamed_exact_shapley`` against ``test_evaluate_all_coalitions`` (the game's
function once over all 2**28 coalitions, in the same chunks of 2**20: target at most 1.2x), and the peak
memory each prints (tracemalloc, a separate untimed run: target under 256 MiB). The dense path runs beside
them where it fits in memory. Under ``COOPGAME_BENCH_QUICK=1`` only n = 16 and a short cluster run.
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np
import pytest

from benchmarks.conftest import QUICK, sizes
from coopgame import ValueFunctionGame, shapley_value
from coopgame._memory import available_memory_bytes
from coopgame.cooperative import _streaming as streaming
from coopgame.cooperative._dense_sums import shapley_size_weights

STREAM_SIZES = sizes([24, 26, 28], [16])


class Weighted:
    """``v(S) = (Σ_{i∈S} w_i)^2``, one vectorised pass per player over the masks (picklable)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.w = np.random.default_rng(n).random(n)

    def __call__(self, masks: np.ndarray) -> np.ndarray:
        total = np.zeros(masks.shape)
        member = np.empty(masks.shape)
        for i in range(self.n):
            np.bitwise_and(np.right_shift(masks, i), 1, out=member, casting="unsafe")
            total += member * self.w[i]
        return total * total


def _evaluate_all(game: ValueFunctionGame) -> float:
    """The baseline: the game's function (with its checks) once over every coalition, chunk by chunk."""
    n = game.n_players
    b = min(n, streaming.CHUNK_BITS)
    checksum = 0.0
    for h in range(2 ** (n - b)):
        checksum += float(game.value_of_masks(np.arange(h << b, (h + 1) << b, dtype=np.int64))[-1])
    return checksum


def _peak_mib(fn, *args, **kwargs) -> float:
    tracemalloc.start()
    try:
        fn(*args, **kwargs)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def _expected(n: int) -> np.ndarray:
    # v = (Σ w)^2 = Σ_i w_i^2 [i∈S] + Σ_{i≠j} w_i w_j [i,j∈S]: φ_i = w_i^2 + w_i Σ_{j≠i} w_j (each pair splits evenly)
    w = np.random.default_rng(n).random(n)
    return w * w + w * (w.sum() - w)


@pytest.mark.parametrize("n", STREAM_SIZES)
def test_evaluate_all_coalitions(benchmark, n):
    game = ValueFunctionGame(Weighted(n), n_players=n)
    benchmark.group = f"streamed-n{n:02d}"
    benchmark.pedantic(_evaluate_all, args=(game,), rounds=1 if n >= 26 else 3, iterations=1)
    peak = _peak_mib(_evaluate_all, game)
    benchmark.extra_info["peak_MiB"] = round(peak, 1)
    print(f"\nevaluate all coalitions n={n}: peak {peak:.1f} MiB")


@pytest.mark.parametrize("n", STREAM_SIZES)
def test_streamed_exact_shapley(benchmark, n):
    game = ValueFunctionGame(Weighted(n), n_players=n)
    benchmark.group = f"streamed-n{n:02d}"
    result = benchmark.pedantic(shapley_value, args=(game,), kwargs={"method": "exact"},
                                rounds=1 if n >= 26 else 3, iterations=1)
    np.testing.assert_allclose(result.allocation, _expected(n), rtol=1e-10)
    peak = _peak_mib(shapley_value, game, method="exact")
    benchmark.extra_info["peak_MiB"] = round(peak, 1)
    print(f"\nstreamed exact Shapley n={n}: peak {peak:.1f} MiB")
    assert peak < 256


@pytest.mark.parametrize("n", STREAM_SIZES)
def test_dense_exact_shapley(benchmark, n):
    if 2.0**n * 8 * 4 > 0.5 * available_memory_bytes():
        pytest.skip(f"the dense path at n={n} needs about {2.0**n * 32 / 2**30:.1f} GiB")
    game = ValueFunctionGame(Weighted(n), n_players=n)
    benchmark.group = f"streamed-n{n:02d}"
    result = benchmark.pedantic(lambda: shapley_value(game.to_tu(), method="exact"), rounds=1, iterations=1)
    np.testing.assert_allclose(result.allocation, _expected(n), rtol=1e-10)
    if n <= 24:
        peak = _peak_mib(lambda: shapley_value(game.to_tu(), method="exact"))
        benchmark.extra_info["peak_MiB"] = round(peak, 1)
        print(f"\ndense exact Shapley n={n}: peak {peak:.1f} MiB")


# ---- Dask: per-task overhead and the break-even block size ----------------------------------------------


def _noop(task):
    return task


@pytest.fixture(scope="module")
def client():
    pytest.importorskip("distributed", reason="dask.distributed is not installed (the distributed extra)")
    import logging

    from coopgame.distributed import connect

    c = connect(n_workers=2, dashboard_address=":0", silence_logs=logging.ERROR)
    yield c
    c.close()


def test_dask_task_overhead_and_break_even(benchmark, client):
    """Per-task overhead of ``client.map`` + gather, and the block size at which a task's work equals it."""
    from coopgame._executor import resolve_executor

    runner = resolve_executor(client, func="bench")
    n_tasks = 50 if QUICK else 400
    runner.map(_noop, range(20))  # warm up
    benchmark.group = "dask-overhead"
    benchmark.pedantic(runner.map, args=(_noop, list(range(n_tasks))), rounds=3, iterations=1)
    per_task = benchmark.stats.stats.min / n_tasks * 2  # two workers: wall time x workers per task
    # work per coalition of the streamed kernel, in this process
    n, b = 22, 16
    game = ValueFunctionGame(Weighted(n), n_players=n)
    _, g = shapley_size_weights(n)
    chunks = 4 if QUICK else 32
    start = time.perf_counter()
    streaming._chunk_sums(game, b, np.asarray(g), (0, chunks))
    per_mask = (time.perf_counter() - start) / (chunks * 2**b)
    break_even = per_task / per_mask
    benchmark.extra_info.update(per_task_ms=round(per_task * 1e3, 2), per_mask_ns=round(per_mask * 1e9, 1),
                                break_even_masks=int(break_even))
    print(f"\ndask per-task overhead {per_task * 1e3:.1f} ms; kernel {per_mask * 1e9:.1f} ns per coalition; "
          f"break-even block 2**{np.log2(break_even):.1f} coalitions (tasks use 2**{streaming.TASK_BITS})")
    assert 2**streaming.TASK_BITS > 4 * break_even


@pytest.mark.parametrize("n", sizes([24, 26], [16]))
def test_streamed_exact_shapley_on_cluster(benchmark, client, n):
    game = ValueFunctionGame(Weighted(n), n_players=n)
    benchmark.group = f"streamed-n{n:02d}"
    result = benchmark.pedantic(shapley_value, args=(game,), kwargs={"method": "exact", "executor": client},
                                rounds=1, iterations=1)
    assert np.array_equal(result.allocation, shapley_value(game, method="exact").allocation)

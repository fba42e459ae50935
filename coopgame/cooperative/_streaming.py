"""Block plans for value-function games: exact member sums streamed over the coalitions, and blocked sampling.

Both cut the work into a plan fixed by the problem alone (``n``, the method,
``n_samples``), never by the number of workers; a
:class:`~coopgame._executor.Runner` evaluates the tasks wherever it likes and
the partial results are combined here in plan order. So a run in this process
(``executor=None``), on a process pool and on a Dask cluster give the same
bits.

Exact (:func:`streamed_member_sums`)
    The 2**n masks are cut into chunks of ``2**b`` consecutive masks, ``b =
    min(n, CHUNK_BITS)``: chunk ``h`` holds the masks ``h * 2**b + l``, whose
    high bits ``h`` are fixed (``p = popcount(h)`` members) and whose low bits
    ``l`` run over all ``2**b`` sub-coalitions. One call of the game's function
    gives the chunk's values; :func:`~coopgame.cooperative._dense_sums.member_sums`
    of the chunk as a ``b``-player game with the size weights shifted by ``p``
    (``g[p:p+b+1]``) gives the low players' sums and the chunk total ``T_h``.
    The low sums add up over chunks; the high player ``j``'s sum is
    ``Σ_{h∋j} T_h`` (``fold_bits`` of the chunk totals). A task is
    ``2**(TASK_BITS − b)`` consecutive chunks. Memory: one chunk's masks and
    values (16 MiB) plus what the game's function allocates for 2**20 masks;
    never 2**n values.

Sampling (:func:`sampled_moments`)
    ``n_samples`` draws are cut into blocks of :data:`SAMPLE_BLOCK` (per size,
    ``SAMPLE_BLOCK // n`` for stratified sampling; the last block shorter); block ``k`` draws from ``default_rng(seeds[k])`` with the seeds
    spawned from the caller's generator (``SeedSequence.spawn``), and the
    blocks' running moments are merged in plan order.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np

from coopgame._executor import Runner, block_plan, spawn_seeds
from coopgame._memory import MAX_DENSE_PLAYERS
from coopgame.cooperative._dense_sums import fold_bits, member_sums
from coopgame.cooperative._evaluators import evaluator_for
from coopgame.cooperative.sampling import (
    _RunningMoments,
    banzhaf_moments,
    permutation_moments,
    stratified_estimate,
    stratified_moments,
    stratum_draws,
)
from coopgame.errors import GameTooLargeError
from coopgame.games.function_game import ValueFunctionGame

__all__ = ["CHUNK_BITS", "TASK_BITS", "STREAM_EXACT_MAX", "SAMPLE_BLOCK", "streamed_member_sums", "sampled_moments",
           "check_stream_size"]

CHUNK_BITS: int = 20
"""log2 of the masks per call of the game's function (2**20: 8 MiB of masks and 8 MiB of values)."""

TASK_BITS: int = 23
"""log2 of the masks per task (2**23): about a second of work for a cheap function, well above a Dask
task's overhead of 15–25 ms (measured in ``benchmarks/test_distributed.py``)."""

STREAM_EXACT_MAX: int = 34
"""Most players for ``method='exact'`` on a value-function game: 2**34 = 1.7e10 evaluations of the
function, hours in one process and minutes on a cluster; beyond, sample."""

SAMPLE_BLOCK: int = 2**14
"""Draws per sampling block: orders of arrival, Banzhaf coalitions, or for stratified sampling
``SAMPLE_BLOCK // n`` draws of each of the n sizes."""


def check_stream_size(n: int, *, func: str) -> None:
    """Refuse, before any work, an exact streamed game above :data:`STREAM_EXACT_MAX` players."""
    if n > STREAM_EXACT_MAX:
        raise GameTooLargeError(
            f"{func}(): exact values of a value-function game with {n} players need 2**{n} evaluations of its "
            f"function, beyond the limit of {STREAM_EXACT_MAX} players for streaming (at most "
            f"{MAX_DENSE_PLAYERS} for anything exact); use sampling (method='permutation' or 'stratified' for "
            "shapley_value, method='sampling' for banzhaf_value) or a structured game (coopgame.StructuredGame)")


def _chunk_sums(game: ValueFunctionGame, b: int, g: np.ndarray, chunks: tuple[int, int]) -> tuple[np.ndarray, ...]:
    """One task: the low players' weighted member sums and each chunk's weighted total, chunks ``[lo, hi)``."""
    lo, hi = chunks
    low = np.zeros(b)
    totals = np.empty(hi - lo)
    for k, h in enumerate(range(lo, hi)):  # a loop over chunks of 2**b coalitions, not over coalitions
        masks = np.arange(h << b, (h + 1) << b, dtype=np.int64)
        values = game.value_of_masks(masks)
        p = h.bit_count()
        sums, total = member_sums(values[None, :], b, g[p:p + b + 1])
        low += sums[0]
        totals[k] = total[0]
    return low, totals


def streamed_member_sums(game: ValueFunctionGame, g: np.ndarray, runner: Runner, *,
                         progress: Any = None) -> tuple[np.ndarray, float]:
    """``(A, T)``: ``A[i] = Σ_{S∋i} v(S) g(|S|)`` and ``T = Σ_S v(S) g(|S|)``, streamed over the block plan."""
    n = game.n_players
    b = min(n, CHUNK_BITS)
    plan = block_plan(2 ** (n - b), 2 ** max(0, TASK_BITS - b))
    parts = runner.map(partial(_chunk_sums, game, b, np.asarray(g, dtype=np.float64)), plan, progress=progress)
    low = np.zeros(b)
    for part_low, _ in parts:  # plan order, whoever computed them
        low += part_low
    totals = np.concatenate([part_totals for _, part_totals in parts])
    high = fold_bits(totals) if n > b else np.empty(0)
    return np.concatenate((low, high)), float(totals.sum())


_MOMENTS = {"permutation": permutation_moments, "sampling": banzhaf_moments}


def _sample_block(game: Any, kind: str, task: tuple[int, np.random.SeedSequence]) -> Any:
    """One sampling block: ``count`` draws of ``kind`` from a generator seeded by the block's seed."""
    count, seed = task
    ev = evaluator_for(game, func="sampling")
    rng = np.random.default_rng(seed)
    if kind == "stratified":
        return stratified_moments(ev, count, rng)
    return _MOMENTS[kind](ev, count, rng)


def sampled_moments(game: Any, kind: str, n_samples: int, rng: np.random.Generator,
                    runner: Runner) -> tuple[np.ndarray, np.ndarray]:
    """Estimate and standard errors of ``kind`` ('permutation', 'stratified', 'sampling'), by sampling blocks."""
    n = game.n_players
    draws = stratum_draws(n_samples, n) if kind == "stratified" else n_samples
    # a stratified block draws from all n sizes: SAMPLE_BLOCK // n per size keeps its work that of the others
    plan = block_plan(draws, max(1, SAMPLE_BLOCK // n) if kind == "stratified" else SAMPLE_BLOCK)
    seeds = spawn_seeds(rng, len(plan))
    tasks = [(hi - lo, seed) for (lo, hi), seed in zip(plan, seeds)]
    parts = runner.map(partial(_sample_block, game, kind), tasks)
    if kind == "stratified":
        strata = parts[0]
        for part in parts[1:]:  # plan order
            for mine, theirs in zip(strata, part):
                mine.merge(theirs)
        return stratified_estimate(strata, draws)
    moments: _RunningMoments = parts[0]
    for part in parts[1:]:  # plan order
        moments.merge(part)
    return moments.estimate(), moments.standard_errors()

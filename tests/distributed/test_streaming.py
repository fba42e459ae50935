"""Exact streamed and blocked-sampled Shapley/Banzhaf of value-function games: accuracy and bit-identity.

Expected values come from independent brute force (tests/cooperative/reference.py) or from the dense path
on the evaluated game; the bit-identity tests compare np.array_equal across executors, never a tolerance.
"""

from __future__ import annotations

import tracemalloc
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

import coopgame.cooperative._streaming as streaming
from coopgame import TUGame, ValueFunctionGame, banzhaf_value, shapley_value
from coopgame.errors import GameTooLargeError
from tests.cooperative.reference import banzhaf_by_subsets, shapley_by_permutations
from tests.distributed._games import cities_game, weighted_game


@pytest.fixture
def small_plan(monkeypatch):
    """Chunks of 2**2 masks, tasks of 2**3: many chunks and tasks even for a small game."""
    monkeypatch.setattr(streaming, "CHUNK_BITS", 2)
    monkeypatch.setattr(streaming, "TASK_BITS", 3)


def test_streamed_matches_brute_force_definitions(small_plan):
    game = cities_game(7, seed=3)
    values = game.value_of_masks(np.arange(2**7))
    np.testing.assert_allclose(shapley_value(game, method="exact").allocation, shapley_by_permutations(values),
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(banzhaf_value(game, method="exact").allocation, banzhaf_by_subsets(values),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("n", [21])
def test_streamed_matches_dense_across_chunks(n):
    game = cities_game(n, seed=1)
    dense = game.to_tu()
    for concept in (shapley_value, banzhaf_value):
        streamed = concept(game, method="exact").allocation
        reference = concept(dense).allocation
        assert np.max(np.abs(streamed - reference)) <= 1e-12 * np.max(np.abs(reference))


def test_streaming_holds_one_chunk_not_two_to_the_n():
    n = 23  # dense: 2**23 values = 64 MiB, and to_tu() holds three such arrays
    game = weighted_game(n)
    tracemalloc.start()
    try:
        shapley_value(game, method="exact")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # one chunk of 2**20 masks (masks, values, the function's temporaries), less than one dense array of 2**23
    assert peak < 64 * 2**20, peak


def test_auto_streams_exactly_up_to_20_players_samples_above_and_exact_streams_on_request():
    # auto stays at 20 players (a value function's cost is unknown); method="exact" streams beyond
    assert shapley_value(weighted_game(20), method="auto").method == "exact"
    assert banzhaf_value(weighted_game(20), method="auto").method == "exact"
    assert shapley_value(weighted_game(21), method="auto", n_samples=10).method == "permutation"
    assert banzhaf_value(weighted_game(21), method="auto", n_samples=10).method == "sampling"
    assert shapley_value(weighted_game(21), method="exact").method == "exact"


def test_exact_above_the_stream_limit_is_refused_before_any_work():
    calls = []

    def func(masks):
        calls.append(masks.size)
        return np.zeros(masks.shape)

    game = ValueFunctionGame(func, n_players=streaming.STREAM_EXACT_MAX + 1)
    calls.clear()
    with pytest.raises(GameTooLargeError, match="sampling"):
        shapley_value(game, method="exact")
    with pytest.raises(GameTooLargeError, match="sampling"):
        banzhaf_value(game, method="exact")
    assert calls == []


def test_streamed_overflow_falls_back_to_the_rescaled_dense_path():
    game = ValueFunctionGame(lambda m: np.where(m > 0, 1e308, 0.0), n_players=4)
    # symmetric game: each player gets v(N)/n, although the member sums overflow
    np.testing.assert_allclose(shapley_value(game, method="exact").allocation, np.full(4, 0.25e308))


# ---- bit-identity across executors ------------------------------------------------------------------------


def _exact(game, executor):
    return np.concatenate((shapley_value(game, method="exact", executor=executor).allocation,
                           banzhaf_value(game, method="exact", executor=executor).allocation))


@pytest.mark.parametrize("n", [18, 19, 20])
def test_exact_bit_identical_across_executors(n, monkeypatch, cluster_client, one_worker_client):
    monkeypatch.setattr(streaming, "CHUNK_BITS", 14)   # 2**(n-14) chunks in tasks of 4: 4 to 16 tasks
    monkeypatch.setattr(streaming, "TASK_BITS", 16)
    game = cities_game(n, seed=n)
    serial = _exact(game, None)
    assert np.array_equal(serial, _exact(game, 2))
    with ProcessPoolExecutor(1) as pool:
        assert np.array_equal(serial, _exact(game, pool))
    assert np.array_equal(serial, _exact(game, cluster_client))
    assert np.array_equal(serial, _exact(game, one_worker_client))
    monkeypatch.undo()   # the default plan (one task at n <= 23) agrees with the dense path
    dense = game.to_tu()
    reference = np.concatenate((shapley_value(dense).allocation, banzhaf_value(dense).allocation))
    assert np.max(np.abs(serial - reference)) <= 1e-12 * np.max(np.abs(reference))


def _sampled(game, executor, n_samples):
    out = []
    for method in ("permutation", "stratified"):
        r = shapley_value(game, method=method, n_samples=n_samples, rng=2026, executor=executor)
        out += [r.allocation, r.standard_errors]
    r = banzhaf_value(game, method="sampling", n_samples=n_samples, rng=2026, executor=executor)
    return np.concatenate(out + [r.allocation, r.standard_errors])


def test_seeded_sampling_bit_identical_across_executors(cluster_client, one_worker_client):
    game = cities_game(12, seed=5)
    n_samples = 2 * streaming.SAMPLE_BLOCK + 123   # three blocks, the last one short
    serial = _sampled(game, None, n_samples)
    assert np.array_equal(serial, _sampled(game, 2, n_samples))
    assert np.array_equal(serial, _sampled(game, cluster_client, n_samples))
    assert np.array_equal(serial, _sampled(game, one_worker_client, n_samples))


def test_blocked_sampling_is_unbiased_within_its_standard_errors():
    game = cities_game(10, seed=7)
    exact = TUGame(game.value_of_masks(np.arange(2**10)))
    phi, beta = shapley_value(exact).allocation, banzhaf_value(exact).allocation
    n_samples = 2 * streaming.SAMPLE_BLOCK + 1
    for method in ("permutation", "stratified"):
        r = shapley_value(game, method=method, n_samples=n_samples, rng=11)
        assert np.all(np.abs(r.allocation - phi) < 5 * r.standard_errors), method
    r = banzhaf_value(game, method="sampling", n_samples=n_samples, rng=11)
    assert np.all(np.abs(r.allocation - beta) < 5 * r.standard_errors)


def test_same_seed_same_answer_and_recorded_seed_repeats_it():
    game = cities_game(9)
    gen = np.random.default_rng(4)
    first = shapley_value(game, method="permutation", n_samples=500, rng=gen)
    again = shapley_value(game, method="permutation", n_samples=500, rng=first.parameters["seed"])
    assert np.array_equal(first.allocation, again.allocation)


def test_an_executor_raises_the_sampling_work_budget_but_not_without_bound():
    from coopgame.cooperative.sampling import MAX_DISTRIBUTED_SAMPLE_WORK, MAX_SAMPLE_WORK, check_sample_work
    from coopgame.errors import InvalidParameterError

    n_samples = MAX_SAMPLE_WORK // 21 + 1     # just above the in-process budget at n = 20
    with pytest.raises(InvalidParameterError, match="executor= allows"):
        check_sample_work(n_samples, 20, "permutation", func="f")
    check_sample_work(n_samples, 20, "permutation", func="f", distributed=True)
    with pytest.raises(InvalidParameterError, match="MAX_DISTRIBUTED_SAMPLE_WORK"):
        check_sample_work(MAX_DISTRIBUTED_SAMPLE_WORK // 21 + 1, 20, "permutation", func="f", distributed=True)
    with pytest.raises(InvalidParameterError, match="work budget"):   # refused before any task is made
        shapley_value(cities_game(20), method="permutation", n_samples=MAX_DISTRIBUTED_SAMPLE_WORK, executor=2)

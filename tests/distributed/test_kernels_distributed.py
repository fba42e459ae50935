"""Sweeps, pure equilibria and the nucleolus's excess scans on executors: bit-identical to one process (issue 16).

Every kernel cuts its work into a block plan fixed by the problem; the same
plan is evaluated with ``executor=None``, a ``ProcessPoolExecutor(2)``, a
2-worker and a 1-worker ``LocalCluster`` (fixtures of ``conftest.py``), and
the results must be equal with ``np.array_equal`` — not merely close. Where
a problem is small enough to be one block, the module's task size is lowered
(in this process: the plan is made here and shipped as ranges) so the plan
has many blocks. Independent checks: the equilibria of a game of city pairs
are known in closed form; the nucleolus passes Kohlberg's criterion.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

from coopgame import NCityGame, TUGame, load_model, nucleolus, parameter_sweep, pure_equilibria
from coopgame._bitmask import popcounts
from coopgame.equilibrium import pure
from coopgame.policy import sweep
from coopgame.stability import lexicographic


@pytest.fixture(scope="module")
def pool():
    with ProcessPoolExecutor(2) as executor:
        yield executor


@pytest.fixture
def executors(pool, cluster_client, one_worker_client):
    """The executors every result is compared across (``None`` is the reference)."""
    return {"pool(2)": pool, "cluster(2)": cluster_client, "cluster(1)": one_worker_client}


def cooperative_point(synergy: float, cost: float) -> TUGame:
    """A 4-player game whose values are not round numbers (so low bits of the Shapley values can differ)."""
    size = popcounts(4).astype(float)
    values = synergy * size**1.5 / 3.0 - cost * np.sqrt(size) + 0.1 * np.arange(16) / 7.0
    values[0] = 0.0
    return TUGame(values)


def _assert_outputs_equal(ref, got, where):
    assert list(got.outputs) == list(ref.outputs)
    for key, value in ref.outputs.items():
        assert np.array_equal(got.outputs[key], value), f"{where}: output {key!r} differs"
    assert got.method == ref.method and got.shape == ref.shape


def test_batched_sweep_across_the_chunk_boundary(executors):
    # 400 x 400 = 160,000 points: two blocks of the batched path (2**17 = 131,072 points each)
    assert 400 * 400 > sweep._BATCH_CHUNK
    spec = load_model("two_city_coop")
    grid = {"reward": np.linspace(0.0, 4.0, 400), "penalty": np.linspace(0.0, 4.0, 400)}
    ref = parameter_sweep(spec, grid)
    assert ref.method == "batched"
    for name, executor in executors.items():
        _assert_outputs_equal(ref, parameter_sweep(spec, grid, executor=executor), name)


def test_point_by_point_sweep_across_chunk_boundaries(executors):
    grid = {"synergy": np.linspace(1.0, 3.0, 5), "cost": np.linspace(0.0, 1.3, 6)}
    ref = parameter_sweep(cooperative_point, grid, chunk_size=7)   # 30 points: blocks of 7, 7, 7, 7, 2
    assert ref.method.startswith("per point")
    for name, executor in executors.items():
        _assert_outputs_equal(ref, parameter_sweep(cooperative_point, grid, chunk_size=7, executor=executor), name)
    # why the plan must not depend on the workers: other blocks (one of all 30 points) may change low bits
    # (shapley_values of a stack sums in a stack-size dependent order), so chunk_size is part of the problem
    np.testing.assert_allclose(parameter_sweep(cooperative_point, grid, chunk_size=64).outputs["shapley"],
                               ref.outputs["shapley"], rtol=1e-13, atol=1e-13)
    assert ref.parameters["chunk_size"] == 7


@pytest.mark.parametrize(("slug", "name"), [("xinanjiang_bet", "subsidy"), ("pooled_basin_fund", "own_benefit")])
def test_model_file_sweep_point_by_point(executors, slug, name):
    # a built model's games may hold closures: the plan ships the validated model, and workers rebuild the games
    spec = load_model(slug)
    first = float(np.ravel(spec[name])[0])
    grid = {name: np.linspace(0.9 * first, 1.1 * first + 0.01, 5)}
    ref = parameter_sweep(spec, grid, chunk_size=2)
    assert ref.method == "per point (ModelSpec.with_arrays)"
    for executor_name, executor in executors.items():
        _assert_outputs_equal(ref, parameter_sweep(spec, grid, chunk_size=2, executor=executor), executor_name)


def _pairs_game(n: int) -> NCityGame:
    """Cities (0,1), (2,3), ... pay off together only; small non-negative cross synergies change no best response."""
    rng = np.random.default_rng(16)
    synergy = 0.01 * rng.random((n, n))
    for k in range(0, n, 2):
        synergy[k, k + 1] = synergy[k + 1, k] = 3.0
    np.fill_diagonal(synergy, 0.0)
    return NCityGame(cost=2.0, synergy=synergy)


def test_pure_equilibria_at_n20(executors, monkeypatch):
    n = 20
    game = _pairs_game(n)
    # independent: each pair cooperates together or not at all -> the 2**10 masks with equal bits in every pair
    pairs = np.arange(1 << (n // 2))
    expected = np.zeros_like(pairs)
    for k in range(n // 2):
        expected |= ((pairs >> k) & 1) * (3 << (2 * k))
    expected.sort()
    ref = pure_equilibria(game)
    assert np.array_equal(ref.profiles, expected)
    monkeypatch.setattr(pure, "_TASK_BITS", 16)  # 2**20 profiles in 16 tasks
    assert len(pure._profile_plan(n)) == 16
    for name, executor in executors.items():
        got = pure_equilibria(game, executor=executor)
        assert np.array_equal(got.profiles, ref.profiles), name
        assert np.array_equal(got.payoffs, ref.payoffs), name


def test_pure_equilibria_of_issue_layers(executors, monkeypatch):
    n = 14
    synergy = np.zeros((2, n, n))
    for k in range(0, n, 2):
        synergy[:, k, k + 1] = synergy[:, k + 1, k] = 3.0
    synergy[1] *= 1.0 + np.linspace(0.0, 0.1, n)[:, None]   # the layers differ a little
    game = NCityGame(cost=np.full((2, n), 2.0), synergy=synergy, issues=["water", "air"])
    ref = pure_equilibria(game)
    assert ref.profiles.shape == (2**7 * 2**7, 2)   # every pair together or not, on each issue
    monkeypatch.setattr(pure, "_TASK_BITS", 13)      # 2 tasks per layer
    for name, executor in executors.items():
        got = pure_equilibria(game, executor=executor)
        assert np.array_equal(got.profiles, ref.profiles) and np.array_equal(got.welfare, ref.welfare), name


def _nucleolus_game(n: int, seed: int) -> TUGame:
    rng = np.random.default_rng(seed)
    values = popcounts(n).astype(float) ** 1.5 * (1.0 + 0.3 * rng.random(1 << n))
    values[0] = 0.0
    return TUGame(values)


@pytest.mark.parametrize(("n", "excess"), [(12, "standard"), (13, "per-capita"), (14, "standard")])
def test_nucleolus_excess_scans(executors, monkeypatch, n, excess):
    game = _nucleolus_game(n, seed=n)
    ref = nucleolus(game, excess=excess)
    assert ref.kohlberg_passed and ref.n_lps > 1
    monkeypatch.setattr(lexicographic, "_SCAN_BITS", 9)   # 8 to 32 scan tasks per round
    assert len(lexicographic._mask_plan(n)) == 1 << (n - 9)
    for name, executor in executors.items():
        got = nucleolus(game, excess=excess, executor=executor)
        assert np.array_equal(got.allocation, ref.allocation), name
        assert np.array_equal(got.stage_levels, ref.stage_levels), name
        assert got.stage_coalitions == ref.stage_coalitions, name
        assert (got.n_lps, got.max_rows) == (ref.n_lps, ref.max_rows), name


def test_an_unshippable_model_is_refused_with_the_remedy(pool):
    from coopgame.errors import NotShippableError

    with pytest.raises(NotShippableError, match="module level"):
        parameter_sweep(lambda synergy: cooperative_point(synergy, 0.5), {"synergy": [1.0, 2.0]}, executor=pool)


@pytest.mark.parametrize("bad", ["cluster", 0, True, 2.5])
def test_a_bad_executor_is_a_typed_error(bad):
    from coopgame.errors import InvalidParameterError

    spec = load_model("two_city_coop")
    with pytest.raises(InvalidParameterError, match="executor must be"):
        parameter_sweep(spec, {"reward": [0.0, 1.0]}, executor=bad)
    with pytest.raises(InvalidParameterError, match="executor must be"):
        pure_equilibria(_pairs_game(4), executor=bad)
    with pytest.raises(InvalidParameterError, match="executor must be"):
        nucleolus(_nucleolus_game(4, seed=0), executor=bad)

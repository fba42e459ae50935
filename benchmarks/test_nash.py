"""Bimatrix equilibria: coopgame's complete enumeration and batch 2x2 solver, with nashpy per-game loops and quantecon's support enumeration beside them."""

import numpy as np
import pytest

from benchmarks.conftest import sizes
from coopgame import PairwiseGame, batch_equilibria_2x2, nash_equilibria

nashpy = pytest.importorskip("nashpy")


def _games(m, count, seed=0):
    rng = np.random.default_rng(seed + m)
    return [PairwiseGame(rng.normal(size=(m, m)), rng.normal(size=(m, m))) for _ in range(count)]


@pytest.mark.benchmark(group="nash-all-equilibria")
@pytest.mark.parametrize("m", sizes([2, 3, 4, 5, 6, 8], [2, 4]))
def test_nash_equilibria_coopgame(benchmark, m):
    games = _games(m, 10)
    nash_equilibria(games[0])  # load or compile the numba kernel (when installed) before timing
    results = benchmark(lambda: [nash_equilibria(g) for g in games])
    assert all(r.n_equilibria >= 1 and r.max_regret <= 1e-9 for r in results)


@pytest.mark.benchmark(group="nash-all-equilibria")
@pytest.mark.parametrize("m", sizes([2, 3, 4, 5, 6], [2, 4]))
def test_nash_equilibria_nashpy_support(benchmark, m):
    games = _games(m, 10)
    backends = [nashpy.Game(g.A, g.B) for g in games]
    results = benchmark(lambda: [list(g.support_enumeration()) for g in backends])
    # nashpy's exact `prob >= 0` test can drop equilibria (DESIGN §2.3): what it finds must be
    # among ours; how many it misses is recorded, not asserted.
    missed = 0
    for game, found in zip(games, results):
        ours = nash_equilibria(game).equilibria
        assert all(any(np.allclose(x, u, atol=1e-7) and np.allclose(y, v, atol=1e-7) for u, v in ours)
                   for x, y in found)
        missed += len(ours) - len(found)
    benchmark.extra_info["equilibria_missed_by_nashpy"] = missed


def _same_set(ours, theirs, atol=1e-7):
    """Equal as sets of (x, y) pairs, within ``atol``."""
    return len(ours) == len(theirs) and all(
        any(np.allclose(x, u, atol=atol) and np.allclose(y, v, atol=atol) for u, v in ours) for x, y in theirs)


# The speed target: the default method at least as fast as quantecon's
# support enumeration (numba-compiled) on the same random float games. Compare the
# two rows of each size in the "nash-vs-quantecon" group (per call = 20 games).
@pytest.mark.benchmark(group="nash-vs-quantecon")
@pytest.mark.parametrize("m", sizes([2, 3, 4, 6, 8], [2, 3]))
def test_nash_equilibria_coopgame_vs_quantecon_ours(benchmark, m):
    games = _games(m, 20, seed=50)
    nash_equilibria(games[0])  # load or compile the numba kernel (when installed) before timing
    results = benchmark(lambda: [nash_equilibria(g) for g in games])
    assert all(r.complete and r.n_equilibria % 2 == 1 and r.max_regret <= 1e-9 for r in results)


@pytest.mark.benchmark(group="nash-vs-quantecon")
@pytest.mark.parametrize("m", sizes([2, 3, 4, 6, 8], [2, 3]))
def test_nash_equilibria_coopgame_vs_quantecon_theirs(benchmark, m):
    gt = pytest.importorskip("quantecon.game_theory")
    games = _games(m, 20, seed=50)
    qgames = [gt.NormalFormGame((gt.Player(g.A), gt.Player(g.B.T))) for g in games]
    gt.support_enumeration(qgames[0])  # compile (numba) before timing
    results = benchmark(lambda: [gt.support_enumeration(q) for q in qgames])
    # Random float games are non-degenerate: both must list the same equilibria.
    assert all(_same_set(nash_equilibria(g).equilibria, r) for g, r in zip(games, results))


@pytest.mark.benchmark(group="batch-2x2")
@pytest.mark.parametrize("n_games", sizes([10**4, 10**6], [10**4]))
def test_batch_2x2_coopgame(benchmark, n_games):
    rng = np.random.default_rng(1)
    A, B = rng.normal(size=(n_games, 2, 2)), rng.normal(size=(n_games, 2, 2))
    res = benchmark(batch_equilibria_2x2, A, B)
    if benchmark.stats:  # None under --benchmark-disable
        benchmark.extra_info["games_per_second"] = n_games / benchmark.stats.stats.mean
    assert res.n_games == n_games and res.counts.min() >= 1


@pytest.mark.benchmark(group="batch-2x2")
def test_batch_2x2_nashpy_loop(benchmark):
    rng = np.random.default_rng(1)
    games = [nashpy.Game(rng.normal(size=(2, 2)), rng.normal(size=(2, 2))) for _ in range(200)]
    results = benchmark(lambda: [list(g.support_enumeration()) for g in games])
    if benchmark.stats:
        benchmark.extra_info["games_per_second"] = len(games) / benchmark.stats.stats.mean
    assert all(len(r) >= 1 for r in results)

"""Cost of the default vertex enumeration on random 2x2 ... 8x8 games, with exact confirmation in place.

Issue 12 bounds the price of exact confirmation: on random (non-degenerate) games the default
method must stay within 1.5x of its cost before it (commit 0b176e4). To compare, run this file
against that commit and against the working tree back to back, e.g.::

    git worktree add /tmp/base 0b176e4 && cp benchmarks/test_vertex_enumeration.py /tmp/base/benchmarks/
    (cd /tmp/base && python -m pytest benchmarks/test_vertex_enumeration.py --benchmark-json=/tmp/base.json)
    python -m pytest benchmarks/test_vertex_enumeration.py --benchmark-json=/tmp/new.json

``extra_info["coopgame"]`` records which checkout was timed. Degenerate integer games are timed
too (group ``vertex-enumeration-degenerate``): most of them have bases whose float verdict is in
doubt, and those polytopes are enumerated exactly, so they cost more than before by design.
"""

import numpy as np
import pytest

import coopgame
from benchmarks.conftest import sizes
from coopgame import PairwiseGame, nash_equilibria


def _games(m, count, kind, seed=2026):
    rng = np.random.default_rng(seed + m)
    if kind == "random":
        return [PairwiseGame(rng.normal(size=(m, m)), rng.normal(size=(m, m))) for _ in range(count)]
    return [PairwiseGame(*(rng.integers(-2, 3, size=(2, m, m)) * 1.0)) for _ in range(count)]


def _run(benchmark, games):
    nash_equilibria(games[0])   # load or compile the numba kernel before timing
    benchmark.extra_info["coopgame"] = coopgame.__file__
    return benchmark(lambda: [nash_equilibria(g) for g in games])


@pytest.mark.benchmark(group="vertex-enumeration-random")
@pytest.mark.parametrize("m", sizes([2, 3, 4, 5, 6, 7, 8], [2, 4]))
def test_vertex_enumeration_random(benchmark, m):
    results = _run(benchmark, _games(m, 20, "random"))
    assert all(r.complete and r.n_equilibria % 2 == 1 and r.max_regret <= 1e-9 * max(
        np.abs(r.game.A).max(), np.abs(r.game.B).max()) for r in results)


@pytest.mark.benchmark(group="vertex-enumeration-degenerate")
@pytest.mark.parametrize("m", sizes([3, 4, 6], [3]))
def test_vertex_enumeration_degenerate(benchmark, m):
    results = _run(benchmark, _games(m, 20, "degenerate"))
    assert all(r.n_equilibria >= 1 for r in results)

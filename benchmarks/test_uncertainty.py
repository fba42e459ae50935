"""Uncertainty-analysis benchmarks: 10,000 joint draws of every ranged modeling choice (issue 14 target: < 10 s).

Each draw rebuilds the model's n-city game (the derivation rules recompute what
depends on the drawn values); the outside options of all the draws are one
vectorised evaluation; then the tornado and the bisections for tipping points.
Correctness is checked after timing: probabilities lie in [0, 1] and the
subsidy band contains its median. Measured on the development machine (one
thread, one round): chengdu_chongqing 2.7 s, guangzhou_siphon 3.7 s, bth13
4.0 s, yrd26 4.4 s.
"""

import pytest

from benchmarks.conftest import sizes
from coopgame import load_model, uncertainty_analysis


@pytest.mark.benchmark(group="uncertainty")
@pytest.mark.parametrize("slug", ["chengdu_chongqing", "guangzhou_siphon", "bth13", "yrd26"])
@pytest.mark.parametrize("draws", sizes([10_000], [500]))
def test_uncertainty_draws(benchmark, slug, draws):
    spec = load_model(slug)
    res = benchmark.pedantic(uncertainty_analysis, args=(spec,), kwargs={"draws": draws, "rng": 0}, rounds=1,
                             iterations=1)
    assert all(0.0 <= p <= 1.0 for p in res.probabilities.values())
    lo, mid, hi = res.bands["subsidy"]
    assert lo <= mid <= hi

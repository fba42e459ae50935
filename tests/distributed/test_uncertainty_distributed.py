"""The uncertainty analysis on executors: the same blocks of draws, the same answer bit for bit (issue 16)."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

from coopgame import load_model, uncertainty_analysis
from coopgame.errors import InvalidParameterError
from coopgame.policy import uncertainty


def _assert_same(ref, got, where):
    assert got.probabilities == ref.probabilities, where
    for key, value in ref.samples.items():
        assert np.array_equal(got.samples[key], value), f"{where}: samples[{key!r}] differ"
    for key, value in ref.bands.items():
        assert np.array_equal(got.bands[key], value), f"{where}: bands[{key!r}] differ"
    assert got.tipping_points == ref.tipping_points, where


def test_draws_across_block_boundaries_are_bit_identical(cluster_client, one_worker_client, monkeypatch):
    # blocks of 64 draws (the module's 2,048 lowered here, in this process, where the plan is made): 300 draws are
    # 5 blocks, the cooperative verdicts of the first 150 cross a block boundary
    monkeypatch.setattr(uncertainty, "_BLOCK", 64)
    spec = load_model("guangzhou_siphon")
    ref = uncertainty_analysis(spec, draws=300, rng=5, cooperative_draws=150)
    assert ref.samples["in the core: Shapley"].shape == (150,)
    with ProcessPoolExecutor(2) as pool:
        for where, executor in (("int 2", 2), ("pool(2)", pool), ("cluster(2)", cluster_client),
                                ("cluster(1)", one_worker_client)):
            _assert_same(ref, uncertainty_analysis(spec, draws=300, rng=5, cooperative_draws=150,
                                                   executor=executor), where)


def test_a_bad_executor_is_a_typed_error():
    with pytest.raises(InvalidParameterError, match=r"^uncertainty_analysis\(\): executor must be"):
        uncertainty_analysis(load_model("chengdu_chongqing"), draws=10, executor="cluster")

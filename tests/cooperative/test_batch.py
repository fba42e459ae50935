"""Batched Shapley/Banzhaf: equal to one-by-one, inputs untouched, bad input typed."""

import numpy as np
import pytest

from coopgame import TUGame, banzhaf_value, banzhaf_values, shapley_value, shapley_values
from coopgame.errors import InvalidGameError, UnknownMethodError


@pytest.mark.parametrize("n", [1, 4, 12, 13, 16])
def test_batch_equals_one_by_one(n):
    rng = np.random.default_rng(n)
    batch = rng.normal(size=(5, 2**n))
    batch[:, 0] = 0
    before = batch.copy()
    shap = shapley_values(batch)
    banz = banzhaf_values(batch, players=[f"p{i}" for i in range(n)])
    assert shap.allocations.shape == (5, n) and len(shap) == 5
    for b in range(5):
        np.testing.assert_allclose(shap.allocations[b], shapley_value(TUGame(batch[b])).allocation,
                                   rtol=1e-12, atol=1e-13)
        np.testing.assert_allclose(banz.allocations[b], banzhaf_value(TUGame(batch[b])).allocation,
                                   rtol=1e-12, atol=1e-13)
    assert np.array_equal(batch, before)
    assert np.allclose(shap.efficiency_gaps, 0, atol=1e-10)
    assert "5 games" in str(shap) and banz.players[0] == "p0"


@pytest.mark.parametrize("values, fragment", [
    ([0, 1, 1, 3], "2-dimensional"),
    ([[0, 1, 2]], "2\\*\\*n values"),
    ([[0, np.nan]], "finite"),
    ([[0, 1], [1, 1]], "empty coalition .* game 1"),
    ([["a", "b"]], "real numbers"),
])
def test_bad_batch(values, fragment):
    with pytest.raises(InvalidGameError, match=fragment):
        shapley_values(values)


def test_unknown_batch_method():
    with pytest.raises(UnknownMethodError):
        shapley_values([[0, 1]], method="permutation")

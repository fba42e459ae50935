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


def _airports():
    from coopgame import StructuredGame
    from coopgame.games.structured import AirportCost

    return [StructuredGame.from_costs(AirportCost(c)) for c in ([8, 11, 13, 18], [8, 8, 8, 8])]


def test_structured_batch_refuses_a_single_game_or_none():
    from coopgame.cooperative.batch import structured_shapley_values

    games = _airports()
    with pytest.raises(InvalidGameError, match=r"structured_shapley_values\(\): .*single StructuredGame"):
        structured_shapley_values(games[0])
    with pytest.raises(InvalidGameError, match=r"structured_shapley_values\(\): games must be a non-empty"):
        structured_shapley_values(None)
    with pytest.raises(InvalidGameError, match="non-empty"):
        structured_shapley_values([])


@pytest.mark.parametrize("kwargs, fragment", [({"n_samples": -1}, "n_samples"), ({"n_samples": 1.5}, "n_samples"),
                                              ({"rng": "x"}, "rng"), ({"rng": -3}, "rng")])
def test_structured_batch_checks_sampling_arguments_up_front(kwargs, fragment):
    from coopgame.cooperative.batch import structured_shapley_values
    from coopgame.errors import InvalidParameterError

    with pytest.raises(InvalidParameterError, match=rf"structured_shapley_values\(\): {fragment}"):
        structured_shapley_values(_airports(), **kwargs)


def test_structured_batch_still_accepts_good_sampling_arguments():
    from coopgame.cooperative.batch import structured_shapley_values

    res = structured_shapley_values(_airports(), n_samples=10, rng=np.random.default_rng(3))
    assert res.allocations.tolist() == [[6.0, 8.0, 9.0, 9.0], [6.0, 6.0, 6.0, 6.0]]


@pytest.mark.parametrize("additive, pairwise, fragment", [
    ("abc", [[[0.0, 1.0], [1.0, 0.0]]], "additive must be an array of real numbers"),
    ([[1.0, 2.0]], "abc", "pairwise must be an array of real numbers"),
    ([1.0, 2.0], [[[0.0, 1.0], [1.0, 0.0]]], "additive must be 2-dimensional"),
    ([[1.0, 2.0]], [[0.0, 1.0], [1.0, 0.0]], "pairwise must be 3-dimensional"),
    ([[1.0, np.nan]], [[[0.0, 1.0], [1.0, 0.0]]], "additive must contain only finite"),
    ([[1.0, 2.0]], [[[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]], r"additive must have shape \(G, n\) and pairwise"),
])
def test_quadratic_batch_refuses_bad_stacks(additive, pairwise, fragment):
    from coopgame.cooperative.batch import quadratic_shapley_values

    with pytest.raises(InvalidGameError, match=rf"quadratic_shapley_values\(\): {fragment}"):
        quadratic_shapley_values(additive, pairwise)

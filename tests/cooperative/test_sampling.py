"""Sampled Shapley and Banzhaf: within 3 standard errors of exact, seeded, usable at n = 31 without 2**n arrays."""

import numpy as np
import pytest

from coopgame import ScaleEconomyCost, StructuredGame, TUGame, ValueFunctionGame, banzhaf_value, shapley_value


def _random_game(n, seed):
    rng = np.random.default_rng(seed)
    # a smooth but non-additive game: a concave function of a weighted sum plus pairwise noise
    weights = rng.uniform(0.5, 2.0, n)
    member = ((np.arange(2**n)[:, None] >> np.arange(n)) & 1).astype(float)
    v = np.sqrt(member @ weights) * 10 + rng.normal(scale=0.5, size=2**n)
    v[0] = 0
    return TUGame(v)


@pytest.mark.slow  # about 2 s per method on the project's machine
@pytest.mark.parametrize("method", ["permutation", "stratified"])
def test_sampled_shapley_within_three_standard_errors_at_n20(method):
    g = _random_game(20, seed=11)
    exact = shapley_value(g).allocation
    # One fixed seed (any seed fails this for some player ~5% of the time at n = 20, as it should:
    # the calibration of the errors over many seeds is tested below).
    r = shapley_value(g, method=method, n_samples=1000, rng=1)
    z = (r.allocation - exact) / r.standard_errors
    assert np.all(np.abs(z) <= 3), z
    assert 0.2 < np.mean(z**2) < 3  # the standard errors are the right size, not just large
    assert r.method == method and r.parameters == {"n_samples": 1000, "seed": 1}


@pytest.mark.parametrize("method", ["permutation", "stratified"])
def test_standard_errors_are_calibrated(method):
    # Over 60 seeds the squared z-scores average about 1 (chi-square with 60 * 8 draws).
    g = _random_game(8, seed=3)
    exact = shapley_value(g).allocation
    z = np.array([(r.allocation - exact) / r.standard_errors
                  for r in (shapley_value(g, method=method, n_samples=160, rng=s) for s in range(60))])
    assert 0.75 < np.mean(z**2) < 1.3


def test_sampled_banzhaf_within_three_standard_errors_at_n20():
    g = _random_game(20, seed=12)
    exact = banzhaf_value(g).allocation
    r = banzhaf_value(g, method="sampling", n_samples=1000, rng=3)
    z = (r.allocation - exact) / r.standard_errors
    assert np.all(np.abs(z) <= 3), z
    assert 0.2 < np.mean(z**2) < 3


def test_permutation_estimate_is_efficient_by_construction():
    g = _random_game(8, seed=1)
    r = shapley_value(g, method="permutation", n_samples=50)
    assert abs(r.efficiency_gap) < 1e-9


def test_same_seed_same_answer_and_different_seed_differs():
    g = _random_game(10, seed=2)
    a = shapley_value(g, method="stratified", n_samples=200, rng=5).allocation
    b = shapley_value(g, method="stratified", n_samples=200, rng=5).allocation
    c = shapley_value(g, method="stratified", n_samples=200, rng=6).allocation
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert np.array_equal(shapley_value(g, method="permutation", n_samples=100).allocation,
                          shapley_value(g, method="permutation", n_samples=100, rng=None).allocation)


def test_n31_value_function_without_dense_array():
    n = 31
    weights = np.arange(1, n + 1, dtype=float)
    bits = np.arange(n, dtype=np.int64)

    def value(masks):
        member = (masks[..., None] >> bits) & 1
        return np.sqrt(member @ weights)

    g = ValueFunctionGame(value, n_players=n)
    for method in ("permutation", "stratified"):
        r = shapley_value(g, method=method, n_samples=200, rng=1)
        assert r.allocation.shape == (n,) and np.all(np.isfinite(r.standard_errors))
        assert np.all(r.standard_errors > 0)
        # a larger demand earns a larger share of the concave total (monotone in weight)
        assert np.corrcoef(r.allocation, weights)[0, 1] > 0.9
    auto = shapley_value(g, n_samples=100)
    assert auto.method == "permutation"
    b = banzhaf_value(g, n_samples=100)
    assert b.method == "sampling" and b.standard_errors.shape == (n,)


def test_structured_cost_term_is_sampled_above_twenty_players():
    n = 31
    rng = np.random.default_rng(4)
    term = ScaleEconomyCost(rng.uniform(1, 3, n), scale=5.0, exponent=0.6)
    g = StructuredGame.from_costs(term)
    r = shapley_value(g, n_samples=400)
    assert "ScaleEconomyCost: permutation sampling" in r.method
    assert r.standard_errors is not None and np.all(r.standard_errors > 0)
    assert r.cost_shares.sum() == pytest.approx(float(term.cost_of_members(np.ones((1, n), bool))[0]), rel=1e-9)


def test_sampling_whole_structured_game_matches_closed_form():
    rng = np.random.default_rng(8)
    n = 12
    pairwise = rng.uniform(0, 1, (n, n)) * (1 - np.eye(n))
    g = StructuredGame(rng.normal(size=n), pairwise)
    exact = shapley_value(g).allocation
    for method in ("permutation", "stratified"):
        r = shapley_value(g, method=method, n_samples=600, rng=2)
        assert np.all(np.abs(r.allocation - exact) <= 3 * r.standard_errors + 1e-12)

"""StructuredGame: values, cost terms, dense conversion, closed-form Shapley/Banzhaf against dense."""

import numpy as np
import pytest

from coopgame import AirportCost, ScaleEconomyCost, StructuredGame, banzhaf_value, shapley_value
from coopgame.errors import GameTooLargeError, InvalidGameError


def _game(n, seed, costs=True):
    rng = np.random.default_rng(seed)
    pairwise = rng.uniform(-1, 2, (n, n)) * (1 - np.eye(n))
    terms = [AirportCost(rng.uniform(0, 10, n)),
             ScaleEconomyCost(rng.uniform(1, 4, n), scale=3.0, exponent=0.7)] if costs else []
    return StructuredGame(rng.normal(size=n), pairwise, costs=terms)


def test_value_of_masks_matches_definition():
    g = _game(5, 1)
    for mask in range(32):
        members = [i for i in range(5) if mask >> i & 1]
        worth = sum(g.additive[i] for i in members) + sum(g.pairwise[i, j] for i in members for j in members)
        worth -= max((g.cost_terms[0].costs[i] for i in members), default=0.0)
        q = g.cost_terms[1].quantities[members].sum()
        worth -= 3.0 * q**0.7
        assert g.value_of_masks(np.array([mask]))[0] == pytest.approx(worth, rel=1e-12, abs=1e-12)
    assert np.allclose(g.to_tu().values, g.value_of_masks(np.arange(32)), rtol=1e-12, atol=1e-12)
    assert g.grand_value == pytest.approx(g.to_tu().grand_value, rel=1e-12)


@pytest.mark.parametrize("n", [2, 6, 13, 20])
def test_structured_shapley_equals_dense_to_1e9_relative(n):
    g = _game(n, n)
    closed = shapley_value(g)
    dense = shapley_value(g.to_tu())
    scale = np.abs(dense.allocation).max()
    assert np.abs(closed.allocation - dense.allocation).max() <= 1e-9 * scale
    assert "AirportCost: closed form" in closed.method and "ScaleEconomyCost: exact dense" in closed.method
    assert closed.standard_errors is None


@pytest.mark.parametrize("n", [3, 9, 16])
def test_structured_banzhaf_equals_dense(n):
    g = _game(n, 100 + n)
    closed = banzhaf_value(g).allocation
    dense = banzhaf_value(g.to_tu()).allocation
    assert np.abs(closed - dense).max() <= 1e-9 * np.abs(dense).max()


def test_quadratic_closed_form_formula():
    a = np.array([1.0, 2.0, 3.0])
    m = np.array([[0, 1, 2], [3, 0, 4], [5, 6, 0]], dtype=float)
    expected = a + 0.5 * (m.sum(axis=1) + m.sum(axis=0))  # DESIGN §2.2
    np.testing.assert_allclose(shapley_value(StructuredGame(a, m)).allocation, expected)
    np.testing.assert_allclose(banzhaf_value(StructuredGame(a, m)).allocation, expected)


def test_airport_littlechild_owen_known_answer():
    # literature/05 §5.4: runway costs 8, 11, 13, 18 -> Shapley cost shares 2, 3, 4, 9
    g = StructuredGame.from_costs(AirportCost([8, 11, 13, 18]), players=list("ABCD"))
    r = shapley_value(g)
    np.testing.assert_allclose(r.cost_shares, [2, 3, 4, 9])
    np.testing.assert_allclose(shapley_value(g.to_tu()).cost_shares, [2, 3, 4, 9], rtol=1e-12)
    # unsorted input and ties: steps 8, 3, 0, 7 shared by 4, 3, 2, 1 users -> 2, 3, 3, 10
    tied = StructuredGame.from_costs(AirportCost([18, 8, 11, 11]))
    np.testing.assert_allclose(shapley_value(tied).cost_shares, [10, 2, 3, 3])
    np.testing.assert_allclose(shapley_value(tied.to_tu()).cost_shares, [10, 2, 3, 3], rtol=1e-12)
    np.testing.assert_allclose(banzhaf_value(tied).cost_shares, banzhaf_value(tied.to_tu()).cost_shares,
                               rtol=1e-12)


def test_n300_structured_is_exact_without_dense_array():
    n = 300
    g = _game(n, 7, costs=False)
    g = StructuredGame(g.additive, g.pairwise, costs=AirportCost(np.linspace(1, 50, n)))
    r = shapley_value(g)
    assert r.allocation.shape == (n,) and abs(r.efficiency_gap) <= 1e-9 * abs(g.grand_value)
    assert r.standard_errors is None


def test_existing_constructor_and_readonly():
    a = np.array([1.0, 2.0])
    g = StructuredGame(a, [[0, 1], [1, 0]], ["x", "y"])
    a[0] = 9
    assert g.additive[0] == 1.0 and not g.additive.flags.writeable and not g.pairwise.flags.writeable
    assert g.quadratic_part().cost_terms == ()


@pytest.mark.parametrize("build, fragment", [
    (lambda: StructuredGame([1.0, 2.0], [[1, 0], [0, 0]]), "zero diagonal"),
    (lambda: StructuredGame([1.0, np.nan]), "finite"),
    (lambda: StructuredGame([1.0, 2.0], costs=AirportCost([1, 2, 3])), "2 players"),
    (lambda: StructuredGame([1.0], costs=["x"]), "CostTerm"),
    (lambda: AirportCost([1, -2]), ">= 0"),
    (lambda: ScaleEconomyCost([1, 2], scale=1, exponent=0), "exponent"),
    (lambda: StructuredGame.from_costs([]), "at least one"),
])
def test_bad_structured_input(build, fragment):
    with pytest.raises(InvalidGameError, match=fragment):
        build()


def test_to_tu_refused_when_too_large():
    with pytest.raises(GameTooLargeError):
        StructuredGame(np.zeros(50)).to_tu()


@pytest.mark.parametrize("seed", range(4))
def test_status_quo_adds_up_to_grand_value(seed):
    g = _game(7, seed, costs=False)
    sq = g.status_quo()
    # v(N) read from the dense vector, an independent evaluation of the worth.
    assert sq.sum() == pytest.approx(g.to_tu().values[-1], rel=1e-12, abs=1e-12)
    assert not sq.flags.writeable


@pytest.mark.parametrize("seed", range(4))
def test_status_quo_equals_the_ncity_payoffs_with_everyone_cooperating(seed):
    from coopgame import NCityGame

    rng = np.random.default_rng(seed)
    n = 6

    def matrix():
        return rng.uniform(0, 1, (n, n)) * (1 - np.eye(n))

    city = NCityGame(cost=rng.uniform(0, 2, n), base=rng.normal(size=n), reward=rng.uniform(0, 1, n),
                     penalty=rng.uniform(0, 1, n), spillover=matrix(), synergy=matrix(), siphon=matrix(),
                     deadweight=0.3)
    # NCityGame.status_quo evaluates the payoff formula u_i(1_N), not the structured game's terms.
    assert np.allclose(city.tu_game(convention="members").status_quo(), city.status_quo(), rtol=1e-12, atol=1e-12)


def test_status_quo_refused_with_cost_terms():
    with pytest.raises(InvalidGameError, match="cost term"):
        _game(4, 0).status_quo()
    with pytest.raises(InvalidGameError, match="cost term"):
        StructuredGame.from_costs(AirportCost([8, 11, 13, 18])).status_quo()

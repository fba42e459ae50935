"""The airport nucleolus in closed form (Littlechild 1974) against LPs, by hand, and at 13,572 players."""

from __future__ import annotations

import numpy as np
import pytest

import coopgame
from coopgame import StructuredGame, TUGame
from coopgame.errors import InvalidGameError
from coopgame.games.structured import AirportCost
from coopgame.stability.airport import AirportNucleolusResult, airport_nucleolus
from coopgame.stability.kohlberg import kohlberg_check
from coopgame.stability.lexicographic import NucleolusResult, nucleolus
from tests.stability.reference import reference_nucleolus

RUNWAY = [8.0, 11.0, 13.0, 18.0]   # literature/05 §5.4, the airport_runway model (four aircraft types)


def _savings_values(costs) -> np.ndarray:
    """v(S) = Σ_{i∈S} c_i - max_{i∈S} c_i for every mask (plain loops, nothing from coopgame)."""
    n = len(costs)
    out = np.zeros(2**n)
    for s in range(1, 2**n):
        members = [costs[i] for i in range(n) if (s >> i) & 1]
        out[s] = sum(members) - max(members)
    return out


# ----------------------------------------------------------------- known answers
def test_runway_by_hand():
    # Littlechild's stage 1: min(c1/2, c2/3, c3/4) = min(4, 3.67, 3.25) = 3.25 at k = 3, so the three
    # smaller types pay 3.25 each; the largest pays 18 - 9.75 = 8.25. (Shapley is 2, 3, 4, 9.)
    res = airport_nucleolus(RUNWAY, players=["A", "B", "C", "D"])
    np.testing.assert_allclose(res.cost_shares, [3.25, 3.25, 3.25, 8.25], atol=0)
    np.testing.assert_allclose(res.allocation, [4.75, 7.75, 9.75, 9.75], atol=0)
    np.testing.assert_allclose(res.stage_levels, [-3.25])
    assert res.stage_players == (("A", "B", "C", "D"),)
    assert isinstance(res, AirportNucleolusResult) and res.concept == "nucleolus" and res.method == "littlechild-1974"
    for name in NucleolusResult.__dataclass_fields__:   # reads like a NucleolusResult
        assert hasattr(res, name)
    assert res.epsilon == -3.25 and not res.kohlberg_passed
    assert res.kohlberg is None and res.n_lps == 0 and res.efficiency_gap == 0.0


def test_two_stages_by_hand():
    # costs (2, 10, 12): stage 1 min(2/2, 10/3) = 1 at k = 1; stage 2 from Y_1 = 1: (10 - 1)/2 = 4.5
    # for player 2; player 3 pays 12 - 5.5 = 6.5. Excesses: -y1 = -1 = Y1 - c1, then -4.5 = Y2 - c2.
    res = airport_nucleolus([12.0, 2.0, 10.0])
    np.testing.assert_allclose(res.cost_shares, [6.5, 1.0, 4.5], atol=1e-12)
    np.testing.assert_allclose(res.stage_levels, [-1.0, -4.5], atol=1e-12)
    assert res.stage_players == (("2",), ("3", "1"))


def test_runway_model_agrees_with_lp_nucleolus():
    game = coopgame.load_model("airport_runway").build().tu
    fast = nucleolus(game)                         # dispatched to the closed form
    lp = nucleolus(game.to_tu())                   # the dense sequential LPs
    assert fast.method == "littlechild-1974" and lp.method == "constraint-generation"
    np.testing.assert_allclose(fast.allocation, lp.allocation, atol=1e-9)
    np.testing.assert_allclose(fast.cost_shares, lp.cost_shares, atol=1e-9)
    np.testing.assert_allclose(fast.stage_levels, lp.stage_levels, atol=1e-9)
    np.testing.assert_allclose(fast.cost_shares, airport_nucleolus(RUNWAY).cost_shares, atol=0)


# ----------------------------------------------------------------- against independent LPs
@pytest.mark.parametrize("seed", range(12))
def test_random_airport_games_agree_with_slow_lp(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 9))
    levels = rng.uniform(0.5, 20.0, size=max(1, n // 2 + seed % 3))
    costs = rng.choice(levels, size=n) if seed % 2 else rng.uniform(0.0, 20.0, size=n)   # ties, or distinct
    res = airport_nucleolus(costs)
    values = _savings_values(costs)
    np.testing.assert_allclose(res.allocation, reference_nucleolus(values), atol=1e-7)
    check = kohlberg_check(values, res.allocation, lower=np.zeros(n), tie_atol=1e-9 * costs.max())
    assert check.passed


@pytest.mark.parametrize("seed", range(4))
def test_ten_players_agree_with_coopgame_lp(seed):
    rng = np.random.default_rng(50 + seed)
    costs = rng.integers(1, 6, size=10) * 7.0 if seed % 2 else rng.uniform(1.0, 100.0, size=10)
    dense = TUGame.from_costs([0.0] + [max(costs[i] for i in range(10) if (s >> i) & 1) for s in range(1, 1024)])
    lp = nucleolus(dense)
    res = airport_nucleolus(costs)
    np.testing.assert_allclose(res.cost_shares, lp.cost_shares, atol=1e-8 * costs.max())
    assert lp.kohlberg_passed


def test_zero_costs_and_single_player():
    for costs in ([0.0, 0.0, 5.0], [0.0, 3.0], [4.0, 0.0, 4.0]):
        expected = np.array(costs) - reference_nucleolus(_savings_values(costs))
        np.testing.assert_allclose(airport_nucleolus(costs).cost_shares, expected, atol=1e-9)
    one = airport_nucleolus([7.0])
    assert one.cost_shares.tolist() == [7.0] and one.allocation.tolist() == [0.0] and one.stage_levels.size == 0


# ----------------------------------------------------------------- ties and theory
def test_ties_get_equal_shares():
    costs = np.array([5.0, 9.0, 5.0, 9.0, 9.0, 2.0])
    y = airport_nucleolus(costs).cost_shares
    assert y[0] == y[2] and y[1] == y[3] == y[4]
    np.testing.assert_allclose(y, costs - reference_nucleolus(_savings_values(costs)), atol=1e-8)
    # all equal: an equal split of the one runway
    np.testing.assert_allclose(airport_nucleolus(np.full(7, 3.5)).cost_shares, np.full(7, 0.5), atol=1e-15)


def test_top_tie_shares_the_largest_runway():
    costs = [1.0, 10.0, 10.0]
    y = airport_nucleolus(costs).cost_shares
    assert y[1] == y[2]
    np.testing.assert_allclose(y, np.array(costs) - reference_nucleolus(_savings_values(costs)), atol=1e-8)


@pytest.mark.parametrize("seed", range(4))
def test_in_core_and_monotone(seed):
    rng = np.random.default_rng(80 + seed)
    costs = rng.uniform(0, 10, size=7)
    y = airport_nucleolus(costs).cost_shares
    for s in range(1, 2**7):                # y(S) <= C(S): nobody is better off alone or in a sub-group
        members = [i for i in range(7) if (s >> i) & 1]
        assert sum(y[i] for i in members) <= max(costs[i] for i in members) + 1e-12
    order = np.argsort(costs)
    assert np.all(np.diff(y[order]) >= 0)


@pytest.mark.parametrize("factor", [1e-9, 3.0, 2.0**600])
def test_rescaling_invariance(factor):
    costs = np.random.default_rng(5).uniform(1, 10, size=30)
    np.testing.assert_allclose(airport_nucleolus(costs * factor).cost_shares / factor,
                               airport_nucleolus(costs).cost_shares, rtol=1e-12)


def test_structured_game_with_additive_part_dispatches():
    # v(S) = a(S) - max c: the nucleolus moves with the additive part, x = a - y
    costs = np.array([3.0, 8.0, 5.0, 8.0])
    a = np.array([1.0, 2.0, -1.0, 4.0])
    g = StructuredGame(a, costs=AirportCost(costs))
    fast = nucleolus(g)
    lp = nucleolus(g.to_tu())
    assert fast.method == "littlechild-1974" and fast.cost_shares is None
    np.testing.assert_allclose(fast.allocation, lp.allocation, atol=1e-9)
    np.testing.assert_allclose(fast.allocation, a - airport_nucleolus(costs).cost_shares, atol=1e-12)
    # either domain: the core is not empty
    np.testing.assert_allclose(nucleolus(g, domain="preimputations").allocation, fast.allocation, atol=0)


def test_no_dispatch_when_not_a_pure_airport_game():
    costs = AirportCost([3.0, 8.0, 5.0])
    pair = StructuredGame([1.0, 2.0, 3.0], [[0, 1, 0], [0, 0, 0], [0, 0, 0]], costs=costs)
    assert nucleolus(pair).method == "constraint-generation"
    two = StructuredGame([1.0, 2.0, 3.0], costs=[costs, AirportCost([1.0, 1.0, 1.0])])
    assert nucleolus(two).method == "constraint-generation"
    airport = StructuredGame.from_costs(costs)
    assert nucleolus(airport, method="dense").method == "dense"        # the LPs on request
    pc = nucleolus(airport, excess="per-capita")                        # no closed form for per-capita
    assert pc.method == "constraint-generation" and pc.parameters["excess"] == "per-capita"


def test_large_structured_airport_game_never_goes_dense():
    # 2**1500 coalitions: only the closed form can answer
    costs = np.random.default_rng(9).choice([10.0, 25.0, 40.0, 90.0], size=1500)
    res = nucleolus(StructuredGame.from_costs(AirportCost(costs)))
    assert isinstance(res, AirportNucleolusResult)
    np.testing.assert_allclose(res.cost_shares, airport_nucleolus(costs).cost_shares, atol=0)


@pytest.mark.parametrize("kind", ["levels", "distinct", "convex"])
def test_birmingham_size(kind):
    # 13,572 movements (Littlechild & Thompson 1977): a random game of that size
    rng = np.random.default_rng(13572)
    n = 13_572
    if kind == "levels":
        costs = rng.choice(np.linspace(50.0, 2000.0, 36), size=n)
    elif kind == "distinct":
        costs = rng.permutation(np.arange(1.0, n + 1)) + rng.uniform(0, 0.5, size=n)
    else:   # k**2: every prefix ends its own stage (n - 1 stages)
        costs = rng.permutation(np.arange(1.0, n + 1) ** 2)
    res = airport_nucleolus(costs)
    y = res.cost_shares
    np.testing.assert_allclose(y.sum(), costs.max(), rtol=1e-12)
    order = np.argsort(costs, kind="stable")
    assert np.all(np.diff(y[order]) >= 0)
    assert np.all(np.diff(res.stage_levels) < 0)
    assert sum(len(g) for g in res.stage_players) == n
    if kind == "convex":
        assert res.stage_levels.size == n - 1


def test_typed_errors():
    with pytest.raises(InvalidGameError, match=r"^airport_nucleolus\(\): costs must be .*>= 0.*-1"):
        airport_nucleolus([1.0, -1.0])
    with pytest.raises(InvalidGameError, match=r"^airport_nucleolus\(\): costs must be a non-empty"):
        airport_nucleolus([])
    with pytest.raises(InvalidGameError, match=r"^airport_nucleolus\(\)"):
        airport_nucleolus([1.0, np.nan])
    with pytest.raises(InvalidGameError, match=r"^airport_nucleolus\(\)"):
        airport_nucleolus([1.0, 2.0], players=["a"])


def test_summary_and_dict():
    res = airport_nucleolus(RUNWAY, players=["A", "B", "C", "D"])
    text = str(res.summary())
    assert "littlechild-1974" in text and "D (most demanding) pays the rest" in text and "FAILED" not in text
    d = res.to_dict()
    assert d["concept"] == "nucleolus"

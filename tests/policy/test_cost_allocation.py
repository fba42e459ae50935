"""SCRB and alternative cost avoided: the Swedish case study, hand computations, brute force, bad input.

Published values: Young, Okada & Hashimoto (1979), "Cost allocation in water
resources development — a case study of Sweden", IIASA WP-79-77, Table 7
(SCRB cost shares of 83.82 million crowns among six municipalities A, H, K,
L, M, T of Skåne) and Table 8 (their alternative costs C({i}) and marginal,
i.e. separable, costs C(N) − C(N∖{i})); published as Water Resources
Research 18(3), 1982. Everything else is computed in the test itself, from
the coalition costs by plain loops.
"""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest

from coopgame import TUGame
from coopgame.errors import InvalidGameError, InvalidParameterError
from coopgame.games.structured import StructuredGame
from coopgame.policy.cost_allocation import CostAllocationResult, alternative_cost_avoided, scrb

WASTEWATER = [0, 230, 160, 350, 230, 460, 365, 556]   # literature/03 §3.2, C(S) in bitmask order

# Young, Okada & Hashimoto (1979/1982), Tables 7 and 8 (million Swedish crowns)
SWEDEN_PLAYERS = ["A", "H", "K", "L", "M", "T"]
SWEDEN_ALONE = [21.95, 17.08, 10.91, 15.88, 20.81, 21.98]
SWEDEN_SEPARABLE = [17.36, 9.85, 0.82, 6.40, 12.90, 14.06]
SWEDEN_TOTAL = 83.82
SWEDEN_SCRB = [19.54, 13.28, 5.62, 10.90, 16.66, 17.82]


def _sweden_costs():
    """A 6-player cost table with the published C({i}), C(N∖{i}) = C(N) − SC_i and C(N).

    SCRB reads no other coalition; the rest are filled with the sum of stand-alone costs (no saving).
    """
    n, full = 6, 63
    costs = [sum(SWEDEN_ALONE[i] for i in range(n) if (mask >> i) & 1) for mask in range(64)]
    costs[full] = SWEDEN_TOTAL
    for i in range(n):
        costs[full ^ (1 << i)] = SWEDEN_TOTAL - SWEDEN_SEPARABLE[i]
    return costs


def _scrb_brute(costs, benefits=None):
    """SCRB straight from its definition, coalitions found by scanning every mask."""
    n = len(costs).bit_length() - 1
    members = {mask: {i for i in range(n) if (mask >> i) & 1} for mask in range(len(costs))}
    everyone = set(range(n))
    cost_of = {frozenset(s): costs[m] for m, s in members.items()}
    total = cost_of[frozenset(everyone)]
    separable = [total - cost_of[frozenset(everyone - {i})] for i in range(n)]
    alone = [cost_of[frozenset({i})] for i in range(n)]
    justifiable = alone if benefits is None else [min(b, a) for b, a in zip(benefits, alone)]
    remaining = [a - s for a, s in zip(justifiable, separable)]
    nonseparable = total - sum(separable)
    return [s + nonseparable * r / sum(remaining) for s, r in zip(separable, remaining)]


def _random_subadditive_costs(rng, n):
    """C(S) = K (Σ_{i∈S} q_i)^θ with θ < 1 (scale economies) plus a fixed cost: subadditive."""
    q = rng.uniform(1, 10, size=n)
    theta, fixed = rng.uniform(0.4, 0.9), rng.uniform(0, 5)
    costs = [0.0]
    for mask in range(1, 2**n):
        load = sum(q[i] for i in range(n) if (mask >> i) & 1)
        costs.append(fixed + 3.0 * load**theta)
    return costs


# --------------------------------------------------------------------------- published and hand-worked
@pytest.mark.parametrize("method", [scrb, alternative_cost_avoided])
def test_reproduces_the_swedish_case_study(method):
    game = TUGame.from_costs(_sweden_costs(), players=SWEDEN_PLAYERS)
    r = method(game)
    np.testing.assert_allclose(r.separable_costs, SWEDEN_SEPARABLE, atol=1e-12)
    # the published shares are rounded to 0.01 and computed from inputs rounded to 0.01
    np.testing.assert_allclose(r.cost_shares, SWEDEN_SCRB, atol=0.01)
    assert abs(r.cost_shares.sum() - SWEDEN_TOTAL) < 1e-12
    assert abs(r.nonseparable_cost - (SWEDEN_TOTAL - sum(SWEDEN_SEPARABLE))) < 1e-12   # 22.43


def test_wastewater_plant_by_hand():
    # C(N) = 556; C(N∖{1}) = C({2,3}) = 365, C(N∖{2}) = C({1,3}) = 460, C(N∖{3}) = C({1,2}) = 350
    separable = [556 - 365, 556 - 460, 556 - 350]               # 191, 96, 206
    alone = [230, 160, 230]
    remaining = [a - s for a, s in zip(alone, separable)]      # 39, 64, 24: sum 127
    nonseparable = 556 - sum(separable)                        # 63
    shares = [s + nonseparable * r / sum(remaining) for s, r in zip(separable, remaining)]
    r = scrb(TUGame.from_costs(WASTEWATER, players=["town1", "town2", "town3"]))
    assert r.separable_costs.tolist() == separable and r.nonseparable_cost == 63.0
    assert r.remaining_benefits.tolist() == [39.0, 64.0, 24.0]
    np.testing.assert_allclose(r.cost_shares, shares, rtol=1e-14)             # 210.3465, 127.7480, 217.9055
    np.testing.assert_allclose(r.allocation, np.subtract(alone, shares), rtol=1e-13)
    assert r.concept == "scrb" and abs(r.cost_shares.sum() - 556) < 1e-12 and abs(r.allocation.sum() - 64) < 1e-12


def test_wastewater_plant_with_benefits_by_hand():
    benefits = [200, 300, 215]
    justifiable = [200, 160, 215]                    # min(b_i, C({i}))
    remaining = [200 - 191, 160 - 96, 215 - 206]     # 9, 64, 9: sum 82
    shares = [191 + 63 * 9 / 82, 96 + 63 * 64 / 82, 206 + 63 * 9 / 82]
    r = scrb(TUGame.from_costs(WASTEWATER), benefits=benefits)
    assert r.justifiable_costs.tolist() == justifiable and r.remaining_benefits.tolist() == remaining
    np.testing.assert_allclose(r.cost_shares, shares, rtol=1e-14)
    assert r.parameters["benefits"] == benefits


# --------------------------------------------------------------------------- against brute force, properties
def test_matches_the_definition_on_random_cost_games():
    rng = np.random.default_rng(2)
    refused = 0
    for _ in range(15):
        n = int(rng.integers(2, 7))
        costs = _random_subadditive_costs(rng, n)
        game = TUGame.from_costs(costs)
        np.testing.assert_allclose(scrb(game).cost_shares, _scrb_brute(costs), rtol=1e-12)
        np.testing.assert_allclose(alternative_cost_avoided(game).cost_shares, _scrb_brute(costs), rtol=1e-12)
        alone = np.array([costs[1 << i] for i in range(n)])
        separable = np.array([costs[-1] - costs[-1 ^ (1 << i)] for i in range(n)])
        benefits = rng.uniform(0.97 * separable, 1.2 * alone)   # some below the separable cost: refused
        try:
            expected = _scrb_brute(costs, benefits)
        except ZeroDivisionError:  # pragma: no cover - not drawn
            continue
        if np.any(benefits < separable):
            refused += 1
            with pytest.raises(InvalidParameterError, match=r"^scrb\(\): benefits\["):
                scrb(game, benefits)
        else:
            np.testing.assert_allclose(scrb(game, benefits).cost_shares, expected, rtol=1e-12)
    assert 0 < refused < 15   # both branches drawn


def test_shares_add_up_to_the_total_cost_and_savings_to_the_grand_worth():
    rng = np.random.default_rng(8)
    for _ in range(10):
        costs = _random_subadditive_costs(rng, int(rng.integers(2, 8)))
        r = scrb(TUGame.from_costs(costs))
        assert abs(r.cost_shares.sum() - costs[-1]) <= 1e-12 * costs[-1]
        assert abs(r.efficiency_gap) <= 1e-12 * costs[-1]
        assert r.total_cost == pytest.approx(costs[-1], rel=1e-14)


def test_alternative_cost_avoided_shares_savings_by_marginal_contributions():
    # x_i = C({i}) − share_i = v(N) M_i / Σ M_j with M_i = v(N) − v(N∖{i}) (derived in the module docstring)
    rng = np.random.default_rng(12)
    costs = _random_subadditive_costs(rng, 5)
    game = TUGame.from_costs(costs)
    v = game.values
    marginal = np.array([v[31] - v[31 ^ (1 << i)] for i in range(5)])
    np.testing.assert_allclose(alternative_cost_avoided(game).allocation, v[31] * marginal / marginal.sum(),
                               rtol=1e-12)


@pytest.mark.parametrize("factor", [1e-6, 3.7, 2.0**30, 1e9])
def test_rescaling_scales_the_shares(factor):
    game = TUGame.from_costs(WASTEWATER)
    scaled = TUGame.from_costs(np.multiply(WASTEWATER, factor))
    np.testing.assert_allclose(scrb(scaled).cost_shares, scrb(game).cost_shares * factor, rtol=1e-12)
    benefits = np.array([200.0, 300.0, 215.0])
    np.testing.assert_allclose(scrb(scaled, benefits * factor).cost_shares,
                               scrb(game, benefits).cost_shares * factor, rtol=1e-12)


def test_structured_cost_game_agrees_with_its_dense_form():
    from coopgame.games.structured import AirportCost

    game = StructuredGame.from_costs(AirportCost([8, 11, 13, 18, 18]))
    np.testing.assert_allclose(scrb(game).cost_shares, scrb(game.to_tu()).cost_shares, rtol=1e-13)
    big = StructuredGame.from_costs(AirportCost(np.linspace(1, 50, 200)))   # n = 200: never dense
    r = alternative_cost_avoided(big)
    assert abs(r.cost_shares.sum() - 50.0) < 1e-9


def test_additive_costs_leave_nothing_to_divide():
    # C(S) = Σ C({i}): SC_i = C({i}), every remaining benefit and NSC are 0, each pays its own cost
    costs = [0, 3, 5, 8, 2, 5, 7, 10]
    r = scrb(TUGame.from_costs(costs))
    assert r.cost_shares.tolist() == [3.0, 5.0, 2.0] and r.nonseparable_cost == 0.0


# --------------------------------------------------------------------------- results and bad input
def test_result_family_summary_dict_and_pickle():
    r = scrb(TUGame.from_costs(WASTEWATER, players=["a", "b", "c"]))
    assert isinstance(r, CostAllocationResult) and "SCRB cost allocation" in str(r) and "separable" in str(r)
    d = json.loads(json.dumps(r.to_dict()))
    assert d["by_player"]["a"]["separable_cost"] == 191.0 and d["nonseparable_cost"] == 63.0
    again = pickle.loads(pickle.dumps(r))
    assert np.array_equal(again.cost_shares, r.cost_shares) and not again.separable_costs.flags.writeable
    assert len(repr(r)) <= 160 and "Alternative cost avoided" in str(alternative_cost_avoided(r.game))


def test_refuses_games_not_built_from_costs():
    for func in (scrb, alternative_cost_avoided):
        with pytest.raises(InvalidGameError, match=rf"^{func.__name__}\(\): game must be built from costs"):
            func(TUGame([0, 1, 1, 3]))
        with pytest.raises(InvalidGameError, match=rf"^{func.__name__}\(\): game must be a TUGame"):
            func([0, 1, 1, 3])


def test_refuses_a_separable_cost_above_the_stand_alone_cost():
    # C({1,2}) = 10 > C({1}) + C({2}): SC_1 = 10 − 4 = 6 > C({1}) = 3
    with pytest.raises(InvalidGameError, match=r"^scrb\(\): the separable cost .* of player '1' exceeds"):
        scrb(TUGame.from_costs([0, 3, 4, 10]))


def test_refuses_a_benefit_below_the_separable_cost():
    with pytest.raises(InvalidParameterError, match=r"^scrb\(\): benefits\[1\] = 90 of player 'town2' is below"):
        scrb(TUGame.from_costs(WASTEWATER, players=["town1", "town2", "town3"]), benefits=[300, 90, 300])


def test_refuses_a_nonseparable_cost_without_a_key():
    # benefits equal to the separable costs: every remaining benefit 0, NSC = 63 has no key
    with pytest.raises(InvalidGameError, match=r"^scrb\(\): every remaining benefit is 0"):
        scrb(TUGame.from_costs(WASTEWATER), benefits=[191, 96, 206])


@pytest.mark.parametrize("benefits, match", [
    ([1, 2], r"benefits must have shape \(3\)"),
    ([1, np.nan, 2], "benefits must contain only finite numbers"),
    ("abc", "benefits must be an array of real numbers"),
])
def test_refuses_bad_benefits(benefits, match):
    with pytest.raises(InvalidParameterError, match=r"^scrb\(\): " + match):
        scrb(TUGame.from_costs(WASTEWATER), benefits=benefits)


def test_refuses_a_bad_tolerance():
    with pytest.raises(InvalidParameterError, match=r"^scrb\(\): tol must be >= 0"):
        scrb(TUGame.from_costs(WASTEWATER), tol=-1)

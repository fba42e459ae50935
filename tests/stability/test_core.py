"""Core and least core: emptiness against an independent LP, membership and violations by brute force."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from coopgame import StructuredGame, TUGame, core, largest_core_violation, least_core
from coopgame.errors import InvalidGameError, InvalidParameterError
from coopgame.games.generators import random_convex_game, random_game
from tests.stability.reference import core_is_nonempty
from tests.strategies import lp_tu_values

WASTEWATER = [0, 230, 160, 350, 230, 460, 365, 556]
MAJORITY = [0, 0, 0, 1, 0, 1, 1, 1]

@settings(max_examples=50)
@given(lp_tu_values)
def test_least_core_epsilon_nonpositive_iff_core_nonempty(raw):
    v = np.asarray(raw, dtype=float)
    v[0] = 0.0
    lc = least_core(TUGame(v))
    scale = max(1.0, np.abs(v).max())
    if abs(lc.epsilon) > 1e-6 * scale:          # away from the boundary the two must agree
        assert (lc.epsilon <= 0) == core_is_nonempty(v)
        assert core(TUGame(v)).is_empty == (not core_is_nonempty(v))
    # the reported point meets every coalition within epsilon (plain loop)
    n = int(np.log2(v.size))
    for s in range(1, 2**n - 1):
        xs = sum(lc.allocation[i] for i in range(n) if (s >> i) & 1)
        assert v[s] - xs <= lc.epsilon + 1e-7 * scale
    assert abs(lc.allocation.sum() - v[-1]) <= 1e-7 * scale


def test_majority_game_has_empty_core():
    c = core(TUGame(MAJORITY))
    assert c.is_empty
    assert c.epsilon == pytest.approx(1 / 3)
    lc = least_core(TUGame(MAJORITY))
    assert lc.core_is_empty and lc.epsilon == pytest.approx(1 / 3)
    assert "EMPTY" in str(c)


def test_convex_game_core_contains_shapley_and_nucleolus():
    from coopgame import nucleolus, shapley_value
    g = random_convex_game(7, rng=2)
    c = core(g)
    assert not c.is_empty and c.epsilon < 0
    assert c.contains(shapley_value(g).allocation)
    assert c.contains(nucleolus(g).allocation)
    assert c.contains(c.point)


def test_wastewater_core_membership_in_cost_terms():
    g = TUGame.from_costs(WASTEWATER, players=["t1", "t2", "t3"])
    c = core(g)
    assert not c.is_empty
    assert c.contains(cost_shares=[210.5, 127.5, 218])
    assert c.contains(cost_shares=[210.33, 127.84, 217.83])        # Shapley cost shares [S-C01], rounded
    assert not c.contains(cost_shares=[250, 110, 196])             # town 1 pays more than alone
    worst = c.largest_violation(cost_shares=[250, 110, 196])
    assert worst.coalition == ("t1",) and worst.amount == pytest.approx(20.0)
    assert not c.contains(cost_shares=[200, 120, 200])             # not efficient


@pytest.mark.parametrize("seed", range(5))
def test_largest_violation_matches_brute_force(seed):
    g = random_game(5, rng=seed)
    x = np.random.default_rng(seed).uniform(0, 3, 5)
    worst = largest_core_violation(g, x)
    best_amount, best_s = -np.inf, None
    for s in range(1, 31):
        amount = g.values[s] - sum(x[i] for i in range(5) if (s >> i) & 1)
        if amount > best_amount:
            best_amount, best_s = amount, s
    assert worst.mask == best_s and worst.amount == pytest.approx(best_amount)


def test_structured_game_and_errors():
    g = StructuredGame([0.0, 0.0, 0.0], [[0, 1, 1], [1, 0, 1], [1, 1, 0]])
    assert not core(g).is_empty
    c = core(TUGame(MAJORITY))
    with pytest.raises(InvalidParameterError, match="shape"):
        c.contains([1.0, 0.0])
    with pytest.raises(InvalidParameterError, match="exactly one"):
        c.contains()
    with pytest.raises(InvalidParameterError, match="from_costs"):
        c.contains(cost_shares=[1, 0, 0])
    with pytest.raises(InvalidParameterError, match="tol"):
        c.contains([1, 0, 0], tol=-1)
    with pytest.raises(InvalidGameError):
        core({"A": 1})


def test_to_dict_leaves_out_the_game():
    d = core(TUGame(MAJORITY)).to_dict()
    assert "game" not in d and d["is_empty"] is True
    assert least_core(TUGame(MAJORITY)).to_dict()["epsilon"] == pytest.approx(1 / 3)

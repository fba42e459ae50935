"""Kohlberg's criterion: levels that keep the union's rank inherit balancedness.

The check solves an LP only at levels that raise the rank of the union. Here an
independent formulation tests *every* level with its own feasibility LP and the
two verdicts must agree, at nucleolus points (which pass) and at shifted points.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog

from coopgame import nucleolus
from coopgame.games.generators import random_convex_game, random_game
from coopgame.stability.kohlberg import kohlberg_check
from tests.stability.reference import members


def every_level_balanced(values, x, lower, tie_tol):
    """True iff every union of top excess levels is balanced, one LP per level, no shortcuts."""
    n = x.shape[0]
    m = members(n).astype(float)
    excess = values - m @ x
    proper = np.arange(1, 2**n - 1)
    order = proper[np.argsort(-excess[proper], kind="stable")]
    free = [] if lower is None else [i for i in range(n) if x[i] - lower[i] <= tie_tol]
    pos = 0
    while pos < len(order):
        end = pos
        while end < len(order) and excess[order[end]] >= excess[order[pos]] - tie_tol:
            end += 1
        union = order[:end]
        # λ_S >= 1 on the union, μ_i >= 0 on free singletons, coverage c free: Σ λ_S 1_S + μ = c·1.
        a_eq = np.hstack([m[union].T, np.eye(n)[:, free], -np.ones((n, 1))])
        bounds = [(1, None)] * len(union) + [(0, None)] * len(free) + [(None, None)]
        res = linprog(np.zeros(a_eq.shape[1]), A_eq=a_eq, b_eq=np.zeros(n), bounds=bounds, method="highs")
        if res.status != 0:
            return False
        if np.linalg.matrix_rank(m[union]) == n:
            return True
        pos = end
    return True


@pytest.mark.parametrize("n", [4, 5, 6])
@pytest.mark.parametrize("make", [random_convex_game, random_game])
def test_rank_shortcut_agrees_with_an_lp_at_every_level(n, make):
    rng = np.random.default_rng(100 + n)
    for _ in range(4):
        game = make(n, rng=int(rng.integers(1 << 30)))
        v = np.asarray(game.values)
        lower = v[1 << np.arange(n)]
        x = nucleolus(game).allocation
        tie = 1e-7 * max(1.0, np.abs(v).max())
        assert kohlberg_check(v, x, lower=lower, tie_atol=tie).passed
        assert every_level_balanced(v, x, lower, tie)
        for _ in range(3):
            shift = rng.normal(size=n)
            shift -= shift.mean()
            y = x + 0.05 * shift
            assert kohlberg_check(v, y, lower=lower, tie_atol=tie).passed == every_level_balanced(v, y, lower, tie)

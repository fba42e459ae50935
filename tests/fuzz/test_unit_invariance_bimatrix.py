"""Unit invariance of the bimatrix solvers (issue 12, DESIGN §5): a game and the same game in another money unit.

Every payoff multiplied by 1e-12, 1e-8, 1e8 or 1e12 must give the same equilibria (number,
supports, strategies to 1e-9), the same degeneracy flag and, for 2×2 games, the same regime and
class as the game itself. Tolerances are relative to the payoff scale with no floor, so this holds
on 1,000 random (real-valued) and 1,000 degenerate (small-integer, ties everywhere) games of
sizes 2×2 to 4×4, drawn from fixed seeds. The expected answer is the unscaled game's: the property
checked is the invariance itself, which no unit-dependent tolerance satisfies (the issue's
reproducers below failed it before the floor at 1 was removed).
"""

from __future__ import annotations

import numpy as np
import pytest

from coopgame import PairwiseGame, batch_equilibria_2x2, nash_equilibria
from coopgame.games.regimes import regimes_2x2, stable_profiles_2x2

FACTORS = (1e-12, 1e-8, 1e8, 1e12)
N_GAMES = 1000


def _games(kind: str, count: int = N_GAMES, seed: int = 12) -> list[tuple[np.ndarray, np.ndarray]]:
    """``count`` games of sizes 2×2 ... 4×4: normal floats (``"random"``) or integers in [-2, 2] (``"degenerate"``)."""
    rng = np.random.default_rng(seed + (kind == "degenerate"))
    games = []
    for _ in range(count):
        m, n = (int(v) for v in rng.integers(2, 5, size=2))
        if kind == "random":
            games.append((rng.normal(size=(m, n)), rng.normal(size=(m, n))))
        else:
            games.append((rng.integers(-2, 3, size=(m, n)).astype(float),
                          rng.integers(-2, 3, size=(m, n)).astype(float)))
    return games


def _matched(base: list, other: list, atol: float = 1e-9) -> bool:
    """One-to-one match of two equilibrium lists: same supports and strategies within ``atol``."""
    if len(base) != len(other):
        return False
    left = list(range(len(other)))
    for x, y in base:
        hit = next((k for k in left if np.array_equal(x > 0, other[k][0] > 0) and np.array_equal(y > 0, other[k][1] > 0)
                    and np.allclose(x, other[k][0], rtol=0, atol=atol)
                    and np.allclose(y, other[k][1], rtol=0, atol=atol)), None)
        if hit is None:
            return False
        left.remove(hit)
    return True


def _check_invariance(games: list[tuple[np.ndarray, np.ndarray]]) -> int:
    """Assert invariance for every game and factor; return how many games are degenerate."""
    degenerate = 0
    for k, (A, B) in enumerate(games):
        ref = nash_equilibria(PairwiseGame(A, B))
        degenerate += bool(ref.degenerate)
        for f in FACTORS:
            res = nash_equilibria(PairwiseGame(A * f, B * f))
            assert res.degenerate == ref.degenerate, (k, f, A, B)
            assert _matched(ref.equilibria, res.equilibria), (k, f, A, B, ref.equilibria, res.equilibria)
    return degenerate


def test_random_games_have_the_same_equilibria_in_every_unit():
    games = _games("random")
    assert _check_invariance(games) == 0   # real-valued random games are non-degenerate


def test_degenerate_games_have_the_same_equilibria_and_flag_in_every_unit():
    games = _games("degenerate")
    # Integer payoffs with ties: most of these games are degenerate, so the flag is really exercised.
    assert _check_invariance(games) > N_GAMES // 2


@pytest.mark.parametrize("kind", ["random", "degenerate"])
def test_two_by_two_regimes_classes_and_batch_are_unit_invariant(kind):
    rng = np.random.default_rng(7 + (kind == "degenerate"))
    shape = (N_GAMES, 2, 2)
    if kind == "random":
        A, B = rng.normal(size=shape), rng.normal(size=shape)
    else:
        A, B = rng.integers(-2, 3, size=shape).astype(float), rng.integers(-2, 3, size=shape).astype(float)
    codes = regimes_2x2(A, B)
    stable, ties = stable_profiles_2x2(A, B)
    batch = batch_equilibria_2x2(A, B)
    names = [PairwiseGame(a, b).classify().name for a, b in zip(A, B)]
    if kind == "degenerate":
        assert ties.sum() > N_GAMES // 2
    for f in FACTORS:
        np.testing.assert_array_equal(regimes_2x2(A * f, B * f), codes)
        s, t = stable_profiles_2x2(A * f, B * f)
        np.testing.assert_array_equal(s, stable)
        np.testing.assert_array_equal(t, ties)
        scaled = batch_equilibria_2x2(A * f, B * f)
        np.testing.assert_array_equal(scaled.flags, batch.flags)
        np.testing.assert_array_equal(scaled.degenerate, batch.degenerate)
        np.testing.assert_allclose(scaled.p, batch.p, rtol=0, atol=1e-9)
        np.testing.assert_allclose(scaled.q, batch.q, rtol=0, atol=1e-9)
        assert [PairwiseGame(a * f, b * f).classify().name for a, b in zip(A, B)] == names


def test_prisoners_dilemma_in_tiny_units_has_one_equilibrium():
    # Issue 12 reproducer: x1e-10 gave 4 profiles (every payoff difference below the floored tolerance).
    A = np.array([[3, 0], [5, 1.0]])
    res = nash_equilibria(PairwiseGame.from_arrays(A * 1e-10, A.T * 1e-10))
    assert res.pure() == [(1, 1)] and res.n_equilibria == 1 and not res.degenerate


@pytest.mark.parametrize("f", [1.0, 1e-8, 1e-12, 1e8, 1e12])
def test_near_tie_game_keeps_its_single_equilibrium(f):
    # Issue 12 reproducer: defecting beats cooperating by 1e-6 of the scale (above tol = 1e-9 relative);
    # x1e-8 gave 3 equilibria and "degenerate" when the tolerance was floored at 1.
    A = np.array([[1000, 0], [1000.001, 1]])
    g = PairwiseGame(A * f, A.T * f)
    res = nash_equilibria(g)
    assert res.pure() == [(1, 1)] and res.n_equilibria == 1 and res.degenerate is False
    assert str(g.classify().regime) == "defection dominant"


def test_all_zero_game_compares_exactly():
    # Scale 0: every tolerance is 0, every payoff ties, every pure profile is an (extreme) equilibrium.
    for m, n in ((2, 2), (2, 3), (3, 3)):
        res = nash_equilibria(PairwiseGame(np.zeros((m, n)), np.zeros((m, n))))
        assert res.degenerate and sorted(res.pure()) == [(i, j) for i in range(m) for j in range(n)]
    assert batch_equilibria_2x2(np.zeros((1, 2, 2)), np.zeros((1, 2, 2))).counts.tolist() == [4]

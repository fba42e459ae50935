"""Superadditivity and convexity against direct checks of the definitions."""

import itertools

import numpy as np
import pytest
from hypothesis import given

from coopgame import TUGame, check_convexity, check_superadditivity, is_convex, is_superadditive
from coopgame.errors import InvalidParameterError
from tests.strategies import tu_values


def _superadditive_brute(v):
    size = len(v)
    return min(v[s | t] - v[s] - v[t] for s in range(size) for t in range(size) if not s & t)


def _convex_brute(v):
    size = len(v)
    return min(v[s | t] + v[s & t] - v[s] - v[t] for s, t in itertools.product(range(size), repeat=2))


@given(tu_values(max_players=5))
def test_superadditivity_matches_definition(values):
    r = check_superadditivity(TUGame(values), tol=0.0)
    slack = _superadditive_brute(values)
    rounding = 1e-12 * max(1.0, np.abs(values).max())  # the two sides may sum in another order
    if abs(slack) > rounding:
        assert r.passed == (slack > 0)
    assert r.worst_violation == pytest.approx(max(-slack, 0.0), abs=rounding)


@given(tu_values(max_players=5))
def test_convexity_matches_definition(values):
    r = check_convexity(TUGame(values), tol=0.0)
    slack = _convex_brute(values)
    rounding = 1e-12 * max(1.0, np.abs(values).max())
    if abs(slack) > rounding:
        assert r.passed == (slack > 0)
    if not r.passed:
        s, t = (sum(1 << int(p) - 1 for p in c) for c in r.witness)
        v = values
        assert v[s | t] + v[s & t] - v[s] - v[t] == pytest.approx(-r.worst_violation, abs=1e-9)


def test_known_games():
    glove = TUGame([0, 0, 0, 1, 0, 1, 0, 1])
    assert is_superadditive(glove) and not is_convex(glove)
    cost = TUGame.from_costs([0, 230, 160, 350, 230, 460, 365, 556])  # savings games are superadditive here
    assert is_superadditive(cost)
    convex = TUGame(np.array([bin(m).count("1") ** 2 for m in range(2**7)], dtype=float))  # v = |S|^2
    assert is_convex(convex) and is_superadditive(convex)
    sub = TUGame([0, 1, 1, 1.5])
    r = check_superadditivity(sub)
    assert not r and r.worst_violation == pytest.approx(0.5) and set(r.witness) == {("1",), ("2",)}
    assert "no" in str(r)


def test_large_game_superadditivity_in_chunks():
    n = 14  # 3**14 pairs: exercises the chunking above 12 players
    v = np.array([bin(m).count("1") for m in range(2**n)], dtype=float)  # additive: tight everywhere
    assert is_superadditive(TUGame(v))
    v[2**n - 1] -= 1.0
    r = check_superadditivity(TUGame(v))
    assert not r.passed and r.worst_violation == pytest.approx(1.0)


def test_tolerance():
    g = TUGame([0, 1, 1, 2 - 1e-12])
    assert is_superadditive(g) and not is_superadditive(g, tol=0.0)
    with pytest.raises(InvalidParameterError, match="tol"):
        is_convex(g, tol=-1)

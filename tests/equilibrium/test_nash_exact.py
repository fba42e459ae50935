"""Exact confirmation in vertex enumeration: ill-conditioned games keep every equilibrium, to 1e-12.

Von Stengel's 6×6 bimatrix game with 75 equilibria (B. von Stengel, "New maximal numbers of
equilibria in bimatrix games", Discrete Comput. Geom. 21 (1999) 557-568; payoffs as in the Gambit
catalogue, ``catalog/games/journals/dcg/vonstengel1999/6x6_game_with_75_eq.nfg``, payoffs up to
1.7e6) made the float enumeration return 74: the fully mixed equilibrium sits on a basis whose
[1, 2]-rescaled determinant is 4.3e-15, and two others came back 2e-7 and 6.5e-7 off. The
reference equilibria here are computed independently, by support enumeration in exact rational
arithmetic (``fractions``) on the integer payoffs; the game is non-degenerate, so equal-size
supports find every equilibrium.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations

import numpy as np
import pytest

from coopgame import PairwiseGame, batch_equilibria_2x2, nash_equilibria
from coopgame.equilibrium import _compiled

# Gambit's .nfg payoff list: (u1, u2) per profile, the row player's strategy varying fastest.
_NFG_75 = """9504 72336 -111771 -461736 397584 1227336 171204 -1718376 1303104 1303104 737154 -453420 -660 48081
31680 -300036 -113850 774576 -45936 -1039236 -453420 737154 -227040 -227040 19976 29216 -130944 -178761 451176
451176 208626 -586476 1227336 397584 774576 -113850 -20526 14124 168124 -84436 -586476 208626 -263076 -263076
-1718376 171204 -1039236 -45936 1776 1776 -8514 -8976 29216 19976 14124 -20526 72336 9504 48081 -660 -8976
-8514 52764 52764 -178761 -130944 -84436 168124 -461736 -111771 -300036 31680"""

# The small-payoff version of the same game (Savani and von Stengel 2006), Gambit's
# ``6x6_game_with_75_eq_small_payoffs.nfg``: outcome k is profile k, row strategy fastest.
_NFG_75_SMALL = [(-81, 72), (-180, -180), (20, 297), (-30, -333), (270, 270), (90, -153), (36, 36), (72, -81),
                 (-3, 126), (17, -126), (-153, 90), (-36, -36), (-126, 17), (-333, -30), (42, 42), (-33, -33),
                 (297, 20), (126, -3), (126, -3), (297, 20), (-33, -33), (42, 42), (-333, -30), (-126, 17),
                 (-36, -36), (-153, 90), (17, -126), (-3, 126), (72, -81), (36, 36), (90, -153), (270, 270),
                 (-30, -333), (20, 297), (-180, -180), (-81, 72)]


def _game(pairs) -> tuple[list[list[int]], list[list[int]]]:
    A = [[0] * 6 for _ in range(6)]
    B = [[0] * 6 for _ in range(6)]
    for p, (u, v) in enumerate(pairs):
        A[p % 6][p // 6], B[p % 6][p // 6] = u, v
    return A, B


def _big_game():
    values = [int(v) for v in _NFG_75.split()]
    return _game(list(zip(values[::2], values[1::2])))


def _solve(M: list[list[Fraction]], rhs: list[Fraction]) -> list[Fraction] | None:
    """Gauss-Jordan elimination in Fractions; None when singular."""
    n = len(M)
    a = [row[:] + [b] for row, b in zip(M, rhs)]
    for col in range(n):
        piv = next((r for r in range(col, n) if a[r][col] != 0), None)
        if piv is None:
            return None
        a[col], a[piv] = a[piv], a[col]
        for r in range(n):
            if r != col and a[r][col] != 0:
                f = a[r][col] / a[col][col]
                a[r] = [u - f * w for u, w in zip(a[r], a[col])]
    return [a[i][n] / a[i][i] for i in range(n)]


def _indifferent_mix(P, rows, cols):
    """Mix q on ``cols`` making every row in ``rows`` indifferent under P (rows x cols); (q, value) or None."""
    k = len(cols)
    M = [[Fraction(P[i][j]) for j in cols] + [Fraction(-1)] for i in rows] + [[Fraction(1)] * k + [Fraction(0)]]
    sol = _solve(M, [Fraction(0)] * k + [Fraction(1)])
    return None if sol is None else (sol[:k], sol[k])


def exact_equilibria(A, B) -> list[tuple[list[Fraction], list[Fraction]]]:
    """Every equilibrium of a non-degenerate game, by support enumeration in exact arithmetic."""
    m, n = len(A), len(A[0])
    BT = [list(col) for col in zip(*B)]
    found = []
    for k in range(1, min(m, n) + 1):
        for S in combinations(range(m), k):
            for T in combinations(range(n), k):
                ys = _indifferent_mix(A, S, T)        # column mix making the row player indifferent on S
                xs = _indifferent_mix(BT, T, S)       # row mix making the column player indifferent on T
                if ys is None or xs is None or min(ys[0]) <= 0 or min(xs[0]) <= 0:
                    continue
                y = [Fraction(0)] * n
                x = [Fraction(0)] * m
                for j, v in zip(T, ys[0]):
                    y[j] = v
                for i, v in zip(S, xs[0]):
                    x[i] = v
                if all(sum(A[i][j] * y[j] for j in range(n)) <= ys[1] for i in range(m)) and \
                        all(sum(x[i] * B[i][j] for i in range(m)) <= xs[1] for j in range(n)):
                    found.append((x, y))
    return found


@pytest.fixture(scope="module")
def reference_75():
    A, B = _big_game()
    return A, B, exact_equilibria(A, B)


def _assert_all_exact(res, reference, atol=1e-12):
    assert res.n_equilibria == len(reference) == 75
    left = list(range(len(reference)))
    for x, y in res.equilibria:
        hit = next((k for k in left if np.abs(x - np.array(reference[k][0], dtype=float)).max() <= atol
                    and np.abs(y - np.array(reference[k][1], dtype=float)).max() <= atol), None)
        assert hit is not None, (x, y)
        left.remove(hit)


def test_reference_has_the_published_fully_mixed_equilibrium(reference_75):
    _, _, ref = reference_75
    F = Fraction
    x = [F(132, 245), F(66, 245), F(6, 49), F(12, 245), F(4, 245), F(1, 245)]
    y = [F(4, 245), F(1, 245), F(6, 49), F(12, 245), F(132, 245), F(66, 245)]
    assert len(ref) == 75 and (x, y) in ref


@pytest.mark.parametrize("compiled", [True, False])
def test_von_stengel_75_equilibria_each_within_1e_12(reference_75, compiled):
    A, B, ref = reference_75
    _compiled.ENABLED, before = compiled and _compiled.ENABLED, _compiled.ENABLED
    try:
        res = nash_equilibria(PairwiseGame(A, B))
    finally:
        _compiled.ENABLED = before
    assert res.complete and res.degenerate is False
    _assert_all_exact(res, ref)


@pytest.mark.parametrize("factor", [1e-12, 1e-8, 1e8, 1e12])
def test_von_stengel_75_equilibria_in_any_unit(reference_75, factor):
    A, B, ref = reference_75
    res = nash_equilibria(PairwiseGame(np.array(A) * factor, np.array(B) * factor))
    _assert_all_exact(res, ref, atol=1e-11)   # the scaled payoffs are rounded: 1e-11 leaves room for it


def test_small_payoff_version_also_has_75():
    A, B = _game(_NFG_75_SMALL)
    ref = exact_equilibria(A, B)
    res = nash_equilibria(PairwiseGame(A, B))
    _assert_all_exact(res, ref)


@pytest.mark.parametrize("value", [1e308, 1.7e308, 1e-300, 5e-324 * 3])
def test_games_near_the_float_limits_give_the_mixed_equilibrium(value):
    # Matching pennies-like (B = -A) at the edge of the float range: 1e308 - (-1e308) overflows,
    # which gave NaN equilibria and missed the mixed one although complete=True.
    M = np.array([[1.0, -1.0], [-1.0, 1.0]]) * value
    res = nash_equilibria(PairwiseGame.from_arrays(M))
    assert res.complete and res.n_equilibria == 1
    x, y = res.equilibria[0]
    assert np.array_equal(x, [0.5, 0.5]) and np.array_equal(y, [0.5, 0.5])
    assert np.all(np.isfinite(res.regrets)) and np.all(np.isfinite(res.payoffs))
    R = np.array([[0.0, -1.0, 1.0], [1.0, 0.0, -1.0], [-1.0, 1.0, 0.0]]) * value   # rock-paper-scissors
    res = nash_equilibria(PairwiseGame.from_arrays(R))
    assert res.n_equilibria == 1 and np.allclose(res.equilibria[0][0], 1 / 3, rtol=0, atol=1e-15)


def test_batch_near_the_float_maximum_has_no_nan():
    rng = np.random.default_rng(12)
    A = rng.uniform(-1.0, 1.0, size=(20_000, 2, 2)) * 1.7e308
    B = rng.uniform(-1.0, 1.0, size=(20_000, 2, 2)) * 1.7e308
    res = batch_equilibria_2x2(A, B)
    mixed_p = res.flags[:, 6:].any(axis=1)
    mixed_q = res.flags[:, [4, 5, 8]].any(axis=1)
    assert not np.isnan(res.p[mixed_p]).any() and not np.isnan(res.q[mixed_q]).any()
    assert ((res.p[mixed_p] >= 0) & (res.p[mixed_p] <= 1)).all()
    assert (res.counts >= 1).all() and res.flags[:, 8].sum() > 1000
    # The same games one by one (the same closed form): identical slots and mixes.
    for g in range(0, 20_000, 97):
        one = nash_equilibria(PairwiseGame(A[g], B[g]))
        assert len(one.equilibria) == res.counts[g]
        for (x, y), (u, v) in zip(one.equilibria, res.equilibria(g)):
            assert np.array_equal(x, u) and np.array_equal(y, v)

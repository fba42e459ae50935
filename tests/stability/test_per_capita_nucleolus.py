"""The per-capita nucleolus (Grotte 1970): excess (v(S) - x(S)) / |S| minimised lexicographically.

Known answers worked by hand, an independent sequential LP written here with
scipy's linprog, a grid search over efficient allocations (n = 3), and the
theory's properties.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.optimize import linprog

from coopgame import StructuredGame, TUGame
from coopgame.errors import UnknownMethodError
from coopgame.games.generators import random_convex_game, random_game
from coopgame.stability.kohlberg import kohlberg_check
from coopgame.stability.lexicographic import nucleolus

WASTEWATER = [0, 230, 160, 350, 230, 460, 365, 556]   # literature/03 §3.2 [S-C01], cost game of three towns
_OPTS = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10}


# ----------------------------------------------------------------- independent brute force (plain loops)
def _indicator(s: int, n: int) -> list[float]:
    return [float((s >> i) & 1) for i in range(n)]


def _size(s: int) -> int:
    return bin(s).count("1")


def _per_capita_excesses(v, x) -> np.ndarray:
    """(v(S) - x(S)) / |S| for every proper non-empty coalition, largest first (loops)."""
    n = len(x)
    out = [(v[s] - sum(x[i] for i in range(n) if (s >> i) & 1)) / _size(s) for s in range(1, 2**n - 1)]
    return np.sort(out)[::-1]


def _slow_per_capita_nucleolus(v, *, imputations: bool = True) -> np.ndarray:
    """Sequential LPs over all coalitions; a coalition is fixed when an extra LP shows its per-capita
    excess cannot fall below the stage level on the optimal face (no dual information used)."""
    v = np.asarray(v, dtype=float)
    n = int(np.log2(v.size))
    full = 2**n - 1
    fixed: list[tuple[int, float]] = []
    free = list(range(1, full))
    bounds = [(v[1 << i], None) if imputations else (None, None) for i in range(n)] + [(None, None)]
    while True:
        a_ub = np.array([[-c / _size(s) for c in _indicator(s, n)] + [-1.0] for s in free])
        b_ub = np.array([-v[s] / _size(s) for s in free])
        a_eq = np.array([_indicator(full, n) + [0.0]] + [_indicator(s, n) + [0.0] for s, _ in fixed])
        b_eq = np.array([v[full]] + [v[s] - _size(s) * t for s, t in fixed])
        c = np.zeros(n + 1)
        c[n] = 1.0
        res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs", options=_OPTS)
        assert res.status == 0, res.message
        t_star = res.x[n]
        newly = []
        for s in free:
            # maximise x(S) on the face {t = t_star}: S is fixed iff its excess stays at t_star
            r2 = linprog(-np.array(_indicator(s, n) + [0.0]), A_ub=a_ub, b_ub=b_ub + 1e-9, A_eq=a_eq, b_eq=b_eq,
                         bounds=bounds[:n] + [(t_star, t_star)], method="highs", options=_OPTS)
            assert r2.status == 0, r2.message
            if (v[s] + r2.fun) / _size(s) >= t_star - 1e-8:
                newly.append(s)
        assert newly
        fixed += [(s, t_star) for s in newly]
        basis = np.array([_indicator(full, n)] + [_indicator(s, n) for s, _ in fixed])
        rank = np.linalg.matrix_rank(basis)
        if rank == n:
            rhs = np.array([v[full]] + [v[s] - _size(s) * t for s, t in fixed])
            return np.linalg.lstsq(basis, rhs, rcond=None)[0]
        free = [s for s in free if s not in newly
                and np.linalg.matrix_rank(np.vstack([basis, _indicator(s, n)])) > rank]


def _lex_not_better(candidate: np.ndarray, best: np.ndarray, tol: float) -> bool:
    """Sorted (decreasing) excess vector ``candidate`` is not lexicographically smaller than ``best``."""
    diff = candidate - best
    big = np.flatnonzero(np.abs(diff) > tol)
    return big.size == 0 or diff[big[0]] > 0


# ----------------------------------------------------------------- known answers
def test_young_1985_example_by_hand():
    # Young (1985), Cost Allocation: Methods, Principles, Applications, p. 68 (the per-capita example
    # also used in R CoopGame's perCapitaNucleolus docs): v(13) = 9, v(23) = 10, v(N) = 12, all else 0.
    # By hand: stage 1 equalises -x1 and (v(23) - x2 - x3)/2 = (x1 - 2)/2, so x1 = 2/3 at level -2/3;
    # stage 2 equalises (v(12) - x1 - x2)/2 = (-2/3 - x2)/2 and (9 - x1 - x3)/2 with x2 + x3 = 34/3:
    # x2 = 7/6, x3 = 61/6, level -11/12.
    v = np.zeros(8)
    v[0b101], v[0b110], v[0b111] = 9.0, 10.0, 12.0
    for method in ("constraint-generation", "dense"):
        res = nucleolus(TUGame(v), excess="per-capita", method=method)
        np.testing.assert_allclose(res.allocation, [2 / 3, 7 / 6, 61 / 6], atol=1e-9)
        np.testing.assert_allclose(res.stage_levels, [-2 / 3, -11 / 12], atol=1e-9)
        assert res.parameters["excess"] == "per-capita"
        assert res.concept == "per-capita nucleolus"
        assert res.kohlberg_passed
    # the standard nucleolus of this game is a different point
    assert not np.allclose(nucleolus(TUGame(v)).allocation, [2 / 3, 7 / 6, 61 / 6], atol=1e-3)


def test_wastewater_per_capita_by_hand():
    # Savings game of literature/03 §3.2: v(12) = 40, v(13) = 0, v(23) = 25, v(N) = 64.
    # Stage 1: -x3 <= t and (40 - x1 - x2)/2 = (x3 - 24)/2 <= t give x3 = 8, t = -8.
    # Stage 2 (x1 + x2 = 56): (0 - x1 - 8)/2 = (25 - x2 - 8)/2, so x1 = 15.5, x2 = 40.5, level -11.75.
    # (The standard nucleolus is (19.5, 32.5, 12).)
    res = nucleolus(TUGame.from_costs(WASTEWATER), excess="per-capita")
    np.testing.assert_allclose(res.allocation, [15.5, 40.5, 8.0], atol=1e-9)
    np.testing.assert_allclose(res.cost_shares, [214.5, 119.5, 222.0], atol=1e-9)
    np.testing.assert_allclose(res.stage_levels, [-8.0, -11.75], atol=1e-9)


def test_default_is_the_standard_nucleolus():
    g = TUGame.from_costs(WASTEWATER)
    res = nucleolus(g)
    assert res.parameters["excess"] == "standard" and res.concept == "nucleolus"
    np.testing.assert_allclose(res.allocation, [19.5, 32.5, 12.0], atol=1e-9)
    np.testing.assert_allclose(nucleolus(g, excess="standard").allocation, res.allocation, atol=0)


# ----------------------------------------------------------------- brute force
@pytest.mark.parametrize("seed", range(8))
def test_agrees_with_slow_sequential_lp(seed):
    rng = np.random.default_rng(seed)
    n = 3 + seed % 2
    values = random_game(n, rng=rng).values if seed % 3 else random_convex_game(n, rng=rng).values
    res = nucleolus(TUGame(values), excess="per-capita")
    np.testing.assert_allclose(res.allocation, _slow_per_capita_nucleolus(values), atol=1e-7)
    assert res.kohlberg_passed


@pytest.mark.parametrize("seed", range(4))
def test_preimputation_variant_agrees_with_slow_lp(seed):
    rng = np.random.default_rng(100 + seed)
    values = rng.integers(-5, 15, size=16).astype(float)
    values[0] = 0.0
    res = nucleolus(TUGame(values), excess="per-capita", domain="preimputations")
    np.testing.assert_allclose(res.allocation, _slow_per_capita_nucleolus(values, imputations=False), atol=1e-7)
    assert res.concept == "per-capita pre-nucleolus"


@pytest.mark.parametrize("seed", range(3))
def test_no_grid_point_is_lexicographically_better(seed):
    # A grid of efficient allocations of step 1/8 around the answer; none has a smaller sorted
    # per-capita excess vector (plain loops over coalitions for the excesses).
    rng = np.random.default_rng(200 + seed)
    values = np.concatenate([[0.0], rng.integers(0, 12, size=7).astype(float)])
    values[[1, 2, 4]] = 0.0                               # v({i}) = 0: the imputations are x >= 0
    values[7] = max(values[7], values[1:7].max())
    res = nucleolus(TUGame(values), excess="per-capita")
    best = _per_capita_excesses(values, res.allocation)
    step = 0.125
    grid = np.arange(-4, 5) * step
    for d1, d2 in itertools.product(grid, grid):
        x = res.allocation + np.array([d1, d2, -d1 - d2])
        if np.any(x < -1e-12):
            continue
        assert _lex_not_better(_per_capita_excesses(values, x), best, 1e-9), x


def test_two_players_split_the_surplus_equally():
    # n = 2: the per-capita and standard nucleoli both give each v({i}) plus half the surplus
    res = nucleolus(TUGame([0, 1.0, 3.0, 10.0]), excess="per-capita")
    np.testing.assert_allclose(res.allocation, [4.0, 6.0], atol=1e-9)


# ----------------------------------------------------------------- theory
@pytest.mark.parametrize("seed", range(5))
def test_in_core_when_core_nonempty(seed):
    # The per-capita least-core value is <= 0 exactly when the core is non-empty, and the answer
    # attains it, so it lies in the core (convex games have one).
    values = random_convex_game(5, rng=seed).values
    x = nucleolus(TUGame(values), excess="per-capita").allocation
    for s in range(1, 31):
        assert sum(x[i] for i in range(5) if (s >> i) & 1) >= values[s] - 1e-8 * np.abs(values).max()


def test_symmetric_game_gives_equal_split():
    n = 5
    by_size = [0.0, 0.0, 3.0, 7.0, 8.0, 15.0]
    values = np.array([by_size[_size(s)] for s in range(2**n)])
    res = nucleolus(TUGame(values), excess="per-capita")
    np.testing.assert_allclose(res.allocation, np.full(n, 3.0), atol=1e-9)


@pytest.mark.parametrize("factor", [1e-6, 3.0, 1e7])
def test_rescaling_invariance(factor):
    values = random_game(4, rng=7).values
    base = nucleolus(TUGame(values), excess="per-capita").allocation
    np.testing.assert_allclose(nucleolus(TUGame(values * factor), excess="per-capita").allocation / factor, base,
                               atol=1e-8)


def test_covariant_under_additive_games():
    # adding a(S) to every v(S) leaves the excess of x + a unchanged, so the answer moves by a
    values = random_game(4, rng=11).values
    a = np.array([1.0, -2.0, 0.5, 3.0])
    shifted = values + np.array([sum(a[i] for i in range(4) if (s >> i) & 1) for s in range(16)])
    np.testing.assert_allclose(nucleolus(TUGame(shifted), excess="per-capita").allocation,
                               nucleolus(TUGame(values), excess="per-capita").allocation + a, atol=1e-8)


def test_relabelling_players_permutes_the_answer():
    values = random_game(4, rng=3).values
    perm = [2, 0, 3, 1]
    w = np.empty_like(values)
    for s in range(16):
        w[sum(1 << perm[i] for i in range(4) if (s >> i) & 1)] = values[s]
    x = nucleolus(TUGame(values), excess="per-capita").allocation
    y = nucleolus(TUGame(w), excess="per-capita").allocation
    np.testing.assert_allclose(y[perm], x, atol=1e-8)


def test_structured_game_and_dense_method_agree():
    g = StructuredGame([1.0, 2.0, 0.5, 0.0], [[0, 1, 0, 2], [1, 0, 3, 0], [0, 0, 0, 1], [2, 0, 1, 0]])
    a = nucleolus(g, excess="per-capita")
    b = nucleolus(g.to_tu(), excess="per-capita", method="dense")
    np.testing.assert_allclose(a.allocation, b.allocation, atol=1e-8)


def test_kohlberg_on_per_capita_levels_rejects_the_standard_nucleolus():
    # The certificate is Kohlberg's test of the per-capita level sets, i.e. of x in the game
    # v'(S) = x(S) + (v(S) - x(S)) / |S| (built here with loops). It passes at the per-capita answer
    # and fails at the standard nucleolus, a different point.
    g = TUGame.from_costs(WASTEWATER)
    v = g.values

    def per_capita_check(x):
        w = np.array([0.0] + [sum(x[i] for i in range(3) if (s >> i) & 1)
                              + (v[s] - sum(x[i] for i in range(3) if (s >> i) & 1)) / _size(s) for s in range(1, 8)])
        return kohlberg_check(w, np.asarray(x), lower=np.zeros(3), tie_atol=1e-9)

    pc = nucleolus(g, excess="per-capita")
    assert pc.kohlberg_passed and per_capita_check(pc.allocation).passed
    standard = nucleolus(g).allocation
    assert not per_capita_check(standard).passed
    assert kohlberg_check(v, standard, lower=np.zeros(3), tie_atol=1e-9).passed


def test_bad_excess_is_refused():
    with pytest.raises(UnknownMethodError, match=r"^nucleolus\(\): excess must be one of .*'per capita'"):
        nucleolus(TUGame.from_costs(WASTEWATER), excess="per capita")
    with pytest.raises(UnknownMethodError, match=r"^nucleolus\(\): excess"):
        nucleolus(TUGame.from_costs(WASTEWATER), excess=None)


def test_summary_says_per_capita():
    text = str(nucleolus(TUGame.from_costs(WASTEWATER), excess="per-capita").summary())
    assert text.startswith("Per-capita nucleolus") and "per-capita" in text

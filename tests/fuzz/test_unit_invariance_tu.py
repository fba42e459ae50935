"""Unit invariance of the cooperative solvers: a TU game and the same game ×1e-12 … ×1e12 get the same answers.

Every answer is either a verdict (core empty, convex, superadditive, Kohlberg
passed), which must not change with the money unit, or a payoff quantity
(least-core ε, nucleolus, pre-nucleolus, Shapley, Banzhaf), which must scale
with it, to 1e-9 of the game's payoff scale. The unscaled answers are checked
against independent computations (the slow all-coalition LP nucleolus of
``tests/stability/reference.py``, Shapley by permutations, Banzhaf by subsets,
an explicit feasibility LP for the core), so a solver that is invariant but
wrong fails too.

Games: random ones (3..6 players) and degenerate ones: small integers with
many ties, zero-normalised games (``v({i}) = 0``), empty-core games, the
all-zero game.
"""

from __future__ import annotations

import numpy as np
import pytest

import coopgame as cg
from tests.cooperative.reference import banzhaf_by_subsets, shapley_by_permutations
from tests.stability.reference import core_is_nonempty, reference_nucleolus

SCALES = (1e-12, 1e-8, 1e8, 1e12)
REL = 1e-9


def _popcounts(n: int) -> np.ndarray:
    return np.array([bin(m).count("1") for m in range(2**n)])


def _random_game(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    n = 3 + seed % 4
    v = rng.uniform(0.0, 1.0, 2**n) * _popcounts(n) ** rng.uniform(0.8, 1.6)
    v[0] = 0.0
    return v


def _degenerate_game(seed: int) -> np.ndarray:
    rng = np.random.default_rng(1000 + seed)
    n = 3 + seed % 4
    size = _popcounts(n)
    kind = seed % 4
    if kind == 0:          # small integers: many ties between excesses
        v = rng.integers(0, 4, 2**n).astype(float)
    elif kind == 1:        # zero-normalised: singletons worth 0, integer worths
        v = rng.integers(0, 3, 2**n).astype(float) * (size - 1)
        v[size == 1] = 0.0
    elif kind == 2:        # empty core: a majority-like game (any coalition above half wins 1)
        v = (size > n / 2).astype(float)
        v[-1] = 1.0
    else:                  # a symmetric integer game v(S) = |S|^2 - |S| (convex, ties everywhere)
        v = (size * size - size).astype(float)
    v[0] = 0.0
    return v


GAMES = [("random", s, _random_game(s)) for s in range(40)] + [("degenerate", s, _degenerate_game(s))
                                                                for s in range(40)]
GAMES.append(("all-zero", 0, np.zeros(8)))


def _close(a, b, scale: float) -> bool:
    return bool(np.allclose(a, b, rtol=0.0, atol=REL * max(scale, 1e-300)))


@pytest.mark.parametrize("kind,seed,v", GAMES, ids=[f"{k}-{s}" for k, s, _ in GAMES])
def test_core_least_core_and_nucleolus_scale_with_the_unit(kind: str, seed: int, v: np.ndarray) -> None:
    g = cg.TUGame(v)
    s = float(np.abs(v).max())
    base_core = cg.core(g)
    assert base_core.is_empty == (not core_is_nonempty(v))  # independent feasibility LP
    base_pre = cg.nucleolus(g, domain="preimputations")
    imputations = v[1 << np.arange(g.n_players)].sum() <= v[-1]
    base_nuc = cg.nucleolus(g) if imputations else None
    if s > 0:
        assert _close(base_pre.allocation, reference_nucleolus(v, imputations=False), s)
        if imputations:
            assert _close(base_nuc.allocation, reference_nucleolus(v, imputations=True), s)
    for c in SCALES:
        w = cg.TUGame(v * c)
        assert cg.core(w).is_empty == base_core.is_empty, c
        lc = cg.least_core(w)
        assert lc.core_is_empty == base_core.is_empty, c
        assert abs(lc.epsilon - c * base_core.epsilon) <= REL * c * max(s, 1e-300), c
        pre = cg.nucleolus(w, domain="preimputations")
        assert _close(pre.allocation, c * base_pre.allocation, c * s), c
        assert pre.kohlberg_passed and base_pre.kohlberg_passed, c
        if imputations:
            nuc = cg.nucleolus(w)
            assert _close(nuc.allocation, c * base_nuc.allocation, c * s), c
            assert nuc.kohlberg_passed == base_nuc.kohlberg_passed is True, c


@pytest.mark.parametrize("kind,seed,v", GAMES, ids=[f"{k}-{s}" for k, s, _ in GAMES])
def test_values_and_properties_scale_with_the_unit(kind: str, seed: int, v: np.ndarray) -> None:
    g = cg.TUGame(v)
    s = float(np.abs(v).max())
    phi = shapley_by_permutations(v)
    beta = banzhaf_by_subsets(v)
    assert _close(cg.shapley_value(g).allocation, phi, s)
    assert _close(cg.banzhaf_value(g).allocation, beta, s)
    convex, superadditive = cg.is_convex(g), cg.is_superadditive(g)
    for c in SCALES:
        w = cg.TUGame(v * c)
        assert _close(cg.shapley_value(w).allocation, c * phi, c * s), c
        assert _close(cg.banzhaf_value(w).allocation, c * beta, c * s), c
        assert cg.is_convex(w) == convex, c
        assert cg.is_superadditive(w) == superadditive, c


def test_batch_values_scale_with_the_unit() -> None:
    batch = np.stack([_random_game(4 * k) for k in range(4)])   # all with 3 players
    phi = np.array([shapley_by_permutations(row) for row in batch])
    for c in (1.0,) + SCALES:
        got = cg.shapley_values(batch * c).allocations
        assert np.allclose(got, c * phi, rtol=0.0, atol=REL * c * np.abs(batch).max())


def test_majority_game_nucleolus_at_1e_10() -> None:
    """The reproducer: (1/3, 1/3, 1/3) × 1e-10 by symmetry (the nucleolus is unique and symmetric)."""
    v = np.array([0, 0, 0, 1, 0, 1, 1, 1.0]) * 1e-10
    res = cg.nucleolus(cg.TUGame(v))
    assert np.allclose(res.allocation, np.full(3, 1e-10 / 3), rtol=1e-12, atol=0.0)
    assert res.kohlberg_passed
    assert abs(res.epsilon - 1e-10 / 3) <= 1e-12 * 1e-10


@pytest.mark.parametrize("c", (1.0,) + SCALES)
def test_kohlberg_fails_on_a_wrong_point_at_every_scale(c: float) -> None:
    """Kohlberg's criterion rejects (0.5, 0.25, 0.25) in the majority game at any unit: its top level {2,3}
    alone (excess 1/2) is not balanced. The tolerance is relative (default), so 1e-10 payoffs do not all tie."""
    from coopgame.stability.kohlberg import kohlberg_check

    v = np.array([0, 0, 0, 1, 0, 1, 1, 1.0]) * c
    wrong = np.array([0.5, 0.25, 0.25]) * c
    right = np.full(3, c / 3)
    assert not kohlberg_check(v, wrong, lower=np.zeros(3)).passed
    assert not kohlberg_check(v, wrong, lower=None).passed
    assert kohlberg_check(v, right, lower=np.zeros(3)).passed


def test_core_of_a_slightly_negative_grand_coalition_is_empty() -> None:
    """v(N) = -1e-12 < 0 = v({1}) + v({2}): no efficient vector is individually rational, at any scale."""
    for c in (1.0, 1e12, 1e-12 * 1e300):
        assert cg.core(cg.TUGame(np.array([0, 0, 0, -1e-12]) * c)).is_empty
    assert not cg.core(cg.TUGame([0, 0, 0, 0.0])).is_empty  # the all-zero game: the core is {0}


@pytest.mark.parametrize("seed", range(6))
def test_alpha_game_of_an_ncity_model_scales_with_the_unit(seed: int) -> None:
    """Integer parameters make many marginal gains exactly zero (ties the alpha kernel must read the same way
    at every unit): the worths must scale exactly with the parameters, and so must its Shapley value."""
    rng = np.random.default_rng(seed)
    n = 3 + seed % 3
    off = 1 - np.eye(n)
    kw = {"cost": rng.integers(1, 4, n).astype(float), "reward": rng.integers(0, 3, n).astype(float),
          "synergy": rng.integers(0, 3, (n, n)) * off, "spillover": rng.integers(0, 2, (n, n)) * off}
    base = cg.NCityGame(**kw).tu_game()
    s = float(np.abs(base.values).max())
    for c in SCALES:
        game = cg.NCityGame(**{k: x * c for k, x in kw.items()}).tu_game()
        assert _close(game.values, c * base.values, c * s), c
        assert _close(cg.shapley_value(game).allocation, c * cg.shapley_value(base).allocation, c * s), c


@pytest.mark.parametrize("factor", [1e-12, 1e-8, 1.0, 1e8, 1e12, 7e-3])
def test_largest_core_violation_names_the_same_coalition_in_every_unit(factor):
    """At x = (0.1, 0.2, 0.7) every pair gains exactly 0.1 by leaving (v(pair) = x(pair) + 0.1, by hand), but in
    floating point the three excesses differ in the last bits, and which is largest changes with the unit (the
    plain argmax gave {1, 3} at x1 and {1, 2} at x1e8). The answer is the smallest tied coalition, then the
    lowest mask: {1, 2} in every unit."""
    values = np.array([0, 0, 0, 0.3 + 0.1, 0, 0.8 + 0.1, 0.9 + 0.1, 1.0]) * factor
    worst = cg.largest_core_violation(cg.TUGame(values), np.array([0.1, 0.2, 0.7]) * factor)
    assert worst.coalition == ("1", "2") and worst.mask == 3
    assert worst.amount == pytest.approx(0.1 * factor, rel=1e-9)

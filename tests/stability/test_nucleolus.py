"""The nucleolus: known answers, an independent slow LP formulation, and the theory's properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopgame import StructuredGame, TUGame, nucleolus
from coopgame.errors import InvalidGameError, InvalidParameterError, UnknownMethodError
from coopgame.games.generators import random_convex_game, random_game
from coopgame.stability.kohlberg import kohlberg_check
from tests.stability.reference import (
    core_is_nonempty,
    permuted,
    reference_nucleolus,
    sorted_excesses,
)
from tests.strategies import lp_tu_values

WASTEWATER = [0, 230, 160, 350, 230, 460, 365, 556]   # literature/03 §3.2 [S-C01]


# ---------------------------------------------------------------- known answers
def test_wastewater_nucleolus_by_hand():
    # Worked by hand: stage 1 forces x3 = 12 and x1 + x2 = 52 (from x3 >= t, x1 + x2 >= 40 + t,
    # sum 64); stage 2 maximises min(x1, 39 - x1) -> x1 = 19.5. Savings (19.5, 32.5, 12),
    # cost shares (210.5, 127.5, 218).
    res = nucleolus(TUGame.from_costs(WASTEWATER, players=["t1", "t2", "t3"]))
    np.testing.assert_allclose(res.allocation, [19.5, 32.5, 12.0], atol=1e-9)
    np.testing.assert_allclose(res.cost_shares, [210.5, 127.5, 218.0], atol=1e-9)
    np.testing.assert_allclose(res.stage_levels, [-12.0, -19.5], atol=1e-9)
    assert res.kohlberg_passed


def test_wastewater_literature_figure_is_not_the_nucleolus():
    # literature/03 §3.2 lists the nucleolus as savings (27, 25, 12) / costs 203/135/218 [D].
    # That point has the same smallest savings (12) but a worse third one (12 < 19.5), so it is
    # lexicographically dominated; the literature's derivation fixed {2,3} at stage 1, which the
    # LP does not force. Checked with plain loops, independent of the solver.
    v = TUGame.from_costs(WASTEWATER).values
    theirs = sorted_excesses(v, [27.0, 25.0, 12.0])
    ours = sorted_excesses(v, [19.5, 32.5, 12.0])
    assert theirs[0] == ours[0] == -12.0
    first_difference = np.flatnonzero(theirs != ours)[0]
    assert ours[first_difference] < theirs[first_difference]     # smaller excess = better
    assert not kohlberg_check(v, np.array([27.0, 25.0, 12.0]), lower=np.zeros(3), tie_atol=1e-9).passed


def test_two_players_split_the_surplus_equally():
    res = nucleolus(TUGame([0, 1.0, 3.0, 10.0]))
    np.testing.assert_allclose(res.allocation, [4.0, 6.0], atol=1e-9)


def test_one_player():
    res = nucleolus(TUGame([0, 5.0]))
    assert res.allocation.tolist() == [5.0]
    assert res.kohlberg_passed


def test_glove_game_gives_everything_to_the_scarce_side():
    # Left-glove owner 1, right-glove owners 2 and 3: the core is the single point (1, 0, 0).
    res = nucleolus(TUGame([0, 0, 0, 1, 0, 1, 0, 1]))
    np.testing.assert_allclose(res.allocation, [1.0, 0.0, 0.0], atol=1e-9)


def test_structured_game_is_accepted():
    g = StructuredGame([1.0, 0.5, 0.0], [[0, 1, 0], [1, 0, 2], [0, 2, 0]])
    np.testing.assert_allclose(nucleolus(g).allocation, nucleolus(g.to_tu()).allocation, atol=1e-9)


# ---------------------------------------------------------------- independent formulation
@pytest.mark.parametrize("n", [3, 4, 5, 6, 8])
@pytest.mark.parametrize("kind", ["convex", "random"])
def test_agrees_with_slow_sequential_lp(n, kind):
    for seed in range(3 if n < 8 else 1):
        g = random_convex_game(n, rng=seed) if kind == "convex" else random_game(n, rng=seed)
        ref = reference_nucleolus(g.values, imputations=True)
        res = nucleolus(g)
        np.testing.assert_allclose(res.allocation, ref, atol=1e-6 * np.abs(g.values).max())
        assert res.kohlberg_passed


@pytest.mark.parametrize("seed", range(4))
def test_prenucleolus_agrees_with_slow_sequential_lp(seed):
    rng = np.random.default_rng(seed)
    v = rng.uniform(-1, 2, 2**5)
    v[0] = 0.0
    g = TUGame(v)
    ref = reference_nucleolus(v, imputations=False)
    res = nucleolus(g, domain="preimputations")
    np.testing.assert_allclose(res.allocation, ref, atol=1e-6)
    assert res.kohlberg_passed


@pytest.mark.parametrize("n", [4, 6])
def test_dense_method_agrees(n):
    g = random_game(n, rng=11)
    a = nucleolus(g).allocation
    b = nucleolus(g, method="dense").allocation
    np.testing.assert_allclose(a, b, atol=1e-8)


# ---------------------------------------------------------------- larger games: Kohlberg certificate
@pytest.mark.parametrize("n", [12, 16])
def test_kohlberg_verified_on_larger_games(n):
    for g in (random_convex_game(n, rng=n), random_game(n, rng=n)):
        res = nucleolus(g)
        assert res.kohlberg_passed
        assert abs(res.efficiency_gap) < 1e-8 * np.abs(g.values).max()
        # an independent re-check of the certificate at the returned point
        lower = g.singleton_values
        assert kohlberg_check(np.asarray(g.values), res.allocation, lower=np.asarray(lower),
                              tie_atol=1e-7 * np.abs(g.values).max()).passed
        # and a nearby efficient point must fail it
        shifted = res.allocation + 1e-3 * np.r_[1.0, -1.0, np.zeros(n - 2)]
        assert not kohlberg_check(np.asarray(g.values), shifted, lower=np.asarray(lower), tie_atol=1e-7).passed


def test_kohlberg_verified_convex_n20():
    g = random_convex_game(20, rng=20)
    res = nucleolus(g)
    assert res.kohlberg_passed
    assert res.max_rows < 2**20 // 100      # constraint generation kept the LPs small


# ---------------------------------------------------------------- properties (hypothesis)
def _with_core_point(raw, seed):
    """A game whose core contains a known point: v(S) <= x*(S), v(N) = x*(N)."""
    v = np.asarray(raw, dtype=float)
    n = int(np.log2(v.size))
    x_star = np.random.default_rng(seed).uniform(0, 5, n)
    xs = np.array([sum(x_star[i] for i in range(n) if (s >> i) & 1) for s in range(2**n)])
    v = np.minimum(v, xs)
    v[0], v[-1] = 0.0, xs[-1]
    return v


@settings(max_examples=40)
@given(lp_tu_values, st.integers(0, 1000))
def test_nucleolus_in_core_when_core_nonempty(raw, seed):
    v = _with_core_point(raw, seed)
    res = nucleolus(TUGame(v), domain="preimputations")
    assert max(sorted_excesses(v, res.allocation)) <= 1e-7 * max(1.0, np.abs(v).max())
    res_imp = nucleolus(TUGame(v))          # on a non-empty core both notions coincide
    np.testing.assert_allclose(res_imp.allocation, res.allocation, atol=1e-6 * max(1.0, np.abs(v).max()))


@settings(max_examples=40)
@given(lp_tu_values)
def test_symmetric_players_get_equal_payoffs(raw):
    v = np.asarray(raw, dtype=float)
    v[0] = 0.0
    n = int(np.log2(v.size))
    swap = list(range(n))
    swap[0], swap[1] = 1, 0
    sym = (v + permuted(v, swap)) / 2           # players 1 and 2 now symmetric
    res = nucleolus(TUGame(sym), domain="preimputations")
    assert abs(res.allocation[0] - res.allocation[1]) <= 1e-7 * max(1.0, np.abs(sym).max())
    assert res.kohlberg_passed


@settings(max_examples=30)
@given(lp_tu_values)
def test_relabelling_players_permutes_the_nucleolus(raw):
    v = np.asarray(raw, dtype=float)
    v[0] = 0.0
    n = int(np.log2(v.size))
    perm = list(range(1, n)) + [0]
    a = nucleolus(TUGame(v), domain="preimputations").allocation
    b = nucleolus(TUGame(permuted(v, perm)), domain="preimputations").allocation
    np.testing.assert_allclose(b[perm], a, atol=1e-6 * max(1.0, np.abs(v).max()))


def test_scale_invariance():
    g = random_game(6, rng=3)
    a = nucleolus(g).allocation
    b = nucleolus(TUGame(np.asarray(g.values) * 1e7)).allocation
    np.testing.assert_allclose(b / 1e7, a, atol=1e-8)


def test_same_answer_any_seed():
    g = random_convex_game(9, rng=5)
    np.testing.assert_allclose(nucleolus(g, rng=1).allocation, nucleolus(g, rng=2).allocation, atol=1e-10)


def test_core_nonempty_reference_sanity():
    assert core_is_nonempty(random_convex_game(5, rng=0).values)


# ---------------------------------------------------------------- errors and results
def test_typed_errors():
    g = TUGame(WASTEWATER[:4] + [0, 0, 0, 1])
    with pytest.raises(UnknownMethodError, match="method must be one of"):
        nucleolus(g, method="simplex")
    with pytest.raises(UnknownMethodError, match="domain must be one of"):
        nucleolus(g, domain="core")
    with pytest.raises(InvalidParameterError, match="tol"):
        nucleolus(g, tol=-1.0)
    with pytest.raises(InvalidGameError, match="TUGame or StructuredGame"):
        nucleolus([0, 1, 2, 3])
    with pytest.raises(InvalidGameError, match="imputation set is empty"):
        nucleolus(TUGame([0, 2.0, 2.0, 3.0]))
    assert nucleolus(TUGame([0, 2.0, 2.0, 3.0]), domain="preimputations").allocation.tolist() == [1.5, 1.5]


def test_result_summary_and_dict():
    res = nucleolus(TUGame.from_costs(WASTEWATER, players=["t1", "t2", "t3"]))
    text = str(res)
    assert "Kohlberg criterion" in text and "passed" in text and "210.5" in text
    d = res.to_dict()
    assert d["result"] == "NucleolusResult" and d["kohlberg"]["passed"] is True
    assert d["by_player"]["t1"] == pytest.approx(19.5)
    assert "Kohlberg criterion" in str(res.kohlberg)


def _integer_synergy_game(n, seed):
    """Convex game with many exact ties: v(S) = Σ_{i≠j∈S} M_ij, M_ij ∈ {0, 1, 2}."""
    rng = np.random.default_rng(seed)
    m = rng.integers(0, 3, (n, n)).astype(float)
    np.fill_diagonal(m, 0.0)
    return StructuredGame(np.zeros(n), m).to_tu()


@pytest.mark.parametrize("seed", range(3))
def test_degenerate_integer_games_agree_with_slow_lp(seed):
    g = _integer_synergy_game(6, seed)
    np.testing.assert_allclose(nucleolus(g).allocation, reference_nucleolus(g.values), atol=1e-6)


def test_degenerate_integer_game_verified_n14():
    res = nucleolus(_integer_synergy_game(14, 7))
    assert res.kohlberg_passed


@pytest.mark.parametrize("seed", range(4))
def test_binding_imputation_bounds_agree_with_slow_lp(seed):
    # Stand-alone values close to v(N)/n make the bounds x_i >= v({i}) bind, so the nucleolus and the
    # pre-nucleolus part ways; both are checked against the slow formulation.
    g = random_game(5, rng=seed)
    v = np.array(g.values)
    v[1 << np.arange(5)] = 0.7
    nu = nucleolus(TUGame(v))
    pre = nucleolus(TUGame(v), domain="preimputations")
    np.testing.assert_allclose(nu.allocation, reference_nucleolus(v, imputations=True), atol=1e-6)
    np.testing.assert_allclose(pre.allocation, reference_nucleolus(v, imputations=False), atol=1e-6)
    assert nu.kohlberg_passed and pre.kohlberg_passed
    assert np.all(nu.allocation >= 0.7 - 1e-9)

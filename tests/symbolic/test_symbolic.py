"""Symbolic ESS conditions and design inverses, checked against the numeric rest-point analysis."""

import numpy as np
import pytest
import sympy as sp

from coopgame import (
    PairwiseGame,
    SymbolicPairwiseGame,
    bm1_preset,
    design_inverses,
    ess_conditions,
    is_ess,
    rest_points,
    xinan_preset,
)
from coopgame.errors import InvalidParameterError

VERTICES = [(1, 1), (1, 0), (0, 1), (0, 0)]
BM1_NAMES = ["dR", "alpha", "C_A", "C_B", "E_A", "E_B", "L_A", "L_B", "W_A", "W_B", "F_A", "F_B"]


def numeric_ess(game):
    res = rest_points(game)
    return {v: res.find(v).is_ess for v in VERTICES}


def bm1_values(rng):
    v = dict(zip(BM1_NAMES, np.round(rng.uniform(0, 6, size=12), 2)))
    v["alpha"] = round(float(rng.uniform(0, 1)), 2)
    v["dR"] = round(v["dR"] + 0.1, 2)
    v["C_A"] += 0.1
    v["C_B"] += 0.1
    return {k: float(x) for k, x in v.items()}


def test_bm1_conditions_agree_with_numeric_classification_at_random_points():
    g = SymbolicPairwiseGame.two_city()
    res = ess_conditions(g)
    syms = [s for s in g.symbols]
    name_of = {"Delta_R": "dR"}
    funcs = {v: sp.lambdify(syms, c) for v, c in res.conditions.items()}
    rng = np.random.default_rng(2024)
    checked = 0
    for _ in range(300):
        vals = bm1_values(rng)
        args = [vals[name_of.get(s.name, s.name)] for s in syms]
        game = PairwiseGame.from_two_city(cost=(vals["C_A"], vals["C_B"]), synergy=vals["dR"], alpha=vals["alpha"],
                                          free_ride_gain=(vals["E_A"], vals["E_B"]),
                                          lone_loss=(vals["L_A"], vals["L_B"]), reward=(vals["W_A"], vals["W_B"]),
                                          penalty=(vals["F_A"], vals["F_B"]))
        num = numeric_ess(game)
        for v in VERTICES:
            assert bool(funcs[v](*args)) == num[v], (vals, v)
        checked += 1
    assert checked == 300


def test_generic_symbolic_game_agrees_with_numeric_at_random_points():
    a = sp.symbols("a0:4", real=True)
    b = sp.symbols("b0:4", real=True)
    g = SymbolicPairwiseGame([[a[0], a[1]], [a[2], a[3]]], [[b[0], b[1]], [b[2], b[3]]])
    res = ess_conditions(g)
    syms = list(a) + list(b)
    funcs = {v: sp.lambdify(syms, c) for v, c in res.conditions.items()}
    rng = np.random.default_rng(99)
    for _ in range(300):
        vals = np.round(rng.uniform(-5, 5, size=8), 1)
        num = numeric_ess(PairwiseGame(vals[:4].reshape(2, 2), vals[4:].reshape(2, 2)))
        for v in VERTICES:
            assert bool(funcs[v](*vals)) == num[v]
    # the interior point and its determinant, against the numeric one
    vals = {s: x for s, x in zip(syms, [1, -3, 0.5, -1.5, 1, 0.5, -3, -1.5])}
    x_star, y_star = (float(e.subs(vals)) for e in res.interior)
    p = rest_points(g.subs(vals)).find([x_star, y_star])
    assert p.determinant == pytest.approx(float(res.interior_determinant.subs(vals)))


def test_replicator_equations_match_the_numeric_field():
    g = SymbolicPairwiseGame.xinan_bet()
    fx, fy = g.replicator_equations()
    vals = xinan_preset(1).values
    game = g.subs(vals)
    from coopgame.dynamics._systems import as_system
    system = as_system(game, func="test")
    mapping = {s: vals[{"M'": "M_prime"}.get(s.name, s.name)] for s in g.symbols}
    for x, y in [(0.2, 0.7), (0.5, 0.5), (0.9, 0.1)]:
        num = system.field(np.array([[x], [y]]))[:, 0]
        sym = [float(e.subs(mapping).subs({g.x: x, g.y: y})) for e in (fx, fy)]
        assert np.allclose(num, sym)
    # MODELS.md §3: dy/dt = y(1-y)[M' + x(F_D - M - M')]
    M, Mp, FD = sp.Symbol("M", nonnegative=True), sp.Symbol("M'", nonnegative=True), sp.Symbol("F_D", nonnegative=True)
    assert sp.simplify(fy - g.y * (1 - g.y) * (Mp + g.x * (FD - M - Mp))) == 0


def test_subs_agrees_with_the_numeric_constructor():
    vals = bm1_preset("asymmetric").values
    a, b = SymbolicPairwiseGame.two_city().subs(vals), bm1_preset("asymmetric").game
    assert np.allclose(a.row_payoffs, b.row_payoffs) and np.allclose(a.col_payoffs, b.col_payoffs)
    with pytest.raises(InvalidParameterError, match="no value"):
        SymbolicPairwiseGame.two_city().subs({"dR": 1})


def test_three_valued_predicates():
    # no central instruments: a_i = -C_i - L_i < 0, mutual defection always an ESS
    g0 = SymbolicPairwiseGame.two_city(W_A=0, W_B=0, F_A=0, F_B=0)
    assert is_ess(g0, (0, 0)) is True
    assert is_ess(g0, (1, 1)) is None
    # full cooperation with an explicit assumption that decides it
    dR, C_A = sp.Symbol("Delta_R", positive=True), sp.Symbol("C_A", positive=True)
    E_A = sp.Symbol("E_A", nonnegative=True)
    g1 = SymbolicPairwiseGame.two_city(C_B=1, E_B=0, W_B=0, F_B=2, W_A=0, F_A=0, alpha=sp.Rational(1, 2))
    # B's side: dR/2 + 2 > 1 always holds; A's side: dR/2 > C_A + E_A needs an assumption
    assert is_ess(g1, (1, 1)) is None
    assert is_ess(g1, (1, 1), assumptions=sp.Q.positive(dR / 2 - C_A - E_A)) is True
    assert is_ess(g1, (1, 1), assumptions=sp.Q.negative(dR / 2 - C_A - E_A)) is False
    # a numeric game decides everything
    g2 = SymbolicPairwiseGame.from_pairwise(bm1_preset("worked", W_A=2, W_B=2, F_A=1.5, F_B=1.5).game)
    assert [is_ess(g2, v) for v in VERTICES] == [True, False, False, True]


def test_latex_output():
    g = SymbolicPairwiseGame.two_city()
    assert "\\Delta_{R} \\alpha" in g.latex()
    text = ess_conditions(g).latex()
    assert "\\iff" in text and "\\Delta_{R}" in text
    assert "<" in design_inverses(g).latex()


def test_design_inverses_bm1_formulas_and_numeric_confirmation():
    res = design_inverses(SymbolicPairwiseGame.two_city())
    # worked check: W + F must exceed C + E - αΔR = 4 + 2 - 3 = 3 for each city
    vals = bm1_preset("worked").values
    out = res.evaluate(vals)
    assert out["min_incentive[A]"] == pytest.approx(3.0) and out["min_incentive[B]"] == pytest.approx(3.0)
    assert out["min_total_incentive"] == pytest.approx(6.0)
    for eps, expect in [(1e-3, True), (-1e-3, False)]:
        g = bm1_preset("worked", W_A=1.5, F_A=1.5 + eps, W_B=1.5, F_B=1.5 + eps).game
        assert rest_points(g).find((1, 1)).is_ess is expect
    # dominance threshold max(C + L, C + E - αΔR) = 5: (1,1) attracts the whole interior above it
    assert out["min_incentive_dominant[A]"] == pytest.approx(5.0)
    from coopgame import evolutionary_regime
    assert evolutionary_regime(bm1_preset("worked", W_A=2.6, F_A=2.6, W_B=2.6, F_B=2.6).game).regime == \
        "cooperation dominant"
    assert evolutionary_regime(bm1_preset("worked", W_A=2.4, F_A=2.4, W_B=2.4, F_B=2.4).game).regime == \
        "bistable"


@pytest.mark.slow  # about 2.9 s CPU: symbolic inverses, then a brute-force numeric confirmation
def test_design_inverses_asymmetric_interval_empty_and_extra_transfer_confirmed_by_brute_force():
    """literature 01 §1.5: A needs α > 0.5, B needs α < 0.417; the centre must add 0.5."""
    res = design_inverses(SymbolicPairwiseGame.two_city())
    vals = bm1_preset("asymmetric").values
    out = res.evaluate(vals)
    assert out["lever_lower"] == pytest.approx(0.5)
    assert out["lever_upper"] == pytest.approx(2.5 / 6)
    assert out["extra_transfer"] == pytest.approx(0.5) and out["extra_transfer_bounded"] == pytest.approx(0.5)

    def some_split_works(extra):
        # brute force over split ratios and ways to divide the extra transfer between the cities
        for alpha in np.linspace(0, 1, 101):
            for share in np.linspace(0, 1, 11):
                g = bm1_preset("asymmetric", alpha=alpha, W_A=vals["W_A"] + share * extra,
                               W_B=vals["W_B"] + (1 - share) * extra).game
                if rest_points(g).find((1, 1)).is_ess:
                    return True
        return False

    assert not some_split_works(0.45)
    assert some_split_works(0.55)


def test_design_inverses_interval_confirmed_numerically_when_non_empty():
    res = design_inverses(SymbolicPairwiseGame.two_city())
    vals = bm1_preset("asymmetric", W_B=2.0).values  # B's extra reward opens the interval
    out = res.evaluate(vals)
    lo, hi = out["lever_lower"], out["lever_upper"]
    assert lo < hi and out["extra_transfer"] == 0
    for alpha, expect in [(lo - 0.01, False), ((lo + hi) / 2, True), (hi + 0.01, False)]:
        g = bm1_preset("asymmetric", W_B=2.0, alpha=alpha).game
        assert rest_points(g).find((1, 1)).is_ess is expect


@pytest.mark.parametrize("round_, year", [(1, 1), (2, 3), (3, 1)])
def test_design_inverses_on_xinan_rounds_confirmed_numerically(round_, year):
    res = design_inverses(SymbolicPairwiseGame.xinan_bet())
    p = xinan_preset(round_, year)
    out = res.evaluate(p.values)
    v = p.values
    # downstream needs F_D > M; upstream needs S + F_U above C_U - b_U - M - M'
    assert out["min_incentive[downstream]"] == pytest.approx(v["M"])
    assert out["min_incentive[upstream]"] == pytest.approx(v["C_U"] - v["b_U"] - v["M"] - v["M_prime"])
    need_U = out["min_incentive[upstream]"] - v["S"]  # F_U still needed on top of the subsidy
    F_U = max(0.0, need_U) + 0.01
    assert rest_points(xinan_preset(round_, year, F_U=F_U, F_D=v["M"] + 0.01).game).find((1, 1)).is_ess
    assert not rest_points(xinan_preset(round_, year, F_U=F_U, F_D=v["M"] - 0.01).game).find((1, 1)).is_ess
    if need_U > 0.02:
        assert not rest_points(xinan_preset(round_, year, F_U=need_U - 0.01, F_D=v["M"] + 0.01).game).find(
            (1, 1)).is_ess
    # the stake interval for M is empty without a downstream penalty; adding the extra transfer as F_D opens it
    assert out["lever_lower"] >= out["lever_upper"]
    extra = out["extra_transfer"]
    lo = out["lever_lower"]
    ok = xinan_preset(round_, year, F_D=extra + 0.02, M=lo + 0.01).game
    assert rest_points(ok).find((1, 1)).is_ess
    stakes = np.linspace(0, 10, 201)
    assert not any(rest_points(xinan_preset(round_, year, F_D=extra - 0.02, M=m).game).find((1, 1)).is_ess
                   for m in stakes)


def test_bad_inputs():
    with pytest.raises(InvalidParameterError):
        ess_conditions("game")
    with pytest.raises(InvalidParameterError, match="unknown parameters"):
        SymbolicPairwiseGame.two_city(beta=1)
    with pytest.raises(InvalidParameterError):
        ess_conditions(SymbolicPairwiseGame.two_city()).is_ess((2, 1))

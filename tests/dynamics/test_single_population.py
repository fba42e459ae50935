"""Single-population replicator and replicator-mutator dynamics; rest points and ESS of symmetric games."""

import itertools
import pickle
from fractions import Fraction

import numpy as np
import pytest

from coopgame import PairwiseGame
from coopgame.dynamics.replicator import TrajectoryResult
from coopgame.dynamics.single_population import (
    SinglePopulationTrajectoryResult,
    mutation_matrix,
    single_population_field,
    single_population_replicator,
    single_population_rest_points,
)
from coopgame.errors import GameTooLargeError, InvalidGameError, InvalidParameterError

TIGHT = {"rtol": 1e-12, "atol": 1e-14}


def hawk_dove(V, C):
    """Maynard Smith (1982, ch. 2): hawk vs hawk (V - C)/2, hawk vs dove V, dove vs hawk 0, dove vs dove V/2."""
    return np.array([[(V - C) / 2, V], [0.0, V / 2]])


RPS = np.array([[0.0, -1.0, 1.0], [1.0, 0.0, -1.0], [-1.0, 1.0, 0.0]])  # zero-sum rock-paper-scissors
# Zeeman (1980, p. 476; Hofbauer & Sigmund 1998, §6.5): the interior point is asymptotically stable but no ESS.
ZEEMAN = np.array([[0.0, 6.0, -4.0], [-3.0, 0.0, 5.0], [-1.0, 3.0, 0.0]])


# ---------------------------------------------------------------------------------------------- independent code
def textbook_field(A, x, Q=None, b=0.0):
    """The replicator(-mutator) velocity written out with plain loops."""
    m = len(x)
    f = [b + sum(A[i][j] * x[j] for j in range(m)) for i in range(m)]
    phi = sum(x[i] * f[i] for i in range(m))
    if Q is None:
        return [x[i] * (f[i] - phi) for i in range(m)]
    return [sum(x[j] * f[j] * Q[j][i] for j in range(m)) - phi * x[i] for i in range(m)]


def rk4_by_hand(A, x0, t1, n, Q=None, b=0.0):
    """Classical RK4 in the shares, n equal steps, plain Python."""
    h = t1 / n
    x = list(map(float, x0))
    for _ in range(n):
        k1 = textbook_field(A, x, Q, b)
        k2 = textbook_field(A, [xi + h / 2 * ki for xi, ki in zip(x, k1)], Q, b)
        k3 = textbook_field(A, [xi + h / 2 * ki for xi, ki in zip(x, k2)], Q, b)
        k4 = textbook_field(A, [xi + h * ki for xi, ki in zip(x, k3)], Q, b)
        x = [xi + h / 6 * (a + 2 * c + 2 * d + e) for xi, a, c, d, e in zip(x, k1, k2, k3, k4)]
    return np.array(x)


def exact_solve(M, rhs):
    """Gauss-Jordan elimination in Fractions; None when M is singular."""
    n = len(M)
    a = [[Fraction(v) for v in row] + [Fraction(r)] for row, r in zip(M, rhs)]
    for c in range(n):
        p = next((r for r in range(c, n) if a[r][c] != 0), None)
        if p is None:
            return None
        a[c], a[p] = a[p], a[c]
        for r in range(n):
            if r != c and a[r][c] != 0:
                fac = a[r][c] / a[c][c]
                a[r] = [u - fac * w for u, w in zip(a[r], a[c])]
    return [a[i][n] / a[i][i] for i in range(n)]


def brute_rest_points(A):
    """Every isolated rest point, exactly: for each support solve the indifference system in Fractions."""
    m = len(A)
    found = []
    for k in range(1, m + 1):
        for S in itertools.combinations(range(m), k):
            M = [[A[i][j] for j in S] + [-1] for i in S] + [[1] * k + [0]]
            sol = exact_solve(M, [0] * k + [1])
            if sol is not None and all(v > 0 for v in sol[:k]):
                x = [Fraction(0)] * m
                for i, v in zip(S, sol[:k]):
                    x[i] = v
                found.append(x)
    return found


def ess_by_definition(A, x, grid=30):
    """Maynard Smith's two conditions against every mutant y on a grid of the simplex (exact arithmetic)."""
    m = len(A)
    u = lambda p, q: sum(p[i] * A[i][j] * q[j] for i in range(m) for j in range(m))  # noqa: E731
    for c in itertools.product(range(grid + 1), repeat=m - 1):
        if sum(c) > grid:
            continue
        y = [Fraction(v, grid) for v in c] + [Fraction(grid - sum(c), grid)]
        if y == x:
            continue
        if u(y, x) > u(x, x) or (u(y, x) == u(x, x) and u(x, y) <= u(y, y)):
            return False
    return True


# ---------------------------------------------------------------------------------------------- dynamics
def test_hawk_dove_converges_to_mixed_ess_from_interior():
    """Maynard Smith (1982): V = 2, C = 4 gives the mixed ESS with hawk share V/C = 1/2."""
    A = hawk_dove(2, 4)
    h = np.linspace(0.02, 0.98, 25)
    res = single_population_replicator(A, np.column_stack([h, 1 - h]), (0, 60))
    assert np.allclose(res.final_states, [[0.5, 0.5]] * 25, atol=1e-9)
    assert res.success.all()
    assert isinstance(res, TrajectoryResult)
    rp = single_population_rest_points(A)
    mixed = rp.find([0.5, 0.5])
    assert mixed.is_ess and mixed.stability == "stable"
    assert [p.name() for p in rp.points if p.is_ess] == ["(0.5, 0.5)"]
    # hand: on the simplex x' = x(1-x)(1-2x), derivative -1/2 at x = 1/2; tangent vector (1,-1)/sqrt2 same rate
    assert mixed.eigenvalues.real.tolist() == pytest.approx([-0.5])


def test_hawk_dove_ess_share_is_v_over_c():
    for V, C in [(2, 4), (1, 3), (3, 7)]:
        rp = single_population_rest_points(hawk_dove(V, C))
        assert len(rp.ess) == 1
        assert rp.ess[0][0] == pytest.approx(V / C, abs=1e-12)


def test_rock_paper_scissors_conserves_product_of_shares():
    """Hofbauer & Sigmund (1998, §7.7): zero-sum RPS has a centre; x_R x_P x_S is a constant of motion."""
    x0 = np.array([[0.5, 0.3, 0.2], [0.1, 0.1, 0.8], [0.34, 0.33, 0.33]])
    res = single_population_replicator(RPS, x0, (0, 60), t_eval=np.linspace(0, 60, 301), **TIGHT)
    prod = res.states.prod(axis=2)
    assert np.max(np.abs(prod - prod[:, :1])) < 1e-6
    assert np.allclose(res.states.sum(axis=2), 1.0, atol=1e-13)
    centre = single_population_rest_points(RPS).find([1 / 3, 1 / 3, 1 / 3])
    assert centre.stability == "centre" and centre.is_nash and not centre.is_ess
    # hand: eigenvalues of zero-sum RPS at the barycentre are ±i/sqrt(3)
    assert sorted(centre.eigenvalues.imag) == pytest.approx([-1 / np.sqrt(3), 1 / np.sqrt(3)])
    assert np.allclose(centre.eigenvalues.real, 0.0, atol=1e-12)


def test_coordination_game_converges_to_pure_ess_on_each_side():
    """Pure coordination with A = diag(2, 1): mixed point at x_1 = 1/3 (2x = 1 - x)."""
    A = np.array([[2.0, 0.0], [0.0, 1.0]])
    above = np.array([[1 / 3 + d, 2 / 3 - d] for d in (0.01, 0.1, 0.5)])
    below = np.array([[1 / 3 - d, 2 / 3 + d] for d in (0.01, 0.1, 0.3)])
    res = single_population_replicator(A, np.vstack([above, below]), (0, 200))
    assert np.allclose(res.final_states[:3], [1, 0], atol=1e-8)
    assert np.allclose(res.final_states[3:], [0, 1], atol=1e-8)
    assert res.endpoint_classes() == ["s1"] * 3 + ["s2"] * 3
    rp = single_population_rest_points(A)
    assert [p.is_ess for p in rp.points] == [True, True, False]
    assert rp.points[2].state.tolist() == pytest.approx([1 / 3, 2 / 3])
    assert rp.points[2].stability == "source"


def test_mutator_with_zero_rate_is_the_replicator():
    rng = np.random.default_rng(1)
    A = rng.normal(size=(4, 4))
    x0 = rng.dirichlet(np.ones(4), size=5)
    plain = single_population_replicator(A, x0, (0, 5), **TIGHT)
    for mutation in (0.0, np.eye(4)):
        zero = single_population_replicator(A, x0, (0, 5), mutation=mutation, **TIGHT)
        assert np.allclose(zero.states, plain.states, atol=1e-12)
    # a vanishing rate runs in the shares (another coordinate system) and still agrees
    tiny = single_population_replicator(A, x0, (0, 5), mutation=1e-14, background=-A.min(), **TIGHT)
    assert tiny.parameters["coordinates"] == "shares"
    assert np.allclose(tiny.states, plain.states, atol=1e-8)


def test_mutator_moves_the_hawk_dove_rest_point_as_computed_by_hand():
    """Hawk-Dove V = 2, C = 6 (ESS x* = 1/3) with background fitness b = 2 and mutation rate mu.

    By hand, with x the hawk share: f_H = 4 - 4x, f_D = 3 - x, and
    x' = x(1-x)(1-3x) + mu((1-x) f_D - x f_H) = (1-x)(x - 3x^2 - mu(5x - 3)),
    so the interior rest point solves 3x^2 - (1 - 5 mu) x - 3 mu = 0.
    """
    A = hawk_dove(2, 6)
    for mu in (0.0, 0.01, 0.05, 0.2):
        root = ((1 - 5 * mu) + np.sqrt((1 - 5 * mu) ** 2 + 36 * mu)) / 6
        res = single_population_replicator(A, [[0.05, 0.95], [0.9, 0.1]], (0, 400), mutation=mu, background=2.0,
                                           **TIGHT)
        assert res.final_states[:, 0] == pytest.approx([root, root], abs=1e-8)
        if mu > 0:
            assert root > 1 / 3 + 1e-3  # mutation pushes the hawk share up from V/C
        assert res.max_domain_violation <= 1e-12
        # and the field vanishes there (the package's field against the hand factorisation)
        v = single_population_field(A, [root, 1 - root], mutation=mu, background=2.0)
        assert np.abs(v).max() < 1e-12


def test_independent_rk4_matches_dopri5():
    rng = np.random.default_rng(7)
    A = rng.uniform(-1, 2, size=(3, 3))
    x0 = [0.2, 0.5, 0.3]
    ref = rk4_by_hand(A, x0, 3.0, 3000)
    res = single_population_replicator(A, x0, (0, 3), **TIGHT)
    assert np.max(np.abs(res.final_states[0] - ref)) < 1e-8
    Q = mutation_matrix(0.1, 3)
    b = 1.0
    ref_mut = rk4_by_hand(A, x0, 3.0, 3000, Q=Q.tolist(), b=b)
    res_mut = single_population_replicator(A, x0, (0, 3), mutation=Q, background=b, **TIGHT)
    assert np.max(np.abs(res_mut.final_states[0] - ref_mut)) < 1e-8
    fixed = single_population_replicator(A, x0, (0, 3), method="rk4", n_steps=3000)
    assert np.max(np.abs(fixed.final_states[0] - ref)) < 1e-8


def test_field_matches_textbook_formula():
    rng = np.random.default_rng(3)
    A = rng.normal(size=(4, 4))
    X = rng.dirichlet(np.ones(4), size=6)
    Q = rng.dirichlet(np.ones(4), size=4)
    b = float(-A.min()) + 0.5
    got = single_population_field(A, X, mutation=Q, background=b)
    want = np.array([textbook_field(A.tolist(), x.tolist(), Q.tolist(), b) for x in X])
    assert np.allclose(got, want, atol=1e-13)
    assert np.allclose(got.sum(axis=1), 0.0, atol=1e-13)  # the simplex is invariant
    plain = single_population_field(A, X)
    assert np.allclose(plain, [textbook_field(A.tolist(), x.tolist()) for x in X], atol=1e-13)


def test_faces_are_invariant_for_the_replicator_only():
    A = hawk_dove(2, 4)
    res = single_population_replicator(A, [[1.0, 0.0], [0.0, 1.0]], (0, 30))
    assert res.final_states.tolist() == [[1.0, 0.0], [0.0, 1.0]]
    mut = single_population_replicator(A, [[1.0, 0.0]], (0, 30), mutation=0.05, background=2.0)  # hawks fit
    assert 0 < mut.final_states[0, 1] < 1


def test_rescaling_payoffs_rescales_time_only():
    A = ZEEMAN
    x0 = [[0.3, 0.3, 0.4], [0.1, 0.6, 0.3]]
    one = single_population_replicator(A, x0, (0, 4), t_eval=[1, 2, 4], **TIGHT)
    for c in (1e-6, 1e6):
        scaled = single_population_replicator(A * c, x0, (0, 4 / c), t_eval=np.array([1, 2, 4]) / c, **TIGHT)
        assert np.allclose(scaled.states, one.states, atol=1e-9)
        rp, rp1 = single_population_rest_points(A * c), single_population_rest_points(A)
        assert [p.stability for p in rp.points] == [p.stability for p in rp1.points]
        assert [p.is_ess for p in rp.points] == [p.is_ess for p in rp1.points]
        assert np.allclose(np.vstack([p.state for p in rp.points]), np.vstack([p.state for p in rp1.points]))


# ---------------------------------------------------------------------------------------------- rest points
def test_zeeman_stable_point_is_not_an_ess():
    rp = single_population_rest_points(ZEEMAN)
    centre = rp.find([1 / 3, 1 / 3, 1 / 3])
    assert centre.stability == "stable" and centre.is_nash and not centre.is_ess
    assert [p.name() for p in rp.points if p.is_ess] == ["(1, 0, 0)"]
    assert rp.find([0.8, 0.0, 0.2]).stability == "saddle"  # Zeeman's boundary saddle (4/5, 0, 1/5)


def test_good_and_bad_rock_paper_scissors():
    """Hofbauer & Sigmund (1998, §7.7): winning a > losing b makes the barycentre an ESS (a < b: a repellor)."""
    good = single_population_rest_points([[0, -1, 2], [2, 0, -1], [-1, 2, 0]]).find([1 / 3] * 3)
    bad = single_population_rest_points([[0, -2, 1], [1, 0, -2], [-2, 1, 0]]).find([1 / 3] * 3)
    assert good.is_ess and good.stability == "stable"
    assert not bad.is_ess and bad.stability == "source"


@pytest.mark.parametrize("seed", range(12))
def test_rest_points_against_exact_enumeration_and_ess_definition(seed):
    rng = np.random.default_rng(seed)
    m = 3 if seed % 2 else 4
    A = rng.integers(-4, 5, size=(m, m))
    res = single_population_rest_points(A)
    exact = brute_rest_points(A.tolist())
    got = sorted(tuple(np.round(p.state, 9)) for p in res.points if p.isolated)
    want = sorted(tuple(round(float(v), 9) for v in x) for x in exact)
    assert got == want
    for p in res.points:
        assert np.abs(single_population_field(A, p.state)).max() < 1e-9
    if m == 3:  # ESS verdicts against the definition, exactly, on a grid of mutants
        for x in exact:
            point = res.find([float(v) for v in x])
            if point.is_ess:
                assert ess_by_definition(A.tolist(), x)
            if ess_by_definition(A.tolist(), x, grid=24):
                nash = all(sum(A[i][j] * x[j] for j in range(m)) <= sum(
                    x[k] * A[k][j] * x[j] for k in range(m) for j in range(m)) for i in range(m))
                assert nash and point.is_ess


def test_ess_with_alternative_best_reply_outside_the_support():
    """x = e1 with strategy 2 an alternative best reply: ESS iff x'Ay > y'Ay for y = e2."""
    assert single_population_rest_points([[1, 1], [1, 0]]).find([1, 0]).is_ess
    assert not single_population_rest_points([[1, 1], [1, 2]]).find([1, 0]).is_ess
    assert not single_population_rest_points([[1, 1], [1, 1]]).find([1, 0]).is_ess


def test_degenerate_face_is_flagged():
    res = single_population_rest_points(np.zeros((2, 2)))
    assert any(not p.isolated for p in res.points)
    assert "continuum" in str(res)


def test_symmetric_pairwise_game_and_labels():
    A = hawk_dove(2, 4)
    g = PairwiseGame.from_arrays(A, A.T, actions=(("H", "D"), ("H", "D")))
    res = single_population_replicator(g, [0.3, 0.7], (0, 40))
    assert res.coordinates == ("x[H]", "x[D]")
    assert res.endpoint_classes() == ["(H 0.5, D 0.5)"]
    assert single_population_rest_points(g).strategies == ("H", "D")


def test_results_print_serialise_and_pickle():
    res = single_population_replicator(RPS, [[0.5, 0.3, 0.2]], (0, 1), mutation=0.1, background=1.0)
    assert isinstance(res, SinglePopulationTrajectoryResult)
    assert "Replicator-mutator" in str(res)
    d = res.to_dict()
    assert d["result"] == "SinglePopulationTrajectoryResult" and len(d["mutation"]) == 3
    back = pickle.loads(pickle.dumps(res))
    assert np.array_equal(back.states, res.states)
    rp = single_population_rest_points(ZEEMAN)
    assert "ESS" in str(rp) and rp.to_dict()["result"] == "SinglePopulationRestPointsResult"
    assert len(repr(rp)) <= 160
    again = pickle.loads(pickle.dumps(rp))
    assert [p.is_ess for p in again.points] == [p.is_ess for p in rp.points]


# ---------------------------------------------------------------------------------------------- errors
def test_refuses_bad_input():
    A = hawk_dove(2, 4)
    with pytest.raises(InvalidGameError, match=r"^single_population_replicator\(\): .*not symmetric"):
        single_population_replicator(PairwiseGame.from_arrays(A, A), [0.5, 0.5], (0, 1))
    with pytest.raises(InvalidGameError, match="square"):
        single_population_rest_points(np.ones((2, 3)))
    with pytest.raises(InvalidParameterError, match="sum to 1|sums to"):
        single_population_replicator(A, [0.5, 0.6], (0, 1))
    with pytest.raises(InvalidParameterError, match="row-stochastic"):
        single_population_replicator(A, [0.5, 0.5], (0, 1), mutation=[[0.5, 0.6], [0.5, 0.5]])
    with pytest.raises(InvalidParameterError, match="mutation must be <= 1"):
        single_population_replicator(A, [0.5, 0.5], (0, 1), mutation=1.5)
    with pytest.raises(InvalidParameterError, match="non-negative fitness.*background >= 1"):
        single_population_replicator(A, [0.5, 0.5], (0, 1), mutation=0.1)
    with pytest.raises(InvalidParameterError, match="t_span"):
        single_population_replicator(A, [0.5, 0.5], (1, 0))
    with pytest.raises(GameTooLargeError):
        single_population_rest_points(np.zeros((17, 17)))

"""Rest points, Friedman table, regimes and basins: the MODELS.md §2 worked check and independent references."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings

from coopgame import (
    NCityGame,
    PairwiseGame,
    basin_share,
    evolutionary_regime,
    replicator_dynamics,
    rest_points,
)
from coopgame.errors import InvalidGameError
from tests.dynamics.reference_models import worked, xinan_matrices
from tests.strategies import bimatrix, bounded


def numeric_jacobian(A, B, z, h=1e-6):
    """Central-difference Jacobian of the textbook 2x2 field (independent of the package)."""
    def f(v):
        x, y = v
        gA = (A[0, 0] - A[1, 0]) * y + (A[0, 1] - A[1, 1]) * (1 - y)
        gB = (B[0, 0] - B[0, 1]) * x + (B[1, 0] - B[1, 1]) * (1 - x)
        return np.array([x * (1 - x) * gA, y * (1 - y) * gB])
    J = np.empty((2, 2))
    for k in range(2):
        e = np.zeros(2)
        e[k] = h
        J[:, k] = (f(z + e) - f(z - e)) / (2 * h)
    return J


# MODELS.md §2 worked check: ΔR = 6, α = 0.5, C = 4, E = 2, L = 1.
@pytest.mark.parametrize("W, F, ess, regime", [
    (0.0, 0.0, [(0, 0)], "defection dominant"),
    (1.0, 1.0, [(0, 0)], "defection dominant"),
    (2.0, 1.5, [(0, 0), (1, 1)], "bistable"),
    (3.0, 3.0, [(1, 1)], "cooperation dominant"),
])
def test_worked_check_ess_sets_and_regimes(W, F, ess, regime):
    A, B = worked(W, F)
    res = rest_points(PairwiseGame(A, B))
    found = sorted(tuple(int(v) for v in p.state) for p in res.points if p.is_ess and p.kind == "vertex")
    assert found == ess
    assert evolutionary_regime((A, B)).regime == regime


def test_worked_check_saddle_at_three_quarters():
    A, B = worked(2.0, 1.5)
    p = rest_points((A, B)).find([0.75, 0.75])
    assert p.kind == "interior" and p.label == "saddle"
    assert p.trace == 0.0 and p.determinant < 0
    assert np.allclose(p.jacobian, numeric_jacobian(A, B, np.array([0.75, 0.75])), atol=1e-6)


def test_friedman_table_matches_the_literature_formulas():
    """det/tr at the corners equal the closed forms of literature 01 §1.2 (a_i, b_i from the payoffs)."""
    A, B = worked(2.0, 1.5)
    aA, aB = A[0, 1] - A[1, 1], B[1, 0] - B[1, 1]
    bA, bB = (A[0, 0] - A[1, 0]) - aA, (B[0, 0] - B[0, 1]) - aB
    expect = {(0, 0): (aA * aB, aA + aB), (1, 0): (-aA * (aB + bB), -aA + aB + bB),
              (0, 1): (-aB * (aA + bA), aA + bA - aB), (1, 1): ((aA + bA) * (aB + bB), -(aA + bA) - (aB + bB))}
    res = rest_points((A, B))
    for v, (det, tr) in expect.items():
        p = res.find(v)
        assert p.determinant == pytest.approx(det) and p.trace == pytest.approx(tr)
        assert np.allclose(p.jacobian, numeric_jacobian(A, B, np.array(v, float)), atol=1e-6)
    table = res.friedman_table()
    assert table.columns[:5] == ("point", "det J", "sign", "tr J", "sign")
    assert any("never asymptotically stable" in n for n in table.notes)


@settings(max_examples=60, deadline=None)
@given(bimatrix(2, 2, elements=bounded(10, decimals=3)))
def test_interior_point_is_never_an_ess_and_has_zero_trace(AB):
    res = rest_points((AB[0], AB[1]))
    for p in res.points:
        if p.kind == "interior":
            assert p.trace == 0.0
            assert p.label in ("saddle", "centre", "non-hyperbolic")
            assert np.allclose(p.jacobian, numeric_jacobian(AB[0], AB[1], p.state), atol=1e-5)


@settings(max_examples=60, deadline=None)
@given(bimatrix(3, 2, elements=bounded(10, decimals=2)))
def test_ess_vertices_are_the_strict_nash_equilibria(AB):
    """Brute force: a pure profile is a strict NE iff every unilateral deviation loses."""
    A, B = AB[0], AB[1]
    res = rest_points((A, B))
    m, n = A.shape
    for i, j in itertools.product(range(m), range(n)):
        strict = all(A[k, j] < A[i, j] for k in range(m) if k != i) and all(
            B[i, l] < B[i, j] for l in range(n) if l != j)
        state = np.zeros(m + n)
        state[i] = state[m + j] = 1
        p = res.find(state)
        if not any(abs(A[k, j] - A[i, j]) < 1e-9 for k in range(m) if k != i) and not any(
                abs(B[i, l] - B[i, j]) < 1e-9 for l in range(n) if l != j):
            assert p.is_ess == strict


def test_ncity_vertex_eigenvalues_match_finite_differences():
    s = np.array([[0, 3.0, 1.0], [2.0, 0, 1.5], [0.5, 1.0, 0]])
    game = NCityGame(cost=[2.0, 2.5, 1.0], synergy=s, reward=[0.5, 0.0, 0.2])
    res = rest_points(game)
    assert len(res.points) == 8

    def f(x):
        return x * (1 - x) * game.payoff_gain(x)
    for p in res.points:
        J = np.empty((3, 3))
        for k in range(3):
            e = np.zeros(3)
            e[k] = 1e-6
            J[:, k] = (f(np.clip(p.state + e, 0, 1)) - f(np.clip(p.state - e, 0, 1))) / (
                np.clip(p.state + e, 0, 1)[k] - np.clip(p.state - e, 0, 1)[k])
        assert np.allclose(p.jacobian, J, atol=1e-5)
    ess = {tuple(int(v) for v in p.state) for p in res.points if p.is_ess}
    # every ESS vertex is a strict pure equilibrium: no city gains by switching
    for v in ess:
        g = game.payoff_gain(np.array(v, float))
        assert all((g[i] > 0) if v[i] else (g[i] < 0) for i in range(3))


def test_xinan_without_downstream_penalty_cycles():
    A, B = xinan_matrices(b_U=0, C_U=4, S=3, M=1, Mp=1, F_U=0, F_D=0, B_D=5, Ls_D=3)
    reg = evolutionary_regime((A, B))
    assert reg.regime == "cycling" and reg.ess == ()
    centre = next(p for p in reg.rest_points.points if p.kind == "interior")
    assert centre.label == "centre"
    # numerically: a trajectory keeps circling the centre, never settling at a corner
    res = replicator_dynamics((A, B), [0.3, 0.3], (0, 200), t_eval=np.linspace(0, 200, 2001))
    x = res.states[0, :, 0]
    crossings = np.count_nonzero(np.diff(np.sign(x - centre.state[0])) != 0)
    assert crossings >= 6
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    dist = np.min(np.max(np.abs(res.states[0, -500:, None, :] - corners[None]), axis=2))
    assert dist > 0.01
    # a binding penalty on the downstream (F_D > M) makes (protect, agree) the ESS
    A2, B2 = xinan_matrices(b_U=0, C_U=4, S=3, M=1, Mp=1, F_U=0, F_D=1.5, B_D=5, Ls_D=3)
    assert evolutionary_regime((A2, B2)).ess == ((1, 1),)


def test_regime_needs_two_action_populations():
    with pytest.raises(InvalidGameError, match="two actions"):
        evolutionary_regime((np.eye(3), np.eye(3)))


@pytest.mark.parametrize("W, F, lo, hi", [(0.0, 0.0, 0.0, 0.0), (2.0, 1.5, 0.14, 0.18), (3.0, 3.0, 1.0, 1.0)])
def test_worked_check_basin_shares(W, F, lo, hi):
    A, B = worked(W, F)
    res = basin_share((A, B))
    assert lo <= res.share <= hi
    assert sum(res.counts.values()) == 41 * 41


def test_basin_grid_agrees_with_solve_ivp_classification():
    A, B = worked(2.0, 1.5)
    res = basin_share((A, B), points=9)
    ref = replicator_dynamics((A, B), res.initial_states, (0, 50), method="solve_ivp", rtol=1e-10, atol=1e-12)
    reached = np.max(np.abs(ref.final_states - 1.0), axis=1) <= 1e-3
    assert np.array_equal(reached, res.reached)
    assert res.share == pytest.approx(reached.mean())


def test_basin_random_samples_are_seeded():
    A, B = worked(2.0, 1.5)
    a = basin_share((A, B), n_samples=200, rng=4)
    b = basin_share((A, B), n_samples=200, rng=4)
    assert a.share == b.share and np.array_equal(a.initial_states, b.initial_states)
    assert 0.08 < a.share < 0.25
    assert "Basin" in str(a)

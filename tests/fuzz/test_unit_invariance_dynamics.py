"""Unit invariance of the evolutionary dynamics (issue 12, Deliver 1 and 3).

Multiplying every payoff by ``c > 0`` multiplies the replicator field by ``c``:
the same orbits, run ``c`` times faster. So the regime, the rest points and
their stability labels, the ESS and (at the default horizon, which is in
natural time) the basin shares must be the same for a game and the game
×1e-12 … ×1e12. Random integer games and degenerate ones (entries in {0, 1, 2},
so exact ties are common) are checked; the regime of each is also compared
with an independent reading written here, the strict pure Nash equilibria of
the integer game in exact arithmetic.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import coopgame as cg

SCALES = (1e-12, 1e-8, 1e8, 1e12)
_RNG = np.random.default_rng(20261201)
RANDOM = [(_RNG.integers(-9, 10, (2, 2)).astype(float), _RNG.integers(-9, 10, (2, 2)).astype(float))
          for _ in range(150)]
DEGENERATE = [(_RNG.integers(0, 3, (2, 2)).astype(float), _RNG.integers(0, 3, (2, 2)).astype(float))
              for _ in range(150)]
BIMATRIX_3X3 = [(_RNG.integers(-5, 6, (3, 3)).astype(float), _RNG.integers(-5, 6, (3, 3)).astype(float))
                for _ in range(40)]


def strict_profiles(A: np.ndarray, B: np.ndarray) -> tuple[set[tuple[int, int]], bool]:
    """Strict pure Nash equilibria of an integer 2×2 game as (row cooperates, column cooperates), and whether
    any player is exactly indifferent somewhere: exact integer comparisons, independent of the package."""
    a, b = A.astype(int), B.astype(int)
    strict, tie = set(), False
    for i in (0, 1):
        for j in (0, 1):
            row_gain = a[i, j] - a[1 - i, j]
            col_gain = b[i, j] - b[i, 1 - j]
            tie |= row_gain == 0 or col_gain == 0
            if row_gain > 0 and col_gain > 0:
                strict.add((1 - i, 1 - j))
    return strict, tie


def _fingerprint(game) -> tuple:
    """Everything the dynamics says about a game that must not depend on the unit."""
    reg = cg.evolutionary_regime(game)
    rp = cg.rest_points(game)
    points = tuple((tuple(np.round(p.state, 12)), p.kind, p.label) for p in rp.points)
    signs = tuple(row[2] + row[4] for row in rp.friedman_table().rows)  # signs of det J and tr J
    return str(reg.regime), reg.ess, points, signs


@pytest.mark.parametrize("family", ["random", "degenerate"])
def test_regime_rest_points_and_ess_do_not_depend_on_the_unit(family):
    games = RANDOM if family == "random" else DEGENERATE
    for A, B in games:
        base = _fingerprint((A, B))
        for c in SCALES:
            assert _fingerprint((A * c, B * c)) == base, (family, A.tolist(), B.tolist(), c)


@pytest.mark.parametrize("family", ["random", "degenerate"])
def test_regime_matches_exact_strict_equilibria_in_every_unit(family):
    games = RANDOM if family == "random" else DEGENERATE
    for A, B in games:
        strict, tie = strict_profiles(A, B)
        for c in (1.0,) + SCALES:
            reg = cg.evolutionary_regime((A * c, B * c))
            if tie:
                assert reg.regime == "degenerate", (A.tolist(), B.tolist(), c)
            else:
                assert set(reg.ess) == strict, (A.tolist(), B.tolist(), c)
                assert reg.regime != "degenerate"


def test_stag_hunt_in_a_tiny_unit_is_bistable():
    """The issue's reproducer: a stag hunt ×1e-9 was called 'defection dominant' (and ×1e-12 'degenerate')."""
    A = np.array([[4.0, 0.0], [3.0, 2.0]])
    for c in (1e-12, 1e-9, 1.0, 1e9, 1e12, 1e300):
        reg = cg.evolutionary_regime((A * c, A.T * c))
        assert reg.regime == "bistable" and set(reg.ess) == {(1, 1), (0, 0)}, c


def test_bimatrix_rest_point_labels_do_not_depend_on_the_unit():
    for A, B in BIMATRIX_3X3:
        base = [p.label for p in cg.rest_points((A, B)).points]
        # independent: a pure profile (i, j) is an ESS iff it is a strict Nash equilibrium
        ess = [bool(np.all(np.delete(A[:, j], i) < A[i, j]) and np.all(np.delete(B[i, :], j) < B[i, j]))
               for i in range(3) for j in range(3)]
        assert [lab == "ESS" for lab in base] == ess
        for c in SCALES:
            assert [p.label for p in cg.rest_points((A * c, B * c)).points] == base, c


def test_jacobians_scale_with_the_unit():
    """Reported Jacobians are in the game's unit: ×c, eigenvalues ×c, det ×c**2 (2×2)."""
    A = np.array([[4.0, 0.0], [3.0, 2.0]])
    ref = cg.rest_points((A, A.T))
    for c in SCALES:
        pts = cg.rest_points((A * c, A.T * c)).points
        for p, q in zip(ref.points, pts):
            assert np.allclose(q.jacobian, c * p.jacobian, rtol=1e-12, atol=0)
            assert q.determinant == pytest.approx(c * c * p.determinant, rel=1e-12, abs=0)


def _shares(A: np.ndarray, B: np.ndarray, c: float) -> tuple[float, dict]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no run may fail
        res = cg.basin_share((A * c, B * c), points=9)
    return res.share, res.counts


def test_basin_shares_do_not_depend_on_the_unit():
    games = [(np.array([[4.0, 0.0], [3.0, 2.0]]), np.array([[4.0, 3.0], [0.0, 2.0]]))] + RANDOM[:12]
    for A, B in games:
        base = _shares(A, B, 1.0)
        for c in SCALES:
            assert _shares(A, B, c) == base, (A.tolist(), B.tolist(), c)


def test_random_basin_shares_at_a_fixed_seed_do_not_depend_on_the_unit():
    A = np.array([[4.0, 0.0], [3.0, 2.0]])
    base = cg.basin_share((A, A.T), n_samples=400, rng=7)
    for c in SCALES:
        res = cg.basin_share((A * c, A.T * c), n_samples=400, rng=7)
        assert res.share == base.share and res.counts == base.counts, c
    # the saddle of this stag hunt is (2/3, 2/3) and its stable manifold is the anti-diagonal through it
    # (a symmetric game): a uniform start reaches (1, 1) iff x + y > 4/3, probability (2/3)**2 / 2 = 2/9
    assert abs(base.share - 2 / 9) < 3 * np.sqrt(2 / 9 * 7 / 9 / 400)


def test_trajectories_are_time_rescaled_copies():
    """x_c(t) = x_1(c t): the same states at t_eval / c."""
    A = np.array([[4.0, 0.0], [3.0, 2.0]])
    x0 = [[0.5, 0.9], [0.7, 0.6], [0.2, 0.3]]
    t = np.linspace(0, 5, 11)
    ref = cg.replicator_dynamics((A, A.T), x0, (0, 5), t_eval=t)
    for c in SCALES:
        res = cg.replicator_dynamics((A * c, A.T * c), x0, (0, 5 / c), t_eval=t / c)
        assert np.allclose(res.states, ref.states, atol=1e-7), c
        assert res.n_steps.tolist() == pytest.approx(ref.n_steps.tolist(), abs=3)


def _ncity(c: float, params: dict) -> cg.NCityGame:
    """An n-city game with every money parameter times c (perception is a ratio: unchanged)."""
    return cg.NCityGame(cost=params["cost"] * c, reward=params["reward"] * c, penalty=params["penalty"] * c,
                        synergy=params["synergy"] * c, perception=params["perception"])


def test_ncity_regime_rest_points_and_basins_do_not_depend_on_the_unit():
    rng = np.random.default_rng(5)
    for _ in range(8):
        syn = rng.integers(0, 4, (3, 3)).astype(float)
        np.fill_diagonal(syn, 0.0)
        params = {"cost": rng.integers(1, 6, 3).astype(float), "reward": rng.integers(0, 4, 3).astype(float),
                  "penalty": rng.integers(0, 3, 3).astype(float), "synergy": syn,
                  "perception": rng.choice([1.0, 1.5], 3)}
        base = cg.evolutionary_regime(_ncity(1.0, params))
        labels = [p.label for p in base.rest_points.points]
        share = cg.basin_share(_ncity(1.0, params), n_samples=200, rng=3)
        for c in SCALES:
            reg = cg.evolutionary_regime(_ncity(c, params))
            assert (str(reg.regime), reg.ess) == (str(base.regime), base.ess), (params, c)
            assert [p.label for p in reg.rest_points.points] == labels, (params, c)
            other = cg.basin_share(_ncity(c, params), n_samples=200, rng=3)
            assert (other.share, other.counts) == (share.share, share.counts), (params, c)


@pytest.mark.parametrize("constant", [0.0, 100.0, 1e6])
def test_default_basin_horizon_ignores_a_constant_added_to_every_payoff(constant):
    """The replicator moves with payoff differences only (theory: adding a constant to every payoff leaves the
    field unchanged), so the default horizon must not shrink with the payoff level: with a horizon of 200 /
    payoff scale, the stag hunt + 100 left every run interior (share 0); now it is the stag hunt's share."""
    A = np.array([[4.0, 0.0], [3.0, 3.0]])
    base = cg.basin_share(cg.PairwiseGame(A, A.T), points=21)
    shifted = cg.basin_share(cg.PairwiseGame(A + constant, A.T + constant), points=21)
    assert shifted.share == base.share > 0.1
    assert shifted.counts == base.counts and "interior" not in shifted.counts

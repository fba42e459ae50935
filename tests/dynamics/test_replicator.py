"""Batched replicator integration: agreement with scipy's solve_ivp, invariance of [0, 1] and the simplex."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy.integrate._ivp.rk import RK45

from coopgame import NCityGame, PairwiseGame, replicator_dynamics
from coopgame.dynamics import _integrators
from coopgame.errors import InvalidGameError, InvalidParameterError, UnknownMethodError
from tests.dynamics.reference_models import worked, xinan_matrices
from tests.strategies import bimatrix, bounded

REF = {"method": "solve_ivp", "rtol": 1e-12, "atol": 1e-14}


def field_2x2(A, B):
    """Textbook two-population field, written here from the payoff matrices (rows/cols = C, D)."""
    def f(t, z):
        x, y = z
        gA = (A[0, 0] - A[1, 0]) * y + (A[0, 1] - A[1, 1]) * (1 - y)
        gB = (B[0, 0] - B[0, 1]) * x + (B[1, 0] - B[1, 1]) * (1 - x)
        return [x * (1 - x) * gA, y * (1 - y) * gB]
    return f


def test_dormand_prince_tableau_matches_scipy():
    """The hand-written tableau equals scipy's RK45 coefficients (independent transcription)."""
    I = _integrators
    A = RK45.A
    assert np.allclose([I._A21], A[1, :1])
    assert np.allclose([I._A31, I._A32], A[2, :2])
    assert np.allclose([I._A41, I._A42, I._A43], A[3, :3])
    assert np.allclose([I._A51, I._A52, I._A53, I._A54], A[4, :4])
    assert np.allclose([I._A61, I._A62, I._A63, I._A64, I._A65], A[5, :5])
    assert np.allclose([I._B1, 0, I._B3, I._B4, I._B5, I._B6], RK45.B)
    # scipy stores b4 - b5; ours is b5 - b4
    assert np.allclose([I._E1, 0, I._E3, I._E4, I._E5, I._E6, I._E7], -RK45.E)


@pytest.mark.parametrize("name, A, B", [
    ("bistable BM1", *worked(2.0, 1.5)),
    pytest.param("cycling Xin'an R1", *xinan_matrices(b_U=0, C_U=4, S=3, M=1, Mp=1, F_U=0, F_D=0, B_D=5, Ls_D=3),
                 marks=pytest.mark.slow),  # about 3 s: solve_ivp at rtol 1e-12 around a centre
    ("defection BM1", *worked(0.0, 0.0)),
])
def test_batched_endpoints_agree_with_solve_ivp(name, A, B):
    rng = np.random.default_rng(7)
    x0 = rng.uniform(0.02, 0.98, size=(40, 2))
    res = replicator_dynamics((A, B), x0, (0.0, 50.0))
    ref = replicator_dynamics((A, B), x0, (0.0, 50.0), **REF)
    assert res.success.all()
    assert np.max(np.abs(res.final_states - ref.final_states)) < 1e-6, name


def test_solve_ivp_path_matches_an_independent_field():
    """The reference path itself agrees with scipy on a field written in this test."""
    from scipy.integrate import solve_ivp
    A, B = worked(2.0, 1.5)
    sol = solve_ivp(field_2x2(A, B), (0, 20), [0.8, 0.7], method="DOP853", rtol=1e-12, atol=1e-14)
    res = replicator_dynamics(PairwiseGame(A, B), [0.8, 0.7], (0, 20))
    assert np.max(np.abs(res.final_states[0] - sol.y[:, -1])) < 1e-7


def test_trajectories_on_t_eval_agree_with_solve_ivp():
    A, B = xinan_matrices(b_U=0, C_U=4, S=3, M=1, Mp=1, F_U=0, F_D=0, B_D=5, Ls_D=3)
    te = np.linspace(0, 30, 61)
    x0 = [[0.3, 0.6], [0.7, 0.2]]
    res = replicator_dynamics((A, B), x0, (0, 30), t_eval=te)
    ref = replicator_dynamics((A, B), x0, (0, 30), t_eval=te, **REF)
    assert res.states.shape == (2, 61, 2)
    assert np.array_equal(res.times, te)
    assert np.max(np.abs(res.states - ref.states)) < 1e-6


def test_rk4_agrees_with_solve_ivp():
    A, B = worked(2.0, 1.5)
    x0 = np.random.default_rng(3).uniform(0.05, 0.95, size=(20, 2))
    res = replicator_dynamics((A, B), x0, (0, 20), method="rk4", n_steps=2000)
    ref = replicator_dynamics((A, B), x0, (0, 20), **REF)
    assert np.max(np.abs(res.final_states - ref.final_states)) < 1e-6


def test_bimatrix_3x3_agrees_and_stays_on_simplex():
    A = np.array([[0.0, -1, 1], [1, 0, -1], [-1, 1, 0]]) + 0.3 * np.eye(3)
    B = np.array([[0.2, 1, -1], [-1, 0.1, 1], [1, -1, 0.4]])
    rng = np.random.default_rng(5)
    x0 = np.concatenate([rng.dirichlet(np.ones(3), 8), rng.dirichlet(np.ones(3), 8)], axis=1)
    res = replicator_dynamics(PairwiseGame(A, B), x0, (0, 15), t_eval=np.linspace(0, 15, 16))
    ref = replicator_dynamics(PairwiseGame(A, B), x0, (0, 15), t_eval=np.linspace(0, 15, 16), **REF)
    assert np.max(np.abs(res.states - ref.states)) < 1e-6
    assert np.allclose(res.states[..., :3].sum(-1), 1.0, atol=1e-12)
    assert np.allclose(res.states[..., 3:].sum(-1), 1.0, atol=1e-12)
    assert res.states.min() >= 0.0


def test_ncity_agrees_with_solve_ivp_and_with_game_gains():
    s = np.array([[0, 3.0, 1.0], [2.0, 0, 1.5], [0.5, 1.0, 0]])
    game = NCityGame(cost=[2.0, 2.5, 1.0], synergy=s, reward=[0.5, 0.0, 0.2], players=["a", "b", "c"])
    x0 = np.random.default_rng(11).uniform(0.05, 0.95, size=(12, 3))
    res = replicator_dynamics(game, x0, (0, 25))
    ref = replicator_dynamics(game, x0, (0, 25), **REF)
    assert np.max(np.abs(res.final_states - ref.final_states)) < 1e-6
    # the field the package integrates is x(1-x) g(x) with the game's own payoff_gain
    from scipy.integrate import solve_ivp
    sol = solve_ivp(lambda t, x: x * (1 - x) * game.payoff_gain(x), (0, 25), x0[0], method="DOP853",
                    rtol=1e-12, atol=1e-14)
    assert np.max(np.abs(res.final_states[0] - sol.y[:, -1])) < 1e-6


def test_ncity_with_issue_layers_is_one_population_per_city_and_issue():
    s = 2.0 * (1 - np.eye(2))
    game = NCityGame(cost=[[1.0, 3.0], [0.5, 0.5]], synergy=[s, 0.1 * s], players=["A", "B"], issues=["air", "water"])
    res = replicator_dynamics(game, np.full(4, 0.5), (0, 40))
    assert res.players == ("A/air", "B/air", "A/water", "B/water")
    assert res.coordinates == ("x[A/air]", "x[B/air]", "x[A/water]", "x[B/water]")
    ref = replicator_dynamics(game, np.full(4, 0.5), (0, 40), **REF)
    assert np.max(np.abs(res.final_states - ref.final_states)) < 1e-6


shares = hnp.arrays(np.float64, (5, 2), elements=st.floats(0, 1, allow_nan=False))


@settings(max_examples=40, deadline=None)
@given(bimatrix(2, 2), shares, st.sampled_from(["dopri5", "rk4"]))
def test_trajectories_never_leave_the_unit_square(AB, x0, method):
    res = replicator_dynamics((AB[0], AB[1]), x0, (0, 40), t_eval=np.linspace(0, 40, 21), method=method,
                              n_steps=200)
    assert np.all(np.isfinite(res.states))
    assert res.states.min() >= 0.0 and res.states.max() <= 1.0
    # faces are invariant: a population that starts at 0 or 1 stays there exactly
    for p in range(2):
        on_face = (x0[:, p] == 0.0) | (x0[:, p] == 1.0)
        assert np.all(res.states[on_face, :, p] == x0[on_face, None, p])


@settings(max_examples=25, deadline=None)
@given(bimatrix(3, 3, elements=bounded(5)), st.integers(0, 2**32 - 1))
def test_bimatrix_states_stay_on_the_simplex(AB, seed):
    rng = np.random.default_rng(seed)
    x0 = np.concatenate([rng.dirichlet(np.ones(3), 3), rng.dirichlet(np.ones(3), 3)], axis=1)
    res = replicator_dynamics((AB[0], AB[1]), x0, (0, 20), t_eval=np.linspace(0, 20, 11))
    assert res.states.min() >= 0.0
    assert np.allclose(res.states[..., :3].sum(-1), 1.0, atol=1e-12)
    assert np.allclose(res.states[..., 3:].sum(-1), 1.0, atol=1e-12)


def test_inputs_are_not_mutated_and_outputs_are_read_only():
    A, B = worked(2.0, 1.5)
    x0 = np.array([[0.2, 0.4], [0.9, 0.8]])
    keep = (A.copy(), B.copy(), x0.copy())
    res = replicator_dynamics((A, B), x0, (0, 10))
    assert np.array_equal(A, keep[0]) and np.array_equal(B, keep[1]) and np.array_equal(x0, keep[2])
    with pytest.raises(ValueError):
        res.states[0, 0, 0] = 1.0


def test_result_summary_and_dict():
    A, B = worked(3.0, 3.0)
    res = replicator_dynamics((A, B), [[0.1, 0.1], [0.5, 0.5]], (0, 50))
    text = str(res)
    assert "(1, 1)" in text and "dopri5" in text
    d = res.to_dict()
    assert d["result"] == "TrajectoryResult" and "game" not in d
    assert res.endpoint_classes() == ["(1, 1)", "(1, 1)"]


@pytest.mark.parametrize("kwargs, err", [
    ({"x0": [0.5, 1.5]}, InvalidParameterError),
    ({"x0": [0.5, 0.5, 0.5]}, InvalidParameterError),
    ({"t_span": (5, 1)}, InvalidParameterError),
    ({"t_eval": [0, 60]}, InvalidParameterError),
    ({"method": "euler"}, UnknownMethodError),
    ({"rtol": -1.0}, InvalidParameterError),
])
def test_bad_input_raises_typed_errors(kwargs, err):
    A, B = worked(2.0, 1.5)
    args = {"x0": [0.5, 0.5], "t_span": (0, 50)}
    args.update(kwargs)
    with pytest.raises(err, match="replicator_dynamics"):
        replicator_dynamics((A, B), args.pop("x0"), args.pop("t_span"), **args)


def test_bad_game_raises():
    with pytest.raises(InvalidGameError, match="replicator_dynamics"):
        replicator_dynamics("not a game", [0.5, 0.5], (0, 1))
    with pytest.raises(InvalidGameError):
        replicator_dynamics((np.eye(2), np.eye(3)), [0.5, 0.5], (0, 1))


def test_bimatrix_initial_state_must_be_on_simplex():
    A = np.eye(3)
    with pytest.raises(InvalidParameterError, match="sum to 1"):
        replicator_dynamics((A, A), [0.5, 0.5, 0.5, 1, 0, 0], (0, 1))


def test_replicator_field_checks_states_like_replicator_dynamics():
    from coopgame.dynamics import replicator_field

    A = np.array([[3.0, 0.0], [5.0, 1.0]])
    with pytest.raises(InvalidParameterError, match=r"replicator_field\(\): states entries must be shares"):
        replicator_field((A, A.T), [2.0, -1.0])
    with pytest.raises(InvalidParameterError, match=r"replicator_field\(\): states must have shape \(2,\)"):
        replicator_field((A, A.T), [0.5, 0.5, 0.5])
    big = np.arange(9.0).reshape(3, 3)
    with pytest.raises(InvalidParameterError, match=r"replicator_field\(\): each states row must hold two mixed"):
        replicator_field((big, big.T), [0.5, 0.5, 0.5, 0.2, 0.2, 0.2])
    # valid states: unchanged, in the shape given
    assert replicator_field((A, A.T), [0.5, 0.5]).tolist() == [-0.375, -0.375]
    assert replicator_field((A, A.T), [[0.5, 0.5], [1.0, 0.0]]).shape == (2, 2)

"""Hostile inputs to the evolutionary dynamics (issue 12): no hang, no raw traceback, no silent wrong answer.

Each reproducer of the issue is here with the error type it must raise and the
function and argument its message must name; every call is bounded in time
(the fuzz conftest gives each test 30 s, most take well under one).
"""

from __future__ import annotations

import warnings
from fractions import Fraction

import numpy as np
import pytest

import coopgame as cg
from coopgame.errors import (
    ConvergenceWarning,
    GameTooLargeError,
    InvalidGameError,
    InvalidParameterError,
    UnknownMethodError,
)

STAG = cg.PairwiseGame.from_two_city(cost=4, synergy=6, alpha=0.5, free_ride_gain=2, lone_loss=1, reward=2,
                                     penalty=1.5)
PENNIES = np.array([[1.0, -1.0], [-1.0, 1.0]])


def _bistable(scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Stag hunt written here: (C, C) and (D, D) strict equilibria, saddle at (2/3, 2/3)."""
    A = np.array([[4.0, 0.0], [3.0, 2.0]]) * scale
    return A, A.T.copy()


# ---------------------------------------------------------------------------------------------- 1. no hangs
@pytest.mark.parametrize("kwargs, match", [
    ({"atol": 0}, r"replicator_dynamics\(\): method='dopri5' needs atol > 0"),
    ({"atol": 0, "rtol": 0, "method": "solve_ivp"}, r"replicator_dynamics\(\): rtol and atol cannot both be 0"),
    ({"rtol": 1e-20}, r"replicator_dynamics\(\): rtol must be 0 or at least 1e-13"),
    ({"rtol": 2.0}, r"replicator_dynamics\(\): rtol must be <= 1"),
    ({"rtol": "1e-8"}, r"replicator_dynamics\(\): rtol must be a real number; got '1e-8' \(str\)"),
    ({"atol": complex(1e-9, 1)}, r"replicator_dynamics\(\): atol must be a real number"),
    ({"atol": float("nan")}, r"replicator_dynamics\(\): atol must be a finite number"),
    ({"max_step": 0}, r"replicator_dynamics\(\): max_step must be > 0"),
    ({"max_step": -1.0}, r"replicator_dynamics\(\): max_step must be > 0"),
    ({"max_step": "big"}, r"replicator_dynamics\(\): max_step must be a real number"),
    ({"max_step": 1e-300}, r"replicator_dynamics\(\): each run needs at least 5e\+300 steps .*max_step"),
    ({"t_eval": np.linspace(0, 5, 200_000)}, r"replicator_dynamics\(\): each run needs at least 199,999 steps "
                                             r"\(199999 output times\) but max_steps=20000"),
    ({"max_steps": 0}, r"replicator_dynamics\(\): max_steps must be >= 1"),
    ({"max_steps": 2.5}, r"replicator_dynamics\(\): max_steps must be an integer"),
    ({"n_steps": 10**8, "method": "rk4"}, r"replicator_dynamics\(\): method='rk4' would take 100,000,001 steps "
                                          r"\(n_steps=100000000 plus 1 output times\) but max_steps=20000"),
    ({"ivp_method": "Euler", "method": "solve_ivp"}, r"replicator_dynamics\(\): ivp_method must be one of"),
])
def test_ill_posed_integration_is_refused_before_it_starts(kwargs, match):
    with pytest.raises((InvalidParameterError, GameTooLargeError), match=match):
        cg.replicator_dynamics(STAG, [0.5, 0.6], (0, 5), **kwargs)


def test_atol_zero_with_rtol_is_well_posed_for_solve_ivp():
    res = cg.replicator_dynamics(STAG, [0.9, 0.9], (0, 20), method="solve_ivp", atol=0, rtol=1e-8)
    assert res.success.all() and np.allclose(res.final_states, 1.0, atol=1e-6)


def test_trajectory_output_too_large_for_memory_is_refused():
    """20,000 states x 50,000 output times x 2 coordinates = 14.9 GiB of float64 (the issue's figure)."""
    x0 = np.full((20_000, 2), 0.5)
    with pytest.raises(GameTooLargeError, match=r"replicator_dynamics\(\): the trajectories of 20000 initial states "
                                                r"at 50000 output times"):
        cg.replicator_dynamics(STAG, x0, (0, 5), t_eval=np.linspace(0, 5, 50_000), max_steps=10**6)


def test_many_states_times_many_steps_exceed_the_work_budget():
    x0 = np.full((100_000, 2), 0.5)
    with pytest.raises(GameTooLargeError, match=r"replicator_dynamics\(\): the call needs at least 1e\+09 "
                                                r"coordinate-steps \(100000 states x 2 coordinates x 5,000 steps"):
        cg.replicator_dynamics(STAG, x0, (0, 5), max_step=1e-3)  # payoff scale 3: natural step 2e-3 over 10


@pytest.mark.parametrize("payoff", [1.7e308, 1e308, 1e300])
def test_payoffs_near_the_float_maximum_never_give_nan(payoff):
    """Today: 200,000 rejected steps, 32 s per state, NaN. Now a right answer or a typed error, at once."""
    A = np.array([[payoff, 0.0], [0.0, payoff]])  # coordination game: (C, C) and (D, D) stable
    try:
        res = cg.replicator_dynamics((A, A.T), [[0.3, 0.4], [0.8, 0.7]], (0, 5))
    except InvalidParameterError as exc:
        assert "replicator_dynamics(): t_span (0, 5) times the payoff scale" in str(exc)
    else:
        assert res.success.all()
        assert res.final_states.tolist() == [[0.0, 0.0], [1.0, 1.0]]
    # over a span the natural time can represent, the answer is there
    res = cg.replicator_dynamics((A, A.T), [[0.3, 0.4], [0.8, 0.7]], (0, 50 / payoff))
    assert res.success.all() and np.allclose(res.final_states, [[0, 0], [1, 1]], atol=1e-6)


def test_fast_cycles_end_quickly_with_a_recorded_failure():
    """Matching pennies x 1e4 over (0, 50) is 5e5 natural time units of cycling: the step limit ends the run
    (today: 30 s, then a crash); the result records it and its summary says so."""
    with pytest.warns(ConvergenceWarning, match=r"replicator_dynamics\(\): 1 of 1 runs stopped before t1 "
                                                r"\(step limit reached\)"):
        res = cg.replicator_dynamics((PENNIES * 1e4, -PENNIES * 1e4), [0.3, 0.6], (0, 50), max_steps=5000)
    assert not res.success[0] and res.status[0].startswith("step limit reached at t = ")
    assert np.isnan(res.final_states).all()
    text = str(res.summary())
    assert "failed" in text and "1 step limit reached" in text


def test_fast_cycles_at_the_default_step_limit_finish_within_seconds():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        res = cg.replicator_dynamics((PENNIES * 1e4, -PENNIES * 1e4), [0.3, 0.6], (0, 50))
    assert not res.success[0] and "step limit" in res.status[0]


def test_same_cycle_in_a_unit_the_budget_allows_completes():
    """The same orbit, scaled to a time span the step limit allows: completes and stays on its orbit."""
    res = cg.replicator_dynamics((PENNIES * 1e4, -PENNIES * 1e4), [0.3, 0.6], (0, 50e-4))
    ref = cg.replicator_dynamics((PENNIES, -PENNIES), [0.3, 0.6], (0, 50))
    assert res.success.all() and np.allclose(res.final_states, ref.final_states, atol=1e-6)


def test_solve_ivp_runs_are_bounded_too():
    with pytest.warns(ConvergenceWarning, match="step limit reached"):
        res = cg.replicator_dynamics((PENNIES * 1e4, -PENNIES * 1e4), [0.3, 0.6], (0, 50), method="solve_ivp",
                                     max_steps=500)
    assert not res.success[0]


# ---------------------------------------------------------------------------------------------- 2. failed runs
def test_failed_runs_are_recorded_and_summaries_say_so():
    """Today max_step=1e-300 ran, failed silently and summary() raised 'cannot convert float NaN to integer'.
    Now that call is refused up front (above), and a run that does fail (step limit) is recorded."""
    with pytest.warns(ConvergenceWarning, match=r"replicator_dynamics\(\): 1 of 2 runs stopped before t1"):
        res = cg.replicator_dynamics(STAG, [[0.5, 0.6], [0.9, 0.9]], (0, 5), max_steps=15)
    # the run from near the saddle needs more than 15 steps, the one near (1, 1) fewer; status says which
    assert res.n_failed == 1
    bad = int(np.flatnonzero(~res.success)[0])
    assert res.status[bad].startswith("step limit reached at t = ") and res.status[1 - bad] == "completed"
    assert np.isnan(res.final_states[bad]).all() and np.isfinite(res.final_states[1 - bad]).all()
    assert res.endpoint_classes()[bad] == "failed"
    text = str(res.summary())
    assert "runs completed" in text and "1/2" in text and "failed" in text and "1 step limit reached" in text
    assert res.to_dict()["status"][bad].startswith("step limit")


def test_basin_share_counts_failed_runs_and_its_summary_works():
    with pytest.warns(ConvergenceWarning, match=r"basin_share\(\): .* runs stopped before t1"):
        res = cg.basin_share(STAG, points=5, max_steps=4)
    assert res.counts.get("failed", 0) > 0
    assert res.share == pytest.approx(res.counts.get("(1, 1)", 0) / 25)
    text = str(res.summary())
    assert "failed runs" in text and "step limit reached" in text and "lower bound" in text


def test_result_arrays_are_read_only_for_good():
    res = cg.replicator_dynamics(STAG, [[0.5, 0.6]], (0, 5))
    basin = cg.basin_share(STAG, points=3)
    rp = cg.rest_points(STAG)
    arrays = [res.states, res.times, res.success, res.n_steps, res.n_rejected, basin.target, basin.initial_states,
              basin.final_states, basin.reached]
    arrays += [a for p in rp.points for a in (p.state, p.jacobian, p.eigenvalues)]
    for arr in arrays:
        assert not arr.flags.writeable
        with pytest.raises(ValueError):
            arr.setflags(write=True)


# ---------------------------------------------------------------------------------------------- 3. basin_share
def test_basin_share_refuses_huge_sample_counts_before_allocating():
    with pytest.raises(GameTooLargeError, match=r"basin_share\(\): n_samples=1000000000000 initial states"):
        cg.basin_share(STAG, n_samples=10**12)
    # past the work budget (2 steps x 2 coordinates x 3e8 > 4e8), and past memory on most machines
    with pytest.raises(GameTooLargeError, match=r"basin_share\(\): n_samples=300000000 initial states of 2 "):
        cg.basin_share(STAG, n_samples=3 * 10**8)


@pytest.mark.parametrize("target, match", [
    ([2, 2], r"basin_share\(\): target entries must be shares in \[0, 1\]; got 2.0"),
    ([0.5, -1], r"basin_share\(\): target entries must be shares in \[0, 1\]; got -1.0"),
    ([1, 1, 1], r"basin_share\(\): target must have shape \(2\)"),
    ("cc", r"basin_share\(\): target must be an array of real numbers"),
    ([1, complex(1, 1)], r"basin_share\(\): target must be an array of real numbers"),
    ([1, float("nan")], r"basin_share\(\): target must contain only finite numbers"),
])
def test_basin_share_refuses_a_target_off_the_state_space(target, match):
    with pytest.raises(InvalidParameterError, match=match):
        cg.basin_share(STAG, target=target, points=3)


def test_basin_share_bimatrix_target_must_be_two_mixed_strategies():
    A = np.eye(3)
    with pytest.raises(InvalidParameterError, match=r"basin_share\(\): each target row must hold two mixed"):
        cg.basin_share((A, A), target=[1, 1, 0, 1, 0, 0], points=3)


@pytest.mark.parametrize("kwargs, match", [
    ({"rtol": "x"}, r"basin_share\(\): rtol must be a real number"),
    ({"atol": 0}, r"basin_share\(\): method='dopri5' needs atol > 0"),
    ({"t_max": 0}, r"basin_share\(\): t_max must be > 0"),
    ({"t_max": float("inf")}, r"basin_share\(\): t_max must be a finite number"),
    ({"t_max": 10**400}, r"basin_share\(\): t_max must be a real number that fits a float"),
    ({"t_max": "50"}, r"basin_share\(\): t_max must be a real number; got '50' \(str\)"),
    ({"target_atol": -1}, r"basin_share\(\): target_atol must be >= 0"),
    ({"target_atol": complex(0, 1)}, r"basin_share\(\): target_atol must be a real number"),
    ({"points": 1}, r"basin_share\(\): points must be >= 2"),
    ({"points": 10**6}, r"basin_share\(\): a grid of 1000000000000 initial states"),
    ({"n_samples": 0}, r"basin_share\(\): n_samples must be >= 1"),
    ({"n_samples": 2.0}, r"basin_share\(\): n_samples must be an integer"),
    ({"max_steps": -1}, r"basin_share\(\): max_steps must be >= 1"),
])
def test_basin_share_messages_name_basin_share(kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        cg.basin_share(STAG, **kwargs)


# ---------------------------------------------------------------------------------------------- 5. boundary
_HOSTILE = {"None": None, "str": "abc", "numeric-str": "0.5", "complex": 1 + 2j, "nan": float("nan"),
            "inf": float("inf"), "huge-int": 10**400, "bool": True, "object": object(), "empty": [], "dict": {},
            "3d": np.zeros((2, 2, 2)), "complex-array": np.array([1 + 1j, 2]), "nan-array": [0.5, float("nan")],
            "tiny": 5e-324, "neg": -1}
_TYPED = (InvalidGameError, InvalidParameterError, UnknownMethodError, GameTooLargeError)


def _calls():
    from coopgame.dynamics import replicator_field

    rp = cg.rest_points(STAG)
    traj = cg.replicator_dynamics(STAG, [0.5, 0.5], (0, 1))
    return {
        "replicator_dynamics(game)": (lambda v: cg.replicator_dynamics(v, [0.5, 0.5], (0, 1)), "replicator_dynamics"),
        "replicator_dynamics(x0)": (lambda v: cg.replicator_dynamics(STAG, v, (0, 1)), "replicator_dynamics"),
        "replicator_dynamics(t_span)": (lambda v: cg.replicator_dynamics(STAG, [0.5, 0.5], (0, v)),
                                        "replicator_dynamics"),
        "replicator_dynamics(t_eval)": (lambda v: cg.replicator_dynamics(STAG, [0.5, 0.5], (0, 1), t_eval=v),
                                        "replicator_dynamics"),
        "replicator_dynamics(method)": (lambda v: cg.replicator_dynamics(STAG, [0.5, 0.5], (0, 1), method=v),
                                        "replicator_dynamics"),
        "replicator_dynamics(max_step)": (lambda v: cg.replicator_dynamics(STAG, [0.5, 0.5], (0, 1), max_step=v),
                                          "replicator_dynamics"),
        "replicator_dynamics(n_steps)": (lambda v: cg.replicator_dynamics(STAG, [0.5, 0.5], (0, 1), method="rk4",
                                                                         n_steps=v), "replicator_dynamics"),
        "replicator_field(game)": (lambda v: replicator_field(v, [0.5, 0.5]), "replicator_field"),
        "replicator_field(states)": (lambda v: replicator_field(STAG, v), "replicator_field"),
        "rest_points(game)": (lambda v: cg.rest_points(v), "rest_points"),
        "rest_points(tol)": (lambda v: cg.rest_points(STAG, tol=v), "rest_points"),
        "evolutionary_regime(game)": (lambda v: cg.evolutionary_regime(v), "evolutionary_regime"),
        "evolutionary_regime(tol)": (lambda v: cg.evolutionary_regime(STAG, tol=v), "evolutionary_regime"),
        "basin_share(game)": (lambda v: cg.basin_share(v, points=3), "basin_share"),
        "basin_share(n_samples)": (lambda v: cg.basin_share(STAG, n_samples=v), "basin_share"),
        "basin_share(rng)": (lambda v: cg.basin_share(STAG, n_samples=4, rng=v), "basin_share"),
        "endpoint_classes(atol)": (lambda v: traj.endpoint_classes(atol=v), "TrajectoryResult.endpoint_classes"),
        "find(state)": (lambda v: rp.find(v), "RestPointsResult.find"),
        "find(atol)": (lambda v: rp.find([0, 0], atol=v), "RestPointsResult.find"),
    }


@pytest.mark.parametrize("value", list(_HOSTILE), ids=list(_HOSTILE))
def test_every_dynamics_entry_gives_a_typed_error_or_an_answer(value):
    bad = _HOSTILE[value]
    for name, (call, func) in _calls().items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            try:
                call(bad)
            except _TYPED as exc:
                assert f"{func}()" in str(exc), (name, value, str(exc))
            except KeyError as exc:  # find(): no rest point there, documented
                assert name.startswith("find") and "no rest point" in str(exc), (name, value)
            except Exception as exc:  # noqa: BLE001 - the point of the test
                pytest.fail(f"{name} with {value} raised a raw {type(exc).__name__}: {exc}")


@pytest.mark.parametrize("value", [Fraction(1, 2), np.float32(0.5), np.float64(0.5), np.int64(1)])
def test_fractions_and_numpy_scalars_are_accepted(value):
    res = cg.replicator_dynamics(STAG, [value, value], (Fraction(0), value * 4), rtol=Fraction(1, 10**8),
                                 atol=np.float64(1e-10), max_step=value)
    assert res.success.all()
    assert cg.rest_points(STAG, tol=Fraction(1, 10**9)).points
    assert cg.evolutionary_regime(STAG, tol=np.float32(1e-9)).regime == "bistable"
    assert 0 <= cg.basin_share(STAG, points=3, t_max=value * 20, target_atol=Fraction(1, 1000)).share <= 1


def test_replicator_field_near_the_float_maximum_is_finite_or_refused():
    from coopgame.dynamics import replicator_field

    A = np.array([[1.7e308, -1.7e308], [-1.7e308, 1.7e308]])
    v = replicator_field((A, A.T), [[0.5, 0.5], [0.9, 0.2]])
    assert np.all(np.isfinite(v)) and v[0].tolist() == [0.0, 0.0]
    assert np.sign(v[1]).tolist() == [-1.0, 1.0]  # row: (1.7e308 (0.2) - 1.7e308 (0.8)) < 0; column: > 0


# ---------------------------------------------------------------------------------------------- the integrator itself
def test_dopri5_ends_runs_whose_derivative_turns_nan():
    """dopri5 did not notice a NaN step (it rejected 200,000 times). Field NaN past z = 1: z' = 1 from z = 0."""
    from coopgame.dynamics import _integrators as I

    def f(z):
        return np.where(z < 1.0, 1.0, np.nan)

    out, stats = I.dopri5(f, np.array([[0.0, -10.0]]), np.array([0.0, 5.0]), rtol=1e-8, atol=1e-10)
    assert stats.status.tolist() == [I.NON_FINITE, I.OK] and stats.success.tolist() == [False, True]
    assert stats.t_stop[0] <= 1.0 + 1e-9  # it stopped where the field broke, not later
    assert np.isnan(out[-1, 0, 0]) and out[-1, 0, 1] == pytest.approx(-5.0)


def test_dopri5_step_floor_ends_a_stiff_run():
    """z' = -1e20 z is stable only for steps below ~3e-20: below the floor, so the run stops at once."""
    from coopgame.dynamics import _integrators as I

    _, stats = I.dopri5(lambda z: -1e20 * z, np.array([[1.0]]), np.array([0.0, 1.0]), rtol=1e-8, atol=1e-10)
    assert stats.status.tolist() == [I.UNDERFLOW]
    assert stats.n_accepted[0] + stats.n_rejected[0] < 1000


def test_dopri5_work_budget_ends_every_unfinished_run():
    from coopgame.dynamics import _integrators as I

    def rotate(z):  # a centre: steps never grow
        return np.stack([-z[1], z[0]])

    z0 = np.tile(np.array([[1.0], [0.0]]), (1, 50))
    out, stats = I.dopri5(rotate, z0, np.array([0.0, 1e4]), rtol=1e-10, atol=1e-12, max_work=1e5)
    assert set(stats.status.tolist()) == {I.WORK_LIMIT} and not stats.success.any()
    assert np.isnan(out[-1]).all()
    # a budget is a budget: at most one sweep past it
    assert 2 * int(stats.n_accepted.sum() + stats.n_rejected.sum()) <= 1e5 + 100

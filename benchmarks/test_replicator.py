"""Replicator dynamics: 1,000 initial states of a 2x2 game over t in [0, 50], beside nashpy.

Target (DESIGN §4): 1,000 states in under 0.1 s with endpoint agreement to
``solve_ivp`` (rtol 1e-12, atol 1e-14) within 1e-6. nashpy integrates one
state per call (``asymmetric_replicator_dynamics``, scipy ``odeint``), so it is
timed on a few states and its per-state time is recorded for comparison.
"""

import numpy as np
import pytest

from benchmarks.conftest import sizes
from coopgame import PairwiseGame, replicator_dynamics, xinan_preset

SEED = 20240601
T_SPAN = (0.0, 50.0)


def _games():
    bistable = PairwiseGame.from_two_city(cost=4, synergy=6, alpha=0.5, free_ride_gain=2, lone_loss=1, reward=2,
                                          penalty=1.5)
    # Xin'an bet, round 1, no downstream penalty: an interior centre, shares cycle (the harder case)
    cycling = xinan_preset(1).game
    return {"bistable": bistable, "cycling": cycling}


def _initial_states(k):
    return np.random.default_rng(SEED).uniform(0.02, 0.98, size=(k, 2))


@pytest.mark.benchmark(group="replicator-2x2")
@pytest.mark.parametrize("game_name", ["bistable", "cycling"])
@pytest.mark.parametrize("n_states", sizes([1000, 10000], [1000]))
def test_replicator_batched(benchmark, game_name, n_states):
    game = _games()[game_name]
    x0 = _initial_states(n_states)
    res = benchmark(replicator_dynamics, game, x0, T_SPAN)
    # correctness after timing: endpoints against scipy's solve_ivp on a subset
    sub = slice(0, 25)
    ref = replicator_dynamics(game, x0[sub], T_SPAN, method="solve_ivp", rtol=1e-12, atol=1e-14)
    deviation = float(np.max(np.abs(res.final_states[sub] - ref.final_states)))
    assert deviation < 1e-6
    assert res.success.all()
    benchmark.extra_info.update(n_states=n_states, game=game_name, max_endpoint_deviation=deviation,
                                median_steps=float(np.median(res.n_steps)))


@pytest.mark.benchmark(group="replicator-2x2")
@pytest.mark.parametrize("n_states", sizes([20], [2]))
def test_nashpy_one_state_per_call(benchmark, n_states):
    nashpy = pytest.importorskip("nashpy")
    game = _games()["bistable"]
    x0 = _initial_states(n_states)
    timepoints = np.linspace(*T_SPAN, 1001)

    # Adding a constant to a player's payoffs leaves the replicator dynamics unchanged. nashpy integrates
    # the unreduced system, in which a negative mean payoff makes the off-simplex error grow like
    # exp(-mean payoff * t); on the raw BM1 payoffs its endpoints leave the simplex, so it gets the
    # shifted (all-positive) game.
    shift = 1.0 - min(game.row_payoffs.min(), game.col_payoffs.min())

    def run():
        g = nashpy.Game(game.row_payoffs + shift, game.col_payoffs + shift)
        out = []
        for x, y in x0:
            xs, ys = g.asymmetric_replicator_dynamics(x0=np.array([x, 1 - x]), y0=np.array([y, 1 - y]),
                                                      timepoints=timepoints)
            out.append((xs[-1, 0], ys[-1, 0]))
        return np.array(out)

    ends = benchmark(run)
    ref = replicator_dynamics(game, x0, T_SPAN)
    deviation = float(np.max(np.abs(ends - ref.final_states)))
    assert deviation < 1e-4  # odeint's default tolerances
    benchmark.extra_info.update(n_states=n_states, per_state_seconds=benchmark.stats.stats.mean / n_states,
                                max_endpoint_deviation=deviation)

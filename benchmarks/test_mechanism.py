"""Fund-mechanism benchmarks: the payment game of a 16-city fund (2**16 profiles x 120 pair projects).

``FundMechanism.analyse`` builds the payment game's payoff table, lists its
pure equilibria, and finds the enforcement thresholds; ``cooperative_game``
builds the alpha game of paying coalitions (the best subset of payers for
every coalition, ``O(n 2**n)``). Correctness is checked after timing: where the
closed form applies, its thresholds equal those by enumeration of the payment game;
always, the worst case is no better than paying last or paying alone.

Measured on the development machine (one thread, 3 rounds, mean): analyse
by enumeration n = 8: 6 ms, n = 12: 11 ms, n = 16: 0.29 s; the alpha game
n = 12: 3 ms, n = 16: 87 ms.
"""

import numpy as np
import pytest

from benchmarks.conftest import sizes
from coopgame import load_model


def _mechanism(n):
    mech = load_model("chengdu_chongqing_fund").build().values["mechanism"]
    if n == mech.n_players:
        return mech
    from dataclasses import replace

    keep = mech.players[:n]
    projects = tuple(p for p in mech.projects if set(p.participants) <= set(keep))
    projects = tuple(replace(p, benefits=p.benefits[:n]) for p in projects)
    return replace(mech, players=keep, dues=replace(mech.dues, base=mech.dues.base[:n]), projects=projects,
                   participation=mech.participation[:n], penalty=mech.penalty[:n])


@pytest.mark.benchmark(group="fund-mechanism")
@pytest.mark.parametrize("n", sizes([8, 12, 16], [8, 16]))
def test_analyse_enumerated(benchmark, n):
    mech = _mechanism(n)
    res = benchmark.pedantic(mech.analyse, kwargs={"method": "enumeration"}, rounds=3, iterations=1)
    if mech.covers_every_group():   # the closed form applies: the same thresholds
        closed = mech.analyse(method="closed-form")
        np.testing.assert_allclose(res.worst_advantage, closed.worst_advantage, rtol=1e-9, atol=1e-9)
    # the worst case over the others' choices is no better than paying last or paying alone (p = 0)
    stake = mech.withholding * (mech.dues.dues + mech.penalty)
    assert np.all(res.worst_advantage <= res.paying_advantage - stake + 1e-9)
    assert np.all(res.worst_advantage <= res.lone_advantage - stake + 1e-9)


@pytest.mark.benchmark(group="fund-mechanism")
@pytest.mark.parametrize("n", sizes([12, 16], [16]))
def test_alpha_game(benchmark, n):
    mech = _mechanism(n)
    game = benchmark.pedantic(mech.cooperative_game, rounds=3, iterations=1)
    assert game.values[0] == 0 and np.all(game.values >= 0)

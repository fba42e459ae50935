"""nash_equilibria against pygambit: Gambit's exact extreme-equilibrium sets on random and degenerate games.

The oracle tests live here so that test_nash.py runs without pygambit; this module skips
(with the reason) where pygambit is not installed. The same cases' recorded answers
(tests/oracle_records, checked by test_gambit_records.py on every run) are compared here
with the live oracle, so a stale record fails where pygambit is installed (``.ci/run``).
"""

import numpy as np
import pytest

from coopgame import PairwiseGame, nash_equilibria
from tests.equilibrium._gambit import equilibria_as_arrays, gambit_extreme_equilibria
from tests.equilibrium.reference import same_equilibrium_sets
from tests.oracle_records import cases, records
from tests.oracles import requires

pytestmark = [pytest.mark.oracle, requires("pygambit")]


@pytest.mark.parametrize("m, n", cases.NASH_FLOAT_SHAPES)
def test_random_float_games_match_gambit(m, n):
    for A, B in cases.nash_float_games(m, n):
        res = nash_equilibria(PairwiseGame(A, B))
        assert same_equilibrium_sets(res.equilibria, gambit_extreme_equilibria(A, B, rational=cases.rational_for(m)))
        assert res.max_regret <= 1e-9 and res.complete


@pytest.mark.parametrize("m, n", cases.NASH_INTEGER_SHAPES)
def test_small_integer_games_match_gambit_exactly(m, n):
    """Payoffs in {-2..2}: most of these games are degenerate (ties everywhere)."""
    degenerate = 0
    for A, B in cases.nash_integer_games(m, n):
        res = nash_equilibria(PairwiseGame(A, B))
        assert same_equilibrium_sets(res.equilibria, gambit_extreme_equilibria(A, B)), (A, B)
        assert res.max_regret <= 1e-12
        degenerate += res.degenerate
    assert degenerate >= 10  # the suite really exercises degenerate games


def test_the_record_is_the_live_oracles_answer_on_the_live_cases():
    """Stale record? Rerun ``python -m tests.oracle_records.regenerate`` and commit the JSON."""
    recorded = records.load(records.NASH)["cases"]
    live = [(kind, m, n, A, B) for kind, shapes, draw in (("float", cases.NASH_FLOAT_SHAPES, cases.nash_float_games),
                                                          ("integer", cases.NASH_INTEGER_SHAPES,
                                                           cases.nash_integer_games))
            for m, n in shapes for A, B in draw(m, n)]
    assert len(recorded) == len(live)
    for case, (kind, m, n, A, B) in zip(recorded, live):
        assert (case["kind"], *case["shape"]) == (kind, m, n), case["id"]
        assert np.array_equal(records.as_array(case["A"]), A) and np.array_equal(records.as_array(case["B"]), B), \
            f"{case['id']}: the recorded inputs are no longer the cases' draws"
        assert same_equilibrium_sets(equilibria_as_arrays(case["equilibria"]),
                                     gambit_extreme_equilibria(A, B, rational=case["rational"])), case["id"]

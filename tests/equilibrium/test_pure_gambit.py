"""Pure equilibria of the n-city game against pygambit's enumpure.

The oracle test lives here so that test_pure.py runs without pygambit; this module skips
(with the reason) where pygambit is not installed. The same cases' recorded answers
(tests/oracle_records, checked by test_gambit_records.py on every run) are compared here
with the live oracle, so a stale record fails where pygambit is installed (``.ci/run``).
"""

import numpy as np
import pytest

from coopgame import NCityGame, pure_equilibria
from tests.equilibrium._gambit import gambit_pure_equilibria
from tests.oracle_records import cases, records
from tests.oracles import requires

pytestmark = [pytest.mark.oracle, requires("pygambit")]


@pytest.mark.parametrize("n", cases.PURE_SIZES)
def test_pure_equilibria_match_gambit_enumpure(n):
    for _, params in cases.pure_city_games(n):
        game = NCityGame(**params)
        ours = set(pure_equilibria(game).profiles.tolist())
        assert ours == gambit_pure_equilibria(game.payoff_table(perceived=True), n)


def test_the_record_is_the_live_oracles_answer_on_the_live_cases():
    """Stale record? Rerun ``python -m tests.oracle_records.regenerate`` and commit the JSON."""
    recorded = records.load(records.PURE)["cases"]
    live = [(n, integer, params) for n in cases.PURE_SIZES for integer, params in cases.pure_city_games(n)]
    assert len(recorded) == len(live)
    for case, (n, integer, params) in zip(recorded, live):
        assert (case["n"], case["integer"]) == (n, integer), case["id"]
        assert case["parameters"].keys() == params.keys() and all(
            np.array_equal(records.as_array(case["parameters"][k]), v) for k, v in params.items()), \
            f"{case['id']}: the recorded inputs are no longer the cases' draws"
        game = NCityGame(**params)
        assert set(case["profiles"]) == gambit_pure_equilibria(game.payoff_table(perceived=True), n), case["id"]

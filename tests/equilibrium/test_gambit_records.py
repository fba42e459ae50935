"""nash_equilibria and pure_equilibria against pygambit's recorded answers (no pygambit needed).

The records (``tests/oracle_records/gambit_*.json``) hold each case's inputs and Gambit's answer,
written by ``python -m tests.oracle_records.regenerate`` with the pygambit version and date in
their header. The live comparisons, and the check that the records still agree with the live
oracle, are in ``test_nash_gambit.py`` and ``test_pure_gambit.py`` (``.ci/run`` runs them with the
``oracles`` extra).
"""

from collections import defaultdict

import pytest

from coopgame import NCityGame, PairwiseGame, nash_equilibria, pure_equilibria
from tests.equilibrium._gambit import equilibria_as_arrays
from tests.equilibrium.reference import same_equilibrium_sets
from tests.oracle_records import cases, records
from tests.oracle_records.records import as_array

NASH = records.load(records.NASH)
PURE = records.load(records.PURE)


def _nash_groups() -> dict:
    groups = defaultdict(list)
    for case in NASH["cases"]:
        groups[(case["kind"], *case["shape"])].append(case)
    return groups


NASH_GROUPS = _nash_groups()


@pytest.mark.parametrize("record", [NASH, PURE], ids=["enummixed", "enumpure"])
def test_records_say_which_oracle_answered_and_when(record):
    assert record["oracle"] == "pygambit" and record["oracle_version"] and record["call"]
    assert len(record["recorded"]) == 10 and record["regenerate"] == records.REGENERATE


def test_records_cover_every_case_of_the_live_tests():
    expected = {("float", m, n): 4 if m < 6 else 1 for m, n in cases.NASH_FLOAT_SHAPES}
    expected |= {("integer", m, n): 40 for m, n in cases.NASH_INTEGER_SHAPES}
    assert {key: len(group) for key, group in NASH_GROUPS.items()} == expected
    assert sorted((c["n"], c["integer"]) for c in PURE["cases"]) == sorted(
        (n, integer) for n in cases.PURE_SIZES for integer in (False, True))


@pytest.mark.parametrize("m, n", cases.NASH_FLOAT_SHAPES)
def test_random_float_games_match_recorded_gambit(m, n):
    for case in NASH_GROUPS[("float", m, n)]:
        A, B = as_array(case["A"]), as_array(case["B"])
        res = nash_equilibria(PairwiseGame(A, B))
        assert same_equilibrium_sets(res.equilibria, equilibria_as_arrays(case["equilibria"])), case["id"]
        assert res.max_regret <= 1e-9 and res.complete


@pytest.mark.parametrize("m, n", cases.NASH_INTEGER_SHAPES)
def test_small_integer_games_match_recorded_gambit_exactly(m, n):
    """Payoffs in {-2..2}: most of these games are degenerate (ties everywhere)."""
    degenerate = 0
    for case in NASH_GROUPS[("integer", m, n)]:
        A, B = as_array(case["A"]), as_array(case["B"])
        res = nash_equilibria(PairwiseGame(A, B))
        assert same_equilibrium_sets(res.equilibria, equilibria_as_arrays(case["equilibria"])), case["id"]
        assert res.max_regret <= 1e-12
        degenerate += res.degenerate
    assert degenerate >= 10  # the suite really exercises degenerate games


@pytest.mark.parametrize("case", PURE["cases"], ids=[c["id"] for c in PURE["cases"]])
def test_pure_equilibria_match_recorded_gambit_enumpure(case):
    game = NCityGame(**{k: as_array(v) for k, v in case["parameters"].items()})
    assert set(pure_equilibria(game).profiles.tolist()) == set(case["profiles"])

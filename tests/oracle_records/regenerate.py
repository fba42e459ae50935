"""Run the live pygambit oracle on the fixed cases and write its answers to ``tests/oracle_records/gambit_*.json``.

Usage (needs the ``oracles`` extra, i.e. pygambit)::

    python -m tests.oracle_records.regenerate

Each record carries pygambit's version and the date; the cases come from
:mod:`tests.oracle_records.cases`, the same draws the live tests make. The recorded tests
(``tests/equilibrium/test_gambit_records.py``) then check our solvers against these answers on
every run without pygambit; the live tests, run by ``.ci/run`` with pygambit installed, also
check that the records still agree with the oracle.
"""

from __future__ import annotations

import datetime
import platform
import sys

import numpy as np

from tests.oracle_records import cases, records


def _header(call: str) -> dict:
    import pygambit

    return {"oracle": "pygambit", "oracle_version": pygambit.__version__, "call": call,
            "recorded": datetime.datetime.now(datetime.timezone.utc).date().isoformat(),
            "python": platform.python_version(), "numpy": np.__version__, "regenerate": records.REGENERATE}


def nash_record() -> dict:
    """pygambit.nash.enummixed_solve on every bimatrix case (exact rationals up to 4 rows)."""
    from tests.equilibrium._gambit import gambit_extreme_equilibria_as_text

    out = []
    for kind, shapes, draw in (("float", cases.NASH_FLOAT_SHAPES, cases.nash_float_games),
                               ("integer", cases.NASH_INTEGER_SHAPES, cases.nash_integer_games)):
        for m, n in shapes:
            rational = kind == "integer" or cases.rational_for(m)
            for k, (A, B) in enumerate(draw(m, n)):
                out.append({"id": f"{kind}-{m}x{n}-{k}", "kind": kind, "shape": [m, n], "rational": rational,
                            "A": A.tolist(), "B": B.tolist(),
                            "equilibria": [list(eq) for eq in gambit_extreme_equilibria_as_text(A, B, rational)]})
    return {**_header("pygambit.nash.enummixed_solve(Game.from_arrays(A, B), rational=rational)"), "cases": out}


def pure_record() -> dict:
    """pygambit.nash.enumpure_solve on every n-city case (its perceived payoff table)."""
    from coopgame import NCityGame
    from tests.equilibrium._gambit import gambit_pure_equilibria

    out = []
    for n in cases.PURE_SIZES:
        for integer, params in cases.pure_city_games(n):
            game = NCityGame(**params)
            found = gambit_pure_equilibria(game.payoff_table(perceived=True), n)
            out.append({"id": f"{'integer' if integer else 'float'}-{n}", "n": n, "integer": integer,
                        "parameters": {k: np.asarray(v).tolist() for k, v in params.items()},
                        "profiles": sorted(found)})
    return {**_header("pygambit.nash.enumpure_solve(Game.from_arrays(*tables)) on "
                      "NCityGame(**parameters).payoff_table(perceived=True); profiles as bitmasks (bit i: city i "
                      "cooperates)"), "cases": out}


def main() -> int:
    try:
        import pygambit  # noqa: F401
    except ImportError:
        print("pygambit is not installed: pip install '.[oracles]'", file=sys.stderr)
        return 2
    for name, build in ((records.NASH, nash_record), (records.PURE, pure_record)):
        record = build()
        path = records.save(name, record)
        print(f"{path}: {len(record['cases'])} cases, pygambit {record['oracle_version']}, {record['recorded']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

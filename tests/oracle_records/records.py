"""Read and write the recorded oracle outputs (``gambit_*.json`` next to this module).

A record is one JSON object: who answered (``oracle``, ``oracle_version``, ``call``), when
(``recorded``, a UTC date), with what (``python``, ``numpy``), how to redo it (``regenerate``),
and ``cases``, each with its inputs and the oracle's answer. Floats are written by :mod:`json`
(shortest repr), so they read back bit for bit; Gambit's exact rationals stay strings ("p/q").
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

__all__ = ["DIRECTORY", "NASH", "PURE", "load", "save", "as_array"]

DIRECTORY = Path(__file__).resolve().parent
#: pygambit.nash.enummixed_solve on the bimatrix cases (tests/equilibrium/test_nash_gambit.py).
NASH = "gambit_enummixed.json"
#: pygambit.nash.enumpure_solve on the n-city cases (tests/equilibrium/test_pure_gambit.py).
PURE = "gambit_enumpure.json"
REGENERATE = "python -m tests.oracle_records.regenerate"


def load(name: str) -> dict:
    """The record ``name`` (one of :data:`NASH`, :data:`PURE`)."""
    return json.loads((DIRECTORY / name).read_text(encoding="utf-8"))


def save(name: str, record: dict) -> Path:
    """Write ``record`` as ``name``: the header one key a line, then one case a line (readable diffs)."""
    header = {k: v for k, v in record.items() if k != "cases"}
    lines = [f" {json.dumps(k)}: {json.dumps(v, allow_nan=False)}," for k, v in header.items()]
    cases = ",\n".join("  " + json.dumps(case, allow_nan=False) for case in record["cases"])
    path = DIRECTORY / name
    path.write_text("{\n" + "\n".join(lines) + '\n "cases": [\n' + cases + "\n ]\n}\n", encoding="utf-8")
    return path


def as_array(values) -> np.ndarray:
    """A recorded matrix or vector as a float array."""
    return np.asarray(values, dtype=float)

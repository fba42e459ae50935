"""Adapter to nashpy: the only module of coopgame that imports it.

nashpy's enumerators are offered for comparison (``method="nashpy-support"``,
``"nashpy-vertex"``, ``"nashpy-lemke-howson"``). They are known to miss
equilibria: support enumeration drops some of non-degenerate 5×5 games (an
exact ``prob >= 0`` test), and none is complete on degenerate games.
"""

from __future__ import annotations

import warnings

import numpy as np

from coopgame.errors import SolverError

__all__ = ["nashpy_equilibria", "NASHPY_METHODS"]

NASHPY_METHODS = ("nashpy-support", "nashpy-vertex", "nashpy-lemke-howson")


def nashpy_equilibria(A: np.ndarray, B: np.ndarray, method: str) -> list[tuple[np.ndarray, np.ndarray]]:
    """Equilibria found by one of nashpy's algorithms, duplicates removed."""
    import nashpy

    game = nashpy.Game(np.array(A), np.array(B))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # nashpy warns about degenerate games; we flag that ourselves
            if method == "nashpy-support":
                found = list(game.support_enumeration())
            elif method == "nashpy-vertex":
                found = list(game.vertex_enumeration())
            else:
                found = list(game.lemke_howson_enumeration())
    except Exception as err:  # nashpy raises bare exceptions on some inputs
        raise SolverError(f"nash_equilibria(): nashpy ({method}) failed: {type(err).__name__}: {err}") from err
    out: list[tuple[np.ndarray, np.ndarray]] = []
    for x, y in found:
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
            continue  # Lemke-Howson returns NaN when it fails on degenerate games
        if any(np.allclose(x, u, atol=1e-9) and np.allclose(y, v, atol=1e-9) for u, v in out):
            continue
        out.append((x, y))
    return out

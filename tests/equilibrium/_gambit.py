"""pygambit as the independent oracle: exact rational enumeration of extreme equilibria.

Only the ``*_gambit.py`` test modules use it; they carry ``requires("pygambit")``
(:mod:`tests.oracles`), so where pygambit is missing their tests are skipped with the reason and
every other equilibrium test runs as usual.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

try:
    import pygambit as gbt
except ImportError:  # the oracle modules skip their tests: see tests/oracles.py
    gbt = None


def _exact(values: np.ndarray) -> list:
    """Payoffs as exact fractions (floats are converted without rounding)."""
    return [[Fraction(float(v)) for v in row] for row in values]


def gambit_extreme_equilibria(A: np.ndarray, B: np.ndarray, rational: bool = True) -> list[tuple[np.ndarray, np.ndarray]]:
    """Gambit's extreme equilibria; ``rational=False`` uses its floating-point enumeration (fast)."""
    return equilibria_as_arrays(gambit_extreme_equilibria_as_text(A, B, rational))


def gambit_extreme_equilibria_as_text(A: np.ndarray, B: np.ndarray,
                                      rational: bool = True) -> list[tuple[list[str], list[str]]]:
    """Gambit's distinct extreme equilibria, each probability as Gambit writes it ("p/q" when ``rational``)."""
    if rational:
        game = gbt.Game.from_arrays(_exact(A), _exact(B))
    else:
        game = gbt.Game.from_arrays(np.asarray(A, dtype=float), np.asarray(B, dtype=float))
    result = gbt.nash.enummixed_solve(game, rational=rational)
    out: list[tuple[list[str], list[str]]] = []
    for eq in result.equilibria:
        text = tuple([str(p) for _, p in eq[pl]] for pl in game.players)
        # Gambit lists a degenerate vertex once per basis that reaches it: keep one copy.
        (x, y), = equilibria_as_arrays([text])
        if not any(np.array_equal(x, u) and np.array_equal(y, v) for u, v in equilibria_as_arrays(out)):
            out.append(text)
    return out


def equilibria_as_arrays(equilibria: list) -> list[tuple[np.ndarray, np.ndarray]]:
    """Equilibria written as text ("p/q" or decimals, as Gambit and the records write them) as float arrays."""
    return [tuple(np.array([float(Fraction(p)) for p in strategy]) for strategy in eq) for eq in equilibria]


def gambit_pure_equilibria(payoffs: np.ndarray, n: int) -> set[int]:
    """Pure equilibria of an n-player 2-action game, as bitmasks; payoffs[mask, i] (action 1 = bit set)."""
    shape = (2,) * n
    arrays = []
    for i in range(n):
        table = np.empty(shape)
        for mask in range(2**n):
            table[tuple((mask >> p) & 1 for p in range(n))] = payoffs[mask, i]
        arrays.append(table)
    game = gbt.Game.from_arrays(*arrays)
    result = gbt.nash.enumpure_solve(game)
    found = set()
    for eq in result.equilibria:
        mask = 0
        for p, player in enumerate(game.players):
            probs = [float(Fraction(str(v))) for _, v in eq[player]]
            if probs[1] == 1.0:
                mask |= 1 << p
        found.add(mask)
    return found

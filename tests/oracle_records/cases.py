"""The fixed cases of the pygambit cross-checks, shared by the live tests, the records and their regeneration.

Each case is drawn from its own seeded generator, so one case can be regenerated, or compared,
alone. The records keep each case's inputs as well as the oracle's answer, so a recorded check
never depends on NumPy drawing the same numbers in a later release.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from tests.equilibrium.reference import random_city_game_parameters

__all__ = ["NASH_FLOAT_SHAPES", "NASH_INTEGER_SHAPES", "PURE_SIZES", "nash_float_games", "nash_integer_games",
           "pure_city_games", "rational_for"]

#: Bimatrix shapes of the random real-valued games (4 games each below 6 x 6, one above).
NASH_FLOAT_SHAPES = [(2, 2), (2, 3), (3, 3), (3, 5), (4, 4), (5, 5), (6, 6), (8, 8)]
#: Bimatrix shapes of the games with payoffs in {-2..2}, mostly degenerate (40 games each).
NASH_INTEGER_SHAPES = [(2, 2), (2, 3), (3, 2), (3, 3), (3, 4), (4, 4)]
#: Numbers of cities of the random n-city games (one real-valued and one integer game each).
PURE_SIZES = [2, 3, 5, 8, 10]


def rational_for(m: int) -> bool:
    """Whether Gambit enumerates an m-row float game in exact rationals (slow beyond 4 rows)."""
    return m <= 4


def nash_float_games(m: int, n: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The random normal (A, B) pairs of shape (m, n)."""
    rng = np.random.default_rng(100 * m + n)
    for _ in range(4 if m < 6 else 1):
        yield rng.normal(size=(m, n)), rng.normal(size=(m, n))


def nash_integer_games(m: int, n: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The (A, B) pairs of shape (m, n) with payoffs in {-2..2}."""
    rng = np.random.default_rng(7 * m + n)
    for _ in range(40):
        yield (rng.integers(-2, 3, size=(m, n)).astype(float), rng.integers(-2, 3, size=(m, n)).astype(float))


def pure_city_games(n: int) -> Iterator[tuple[bool, dict]]:
    """``(integer, parameters)`` of the real-valued then the integer n-city game (``NCityGame(**parameters)``)."""
    rng = np.random.default_rng(n)
    for integer in (False, True):
        yield integer, random_city_game_parameters(n, rng, integer)

"""Oracle-free references for the equilibrium tests: set comparison, random city games, brute force.

Nothing here imports an optional package; pygambit lives in :mod:`tests.equilibrium._gambit`.
"""

from __future__ import annotations

import numpy as np

from coopgame import NCityGame


def same_equilibrium_sets(ours, theirs, atol: float = 1e-7) -> bool:
    """Equal as sets (every equilibrium matched one-to-one within ``atol``)."""
    if len(ours) != len(theirs):
        return False
    unmatched = list(range(len(theirs)))
    for x, y in ours:
        hit = next((k for k in unmatched if np.allclose(x, theirs[k][0], atol=atol)
                    and np.allclose(y, theirs[k][1], atol=atol)), None)
        if hit is None:
            return False
        unmatched.remove(hit)
    return True


def random_city_game(n: int, rng: np.random.Generator, integer: bool = False) -> NCityGame:
    """A random n-city game; ``integer=True`` draws small integers (ties, several equilibria)."""
    return NCityGame(**random_city_game_parameters(n, rng, integer))


def random_city_game_parameters(n: int, rng: np.random.Generator, integer: bool = False) -> dict:
    """The keyword arguments of :func:`random_city_game` (recorded with the oracle outputs in tests/oracle_records)."""
    def mat(scale):
        m = rng.integers(0, 3, size=(n, n)).astype(float) if integer else rng.random((n, n)) * scale
        np.fill_diagonal(m, 0.0)
        return m
    return dict(cost=rng.integers(1, 4, n).astype(float) if integer else rng.random(n) * 2,
                reward=rng.random(n) * (0 if integer else 1), synergy=mat(4.0 / n), spillover=mat(1.0),
                siphon=mat(0.3), deadweight=0.2, perception=1.0 + rng.random(n) * (0 if integer else 0.5))


def brute_force_pure_equilibria(game: NCityGame) -> set[int]:
    """Every profile's unilateral deviations, from the perceived payoff table (independent of the kernel)."""
    n = game.n_players
    u = game.payoff_table(perceived=True)
    masks = np.arange(2**n)
    ok = np.ones(2**n, dtype=bool)
    for i in range(n):
        ok &= u[masks, i] >= u[masks ^ (1 << i), i] - 1e-9 * game.payoff_scale
    return set(np.flatnonzero(ok).tolist())

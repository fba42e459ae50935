"""Seeded random TU games for tests and benchmarks of the stability solvers.

* :func:`random_convex_game` -- a convex (supermodular) game
  ``v(S) = Σ_{i∈S} a_i + Σ_k c_k · w_k(S)**p_k`` with ``a_i ~ U(0, 1)``,
  ``K = 3`` weight vectors ``w_k ~ U(0, 1)^n``, ``c_k ~ U(0.5, 1.5)`` and
  exponents ``p_k ~ U(1.5, 3)``. Each piece is a convex increasing function of
  a non-negative additive measure, hence supermodular; sums of supermodular
  and additive functions are supermodular. The core is non-empty and contains
  the Shapley value.
* :func:`random_game` -- no structure: ``v(S) = |S| · U(0, 1)`` independently
  per coalition, and ``v(N) = 0.75 n``. The imputation set is non-empty (the
  singletons are worth 0.5 on average), the core is usually empty for n >= 4
  (some coalitions earn more than 0.75 per member), and there are many
  distinct excess levels: a hard case for the nucleolus.

Continuous random draws make exact ties (and hence degenerate LPs) unlikely,
except the ties the structure forces.
"""

from __future__ import annotations

from coopgame._bitmask import additive_values, popcounts
from coopgame._typing import RNGLike
from coopgame._memory import ensure_dense_fits
from coopgame._validation import check_positive_int, make_rng
from coopgame.games.tu import TUGame

__all__ = ["random_convex_game", "random_game"]

_MAX_PIECES = 1000  # each piece is one pass over the 2**n values: a bound on the work, not a modelling limit


def random_convex_game(n_players: int, *, rng: RNGLike = None, pieces: int = 3) -> TUGame:
    """A random convex game (see the module docstring for the law).

    Examples
    --------
    >>> g = random_convex_game(4, rng=1)
    >>> v = g.values
    >>> bool(v[0b0011] + v[0b0110] <= v[0b0111] + v[0b0010])   # supermodular on one pair
    True
    """
    n = check_positive_int(n_players, func="random_convex_game", name="n_players")
    pieces = check_positive_int(pieces, func="random_convex_game", name="pieces", maximum=_MAX_PIECES)
    ensure_dense_fits(n, func="random_convex_game", arrays=3)
    rng, _ = make_rng(rng, func="random_convex_game")
    values = additive_values(rng.uniform(0.0, 1.0, n))
    for _ in range(pieces):
        w = rng.uniform(0.0, 1.0, n)
        c, p = rng.uniform(0.5, 1.5), rng.uniform(1.5, 3.0)
        values += c * additive_values(w) ** p
    values[0] = 0.0
    return TUGame(values)


def random_game(n_players: int, *, rng: RNGLike = None) -> TUGame:
    """A random game without structure: ``v(S) = |S| · U(0, 1)``, ``v(N) = 0.75 n``.

    Examples
    --------
    >>> random_game(3, rng=0).values.shape
    (8,)
    """
    n = check_positive_int(n_players, func="random_game", name="n_players")
    ensure_dense_fits(n, func="random_game", arrays=2)
    rng, _ = make_rng(rng, func="random_game")
    values = popcounts(n) * rng.uniform(0.0, 1.0, 2**n)
    values[0] = 0.0
    values[-1] = 0.75 * n
    return TUGame(values)

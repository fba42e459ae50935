"""Hypothesis strategies shared by the test modules: games that stay inside the model's domain.

- TU games: :func:`tu_values` (dense ``values[mask]`` with ``v(∅) = 0``), :data:`lp_tu_values`
  (2–5 players, the size the LP-based solvers are checked at).
- Pairwise games: :func:`bimatrix` (``(A, B)`` stacked as one ``(2, m, n)`` array), with
  :data:`small_integers` for degenerate games (ties everywhere) and ``bounded(decimals=...)``
  for rounded payoffs; :func:`bimatrix_2x2_stack` for the batch kernel.
- n-city games (DESIGN §2.1): :func:`ncity_params` (keyword arguments of ``coopgame.NCityGame``:
  cost, reward, penalty, spillover, synergy, siphon, deadweight, perception, issue layers) and
  :func:`ncity_games`.

Use these rather than a per-module strategy, so that a domain change (a new parameter, a new
validation rule) is made in one place.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from coopgame import NCityGame

finite = st.floats(min_value=-100, max_value=100, allow_nan=False, allow_infinity=False, width=64)
"""Finite payoffs on a moderate scale."""

small_integers = st.integers(-3, 3).map(float)
"""Payoffs in {-3..3}: ties everywhere, so most games drawn from them are degenerate."""


def bounded(bound: float = 10.0, *, decimals: int | None = None, width: int = 64) -> st.SearchStrategy[float]:
    """Finite floats in ``[-bound, bound]``; ``decimals`` rounds them (exact ties become likely)."""
    values = st.floats(-bound, bound, allow_nan=False, allow_infinity=False, width=width)
    return values if decimals is None else values.map(lambda v: round(v, decimals))


def _size(size: int | tuple[int, int]) -> st.SearchStrategy[int]:
    return st.just(size) if isinstance(size, int) else st.integers(*size)


# ---------------------------------------------------------------- TU games
@st.composite
def tu_values(draw, min_players: int = 1, max_players: int = 6, elements: st.SearchStrategy[float] = finite):
    """Dense coalition values with v(∅) = 0 for ``min_players..max_players`` players."""
    n = draw(st.integers(min_players, max_players))
    values = draw(hnp.arrays(np.float64, 2**n, elements=elements))
    values[0] = 0.0
    return values


lp_tu_values = tu_values(2, 5, elements=bounded(10, width=32))
"""TU games of 2–5 players with values in [-10, 10], for the LP-based solvers (core, nucleolus)."""


# ---------------------------------------------------------------- pairwise games
@st.composite
def bimatrix(draw, rows: int | tuple[int, int] = (2, 4), cols: int | tuple[int, int] | None = None,
             elements: st.SearchStrategy[float] | None = None):
    """A bimatrix game as one array of shape ``(2, m, n)``: ``A, B = draw(bimatrix())``.

    ``rows``/``cols`` are a size or an inclusive range (``cols`` defaults to ``rows``, drawn
    separately); ``elements`` defaults to ``bounded(10)``; pass :data:`small_integers` for
    degenerate games.
    """
    m = draw(_size(rows))
    n = draw(_size(rows if cols is None else cols))
    return draw(hnp.arrays(np.float64, (2, m, n), elements=bounded(10) if elements is None else elements))


@st.composite
def bimatrix_2x2_stack(draw, max_games: int = 40, elements: st.SearchStrategy[float] | None = None):
    """``(A, B)``, each of shape ``(k, 2, 2)``: a stack of 2×2 games for ``batch_equilibria_2x2``.

    By default entries mix :data:`small_integers` and rounded floats, so a stack holds
    degenerate and generic games side by side.
    """
    k = draw(st.integers(1, max_games))
    if elements is None:
        elements = st.one_of(small_integers, bounded(10, decimals=2))
    AB = draw(hnp.arrays(np.float64, (2, k, 2, 2), elements=elements))
    return AB[0], AB[1]


# ---------------------------------------------------------------- n-city games
@st.composite
def ncity_params(draw, min_cities: int = 1, max_cities: int = 5, layers: int | tuple[int, int] = 1,
                 integer: bool = False):
    """Keyword arguments of ``coopgame.NCityGame``: every term of DESIGN §2.1, inside its domain.

    Non-negative cost, reward, penalty and interaction matrices (zero diagonal), any base,
    deadweight in [0, 1], perception >= 1. ``layers > 1`` (or a range) gives issue layers with
    the leading axis ``k``. ``integer=True`` draws small integers and neutral perception: ties,
    several pure equilibria, the hard case for strictness.
    """
    n = draw(st.integers(min_cities, max_cities))
    k = draw(_size(layers))
    lead = () if k == 1 else (k,)
    if integer:
        plain, signed = st.integers(0, 3).map(float), small_integers
        perception = st.just(1.0)
    else:
        plain, signed = st.floats(0, 5, allow_nan=False), bounded(5)
        perception = st.floats(1, 2, allow_nan=False)

    def vector(elements):
        return draw(hnp.arrays(np.float64, lead + (n,), elements=elements))

    def matrix():
        m = draw(hnp.arrays(np.float64, lead + (n, n), elements=plain))
        m[..., np.arange(n), np.arange(n)] = 0.0
        return m

    params = dict(base=vector(signed), cost=vector(plain), reward=vector(plain), penalty=vector(plain),
                  spillover=matrix(), synergy=matrix(), siphon=matrix(),
                  deadweight=draw(st.sampled_from([0.0, 0.25, 0.5, 1.0]) if integer else st.floats(0, 1)),
                  perception=vector(perception))
    if k > 1:
        params["issues"] = [f"issue{i}" for i in range(k)]
    return params


def ncity_games(min_cities: int = 1, max_cities: int = 5, **kwargs) -> st.SearchStrategy[NCityGame]:
    """``coopgame.NCityGame`` instances built from :func:`ncity_params`."""
    return ncity_params(min_cities, max_cities, **kwargs).map(lambda p: NCityGame(**p))

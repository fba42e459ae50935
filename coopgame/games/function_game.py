"""TU games given by a vectorised value function of coalition masks, never stored densely."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from coopgame._memory import ensure_dense_fits
from coopgame._pickling import ReadOnlyState
from coopgame._typing import FloatVector
from coopgame._validation import as_float_array, check_players, check_positive_int, label_sequence
from coopgame.errors import InvalidGameError
from coopgame.games.tu import Sealed, TUGame, as_masks

__all__ = ["ValueFunctionGame", "MAX_MASK_PLAYERS"]

MAX_MASK_PLAYERS: int = 62
"""Coalitions are ``int64`` bitmasks, so a value-function game has at most 62 players."""


class ValueFunctionGame(Sealed, ReadOnlyState):
    """A TU game ``v`` evaluated on demand from a function of coalition bitmasks.

    Use it when ``2**n`` values would not fit (sampled Shapley/Banzhaf work up
    to n = 62 without any dense array), or to stream a game into an exact
    computation without building it yourself.

    Parameters
    ----------
    func : callable
        ``func(masks) -> values``: an ``int64`` array of bitmasks (bit ``i`` set
        iff player ``i`` is a member) to one worth per mask. Must be vectorised
        and give 0 for the empty coalition.
    n_players : int, optional
        Number of players (or give ``players``).
    players : sequence of str, optional
        Labels.

    Raises
    ------
    InvalidGameError
        If ``func`` is not callable, ``n_players`` exceeds 62, or ``func`` gives
        a non-zero worth to the empty coalition.

    Examples
    --------
    A weighted majority game on 40 players: a coalition wins with more than
    half of the total weight.

    >>> weights = np.arange(1, 41)
    >>> def wins(masks):
    ...     member = (masks[:, None] >> np.arange(40)) & 1
    ...     return (member @ weights > weights.sum() / 2).astype(float)
    >>> g = ValueFunctionGame(wins, n_players=40)
    >>> g.value_of_masks(np.array([0, 2**40 - 1])).tolist()
    [0.0, 1.0]
    """

    __slots__ = ("_func", "_players")
    __hash__ = None  # type: ignore[assignment]
    _sealed = frozenset(__slots__)

    def __init__(self, func: Callable[[np.ndarray], ArrayLike], n_players: int | None = None,
                 players: Sequence[str] | None = None) -> None:
        if not callable(func):
            raise InvalidGameError(f"ValueFunctionGame(): func must be callable; got {type(func).__name__}")
        players = label_sequence(players, func="ValueFunctionGame")
        if players is None and n_players is None:
            raise InvalidGameError("ValueFunctionGame(): give n_players or players")
        n = len(players) if players is not None else check_positive_int(
            n_players, func="ValueFunctionGame", name="n_players")
        if not 1 <= n <= MAX_MASK_PLAYERS:
            raise InvalidGameError(
                f"ValueFunctionGame(): n_players must be in [1, {MAX_MASK_PLAYERS}] (int64 masks); got {n}")
        object.__setattr__(self, "_func", func)
        object.__setattr__(self, "_players", check_players(players, n, func="ValueFunctionGame"))
        empty = self.value_of_masks(np.zeros(1, dtype=np.int64))[0]
        if empty != 0.0:
            raise InvalidGameError(f"ValueFunctionGame(): func must give 0 for the empty coalition; got {empty!r}")

    @property
    def players(self) -> tuple[str, ...]:
        """Player labels."""
        return self._players

    @property
    def n_players(self) -> int:
        """Number of players."""
        return len(self._players)

    @property
    def grand_value(self) -> float:
        """v(N)."""
        return float(self.value_of_masks(np.array([2**self.n_players - 1], dtype=np.int64))[0])

    def value_of_masks(self, masks: ArrayLike) -> FloatVector:
        """v(S) for an array of bitmasks, checked for shape and finiteness."""
        masks = as_masks(masks, self.n_players, func="ValueFunctionGame.value_of_masks")
        # complex or string worths are refused (never cast); NaN and inf get the message below
        out = as_float_array(self._func(masks), func="ValueFunctionGame", name="the values func returned",
                             allow_nan=True)
        if out.shape != masks.shape:
            raise InvalidGameError(
                f"ValueFunctionGame(): func must return one value per mask (shape {masks.shape}); "
                f"got shape {out.shape}")
        if not np.all(np.isfinite(out)):
            bad = int(masks.ravel()[np.flatnonzero(~np.isfinite(out.ravel()))[0]])
            raise InvalidGameError(f"ValueFunctionGame(): func must return finite values; got "
                                   f"{out.ravel()[np.flatnonzero(~np.isfinite(out.ravel()))[0]]!r} for mask {bad}")
        return out

    def to_tu(self) -> TUGame:
        """Evaluate every coalition into a dense :class:`TUGame` (refused when it would not fit)."""
        ensure_dense_fits(self.n_players, func="ValueFunctionGame.to_tu", arrays=3)
        return TUGame.from_function(self.value_of_masks, self._players)

    def __repr__(self) -> str:
        return f"ValueFunctionGame(n_players={self.n_players}, func={getattr(self._func, '__name__', '?')})"

    def _repr_html_(self) -> str:
        """Jupyter shows a compact summary table (:mod:`coopgame._display`), never all 2**n values of a big game."""
        from coopgame._display import html_of, tu_summary

        return html_of(self, tu_summary)

"""Harsanyi dividends: the Möbius transform of a TU game, and back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from coopgame._bitmask import member_labels
from coopgame._memory import ensure_dense_fits
from coopgame._typing import CoalitionValues
from coopgame._validation import as_coalition_vector, as_readonly
from coopgame.cooperative._dispatch import AnyGame, check_game, dense_values
from coopgame.tolerances import power_of_two_below
from coopgame.errors import InvalidGameError
from coopgame.games.tu import TUGame
from coopgame.results import Result, Summary

__all__ = ["harsanyi_dividends", "game_from_dividends", "DividendResult"]


@dataclass(frozen=True, eq=False)
class DividendResult(Result):
    """Harsanyi dividends ``d(S)`` of every coalition, in bitmask order.

    Attributes
    ----------
    dividends : ndarray, shape (2**n,)
        ``d(S) = Σ_{T⊆S} (−1)**(|S|−|T|) v(T)``; ``v(S) = Σ_{T⊆S} d(T)``. Read-only.
    players : tuple of str
    method : str
    """

    dividends: CoalitionValues
    players: tuple[str, ...]
    method: str = "fast-moebius"
    parameters: dict[str, Any] = field(default_factory=dict)

    def nonzero(self, *, atol: float = 0.0) -> dict[tuple[str, ...], float]:
        """Coalitions (as label tuples) whose dividend exceeds ``atol`` in absolute value."""
        masks = np.flatnonzero(np.abs(self.dividends) > atol)
        return {member_labels(m, self.players): float(self.dividends[m])
                for m in masks}

    def summary(self, top: int = 10) -> Summary:
        """The ``top`` largest dividends in absolute value."""
        order = np.argsort(-np.abs(self.dividends), kind="stable")[:top]
        rows = tuple(("{" + ", ".join(member_labels(m, self.players)) + "}",
                      self.dividends[m]) for m in order if self.dividends[m] != 0)
        return Summary("Harsanyi dividends", facts=(("method", self.method), ("players", str(len(self.players))),
                                                    ("nonzero", str(int(np.count_nonzero(self.dividends))))),
                       columns=("coalition", "dividend"), rows=rows)


def harsanyi_dividends(game: AnyGame) -> DividendResult:
    """Harsanyi dividends of every coalition by the fast Möbius transform, O(n 2**n).

    Each player's bit in turn: subtract the values without the player from
    those with it, as one array operation over all coalitions.

    Parameters
    ----------
    game : TUGame, StructuredGame or ValueFunctionGame
        Non-dense games are evaluated densely first (guarded).

    Returns
    -------
    DividendResult

    Examples
    --------
    The glove game is the sum of two pair games minus the triple:

    >>> from coopgame import TUGame
    >>> g = TUGame([0, 0, 0, 1, 0, 1, 0, 1], players=["L", "R1", "R2"])
    >>> harsanyi_dividends(g).nonzero()
    {('L', 'R1'): 1.0, ('L', 'R2'): 1.0, ('L', 'R1', 'R2'): -1.0}
    """
    game = check_game(game, func="harsanyi_dividends")
    values = dense_values(game, func="harsanyi_dividends")
    ensure_dense_fits(game.n_players, func="harsanyi_dividends")
    d = np.array(values, dtype=np.float64)  # a copy: the game is never touched
    _scaled_moebius(d, game.n_players, sign=-1.0, func="harsanyi_dividends", what="the dividends")
    return DividendResult(as_readonly(d), game.players, game=game)


def game_from_dividends(dividends: ArrayLike, players: Sequence[str] | None = None) -> TUGame:
    """The game ``v(S) = Σ_{T⊆S} d(T)`` of given dividends (the inverse transform).

    Examples
    --------
    >>> game_from_dividends([0, 0, 0, 1, 0, 1, 0, -1]).values.tolist()
    [0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0]
    """
    d, n = as_coalition_vector(dividends, func="game_from_dividends", name="dividends", empty="have dividend 0")
    _scaled_moebius(d, n, sign=1.0, func="game_from_dividends", what="the coalition values")
    return TUGame(d, players)


def _scaled_moebius(x: np.ndarray, n: int, *, sign: float, func: str, what: str) -> None:
    """The transform in place, at an exact power-of-two scale when entries reach 2**900 (partial sums grow
    by up to 2**n); a result beyond the float range is refused with :class:`InvalidGameError`."""
    magnitude = max(float(x.max()), -float(x.min()))
    unit = power_of_two_below(magnitude) if magnitude >= 2.0**900 else 1.0
    if unit != 1.0:
        x /= unit
    with np.errstate(over="ignore", invalid="ignore"):
        _moebius_inplace(x, n, sign=sign)
        if unit != 1.0:
            x *= unit
    if not np.all(np.isfinite(x)):
        raise InvalidGameError(f"{func}(): {what} exceed the float64 range (about 1.8e308); divide the input "
                               "by a constant (the transform is linear) and multiply back")


def _moebius_inplace(x: np.ndarray, n: int, *, sign: float) -> None:
    # View as (2**(n-1-i), 2, 2**i): axis 1 is player i's bit; add (zeta) or subtract (Möbius) the "out" half.
    for i in range(n):
        pairs = x.reshape(-1, 2, 1 << i)
        if sign > 0:
            pairs[:, 1, :] += pairs[:, 0, :]
        else:
            pairs[:, 1, :] -= pairs[:, 0, :]

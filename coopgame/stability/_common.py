"""Helpers shared by the stability solvers: dense input, normalisation, coalition labels."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from coopgame._bitmask import member_labels
from coopgame._validation import as_float_array
from coopgame.errors import InvalidParameterError
from coopgame.games.structured import as_dense_game
from coopgame.games.tu import TUGame
from coopgame.tolerances import payoff_scale

__all__ = ["DOMAINS", "as_allocation", "as_dense_game", "coalition_labels", "game_scale"]  # as_dense_game re-exported

DOMAINS = ("imputations", "preimputations")
"""Where the nucleolus-type solutions search: individually rational or merely efficient vectors."""


def game_scale(game: TUGame) -> float:
    """Payoff scale used to make tolerances relative (largest |v(S)|, at least 1)."""
    return payoff_scale(game.values)


coalition_labels = member_labels  # the base's one implementation, under the name the stability modules use


def as_allocation(game: TUGame, allocation: ArrayLike | None, cost_shares: ArrayLike | None, *,
                  func: str) -> np.ndarray:
    """A payoff vector from either a payoff allocation or (for cost games) cost shares."""
    if (allocation is None) == (cost_shares is None):
        raise InvalidParameterError(f"{func}(): give exactly one of allocation= or cost_shares=")
    n = game.n_players
    if allocation is not None:
        return as_float_array(allocation, func=func, name="allocation", shape=(n,), error=InvalidParameterError)
    if not game.is_cost_game:
        raise InvalidParameterError(f"{func}(): cost_shares= needs a game built with TUGame.from_costs")
    y = as_float_array(cost_shares, func=func, name="cost_shares", shape=(n,), error=InvalidParameterError)
    return np.asarray(game.standalone_costs) - y

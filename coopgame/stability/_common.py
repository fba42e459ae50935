"""Helpers shared by the stability solvers: dense input, normalisation, coalition labels."""

from __future__ import annotations

from decimal import Context, Decimal

import numpy as np
from numpy.typing import ArrayLike

from coopgame._bitmask import member_labels
from coopgame._validation import as_float_array
from coopgame.errors import InvalidGameError, InvalidParameterError
from coopgame.games.structured import as_dense_game
from coopgame.games.tu import TUGame
from coopgame.tolerances import payoff_scale, power_of_two_below

__all__ = ["DOMAINS", "as_allocation", "as_dense_game", "coalition_labels", "game_scale", "power_of_two", "scaled_text",
           "unscale"]  # as_dense_game re-exported

DOMAINS = ("imputations", "preimputations")
"""Where the nucleolus-type solutions search: individually rational or merely efficient vectors."""


def game_scale(game: TUGame) -> float:
    """Payoff scale used to make tolerances relative: the largest |v(S)|, 0.0 for an all-zero game (no floor).

    Callers that divide by it handle 0 explicitly (``game_scale(g) or 1.0``).
    """
    return payoff_scale(game.values)


def unscale(x: np.ndarray, scale: float, *, func: str, what: str) -> np.ndarray:
    """``x * scale`` for a result computed on the game divided by ``scale``; a typed error if it overflows.

    The solvers work on normalised values (largest |v(S)| = 1), so nothing
    overflows inside them; only an answer beyond the float range (possible
    for games near 1.8e308) cannot be given back.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        out = np.asarray(x, dtype=np.float64) * scale
    if not np.all(np.isfinite(out[np.isfinite(x)])):
        raise InvalidGameError(f"{func}(): {what} exceeds the float64 range (largest |v(S)| = {scale:g}); "
                               "divide the game's values by a constant (answers scale with it) and multiply back")
    return out


def power_of_two(magnitude: float) -> float:
    """1.0 for magnitudes below 2**1000, else the power of two just below ``magnitude`` (dividing by it is exact)."""
    return power_of_two_below(magnitude) if magnitude >= 2.0**1000 else 1.0


def scaled_text(x: float, scale: float) -> str:
    """``x * scale`` formatted with ``:g``, in decimal where the float product overflows."""
    with np.errstate(over="ignore"):
        product = float(x) * float(scale)
    if np.isfinite(product):
        return f"{product:g}"
    product = Context(prec=6).multiply(Decimal(float(x)), Decimal(float(scale))).normalize()
    return f"{product:g}".lower()


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

"""One interface to evaluate any game representation on batches of coalitions.

Samplers need two things from a game, both vectorised: the worth of many
coalitions given as a boolean membership matrix, and the worth of every prefix
of many orders of arrival. Dense games look values up, mask games call their
function, structured games and cost terms use their own formulas (a cumulative
sum or maximum along the order, no membership matrix at all).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from coopgame.errors import InvalidGameError
from coopgame.games.function_game import MAX_MASK_PLAYERS, ValueFunctionGame
from coopgame.games.structured import CostTerm, StructuredGame
from coopgame.games.tu import TUGame

__all__ = ["Evaluator", "evaluator_for"]


class Evaluator:
    """Worth of coalitions of one game, in batches."""

    def __init__(self, n: int, of_members: Any, along_orders: Any | None = None,
                 of_masks: Any | None = None) -> None:
        self.n = n
        self._of_members = of_members
        self._along = along_orders
        self._of_masks = of_masks

    def of_members(self, member: np.ndarray) -> np.ndarray:
        """Worth of each row of a boolean (K, n) membership matrix."""
        if self._of_masks is not None:
            return self._of_masks(member.astype(np.int64) @ (np.int64(1) << np.arange(self.n, dtype=np.int64)))
        return self._of_members(member)

    def along_orders(self, orders: np.ndarray) -> np.ndarray:
        """``out[p, k]``: worth of the first k players of order p, k = 0..n (shape (P, n + 1))."""
        if self._along is not None:
            return self._along(orders)
        if self._of_masks is not None:
            out = np.zeros((orders.shape[0], self.n + 1))
            masks = np.bitwise_or.accumulate(np.int64(1) << orders.astype(np.int64), axis=1)
            out[:, 1:] = self._of_masks(masks.ravel()).reshape(masks.shape)
            return out
        out = np.zeros((orders.shape[0], self.n + 1))
        member = np.zeros(orders.shape, dtype=bool)
        rows = np.arange(orders.shape[0])
        for k in range(self.n):  # n prefix steps, each vectorised over all orders
            member[rows, orders[:, k]] = True
            out[:, k + 1] = self._of_members(member)
        return out


def evaluator_for(game: Any, *, func: str) -> Evaluator:
    """An :class:`Evaluator` for a TUGame, ValueFunctionGame, StructuredGame or CostTerm (worth ``−C``)."""
    if isinstance(game, TUGame):
        values = game.values
        return Evaluator(game.n_players, None, of_masks=lambda masks: values[masks])
    if isinstance(game, ValueFunctionGame):
        return Evaluator(game.n_players, None, of_masks=game.value_of_masks)
    if isinstance(game, StructuredGame):
        n = game.n_players
        if not game.cost_terms:
            return Evaluator(n, game.value_of_members, along_orders=lambda o: _quadratic_along(game, o))
        if n <= MAX_MASK_PLAYERS:
            return Evaluator(n, game.value_of_members, of_masks=game.value_of_masks)
        return Evaluator(n, game.value_of_members)
    if isinstance(game, CostTerm):
        return Evaluator(game.n_players, lambda m: -game.cost_of_members(m),
                         along_orders=lambda o: -game.cost_along_orders(o))
    raise InvalidGameError(
        f"{func}(): game must be a TUGame, StructuredGame or ValueFunctionGame; got {type(game).__name__}")


def _quadratic_along(game: StructuredGame, orders: np.ndarray) -> np.ndarray:
    # Marginal of the k-th arrival: a_i + Σ over earlier arrivals j of (M_ij + M_ji).
    link = game.pairwise + game.pairwise.T
    n = orders.shape[1]
    block = link[orders[:, :, None], orders[:, None, :]]  # (P, n, n); callers chunk P
    gains = game.additive[orders] + (block * np.tri(n, k=-1)).sum(axis=2)
    out = np.zeros((orders.shape[0], n + 1))
    np.cumsum(gains, axis=1, out=out[:, 1:])
    return out

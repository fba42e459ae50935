"""The Shapley value of TU games."""

from __future__ import annotations

from typing import Literal

import numpy as np
from scipy.special import gammaln

from coopgame._bitmask import popcounts
from coopgame._validation import check_method
from coopgame.errors import InvalidGameError
from coopgame.games.structured import StructuredGame
from coopgame.games.tu import TUGame
from coopgame.results import AllocationResult

__all__ = ["shapley_value"]

ShapleyMethod = Literal["exact", "structured"]
_METHODS = ("auto", "exact", "structured")


def shapley_value(game: TUGame | StructuredGame, *, method: str = "auto") -> AllocationResult:
    """The Shapley value: each player's average marginal contribution over all orders of arrival.

    Parameters
    ----------
    game : TUGame or StructuredGame
    method : {'auto', 'exact', 'structured'}
        ``'exact'`` uses the dense values; ``'structured'`` the closed form of
        a :class:`StructuredGame`; ``'auto'`` picks the structured closed form
        when available.

    Returns
    -------
    AllocationResult

    Examples
    --------
    The glove game: the owner of the scarce left glove gets 2/3.

    >>> g = TUGame([0, 0, 0, 1, 0, 1, 0, 1], players=["L", "R1", "R2"])
    >>> shapley_value(g).allocation.round(4).tolist()
    [0.6667, 0.1667, 0.1667]
    """
    check_method(method, _METHODS, func="shapley_value")
    if isinstance(game, StructuredGame):
        if method == "exact":
            game = game.to_tu()
        else:
            m = game.pairwise
            phi = game.additive + 0.5 * (m.sum(axis=1) + m.sum(axis=0))
            return AllocationResult(phi, game.players, "shapley", "structured",
                                    efficiency_gap=float(phi.sum() - game.grand_value))
    if not isinstance(game, TUGame):
        raise InvalidGameError(f"shapley_value(): game must be a TUGame or StructuredGame; got {type(game).__name__}")
    if method == "structured":
        raise InvalidGameError("shapley_value(): method='structured' needs a StructuredGame; got a dense TUGame")
    phi = _shapley_dense(game.values, game.n_players)
    cost = game.cost_shares(phi) if game.is_cost_game else None
    return AllocationResult(phi, game.players, "shapley", "exact",
                            efficiency_gap=float(phi.sum() - game.grand_value), cost_shares=cost)


def _shapley_dense(values: np.ndarray, n: int) -> np.ndarray:
    # φ_i = Σ_{S∋i} v(S)[w(|S|-1) + w(|S|)] − Σ_S v(S) w(|S|), w(s) = s!(n-1-s)!/n!, w(n) = 0.
    s = np.arange(n + 1)
    w = np.zeros(n + 1)
    w[:n] = np.exp(gammaln(s[:n] + 1) + gammaln(n - s[:n]) - gammaln(n + 1))
    g = w.copy()
    g[1:] += w[:-1]
    sizes = popcounts(n)
    c = values * g[sizes]
    constant = float(values @ w[sizes])
    phi = np.empty(n)
    for i in range(n - 1, -1, -1):  # fold the top bit away: O(2^n) in total
        halves = c.reshape(2, -1)
        phi[i] = halves[1].sum()
        c = halves[0] + halves[1]
    return phi - constant

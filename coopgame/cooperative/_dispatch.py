"""Shared plumbing of the value functions: game checks, dense materialisation, result assembly."""

from __future__ import annotations

from typing import Any

import numpy as np

from coopgame._memory import ensure_dense_fits
from coopgame._validation import check_positive_int
from coopgame.cooperative._scaling import check_finite_answer, safe_gap
from coopgame.errors import InvalidGameError, InvalidParameterError
from coopgame.games.function_game import ValueFunctionGame
from coopgame.games.structured import CostTerm, StructuredGame
from coopgame.games.tu import TUGame
from coopgame.results import AllocationResult

__all__ = ["AnyGame", "check_game", "dense_values", "cost_term_values", "check_samples", "allocation_result",
           "AUTO_EXACT_MAX", "AUTO_STREAM_MAX", "resolve_method"]

AnyGame = TUGame | StructuredGame | ValueFunctionGame

AUTO_EXACT_MAX: int = 20
"""With ``method='auto'``, games known only through a function (value-function games, cost
terms without a closed form) are enumerated exactly up to this many players, sampled above."""

AUTO_STREAM_MAX: int = AUTO_EXACT_MAX
"""With ``method='auto'``, value-function games are streamed exactly up to this many players, sampled above.
The function's cost is unknown: a cheap vectorised one takes seconds at 2**24 coalitions, but the alpha game
of an n-city model takes about 10 µs a coalition (2**24 of them: about three minutes), so ``auto`` stays where
it was; an explicit ``method='exact'`` streams up to ``coopgame.cooperative._streaming.STREAM_EXACT_MAX``
players, in bounded memory, and takes ``executor=``."""


def check_game(game: Any, *, func: str) -> AnyGame:
    if not isinstance(game, (TUGame, StructuredGame, ValueFunctionGame)):
        raise InvalidGameError(
            f"{func}(): game must be a TUGame, StructuredGame or ValueFunctionGame; got {type(game).__name__}")
    return game


def check_samples(n_samples: Any, *, func: str) -> int:
    return check_positive_int(n_samples, func=func, name="n_samples", minimum=2)


def dense_values(game: AnyGame, *, func: str) -> np.ndarray:
    """The read-only 2**n vector of any game (guarded: refused before allocating when it would not fit)."""
    if isinstance(game, TUGame):
        return game.values
    ensure_dense_fits(game.n_players, func=func, arrays=2)
    return game.to_tu().values


def cost_term_values(term: CostTerm, *, func: str) -> np.ndarray:
    """``−C(S)`` for every mask: the dense game of one cost term (guarded)."""
    ensure_dense_fits(term.n_players, func=func, arrays=2)
    out = term.dense_costs()
    np.negative(out, out=out)
    return out


def grand_value(game: AnyGame) -> float:
    return float(game.grand_value)


def allocation_result(game: AnyGame, allocation: np.ndarray, *, concept: str, method: str,
                      parameters: dict[str, Any] | None = None, standard_errors: np.ndarray | None = None,
                      efficient: bool = True) -> AllocationResult:
    """Assemble an :class:`AllocationResult`, with cost shares for games built from costs."""
    allocation = np.asarray(allocation, dtype=np.float64)
    check_finite_answer(allocation, func=f"{concept}_value", concept=concept.capitalize())
    if standard_errors is not None:
        standard_errors = np.asarray(standard_errors, dtype=np.float64)
    gap = safe_gap(allocation, game.grand_value)
    cost = game.cost_shares(allocation) if getattr(game, "is_cost_game", False) else None
    return AllocationResult(allocation, game.players, concept, method, dict(parameters or {}),
                            efficiency_gap=gap, standard_errors=standard_errors, cost_shares=cost, game=game)


def not_structured(func: str, game: AnyGame) -> InvalidParameterError:
    return InvalidParameterError(
        f"{func}(): method='structured' needs a StructuredGame; got a {type(game).__name__}")


def resolve_method(method: str, game: AnyGame, *, sampler: str, func: str) -> str:
    """Turn ``'auto'`` into a concrete method and check that ``'structured'`` has a structured game.

    ``'auto'`` takes the closed form of a :class:`StructuredGame`, samples a
    :class:`ValueFunctionGame` above :data:`AUTO_STREAM_MAX` players (with
    ``sampler``), and is exact otherwise.
    """
    if method == "auto":
        if isinstance(game, StructuredGame):
            return "structured"
        if isinstance(game, ValueFunctionGame) and game.n_players > AUTO_STREAM_MAX:
            return sampler
        return "exact"
    if method == "structured" and not isinstance(game, StructuredGame):
        raise not_structured(func, game)
    return method


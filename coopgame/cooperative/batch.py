"""Shapley and Banzhaf values of many dense games of the same size in one call."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from coopgame._memory import ensure_dense_fits
from coopgame._typing import FloatMatrix, FloatVector, RNGLike
from coopgame._validation import _short, as_float_array, check_method, check_players, label_sequence, make_rng
from coopgame.cooperative._dispatch import check_samples
from coopgame.cooperative._scaling import scaled_rows
from coopgame.tolerances import power_of_two_below
from coopgame.cooperative._structured_path import quadratic_value, structured_values
from coopgame.cooperative.banzhaf import banzhaf_rows
from coopgame.cooperative.sampling import DEFAULT_SAMPLES, shapley_permutation
from coopgame.cooperative.shapley import shapley_rows
from coopgame.errors import InvalidGameError
from coopgame.games.structured import StructuredGame
from coopgame.results import Result, Summary

__all__ = ["shapley_values", "banzhaf_values", "structured_shapley_values", "quadratic_shapley_values",
           "BatchAllocationResult"]


@dataclass(frozen=True, eq=False)
class BatchAllocationResult(Result):
    """One allocation per game of a batch.

    Attributes
    ----------
    allocations : ndarray, shape (B, n)
        Row b is the allocation of game b (read-only).
    players : tuple of str
    concept, method : str
    parameters : dict
    efficiency_gaps : ndarray, shape (B,)
        ``allocations.sum(axis=1) − v_b(N)``.
    game
        The batch: the ``(B, 2**n)`` values array, the sequence of structured
        games, or the ``(additive, pairwise)`` stacks (not in the repr).
    """

    allocations: FloatMatrix
    players: tuple[str, ...]
    concept: str
    method: str
    parameters: dict[str, Any] = field(default_factory=dict)
    efficiency_gaps: FloatVector = field(default_factory=lambda: np.zeros(0))

    def __len__(self) -> int:
        return self.allocations.shape[0]

    def summary(self) -> Summary:
        """Per player: mean, minimum and maximum payoff over the batch."""
        a = self.allocations
        rows = tuple((p, a[:, i].mean(), a[:, i].min(), a[:, i].max())
                     for i, p in enumerate(self.players))
        gap = float(np.abs(self.efficiency_gaps).max()) if self.efficiency_gaps.size else 0.0
        return Summary(f"{self.concept.capitalize()} allocations of {a.shape[0]} games",
                       facts=(("concept", self.concept), ("method", self.method), ("games", str(a.shape[0])),
                              ("players", str(len(self.players))), ("max |efficiency gap|", f"{gap:.1e}")),
                       columns=("player", "mean", "min", "max"), rows=rows)


def shapley_values(values: ArrayLike, players: Sequence[str] | None = None, *,
                   method: str = "exact") -> BatchAllocationResult:
    """Exact Shapley values of a batch of dense games, shape (B, n), equal to calling :func:`shapley_value` on each.

    Parameters
    ----------
    values : array_like, shape (B, 2**n)
        Row b holds the coalition values of game b in bitmask order; column 0
        must be zero. Read only (never modified, not copied when already float64).
    players : sequence of str, optional
        Labels shared by every game.
    method : {'exact'}
        Only the exact dense algorithm is batched.

    Returns
    -------
    BatchAllocationResult

    Examples
    --------
    Two glove games, with the left glove held by player 1 and by player 3:

    >>> batch = [[0, 0, 0, 1, 0, 1, 0, 1], [0, 0, 0, 0, 0, 1, 1, 1]]
    >>> shapley_values(batch).allocations.round(4).tolist()
    [[0.6667, 0.1667, 0.1667], [0.1667, 0.1667, 0.6667]]
    """
    check_method(method, ("exact",), func="shapley_values")
    v, n = _check_batch(values, func="shapley_values")
    return _result(v, scaled_rows(shapley_rows, v, n, func="shapley_values", concept="Shapley"), players,
                   "shapley", n)


def banzhaf_values(values: ArrayLike, players: Sequence[str] | None = None, *,
                   method: str = "exact") -> BatchAllocationResult:
    """Exact Banzhaf values of a batch of dense games (see :func:`shapley_values`).

    Examples
    --------
    >>> banzhaf_values([[0, 0, 0, 1, 0, 1, 0, 1]]).allocations.tolist()
    [[0.75, 0.25, 0.25]]
    """
    check_method(method, ("exact",), func="banzhaf_values")
    v, n = _check_batch(values, func="banzhaf_values")
    return _result(v, scaled_rows(banzhaf_rows, v, n, func="banzhaf_values", concept="Banzhaf"), players,
                   "banzhaf", n)


def structured_shapley_values(games: Sequence[StructuredGame], *, n_samples: int = DEFAULT_SAMPLES,
                              rng: RNGLike = None) -> BatchAllocationResult:
    """Shapley values of many structured games of the same size, equal to :func:`shapley_value` on each.

    The path of :func:`shapley_value` for a :class:`~coopgame.StructuredGame`
    (``method='structured'``), with the quadratic parts of all games valued in
    one vectorised step; each game's cost terms then take their own closed
    form (airport: Littlechild–Owen), exact enumeration or sampling, exactly
    as for a single game.

    Parameters
    ----------
    games : sequence of StructuredGame
        At least one game; all with the same number of players.
    n_samples, rng
        As in :func:`shapley_value`, used only for cost terms that are sampled.

    Returns
    -------
    BatchAllocationResult
        ``method`` is ``"structured"``; the players are those of the first game.

    Examples
    --------
    >>> from coopgame import StructuredGame
    >>> from coopgame.games.structured import AirportCost
    >>> games = [StructuredGame.from_costs(AirportCost(c)) for c in ([8, 11, 13, 18], [8, 8, 8, 8])]
    >>> structured_shapley_values(games).allocations.tolist()
    [[6.0, 8.0, 9.0, 9.0], [6.0, 6.0, 6.0, 6.0]]
    """
    func = "structured_shapley_values"
    if isinstance(games, StructuredGame):
        raise InvalidGameError(f"{func}(): games must be a sequence of StructuredGame objects; got a single "
                               f"StructuredGame (pass [game], or use shapley_value)")
    try:
        games = list(games)
    except TypeError:
        raise InvalidGameError(f"{func}(): games must be a non-empty sequence of StructuredGame objects; "
                               f"got {_short(games)}") from None
    if not games or not all(isinstance(g, StructuredGame) for g in games):
        raise InvalidGameError(f"{func}(): games must be a non-empty sequence of StructuredGame objects")
    n_samples = check_samples(n_samples, func=func)
    make_rng(rng, func=func)   # refuse a bad rng up front, even when no cost term is sampled
    n = games[0].n_players
    if any(g.n_players != n for g in games):
        raise InvalidGameError(f"{func}(): every game must have {n} players; got "
                               f"{sorted({g.n_players for g in games})}")
    value, _, errors, parameters = structured_values(
        games, concept="shapley", closed_form="shapley_cost_shares", exact_rows=shapley_rows,
        sampler=shapley_permutation, sampler_name="permutation sampling", n_samples=n_samples, rng=rng)
    value.setflags(write=False)
    gaps = value.sum(axis=1) - np.array([g.grand_value for g in games])
    gaps.setflags(write=False)
    if errors is not None:
        parameters["standard_errors"] = errors
    return BatchAllocationResult(value, games[0].players, "shapley", "structured", parameters, gaps, game=tuple(games))


def quadratic_shapley_values(additive: ArrayLike, pairwise: ArrayLike,
                             players: Sequence[str] | None = None) -> BatchAllocationResult:
    """Shapley values of a stack of quadratic games, ``v(S) = Σ_{i∈S} a_i + Σ_{i≠j∈S} M_ij``, without building them.

    Equal to :func:`shapley_value` of ``StructuredGame(additive[g], pairwise[g])``
    for every g: the same closed form ``a_i + ½ Σ_j (M_ij + M_ji)`` (the
    quadratic part of the structured path), over the whole stack at once.
    Games with cost terms go through :func:`structured_shapley_values`.

    Parameters
    ----------
    additive : array_like, shape (G, n)
    pairwise : array_like, shape (G, n, n)
        Zero diagonals.
    players : sequence of str, optional

    Returns
    -------
    BatchAllocationResult
        ``method`` is ``"structured"``.

    Examples
    --------
    >>> quadratic_shapley_values([[1.0, 2.0]], [[[0.0, 3.0], [1.0, 0.0]]]).allocations.tolist()
    [[3.0, 4.0]]
    """
    func = "quadratic_shapley_values"
    a = as_float_array(additive, func=func, name="additive", ndim=2)
    m = as_float_array(pairwise, func=func, name="pairwise", ndim=3)
    if a.shape[0] < 1 or m.shape != (*a.shape, a.shape[1]):
        raise InvalidGameError(f"{func}(): additive must have shape (G, n) and pairwise (G, n, n); "
                               f"got {a.shape} and {m.shape}")
    if np.any(np.diagonal(m, axis1=1, axis2=2) != 0):
        raise InvalidGameError(f"{func}(): pairwise must have zero diagonals")
    value = quadratic_value(a, m)
    value.setflags(write=False)
    gaps = value.sum(axis=1) - (a.sum(axis=1) + m.sum(axis=(1, 2)))
    gaps.setflags(write=False)
    labels = check_players(label_sequence(players, func=func), a.shape[1], func=func)
    return BatchAllocationResult(value, labels, "shapley", "structured", {}, gaps, game=(a, m))


def _check_batch(values: ArrayLike, *, func: str) -> tuple[np.ndarray, int]:
    if isinstance(values, np.ndarray) and values.dtype == np.float64:
        v = values
    else:
        try:
            shape = np.shape(values)
        except ValueError:
            raise InvalidGameError(f"{func}(): values must be a (B, 2**n) array of numbers") from None
        if len(shape) == 2 and shape[1] >= 2 and not shape[1] & (shape[1] - 1):
            ensure_dense_fits(shape[1].bit_length() - 1, func=func, batch=shape[0])
        # refuses strings and complex numbers instead of coercing them (as_float_array copies)
        v = as_float_array(values, func=func, name="values", allow_nan=True)
    if v.ndim != 2 or v.shape[0] < 1:
        raise InvalidGameError(f"{func}(): values must be 2-dimensional, one game per row (B, 2**n); got shape {v.shape}")
    size = v.shape[1]
    if size < 2 or size & (size - 1):
        raise InvalidGameError(f"{func}(): each game must have 2**n values (bitmask order); got length {size}")
    bad = ~np.isfinite(v)
    if bad.any():
        b, k = np.argwhere(bad)[0]
        raise InvalidGameError(f"{func}(): values must be finite; got {v[b, k]!r} in game {b} at coalition {k}")
    if np.any(v[:, 0] != 0):
        b = int(np.flatnonzero(v[:, 0] != 0)[0])
        raise InvalidGameError(f"{func}(): the empty coalition must be worth 0 in every game; "
                               f"got {v[b, 0]!r} in game {b}")
    return v, size.bit_length() - 1


def _result(v: np.ndarray, alloc: np.ndarray, players: Sequence[str] | None, concept: str,
            n: int) -> BatchAllocationResult:
    labels = check_players(label_sequence(players, func=f"{concept}_values"), n, func=f"{concept}_values")
    # per game, at the scale of a power of two (exact): no overflow for games near the float maximum
    scale = power_of_two_below(np.maximum(np.abs(alloc).max(axis=1), np.abs(v[:, -1])))[:, None]
    with np.errstate(over="ignore"):
        gaps = ((alloc / scale).sum(axis=1) - v[:, -1] / scale[:, 0]) * scale[:, 0]
    return BatchAllocationResult(alloc, labels, concept, "exact", {}, gaps, game=v)

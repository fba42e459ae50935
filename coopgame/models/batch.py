"""Batched construction: a model's game over a stack of parameter values, for parameter sweeps.

A sweep validates its model once (:func:`coopgame.load_model`), checks each
swept parameter's values once against the kind's parameter table
(:meth:`ModelSpec.check_values`), and then needs the game at every grid
point. For a kind registered in :data:`BATCHERS` this module builds the whole
stack at once, with the *same* payoff functions the single-game builders use
(for ``two_city``, :func:`coopgame.games.pairwise.two_city_payoffs`, which
:meth:`PairwiseGame.from_two_city` calls too). Every other kind is built point
by point from the validated spec (:meth:`ModelSpec.with_arrays`, no re-parse)
by :func:`coopgame.parameter_sweep`.

Examples
--------
>>> import numpy as np, coopgame
>>> spec = coopgame.load_model("two_city_coop")
>>> stack = batch_games(spec, {"reward": np.array([[0.0, 0.0], [3.0, 3.0]])})
>>> stack.A.shape, bool(np.array_equal(stack.A[1], spec.with_arrays(reward=[3.0, 3.0]).build().pairwise.A))
((2, 2, 2), True)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from coopgame._validation import frozen
from coopgame.errors import InvalidParameterError

if TYPE_CHECKING:  # pragma: no cover
    from coopgame.models.schema import ModelSpec

__all__ = ["PairwiseStack", "QuadraticStack", "BATCHERS", "batch_games", "can_batch"]


@dataclass(frozen=True, eq=False)
class PairwiseStack:
    """``G`` bimatrix 2×2 games: row payoffs ``A`` and column payoffs ``B``, each of shape (G, 2, 2).

    ``A`` and ``B`` are the payoffs decisions use. ``true_payoffs``, the true
    ``(A, B)`` stacks, is set only when those are perceived payoffs (as
    :attr:`PairwiseGame.true_game`); welfare is computed from it. The
    ``two_city`` kind has no perception factor: its payoffs are the true ones.
    """

    A: np.ndarray
    B: np.ndarray
    players: tuple[str, ...]
    true_payoffs: tuple[np.ndarray, np.ndarray] | None = None

    kind = "pairwise"

    def __post_init__(self) -> None:  # read-only, and cannot be made writeable (DESIGN §5)
        object.__setattr__(self, "A", frozen(self.A))
        object.__setattr__(self, "B", frozen(self.B))
        if self.true_payoffs is not None:
            object.__setattr__(self, "true_payoffs", tuple(frozen(x) for x in self.true_payoffs))

    def __len__(self) -> int:
        return self.A.shape[0]


@dataclass(frozen=True, eq=False)
class QuadraticStack:
    """``G`` cooperative games ``v(S) = Σ_{i∈S} a_i + Σ_{i≠j∈S} M_ij`` (structured, no cost terms).

    ``additive`` has shape (G, n) and ``pairwise`` (G, n, n): row g is the
    :class:`~coopgame.StructuredGame` the model builds at grid point g.
    """

    additive: np.ndarray
    pairwise: np.ndarray
    players: tuple[str, ...]

    kind = "cooperative"

    def __post_init__(self) -> None:  # read-only, and cannot be made writeable (DESIGN §5)
        object.__setattr__(self, "additive", frozen(self.additive))
        object.__setattr__(self, "pairwise", frozen(self.pairwise))

    def __len__(self) -> int:
        return self.additive.shape[0]


def _stacked(spec: ModelSpec, values: Mapping[str, np.ndarray], name: str, default: float = 0.0) -> np.ndarray:
    """The swept stack of ``name``, else the model's own value (broadcasting against the stacks), else ``default``."""
    if name in values:
        return values[name]
    if name in spec.parameters:
        return spec[name]
    return np.asarray(default, dtype=np.float64)


def _two_city(spec: ModelSpec, values: Mapping[str, np.ndarray]) -> PairwiseStack:
    from coopgame.games.pairwise import two_city_payoffs

    get = lambda name, default=0.0: _stacked(spec, values, name, default)  # noqa: E731
    # the arguments of models.builders._build_two_city, in the same roles
    A, B = two_city_payoffs(get("cost"), get("synergy"), get("alpha"), get("free_ride_gain"), get("lone_loss"),
                            get("reward"), get("penalty"), get("base"))
    return PairwiseStack(A, B, spec.players)  # frozen() makes the private contiguous copies


def _ncity(spec: ModelSpec, values: Mapping[str, np.ndarray]) -> QuadraticStack:
    from coopgame.games.ncity import members_game_terms

    n = spec.n_players
    k = max(len(spec.layers), 1)
    size = next(iter(values.values())).shape[0]

    def layered(name: str, tail: tuple[int, ...]) -> np.ndarray:
        # NCityGame's broadcasting: a parameter without the layer axis is the same on every layer
        if name in values:
            x = values[name]
            lead = size
        else:
            x = spec[name][None] if name in spec.parameters else np.zeros((1,) * (1 + len(tail)))
            lead = 1
        if x.ndim == 1 + len(tail):
            x = x[:, None]
        return np.broadcast_to(x, (lead, k, *tail))

    vec, mat = (n,), (n, n)
    additive, pairwise = members_game_terms(layered("base", vec), layered("reward", vec), layered("cost", vec),
                                            layered("spillover", mat), layered("synergy", mat),
                                            layered("siphon", mat), layered("deadweight", ()))
    return QuadraticStack(np.broadcast_to(additive, (size, n)), np.broadcast_to(pairwise, (size, n, n)),
                          spec.players)  # frozen() makes the private contiguous copies


BATCHERS: dict[str, Callable[[ModelSpec, Mapping[str, np.ndarray]], Any]] = {
    "two_city": _two_city,
    "ncity": _ncity,
}
"""Model kinds whose game stack is built at once, and the function building it."""


def can_batch(spec: ModelSpec, names: Any) -> bool:
    """Whether sweeping parameters ``names`` of ``spec`` can use :func:`batch_games`.

    True for a kind in :data:`BATCHERS` when no other parameter is derived by a
    rule from a swept one (those are re-derived point by point); an ``ncity``
    model batches its cooperative game, so it needs more than two cities (two
    sweep as their pairwise game, one issue at a time), and the ``"members"``
    convention, whose game is quadratic (an ``"alpha"`` model is swept point by point).
    """
    if spec.kind not in BATCHERS or spec.derived_from(list(names)):
        return False
    if spec.kind != "ncity":
        return True
    return spec.n_players > 2 and spec.analysis.get("convention", "alpha") == "members"


def batch_games(spec: ModelSpec, values: Mapping[str, np.ndarray]) -> Any:
    """The model's games at ``G`` parameter points, built at once.

    Parameters
    ----------
    spec : ModelSpec
        A validated model.
    values : mapping of str to ndarray
        The swept parameters, each a stack of shape ``(G, *shape)`` already
        checked by :meth:`ModelSpec.check_values`; the others keep the model's values.

    Returns
    -------
    PairwiseStack or QuadraticStack
        For pairwise kinds; for ``ncity`` models of three cities or more.

    Raises
    ------
    InvalidParameterError
        When the kind has no batched builder (see :func:`can_batch`).
    """
    if not can_batch(spec, values):
        raise InvalidParameterError(f"batch_games(): model kind {spec.kind!r} has no batched builder for "
                                    f"parameters {sorted(values)}; build point by point with ModelSpec.with_arrays")
    return BATCHERS[spec.kind](spec, values)

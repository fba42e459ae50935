"""Sharing rules for a cooperation fund: named objects with parameters.

A rule turns a TU game and the status quo (each city's payoff with everyone
cooperating and no transfers, DESIGN §2.1) into a final payoff vector. Two
families:

* **allocation rules** look at the game: Shapley, nucleolus, proportional to a
  weight vector, equal split, and the enclave stock/increment split
  (:class:`~coopgame.policy.real_rules.StockIncrementRule`);
* **transfer rules** are contracts with their own data (contributions and
  pass rates, tax paths, tax-base growth); the final payoff is the status quo
  plus the contract's net transfers
  (:mod:`coopgame.policy.real_rules`).

Every rule has a short ``label`` for tables, ``parameters()`` for reports,
and ``allocate(game, status_quo)``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from coopgame._pickling import ReadOnlyState
from coopgame._validation import as_float_array, frozen
from coopgame.errors import InvalidGameError, InvalidParameterError, UnknownMethodError
from coopgame.games.tu import TUGame
from coopgame.policy._checks import check_name

__all__ = [
    "RULE_NAMES",
    "EqualSplitRule",
    "NucleolusRule",
    "ProportionalRule",
    "ShapleyRule",
    "SharingRule",
    "as_rule",
    "player_indices",
]

_OF = ("worth", "surplus", "cost")


class SharingRule(ReadOnlyState, ABC):
    """Base class: ``allocate(game, status_quo) -> payoffs`` (length n, adding up to v(N))."""

    kind: str = "allocation"

    @property
    @abstractmethod
    def label(self) -> str:
        """Short name for tables."""

    @abstractmethod
    def allocate(self, game: TUGame, status_quo: np.ndarray) -> np.ndarray:
        """Final payoff of each player under this rule."""

    def parameters(self) -> dict[str, Any]:
        """The rule's parameters, JSON-ready."""
        return {}

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class ShapleyRule(SharingRule):
    """Split by the Shapley value (average marginal contribution).

    Examples
    --------
    >>> g = TUGame.from_costs([0, 230, 160, 350, 230, 460, 365, 556])
    >>> ShapleyRule().allocate(g, np.zeros(3)).round(3).tolist()
    [19.667, 32.167, 12.167]
    """

    @property
    def label(self) -> str:
        return "Shapley"

    def allocate(self, game: TUGame, status_quo: np.ndarray) -> np.ndarray:
        from coopgame.cooperative.shapley import shapley_value
        _check_game(game, func="ShapleyRule.allocate")
        return np.asarray(shapley_value(game).allocation, dtype=float)


@dataclass(frozen=True)
class NucleolusRule(SharingRule):
    """Split by the nucleolus (lexicographically smallest complaints).

    Examples
    --------
    >>> g = TUGame.from_costs([0, 230, 160, 350, 230, 460, 365, 556])
    >>> NucleolusRule().allocate(g, np.zeros(3)).round(6).tolist()
    [19.5, 32.5, 12.0]
    """

    domain: str = "imputations"

    def __post_init__(self) -> None:
        from coopgame.stability.lexicographic import DOMAINS

        _check_choice(self.domain, DOMAINS, func="NucleolusRule", name="domain")

    @property
    def label(self) -> str:
        return "nucleolus" if self.domain == "imputations" else "pre-nucleolus"

    def allocate(self, game: TUGame, status_quo: np.ndarray) -> np.ndarray:
        from coopgame.stability.lexicographic import nucleolus
        _check_game(game, func="NucleolusRule.allocate")
        return np.asarray(nucleolus(game, domain=self.domain).allocation, dtype=float)

    def parameters(self) -> dict[str, Any]:
        return {"domain": self.domain}


@dataclass(frozen=True, eq=False)
class ProportionalRule(SharingRule):
    """Split in proportion to a weight: GDP, budget revenue, population, contributions.

    Parameters
    ----------
    weights : array_like, shape (n,)
        Non-negative, not all zero.
    basis : str
        What the weights measure (used in the label), e.g. ``"GDP"``.
    of : {'worth', 'surplus', 'cost'}, default 'worth'
        ``'worth'``: ``x_i = w_i / Σw · v(N)``. ``'surplus'``: each player
        first gets ``v({i})`` and the surplus ``v(N) - Σ v({j})`` is split by
        weight. ``'cost'`` (games built with :meth:`TUGame.from_costs`): the
        joint cost is split by weight, ``c_i = w_i / Σw · C(N)``, and the
        player's payoff is its saving ``x_i = C({i}) − c_i`` (the rule of a
        plant shared by sewage flow).

    Examples
    --------
    >>> g = TUGame([0, 1, 1, 6])
    >>> ProportionalRule([1, 2], basis="GDP").allocate(g, np.zeros(2)).tolist()
    [2.0, 4.0]
    >>> ProportionalRule([1, 2], of="surplus").allocate(g, np.zeros(2)).tolist()
    [2.333333333333333, 3.6666666666666665]
    >>> plant = TUGame.from_costs([0, 230, 160, 350, 230, 460, 365, 556])   # C(N) = 556 split 5 : 3 : 5
    >>> (plant.standalone_costs - ProportionalRule([5, 3, 5], of="cost").allocate(plant, np.zeros(3))).round(2).tolist()
    [213.85, 128.31, 213.85]
    """

    weights: np.ndarray
    basis: str = "weight"
    of: str = "worth"

    def __post_init__(self) -> None:
        func = "ProportionalRule"
        w = as_float_array(self.weights, func=func, name="weights", ndim=1, error=InvalidParameterError)
        # the test on w / max(w): a sum of finite weights near the float maximum must not overflow to inf
        top = float(w.max()) if w.size else 0.0
        if np.any(w < 0) or top <= 0 or not np.isfinite((w / top).sum()):
            raise InvalidParameterError(f"{func}(): weights must be >= 0 and not all 0; got {w.tolist()}")
        check_name(self.basis, func=func, name="basis")
        _check_choice(self.of, _OF, func=func, name="of")
        object.__setattr__(self, "weights", frozen(w))

    @property
    def label(self) -> str:
        if self.of == "cost":
            return f"cost shares proportional to {self.basis}"
        return f"proportional to {self.basis}" + (" (surplus)" if self.of == "surplus" else "")

    def allocate(self, game: TUGame, status_quo: np.ndarray) -> np.ndarray:
        func = "ProportionalRule.allocate"
        game = _check_game(game, func=func)
        if self.weights.shape[0] != game.n_players:
            raise InvalidParameterError(f"{func}(): weights must have one entry per player "
                                        f"({game.n_players}); got {self.weights.shape[0]}")
        w = self.weights / self.weights.max()
        return _split(game, w / w.sum(), self.of, func=func)

    def parameters(self) -> dict[str, Any]:
        return {"weights": self.weights.tolist(), "basis": self.basis, "of": self.of}


@dataclass(frozen=True)
class EqualSplitRule(SharingRule):
    """Equal shares: ``v(N)/n`` each (``of='worth'``) or equal surplus division (``of='surplus'``).

    Examples
    --------
    >>> EqualSplitRule().allocate(TUGame([0, 1, 1, 6]), np.zeros(2)).tolist()
    [3.0, 3.0]
    """

    of: str = "worth"

    def __post_init__(self) -> None:
        _check_choice(self.of, _OF, func="EqualSplitRule", name="of")

    @property
    def label(self) -> str:
        return "equal split" + (" of surplus" if self.of == "surplus" else "")

    def allocate(self, game: TUGame, status_quo: np.ndarray) -> np.ndarray:
        func = "EqualSplitRule.allocate"
        game = _check_game(game, func=func)
        n = game.n_players
        return _split(game, np.full(n, 1.0 / n), self.of, func=func)

    def parameters(self) -> dict[str, Any]:
        return {"of": self.of}


def _check_choice(value: Any, options: Sequence[str], *, func: str, name: str) -> str:
    """``value`` if it is one of the strings ``options``, else an :class:`InvalidParameterError`."""
    if not isinstance(value, str) or value not in options:
        raise InvalidParameterError(f"{func}(): {name} must be one of {list(options)}; got {value!r}")
    return value


def _check_game(game: Any, *, func: str) -> Any:
    """``game`` if a rule can allocate on it: a :class:`TUGame`, structured or value-function game (not expanded)."""
    from coopgame.games.function_game import ValueFunctionGame
    from coopgame.games.structured import StructuredGame

    if not isinstance(game, (TUGame, StructuredGame, ValueFunctionGame)):
        raise InvalidGameError(f"{func}(): game must be a TUGame, StructuredGame or ValueFunctionGame; "
                               f"got {type(game).__name__}")
    return game


def _singletons(game: Any) -> np.ndarray:
    """``v({i})`` of each player, from any of the game types :func:`_check_game` accepts."""
    if isinstance(game, TUGame):
        return np.asarray(game.singleton_values, dtype=float)
    n = game.n_players
    if hasattr(game, "value_of_members"):  # structured
        return np.asarray(game.value_of_members(np.eye(n, dtype=bool)), dtype=float)
    return np.asarray(game.value_of_masks(np.left_shift(1, np.arange(n, dtype=np.int64))), dtype=float)


def _split(game: TUGame, share: np.ndarray, of: str, *, func: str) -> np.ndarray:
    if of == "cost":
        if not getattr(game, "is_cost_game", False):
            raise InvalidParameterError(f"{func}(): of='cost' needs a game built with "
                                        "TUGame.from_costs (it splits the joint cost C(N))")
        alone = np.asarray(game.standalone_costs, dtype=float)
        return alone - share * (alone.sum() - game.grand_value)  # C(N) = Σ C({i}) − v(N)
    if of == "worth":
        return share * game.grand_value
    alone = _singletons(game)
    return alone + share * (game.grand_value - alone.sum())


_BY_NAME: dict[str, SharingRule] = {
    "shapley": ShapleyRule(),
    "nucleolus": NucleolusRule(),
    "pre-nucleolus": NucleolusRule("preimputations"),
    "equal": EqualSplitRule(),
    "equal-surplus": EqualSplitRule("surplus"),
}
RULE_NAMES: tuple[str, ...] = tuple(sorted(_BY_NAME))
"""Rules that can be named by a string (rules with data must be given as objects)."""


def as_rule(rule: SharingRule | str, *, func: str) -> SharingRule:
    """A rule object from an object or one of :data:`RULE_NAMES`."""
    if isinstance(rule, SharingRule):
        return rule
    if isinstance(rule, str) and rule in _BY_NAME:
        return _BY_NAME[rule]
    raise UnknownMethodError(f"{func}(): a rule must be a SharingRule or one of {list(RULE_NAMES)}; got {rule!r}")


def player_indices(labels: Sequence[str], players: Sequence[str], *, func: str) -> np.ndarray:
    """Positions of a contract's players (``labels``) among the game's players."""
    index = {p: i for i, p in enumerate(players)}
    missing = [p for p in labels if p not in index]
    if missing:
        raise InvalidParameterError(f"{func}(): parties {missing} are not players of the game; players are "
                                    f"{list(players)}")
    return np.array([index[p] for p in labels], dtype=np.int64)

"""Sharing rules for a cooperation fund: named objects with parameters.

A rule turns a TU game and the status quo (each city's payoff with everyone
cooperating and no transfers, DESIGN §2.1) into a final payoff vector. Two
families:

* **allocation rules** look at the game: Shapley, nucleolus, proportional to a
  weight vector, equal split, Owen (a priori unions), Myerson (a communication
  graph), τ-value, SCRB (cost games), and the enclave stock/increment split
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
    "OwenRule",
    "MyersonRule",
    "TauRule",
    "SCRBRule",
    "as_rule",
    "as_rules",
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


@dataclass(frozen=True)
class OwenRule(SharingRule):
    """Split by the Owen value: Shapley with a priori unions (cities by province, planning sub-circles).

    Parameters
    ----------
    unions : sequence of sequences of str or int
        A partition of the players (labels or indices); checked against the game when allocating.

    Examples
    --------
    >>> g = TUGame.from_costs([0, 230, 160, 350, 230, 460, 365, 556])
    >>> OwenRule([[0, 1], [2]]).allocate(g, np.zeros(3)).round(3).tolist()
    [19.75, 32.25, 12.0]
    """

    unions: tuple[tuple[Any, ...], ...]

    def __post_init__(self) -> None:
        unions = self.unions
        if isinstance(unions, (str, bytes)) or not hasattr(unions, "__iter__"):
            raise InvalidParameterError(f"OwenRule(): unions must be a sequence of sequences of player labels "
                                        f"or indices; got {type(unions).__name__}")
        groups = []
        for k, union in enumerate(unions):
            if isinstance(union, (str, bytes)) or not hasattr(union, "__iter__"):
                raise InvalidParameterError(f"OwenRule(): unions[{k}] must be a sequence of player labels or "
                                            f"indices; got {union!r}")
            groups.append(tuple(union))
        object.__setattr__(self, "unions", tuple(groups))   # hashable; the partition check needs the game

    @property
    def label(self) -> str:
        return "Owen"

    def allocate(self, game: TUGame, status_quo: np.ndarray) -> np.ndarray:
        from coopgame.cooperative.owen import owen_value
        _check_game(game, func="OwenRule.allocate")
        return np.asarray(owen_value(game, self.unions).allocation, dtype=float)

    def parameters(self) -> dict[str, Any]:
        return {"unions": [list(u) for u in self.unions]}


@dataclass(frozen=True)
class MyersonRule(SharingRule):
    """Split by the Myerson value: Shapley of the game restricted to a communication graph (transport links).

    Parameters
    ----------
    graph : sequence of pairs, or array_like (n, n)
        An edge list of player labels or indices, or a symmetric 0/1 adjacency matrix; checked against the game
        when allocating.

    Examples
    --------
    >>> majority = TUGame([0, 0, 0, 1, 0, 1, 1, 1])      # any two of three win
    >>> MyersonRule([(0, 1), (1, 2)]).allocate(majority, np.zeros(3)).round(4).tolist()   # the line 0 - 1 - 2
    [0.1667, 0.6667, 0.1667]
    """

    graph: Any

    def __post_init__(self) -> None:
        graph = self.graph
        if isinstance(graph, (str, bytes)) or not hasattr(graph, "__iter__"):
            raise InvalidParameterError(f"MyersonRule(): graph must be an edge list or an adjacency matrix; "
                                        f"got {type(graph).__name__}")
        if isinstance(graph, np.ndarray):
            object.__setattr__(self, "graph", frozen(graph))
        else:
            object.__setattr__(self, "graph", tuple(tuple(e) if hasattr(e, "__iter__") and not isinstance(e, str)
                                                    else e for e in graph))

    @property
    def label(self) -> str:
        return "Myerson"

    def allocate(self, game: TUGame, status_quo: np.ndarray) -> np.ndarray:
        from coopgame.cooperative.myerson import myerson_value
        _check_game(game, func="MyersonRule.allocate")
        return np.asarray(myerson_value(game, self.graph).allocation, dtype=float)

    def parameters(self) -> dict[str, Any]:
        g = self.graph
        return {"graph": g.tolist() if isinstance(g, np.ndarray) else [list(e) for e in g]}


@dataclass(frozen=True)
class TauRule(SharingRule):
    """Split by the τ-value (Tijs): the efficient compromise between minimal rights and utopia payoffs.

    Refused (:class:`~coopgame.cooperative.tau.NotQuasiBalancedError`) for games that are not quasi-balanced.

    Examples
    --------
    >>> g = TUGame.from_costs([0, 230, 160, 350, 230, 460, 365, 556])
    >>> TauRule().allocate(g, np.zeros(3)).round(3).tolist()
    [19.5, 32.5, 12.0]
    """

    @property
    def label(self) -> str:
        return "tau-value"

    def allocate(self, game: TUGame, status_quo: np.ndarray) -> np.ndarray:
        from coopgame.cooperative.tau import tau_value
        _check_game(game, func="TauRule.allocate")
        return np.asarray(tau_value(game).allocation, dtype=float)


@dataclass(frozen=True, eq=False)
class SCRBRule(SharingRule):
    """Split the joint cost by separable costs–remaining benefits (games built with ``TUGame.from_costs``).

    Parameters
    ----------
    benefits : array_like, shape (n,), optional
        Each player's benefit, capping its justifiable cost (without it: the stand-alone cost).

    Examples
    --------
    >>> plant = TUGame.from_costs([0, 230, 160, 350, 230, 460, 365, 556])
    >>> (plant.standalone_costs - SCRBRule().allocate(plant, np.zeros(3))).round(2).tolist()
    [210.35, 127.75, 217.91]
    """

    benefits: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.benefits is not None:
            b = as_float_array(self.benefits, func="SCRBRule", name="benefits", ndim=1, error=InvalidParameterError)
            object.__setattr__(self, "benefits", frozen(b))

    @property
    def label(self) -> str:
        return "SCRB" if self.benefits is None else "SCRB (with benefits)"

    def allocate(self, game: TUGame, status_quo: np.ndarray) -> np.ndarray:
        from coopgame.policy.cost_allocation import scrb
        _check_game(game, func="SCRBRule.allocate")
        return np.asarray(scrb(game, self.benefits).allocation, dtype=float)   # savings, like every rule

    def parameters(self) -> dict[str, Any]:
        return {"benefits": None if self.benefits is None else self.benefits.tolist()}


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
    "tau": TauRule(),
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


def as_rules(rules: Any, *, func: str, default: Sequence[SharingRule | str]) -> list[SharingRule]:
    """A non-empty sequence of rules (objects or names), or ``default`` for None; typed errors otherwise."""
    if rules is not None and (isinstance(rules, (str, bytes, SharingRule)) or not hasattr(rules, "__iter__")):
        raise InvalidParameterError(f"{func}(): rules must be a sequence of rules (SharingRule objects or names "
                                    f"such as 'shapley'); got {rules!r} ({type(rules).__name__}); "
                                    f"write rules=[{rules!r}] for one rule")
    chosen = [as_rule(r, func=func) for r in (default if rules is None else rules)]
    if not chosen:
        raise InvalidParameterError(f"{func}(): rules must name at least one rule; got an empty sequence")
    return chosen


def player_indices(labels: Sequence[str], players: Sequence[str], *, func: str) -> np.ndarray:
    """Positions of a contract's players (``labels``) among the game's players."""
    index = {p: i for i, p in enumerate(players)}
    missing = [p for p in labels if p not in index]
    if missing:
        raise InvalidParameterError(f"{func}(): parties {missing} are not players of the game; players are "
                                    f"{list(players)}")
    return np.array([index[p] for p in labels], dtype=np.int64)

"""Which solution concepts apply to which game: one registry, decided by the game's type.

Every analysis the package runs on a game — the report of ``coopgame solve``,
the sweep of ``coopgame sweep`` and the concept list of ``coopgame concepts`` —
reads this registry instead of testing names or attributes. An entry
(:class:`Concept`) names

* the concept (``"shapley"``) and its title,
* the public solver function, imported here (never looked up by a string),
* the game types it applies to (a subclass dispatches like its base: the
  lookup walks the game type's MRO),
* the role it plays in an analysis (an allocation, an equilibrium set, a
  derived game form, ...) and
* an applicability limit: a size or shape beyond which it is skipped, with the
  reason said.

Adding a concept is one module (the solver, in its solver subpackage, with its
``_PUBLIC`` entry) and one :func:`register` line below.

Examples
--------
>>> from coopgame import TUGame
>>> game = TUGame([0, 1, 1, 3], players=["a", "b"])
>>> [c.name for c in concepts_for(game)]
['shapley', 'banzhaf', 'tau', 'scrb', 'nucleolus', 'least_core', 'core', 'fund_analysis']
>>> CONCEPTS["shapley"].solver(game).allocation.tolist()
[1.5, 1.5]
>>> sweep_form(game).kind
'cooperative'
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import singledispatch
from typing import Any, NamedTuple, Protocol, runtime_checkable

from coopgame.cooperative import banzhaf_value, shapley_value, tau_value
from coopgame.cooperative.tau import utopia_and_minimal_rights
from coopgame.dynamics import basin_share, evolutionary_regime, rest_points
from coopgame.equilibrium import nash_equilibria, price_of_anarchy, pure_equilibria
from coopgame.errors import InvalidGameError, InvalidParameterError
from coopgame.games import NCityGame, PairwiseGame, StructuredGame, TUGame, ValueFunctionGame
from coopgame.games.ncity import ALPHA_DENSE_MAX_PLAYERS
from coopgame.policy.cost_allocation import scrb
from coopgame.policy.fund import fund_analysis
from coopgame.policy.outside import outside_options
from coopgame.policy.transfers import has_alpha_game, needs_reference, self_enforcing_transfers
from coopgame.results import Result, Summary
from coopgame.stability import core, is_airport_game, least_core, nucleolus

__all__ = [
    "Concept", "ConceptRegistry", "Limit", "Plan", "GameContainer", "SweepForm", "CONCEPTS", "ROLES",
    "LP_MAX_PLAYERS", "BANZHAF_MAX_PLAYERS", "register", "concepts_for", "plan", "game_forms", "pairwise_forms",
    "sweep_form", "as_forms", "cooperative_form", "concept_table", "max_players", "two_by_two",
    "more_than_two_cities", "two_cities",
]

LP_MAX_PLAYERS = 20
"""Largest game for which the LP-based concepts (core, least core, nucleolus, fund analysis) run.

Measured on the 2-core development machine: at n = 20 each of the three took at most
0.16 s on random n-city games, 0.11 s on random convex games and 2.3 s (nucleolus)
on random non-convex games; the dense game itself is 2**20 floats (8 MiB).
"""

BANZHAF_MAX_PLAYERS = 26
"""Largest structured game for which the Banzhaf value is computed (it needs the dense game)."""

ROLES = ("form", "classification", "equilibria", "efficiency", "dynamics", "allocation", "core", "fund",
         "outside_options", "transfers", "result")
"""What a concept contributes to an analysis, in reading order.

``form``: another game derived from this one (an n-city game's pairwise and
cooperative games), analysed in turn; ``allocation``: a payoff vector, shown
side by side with the others; ``core``: a set of allocations; ``outside_options``: each city's
status quo, stand-alone and free-riding payoffs; ``transfers``: the
self-enforcing transfers and central subsidy; ``result``: a result object
shown as it prints.
"""


# ---------------------------------------------------------------------------------------------- limits
@dataclass(frozen=True)
class Limit:
    """When a concept applies to a game of its type, and why not otherwise.

    Parameters
    ----------
    test : callable game -> bool
        True when the concept applies.
    reason : callable game -> str
        Why it does not, for the ``skipped`` list of an analysis.
    label : str, optional
        Names the concepts sharing this limit (``"core, least core and nucleolus"``):
        when several are skipped by it, an analysis says so in one line.
    """

    test: Callable[[Any], bool]
    reason: Callable[[Any], str]
    label: str = ""
    text: str = ""
    """The condition in words (``"n <= 20"``), for listings."""

    def __call__(self, game: Any) -> str | None:
        """None when the concept applies to ``game``, else the reason it is skipped."""
        return None if self.test(game) else self.reason(game)


def max_players(limit: int, *, why: str = "", label: str = "", only: tuple[type, ...] = ()) -> Limit:
    """At most ``limit`` players (for games of the types ``only``, when given)."""
    def test(game: Any) -> bool:
        return (bool(only) and not isinstance(game, only)) or game.n_players <= limit

    def reason(game: Any) -> str:
        return f"n = {game.n_players} > {limit} players" + (f" ({why})" if why else "")

    return Limit(test, reason, label, f"n <= {limit}" + (f" for {', '.join(t.__name__ for t in only)}" if only else ""))


def two_by_two(*, label: str = "", what: str = "") -> Limit:
    """A bimatrix game with two actions per player."""
    return Limit(lambda game: game.shape == (2, 2),
                 lambda game: f"{what or 'defined'} for 2x2 games only; this game is {game.shape}", label, "2x2")


def more_than_two_cities(*, label: str = "") -> Limit:
    """Three cities or more: a two-city game is solved in its pairwise form instead."""
    return Limit(lambda game: game.n_players > 2,
                 lambda game: "a two-city game is solved in its pairwise form (the 'game', 'equilibria' and "
                              "'dynamics' sections)", label, "n >= 3")


def two_cities() -> Limit:
    """Exactly two cities."""
    return Limit(lambda game: game.n_players == 2,
                 lambda game: f"needs exactly 2 cities; this game has {game.n_players}", text="n = 2")


# ---------------------------------------------------------------------------------------------- concepts
@dataclass(frozen=True)
class Concept:
    """One solution concept and the games it applies to.

    Attributes
    ----------
    name : str
        Identifier, unique in the registry (``"shapley"``, ``"least_core"``).
    title : str
        What a reader calls it (``"Shapley value"``).
    solver : callable
        The public function (or method) computing it, called as ``solver(game)``.
    game_types : tuple of type
        The game classes it applies to; their subclasses too.
    role : str
        One of :data:`ROLES`.
    limit : Limit or None
        Size or shape limits within its game types.
    short : str
        A column heading (``"Shapley"``); :attr:`heading` falls back to the title.
    prefers_dense : bool
        For cooperative games: an analysis hands the solver the dense game
        (``StructuredGame.to_tu()``) when it has one at hand, as the LP-based
        concepts need; otherwise the game as it is (the structured closed forms).
    """

    name: str
    title: str
    solver: Callable[..., Any] = field(repr=False)
    game_types: tuple[type, ...]
    role: str
    limit: Limit | None = field(default=None, repr=False)
    short: str = ""
    prefers_dense: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.role, str) or self.role not in ROLES:
            raise InvalidParameterError(f"Concept(): role must be one of {list(ROLES)}; got {self.role!r}")
        if not self.game_types or not all(isinstance(t, type) for t in self.game_types):
            raise InvalidParameterError(f"Concept(): game_types must be a non-empty tuple of classes; "
                                        f"got {self.game_types!r}")

    @property
    def heading(self) -> str:
        """The concept's column heading in a table: ``short``, else ``title``."""
        return self.short or self.title

    @property
    def public_name(self) -> str:
        """Where a user finds the solver: ``coopgame.<subpackage>.<name>`` (``coopgame.cooperative.shapley_value``)."""
        parts = self.solver.__module__.split(".")
        return ".".join(parts[:2] + [self.solver.__qualname__])

    def why_not(self, game: Any) -> str | None:
        """None when the concept applies to ``game``, else the reason it does not."""
        if not isinstance(game, self.game_types):
            return f"applies to {', '.join(t.__name__ for t in self.game_types)}, not {type(game).__name__}"
        return None if self.limit is None else self.limit(game)

    def applies(self, game: Any) -> bool:
        """True when the concept applies to ``game`` (its type and its limits)."""
        return self.why_not(game) is None

    def __call__(self, game: Any, **kwargs: Any) -> Any:
        """Solve: ``solver(game, **kwargs)``."""
        return self.solver(game, **kwargs)


@dataclass(frozen=True)
class Plan:
    """The concepts of the registry that apply to one game, and those skipped with their reasons."""

    game: Any = field(repr=False)
    applicable: tuple[Concept, ...]
    skipped: tuple[tuple[Concept, str], ...] = ()

    def __contains__(self, name: object) -> bool:
        return any(c.name == name for c in self.applicable)

    def __iter__(self) -> Iterator[Concept]:
        return iter(self.applicable)

    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.applicable)

    def role(self, role: str) -> tuple[Concept, ...]:
        """The applicable concepts of one role, in registry order."""
        return tuple(c for c in self.applicable if c.role == role)

    def reason(self, name: str) -> str | None:
        """Why concept ``name`` was skipped (None when it applies)."""
        return next((why for c, why in self.skipped if c.name == name), None)

    def messages(self, *, roles: Iterable[str] | None = None) -> list[str]:
        """One line per skip, ``"<concept>: <reason>"`` (of the given ``roles`` only, when given).

        Concepts skipped by one shared :class:`Limit` for one reason share a line, named by the limit's label.
        """
        wanted = None if roles is None else set(roles)
        skipped = [(c, w) for c, w in self.skipped if wanted is None or c.role in wanted]
        out: list[str] = []
        done: set[str] = set()
        for concept, why in skipped:
            if concept.name in done:
                continue
            label = concept.limit.label if concept.limit is not None else ""
            peers = [c for c, w in skipped if label and c.limit is not None and c.limit.label == label and w == why]
            if len(peers) > 1:
                done.update(c.name for c in peers)
                out.append(f"{label}: {why}")
            else:
                done.add(concept.name)
                out.append(f"{concept.title}: {why}")
        return out


class ConceptRegistry:
    """Concepts keyed by the game classes they apply to; lookup follows the MRO of a game's type."""

    def __init__(self) -> None:
        self._concepts: dict[str, Concept] = {}

    def register(self, concept: Concept) -> Concept:
        """Add ``concept`` (its name must be new); returns it."""
        if not isinstance(concept, Concept):
            raise InvalidParameterError(f"register(): expected a Concept; got {type(concept).__name__}")
        if concept.name in self._concepts:
            raise InvalidParameterError(f"register(): a concept named {concept.name!r} is already registered")
        self._concepts[concept.name] = concept
        return concept

    def __getitem__(self, name: str) -> Concept:
        try:
            return self._concepts[name]
        except KeyError:
            raise KeyError(f"no concept {name!r}; concepts: {', '.join(self._concepts)}") from None

    def __contains__(self, name: object) -> bool:
        return name in self._concepts

    def __iter__(self) -> Iterator[Concept]:
        return iter(self._concepts.values())

    def __len__(self) -> int:
        return len(self._concepts)

    def game_types(self) -> tuple[type, ...]:
        """Every game class some concept applies to, in registration order."""
        return tuple(dict.fromkeys(t for c in self for t in c.game_types))

    def for_type(self, cls: type) -> tuple[Concept, ...]:
        """Concepts registered for ``cls`` or a class in its MRO, in registration order (limits not checked)."""
        mro = set(getattr(cls, "__mro__", (cls,)))
        return tuple(c for c in self if mro.intersection(c.game_types))

    def plan(self, game: Any, *, role: str | None = None) -> Plan:
        """Which concepts of ``game``'s type apply to it, and why the others (over their limits) do not."""
        if role is not None and (not isinstance(role, str) or role not in ROLES):
            raise InvalidParameterError(f"plan(): role must be one of {list(ROLES)}; got {role!r}")
        applicable: list[Concept] = []
        skipped: list[tuple[Concept, str]] = []
        for concept in self.for_type(type(game)):
            if role is not None and concept.role != role:
                continue
            why = concept.why_not(game)
            if why is None:
                applicable.append(concept)
            else:
                skipped.append((concept, why))
        return Plan(game, tuple(applicable), tuple(skipped))


CONCEPTS = ConceptRegistry()
"""The package's registry of solution concepts."""

register = CONCEPTS.register


def concepts_for(game: Any) -> tuple[Concept, ...]:
    """The concepts registered for the type of ``game`` (a game or a class), before size limits."""
    return CONCEPTS.for_type(game if isinstance(game, type) else type(game))


def plan(game: Any, *, role: str | None = None) -> Plan:
    """The concepts that apply to ``game`` and the ones skipped with reasons (see :meth:`ConceptRegistry.plan`).

    Raises
    ------
    InvalidGameError
        When ``game`` is of no type any concept is registered for (``None``, a list, a model spec ...).
    """
    if not CONCEPTS.for_type(type(game)):
        types = ", ".join(t.__name__ for t in CONCEPTS.game_types())
        raise InvalidGameError(f"plan(): game must be a game of a type with solution concepts ({types}); "
                               f"got {type(game).__name__}")
    return CONCEPTS.plan(game, role=role)


# ---------------------------------------------------------------------------------------------- game forms
def pairwise_forms(game: NCityGame) -> tuple[tuple[str, PairwiseGame], ...]:
    """A two-city game's bimatrix games, ``(label, game)``: one per issue layer (layers do not interact).

    The label is ``""`` for a single-issue game, else ``"issue: <name>"``. Each form holds the
    perceived payoffs that drive decisions (equilibria, class, dynamics) and carries the true ones
    (:attr:`PairwiseGame.true_game`) that its welfare is computed from (DESIGN §2.1).
    """
    _check_ncity(game, func="pairwise_forms")
    if game.n_layers == 1:
        return (("", game.to_pairwise()),)
    return tuple((f"issue: {issue}", game.layer(k).to_pairwise()) for k, issue in enumerate(game.issues))


def cooperative_form(game: NCityGame, *, tu: TUGame | ValueFunctionGame | None = None) -> TUGame | ValueFunctionGame:
    """An n-city game's cooperative game: the alpha game (DESIGN §2.1, ``NCityGame.tu_game`` default).

    Dense (``2**n`` worths) up to ``ALPHA_DENSE_MAX_PLAYERS`` cities; beyond, the value-function form that
    solves each coalition exactly on demand (building every worth exactly would take minutes), whose
    Shapley value is sampled with standard errors and whose LP concepts are skipped.

    ``tu``: the alpha game when the caller has built it already (a built model's ``BuiltModel.tu``);
    returned as it is (it must have one player per city), not built again.
    """
    _check_ncity(game, func="cooperative_form")
    if tu is not None:
        if not isinstance(tu, (TUGame, ValueFunctionGame, StructuredGame)):
            raise InvalidParameterError(f"cooperative_form(): tu must be a TUGame, StructuredGame or "
                                        f"ValueFunctionGame (the alpha game) or None; got {type(tu).__name__}")
        if tu.n_players != game.n_players:
            raise InvalidParameterError(f"cooperative_form(): tu must have one player per city ({game.n_players}); "
                                        f"got {tu.n_players}")
        return tu
    form = "function" if game.n_players > ALPHA_DENSE_MAX_PLAYERS else "dense"
    return game.tu_game(convention="alpha", form=form)


def _check_ncity(game: Any, *, func: str) -> None:
    if not isinstance(game, NCityGame):
        raise InvalidGameError(f"{func}(): game must be an NCityGame; got {type(game).__name__}")


def as_forms(value: Any) -> tuple[tuple[str, Any], ...]:
    """What a ``form`` concept's solver returned, as ``(label, game)`` pairs (a bare game is labelled ``""``)."""
    if isinstance(value, tuple) and all(isinstance(v, tuple) and len(v) == 2 for v in value):
        return value
    return (("", value),)


@runtime_checkable
class GameContainer(Protocol):
    """What a built model offers: its game forms as ``(label, game)`` pairs (:meth:`BuiltModel.games`)."""

    def games(self) -> Iterable[tuple[str, Any]]: ...


@singledispatch
def game_forms(obj: Any) -> Iterable[tuple[str, Any]]:
    """The ``(label, game)`` pairs to analyse from ``obj``: a game is its own form, a built model lists its own.

    Anything else offers none. A built model's forms come lazily (a dense
    game is built when the iteration reaches it).
    """
    if isinstance(obj, GameContainer):
        return obj.games()
    return ()


def _itself(obj: Any) -> tuple[tuple[str, Any], ...]:
    return (("", obj),)


def concept_table(obj: Any = None, *, name: str = "") -> Summary:
    """The registry as a table; or, for a game or built model, which concepts apply to each of its forms.

    ``name`` names ``obj`` in the title (a model's slug); its type's name otherwise.

    Forms derived by ``form`` concepts (an n-city game's pairwise and
    cooperative games) are listed after the game they come from.

    Examples
    --------
    >>> from coopgame import PairwiseGame
    >>> table = concept_table(PairwiseGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]]))
    >>> [row[1] for row in table.rows if row[2] == "applies"]
    ['classification', 'nash', 'rest_points', 'regime', 'basins']
    """
    if not isinstance(name, str):
        raise InvalidParameterError(f"concept_table(): name must be a string; got {name!r} ({type(name).__name__})")
    if obj is None:
        rows = tuple((c.name, c.title, ", ".join(t.__name__ for t in c.game_types), c.role, c.public_name,
                      c.limit.text if c.limit is not None and c.limit.text else "")
                     for c in CONCEPTS)
        return Summary(title="Solution concepts by game type", facts=(("concepts", str(len(CONCEPTS))),),
                       columns=("concept", "title", "applies to", "role", "solver", "limit"), rows=rows,
                       notes=("A subclass of a game type gets the concepts of its type.",
                              "coopgame concepts MODEL lists which apply to a model's games."))
    out: list[tuple[str, str, str]] = []

    def visit(label: str, game: Any) -> None:
        where = f"{type(game).__name__}" + (f" ({label})" if label else "")
        p = plan(game)
        for concept in concepts_for(game):
            why = p.reason(concept.name)
            out.append((where, concept.name, "applies" if why is None else f"skipped: {why}"))
        for concept in p.role("form"):
            for sub_label, sub in as_forms(concept.solver(game)):
                visit(sub_label or label, sub)

    for label, game in game_forms(obj):
        visit(label, game)
    name = name or type(obj).__name__
    return Summary(title=f"Solution concepts for {name}", columns=("game", "concept", "status"),
                   rows=tuple(out), notes=() if out else (f"{name} offers no game to solve.",))


# ---------------------------------------------------------------------------------------------- sweeps
class SweepForm(NamedTuple):
    """The game a sweep evaluates at one grid point, and which outcomes apply: ``"pairwise"`` or ``"cooperative"``."""

    kind: str
    game: Any


def sweep_form(obj: Any, *, issue: str | int | None = None) -> SweepForm:
    """Turn what a model builds (a :class:`BuiltModel` or a game) into the game a sweep evaluates.

    * a built model: its first game form (the n-city game, else the pairwise
      game, else the cooperative game), converted as below — except that an
      n-city game of three cities or more, when the model has a cooperative
      game of its own beyond it (``ncity_dense``: the shared facility), is
      swept as that game, the one the report solves;
    * an n-city game: one issue layer when ``issue`` is given; two cities
      sweep as their 2×2 pairwise game, more as their cooperative game;
    * a 2×2 :class:`PairwiseGame`: ``"pairwise"``;
    * a :class:`TUGame`, :class:`StructuredGame` or :class:`ValueFunctionGame`: ``"cooperative"``
      (an n-city game of more cities than ``ALPHA_DENSE_MAX_PLAYERS`` sweeps its alpha game in that form).

    Raises
    ------
    InvalidParameterError
        When the object has no form to sweep, the pairwise game is not 2×2,
        ``issue`` does not name a layer (or is given for a game without layers),
        or a two-city layered game has no ``issue``.
    """
    return _sweep_form(obj, issue)


@singledispatch
def _sweep_form(obj: Any, issue: str | int | None) -> SweepForm:
    if isinstance(obj, GameContainer):
        forms = iter(obj.games())
        first = next(forms, None)
        if first is not None:
            game = first[1]
            if isinstance(game, NCityGame) and game.n_players > 2 and issue is None:
                # the model's own cooperative game when it has one beyond the n-city game's (a shared facility):
                # the game the report and coopgame.shapley_value solve; the next form is built only here
                own = next(forms, None)
                if own is not None:
                    return _sweep_form(own[1], None)
            return _sweep_form(game, issue)
    raise InvalidParameterError(f"sweep_form(): the model built a {type(obj).__name__}, which has no pairwise or "
                                "cooperative form to sweep")


def _no_issue(obj: Any, issue: str | int | None) -> None:
    if issue is not None:
        raise InvalidParameterError(f"sweep_form(): issue={issue!r} given but the {type(obj).__name__} has no issue "
                                    "layers")


@_sweep_form.register
def _(obj: PairwiseGame, issue: str | int | None) -> SweepForm:
    _no_issue(obj, issue)
    if obj.shape != (2, 2):
        raise InvalidParameterError(f"sweep_form(): pairwise sweeps need 2x2 games; got shape {obj.shape}")
    return SweepForm("pairwise", obj)


@_sweep_form.register(TUGame)
@_sweep_form.register(StructuredGame)
@_sweep_form.register(ValueFunctionGame)
def _(obj: Any, issue: str | int | None) -> SweepForm:
    _no_issue(obj, issue)
    return SweepForm("cooperative", obj)


@_sweep_form.register
def _(obj: NCityGame, issue: str | int | None) -> SweepForm:
    game = obj
    if issue is not None:
        if obj.n_layers == 1:
            raise InvalidParameterError(f"sweep_form(): issue={issue!r} given but the game has no issue layers")
        if isinstance(issue, str) and issue in obj.issues:
            game = obj.layer(obj.issues.index(issue))
        elif isinstance(issue, numbers.Integral) and not isinstance(issue, bool) and 0 <= issue < obj.n_layers:
            game = obj.layer(int(issue))
        else:
            raise InvalidParameterError(f"sweep_form(): issue must be one of {list(obj.issues)} or an index below "
                                        f"{obj.n_layers}; got {issue!r}")
    elif obj.n_layers > 1 and obj.n_players == 2:
        raise InvalidParameterError("sweep_form(): this two-city game has issue layers; choose one with issue= "
                                    f"(--issue): {', '.join(map(repr, obj.issues))}")
    if game.n_players == 2:
        return _sweep_form(game.to_pairwise(), None)
    return SweepForm("cooperative", cooperative_form(game))


# ---------------------------------------------------------------------------------------------- the registry
_TU = (TUGame, StructuredGame)
_LP = max_players(LP_MAX_PLAYERS, label="core, least core and nucleolus",
                  why="LP sizes grow as 2^n; call coopgame.nucleolus(game) directly to try")
_PHASE = two_by_two(label="replicator phase portrait", what="drawn")
_CITIES = more_than_two_cities(label="pure equilibria and price of anarchy")
_ALPHA = Limit(lambda game: has_alpha_game(game) and (game.n_players <= LP_MAX_PLAYERS or not needs_reference(game)),
               lambda game: (f"n = {game.n_players} > {LP_MAX_PLAYERS} players and the cities gain together (the "
                             "reference rule needs the dense alpha game; call coopgame.self_enforcing_transfers(game, "
                             "tu=...) directly)")
               if has_alpha_game(game) else "needs NCityGame.tu_game(convention='alpha'); pass tu= directly",
               text=f"n <= {LP_MAX_PLAYERS}, or transfers unique")

def _quasi_balanced(game: Any) -> bool:
    """The τ-value exists: minimal rights at most the utopia payoffs, v(N) between their sums (n <= LP limit)."""
    if game.n_players > LP_MAX_PLAYERS:
        return False
    values = game.values if isinstance(game, TUGame) else game.to_tu().values
    utopia, minimal = utopia_and_minimal_rights(values)
    atol = 1e-9 * max(float(abs(values).max()), 0.0) * game.n_players
    return bool((minimal <= utopia + atol).all() and minimal.sum() <= values[-1] + atol
                and values[-1] <= utopia.sum() + atol)


_TAU = Limit(_quasi_balanced,
             lambda game: (f"n = {game.n_players} > {LP_MAX_PLAYERS} players (the τ-value needs every worth)"
                           if game.n_players > LP_MAX_PLAYERS else "the game is not quasi-balanced (no τ-value)"),
             text=f"quasi-balanced, n <= {LP_MAX_PLAYERS}")
_COSTS = Limit(lambda game: bool(getattr(game, "is_cost_game", False)),
               lambda game: "needs a game built from costs (TUGame.from_costs or StructuredGame.from_costs)",
               text="cost games")

for _game_type in (*_TU, PairwiseGame, NCityGame, Result):
    game_forms.register(_game_type, _itself)

# n-city games: their pairwise and cooperative forms, and the concepts of the n-player normal form
register(Concept("pairwise_form", "pairwise game", pairwise_forms, (NCityGame,), "form", two_cities()))
register(Concept("pure_equilibria", "pure equilibria", pure_equilibria, (NCityGame,), "equilibria", _CITIES))
register(Concept("efficiency", "price of anarchy", price_of_anarchy, (NCityGame,), "efficiency", _CITIES))
register(Concept("cooperative_form", "cooperative game", cooperative_form, (NCityGame,), "form"))
register(Concept("outside_options", "outside options", outside_options, (NCityGame,), "outside_options"))
register(Concept("self_enforcing_transfers", "self-enforcing transfers", self_enforcing_transfers, (NCityGame,),
                 "transfers", _ALPHA))
# pairwise (bimatrix) games
register(Concept("classification", "game class", PairwiseGame.classify, (PairwiseGame,), "classification",
                 two_by_two(what="defined")))
register(Concept("nash", "Nash equilibria", nash_equilibria, (PairwiseGame,), "equilibria"))
register(Concept("rest_points", "rest points", rest_points, (PairwiseGame,), "dynamics", _PHASE))
register(Concept("regime", "evolutionary regime", evolutionary_regime, (PairwiseGame,), "dynamics", _PHASE))
register(Concept("basins", "basins of attraction", basin_share, (PairwiseGame,), "dynamics", _PHASE))
# cooperative (TU) games, dense or structured
register(Concept("shapley", "Shapley value", shapley_value, (*_TU, ValueFunctionGame), "allocation",
                 short="Shapley"))
register(Concept("banzhaf", "Banzhaf value", banzhaf_value, _TU, "allocation",
                 max_players(BANZHAF_MAX_PLAYERS, only=(StructuredGame,)), short="Banzhaf", prefers_dense=True))
register(Concept("tau", "τ-value", tau_value, _TU, "allocation", _TAU, short="τ-value", prefers_dense=True))
register(Concept("scrb", "separable costs–remaining benefits", scrb, _TU, "allocation", _COSTS, short="SCRB"))
_LP_OR_AIRPORT = Limit(lambda game: is_airport_game(game) or _LP.test(game), _LP.reason, _LP.label,
                       f"{_LP.text}, or an airport game (closed form)")
register(Concept("nucleolus", "nucleolus", nucleolus, _TU, "allocation", _LP_OR_AIRPORT, prefers_dense=True))
register(Concept("least_core", "least core", least_core, _TU, "allocation", _LP, prefers_dense=True))
register(Concept("core", "core", core, _TU, "core", _LP, prefers_dense=True))
register(Concept("fund_analysis", "fund analysis", fund_analysis, _TU, "fund",
                 max_players(LP_MAX_PLAYERS, why="core tests are LPs"), prefers_dense=True))
# results handed in as they are (a fund analysis, a settlement): shown as they print
register(Concept("summary", "result summary", Result.summary, (Result,), "result"))

del _game_type

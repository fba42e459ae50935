"""Pick the sections that apply to each game form of a built model, by the form's type.

Which concepts a section runs comes from the concept registry
(:mod:`coopgame.policy.concepts`); which section builder reads a game is
decided here by the game's type (:func:`sections_of`, a ``singledispatch``).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable
from functools import partial, singledispatch
from typing import Any

from coopgame.games import NCityGame, PairwiseGame, StructuredGame, TUGame, ValueFunctionGame
from coopgame.models.builders import BuiltModel
from coopgame.policy.concepts import concepts_for, game_forms
from coopgame.report import _sections
from coopgame.report.plots import fund_flows
from coopgame.report.section import Section
from coopgame.results import ILLUSTRATIVE_SIGNIFICANT, Result

__all__ = ["sections_for", "sections_of", "kind_of", "games_of"]

_KINDS: dict[type, str] = {PairwiseGame: "pairwise", NCityGame: "ncity", TUGame: "tu", StructuredGame: "structured"}


def kind_of(obj: Any) -> str:
    """A short name for a game object's kind (by its type, subclasses included); the class name otherwise."""
    return next((_KINDS[t] for t in type(obj).__mro__ if t in _KINDS), type(obj).__name__)


def _analysable(obj: Any) -> bool:
    """True when the registry has concepts for the type of ``obj`` (a game, or a result shown as it prints)."""
    return bool(concepts_for(obj))


def games_of(built: Any) -> list[tuple[str, Any]]:
    """``(label, object)`` pairs to analyse from a built model.

    A :class:`~coopgame.models.builders.BuiltModel` lists its own game forms
    (:meth:`~coopgame.models.builders.BuiltModel.games`); a game or a result is
    its own form; any other container (a dataclass, a dict, an object with
    public attributes) is read field by field, keeping what the concept
    registry knows.
    """
    if isinstance(built, BuiltModel) or _analysable(built):
        return list(game_forms(built))
    if dataclasses.is_dataclass(built):
        items = [(f.name, getattr(built, f.name)) for f in dataclasses.fields(built)]
    elif isinstance(built, dict):
        items = list(built.items())
    else:
        items = [(k, v) for k, v in vars(built).items() if not k.startswith("_")] if hasattr(built, "__dict__") else []
    return [(k, v) for k, v in items if _analysable(v)]


# ---------------------------------------------------------------------------------------------- by type
@singledispatch
def sections_of(obj: Any, *, label: str, skipped: list[str], context: dict[str, Any],
                progress: bool = False) -> list[Section]:
    """The sections of one game form (dispatched on its type); nothing for a type no section builder reads."""
    skipped.append(f"nothing to solve: {type(obj).__name__} is not a game")
    return []


@sections_of.register
def _(obj: PairwiseGame, *, label: str, skipped: list[str], context: dict[str, Any],
      progress: bool = False) -> list[Section]:
    return _sections.pairwise_sections(obj, label=label, skipped=skipped, initial=context.get("initial"))


@sections_of.register
def _(obj: NCityGame, *, label: str, skipped: list[str], context: dict[str, Any],
      progress: bool = False) -> list[Section]:
    return _sections.ncity_sections(obj, label=label, skipped=skipped, context=context)


@sections_of.register(TUGame)
@sections_of.register(StructuredGame)
@sections_of.register(ValueFunctionGame)
def _(obj: Any, *, label: str, skipped: list[str], context: dict[str, Any],
      progress: bool = False) -> list[Section]:
    return _sections.cooperative_sections(obj, label=label, skipped=skipped, context=context, progress=progress)


@sections_of.register
def _(obj: Result, *, label: str, skipped: list[str], context: dict[str, Any],
      progress: bool = False) -> list[Section]:
    return _sections.result_section(obj, key=label or "result")


# ---------------------------------------------------------------------------------------------- a model
def sections_for(built: Any, *, spec: Any = None, progress: bool = False) -> tuple[list[Section], list[str]]:
    """All sections for a built model, and the list of concepts skipped (with reasons).

    A :class:`~coopgame.models.builders.BuiltModel` is read through its game
    forms: its n-city game (which brings its own pairwise and cooperative
    forms), and a cooperative game of its own when the model adds a term the
    n-city game lacks; else its pairwise and its cooperative game. Then the
    contract and fund tables the model's rule produced.
    """
    out: list[Section] = []
    skipped: list[str] = []
    context = _context(built, spec)
    forms = _timed_forms(game_forms(built)) if isinstance(built, BuiltModel) else \
        ((label, obj, None) for label, obj in games_of(built))
    any_form = seen_tu = False
    for label, obj, seconds in forms:
        any_form = True
        if isinstance(obj, (TUGame, StructuredGame, ValueFunctionGame)) and seen_tu and \
                not isinstance(built, BuiltModel):
            continue  # a container's n-city game already brought its cooperative game
        ctx = context
        if seconds is not None and isinstance(obj, TUGame):
            ctx = dict(context, build_seconds=seconds)  # a dense game is built on first access: say how long
        out += sections_of(obj, label=label, skipped=skipped, context=ctx, progress=progress)
        seen_tu = seen_tu or isinstance(obj, (NCityGame, TUGame, StructuredGame, ValueFunctionGame))
    if isinstance(built, BuiltModel):
        mechanism = built.values.get("mechanism")
        if mechanism is not None:   # a fund model's policy answer: dues, enforcement, net positions, voice
            from coopgame.errors import CoopgameError

            try:
                out.insert(0, _sections.mechanism_section(mechanism, context))
            except CoopgameError as err:   # e.g. a nucleolus settlement of a game without imputations
                skipped.append(f"fund mechanism: {err}")
        for name, table in built.tables.items():
            out.append(_table_section(str(name), table, context))
        if not out:
            skipped.append("nothing to solve: the model built no game")
    elif not any_form:
        skipped.append(f"nothing to solve: {type(built).__name__} is not a game")
    answer = _sections.policy_answer_section(context)
    if answer is not None:  # a city-group model leads with the policy answer
        out.insert(0, answer)
    return _unique_keys(out), skipped


def _timed_forms(forms: Iterable[tuple[str, Any]]) -> Iterable[tuple[str, Any, float]]:
    """Each form with the seconds its lazy construction took (a dense game is built when reached)."""
    it = iter(forms)
    while True:
        start = time.perf_counter()
        try:
            label, obj = next(it)
        except StopIteration:
            return
        yield label, obj, time.perf_counter() - start


def _context(built: Any, spec: Any) -> dict[str, Any]:
    """Side information for sections: weights for proportional rules, initial shares, money unit."""
    ctx: dict[str, Any] = {"unit": getattr(spec, "unit", "") if spec is not None else ""}
    if spec is not None and any(item.label == "modeling choice" for item in spec.provenance().items):
        ctx["significant"] = ILLUSTRATIVE_SIGNIFICANT   # the headline and compound cells, as the tables
    ctx["collect"] = {}  # results the sections deposit for the policy answer (_sections.policy_answer_section)
    ncity = getattr(built, "ncity", None)
    if isinstance(ncity, NCityGame):  # every verdict on the model's cooperative games uses its outside options
        from coopgame.errors import CoopgameError
        from coopgame.policy.outside import outside_options

        try:
            ctx["outside"] = outside_options(ncity)
        except CoopgameError:
            pass
    if not isinstance(built, BuiltModel):
        return ctx
    ctx |= _sections.rule_context(built)   # weights for proportional rules, the model's negotiated rule
    mechanism = built.values.get("mechanism")
    if mechanism is not None:  # everyone pays, no settlement: what the fund's sharing rules move cities from
        ctx["status_quo"] = mechanism.status_quo()
    if built.initial is not None:
        ctx["initial"] = built.initial
    own = built.own_cooperative_label
    if own is not None:  # the model's own cooperative game (members, or a shared facility) replaces the alpha game
        ctx["own_cooperative_form"] = own
    elif isinstance(ncity, NCityGame) and built.has_tu:
        # an alpha model without a facility: built.tu is the n-city game's alpha game, built once (not again)
        ctx["alpha_tu"] = built.tu
    return ctx


def _table_section(key: str, table: Any, context: dict[str, Any]) -> Section:
    """A contract or fund table from the model's rule; a fund-flows figure when it has a net column."""
    columns = [c.lower() for c in table.columns]
    net_col = next((j for j, c in enumerate(columns) if c == "net" or c.startswith("net ")), None)
    figure = None
    if net_col is not None and table.rows:
        try:
            players = [row[0] for row in table.rows]
            net = [float(row[net_col]) for row in table.rows]
        except ValueError:
            net = None
        if net is not None:
            figure = partial(fund_flows, players, net, unit=context.get("unit", ""), title=table.title)
    return Section(key=key, summary=table, data=table.to_dict(), figure=figure,
                   caption="Net position of each member under the model's rule: left pays, right receives."
                   if figure is not None else "")


def _unique_keys(sections: list[Section]) -> list[Section]:
    seen: dict[str, int] = {}
    out = []
    for s in sections:
        n = seen.get(s.key, 0)
        seen[s.key] = n + 1
        out.append(s if n == 0 else dataclasses.replace(s, key=f"{s.key}-{n + 1}"))
    return out


"""Pick the sections that apply to each game object of a built model."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping
from functools import partial
from typing import Any

from coopgame.report.plots import fund_flows
from coopgame.report import _sections
from coopgame.report.section import Section

__all__ = ["sections_for", "kind_of", "games_of"]


def kind_of(obj: Any) -> str:
    """A short name for a game object's kind."""
    name = type(obj).__name__
    return {"PairwiseGame": "pairwise", "NCityGame": "ncity", "TUGame": "tu", "StructuredGame": "structured"}.get(
        name, name)


def games_of(built: Any) -> list[tuple[str, Any]]:
    """``(label, object)`` pairs to analyse from a built model.

    A built model may be a game itself, or a container (a dataclass or any
    object with public attributes) holding games, weights and fund rules.
    """
    if _is_game(built) or _is_fund(built):
        return [("", built)]
    if dataclasses.is_dataclass(built):
        items = [(f.name, getattr(built, f.name)) for f in dataclasses.fields(built)]
    elif isinstance(built, dict):
        items = list(built.items())
    else:
        items = [(k, v) for k, v in vars(built).items() if not k.startswith("_")] if hasattr(built, "__dict__") else []
    return [(k, v) for k, v in items if _is_game(v) or _is_fund(v)]


def _is_game(obj: Any) -> bool:
    return kind_of(obj) in ("pairwise", "ncity", "tu", "structured")


def _is_fund(obj: Any) -> bool:
    return hasattr(obj, "summary") and hasattr(obj, "to_dict") and not _is_game(obj)


def sections_for(built: Any, *, spec: Any = None, progress: bool = False) -> tuple[list[Section], list[str]]:
    """All sections for a built model, and the list of concepts skipped (with reasons).

    A :class:`~coopgame.models.catalog.BuiltModel` is read field by field: its n-city
    game (which brings its own pairwise and cooperative forms), else its
    pairwise and its cooperative game, then the contract and fund tables the
    model's rule produced.
    """
    out: list[Section] = []
    skipped: list[str] = []
    context = _context(built, spec)
    if hasattr(built, "has_tu") and hasattr(built, "pairwise"):
        ncity = getattr(built, "ncity", None)
        if ncity is not None:
            out += _sections.ncity_sections(ncity, label="", skipped=skipped, context=context)
            start = time.perf_counter()
            tu = built.tu if built.has_tu else None  # a dense game at large n is built here, on first access
            if tu is not None and kind_of(tu) == "tu":
                context = dict(context, build_seconds=time.perf_counter() - start)
            if tu is not None and kind_of(tu) != "structured":
                # the model adds a non-quadratic term (a shared facility): solve its own dense game too
                out += _sections.cooperative_sections(built.tu, label="with the shared facility", skipped=skipped,
                                                      context=context, progress=progress)
        else:
            if built.pairwise is not None:
                out += _sections.pairwise_sections(built.pairwise, label="", skipped=skipped,
                                                   initial=context.get("initial"))
            if built.has_tu:
                start = time.perf_counter()
                tu = built.tu
                if kind_of(tu) == "tu":
                    context = dict(context, build_seconds=time.perf_counter() - start)
                out += _sections.cooperative_sections(tu, label="", skipped=skipped, context=context,
                                                      progress=progress)
        for name, table in getattr(built, "tables", {}).items():
            out.append(_table_section(str(name), table, context))
        if not out:
            skipped.append("nothing to solve: the model built no game")
        return _unique_keys(out), skipped
    games = games_of(built)
    if not games:
        skipped.append(f"nothing to solve: {type(built).__name__} is not a game")
    seen_tu = False
    for label, obj in games:
        kind = kind_of(obj)
        if kind == "pairwise":
            out += _sections.pairwise_sections(obj, label=label, skipped=skipped)
        elif kind == "ncity":
            out += _sections.ncity_sections(obj, label=label, skipped=skipped, context=context)
            seen_tu = True
        elif kind in ("tu", "structured") and not seen_tu:
            out += _sections.cooperative_sections(obj, label=label, skipped=skipped, context=context,
                                                  progress=progress)
            seen_tu = True
        elif _is_fund(obj):
            out += _sections.result_section(obj, key=label or "result")
    return _unique_keys(out), skipped


def _context(built: Any, spec: Any) -> dict[str, Any]:
    """Side information for sections: weights for proportional rules, initial shares, money unit."""
    ctx: dict[str, Any] = {"unit": getattr(spec, "unit", "") if spec is not None else ""}
    weights = getattr(built, "weights", None)
    if weights:
        ctx["weights"] = dict(weights)
    extra = getattr(built, "values", None)  # a BuiltModel's mapping; a TUGame's `values` is its array
    rule = extra.get("fund_rule") if isinstance(extra, Mapping) else None
    if rule is not None:
        ctx["rules"] = [rule]  # the model's negotiated rule, compared with the textbook ones
    initial = getattr(built, "initial", None)
    if initial is not None:
        ctx["initial"] = initial
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

"""Solve a model with every concept that applies to its kind, collected as report sections.

:func:`model_analysis` is what ``coopgame solve`` runs. It loads a model (a
slug, a path, a :class:`~coopgame.models.schema.ModelSpec` or a game object),
builds its games, and dispatches on their type — which concepts apply to
which game type, within which limits, is the concept registry's
(:mod:`coopgame.policy.concepts`; ``coopgame concepts`` lists it):

* a pairwise (bimatrix) game: its class, every Nash equilibrium, and for 2×2
  games the replicator rest points, regime and basins of attraction;
* an n-city game: pure equilibria, welfare optimum, price of anarchy, then
  its cooperative game and the fund analysis against the status quo;
* a TU game (dense or structured): Shapley, Banzhaf, nucleolus, least core and
  core, side by side;
* a fund of sharing rules: the rules compared, who pays whom.

Each concept becomes a :class:`Section` (a printable table, JSON data, an
optional figure, and how long it took). A concept whose solver is not
available, or which does not apply at this size, is listed in ``skipped`` with
the reason, never silently left out.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from coopgame._validation import check_positive_int, make_rng
from coopgame.errors import CoopgameError, InvalidParameterError
from coopgame.results import ILLUSTRATIVE_SIGNIFICANT, Result, Summary, to_jsonable

from coopgame.models.schema import ModelSpec
from coopgame.report import _dispatch
from coopgame.report.section import Section

__all__ = ["ModelAnalysis", "UnknownSectionError", "model_analysis"]


@dataclass(frozen=True, eq=False)
class ModelAnalysis(Result):
    """Everything ``coopgame solve`` computes for one model.

    Attributes
    ----------
    sections : tuple of Section
        The answers, in reading order.
    model : str
        The model's slug (or the game's class name for a bare game).
    title : str
    kind : str
        The model kind from its file (``pairwise``, ``ncity``, ``cost_game`` ...).
    method : str
    parameters : dict
        Scenario and options of the run.
    provenance : Summary or None
        Where every number of the model comes from.
    skipped : tuple of str
        Concepts not computed, each with the reason.
    elapsed : float
        Total wall time in seconds (loading, building, solving).
    modeling_choices : int
        How many numbers of the model are modeling choices (its provenance table); the magnitudes of a model
        with any are illustrative, and the overview, the JSON and the HTML report say so.
    """

    sections: tuple[Section, ...]
    model: str
    title: str
    kind: str
    method: str = "auto"
    parameters: Mapping[str, Any] = field(default_factory=dict)
    provenance: Summary | None = None
    skipped: tuple[str, ...] = ()
    elapsed: float = 0.0
    description: str = ""
    modeling_choices: int = 0

    def __post_init__(self) -> None:
        func = "ModelAnalysis"
        if isinstance(self.sections, (str, bytes)) or not isinstance(self.sections, (tuple, list)) or \
                not all(isinstance(s, Section) for s in self.sections):
            raise InvalidParameterError(f"{func}(): sections must be a sequence of Section; got {_short(self.sections)}")
        object.__setattr__(self, "sections", tuple(self.sections))
        for name in ("model", "title", "kind", "method", "description"):
            if not isinstance(getattr(self, name), str):
                raise InvalidParameterError(f"{func}(): {name} must be a str; got {_short(getattr(self, name))}")
        if isinstance(self.skipped, (str, bytes)) or not all(isinstance(s, str) for s in self.skipped):
            raise InvalidParameterError(f"{func}(): skipped must be a sequence of str; got {_short(self.skipped)}")
        object.__setattr__(self, "skipped", tuple(self.skipped))
        if self.provenance is not None and not isinstance(self.provenance, Summary):
            raise InvalidParameterError(f"{func}(): provenance must be a Summary or None; got "
                                        f"{type(self.provenance).__name__}")

    @property
    def policy_answer(self) -> Section | None:
        """The policy answer of a city-group model (headline sentence and per-city table), or None.

        For an n-city model, the ``"policy_answer"`` section; for a fund model
        that is a mechanism, the ``"mechanism"`` section (dues, enforcement, net
        positions, voice).
        """
        return next((s for s in self.sections if s.key in ("policy_answer", "mechanism")), None)

    @property
    def headline(self) -> str | None:
        """The policy answer's headline sentence, or None for a model without one."""
        answer = self.policy_answer
        return None if answer is None else str(answer.data["headline"])

    def section(self, key: str) -> Section:
        """The section named ``key``.

        Raises
        ------
        UnknownSectionError
            (an :class:`~coopgame.errors.InvalidParameterError` and a ``KeyError``) for a name no section has,
            with the closest names.
        """
        for s in self.sections:
            if s.key == key:
                return s
        keys = [s.key for s in self.sections]
        if not isinstance(key, str):
            raise UnknownSectionError(f"ModelAnalysis.section(): key must be a section name (str), one of {keys}; "
                                      f"got {type(key).__name__} {key!r}")
        raise UnknownSectionError(f"ModelAnalysis.section(): no section {key!r}{did_you_mean(key, keys)}; "
                                  f"sections: {keys}")

    @property
    def illustrative(self) -> bool:
        """Whether the model's magnitudes rest on modeling choices (any number labelled so in its provenance)."""
        return self.modeling_choices > 0

    @property
    def basis(self) -> str:
        """One line on what the numbers rest on, for headers."""
        if self.illustrative:
            return (f"illustrative: the magnitudes rest on {self.modeling_choices} modeling "
                    f"choice{'s' if self.modeling_choices != 1 else ''} (see where the numbers come from)")
        return "every number from a source, a data table or a derivation" if self.provenance is not None else ""

    def summary(self) -> Summary:
        """The overview: model, kind, basis of the numbers, sections computed with their times, what was skipped."""
        rows = tuple((s.key, s.summary.title, f"{s.elapsed:.3f} s") for s in self.sections)
        facts = [("model", self.model), ("kind", self.kind)]
        if self.basis:
            facts.append(("numbers", self.basis))
        facts.append(("total time", f"{self.elapsed:.3f} s"))
        facts += [(k, str(v)) for k, v in self.parameters.items()]
        return Summary(title=self.title, facts=tuple(facts), columns=("section", "contents", "time"), rows=rows,
                       notes=tuple(f"skipped: {s}" for s in self.skipped))

    def as_text(self) -> str:
        """The full printed report: the policy answer first (a city-group model), the overview, every other
        section, then the provenance table."""
        answer = self.policy_answer
        parts = [] if answer is None else [str(answer.data["headline"]), answer.summary.as_text()]
        parts.append(self.summary().as_text())
        if self.description:
            parts.append(self.description)
        parts += [s.summary.as_text() for s in self.sections if s is not answer]
        if self.provenance is not None:
            parts.append(self.provenance.as_text())
        return "\n\n".join(parts)

    def as_markdown(self) -> str:
        """The full report as Markdown, in the order of :meth:`as_text`."""
        answer = self.policy_answer
        parts = [] if answer is None else [f"**{answer.data['headline']}**\n", answer.summary.as_markdown()]
        parts.append(self.summary().as_markdown())
        if self.description:
            parts.append(self.description + "\n")
        parts += [s.summary.as_markdown() for s in self.sections if s is not answer]
        if self.provenance is not None:
            parts.append(self.provenance.as_markdown())
        return "\n".join(parts)

    def __str__(self) -> str:
        return self.as_text()

    CSV_COLUMNS = ("section", "title", "part", "row", "column", "value", "text")
    """The columns of :meth:`as_csv`."""

    def as_csv(self) -> str:
        """Every table of the analysis as one long CSV table (``coopgame solve --format csv``).

        One line per fact and per table cell, in reading order: the overview (section ``overview``), every
        section (by its key; a key may repeat, e.g. one ``game`` per issue layer: ``title`` tells them apart),
        then the provenance (section ``provenance``). Columns (:attr:`CSV_COLUMNS`):

        ``section, title``
            the section's key and its table's title;
        ``part, row, column``
            ``fact`` (row: its position, column: its name) or ``table`` (row: from 0, column: the header);
        ``value``
            a number at full precision (``repr``: it reads back as the same float), else empty;
        ``text``
            a text cell as shown (``"yes"``, ``"12.5%"``, ``"3.2 (0.4)"``), else empty.

        ``pandas.read_csv`` reads it with ``value`` as float64 and ``text`` as strings (NaN where empty);
        ``df.pivot`` of one section's table rows gives the table back.

        Examples
        --------
        >>> import io, pandas as pd
        >>> from coopgame import TUGame
        >>> res = model_analysis(TUGame.from_costs([0, 230, 160, 350, 230, 460, 365, 556], players=["t1", "t2", "t3"]))
        >>> df = pd.read_csv(io.StringIO(res.as_csv()))
        >>> list(df.columns)
        ['section', 'title', 'part', 'row', 'column', 'value', 'text']
        >>> str(df["value"].dtype)
        'float64'
        """
        import csv
        import io

        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(self.CSV_COLUMNS)
        tables = [("overview", self.summary()), *((s.key, s.summary) for s in self.sections)]
        if self.provenance is not None:
            tables.append(("provenance", self.provenance))
        for key, table in tables:
            for part, row, column, value in table.cells():
                number = isinstance(value, (int, float))
                writer.writerow((key, table.title, part, row, column, repr(value) if isinstance(value, float)
                                 else value if number else "", value if isinstance(value, str) else ""))
        return buf.getvalue()

    def _repr_html_(self) -> str:
        """Jupyter shows the headline, the overview and every section's table (:func:`coopgame._display.analysis_html`)."""
        from coopgame._display import analysis_html, html_of

        return html_of(self, analysis_html)

    def to_dict(self) -> dict[str, Any]:
        answer = self.policy_answer
        lead: dict[str, Any] = {} if answer is None else {
            "policy_answer": dict(to_jsonable(answer.data), table=answer.summary.to_dict())}
        return {
            **lead,
            "result": "ModelAnalysis",
            "model": self.model,
            "title": self.title,
            "kind": self.kind,
            "illustrative": self.illustrative,
            "modeling_choices": self.modeling_choices,
            "parameters": to_jsonable(self.parameters),
            "elapsed_seconds": self.elapsed,
            "sections": {s.key: {"title": s.summary.title, "elapsed_seconds": s.elapsed,
                                 "data": to_jsonable(s.data), "table": s.summary.to_dict()}
                         for s in self.sections},
            "skipped": list(self.skipped),
            "provenance": None if self.provenance is None else self.provenance.to_dict(),
        }


def model_analysis(model: Any, *, scenario: str | None = None, progress: bool = False, draws: int | None = None,
                   rng: Any = None) -> ModelAnalysis:
    """Solve a model with every concept that applies to it.

    Parameters
    ----------
    model : str, path, ModelSpec or game
        A built-in model's slug, a model file, a loaded model, or a game object
        (``PairwiseGame``, ``NCityGame``, ``TUGame``, ``StructuredGame``).
    scenario : str, optional
        A named scenario of the model file.
    progress : bool, default False
        Show progress of long computations on standard error.
    draws : int, optional
        Draw the model's ranged parameters this many times (:func:`coopgame.uncertainty_analysis`: n-city,
        fund-mechanism and tripartite models) and add the ``"uncertainty"`` section after the policy answer.
    rng : optional
        The seed of those draws (anything ``numpy.random.default_rng`` takes; default a fixed seed).

    Returns
    -------
    ModelAnalysis

    Examples
    --------
    >>> from coopgame import TUGame
    >>> towns = TUGame.from_costs([0, 230, 160, 350, 230, 460, 365, 556], players=["t1", "t2", "t3"])
    >>> res = model_analysis(towns)
    >>> res.section("allocations").data["shapley"]["cost_shares"].round(2).tolist()
    [210.33, 127.83, 217.83]
    """
    func = "model_analysis"
    start = time.perf_counter()
    if scenario is not None and (not isinstance(scenario, str) or not scenario):
        raise InvalidParameterError(f"{func}(): scenario must be the name of one of the model file's scenarios "
                                    f"(a non-empty str) or None; got {type(scenario).__name__} {scenario!r}")
    if not isinstance(progress, (bool, np.bool_)):
        raise InvalidParameterError(f"{func}(): progress must be True or False; got {type(progress).__name__} "
                                    f"{progress!r}")
    if draws is not None:   # refused before any work, under the name the user called
        from coopgame.policy.uncertainty import MAX_DRAWS

        draws = check_positive_int(draws, func=func, name="draws")
        if draws > MAX_DRAWS:
            raise InvalidParameterError(f"{func}(): draws must be at most {MAX_DRAWS:,}; got {draws:,}")
        make_rng(rng, func=func)
    try:
        spec = _load(model)
        if spec is None:
            _check_game(model, func)
            if scenario:
                raise InvalidParameterError(f"{func}(): scenario needs a model file; got a {type(model).__name__}")
        elif scenario:
            spec = spec.scenario(scenario)
    except CoopgameError as err:
        if str(err).startswith(f"{func}():"):
            raise
        raise type(err)(f"{func}(): {err}") from None  # the loader's own message, under the name the user called
    built = spec.build() if spec is not None else model
    sections, skipped = _dispatch.sections_for(built, spec=spec, progress=progress)
    if draws is not None:
        _add_uncertainty(sections, skipped, spec, draws, rng, built)
    provenance, choices = None, 0
    if spec is not None:
        prov = spec.provenance()
        provenance = prov.summary()
        choices = sum(item.label == "modeling choice" for item in prov.items)
    if spec is not None:
        slug, title, kind = spec.slug, spec.title, spec.kind
        description = getattr(spec, "description", "") or ""
        params = {"scenario": spec.active_scenario} if getattr(spec, "active_scenario", "") else {}
    else:
        slug = title = type(model).__name__
        kind, description, params = _dispatch.kind_of(model), "", {}
    if choices:   # magnitudes that rest on modeling choices: shown with 3 significant figures, not 4 decimals
        sections = [_illustrative(s) for s in sections]
    return ModelAnalysis(sections=tuple(sections), model=slug, title=title, kind=kind, parameters=params,
                         provenance=provenance, skipped=tuple(dict.fromkeys(skipped)), elapsed=time.perf_counter() - start,
                         description=description, modeling_choices=choices, game=built)


def _illustrative(section: Section) -> Section:
    """``section`` with its table shown at :data:`ILLUSTRATIVE_SIGNIFICANT` figures (unless it chose its own)."""
    if section.summary.significant is not None:
        return section
    return dataclasses.replace(section, summary=section.summary.with_significant(ILLUSTRATIVE_SIGNIFICANT))


def _add_uncertainty(sections: list[Section], skipped: list[str], spec: Any, draws: int, rng: Any,
                     built: Any) -> None:
    """The uncertainty section (verdict probabilities, bands, tornado, tipping points), after the policy answer,
    whose headline then says how sure it is (:func:`coopgame.uncertainty_analysis`)."""
    from coopgame.policy.uncertainty import uncertainty_analysis
    from coopgame.report import _sections

    kind = getattr(spec, "kind", None)
    if spec is None or not (spec.ncity_game() is not None or spec.fund_terms() is not None or kind == "tripartite"):
        skipped.append("uncertainty: drawn for n-city, fund-mechanism and tripartite models only")
        return
    rules = None if kind == "tripartite" else _sections.model_fund_rules(built, len(spec.players))
    try:
        res = uncertainty_analysis(spec, draws=draws, rng=rng, rules=rules)
    except CoopgameError as err:   # e.g. a model without ranged parameters: the rest of the analysis stands
        skipped.append(f"uncertainty: {str(err).removeprefix('uncertainty_analysis(): ')}")
        return
    answer = next((k for k, s in enumerate(sections) if s.key in ("policy_answer", "mechanism")), None)
    if answer is not None:   # the headline says how sure it is
        old = sections[answer]
        sections[answer] = Section(key=old.key, summary=old.summary, data=dict(
            old.data, headline=str(old.data["headline"]) + res.headline()), elapsed=old.elapsed, figure=old.figure,
            caption=old.caption)
        at = answer + 1
    else:                    # a tripartite model: after the stability table it qualifies
        at = next((k + 1 for k, s in enumerate(sections) if s.key == "stability"), 0)
    sections.insert(at, Section(key="uncertainty", summary=res.summary(), data=res.to_dict(),
                                elapsed=float(res.parameters["elapsed"])))


_TAKES = ("a built-in model's slug (str), a path to a model file, a ModelSpec, or a game (PairwiseGame, "
          "NCityGame, TUGame, StructuredGame, ValueFunctionGame), a built model or a result")


def _check_game(model: Any, func: str) -> None:
    """Refuse an object with nothing to solve (None, a number, a list ...) instead of an empty analysis."""
    from coopgame.models.builders import BuiltModel

    if isinstance(model, BuiltModel) or _dispatch.games_of(model):
        return
    raise InvalidParameterError(f"{func}(): model must be {_TAKES}; got {type(model).__name__} {_short(model)}")


def _short(value: Any, limit: int = 80) -> str:
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not hide the real error
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[:limit] + "..."


def did_you_mean(name: str, options: Any) -> str:
    """``"; did you mean 'x'?"`` for the closest of ``options`` (difflib), or ``""``.

    >>> did_you_mean("alocations", ["game", "allocations", "core"])
    "; did you mean 'allocations'?"
    """
    close = difflib.get_close_matches(str(name), [str(o) for o in options], n=3, cutoff=0.6)
    if not close:
        return ""
    return "; did you mean " + " or ".join(repr(c) for c in close) + "?"


class UnknownSectionError(InvalidParameterError, KeyError):
    """No section of that name: a typed error that ``except KeyError`` still catches."""

    __str__ = BaseException.__str__  # KeyError would quote the message


def _load(model: Any) -> Any:
    """A ModelSpec for slugs, paths and specs; ``None`` for bare games."""
    if isinstance(model, (str, os.PathLike)):
        if isinstance(model, str) and not model.strip():
            raise InvalidParameterError(f"model_analysis(): model must be {_TAKES}; got the empty string")
        try:
            from coopgame.models.catalog import load_model
        except ImportError as err:  # pragma: no cover - the loader ships with the package
            raise CoopgameError(f"model_analysis(): the model loader is not available ({err})") from None
        return load_model(model)
    if isinstance(model, ModelSpec):
        return model
    return None

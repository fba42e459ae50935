"""Typed model specifications read from TOML model files (schema version 1).

A model file names a game ``kind``, its players and its parameters; every
number carries its provenance: a seed fact (``source = "chishui.fund_total"``),
a cell of a city table (``column = "gdp_100m_yuan"`` or
``source = "table:<table>:<city>:<column>"``), a documented derivation from
other parameters (``rule = "gravity"``), or an explicit
``modeling_choice = "<why>"``. The schema is documented in
``docs/model-files.md``.

:func:`parse_model` turns the parsed TOML into a :class:`ModelSpec`, checking
everything on the way; any problem is a :class:`~coopgame.errors.ModelSpecError`
naming the file, the key path (``parameters.cost[1]``) and what was expected.

Hostile files are refused before they can hurt: a model file is nested at most
:data:`MAX_NESTING` levels deep, every number in it (and every derived value)
is finite with magnitude at most :data:`MAX_MAGNITUDE`, and an unknown key or
name anywhere is refused with the closest known one ("did you mean").
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from coopgame._pickling import ReadOnlyState
from coopgame._validation import as_float_array, frozen
from coopgame.models.kinds import KINDS
from coopgame.models.seeds import SeedStore, seed_store
from coopgame.models.uncertainty import DISTRIBUTIONS, RANGE_KEYS, RANGE_KINDS, Uncertainty
from coopgame.errors import InvalidParameterError, ModelSpecError
from coopgame.results import Result, Summary, format_number

__all__ = ["SCHEMA_VERSION", "TU_CONVENTIONS", "ANALYSIS_NAMES", "MAX_MAGNITUDE", "MAX_NESTING", "ModelSpec", "Parameter", "ProvenanceItem", "Provenance", "Uncertainty",
           "parse_model"]

TU_CONVENTIONS: tuple[str, ...] = ("alpha", "members")
"""Values of ``analysis.convention``: the conventions of ``NCityGame.tu_game`` (DESIGN §2.1)."""

SCHEMA_VERSION = 1

MAX_MAGNITUDE = 1e100
"""Largest magnitude of any number in a model file, and of any value a rule derives from them.

Far beyond any quantity in any money unit (the world's GDP is about 1e14 US
dollars), yet products of three such numbers stay finite in float64 (1e300 <
1.8e308), so payoffs built from them cannot overflow to inf and the solvers never
see NaN. A larger number is a typo or hostile input, and is refused with the key
path where it occurs.
"""

_MAGNITUDE_TEXT = "1e100"

MAX_NESTING = 16
"""Deepest nesting (tables and arrays) a model file may have.

The deepest valid key path is ``scenarios[i].parameters.<name>.value[l][i][j]`` (8
levels); a deeper file is refused before anything recurses into it.
"""

ANALYSIS_NAMES: tuple[str, ...] = (
    # solution concepts of the registry (coopgame.policy.concepts.CONCEPTS)
    "pairwise_form", "pure_equilibria", "efficiency", "cooperative_form", "outside_options",
    "self_enforcing_transfers", "classification", "nash", "rest_points", "regime", "basins", "shapley",
    "banzhaf", "tau", "scrb", "nucleolus", "least_core", "core", "fund_analysis",
    # sharing rules and the analyses the built-in models ask for
    "equal", "proportional", "ess", "basin", "design", "break_even_share", "pool", "welfare_optimum",
    "stock_increment",
)
"""Names ``analysis.rules`` may list: the concepts and sharing rules a model's author wants shown."""

_ANALYSIS_KEYS = ("rules", "weights", "convention", "settlement", "conference_votes")
SETTLEMENT_RULES: tuple[str, ...] = ("shapley", "nucleolus", "equal", "proportional_to_dues")
"""Values of ``analysis.settlement``: how a fund mechanism splits its projects' returns."""
_TOP_KEYS = {"schema_version", "slug", "title", "kind", "description", "model_id", "unit",
             "players", "layers", "parameters", "scenarios", "analysis"}
_PARAM_KEYS = {"value", "unit", "description", "source", "column", "table", "modeling_choice", "based_on",
               "rule", "inputs", "options", *RANGE_KEYS}
_PROVENANCE_KEYS = ("source", "column", "modeling_choice", "rule")
_REL_MATCH = 1e-9  # a cited number must equal its seed fact to this relative precision


@dataclass(frozen=True)
class ProvenanceItem(ReadOnlyState):
    """Where one number (or one array) of a model comes from.

    ``label`` is one of ``"source"`` (a seed fact), ``"data"`` (a city-table
    cell), ``"derived"`` (computed from other parameters by ``reference``) and
    ``"modeling choice"`` (``detail`` says why). ``uncertainty`` is a modeling
    choice's range in words (:meth:`Uncertainty.describe`) and
    ``uncertainty_reason`` why those bounds, or both empty.
    """

    parameter: str
    index: str
    value: Any
    label: str
    reference: str
    detail: str
    uncertainty: str = ""
    uncertainty_reason: str = ""


@dataclass(frozen=True, eq=False)
class Provenance(Result):
    """The provenance table of a model: one item per parameter (or per element where cited element-wise)."""

    items: tuple[ProvenanceItem, ...]
    model: str
    method: str = "model file"
    parameters: Mapping[str, Any] = field(default_factory=dict)

    def summary(self) -> Summary:
        rows: list[tuple[str, ...]] = []
        by_param: dict[str, list[ProvenanceItem]] = {}
        for it in self.items:
            by_param.setdefault(it.parameter, []).append(it)
        for name, group in by_param.items():
            if len(group) > 3 and all(it.label == "data" for it in group):
                # one row per data column rather than one per city: "table:<t>:*:<column>"
                parts = group[0].reference.split(":")
                ref = f"table {parts[1]}, column {parts[3]} ({len(group)} cities)" if len(parts) == 4 else ""
                rows.append((name, f"array ({len(group)})", "data", _clip(ref, 70)))
                continue
            rows += [(it.parameter + it.index, _short_value(it.value), it.label,
                      _clip(it.reference if it.label != "modeling choice" else it.detail, 70)) for it in group]
        columns: tuple[str, ...] = ("parameter", "value", "basis", "reference / reason")
        notes = ("source = a fact in a seed record (seeds/); data = a cell of a 2023 city table (seeds/cities/); "
                 "derived = computed from the parameters named; modeling choice = set by the model's author.",)
        ranges = {it.parameter + it.index: it.uncertainty for it in self.items if it.uncertainty}
        if ranges:  # a column only where some modeling choice carries a range
            columns += ("range",)
            rows = [(*row, ranges.get(row[0], "")) for row in rows]
            notes += ("range = how far the author trusts a modeling choice: the distribution its uncertainty "
                      "analysis draws from (the model file's range_reason says why; Parameter.uncertainty.reason).",)
        counts = {lab: sum(it.label == lab for it in self.items)
                  for lab in ("source", "data", "derived", "modeling choice")}
        return Summary(
            title=f"Where the numbers of model {self.model!r} come from",
            facts=tuple((k, str(v)) for k, v in counts.items()),
            columns=columns,
            rows=tuple(rows),
            notes=notes,
        )


@dataclass(frozen=True, eq=False)
class Parameter(ReadOnlyState):
    """One named parameter: a read-only float array, its provenance and, for a modeling choice, its range.

    ``uncertainty`` is the :class:`Uncertainty` the model file gives a
    modeling choice (``range = [low, high]``), or None.
    """

    name: str
    value: np.ndarray
    unit: str
    description: str
    provenance: tuple[ProvenanceItem, ...]
    uncertainty: Uncertainty | None = None


@dataclass(frozen=True, eq=False)
class ModelSpec(ReadOnlyState):
    """A validated model: players, kind, parameters with provenance, scenarios.

    Build the game objects with :meth:`build`; list the origin of every number
    with :meth:`provenance`; switch to a named scenario with :meth:`scenario`.

    Examples
    --------
    >>> import coopgame
    >>> spec = coopgame.load_model("default")
    >>> spec.kind, spec.n_players
    ('cost_game', 3)
    >>> spec["costs"].tolist()
    [0.0, 230.0, 160.0, 350.0, 230.0, 460.0, 365.0, 556.0]
    >>> spec.provenance().items[0].reference
    'wastewater_plant.coalition_costs'
    """

    slug: str
    title: str
    kind: str
    players: tuple[str, ...]
    parameters: Mapping[str, Parameter]
    description: str = ""
    model_id: str = ""
    unit: str = ""
    layers: tuple[str, ...] = ()
    scenarios: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    analysis: Mapping[str, Any] = field(default_factory=dict)
    path: Path | None = field(default=None, repr=False)
    active_scenario: str = ""
    _raw: Mapping[str, Any] = field(default_factory=dict, repr=False)

    @property
    def n_players(self) -> int:
        return len(self.players)

    def __getitem__(self, name: str) -> np.ndarray:
        """The value of parameter ``name`` (read-only array)."""
        try:
            return self.parameters[name].value
        except KeyError:
            raise KeyError(f"model {self.slug!r} has no parameter {name!r} "
                           f"(parameters: {', '.join(self.parameters)})") from None

    def provenance(self) -> Provenance:
        """Each number of the model with its basis: source, data, derived or modeling choice."""
        items = tuple(it for p in self.parameters.values() for it in p.provenance)
        return Provenance(items=items, model=self.slug,
                          parameters={"scenario": self.active_scenario} if self.active_scenario else {})

    def uncertain_parameters(self) -> dict[str, Uncertainty]:
        """The modeling choices that carry a range, name -> :class:`Uncertainty`, in the model file's order.

        Examples
        --------
        >>> import coopgame, numpy as np
        >>> spec = coopgame.load_model("guangzhou_siphon")
        >>> u = spec.uncertain_parameters()["perception_level"]
        >>> u.describe()
        'uniform on [1, 1.5]'
        >>> u.sample(np.random.default_rng(0), 3).shape
        (3,)
        """
        order = list(self._raw.get("parameters", {})) + [n for n in self.parameters
                                                          if n not in self._raw.get("parameters", {})]
        return {name: self.parameters[name].uncertainty for name in order
                if name in self.parameters and self.parameters[name].uncertainty is not None}

    def cited_facts(self) -> tuple[str, ...]:
        """Seed fact keys and table references this model cites (sorted, unique)."""
        refs = {it.reference for p in self.parameters.values() for it in p.provenance
                if it.label in ("source", "data")}
        for p in self.parameters.values():
            for it in p.provenance:
                if it.label == "modeling choice" and it.reference:
                    refs.update(r for r in it.reference.split(", ") if r)
        return tuple(sorted(refs))

    def scenario(self, name: str) -> ModelSpec:
        """The model with scenario ``name``'s parameter overrides applied."""
        if not isinstance(name, str) or name not in self.scenarios:
            raise ModelSpecError(f"ModelSpec.scenario(): model {self.slug!r} has no scenario {_repr(name)}"
                                 f"{_did_you_mean(name, self.scenarios)}; "
                                 f"scenarios: {', '.join(self.scenarios) or 'none'}")
        raw = dict(self._raw)
        params = dict(raw.get("parameters", {}))
        params.update(self.scenarios[name].get("parameters", {}))
        raw["parameters"] = params
        spec = parse_model(raw, path=self.path, _scenario_path=f"scenarios[{name}]")
        return replace(spec, active_scenario=name)

    def with_values(self, **overrides: Any) -> ModelSpec:
        """A copy with parameter values replaced (each labelled a modeling choice of the caller)."""
        raw = dict(self._raw)
        params = dict(raw.get("parameters", {}))
        for name, value in overrides.items():
            if name not in params:
                raise ModelSpecError(f"ModelSpec.with_values(): model {self.slug!r} has no parameter {name!r}; "
                                     f"parameters: {', '.join(params)}")
            arr = as_float_array(value, func="ModelSpec.with_values", name=f"parameter {name!r}",
                                 error=InvalidParameterError, allow_nan=True)  # NaN: refused with the key path
            params[name] = {"value": arr.tolist(), "unit": params[name].get("unit", ""),
                            "modeling_choice": "value set by the caller (with_values)"}
        raw["parameters"] = params
        try:
            spec = parse_model(raw, path=self.path)
        except ModelSpecError as err:  # the caller's values, not the model file, are wrong: say so
            raise ModelSpecError(f"ModelSpec.with_values(): the values given for "
                                        f"{', '.join(map(repr, overrides))} are refused: {err}") from None
        return replace(spec, active_scenario=self.active_scenario)

    def check_values(self, name: str, values: Any, *, func: str = "ModelSpec.check_values") -> np.ndarray:
        """Check many candidate values of parameter ``name`` at once against the kind's parameter table.

        Parameters
        ----------
        name : str
            A parameter of the model.
        values : array_like, shape (G, *shape)
            ``G`` candidate values, each of the parameter's shape, stacked on a leading axis.
        func : str
            The caller named in error messages.

        Returns
        -------
        ndarray, shape (G, *shape)
            The values as float64.

        Raises
        ------
        InvalidParameterError
            On an unknown parameter, a wrong shape, a non-finite number or a
            value out of the kind's range; the message names the parameter and
            the first offending value.

        Examples
        --------
        >>> import coopgame
        >>> spec = coopgame.load_model("two_city_coop")
        >>> spec.check_values("alpha", [0.2, 0.5]).tolist()
        [0.2, 0.5]
        >>> spec.check_values("alpha", [0.5, 1.5])
        Traceback (most recent call last):
        ...
        coopgame.errors.InvalidParameterError: ModelSpec.check_values(): parameter 'alpha' of model 'two_city_coop' must be numbers in [0, 1]; got 1.5
        """

        if name not in self.parameters:
            raise InvalidParameterError(f"{func}(): model {self.slug!r} has no parameter {name!r}; "
                                        f"parameters: {', '.join(self.parameters)}")
        shape = self.parameters[name].value.shape
        arr = as_float_array(values, func=func, name=f"values of parameter {name!r}", error=InvalidParameterError,
                             allow_nan=True)  # strings, complex, bools-as-objects refused; NaN named below
        if arr.shape[1:] != shape or arr.ndim != len(shape) + 1:
            raise InvalidParameterError(f"{func}(): values of parameter {name!r} must have shape (G, "
                                        f"{', '.join(map(str, shape))}); got {arr.shape}".replace(", )", ")"))
        flat = arr.reshape(arr.shape[0], -1)
        bad = ~(np.isfinite(flat) & (np.abs(flat) <= MAX_MAGNITUDE)).all(axis=1)
        if bad.any():  # the bound of a model file (MAX_MAGNITUDE) holds for swept values too
            raise InvalidParameterError(f"{func}(): parameter {name!r} of model {self.slug!r} must be finite "
                                        f"with magnitude at most {_MAGNITUDE_TEXT}; "
                                        f"got {_plain(arr[int(np.argmax(bad))])}")
        pspec = KINDS[self.kind].params.get(name)
        if pspec is not None and pspec.check is not None:
            problem = pspec.check(arr)
            if problem:
                first = next(g for g in range(arr.shape[0]) if pspec.check(arr[g]))
                raise InvalidParameterError(f"{func}(): parameter {name!r} of model {self.slug!r} must be {problem}; "
                                            f"got {_plain(arr[first])}")
        return arr

    def with_arrays(self, **values: Any) -> ModelSpec:
        """A copy with parameter values replaced, checked against the kind's table, without re-parsing the file.

        The fast sibling of :meth:`with_values` for parameter sweeps: each value
        must have its parameter's shape and range (see :meth:`check_values`);
        parameters derived by a rule from a replaced one are recomputed by the
        same rule. The copy's provenance labels the new values a modeling choice
        of the caller. Scenarios and :meth:`with_values` of the copy start again
        from the model file's own values.

        Examples
        --------
        >>> import coopgame
        >>> spec = coopgame.load_model("two_city_coop").with_arrays(reward=[3.0, 3.0])
        >>> spec["reward"].tolist(), spec.provenance().items[-1].label
        ([3.0, 3.0], 'modeling choice')
        """
        func = "ModelSpec.with_arrays"
        params = dict(self.parameters)
        for name, value in values.items():
            if name not in params:  # check_values names the valid parameters
                self.check_values(name, [], func=func)
            given = as_float_array(value, func=func, name=f"parameter {name!r}", error=InvalidParameterError,
                                   allow_nan=True)
            shape = params[name].value.shape
            if given.shape != shape:
                raise InvalidParameterError(f"{func}(): parameter {name!r} of model {self.slug!r} must have shape "
                                            f"{shape}, like its value in the model file; got {given.shape}")
            arr = frozen(self.check_values(name, given[None], func=func)[0])
            old = params[name]
            params[name] = Parameter(name=name, value=arr, unit=old.unit, description=old.description,
                                     provenance=(ProvenanceItem(name, "", _plain(arr), "modeling choice", "",
                                                                "value set by the caller (with_arrays)"),))
        self._recompute_derived(params, set(values), func=func)
        return replace(self, parameters=MappingProxyType(params))

    def at_draws(self, values: Mapping[str, Any]) -> Iterator[ModelSpec]:
        """One copy per row of ``values``: what :meth:`with_arrays` gives at each draw of an uncertainty analysis.

        Each parameter's draws are checked once, stacked (:meth:`check_values`), and the order in which derived
        parameters are recomputed is found once; the copies then differ from ``with_arrays`` only in being cheaper.

        Parameters
        ----------
        values : mapping of str -> array_like, shape (G, *shape)
            The draws of each replaced parameter, stacked on a leading axis of the same length ``G``.

        Examples
        --------
        >>> import coopgame, numpy as np
        >>> spec = coopgame.load_model("chengdu_chongqing")
        >>> copies = list(spec.at_draws({"spillover_length": np.array([100.0, 1000.0])}))
        >>> [round(float(c["spillover"][1, 0, 1]), 4) for c in copies]   # 15 exp(-269.3 km / length)
        [1.0148, 11.4583]
        >>> bool(np.array_equal(copies[1]["spillover"], spec.with_arrays(spillover_length=1000.0)["spillover"]))
        True
        """
        func = "ModelSpec.at_draws"
        checked = {name: self.check_values(name, v, func=func) for name, v in values.items()}
        counts = {len(v) for v in checked.values()}
        if len(counts) > 1:
            raise InvalidParameterError(f"{func}(): every parameter needs the same number of draws; got "
                                        f"{ {k: len(v) for k, v in checked.items()} }")
        order = self.derived_from(sorted(values))
        for g in range(counts.pop() if counts else 0):
            params = dict(self.parameters)
            for name, arr in checked.items():
                value = frozen(arr[g])
                old = params[name]
                params[name] = Parameter(name=name, value=value, unit=old.unit, description=old.description,
                                         provenance=(ProvenanceItem(name, "", _plain(value), "modeling choice", "",
                                                                    "value set by the caller (at_draws)"),))
            self._recompute_derived(params, set(values), func=func, order=order)
            yield replace(self, parameters=MappingProxyType(params))

    def can_batch(self, names: Sequence[str]) -> bool:
        """Whether a sweep of parameters ``names`` builds its games at once (see :mod:`coopgame.models.batch`)."""
        from coopgame.models.batch import can_batch

        return can_batch(self, names)

    def batch_games(self, values: Mapping[str, np.ndarray]) -> Any:
        """The games at a stack of values of the swept parameters (see :func:`coopgame.models.batch.batch_games`)."""
        from coopgame.models.batch import batch_games

        return batch_games(self, values)

    def derived_from(self, names: Sequence[str]) -> tuple[str, ...]:
        """The parameters computed by a rule from any of ``names``, directly or through other rules."""
        raw = self._raw.get("parameters", {})
        changed = set(names)
        out: list[str] = []
        grew = True
        while grew:
            grew = False
            for pname, body in raw.items():
                if pname in changed or not isinstance(body, Mapping) or "rule" not in body:
                    continue
                if any(v in changed for v in dict(body.get("inputs", {})).values()):
                    changed.add(pname)
                    out.append(pname)
                    grew = True
        return tuple(out)

    def _recompute_derived(self, params: dict[str, Parameter], names: set[str], *, func: str,
                           order: Sequence[str] | None = None) -> None:
        from coopgame.models.derivations import RULES

        raw = self._raw.get("parameters", {})
        for pname in self.derived_from(sorted(names)) if order is None else order:  # in dependency order
            body = raw[pname]
            args = {k: params[v].value for k, v in dict(body.get("inputs", {})).items()}
            try:
                value = np.asarray(RULES[body["rule"]].func(args, dict(body.get("options", {})), self.players),
                                   dtype=np.float64)
            except (ValueError, KeyError, TypeError) as err:
                raise InvalidParameterError(f"{func}(): parameter {pname!r} (rule {body['rule']!r}) cannot be "
                                            f"derived from the new values: {err}") from None
            if pname in KINDS[self.kind].params:
                self.check_values(pname, value[None], func=func)
            value = frozen(value)
            old = params[pname]
            params[pname] = Parameter(name=pname, value=value, unit=old.unit, description=old.description,
                                      provenance=old.provenance)

    def build(self) -> Any:
        """The game objects of this model (a :class:`~coopgame.models.builders.BuiltModel`)."""
        from coopgame.models.builders import build_model

        return build_model(self)

    def ncity_game(self) -> Any:
        """The model's :class:`~coopgame.NCityGame` alone (kinds ``ncity`` and ``ncity_dense``), without the
        cooperative game, tables and schedules :meth:`build` adds: what an uncertainty analysis evaluates at
        every draw. ``None`` for the other kinds.
        """
        from coopgame.models.builders import ncity_game

        return ncity_game(self) if self.kind in ("ncity", "ncity_dense") else None

    def fund_mechanism(self) -> Any:
        """The model's :class:`~coopgame.policy.mechanism.FundMechanism` alone (a ``fund`` file with dues and
        ``project_cost``), without its cooperative game: what an uncertainty analysis evaluates at every draw.
        ``None`` for the other kinds and for funds without a mechanism.
        """
        from coopgame.models.builders import fund_mechanism

        return fund_mechanism(self) if self.kind == "fund" and "project_cost" in self.parameters else None

    def fund_terms(self) -> dict[str, Any] | None:
        """The numbers :meth:`fund_mechanism` reads (``coopgame.models.builders.fund_terms``), without building
        the projects; ``None`` where there is no mechanism."""
        from coopgame.models.builders import fund_terms

        return fund_terms(self) if self.kind == "fund" and "project_cost" in self.parameters else None

    def tripartite_arguments(self) -> dict[str, Any] | None:
        """The keyword arguments of :class:`~coopgame.games.tripartite.TripartiteGame` (``players`` aside) that
        a ``tripartite`` file gives; ``None`` for the other kinds."""
        from coopgame.models.builders import tripartite_arguments

        return tripartite_arguments(self) if self.kind == "tripartite" else None

    def describe(self) -> dict[str, Any]:
        """One line of the catalogue: slug, title, kind, number of players, model id."""
        return {"slug": self.slug, "title": self.title, "kind": self.kind,
                "n_players": self.n_players, "model_id": self.model_id}

    def __repr__(self) -> str:
        """One line: the slug, kind, players and how many parameters (the table is :meth:`summary`)."""
        players = ", ".join(self.players[:4]) + (f" +{len(self.players) - 4}" if len(self.players) > 4 else "")
        scenario = f", scenario={self.active_scenario!r}" if self.active_scenario else ""
        return (f"ModelSpec({self.slug!r}, kind={self.kind!r}, players=({players}), "
                f"parameters={len(self.parameters)}{scenario})")

    def _repr_html_(self) -> str:
        """Jupyter shows the parameter table (:meth:`summary`), not a dump of the fields."""
        return self.summary().as_html()

    def summary(self) -> Summary:
        facts = [("kind", self.kind), ("players", str(self.n_players))]
        if self.model_id:
            facts.append(("model", self.model_id))
        if self.unit:
            facts.append(("unit", self.unit))
        if self.active_scenario:
            facts.append(("scenario", self.active_scenario))
        rows = tuple((p.name, _short_value(p.value), p.unit, _basis(p)) for p in self.parameters.values())
        return Summary(title=self.title, facts=tuple(facts), columns=("parameter", "value", "unit", "basis"),
                       rows=rows, notes=(" ".join(self.description.split()),) if self.description.strip() else ())

    def __str__(self) -> str:
        return self.summary().as_text()


# ---------------------------------------------------------------------------------------------------- parsing
class _Ctx:
    """Error context: the file and the function that reads it."""

    def __init__(self, path: Path | None, func: str = "load_model") -> None:
        self.where = str(path) if path is not None else "<model>"
        self.func = func

    def fail(self, key: str, expected: str, got: Any, *, verbatim: bool = False) -> ModelSpecError:
        shown = got if verbatim else _repr(got)
        if len(key) > 160:  # a hostile file's key path can be megabytes long
            key = key[:157] + "..."
        return ModelSpecError(f"{self.func}(): {self.where}: {key}: expected {expected}; got {shown}")

    def unknown(self, key: str, name: Any, known: Sequence[str], what: str) -> ModelSpecError:
        """An unknown key or name at ``key``, with the closest known ones ("did you mean")."""
        return self.fail(key, f"{what}: {', '.join(sorted(known)) or 'none'}", _repr(name) + _did_you_mean(name, known),
                         verbatim=True)


def parse_model(raw: Mapping[str, Any], *, path: Path | None = None, store: SeedStore | None = None,
                _scenario_path: str = "", _func: str = "load_model") -> ModelSpec:
    """Validate the parsed TOML of a model file and return its :class:`ModelSpec`.

    Errors name ``_func`` (the public function the caller called) and the file.
    """
    ctx = _Ctx(path, _func)
    if not isinstance(raw, Mapping):
        raise ctx.fail("<file>", "a table of keys (a parsed TOML document)", raw)
    _check_nesting(raw, ctx)
    store = store if store is not None else seed_store()
    for key in raw:
        if key not in _TOP_KEYS:
            raise ctx.unknown(key, key, _TOP_KEYS, "a known top-level key")
    version = _require(raw, "schema_version", ctx, int, "an integer")
    if version != SCHEMA_VERSION:
        raise ctx.fail("schema_version", f"{SCHEMA_VERSION}", version)
    slug = _require(raw, "slug", ctx, str, "a string")
    if not slug or len(slug) > 100 or not all(c.isalnum() or c == "_" for c in slug):
        raise ctx.fail("slug", "1 to 100 letters, digits and underscores", slug)
    title = _require(raw, "title", ctx, str, "a string")
    kind = _require(raw, "kind", ctx, str, "a string")
    if kind not in KINDS:
        raise ctx.unknown("kind", kind, KINDS, "a model kind")
    kind_spec = KINDS[kind]
    players, table = _parse_players(raw, ctx, store)
    n = len(players)
    if kind_spec.n_players is not None and n != kind_spec.n_players:
        raise ctx.fail("players.names", f"{kind_spec.n_players} players for kind {kind!r}", f"{n} players")
    layers = tuple(_optional(raw, "layers", ctx, list, "a list of layer names", []))
    if layers and not kind_spec.layered:
        raise ctx.fail("layers", f"no layers for kind {kind!r}", list(layers))
    if not all(isinstance(x, str) and x for x in layers):
        raise ctx.fail("layers", "a list of non-empty strings", list(layers))
    raw_params = _optional(raw, "parameters", ctx, dict, "a table of parameters", {})
    resolver = _Resolver(raw_params, ctx, store, players, table, layers, kind_spec, _scenario_path)
    # Helper parameters (not of the kind) are allowed when a rule or analysis.weights uses them;
    # anything else is most likely a misspelt kind parameter.
    for pname, body in raw_params.items():  # before the helpers check, which reads the inputs
        inputs = body.get("inputs", {}) if isinstance(body, dict) else {}
        if not isinstance(inputs, dict):
            raise ctx.fail(f"parameters.{pname}.inputs", "a table naming the rule's input parameters", inputs)
        for k, v in inputs.items():
            if not isinstance(v, str):
                raise ctx.fail(f"parameters.{pname}.inputs.{k}", "the name of another parameter", v)
    used = {v for body in raw_params.values() if isinstance(body, dict) and isinstance(body.get("inputs"), dict)
            for v in body["inputs"].values() if isinstance(v, str)}
    analysis_raw = raw.get("analysis", {})
    if isinstance(analysis_raw, dict) and isinstance(analysis_raw.get("weights"), list):
        used.update(w for w in analysis_raw["weights"] if isinstance(w, str))
    for name in raw_params:
        if name not in kind_spec.params and name not in used:
            raise ctx.unknown(f"parameters.{name}", name, {*kind_spec.params, *used},
                              f"a helper used as a rule input or a parameter of kind {kind!r}")
    for name in raw_params:
        if name not in kind_spec.params:
            resolver.resolve(name)
    parameters: dict[str, Parameter] = {}
    for name, pspec in kind_spec.params.items():
        if name in raw_params:
            parameters[name] = resolver.resolve(name)
        elif pspec.required:
            raise ctx.fail(f"parameters.{name}", f"parameter {name!r} (required by kind {kind!r})", "nothing", verbatim=True)
    ranged = resolver.ranges()  # after every value, so a value's own problems are named first
    parameters = {name: ranged.get(name, p) for name, p in parameters.items()}
    # helper parameters (rule inputs that are not kind parameters) are kept too
    for name in resolver.done:
        parameters.setdefault(name, resolver.done[name])
    scenarios = _parse_scenarios(raw, ctx, raw_params, kind_spec)
    analysis = _parse_analysis(raw, ctx, parameters, n)
    return ModelSpec(slug=slug, title=title, kind=kind, players=players,
                     parameters=MappingProxyType(parameters),
                     description=_optional(raw, "description", ctx, str, "a string", ""),
                     model_id=_optional(raw, "model_id", ctx, str, "a string", ""),
                     unit=_optional(raw, "unit", ctx, str, "a string", ""),
                     layers=layers, scenarios=MappingProxyType(scenarios),
                     analysis=MappingProxyType(analysis), path=path, _raw=MappingProxyType(dict(raw)))


def _parse_players(raw: Mapping[str, Any], ctx: _Ctx, store: SeedStore) -> tuple[tuple[str, ...], str]:
    block = _require(raw, "players", ctx, dict, "a table with 'names' (and optionally 'table')")
    for key in block:
        if key not in ("names", "table", "description"):
            raise ctx.unknown(f"players.{key}", key, ("names", "table", "description"), "one of")
    names = block.get("names")
    if not isinstance(names, list) or not names:
        raise ctx.fail("players.names", "a non-empty list of player names", names)
    for i, name in enumerate(names):
        if not isinstance(name, str) or not name.strip():
            raise ctx.fail(f"players.names[{i}]", "a non-empty string", name)
    if len(set(names)) != len(names):
        raise ctx.fail("players.names", "distinct names", names)
    table = block.get("table", "")
    if table:
        if not isinstance(table, str):
            raise ctx.fail("players.table", "the name of a city table", table)
        try:
            cities = store.table(table).cities
        except KeyError as err:
            raise ctx.fail("players.table", "a city table in seeds/cities", f"{table!r} ({err.args[0]})") from None
        for i, name in enumerate(names):
            if name not in cities:
                raise ctx.unknown(f"players.names[{i}]", name, cities, f"a city of table {table!r}")
    return tuple(names), table


def _parse_scenarios(raw: Mapping[str, Any], ctx: _Ctx, raw_params: Mapping[str, Any],
                     kind_spec: Any) -> dict[str, Mapping[str, Any]]:
    out: dict[str, Mapping[str, Any]] = {}
    items = _optional(raw, "scenarios", ctx, list, "an array of tables [[scenarios]]", [])
    for i, sc in enumerate(items):
        if not isinstance(sc, dict):
            raise ctx.fail(f"scenarios[{i}]", "a table", sc)
        name = sc.get("name")
        if not isinstance(name, str) or not name:
            raise ctx.fail(f"scenarios[{i}].name", "a non-empty string", name)
        if name in out:
            raise ctx.fail(f"scenarios[{i}].name", "a name not used by another scenario", name)
        for key in sc:
            if key not in ("name", "description", "parameters"):
                raise ctx.unknown(f"scenarios[{i}].{key}", key, ("name", "description", "parameters"), "one of")
        params = sc.get("parameters", {})
        if not isinstance(params, dict):
            raise ctx.fail(f"scenarios[{i}].parameters", "a table of parameter overrides", params)
        for pname in params:
            if pname not in kind_spec.params and pname not in raw_params:
                raise ctx.unknown(f"scenarios[{i}].parameters.{pname}", pname, {*kind_spec.params, *raw_params},
                                  "a parameter of the model")
        description = sc.get("description", "")
        if not isinstance(description, str):
            raise ctx.fail(f"scenarios[{i}].description", "a string", description)
        out[name] = MappingProxyType({"description": description, "parameters": params})
    return out


def _parse_analysis(raw: Mapping[str, Any], ctx: _Ctx, parameters: Mapping[str, Parameter],
                    n: int) -> dict[str, Any]:
    analysis = dict(_optional(raw, "analysis", ctx, dict, "a table", {}))
    for key in analysis:
        if key not in _ANALYSIS_KEYS:
            raise ctx.unknown(f"analysis.{key}", key, _ANALYSIS_KEYS, "one of")
    weights = analysis.get("weights", [])
    if not isinstance(weights, list) or not all(isinstance(w, str) for w in weights):
        raise ctx.fail("analysis.weights", "a list of parameter names", weights)
    for i, w in enumerate(weights):
        if w not in parameters or parameters[w].value.shape != (n,):
            per_player = [p for p, v in parameters.items() if v.value.shape == (n,)]
            raise ctx.unknown(f"analysis.weights[{i}]", w, per_player,
                              f"the name of a parameter with one value per player (n = {n})")
    rules = analysis.get("rules", [])
    if not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
        raise ctx.fail("analysis.rules", "a list of rule names", rules)
    for i, r in enumerate(rules):
        if r not in ANALYSIS_NAMES:
            raise ctx.unknown(f"analysis.rules[{i}]", r, ANALYSIS_NAMES, "a solution concept or sharing rule")
    settlement = analysis.get("settlement", "shapley")
    if not isinstance(settlement, str) or settlement not in SETTLEMENT_RULES:
        raise ctx.unknown("analysis.settlement", settlement, SETTLEMENT_RULES,
                          "the rule that splits a fund mechanism's returns")
    votes = analysis.get("conference_votes", "equal")
    if not isinstance(votes, str) or votes not in ("equal", "dues"):
        raise ctx.unknown("analysis.conference_votes", votes, ("equal", "dues"),
                          "one vote per city, or votes weighted by dues")
    convention = analysis.get("convention", "alpha")
    if not isinstance(convention, str) or convention not in TU_CONVENTIONS:
        raise ctx.fail("analysis.convention", f"one of {list(TU_CONVENTIONS)} (the cooperative game of an n-city "
                       "model, NCityGame.tu_game)", convention)
    return analysis


class _Resolver:
    """Resolves parameters in dependency order, checking shape and provenance."""

    def __init__(self, raw_params: Mapping[str, Any], ctx: _Ctx, store: SeedStore, players: tuple[str, ...],
                 table: str, layers: tuple[str, ...], kind_spec: Any, scenario_path: str) -> None:
        self.raw = raw_params
        self.ctx = ctx
        self.store = store
        self.players = players
        self.table = table
        self.layers = layers
        self.kind_spec = kind_spec
        self.done: dict[str, Parameter] = {}
        self.busy: set[str] = set()
        self.scenario_path = scenario_path
        self.how: dict[str, str] = {}

    def ranges(self) -> dict[str, Parameter]:
        """The parameters that carry a range, with their :class:`Uncertainty`, in the file's order.

        Read once every value is resolved, so that a value's own problems (and those of the rules it
        feeds) are named before its range's.
        """
        out: dict[str, Parameter] = {}
        for name in self.raw:
            p = self.done.get(name)
            if p is None:
                continue
            u = self._uncertainty(name, self.raw[name], self.how[name], p.value)
            if u is not None:
                prov = tuple(replace(it, uncertainty=u.describe(), uncertainty_reason=u.reason)
                             for it in p.provenance)
                out[name] = self.done[name] = replace(p, provenance=prov, uncertainty=u)
        return out

    def key(self, name: str) -> str:
        return f"parameters.{name}"

    def resolve(self, name: str) -> Parameter:
        if name in self.done:
            return self.done[name]
        if name in self.busy:
            raise self.ctx.fail(self.key(name) + ".inputs", "inputs without a cycle", f"a cycle through {name!r}")
        if name not in self.raw:
            raise self.ctx.fail(self.key(name), "a parameter defined in [parameters]", "nothing", verbatim=True)
        body = self.raw[name]
        key = self.key(name)
        if not isinstance(body, dict):
            raise self.ctx.fail(key, "a table with 'value' and its provenance", body)
        for k in body:
            if k not in _PARAM_KEYS:
                raise self.ctx.unknown(f"{key}.{k}", k, _PARAM_KEYS, "one of")
        given = [k for k in _PROVENANCE_KEYS if k in body]
        if len(given) != 1:
            raise self.ctx.fail(key, "exactly one of source, column, modeling_choice, rule "
                                "(every number needs a source or a labelled modeling choice)",
                                ", ".join(given) or "none of them", verbatim=True)
        self.busy.add(name)
        try:
            how = given[0]
            if how == "rule":
                value, prov = self._rule(name, body)
            elif how == "column":
                value, prov = self._column(name, body)
            elif how == "source":
                value, prov = self._source(name, body)
            else:
                value, prov = self._choice(name, body)
        finally:
            self.busy.discard(name)
        value = self._check_shape(name, value)
        self.how[name] = how
        unit = body.get("unit", "")
        if not isinstance(unit, str):
            raise self.ctx.fail(f"{key}.unit", "a string", unit)
        description = body.get("description", "")
        if not isinstance(description, str):
            raise self.ctx.fail(f"{key}.description", "a string", description)
        value = frozen(value)  # read-only, and no caller can make it writeable again
        param = Parameter(name=name, value=value, unit=unit, description=description,
                          provenance=prov)
        self.done[name] = param
        return param

    # -- ranges of modeling choices
    def _uncertainty(self, name: str, body: Mapping[str, Any], how: str, value: np.ndarray) -> Uncertainty | None:
        """The :class:`Uncertainty` of ``range``, ``range_kind``, ``distribution`` and ``range_reason``, or None."""
        key = self.key(name)
        given = [k for k in RANGE_KEYS if k in body]
        if not given:
            return None
        if how != "modeling_choice":
            basis = {"source": "a seed fact", "column": "a data cell", "rule": "a derived parameter"}[how]
            raise self.ctx.fail(f"{key}.{given[0]}", "no range: only a modeling choice carries one (a source or data "
                                "carries its own value, a rule derives it)", f"a range on {basis}", verbatim=True)
        if "range" not in body:
            raise self.ctx.fail(f"{key}.range", f"range = [low, high] (given {given[0]} without a range)",
                                "nothing", verbatim=True)
        bounds = body["range"]
        if not isinstance(bounds, list) or len(bounds) != 2:
            raise self.ctx.fail(f"{key}.range", "two numbers [low, high]", bounds)
        for i, b in enumerate(bounds):
            # magnitude before isfinite: math.isfinite of an int beyond the float range overflows
            if isinstance(b, bool) or not isinstance(b, (int, float)) or abs(b) > MAX_MAGNITUDE \
                    or not math.isfinite(b):
                raise self.ctx.fail(f"{key}.range[{i}]", f"a finite number of magnitude at most {_MAGNITUDE_TEXT}",
                                    b)
        low, high = float(bounds[0]), float(bounds[1])
        if not low < high:
            raise self.ctx.fail(f"{key}.range", "low < high (for a fixed value give no range)", bounds)
        kind = body.get("range_kind", "value")
        if not isinstance(kind, str) or kind not in RANGE_KINDS:
            raise self.ctx.unknown(f"{key}.range_kind", kind, RANGE_KINDS, "one of")
        dist = body.get("distribution", "uniform")
        if not isinstance(dist, str) or dist not in DISTRIBUTIONS:
            raise self.ctx.unknown(f"{key}.distribution", dist, DISTRIBUTIONS, "a distribution")
        reason = body.get("range_reason")
        if not isinstance(reason, str) or len(reason.strip()) < 8:
            raise self.ctx.fail(f"{key}.range_reason", "a sentence saying why these bounds (required with a range)",
                                "nothing" if reason is None else _repr(reason), verbatim=True)
        if dist == "log-uniform" and low <= 0:
            raise self.ctx.fail(f"{key}.range", "low > 0 for a log-uniform distribution", bounds)
        if kind == "value":
            if value.ndim != 0:
                raise self.ctx.fail(f"{key}.range_kind", f"'factor' for a parameter of shape "
                                    f"{_shape_text(value.shape)} (range_kind 'value' bounds a scalar)", kind)
            mode: Any = float(value)
            if not low <= mode <= high:
                raise self.ctx.fail(f"{key}.range", f"bounds around the value {_plain(value)} (low <= value <= high)",
                                    bounds)
            if dist == "integer-uniform" and not all(float(x).is_integer() for x in (low, high, mode)):
                raise self.ctx.fail(f"{key}.range", "integer bounds and an integer value for 'integer-uniform'",
                                    f"{bounds} around {_plain(value)}", verbatim=True)
            ends = (np.array(low), np.array(high))
        else:
            if dist == "integer-uniform":
                raise self.ctx.fail(f"{key}.distribution", "uniform, triangular or log-uniform for a factor", dist)
            if not 0 <= low <= 1 <= high:
                raise self.ctx.fail(f"{key}.range", "factor bounds with 0 <= low <= 1 <= high (the value itself is "
                                    "the factor 1)", bounds)
            mode = frozen(np.array(value, dtype=np.float64))
            ends = (low * value, high * value)
        pspec = self.kind_spec.params.get(name)
        if pspec is not None and pspec.check is not None:
            for i, end in enumerate(ends):
                problem = pspec.check(end)
                if problem:
                    raise self.ctx.fail(f"{key}.range[{i}]", f"a bound at which {name} is {problem}",
                                        _plain(end) if kind == "value" else f"factor {bounds[i]}")
        return Uncertainty(distribution=dist, low=low, high=high, kind=kind, reason=" ".join(reason.split()),
                           mode=mode)

    # -- value forms
    def _given_value(self, name: str, body: Mapping[str, Any], required: bool = True) -> np.ndarray | None:
        if "value" not in body:
            if required:
                raise self.ctx.fail(self.key(name) + ".value", "a number or an array of numbers", "nothing", verbatim=True)
            return None
        return self._numbers(self.key(name) + ".value", body["value"])

    def _numbers(self, key: str, value: Any) -> np.ndarray:
        bad = _first_bad_number(value)
        if bad is not None:
            where, shown, expected = bad
            raise self.ctx.fail(key + where, expected, shown, verbatim=True)
        try:
            arr = np.array(value, dtype=np.float64)
        except ValueError:
            raise self.ctx.fail(key, "a rectangular array of numbers (rows of equal length)", value) from None
        if not np.all(np.isfinite(arr)):
            raise self.ctx.fail(key, "finite numbers", value)
        return arr

    def _choice(self, name: str, body: Mapping[str, Any]) -> tuple[np.ndarray, tuple[ProvenanceItem, ...]]:
        key = self.key(name)
        why = body["modeling_choice"]
        if not isinstance(why, str) or len(why.strip()) < 8:
            raise self.ctx.fail(key + ".modeling_choice", "a sentence saying why this value was chosen", why)
        value = self._given_value(name, body)
        based = body.get("based_on", [])
        if not isinstance(based, list) or not all(isinstance(b, str) for b in based):
            raise self.ctx.fail(key + ".based_on", "a list of seed fact keys", based)
        for i, ref in enumerate(based):
            try:
                self._lookup(ref)
            except KeyError as err:
                raise self.ctx.fail(f"{key}.based_on[{i}]", "a seed fact key or table reference",
                                    f"{ref!r} ({err.args[0]})") from None
        return value, (ProvenanceItem(name, "", _plain(value), "modeling choice", ", ".join(based), why.strip()),)

    def _lookup(self, ref: str) -> tuple[Any, str, str]:
        """(value, label, detail) of a fact key or a table reference; KeyError if unknown."""
        if ref.startswith("table:"):
            value, src = self.store.table_cell(ref)
            return value, "data", src
        value, fact = self.store.fact_value(ref)
        return value, "source", fact.statement

    def _source(self, name: str, body: Mapping[str, Any]) -> tuple[np.ndarray, tuple[ProvenanceItem, ...]]:
        key = self.key(name) + ".source"
        refs = body["source"]
        given = self._given_value(name, body, required=False)
        if isinstance(refs, str):
            try:
                fact_value, label, detail = self._lookup(refs)
            except KeyError as err:
                raise self.ctx.fail(key, "a seed fact key ('record.fact') or 'table:<table>:<city>:<column>'",
                                    f"{refs!r} ({err.args[0]})") from None
            try:
                fact_arr = np.asarray(fact_value, dtype=np.float64)
            except (TypeError, ValueError):
                raise self.ctx.fail(key, "a fact whose value is numeric", f"{refs!r} = {fact_value!r}") from None
            if given is None:
                given = fact_arr
            elif given.shape != fact_arr.shape or not np.allclose(given, fact_arr, rtol=_REL_MATCH, atol=0.0):
                raise self.ctx.fail(self.key(name) + ".value", f"the value of {refs!r}, {_plain(fact_arr)}",
                                    _plain(given))
            return given, (ProvenanceItem(name, "", _plain(given), label, refs, detail),)
        if not isinstance(refs, list) or not refs or not all(isinstance(r, str) for r in refs):
            raise self.ctx.fail(key, "a fact key, or a list of fact keys (one per element)", refs)
        values, items = [], []
        for i, ref in enumerate(refs):
            try:
                v, label, detail = self._lookup(ref)
                v = float(v)
            except KeyError as err:
                raise self.ctx.fail(f"{key}[{i}]", "a seed fact key or table reference",
                                    f"{ref!r} ({err.args[0]})") from None
            except (TypeError, ValueError):
                raise self.ctx.fail(f"{key}[{i}]", "a reference to a single number", ref) from None
            values.append(v)
            items.append(ProvenanceItem(name, f"[{i}]", v, label, ref, detail))
        arr = np.array(values)
        if given is not None:
            if given.shape != arr.shape:
                raise self.ctx.fail(self.key(name) + ".value", f"{len(refs)} numbers (one per source)",
                                    f"shape {given.shape}")
            for i in range(len(values)):
                if not math.isclose(given[i], arr[i], rel_tol=_REL_MATCH):
                    raise self.ctx.fail(f"{self.key(name)}.value[{i}]", f"the value of {refs[i]!r}, {arr[i]:g}",
                                        given[i])
        return arr, tuple(items)

    def _column(self, name: str, body: Mapping[str, Any]) -> tuple[np.ndarray, tuple[ProvenanceItem, ...]]:
        key = self.key(name)
        column = body["column"]
        table = body.get("table", self.table)
        if not isinstance(table, str) or not table:
            raise self.ctx.fail(key + ".table", "a city table (here or in players.table)", table)
        try:
            tab = self.store.table(table)
        except KeyError as err:
            raise self.ctx.fail(key + ".table", "a city table in seeds/cities", f"{table!r} ({err.args[0]})") from None
        if not isinstance(column, str) or column not in tab.numbers:
            raise self.ctx.fail(key + ".column", f"a numeric column of {table} ({', '.join(tab.numbers)})", column)
        values, items = [], []
        for i, city in enumerate(self.players):
            try:
                v = tab.value(city, column)
            except KeyError as err:
                raise self.ctx.fail(key + ".column", f"a value for every player in {table}",
                                    f"{city!r}: {err.args[0]}") from None
            values.append(v)
            items.append(ProvenanceItem(name, f"[{city}]", v, "data", f"table:{table}:{city}:{column}",
                                        tab.sources[column].get(city, "")))
        arr = np.array(values)
        given = self._given_value(name, body, required=False)
        if given is not None and (given.shape != arr.shape or not np.allclose(given, arr, rtol=_REL_MATCH)):
            raise self.ctx.fail(key + ".value", f"the values of column {column} in {table}, {arr.tolist()}",
                                _plain(given))
        return arr, tuple(items)

    def _rule(self, name: str, body: Mapping[str, Any]) -> tuple[np.ndarray, tuple[ProvenanceItem, ...]]:
        from coopgame.models.derivations import RULES

        key = self.key(name)
        rule = body["rule"]
        if not isinstance(rule, str):
            raise self.ctx.fail(key + ".rule", f"the name of a rule ({', '.join(sorted(RULES))})", rule)
        if rule not in RULES:
            raise self.ctx.unknown(key + ".rule", rule, RULES, "a rule")
        if "value" in body:
            raise self.ctx.fail(key + ".value", "no value (a rule computes it)", body["value"])
        spec = RULES[rule]
        inputs = body.get("inputs", {})
        if not isinstance(inputs, dict):
            raise self.ctx.fail(key + ".inputs", "a table naming the rule's input parameters", inputs)
        missing = [k for k in spec.inputs if k not in inputs]
        extra = [k for k in inputs if k not in spec.inputs]
        if extra:
            raise self.ctx.unknown(f"{key}.inputs.{extra[0]}", extra[0], spec.inputs, f"an input of rule {rule!r}")
        if missing:
            raise self.ctx.fail(key + ".inputs", f"exactly the inputs {', '.join(spec.inputs)} of rule {rule!r}",
                                sorted(inputs))
        args = {}
        for k, pname in inputs.items():
            if not isinstance(pname, str):
                raise self.ctx.fail(f"{key}.inputs.{k}", "the name of another parameter", pname)
            args[k] = self.resolve(pname).value
        options = body.get("options", {})
        if not isinstance(options, dict):
            raise self.ctx.fail(key + ".options", "a table of rule options", options)
        for opt in options:
            if opt not in spec.options:
                raise self.ctx.unknown(f"{key}.options.{opt}", opt, spec.options, f"an option of rule {rule!r}")
        try:
            with np.errstate(all="ignore"):  # a non-finite result is refused below, with the key path
                value = np.asarray(spec.func(args, options, self.players), dtype=np.float64)
        except (ValueError, KeyError, TypeError, ArithmeticError) as err:
            raise self.ctx.fail(key, f"inputs rule {rule!r} can use ({spec.doc})", _clip(str(err), 200),
                                verbatim=True) from None
        if not np.all(np.isfinite(value)) or np.any(np.abs(value) > MAX_MAGNITUDE):
            raise self.ctx.fail(key, f"inputs from which rule {rule!r} derives finite values of magnitude at most "
                                f"{_MAGNITUDE_TEXT}", _plain(value))
        ref = f"{rule}({', '.join(f'{k}={v}' for k, v in inputs.items())})"
        return value, (ProvenanceItem(name, "", _plain(value), "derived", ref, spec.doc),)

    def _check_shape(self, name: str, value: np.ndarray) -> np.ndarray:
        pspec = self.kind_spec.params.get(name)
        if pspec is None:
            return value
        n = len(self.players)
        expected = pspec.shape_for(n)
        shapes = [expected]
        if pspec.layered and self.layers:
            shapes.append((len(self.layers), *expected))
        if value.shape not in shapes:
            want = " or ".join(_shape_text(s) for s in shapes)
            raise self.ctx.fail(self.key(name), f"{pspec.what} of shape {want}", f"shape {_shape_text(value.shape)}")
        if pspec.check is not None:
            problem = pspec.check(value)
            if problem:
                raise self.ctx.fail(self.key(name), problem, _plain(value))
        return np.array(value, dtype=np.float64)


# ---------------------------------------------------------------------------------------------------- helpers
def _require(raw: Mapping[str, Any], key: str, ctx: _Ctx, typ: type, what: str) -> Any:
    if key not in raw:
        raise ctx.fail(key, what, "nothing (key missing)")
    return _typed(raw[key], key, ctx, typ, what)


def _optional(raw: Mapping[str, Any], key: str, ctx: _Ctx, typ: type, what: str, default: Any) -> Any:
    if key not in raw:
        return default
    return _typed(raw[key], key, ctx, typ, what)


def _typed(value: Any, key: str, ctx: _Ctx, typ: type, what: str) -> Any:
    if typ is int and isinstance(value, bool):
        raise ctx.fail(key, what, value)
    if not isinstance(value, typ):
        raise ctx.fail(key, what, value)
    return value


def _first_bad_number(value: Any) -> tuple[str, Any, str] | None:
    """(index path, the item shown, what was expected) of the first item of ``value`` that is not a usable number.

    Iterative (a nested list cannot exhaust the stack); an int beyond float range, NaN, inf and any
    magnitude above :data:`MAX_MAGNITUDE` are refused before numpy would overflow or carry them along.
    """
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, list):
            stack.extend((f"{where}[{i}]", v) for i, v in reversed(list(enumerate(item))))
        elif isinstance(item, bool) or not isinstance(item, (int, float)):
            return where, _repr(item), "a number"
        elif isinstance(item, float) and not math.isfinite(item):
            return where, repr(item), "a finite number"
        elif abs(item) > MAX_MAGNITUDE:  # exact for any int: no conversion to float
            return where, _repr_number(item), f"a number of magnitude at most {_MAGNITUDE_TEXT}"
    return None


def _repr_number(item: int | float) -> str:
    """A huge int shortened to its digit count (its repr could be megabytes long)."""
    if isinstance(item, int) and abs(item) >= 10**20:
        return f"an integer of {len(str(abs(item)))} digits"
    return repr(item)


def _check_nesting(raw: Mapping[str, Any], ctx: _Ctx) -> None:
    """Refuse tables or arrays nested deeper than :data:`MAX_NESTING`, without recursing into them."""
    stack: list[tuple[str, Any, int]] = [("", raw, 0)]
    while stack:
        where, item, depth = stack.pop()
        if isinstance(item, Mapping):
            children = [(f"{where}.{k}" if where else str(k), v) for k, v in item.items()]
        elif isinstance(item, list):
            children = [(f"{where}[{i}]", v) for i, v in enumerate(item)]
        else:
            continue
        if depth > MAX_NESTING:
            raise ctx.fail(_clip(where, 120), f"tables and arrays nested at most {MAX_NESTING} levels deep",
                           f"more than {MAX_NESTING} levels", verbatim=True)
        stack.extend((w, v, depth + 1) for w, v in children)


def _did_you_mean(name: Any, known: Any) -> str:
    """`` (did you mean 'x'?)`` with the closest known names, or nothing."""
    if not isinstance(name, str):
        return ""
    close = difflib.get_close_matches(name, [str(k) for k in known], n=2, cutoff=0.6)
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""


def _shape_text(shape: Sequence[int]) -> str:
    return "scalar" if len(shape) == 0 else "(" + ", ".join(str(s) for s in shape) + ")"


def _plain(value: Any) -> Any:
    arr = np.asarray(value, dtype=np.float64)
    return float(arr) if arr.ndim == 0 else arr.tolist()


def _short_value(value: Any) -> str:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        return format_number(float(arr))
    if arr.size <= 6:
        return "[" + ", ".join(format_number(float(v)) for v in arr.ravel()) + "]"
    return f"array {_shape_text(arr.shape)}"


def _basis(p: Parameter) -> str:
    labels = sorted({it.label for it in p.provenance})
    return "; ".join(labels)


def _clip(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _repr(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."

"""Result objects: one frozen-dataclass family with ``summary()`` and ``to_dict()``.

Every solver returns a frozen dataclass that derives from :class:`Result`:

* the primary answer first (``allocation``, ``equilibria``, ``is_empty`` ...),
* then ``method`` and ``parameters`` so the run can be reproduced,
* then certificates and diagnostics (``efficiency_gap``, ``max_regret``, ...).

``summary()`` returns a :class:`Summary` (a printable table in the style of a
statsmodels summary; ``str()`` gives text, ``as_markdown()`` and ``as_html()``
give report-ready forms). ``to_dict()`` returns plain JSON-ready Python data.
"""

from __future__ import annotations

import dataclasses
import enum
import html
import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, ClassVar

import numpy as np

from coopgame._pickling import ReadOnlyState
from coopgame._typing import FloatVector
from coopgame._validation import frozen

__all__ = ["Summary", "Result", "AllocationResult", "to_jsonable", "format_number", "pandas_module", "REPR_MAX"]


def format_number(x: float, digits: int = 4) -> str:
    """Compact fixed-width-friendly number: ``12.5``, ``-0.0003``, ``1.2e+09``.

    Examples
    --------
    >>> format_number(210.3333333)
    '210.3333'
    >>> format_number(-2.0)
    '-2'
    >>> format_number(float('nan'))
    'nan'
    """
    if x is None:
        return "-"
    x = float(x)
    if not math.isfinite(x):
        return str(x)
    if x != 0 and (abs(x) >= 1e9 or abs(x) < 10 ** (-digits)):
        return f"{x:.{digits - 1}e}"
    text = f"{x:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def pandas_module(func: str) -> Any:
    """``pandas``, or an ImportError saying how to get it (the optional ``frames`` extra)."""
    try:
        import pandas
    except ImportError:
        raise ImportError(f"{func}() needs pandas, an optional dependency: pip install 'coopgame[frames]' "
                          "(or pip install pandas)") from None
    return pandas


def to_jsonable(obj: Any) -> Any:
    """Convert numpy arrays and scalars, tuples, fractions, sets and results to JSON-ready data.

    Examples
    --------
    >>> to_jsonable({"x": np.array([1.0, 2.0]), "k": np.int64(3), "f": Fraction(1, 3)})
    {'x': [1.0, 2.0], 'k': 3, 'f': '1/3'}
    """
    if isinstance(obj, Result):
        return obj.to_dict()
    if isinstance(obj, Summary):
        return obj.to_dict()
    if isinstance(obj, np.ndarray):
        return to_jsonable(obj.tolist())
    if isinstance(obj, (np.bool_, bool)):
        return bool(obj)
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating, float)):
        value = float(obj)
        return value if math.isfinite(value) else None   # JSON has no NaN or infinity: null
    if isinstance(obj, int) or obj is None or isinstance(obj, str):
        return obj
    if isinstance(obj, Fraction):
        return str(obj)
    if isinstance(obj, Mapping):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, (set, frozenset)):
        return sorted((to_jsonable(v) for v in obj), key=repr)
    return str(obj)


@dataclass(frozen=True)
class Summary:
    """A printable report: a title, key facts, one table and notes.

    Examples
    --------
    >>> s = Summary("Demo", facts=(("method", "exact"),), columns=("player", "payoff"),
    ...             rows=(("A", "1.5"), ("B", "2")), notes=("a note",))
    >>> print(s)
    Demo
    ====
    method: exact
    --------------
    player  payoff
    --------------
    A          1.5
    B            2
    --------------
    Note: a note
    """

    title: str
    facts: tuple[tuple[str, str], ...] = ()
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    notes: tuple[str, ...] = ()

    def as_text(self) -> str:
        """Fixed-width text: title, facts, the table (first column left, others right aligned), notes."""
        lines = [self.title, "=" * len(self.title)]
        if self.facts:
            width = max(len(k) for k, _ in self.facts) + 1
            lines += [f"{k + ':':<{width}} {v}" for k, v in self.facts]
        if self.columns:
            widths = [len(c) for c in self.columns]
            for row in self.rows:
                widths = [max(w, len(cell)) for w, cell in zip(widths, row)]

            def fmt(cells: Sequence[str]) -> str:
                return "  ".join(
                    cell.ljust(w) if j == 0 else cell.rjust(w) for j, (cell, w) in enumerate(zip(cells, widths))
                ).rstrip()

            rule = "-" * (sum(widths) + 2 * (len(widths) - 1))
            lines += [rule, fmt(self.columns), rule, *(fmt(r) for r in self.rows), rule]
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)

    __str__ = as_text

    def as_markdown(self) -> str:
        """GitHub-flavoured Markdown: a heading, a fact list, a pipe table, notes."""
        out = [f"### {self.title}", ""]
        out += [f"- **{k}**: {v}" for k, v in self.facts]
        if self.columns:
            out += ["", "| " + " | ".join(self.columns) + " |",
                    "|" + "|".join(":--" if j == 0 else "--:" for j in range(len(self.columns))) + "|"]
            out += ["| " + " | ".join(row) + " |" for row in self.rows]
        if self.notes:
            out += [""] + [f"> {n}" for n in self.notes]
        return "\n".join(out) + "\n"

    def as_html(self) -> str:
        """A self-contained HTML fragment (a ``<section>`` with a table)."""
        esc = html.escape
        parts = [f'<section class="coopgame-summary"><h3>{esc(self.title)}</h3>']
        if self.facts:
            parts.append("<dl>" + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in self.facts) + "</dl>")
        if self.columns:
            head = "".join(f"<th>{esc(c)}</th>" for c in self.columns)
            body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in self.rows)
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        parts += [f'<p class="note">{esc(n)}</p>' for n in self.notes]
        parts.append("</section>")
        return "".join(parts)

    def _repr_html_(self) -> str:  # Jupyter
        return self.as_html()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form of the summary itself."""
        return {"title": self.title, "facts": dict(self.facts), "columns": list(self.columns),
                "rows": [list(r) for r in self.rows], "notes": list(self.notes)}


REPR_MAX = 160
"""Longest ``repr()`` of a result: one line, the class name and its headline numbers."""


def _short(value: Any) -> str | None:
    """A few characters for ``value`` in a one-line repr, or None to leave it out."""
    if value is None or isinstance(value, (bool, np.bool_)):
        return str(None if value is None else bool(value))
    if isinstance(value, enum.Enum):
        return repr(value.value)
    if isinstance(value, Fraction):  # before Real: int(Fraction(1, 3)) would print 0
        return str(value)
    if isinstance(value, numbers.Real):
        return format_number(value) if isinstance(value, (float, np.floating)) else str(int(value))
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:37] + "...")
    if isinstance(value, np.ndarray):
        if value.ndim == 1 and value.size <= 6 and value.dtype.kind in "biuf":
            return "[" + ", ".join(_short(v) or "?" for v in value.tolist()) + "]"
        return f"<array {'x'.join(map(str, value.shape))}>"
    if isinstance(value, (tuple, list)):
        if len(value) <= 6 and all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value):
            inner = ", ".join(_short(v) or "?" for v in value)
            return f"({inner})" if isinstance(value, tuple) else f"[{inner}]"
        return f"<{len(value)} items>"
    if isinstance(value, (Mapping, Result, Summary)):
        return None
    text = str(value)
    return text if len(text) <= 40 and "\n" not in text else None


def _frozen_value(value: Any) -> Any:
    """``value`` with every array in it (also inside tuples and lists) a read-only view of a private copy."""
    if isinstance(value, np.ndarray):
        return frozen(value)
    kind = type(value)
    if kind is tuple or kind is list:
        return kind(_frozen_value(v) for v in value)
    return value


def _freeze_arrays(result: Any) -> None:
    """Make every array a result exposes read-only for good (see :func:`coopgame._validation.frozen`)."""
    for f in dataclasses.fields(result):
        if f.name == "game":  # the caller's own object (a game, or a batch's value array): kept, not copied
            continue
        value = getattr(result, f.name, None)
        new = _frozen_value(value)
        if new is not value:
            object.__setattr__(result, f.name, new)


@dataclass(frozen=True, eq=False, repr=False)
class Result(ReadOnlyState):
    """Base of every result dataclass: the game it answers, a one-line repr, ``to_dict()`` and ``__str__``.

    Every result keeps the game it was computed for in ``game`` (a
    keyword-only field with ``repr=False``: out of the repr and of
    ``to_dict()``; ``None`` when a result is built by hand). Fields declared
    with ``field(repr=False)`` are left out of ``to_dict()``.

    ``repr()`` is one line of at most :data:`REPR_MAX` characters: the class
    name and the headline fields, those named in the class attribute
    ``_headline`` (by default every field shown in the repr), arrays and long
    sequences by their shape; ``None`` values and mappings (``parameters``)
    are left out. ``str()`` is the full :meth:`summary`.
    """

    game: Any = field(default=None, repr=False, kw_only=True)

    __hash__ = None  # type: ignore[assignment]  # payloads are arrays

    _headline: ClassVar[tuple[str, ...] | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("__post_init__")
        if own is not None and not getattr(own, "_freezes", False):
            # A subclass's own __post_init__ runs first (it may still build arrays); then its arrays are frozen.
            def post_init(self: Any, *args: Any, _own: Any = own) -> None:
                _own(self, *args)
                _freeze_arrays(self)
            post_init._freezes = True  # type: ignore[attr-defined]
            cls.__post_init__ = post_init  # type: ignore[attr-defined]
        # A dataclass decorator keeps a __repr__ the class already has, so every result gets the
        # one-line repr below unless it writes its own.
        if "__repr__" not in cls.__dict__:
            cls.__repr__ = Result.__repr__  # type: ignore[method-assign]

    def __repr__(self) -> str:
        names = self._headline
        if names is None:
            names = tuple(f.name for f in dataclasses.fields(self) if f.repr)  # type: ignore[arg-type]
        parts = []
        for name in names:
            try:
                value = getattr(self, name)
                text = None if value is None else _short(value)
            except Exception:  # a repr never raises
                text = None
            if text is not None:
                parts.append(f"{name}={text}")
        out = f"{type(self).__name__}({', '.join(parts)})"
        return out if len(out) <= REPR_MAX else out[:REPR_MAX - 4] + "...)"

    def __post_init__(self) -> None:
        _freeze_arrays(self)

    __post_init__._freezes = True  # type: ignore[attr-defined]

    def summary(self) -> Summary:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready data: arrays become lists, numpy scalars Python numbers."""
        out: dict[str, Any] = {"result": type(self).__name__}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            if f.repr:
                out[f.name] = to_jsonable(getattr(self, f.name))
        return out

    def __str__(self) -> str:
        return self.summary().as_text()

    def to_frame(self) -> Any:
        """The result as a :class:`pandas.DataFrame` (needs the ``frames`` extra).

        By default one row per player, one column per per-player array of the
        result (allocation, cost shares, standard errors, ...); a result with
        no per-player arrays gives its summary table. Results with another
        natural shape override it (equilibria one row each, trajectories long
        by run and time, fund analyses by rule and city, sweeps by grid point).

        Examples
        --------
        >>> import coopgame
        >>> g = coopgame.TUGame.from_costs([0, 230, 160, 350, 230, 460, 365, 556], players=["t1", "t2", "t3"])
        >>> coopgame.shapley_value(g).to_frame()["cost_shares"].round(2).tolist()
        [210.33, 127.83, 217.83]
        """
        pd = pandas_module("to_frame")
        players = getattr(self, "players", None)
        if isinstance(players, tuple) and players:
            n = len(players)
            cols = {f.name: np.asarray(getattr(self, f.name)) for f in dataclasses.fields(self)  # type: ignore[arg-type]
                    if f.repr and isinstance(getattr(self, f.name), np.ndarray)
                    and getattr(self, f.name).shape == (n,)}
            if cols:
                return pd.DataFrame(cols, index=pd.Index(players, name="player"))
        s = self.summary()
        return pd.DataFrame(list(s.rows), columns=list(s.columns)) if s.columns else pd.DataFrame(
            {"value": [v for _, v in s.facts]}, index=pd.Index([k for k, _ in s.facts], name="fact"))

    def _repr_html_(self) -> str:
        """Jupyter shows the summary table, not a dump of the fields."""
        try:
            return self.summary().as_html()
        except Exception:  # a display hook never raises; the one-line repr is shown instead
            import html

            return f"<pre>{html.escape(repr(self))}</pre>"


@dataclass(frozen=True, eq=False)
class AllocationResult(Result):
    """A payoff vector proposed by a point-valued solution concept (Shapley, Banzhaf, nucleolus ...).

    Attributes
    ----------
    allocation : ndarray, shape (n,)
        Payoff of each player (savings or profits; see ``cost_shares`` for cost games).
    players : tuple of str
        Player labels, in the order of ``allocation``.
    concept : str
        The solution concept, e.g. ``"shapley"``.
    method : str
        The algorithm used.
    parameters : dict
        Keyword arguments that determine the answer (``tol``, ``seed``, ``n_samples`` ...).
    efficiency_gap : float
        ``sum(allocation) - v(N)``; zero for efficient concepts, up to rounding.
    standard_errors : ndarray or None
        Monte Carlo standard error of each entry when the method samples.
    cost_shares : ndarray or None
        For games built from costs: each player's share of the joint cost, ``C({i}) - allocation[i]``.
    game
        The game the allocation is for (keyword-only, not in the repr).
    """

    allocation: FloatVector
    players: tuple[str, ...]
    concept: str
    method: str
    parameters: Mapping[str, Any] = field(default_factory=dict)
    efficiency_gap: float = 0.0
    standard_errors: FloatVector | None = None
    cost_shares: FloatVector | None = None

    _headline = ("concept", "allocation", "players", "method", "efficiency_gap")

    def __getitem__(self, player: str | int) -> float:
        """Payoff of a player given by label or index."""
        if isinstance(player, str):
            try:
                return float(self.allocation[self.players.index(player)])
            except ValueError:
                raise KeyError(f"unknown player {player!r}; players are {list(self.players)}") from None
        return float(self.allocation[player])

    def summary(self) -> Summary:
        """Each player's payoff and share of the total, with the method used."""
        total = float(self.allocation.sum())
        columns = ["player", "payoff", "share"]
        if self.standard_errors is not None:
            columns.append("std. error")
        if self.cost_shares is not None:
            columns.append("cost share")
        rows = []
        for i, (p, x) in enumerate(zip(self.players, self.allocation)):
            row = [p, format_number(x), f"{x / total:.1%}" if abs(total) > 0 else "n/a"]
            if self.standard_errors is not None:
                row.append(format_number(self.standard_errors[i]))
            if self.cost_shares is not None:
                row.append(format_number(self.cost_shares[i]))
            rows.append(tuple(row))
        facts = [("concept", self.concept), ("method", self.method), ("players", str(len(self.players))),
                 ("total", format_number(total)), ("efficiency gap", f"{self.efficiency_gap:.1e}")]
        facts += [(k, str(v)) for k, v in self.parameters.items()]
        return Summary(title=f"{self.concept.capitalize()} allocation", facts=tuple(facts),
                       columns=tuple(columns), rows=tuple(rows))

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["by_player"] = dict(zip(self.players, self.allocation.tolist()))
        return out

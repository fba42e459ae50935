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

import csv
import dataclasses
import enum
import io
import html
import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, ClassVar

import numpy as np

from coopgame._pickling import ReadOnlyState
from coopgame._typing import FloatVector
from coopgame._validation import frozen
from coopgame.errors import InvalidParameterError

__all__ = ["Summary", "Result", "AllocationResult", "to_jsonable", "format_number", "latex_escape", "pandas_module",
           "REPR_MAX", "Cell"]


ILLUSTRATIVE_SIGNIFICANT = 3
"""Significant figures of the numbers of a model whose magnitudes rest on modeling choices
(:attr:`~coopgame.report.ModelAnalysis.illustrative`, and every uncertainty analysis, which draws those
choices): its tables and headline show ``204``, ``35.1``, ``0.0123`` rather than ``204.2975``, ``35.1038``,
``0.0123`` (the CSV and JSON keep full precision). Solver results on a game given exactly, and the provenance
table (the model's inputs), keep up to 4 decimals."""


def format_number(x: float | None, digits: int = 4, *, significant: int | None = None) -> str:
    """Compact fixed-width-friendly number: ``12.5``, ``-0.0003``, ``1.2e+09``.

    Parameters
    ----------
    x : float or None
        The number (``None`` prints ``-``; NaN and infinities as ``nan``, ``inf``, ``-inf``).
    digits : int, default 4
        Decimals kept (trailing zeros dropped) when ``significant`` is None.
    significant : int, optional
        Significant figures instead: the number as printed by ``repr`` rounded half away from zero
        (``1234.5`` gives ``1235``, ``0.012345`` gives ``0.0123``); a number with more integer digits than
        ``significant`` is rounded to a whole number, never padded with zeros (``204.2975`` gives ``204``);
        no thousands separators; trailing zeros dropped (``2.50`` prints ``2.5``); below ``1e-4`` or from
        ``1e9`` on in exponent form (``1.23e-05``).

    Examples
    --------
    >>> format_number(210.3333333)
    '210.3333'
    >>> format_number(-2.0)
    '-2'
    >>> format_number(float('nan'))
    'nan'
    >>> [format_number(x, significant=3) for x in (204.2975, 35.1038, 0.012345, 27.9, 1234.5)]
    ['204', '35.1', '0.0123', '27.9', '1235']
    """
    if x is None:
        return "-"
    x = float(x)
    if not math.isfinite(x):
        return str(x)
    if significant is not None:
        return _significant(x, significant)
    if x != 0 and (abs(x) >= 1e9 or abs(x) < 10 ** (-digits)):
        return f"{x:.{digits - 1}e}"
    text = f"{x:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _significant(x: float, figures: int) -> str:
    """``x`` (finite) to ``figures`` significant figures, halves away from zero, on its shortest decimal form."""
    if x == 0:
        return "0"
    d = Decimal(repr(x))
    if abs(d) >= Decimal("1e9") or abs(d) < Decimal("1e-4"):
        rounded = d.quantize(Decimal(1).scaleb(d.adjusted() - figures + 1), rounding=ROUND_HALF_UP)
        return f"{float(rounded):.{figures - 1}e}"   # exactly `figures` digits already: no second rounding
    decimals = max(figures - 1 - d.adjusted(), 0)   # a number with more integer digits: a whole number
    text = format(d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


Cell = str | int | float | None
"""What a :class:`Summary` holds in a fact or a table cell: text, or a number formatted when it is shown."""


def _cell(value: Any) -> Cell:
    """A summary cell: text stays text, every number a Python int or float (numpy scalars included)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return _cell(value.item())
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return str(value)


def _cell_text(value: Cell, significant: int | None) -> str:
    """How a cell is shown: text as it is, a number by :func:`format_number` (``None``: ``-``)."""
    if isinstance(value, str):
        return value
    return format_number(value, significant=significant)


_LATEX_SPECIAL = str.maketrans({"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                                "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                                "^": r"\textasciicircum{}", "<": r"\textless{}", ">": r"\textgreater{}"})


def latex_escape(text: str) -> str:
    r"""``text`` with LaTeX's special characters escaped, for text mode.

    Examples
    --------
    >>> print(latex_escape("5 % of R&D_x"))
    5 \% of R\&D\_x
    """
    return str(text).translate(_LATEX_SPECIAL)


def _csv_field(value: Cell) -> str:
    """A cell for CSV: text as it is, numbers at full precision (``repr``: they read back equal), None empty."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


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

    Facts' values and table cells are text or numbers (:data:`Cell`): a number is
    kept as it is (a Python ``int`` or ``float``; numpy scalars are converted, ``None``
    shows as ``-``) and formatted only when the summary is shown, by
    :func:`format_number`: up to 4 decimals by default, or ``significant`` figures.
    :meth:`as_csv` and :meth:`to_dict` give the numbers at full precision.

    Parameters
    ----------
    title : str
    facts : sequence of (str, cell)
    columns : sequence of str
    rows : sequence of sequences of cells
    notes : sequence of str
    significant : int, optional
        Show numbers with this many significant figures (e.g. 3 for magnitudes that rest on modeling
        choices); None (the default) shows up to 4 decimals. Text cells (``"12.5%"``, ``"12 (3.4)"``) are
        shown as they are, whatever this is.

    Examples
    --------
    >>> s = Summary("Demo", facts=(("method", "exact"),), columns=("player", "payoff"),
    ...             rows=(("A", 1.5), ("B", 2.0)), notes=("a note",))
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
    >>> t = Summary("T", columns=("x",), rows=((204.2975,), (0.012345,)), significant=3)
    >>> t.text_rows
    (('204',), ('0.0123',))
    >>> print(t.as_csv())
    x
    204.2975
    0.012345
    <BLANKLINE>
    """

    title: str
    facts: tuple[tuple[str, Cell], ...] = ()
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[Cell, ...], ...] = ()
    notes: tuple[str, ...] = ()
    significant: int | None = None

    def __post_init__(self) -> None:
        sig = self.significant
        if sig is not None and (isinstance(sig, (bool, np.bool_)) or not isinstance(sig, numbers.Integral)
                                or not 1 <= int(sig) <= 17):
            raise InvalidParameterError(f"Summary(): significant must be None or an int from 1 to 17 (significant "
                                        f"figures); got {type(sig).__name__} {sig!r}")
        object.__setattr__(self, "significant", None if sig is None else int(sig))
        object.__setattr__(self, "facts", tuple((str(k), _cell(v)) for k, v in self.facts))
        object.__setattr__(self, "columns", tuple(str(c) for c in self.columns))
        object.__setattr__(self, "rows", tuple(tuple(_cell(c) for c in row) for row in self.rows))
        object.__setattr__(self, "notes", tuple(str(n) for n in self.notes))

    def with_significant(self, significant: int | None) -> Summary:
        """The same summary shown with ``significant`` figures (None: up to 4 decimals).

        Examples
        --------
        >>> Summary("T", facts=(("subsidy", 35.1038),)).with_significant(3).text_facts
        (('subsidy', '35.1'),)
        """
        return dataclasses.replace(self, significant=significant)

    @property
    def text_facts(self) -> tuple[tuple[str, str], ...]:
        """The facts as shown: every value as text, numbers formatted (see ``significant``)."""
        return tuple((k, _cell_text(v, self.significant)) for k, v in self.facts)

    @property
    def text_rows(self) -> tuple[tuple[str, ...], ...]:
        """The table's rows as shown: every cell as text, numbers formatted (see ``significant``)."""
        return tuple(tuple(_cell_text(c, self.significant) for c in row) for row in self.rows)

    def as_text(self) -> str:
        """Fixed-width text: title, facts, the table (first column left, others right aligned), notes."""
        lines = [self.title, "=" * len(self.title)]
        facts, rows = self.text_facts, self.text_rows
        if facts:
            width = max(len(k) for k, _ in facts) + 1
            lines += [f"{k + ':':<{width}} {v}" for k, v in facts]
        if self.columns:
            widths = [len(c) for c in self.columns]
            for row in rows:
                widths = [max(w, len(cell)) for w, cell in zip(widths, row)]

            def fmt(cells: Sequence[str]) -> str:
                return "  ".join(
                    cell.ljust(w) if j == 0 else cell.rjust(w) for j, (cell, w) in enumerate(zip(cells, widths))
                ).rstrip()

            rule = "-" * (sum(widths) + 2 * (len(widths) - 1))
            lines += [rule, fmt(self.columns), rule, *(fmt(r) for r in rows), rule]
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)

    __str__ = as_text

    def as_markdown(self) -> str:
        """GitHub-flavoured Markdown: a heading, a fact list, a pipe table, notes."""
        out = [f"### {self.title}", ""]
        out += [f"- **{k}**: {v}" for k, v in self.text_facts]
        if self.columns:
            out += ["", "| " + " | ".join(self.columns) + " |",
                    "|" + "|".join(":--" if j == 0 else "--:" for j in range(len(self.columns))) + "|"]
            out += ["| " + " | ".join(row) + " |" for row in self.text_rows]
        if self.notes:
            out += [""] + [f"> {n}" for n in self.notes]
        return "\n".join(out) + "\n"

    def as_html(self) -> str:
        """A self-contained HTML fragment (a ``<section>`` with a table)."""
        esc = html.escape
        parts = [f'<section class="coopgame-summary"><h3>{esc(self.title)}</h3>']
        if self.facts:
            parts.append("<dl>" + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in self.text_facts)
                         + "</dl>")
        if self.columns:
            head = "".join(f"<th>{esc(c)}</th>" for c in self.columns)
            body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in self.text_rows)
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        parts += [f'<p class="note">{esc(n)}</p>' for n in self.notes]
        parts.append("</section>")
        return "".join(parts)

    def _repr_html_(self) -> str:  # Jupyter
        return self.as_html()

    def as_latex(self) -> str:
        r"""A LaTeX ``table`` float: the title as caption, the facts, a booktabs tabular, the notes.

        Needs ``\usepackage{booktabs}``. Text is escaped (``& % $ # _ { } ~ ^ \ < >``); numbers are
        formatted as in :meth:`as_text`. The first column is left aligned, the others right aligned. A
        summary without a table puts its facts in the tabular (columns ``fact`` and ``value``).

        Examples
        --------
        >>> print(Summary("Cost 100%", columns=("city_name", "share"), rows=(("A&B", 0.25),)).as_latex())
        \begin{table}[htbp]
        \centering
        \caption{Cost 100\%}
        \begin{tabular}{lr}
        \toprule
        city\_name & share \\
        \midrule
        A\&B & 0.25 \\
        \bottomrule
        \end{tabular}
        \end{table}
        """
        esc = latex_escape
        out = [r"\begin{table}[htbp]", r"\centering", rf"\caption{{{esc(self.title)}}}"]
        if self.columns and self.facts:   # the facts as a small key-value block above the table
            out.append(r"\begin{tabular}{@{}ll@{}}")
            out += [rf"{esc(k)}: & {esc(v)} \\" for k, v in self.text_facts]
            out += [r"\end{tabular}", r"\par\medskip"]
        header, body = self._latex_table()
        if header:
            out += [rf"\begin{{tabular}}{{{'l' + 'r' * (len(header) - 1)}}}", r"\toprule",
                    " & ".join(esc(c) for c in header) + r" \\", r"\midrule"]
            out += [" & ".join(esc(c) for c in row) + r" \\" for row in body]
            out += [r"\bottomrule", r"\end{tabular}"]
        if self.notes:
            out += [r"\par\smallskip", r"\begin{minipage}{\linewidth}\footnotesize"]
            out += [rf"Note: {esc(n)}\par" for n in self.notes]
            out.append(r"\end{minipage}")
        out.append(r"\end{table}")
        return "\n".join(out)

    def _latex_table(self) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
        """Header and rows of the tabular: the table, or the facts (fact, value) for a summary without one."""
        if self.columns:
            width = len(self.columns)
            return self.columns, tuple((tuple(r) + ("",) * width)[:width] for r in self.text_rows)
        if self.facts:
            return ("fact", "value"), self.text_facts
        return (), ()

    def as_csv(self) -> str:
        """The table as CSV: a header row, then one line per row; numbers unformatted, at full precision.

        A float is written as ``repr`` writes it (the shortest text that reads back as the same float;
        ``nan``, ``inf``, ``-inf``), an int as its digits, ``None`` as an empty field, text as it is (quoted
        where needed). A summary without a table gives its facts, under the header ``fact,value``.
        ``pandas.read_csv(io.StringIO(s.as_csv()))`` reads it back with the same numbers. The
        ``significant`` option does not apply: it is for display.

        Examples
        --------
        >>> print(Summary("T", columns=("city", "share"), rows=(("A, B", 1 / 3), ("C", None))).as_csv())
        city,share
        "A, B",0.3333333333333333
        C,
        <BLANKLINE>
        """
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        if self.columns:
            writer.writerow(self.columns)
            writer.writerows([_csv_field(c) for c in row] for row in self.rows)
        elif self.facts:
            writer.writerow(("fact", "value"))
            writer.writerows((k, _csv_field(v)) for k, v in self.facts)
        return buf.getvalue()

    def cells(self) -> list[tuple[str, int, str, Cell]]:
        """Every fact and table cell in long form: ``(part, row, column, value)``.

        ``part`` is ``"fact"`` (row: its position, column: the fact's name) or ``"table"`` (row: the row's
        position from 0, column: the column's name); values as stored (numbers unformatted).

        Examples
        --------
        >>> Summary("T", facts=(("n", 2),), columns=("city", "x"), rows=(("A", 0.5),)).cells()
        [('fact', 0, 'n', 2), ('table', 0, 'city', 'A'), ('table', 0, 'x', 0.5)]
        """
        out: list[tuple[str, int, str, Cell]] = [("fact", i, k, v) for i, (k, v) in enumerate(self.facts)]
        out += [("table", i, c, v) for i, row in enumerate(self.rows) for c, v in zip(self.columns, row)]
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form of the summary itself: numbers stay numbers (non-finite ones become None)."""
        return {"title": self.title, "facts": {k: to_jsonable(v) for k, v in self.facts},
                "columns": list(self.columns), "rows": [[to_jsonable(c) for c in r] for r in self.rows],
                "notes": list(self.notes)}


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
            s = self.summary()
            if not s.columns and s.facts:   # a yes/no answer and its facts: shown as a two-column table
                s = dataclasses.replace(s, facts=(), columns=("fact", "value"), rows=tuple(s.facts))
            page = s.as_html()
            latex = getattr(self, "_repr_latex_", None)
            if latex is not None:   # symbolic results: the formulas after the table (Jupyter typesets math in HTML)
                page += f'<div class="coopgame-latex">{html.escape(latex())}</div>'
            return page
        except Exception:  # a display hook never raises; the one-line repr is shown instead
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
            row = [p, x, f"{x / total:.1%}" if abs(total) > 0 else "n/a"]
            if self.standard_errors is not None:
                row.append(self.standard_errors[i])
            if self.cost_shares is not None:
                row.append(self.cost_shares[i])
            rows.append(tuple(row))
        facts: list[tuple[str, Cell]] = [("concept", self.concept), ("method", self.method),
                                         ("players", str(len(self.players))), ("total", total),
                                         ("efficiency gap", f"{self.efficiency_gap:.1e}")]
        facts += [(k, str(v)) for k, v in self.parameters.items()]
        return Summary(title=f"{self.concept.capitalize()} allocation", facts=tuple(facts),
                       columns=tuple(columns), rows=tuple(rows))

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["by_player"] = dict(zip(self.players, self.allocation.tolist()))
        return out

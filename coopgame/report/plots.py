"""Figures for reports: phase portraits with basins, allocation bars, fund flows, sweep heat maps and lines.

matplotlib is optional (``pip install "coopgame-regional[plots]"``) and is
imported only when a figure is drawn. Figures are built on
:class:`matplotlib.figure.Figure` directly, never through ``pyplot``, so no
global state or display back end is touched: the same code works in a script,
a notebook and a headless CI job. Each function returns the figure (a
:class:`~coopgame.report._figure.ReportFigure`, which a notebook displays as PNG without importing
pyplot); pass ``ax=`` to draw into an axes of your own instead.

Reading well: legends sit outside the data; beyond six cities the allocation
figure is small multiples of horizontal bars (one panel per rule); titles wrap
to the figure's width; value axes name their unit. ``labels="zh"`` shows the
cities by their Chinese names from the seed tables (:mod:`coopgame.report.labels`);
the text is drawn with a font fallback list ending in an installed CJK font
(:func:`cjk_font`), and a :class:`~coopgame.errors.CoopgameWarning` says so
when Chinese text is asked for and no CJK font is installed.

Examples
--------
>>> from coopgame import plots
>>> fig = plots.allocation_bars(["A", "B"], {"Shapley": [1.0, 2.0], "equal": [1.5, 1.5]})
>>> png = plots.figure_png(fig)
>>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
True
>>> fig._repr_png_()[:4] == b"\\x89PNG"   # what Jupyter shows
True
"""

from __future__ import annotations

import functools
import numbers
import os
import re
import unicodedata
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from coopgame._validation import _short, as_float_array
from coopgame.errors import CoopgameWarning, InvalidParameterError
from coopgame.report.labels import check_labels, display_name, translate

__all__ = [
    "phase_portrait",
    "allocation_bars",
    "fund_flows",
    "sweep_heatmap",
    "sweep_line",
    "figure_png",
    "save_png",
    "replicator_field",
    "cjk_font",
    "wrap_text",
    "font_family",
]

# Colour-blind-safe palette (Okabe–Ito), in a fixed order so reports look the same run to run.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
_TITLE_PT = 12.0
_MAX_WIDTH = 12.0   # inches: no figure wider than a page in landscape
_BARS_MAX_CITIES = 6   # beyond: small multiples of horizontal bars

# CJK fonts in order of preference (Simplified Chinese first), by family name, and file-name stems to look for
# when matplotlib's font cache predates the font's installation.
_CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "Noto Sans SC",
                 "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Microsoft YaHei", "SimHei", "PingFang SC",
                 "Hiragino Sans GB", "Heiti SC", "STHeiti", "Source Han Sans", "Noto Sans CJK TC",
                 "Noto Sans CJK JP", "Noto Sans CJK HK", "Noto Sans CJK KR", "Droid Sans Fallback",
                 "AR PL UMing CN", "Noto Serif CJK SC")
_CJK_FILE_STEMS = ("notosanscjk", "notosanssc", "sourcehansans", "wqy", "simhei", "msyh", "pingfang",
                   "droidsansfallback", "uming", "notoserifcjk")
_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")


@functools.lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The family name of an installed font with Chinese glyphs, or None when there is none.

    Looks through matplotlib's font list for the families of ``_CJK_FAMILIES``
    (Noto Sans CJK SC, Source Han Sans, WenQuanYi, Microsoft YaHei, SimHei ...);
    a CJK font installed after matplotlib built its font cache is found among
    the system's font files and added. Cached for the session.

    Examples
    --------
    >>> name = cjk_font()
    >>> name is None or isinstance(name, str)
    True
    """
    try:
        from matplotlib import font_manager as fm
    except ImportError:  # pragma: no cover - exercised only without the extra
        return None

    def first() -> str | None:
        names = {f.name for f in fm.fontManager.ttflist}
        return next((name for name in _CJK_FAMILIES if name in names), None)

    found = first()
    if found is None:   # a stale font cache: add the system's CJK font files
        for path in fm.findSystemFonts():
            stem = os.path.basename(path).lower().replace("-", "").replace("_", "")
            if any(key in stem for key in _CJK_FILE_STEMS):
                try:
                    fm.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):  # an unreadable font file is passed over
                    continue
        found = first()
    return found


def font_family() -> list[str]:
    """The font fallback list figures are drawn with: matplotlib's ``font.family``, then the CJK font if any.

    matplotlib (3.6 and later) takes each glyph from the first family in the
    list that has it, so Latin text keeps the default font and Chinese text
    falls back to :func:`cjk_font`.

    Examples
    --------
    >>> font_family()[0]
    'sans-serif'
    """
    import matplotlib

    family = list(matplotlib.rcParams["font.family"])
    cjk = cjk_font()
    return family + [cjk] if cjk is not None and cjk not in family else family


def _has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def _figure_class() -> type:
    """The :class:`~coopgame.report._figure.ReportFigure` class (matplotlib is imported only when a figure is drawn)."""
    try:
        from coopgame.report._figure import ReportFigure
    except ImportError:  # pragma: no cover - exercised only without the extra
        raise ImportError(
            "coopgame.report.plots needs matplotlib; install it with: pip install \"coopgame-regional[plots]\""
        ) from None
    return ReportFigure


def _figure(ax: Any, size: tuple[float, float]) -> tuple[Any, Any]:
    """Return (figure, axes): a new Agg-backed figure unless the caller passed an axes."""
    if ax is not None:
        return ax.figure, ax
    fig = _figure_class()(figsize=(min(size[0], _MAX_WIDTH), size[1]), layout="constrained")
    return fig, fig.add_subplot()


def _em(text: str) -> float:
    """Width of ``text`` in ems, roughly: a wide (CJK) character is one em, any other about 0.6."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6 for c in text)


def wrap_text(text: str, width_in: float, size_pt: float = _TITLE_PT) -> str:
    """``text`` broken into lines that fit ``width_in`` inches at ``size_pt`` points (words kept whole;
    Chinese, which has no spaces, broken between characters).

    >>> wrap_text("a long title " * 4, 2.0)
    'a long title a long\\ntitle a long title a\\nlong title'
    """
    func = "wrap_text"
    if not isinstance(text, str):
        raise InvalidParameterError(f"{func}(): text must be a str; got {type(text).__name__} {_short(text)}")
    for name, value in (("width_in", width_in), ("size_pt", size_pt)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < float(value) < 1e4:
            raise InvalidParameterError(f"{func}(): {name} must be a positive number (below 10000); got "
                                        f"{type(value).__name__} {_short(value)}")
    limit = max(8.0, width_in * 72.0 / size_pt * 0.95)
    lines = []
    for para in str(text).split("\n"):
        line, used = "", 0.0
        for token in re.findall(r"[\u2e80-\u9fff\uff00-\uffef]|[^\s\u2e80-\u9fff\uff00-\uffef]+|\s+", para):
            if token.isspace():
                if line:
                    line, used = line + " ", used + 0.3
                continue
            w = _em(token)
            if line and used + w > limit:
                lines.append(line.rstrip())
                line, used = "", 0.0
            line, used = line + token, used + w
        lines.append(line.rstrip())
    return "\n".join(lines)


def _title(ax: Any, text: str, width_in: float | None = None) -> None:
    """Set the axes title, wrapped to the axes' share of the figure width."""
    if width_in is None:
        width_in = ax.figure.get_figwidth() * ax.get_position().width
    ax.set_title(wrap_text(text, width_in), fontsize=_TITLE_PT)


def _finish(fig: Any, target: Any, labels: str, func: str) -> Any:
    """Set the font fallback list on every text of ``target`` (the figure or the caller's axes); warn when
    Chinese text is asked for or present and no CJK font is installed."""
    from matplotlib.text import Text

    texts = target.findobj(Text)
    wants_cjk = labels == "zh" or any(_has_cjk(t.get_text()) for t in texts)
    if wants_cjk and cjk_font() is None:
        warnings.warn(f"{func}(): no CJK font is installed, so Chinese labels will show as empty boxes; install "
                      "one (Debian/Ubuntu: apt-get install fonts-noto-cjk; or Source Han Sans, WenQuanYi, "
                      "Microsoft YaHei, SimHei) and rerun", CoopgameWarning, stacklevel=3)
    family = font_family()
    for ax in (fig.axes if target is fig else [target]):
        ax.tick_params(which="both", labelfontfamily=family)   # tick labels drawn later get it too
    for t in texts:
        t.set_fontfamily(family)
    return fig


def _check_figure(fig: Any, func: str) -> None:
    if not callable(getattr(fig, "savefig", None)):
        raise InvalidParameterError(f"{func}(): fig must be a matplotlib Figure; got {type(fig).__name__}")


def figure_png(fig: Any) -> bytes:
    """The figure as PNG bytes (for embedding in HTML)."""
    _check_figure(fig, "figure_png")
    from coopgame.report._figure import png_bytes

    return png_bytes(fig)


def save_png(fig: Any, path: str | Path) -> Path:
    """Write the figure to ``path`` as PNG and return the path."""
    func = "save_png"
    _check_figure(fig, func)
    if isinstance(path, bytes) or not isinstance(path, (str, os.PathLike)) or not str(path).strip():
        raise InvalidParameterError(f"{func}(): path must be a file system path (str or pathlib.Path); got "
                                    f"{type(path).__name__} {path!r}"[:300])
    path = Path(path)
    png = figure_png(fig)
    try:
        path.write_bytes(png)
    except OSError as err:
        raise InvalidParameterError(f"{func}(): cannot write {str(path)[:120]!r}: {err.strerror or err}") from None
    return path


# ---------------------------------------------------------------------------------------------- argument checks
def _labels(value: Any, func: str, name: str, n: int | None = None) -> list[str]:
    """A sequence of str labels (``n`` of them when given); a bare string is refused, not split into letters."""
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (Sequence, np.ndarray)) or \
            not all(isinstance(v, (str, np.str_)) for v in value) or (n is not None and len(value) != n):
        want = f"{n} " if n is not None else ""
        raise InvalidParameterError(f"{func}(): {name} must be a sequence of {want}str labels; got "
                                    f"{type(value).__name__} {_short(value)}")
    return [str(v) for v in value]


def _text(value: Any, func: str, name: str, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise InvalidParameterError(f"{func}(): {name} must be a str{' or None' if optional else ''}; got "
                                    f"{type(value).__name__} {_short(value)}")
    return value



def _values(value: Any, func: str, name: str, n: int) -> np.ndarray:
    """A length-``n`` real vector; NaN and ±inf are kept (a report may hold them) and drawn as gaps."""
    return as_float_array(value, func=func, name=name, shape=(n,), error=InvalidParameterError, allow_nan=True)


def _finite_or_nan(x: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(x), x, np.nan)


def _point(value: Any, func: str, name: str) -> tuple[float, float]:
    xy = as_float_array(value, func=func, name=name, shape=(2,), error=InvalidParameterError)
    return float(xy[0]), float(xy[1])


def replicator_field(payoffs_a: ArrayLike, payoffs_b: ArrayLike, x: ArrayLike, y: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Two-population replicator velocity ``(dx/dt, dy/dt)`` of a 2×2 game at shares ``(x, y)``.

    Strategy 0 is *cooperate*: ``x`` is the share of the row population
    cooperating, ``y`` the column population's. ``x`` and ``y`` broadcast.

    Examples
    --------
    Prisoner's dilemma: defection spreads in both populations.

    >>> A = [[3, 0], [5, 1]]
    >>> dx, dy = replicator_field(A, [[3, 5], [0, 1]], 0.5, 0.5)
    >>> float(dx), float(dy)
    (-0.375, -0.375)
    """
    from coopgame.dynamics import replicator_field as field

    func = "replicator_field"
    a = as_float_array(payoffs_a, func=func, name="payoffs_a", shape=(2, 2), error=InvalidParameterError)
    b = as_float_array(payoffs_b, func=func, name="payoffs_b", shape=(2, 2), error=InvalidParameterError)
    xs = as_float_array(x, func=func, name="x", error=InvalidParameterError)
    ys = as_float_array(y, func=func, name="y", error=InvalidParameterError)
    try:
        x, y = np.broadcast_arrays(xs, ys)
    except ValueError:
        raise InvalidParameterError(f"{func}(): x and y must broadcast together; got shapes {xs.shape} and "
                                    f"{ys.shape}") from None
    # the dynamics layer's field (coopgame.dynamics.replicator_field), evaluated on the flattened grid
    velocity = field((a, b), np.stack([x.ravel(), y.ravel()], axis=1))
    return velocity[:, 0].reshape(x.shape), velocity[:, 1].reshape(x.shape)


_REST_STYLE = {  # label -> (marker, face colour)
    "ESS": ("o", "black"),
    "saddle": ("D", "white"),
    "source": ("o", "white"),
    "centre": ("s", "white"),
}


def _legend_outside(ax: Any, **kw: Any) -> Any:
    """A legend to the right of the axes, outside the data (constrained layout makes room for it)."""
    return ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, fontsize="small",
                     frameon=False, **kw)


def phase_portrait(
    payoffs_a: ArrayLike,
    payoffs_b: ArrayLike,
    *,
    basin: ArrayLike | None = None,
    basin_labels: Sequence[str] = (),
    rest_points: Sequence[tuple[float, float, str]] = (),
    players: Sequence[str] = ("row city", "column city"),
    initial: tuple[float, float] | None = None,
    title: str | None = None,
    labels: str = "en",
    ax: Any = None,
) -> Any:
    """Replicator phase portrait of a 2×2 game on the unit square, with basins of attraction.

    Parameters
    ----------
    payoffs_a, payoffs_b : array_like, shape (2, 2)
        Row and column players' payoffs; strategy 0 is *cooperate*.
    basin : array_like of int, shape (ny, nx), optional
        For a grid of initial states (``x`` along columns, ``y`` along rows,
        both from 0 to 1), the index into ``basin_labels`` of the state each
        one converges to (``-1``: none). Drawn as shaded regions.
    basin_labels : sequence of str
        Names of the attractors indexed by ``basin``.
    rest_points : sequence of (x, y, label)
        Rest points to mark; labels ``ESS``, ``saddle``, ``source``, ``centre``
        get distinct markers.
    players : (str, str)
        Axis names.
    initial : (float, float), optional
        An initial state to mark (e.g. the model's observed cooperation shares).
    labels : {"en", "zh"}
        ``"zh"``: the players by their Chinese names (seed tables) and the fixed words in Chinese.

    Returns
    -------
    ReportFigure
        A :class:`matplotlib.figure.Figure` (the caller's, when ``ax`` is given).

    Examples
    --------
    >>> fig = phase_portrait([[3, 0], [5, 1]], [[3, 5], [0, 1]], rest_points=[(0, 0, "ESS")])
    >>> fig.axes[0].get_xlabel()
    'share of row city cooperating (x)'
    """
    func = "phase_portrait"
    a = as_float_array(payoffs_a, func=func, name="payoffs_a", shape=(2, 2), error=InvalidParameterError)
    b = as_float_array(payoffs_b, func=func, name="payoffs_b", shape=(2, 2), error=InvalidParameterError)
    # The field is linear in the payoffs: drawing it at unit scale gives the same streamlines and cannot overflow.
    scale = float(max(np.abs(a).max(), np.abs(b).max())) or 1.0
    a, b = a / scale, b / scale
    grid = None
    if basin is not None:
        grid = as_float_array(basin, func=func, name="basin", ndim=2, error=InvalidParameterError)
        if grid.size == 0 or np.any(grid != np.round(grid)) or np.any(grid < -1):
            raise InvalidParameterError(f"{func}(): basin must be a non-empty 2-D grid of attractor indices "
                                        f"(integers >= -1); got {_short(np.asarray(basin).tolist())}")
    names = _labels(basin_labels, func, "basin_labels")
    if grid is not None:
        top = len(names) if names else 64  # one colour per attractor: a bounded legend
        if grid.max() >= top:
            raise InvalidParameterError(f"{func}(): basin indices must be below {top} (the number of basin_labels, "
                                        f"or 64 without labels); got {grid.max():.0f}")
        grid = grid.astype(np.int64)
    marks = []
    for k, item in enumerate(rest_points):
        if isinstance(item, (str, bytes)) or not isinstance(item, Sequence) or len(item) != 3:
            raise InvalidParameterError(f"{func}(): rest_points[{k}] must be (x, y, label); got {_short(item)}")
        x, y = _point(item[:2], func, f"rest_points[{k}][:2]")
        marks.append((x, y, _text(item[2], func, f"rest_points[{k}][2]")))
    labels = check_labels(labels, func)
    players = [display_name(p, labels) for p in _labels(players, func, "players", 2)]
    if initial is not None:
        initial = _point(initial, func, "initial")
    title = _text(title, func, "title", optional=True)
    zh = labels == "zh"
    own = ax is None
    fig, ax = _figure(ax, (7.4, 4.8))
    if grid is not None:
        from matplotlib.colors import ListedColormap
        from matplotlib.patches import Patch

        k = max(len(names), int(grid.max()) + 1, 1)
        colours = ["#dddddd"] + [PALETTE[i % len(PALETTE)] for i in range(k)]
        ax.imshow(grid + 1, origin="lower", extent=(0, 1, 0, 1), cmap=ListedColormap(colours),
                  vmin=0, vmax=k, alpha=0.28, interpolation="nearest", aspect="auto")
        # Attractors reached from at least 0.5% of the grid (a corner that is a source only "attracts" itself).
        shown = [int(v) for v in np.unique(grid) if v >= 0 and np.mean(grid == v) >= 0.005]
        word = "吸引域" if zh else "basin of"
        handles = [Patch(color=PALETTE[i % len(PALETTE)], alpha=0.45,
                         label=wrap_text(f"{word} {names[i] if i < len(names) else i}: "
                                         f"{float(np.mean(grid == i)):.0%}", 2.0, 9.0)) for i in shown]
        if handles:
            _legend_outside(ax, handles=handles)
    xs = np.linspace(0, 1, 25)
    gx, gy = np.meshgrid(xs, xs)
    u, v = replicator_field(a, b, gx, gy)
    speed = np.hypot(u, v)
    ax.streamplot(gx, gy, u, v, color=speed, cmap="Greys", density=1.1, linewidth=0.8, arrowsize=0.9)
    for x, y, label in marks:
        marker, face = _REST_STYLE.get(label, ("x", "black"))
        ax.plot([x], [y], marker=marker, markersize=9, markerfacecolor=face, markeredgecolor="black",
                linestyle="none", zorder=5, clip_on=False)
        # Label inside the square, away from the nearest edge.
        dx, dy = (-8 if x > 0.8 else 8), (-10 if y > 0.8 else 8)
        ax.annotate(label, (x, y), textcoords="offset points", xytext=(dx, dy), fontsize="small", zorder=6,
                    ha="right" if dx < 0 else "left", va="top" if dy < 0 else "bottom")
    if initial is not None:
        ax.plot([initial[0]], [initial[1]], marker="*", markersize=15, color=PALETTE[3], markeredgecolor="black",
                linestyle="none", zorder=6, clip_on=False)
        ax.annotate(translate("initial shares", labels), initial, textcoords="offset points", xytext=(8, -12),
                    fontsize="small", color=PALETTE[3], zorder=6)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    if zh:
        ax.set_xlabel(f"{players[0]}合作的比例 (x)")
        ax.set_ylabel(f"{players[1]}合作的比例 (y)")
    else:
        ax.set_xlabel(f"share of {players[0]} cooperating (x)")
        ax.set_ylabel(f"share of {players[1]} cooperating (y)")
    _title(ax, translate(title or "Replicator dynamics", labels), 4.6 if own else None)
    return _finish(fig, fig if own else ax, labels, func)


def allocation_bars(
    players: Sequence[str],
    allocations: Mapping[str, ArrayLike],
    *,
    status_quo: ArrayLike | None = None,
    ylabel: str = "payoff",
    title: str | None = None,
    labels: str = "en",
    ax: Any = None,
) -> Any:
    """Each city's allocation under each rule, optionally with its status quo as a marker.

    Up to six cities: grouped vertical bars, the legend to the right of the
    data. Beyond six: small multiples, one panel of horizontal bars per rule
    with the cities down the side, at most four panels a row and at most 12
    inches wide (a 13- or 26-city figure reads like a table).

    Parameters
    ----------
    players : sequence of str
    allocations : mapping rule name -> array_like, shape (n,)
    status_quo : array_like, shape (n,), optional
        Drawn as a black tick per city (what it gets without the fund).
    ylabel : str
        The value axis: what is allocated and its unit, e.g. ``"payoff (100 million yuan per year)"``.
    labels : {"en", "zh"}
        ``"zh"``: cities by their Chinese names (seed tables), fixed words in Chinese.
    ax : matplotlib Axes, optional
        Draw the grouped bars into this axes (any number of cities).

    Returns
    -------
    ReportFigure

    Examples
    --------
    >>> cities = [f"c{i}" for i in range(13)]
    >>> fig = allocation_bars(cities, {"Shapley": range(13), "equal": [6.0] * 13}, ylabel="payoff (yuan)")
    >>> len(fig.axes), bool(fig.get_figwidth() <= 12)
    (2, True)
    """
    func = "allocation_bars"
    players = _labels(players, func, "players")
    n = len(players)
    if not isinstance(allocations, Mapping):
        raise InvalidParameterError(f"{func}(): allocations must be a mapping rule name -> values; got "
                                    f"{type(allocations).__name__}")
    if not allocations:
        raise InvalidParameterError("allocation_bars(): allocations must name at least one rule; got none")
    rows = {str(name): _values(vals, func, f"allocations[{name!r}]", n) for name, vals in allocations.items()}
    sq = None if status_quo is None else _values(status_quo, func, "status_quo", n)
    ylabel = _text(ylabel, func, "ylabel")
    title = _text(title, func, "title", optional=True)
    labels = check_labels(labels, func)
    shown = [display_name(p, labels) for p in players]
    value_label = _translate_value_label(ylabel, labels)
    title = translate(title or "Allocation by sharing rule", labels)
    sq_label = translate("status quo", labels)
    if ax is None and n > _BARS_MAX_CITIES:
        return _allocation_panels(shown, rows, sq, value_label, title, sq_label, labels, func)
    own = ax is None
    fig, ax = _figure(ax, (min(10.0, max(5.6, 0.9 * n * max(1, len(rows) / 2) + 3.0)), 4.2))
    width = 0.8 / len(rows)
    centres = np.arange(n)
    for k, (name, vals) in enumerate(rows.items()):
        where = centres - 0.4 + width * (k + 0.5)
        ax.bar(where, _finite_or_nan(vals), width, label=name, color=PALETTE[k % len(PALETTE)])
        for c, v in zip(where, vals):
            if not np.isfinite(v):  # a gap in the bars, said in words
                ax.annotate(str(v), (c, 0), textcoords="offset points", xytext=(0, 3), ha="center",
                            fontsize="x-small", rotation=90)
    if sq is not None:
        ax.scatter(centres, _finite_or_nan(sq), marker="_", s=600, color="black", zorder=5, label=sq_label)
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_xticks(centres, shown, rotation=30 if n > _BARS_MAX_CITIES else 0,
                  ha="right" if n > _BARS_MAX_CITIES else "center")
    ax.set_ylabel(value_label)
    _legend_outside(ax)
    _title(ax, title, fig.get_figwidth() * 0.7 if own else None)
    return _finish(fig, fig if own else ax, labels, func)


def _translate_value_label(label: str, labels: str) -> str:
    """``"payoff (unit)"`` with its fixed word translated for ``"zh"`` (the unit as the model gives it)."""
    word, sep, rest = label.partition(" (")
    return translate(word, labels) + sep + rest


def _allocation_panels(shown: list[str], rows: dict[str, np.ndarray], sq: np.ndarray | None, value_label: str,
                       title: str, sq_label: str, labels: str, func: str) -> Any:
    """Small multiples: one panel of horizontal bars per rule, cities top to bottom in the players' order."""
    from matplotlib.lines import Line2D

    n, k = len(shown), len(rows)
    cols = min(k, 4)
    nrows = -(-k // cols)
    longest = max(_em(s) for s in shown)
    width = min(_MAX_WIDTH, 1.0 + 0.09 * longest + 2.3 * cols)
    fig = _figure_class()(figsize=(width, 1.1 + nrows * (0.6 + 0.2 * n)), layout="constrained")
    axes = fig.subplots(nrows, cols, sharex=True, sharey=True, squeeze=False)   # one scale: rules compare
    order = np.arange(n)[::-1]
    for j, (name, vals) in enumerate(rows.items()):
        ax = axes[j // cols][j % cols]
        ax.barh(order, _finite_or_nan(vals), 0.75, color=PALETTE[j % len(PALETTE)])
        for y, v in zip(order, vals):
            if not np.isfinite(v):  # a gap in the bars, said in words
                ax.annotate(str(v), (0, y), textcoords="offset points", xytext=(3, 0), va="center",
                            fontsize="x-small")
        if sq is not None:
            ax.scatter(_finite_or_nan(sq), order, marker="|", s=90, linewidths=1.6, color="black", zorder=5)
        ax.axvline(0, color="black", linewidth=0.6)
        ax.set_title(wrap_text(name, width / cols, 10.0), fontsize=10.0)
        ax.tick_params(axis="x", labelsize="small", labelbottom=True)   # every panel keeps its scale
        ax.grid(axis="x", color="#e3e8ef", linewidth=0.6)
        ax.set_axisbelow(True)
    axes[0][0].set_yticks(order, shown)
    for j in range(k, nrows * cols):
        axes[j // cols][j % cols].set_visible(False)
    fig.supxlabel(wrap_text(value_label, width, 10.0), fontsize=10.0)
    fig.suptitle(wrap_text(title, width), fontsize=_TITLE_PT)
    if sq is not None:
        fig.legend(handles=[Line2D([], [], marker="|", markersize=10, markeredgewidth=1.6, color="black",
                                   linestyle="none", label=sq_label)],
                   loc="outside right upper", fontsize="small", frameon=False)
    return _finish(fig, fig, labels, func)


def fund_flows(
    players: Sequence[str],
    net_transfers: ArrayLike,
    *,
    flows: Sequence[tuple[str, str, float]] = (),
    unit: str = "",
    title: str | None = None,
    labels: str = "en",
    ax: Any = None,
) -> Any:
    """Diverging horizontal bars of each city's net transfer (right: receives, left: pays).

    Parameters
    ----------
    players : sequence of str
    net_transfers : array_like, shape (n,)
        Positive: the city receives from the fund; negative: it pays in.
    flows : sequence of (payer, payee, amount)
        "Who pays whom": checked, not drawn; a report lists them in a table beside the figure
        (:func:`coopgame.report.html.render_html`), where any number of them stays readable.
    unit : str
        The unit of the transfers, on the value axis.
    labels : {"en", "zh"}
        ``"zh"``: cities by their Chinese names (seed tables), fixed words in Chinese.

    Returns
    -------
    ReportFigure

    Examples
    --------
    >>> fig = fund_flows(["A", "B"], [1.5, -1.5], unit="yuan")
    >>> fig.axes[0].get_xlabel()
    'net transfer (yuan): pays < 0 < receives'
    """
    func = "fund_flows"
    players = _labels(players, func, "players")
    n = len(players)
    net = _values(net_transfers, func, "net_transfers", n)
    for k, f in enumerate(flows):
        if isinstance(f, (str, bytes)) or not isinstance(f, Sequence) or len(f) != 3 or \
                not all(isinstance(p, str) for p in f[:2]) or isinstance(f[2], bool) or \
                not isinstance(f[2], numbers.Real):
            raise InvalidParameterError(f"{func}(): flows[{k}] must be (payer, payee, amount) with str names and "
                                        f"a real amount; got {_short(f)}")
    unit = _text(unit, func, "unit")
    title = _text(title, func, "title", optional=True)
    labels = check_labels(labels, func)
    shown = [display_name(p, labels) for p in players]
    own = ax is None
    fig, ax = _figure(ax, (7.2, 1.5 + 0.3 * n))
    order = np.arange(n)[::-1]
    colours = [PALETTE[2] if v >= 0 else PALETTE[3] for v in net]
    finite = np.isfinite(net)
    ax.barh(order, _finite_or_nan(net), color=colours)
    ax.set_yticks(order, shown)
    ax.axvline(0, color="black", linewidth=0.8)
    span = float(np.max(np.abs(net[finite]))) if finite.any() else 0.0
    span = span or 1.0
    for y, v, ok in zip(order, net, finite):
        at = v if ok else 0.0  # a non-finite transfer is written at the axis, not drawn
        ax.text(at + (0.02 if at >= 0 else -0.02) * span, y, f"{v:+.4g}", va="center",
                ha="left" if at >= 0 else "right", fontsize="small")
    ax.set_xlim(-1.35 * span, 1.35 * span)
    if labels == "zh":
        ax.set_xlabel(f"净转移{f' ({unit})' if unit else ''}：支付 < 0 < 接收")
    else:
        ax.set_xlabel(f"net transfer{f' ({unit})' if unit else ''}: pays < 0 < receives")
    _title(ax, translate(title or "Fund flows", labels), fig.get_figwidth() * 0.75 if own else None)
    return _finish(fig, fig if own else ax, labels, func)


def _axis_label(text: str, func: str, name: str, labels: str) -> str:
    return translate(_text(text, func, name), labels)


def sweep_heatmap(
    x: ArrayLike,
    y: ArrayLike,
    z: ArrayLike,
    *,
    xlabel: str,
    ylabel: str,
    zlabel: str,
    categories: Sequence[str] | None = None,
    title: str | None = None,
    labels: str = "en",
    ax: Any = None,
) -> Any:
    """Heat map of an outcome over a two-parameter grid.

    Parameters
    ----------
    x, y : array_like, shapes (nx,), (ny,)
        Grid values of the two swept parameters.
    z : array_like, shape (ny, nx)
        The outcome; with ``categories``, integer codes indexing them (e.g. regimes).
    xlabel, ylabel, zlabel : str
        The swept parameters and the outcome, each with its unit (``"reward (100 million yuan)"``).

    Returns
    -------
    ReportFigure

    Examples
    --------
    >>> fig = sweep_heatmap([0, 1], [0, 1, 2], [[0, 1], [1, 2], [2, 3]], xlabel="a", ylabel="b", zlabel="c (yuan)")
    >>> fig.axes[1].get_ylabel()
    'c (yuan)'
    """
    func = "sweep_heatmap"
    xv = as_float_array(x, func=func, name="x", ndim=1, error=InvalidParameterError)
    yv = as_float_array(y, func=func, name="y", ndim=1, error=InvalidParameterError)
    zv = as_float_array(z, func=func, name="z", error=InvalidParameterError, allow_nan=True)
    if zv.shape != (yv.size, xv.size):
        raise InvalidParameterError(
            f"sweep_heatmap(): z must have shape (len(y), len(x)) = {(yv.size, xv.size)}; got {zv.shape}")
    if xv.size == 0 or yv.size == 0:
        raise InvalidParameterError(f"{func}(): x and y must each hold at least one grid value; got {xv.size} and "
                                    f"{yv.size}")
    xlabel, ylabel, zlabel = (_text(v, func, k) for v, k in ((xlabel, "xlabel"), (ylabel, "ylabel"),
                                                             (zlabel, "zlabel")))
    title = _text(title, func, "title", optional=True)
    labels = check_labels(labels, func)
    zv = _finite_or_nan(zv)  # an undefined outcome is a blank cell
    if categories is not None:
        categories = _labels(categories, func, "categories")
        codes = zv[np.isfinite(zv)]
        if np.any(codes != np.round(codes)) or np.any(codes < 0) or np.any(codes >= len(categories)):
            raise InvalidParameterError(f"{func}(): with categories, z must hold integer codes 0 .. "
                                        f"{len(categories) - 1}; got values {np.unique(codes)[:8].tolist()}")
    own = ax is None
    fig, ax = _figure(ax, (7.6, 4.6))
    if categories:
        from matplotlib.colors import ListedColormap
        from matplotlib.patches import Patch

        cmap = ListedColormap([PALETTE[i % len(PALETTE)] for i in range(len(categories))])
        ax.pcolormesh(xv, yv, zv, cmap=cmap, vmin=-0.5, vmax=len(categories) - 0.5, shading="nearest")
        present = sorted(set(int(c) for c in np.unique(zv[np.isfinite(zv)])))
        _legend_outside(ax, handles=[Patch(color=PALETTE[i % len(PALETTE)], label=wrap_text(categories[i], 2.2, 9.0))
                                     for i in present])
    else:
        mesh = ax.pcolormesh(xv, yv, zv, cmap="viridis", shading="nearest")
        fig.colorbar(mesh, ax=ax, label=wrap_text(translate(zlabel, labels), 4.2, 10.0))
    ax.set_xlabel(translate(xlabel, labels))
    ax.set_ylabel(translate(ylabel, labels))
    _title(ax, translate(title or zlabel, labels), fig.get_figwidth() * 0.65 if own else None)
    return _finish(fig, fig if own else ax, labels, func)


def sweep_line(
    x: ArrayLike,
    z: ArrayLike,
    *,
    xlabel: str,
    zlabel: str,
    categories: Sequence[str] | None = None,
    title: str | None = None,
    labels: str = "en",
    ax: Any = None,
) -> Any:
    """An outcome over a one-parameter grid, as a line (a step line with named levels for categories).

    Parameters
    ----------
    x : array_like, shape (nx,)
        Grid values of the swept parameter.
    z : array_like, shape (nx,)
        The outcome; with ``categories``, integer codes indexing them (e.g. regimes). NaN: a gap.
    xlabel, zlabel : str
        The swept parameter and the outcome, each with its unit.

    Returns
    -------
    ReportFigure

    Examples
    --------
    >>> fig = sweep_line([0, 1, 2], [0.5, -0.2, -1.0], xlabel="reward (yuan)", zlabel="margin (yuan)")
    >>> fig.axes[0].lines[0].get_ydata().tolist()
    [0.5, -0.2, -1.0]
    """
    func = "sweep_line"
    xv = as_float_array(x, func=func, name="x", ndim=1, error=InvalidParameterError)
    if xv.size == 0:
        raise InvalidParameterError(f"{func}(): x must hold at least one grid value; got none")
    zv = as_float_array(z, func=func, name="z", shape=(xv.size,), error=InvalidParameterError, allow_nan=True)
    xlabel = _axis_label(xlabel, func, "xlabel", "en")
    zlabel = _axis_label(zlabel, func, "zlabel", "en")
    title = _text(title, func, "title", optional=True)
    labels = check_labels(labels, func)
    zv = _finite_or_nan(zv)
    if categories is not None:
        categories = _labels(categories, func, "categories")
        codes = zv[np.isfinite(zv)]
        if np.any(codes != np.round(codes)) or np.any(codes < 0) or np.any(codes >= len(categories)):
            raise InvalidParameterError(f"{func}(): with categories, z must hold integer codes 0 .. "
                                        f"{len(categories) - 1}; got values {np.unique(codes)[:8].tolist()}")
    own = ax is None
    fig, ax = _figure(ax, (7.2, 4.2))
    marker = "o" if xv.size <= 40 else None
    if categories:
        ax.plot(xv, zv, drawstyle="steps-mid", marker=marker, color=PALETTE[0])
        ax.set_yticks(np.arange(len(categories)), [wrap_text(c, 2.4, 9.0) for c in categories])
        ax.set_ylim(-0.5, len(categories) - 0.5)
    else:
        ax.plot(xv, zv, marker=marker, color=PALETTE[0])
        if np.nanmin(zv, initial=np.inf) < 0 < np.nanmax(zv, initial=-np.inf):
            ax.axhline(0, color="black", linewidth=0.6)
    ax.grid(color="#e3e8ef", linewidth=0.6)
    ax.set_xlabel(translate(xlabel, labels))
    ax.set_ylabel(wrap_text(translate(zlabel, labels), 3.6, 10.0))
    _title(ax, translate(title or zlabel, labels), fig.get_figwidth() * 0.8 if own else None)
    return _finish(fig, fig if own else ax, labels, func)

"""Figures for reports: phase portraits with basins, allocation bars, fund flows, sweep heat maps.

matplotlib is optional (``pip install "coopgame-regional[plots]"``) and is
imported only when a figure is drawn. Figures are built on
:class:`matplotlib.figure.Figure` directly, never through ``pyplot``, so no
global state or display back end is touched: the same code works in a script,
a notebook and a headless CI job. Each function returns the figure; pass
``ax=`` to draw into an axes of your own instead.

Examples
--------
>>> from coopgame import plots
>>> fig = plots.allocation_bars(["A", "B"], {"Shapley": [1.0, 2.0], "equal": [1.5, 1.5]})
>>> png = plots.figure_png(fig)
>>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
True
"""

from __future__ import annotations

import io
import numbers
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from coopgame._validation import _short, as_float_array
from coopgame.errors import InvalidParameterError

__all__ = [
    "phase_portrait",
    "allocation_bars",
    "fund_flows",
    "sweep_heatmap",
    "figure_png",
    "save_png",
    "replicator_field",
]

# Colour-blind-safe palette (Okabe–Ito), in a fixed order so reports look the same run to run.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
_DPI = 110


def _figure(ax: Any, size: tuple[float, float]) -> tuple[Any, Any]:
    """Return (figure, axes): a new Agg-backed figure unless the caller passed an axes."""
    if ax is not None:
        return ax.figure, ax
    try:
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover - exercised only without the extra
        raise ImportError(
            "coopgame.report.plots needs matplotlib; install it with: pip install \"coopgame-regional[plots]\""
        ) from None
    fig = Figure(figsize=size, dpi=_DPI, layout="constrained")
    return fig, fig.add_subplot()


def _check_figure(fig: Any, func: str) -> None:
    if not callable(getattr(fig, "savefig", None)):
        raise InvalidParameterError(f"{func}(): fig must be a matplotlib Figure; got {type(fig).__name__}")


def figure_png(fig: Any) -> bytes:
    """The figure as PNG bytes (for embedding in HTML)."""
    _check_figure(fig, "figure_png")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=_DPI)
    return buf.getvalue()


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

    Returns
    -------
    matplotlib.figure.Figure
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
    labels = _labels(basin_labels, func, "basin_labels")
    if grid is not None:
        top = len(labels) if labels else 64  # one colour per attractor: a bounded legend
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
    players = _labels(players, func, "players", 2)
    if initial is not None:
        initial = _point(initial, func, "initial")
    title = _text(title, func, "title", optional=True)
    fig, ax = _figure(ax, (5.6, 4.8))
    basin_labels = labels
    if grid is not None:
        from matplotlib.colors import ListedColormap
        from matplotlib.patches import Patch

        k = max(len(basin_labels), int(grid.max()) + 1, 1)
        colours = ["#dddddd"] + [PALETTE[i % len(PALETTE)] for i in range(k)]
        ax.imshow(grid + 1, origin="lower", extent=(0, 1, 0, 1), cmap=ListedColormap(colours),
                  vmin=0, vmax=k, alpha=0.28, interpolation="nearest", aspect="auto")
        # Attractors reached from at least 0.5% of the grid (a corner that is a source only "attracts" itself).
        shown = [int(v) for v in np.unique(grid) if v >= 0 and np.mean(grid == v) >= 0.005]
        handles = [Patch(color=PALETTE[i % len(PALETTE)], alpha=0.45,
                         label=f"basin of {basin_labels[i] if i < len(basin_labels) else i}: "
                               f"{float(np.mean(grid == i)):.0%}") for i in shown]
        if handles:
            ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2,
                      fontsize="small", frameon=False)
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
        ax.annotate("initial shares", initial, textcoords="offset points", xytext=(8, -12), fontsize="small",
                    color=PALETTE[3], zorder=6)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel(f"share of {players[0]} cooperating (x)")
    ax.set_ylabel(f"share of {players[1]} cooperating (y)")
    ax.set_title(title or "Replicator dynamics")
    return fig


def allocation_bars(
    players: Sequence[str],
    allocations: Mapping[str, ArrayLike],
    *,
    status_quo: ArrayLike | None = None,
    ylabel: str = "payoff",
    title: str | None = None,
    ax: Any = None,
) -> Any:
    """Grouped bars: each city's allocation under each rule, optionally with its status quo as a marker.

    Parameters
    ----------
    players : sequence of str
    allocations : mapping rule name -> array_like, shape (n,)
    status_quo : array_like, shape (n,), optional
        Drawn as a black tick per city (what it gets without the fund).

    Returns
    -------
    matplotlib.figure.Figure
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
    fig, ax = _figure(ax, (max(5.6, 0.9 * n * max(1, len(rows) / 2) + 2), 4.2))
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
        ax.scatter(centres, _finite_or_nan(sq), marker="_", s=600, color="black", zorder=5, label="status quo")
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_xticks(centres, list(players), rotation=30 if n > 6 else 0, ha="right" if n > 6 else "center")
    ax.set_ylabel(ylabel)
    ax.set_title(title or "Allocation by sharing rule")
    ax.legend(fontsize="small", ncol=min(len(rows) + 1, 4), frameon=False)
    return fig


def fund_flows(
    players: Sequence[str],
    net_transfers: ArrayLike,
    *,
    flows: Sequence[tuple[str, str, float]] = (),
    unit: str = "",
    title: str | None = None,
    ax: Any = None,
) -> Any:
    """Diverging bars of each city's net transfer (right: receives, left: pays), with the largest flows listed.

    Parameters
    ----------
    players : sequence of str
    net_transfers : array_like, shape (n,)
        Positive: the city receives from the fund; negative: it pays in.
    flows : sequence of (payer, payee, amount)
        "Who pays whom"; the largest few are printed under the bars.

    Returns
    -------
    matplotlib.figure.Figure
    """
    func = "fund_flows"
    players = _labels(players, func, "players")
    n = len(players)
    net = _values(net_transfers, func, "net_transfers", n)
    checked = []
    for k, f in enumerate(flows):
        if isinstance(f, (str, bytes)) or not isinstance(f, Sequence) or len(f) != 3 or \
                not all(isinstance(p, str) for p in f[:2]) or isinstance(f[2], bool) or \
                not isinstance(f[2], numbers.Real):
            raise InvalidParameterError(f"{func}(): flows[{k}] must be (payer, payee, amount) with str names and "
                                        f"a real amount; got {_short(f)}")
        checked.append((f[0], f[1], float(f[2])))
    unit = _text(unit, func, "unit")
    title = _text(title, func, "title", optional=True)
    shown = sorted(checked, key=lambda f: -abs(f[2]) if np.isfinite(f[2]) else -np.inf)[:6]
    fig, ax = _figure(ax, (6.0, 1.2 + 0.38 * n + 0.22 * len(shown)))
    order = np.arange(n)[::-1]
    colours = [PALETTE[2] if v >= 0 else PALETTE[3] for v in net]
    finite = np.isfinite(net)
    ax.barh(order, _finite_or_nan(net), color=colours)
    ax.set_yticks(order, list(players))
    ax.axvline(0, color="black", linewidth=0.8)
    span = float(np.max(np.abs(net[finite]))) if finite.any() else 0.0
    span = span or 1.0
    for y, v, ok in zip(order, net, finite):
        at = v if ok else 0.0  # a non-finite transfer is written at the axis, not drawn
        ax.text(at + (0.02 if at >= 0 else -0.02) * span, y, f"{v:+.4g}", va="center",
                ha="left" if at >= 0 else "right", fontsize="small")
    ax.set_xlim(-1.35 * span, 1.35 * span)
    ax.set_xlabel(f"net transfer{f' ({unit})' if unit else ''}: pays  <  0  <  receives")
    ax.set_title(title or "Fund flows")
    if shown:
        text = "\n".join(f"{a} pays {b}: {amount:.4g}" for a, b, amount in shown)
        ax.text(0.0, -0.2 - 0.03 * n, text, transform=ax.transAxes, fontsize="small", va="top")
    return fig


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
    ax: Any = None,
) -> Any:
    """Heat map of an outcome over a two-parameter grid.

    Parameters
    ----------
    x, y : array_like, shapes (nx,), (ny,)
        Grid values of the two swept parameters.
    z : array_like, shape (ny, nx)
        The outcome; with ``categories``, integer codes indexing them (e.g. regimes).

    Returns
    -------
    matplotlib.figure.Figure
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
    zv = _finite_or_nan(zv)  # an undefined outcome is a blank cell
    if categories is not None:
        categories = _labels(categories, func, "categories")
        codes = zv[np.isfinite(zv)]
        if np.any(codes != np.round(codes)) or np.any(codes < 0) or np.any(codes >= len(categories)):
            raise InvalidParameterError(f"{func}(): with categories, z must hold integer codes 0 .. "
                                        f"{len(categories) - 1}; got values {np.unique(codes)[:8].tolist()}")
    fig, ax = _figure(ax, (6.0, 4.6))
    if categories:
        from matplotlib.colors import ListedColormap
        from matplotlib.patches import Patch

        cmap = ListedColormap([PALETTE[i % len(PALETTE)] for i in range(len(categories))])
        ax.pcolormesh(xv, yv, zv, cmap=cmap, vmin=-0.5, vmax=len(categories) - 0.5, shading="nearest")
        present = sorted(set(int(c) for c in np.unique(zv[np.isfinite(zv)])))
        ax.legend(handles=[Patch(color=PALETTE[i % len(PALETTE)], label=categories[i]) for i in present],
                  loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2, fontsize="small", frameon=False)
    else:
        mesh = ax.pcolormesh(xv, yv, zv, cmap="viridis", shading="nearest")
        fig.colorbar(mesh, ax=ax, label=zlabel)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title or zlabel)
    return fig

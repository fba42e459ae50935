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
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from coopgame._validation import as_float_array
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


def figure_png(fig: Any) -> bytes:
    """The figure as PNG bytes (for embedding in HTML)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=_DPI)
    return buf.getvalue()


def save_png(fig: Any, path: str | Path) -> Path:
    """Write the figure to ``path`` as PNG and return the path."""
    path = Path(path)
    path.write_bytes(figure_png(fig))
    return path


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

    a = as_float_array(payoffs_a, func="replicator_field", name="payoffs_a", shape=(2, 2), error=InvalidParameterError)
    b = as_float_array(payoffs_b, func="replicator_field", name="payoffs_b", shape=(2, 2), error=InvalidParameterError)
    x, y = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
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
    fig, ax = _figure(ax, (5.6, 4.8))
    if basin is not None:
        from matplotlib.colors import ListedColormap
        from matplotlib.patches import Patch

        grid = np.asarray(basin, dtype=int)
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
    u, v = replicator_field(payoffs_a, payoffs_b, gx, gy)
    speed = np.hypot(u, v)
    ax.streamplot(gx, gy, u, v, color=speed, cmap="Greys", density=1.1, linewidth=0.8, arrowsize=0.9)
    for x, y, label in rest_points:
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
    n = len(players)
    if not allocations:
        raise InvalidParameterError("allocation_bars(): allocations must name at least one rule; got none")
    rows = {name: as_float_array(vals, func="allocation_bars", name=f"allocations[{name!r}]", shape=(n,),
                                 error=InvalidParameterError) for name, vals in allocations.items()}
    fig, ax = _figure(ax, (max(5.6, 0.9 * n * max(1, len(rows) / 2) + 2), 4.2))
    width = 0.8 / len(rows)
    centres = np.arange(n)
    for k, (name, vals) in enumerate(rows.items()):
        ax.bar(centres - 0.4 + width * (k + 0.5), vals, width, label=name, color=PALETTE[k % len(PALETTE)])
    if status_quo is not None:
        sq = as_float_array(status_quo, func="allocation_bars", name="status_quo", shape=(n,),
                            error=InvalidParameterError)
        ax.scatter(centres, sq, marker="_", s=600, color="black", zorder=5, label="status quo")
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
    n = len(players)
    net = as_float_array(net_transfers, func="fund_flows", name="net_transfers", shape=(n,),
                         error=InvalidParameterError)
    shown = sorted(flows, key=lambda f: -abs(f[2]))[:6]
    fig, ax = _figure(ax, (6.0, 1.2 + 0.38 * n + 0.22 * len(shown)))
    order = np.arange(n)[::-1]
    colours = [PALETTE[2] if v >= 0 else PALETTE[3] for v in net]
    ax.barh(order, net, color=colours)
    ax.set_yticks(order, list(players))
    ax.axvline(0, color="black", linewidth=0.8)
    span = float(np.max(np.abs(net))) or 1.0
    for y, v in zip(order, net):
        ax.text(v + (0.02 if v >= 0 else -0.02) * span, y, f"{v:+.4g}", va="center",
                ha="left" if v >= 0 else "right", fontsize="small")
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
    xv = np.asarray(x, dtype=float)
    yv = np.asarray(y, dtype=float)
    zv = np.asarray(z, dtype=float)
    if zv.shape != (yv.size, xv.size):
        raise InvalidParameterError(
            f"sweep_heatmap(): z must have shape (len(y), len(x)) = {(yv.size, xv.size)}; got {zv.shape}")
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

"""The figure class of the report: a matplotlib Figure that Jupyter shows as PNG without importing pyplot.

Its own module so that matplotlib, an optional dependency, is imported only when a figure is drawn
(:func:`coopgame.report.plots._figure_class` imports this module then); pickled figures name it here.
"""

from __future__ import annotations

import io

from matplotlib.figure import Figure

__all__ = ["ReportFigure", "png_bytes", "DPI"]

DPI = 110
"""Resolution of the report's figures, on screen and in PNG."""


def png_bytes(fig: Figure) -> bytes:
    """The figure as PNG bytes at :data:`DPI`."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()


class ReportFigure(Figure):
    """A :class:`matplotlib.figure.Figure` that Jupyter displays (as PNG) without importing pyplot; :data:`DPI`
    unless told otherwise."""

    def __init__(self, *args: object, dpi: float = DPI, **kwargs: object) -> None:
        super().__init__(*args, dpi=dpi, **kwargs)  # type: ignore[arg-type]

    def _repr_png_(self) -> bytes:
        return png_bytes(self)

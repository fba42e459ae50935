"""Solve a model with every concept that applies, and report it as text, JSON, HTML and figures.

>>> from coopgame import TUGame
>>> from coopgame.report import model_analysis, render_html
>>> towns = TUGame.from_costs([0, 230, 160, 350, 230, 460, 365, 556], players=["t1", "t2", "t3"])
>>> page = render_html(model_analysis(towns), figures=False)
>>> page.startswith("<!DOCTYPE html>") and "Allocation by solution concept" in page
True
"""

from coopgame._lazy import lazy_namespace

# public name -> module that defines it (imported on first use)
_PUBLIC: dict[str, str] = {
    "model_analysis": "coopgame.report.analysis",
    "ModelAnalysis": "coopgame.report.analysis",
    "plots": "coopgame.report.plots",
    "labels": "coopgame.report.labels",
    "Section": "coopgame.report.section",
    "render_html": "coopgame.report.html",
    "write_report": "coopgame.report.html",
    "write_plots": "coopgame.report.html",
    "SweepFigure": "coopgame.report.html",
}

__all__ = sorted(_PUBLIC)
__getattr__, __dir__ = lazy_namespace(__name__, globals(), _PUBLIC)

"""Solve a model with every concept that applies, and report it as text, JSON, HTML and figures.

>>> from coopgame import TUGame
>>> from coopgame.report import model_analysis, render_html
>>> towns = TUGame.from_costs([0, 230, 160, 350, 230, 460, 365, 556], players=["t1", "t2", "t3"])
>>> page = render_html(model_analysis(towns), figures=False)
>>> page.startswith("<!DOCTYPE html>") and "Allocation by solution concept" in page
True
"""

from coopgame.report.analysis import ModelAnalysis, Section, model_analysis
from coopgame.report.html import SweepFigure, render_html, write_plots, write_report

__all__ = ["ModelAnalysis", "Section", "model_analysis", "render_html", "write_report", "write_plots", "SweepFigure"]

"""Fixtures of the report tests."""

import numpy as np
import pytest

from coopgame.policy.sweep import parameter_sweep
from coopgame.report import SweepFigure, model_analysis, write_report
from tests.report.reference import two_city


@pytest.fixture(scope="package")
def two_city_report(tmp_path_factory):
    """The two_city_coop report with a reward x penalty sweep heat map (figures need matplotlib)."""
    sweep = parameter_sweep(two_city, {"reward": np.linspace(0, 3, 7), "penalty": np.linspace(0, 3, 7)})
    path = tmp_path_factory.mktemp("report") / "two_city.html"
    write_report(model_analysis("two_city_coop"), path, extra=[SweepFigure(sweep)])
    return path

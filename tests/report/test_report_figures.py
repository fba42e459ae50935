"""HTML reports with figures: self-contained pages with decodable PNGs, and write_plots.

Figures need matplotlib: these tests live here so that test_report.py runs without it;
this module skips (with the reason) where matplotlib is not installed.
"""

import re

import pytest

from coopgame.report import model_analysis, write_plots
from tests.oracles import requires
from tests.report.reference import PNG_SIGNATURE, embedded_pngs, two_city

pytestmark = [pytest.mark.oracle, requires("matplotlib")]


def test_report_is_self_contained(two_city_report):
    page = two_city_report.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<style>" in page
    # no external resource of any kind: every src is inline data
    assert re.findall(r'(?:src|href)="(?!data:|#)', page) == []
    images = embedded_pngs(page)
    assert len(images) == 2  # phase portrait and sweep heat map
    for data in images:
        assert data[:8] == PNG_SIGNATURE


def test_write_plots_writes_one_png_per_figure(tmp_path):
    paths = write_plots(model_analysis(two_city()), tmp_path)
    assert [p.name for p in paths] == ["PairwiseGame-dynamics.png"]
    assert paths[0].read_bytes()[:8] == PNG_SIGNATURE

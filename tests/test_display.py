"""Jupyter display and machine-readable output: summary tables in HTML, LaTeX for symbolic objects, strict JSON."""

from __future__ import annotations

import contextlib
import io
import json
import math

import pytest
import sympy as sp

import coopgame
from coopgame.cli import JSON_SCHEMA_VERSION, main
from coopgame.results import to_jsonable
from tests.test_results import BUILD, built


@pytest.mark.parametrize("name", sorted(BUILD))
def test_every_result_shows_its_summary_table_in_a_notebook(name):
    r = built(name)
    import html as h

    page = r._repr_html_()
    assert ("<table" in page or "<dl>" in page) and len(page) < 200_000   # the summary's table or facts
    assert f"<h3>{h.escape(r.summary().title)}</h3>" in page


def test_symbolic_objects_render_as_latex():
    R, S, T, P = sp.symbols("R S T P")
    g = coopgame.SymbolicPairwiseGame([[R, S], [T, P]], [[R, T], [S, P]])
    text = g._repr_latex_()
    assert text.startswith("$") and text.endswith("$") and text[1:-1] == g.latex()
    cond = coopgame.ess_conditions(g)
    assert cond._repr_latex_() == f"${cond.latex()}$"


def test_json_has_no_nan_and_names_its_schema_and_version():
    assert to_jsonable({"a": float("nan"), "b": [math.inf, 1.0]}) == {"a": None, "b": [None, 1.0]}
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert main(["solve", "guangzhou_siphon", "--json"]) == 0
    text = out.getvalue()
    assert "NaN" not in text and "Infinity" not in text
    d = json.loads(text)
    assert d["schema_version"] == JSON_SCHEMA_VERSION and d["coopgame_version"] == coopgame.__version__
    assert next(iter(d)) == "policy_answer" and list(d)[-2:] == ["schema_version", "coopgame_version"]


def test_a_model_spec_and_a_model_analysis_show_tables_in_a_notebook():
    spec = coopgame.load_model("bth13")
    page = spec._repr_html_()
    assert "<table" in page and "synergy_scale" in page and len(page) < 50_000   # the parameter table, not a dump
    assert "<table" in coopgame.model_analysis("default")._repr_html_()

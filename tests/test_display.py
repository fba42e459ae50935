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


@pytest.mark.parametrize("name", sorted(BUILD))
def test_every_result_has_a_data_frame(name):
    import pandas as pd

    frame = built(name).to_frame()
    assert isinstance(frame, pd.DataFrame) and frame.shape[0] > 0


def test_frames_have_the_natural_shape_of_each_result():
    import numpy as np

    towns = coopgame.TUGame.from_costs([0, 230, 160, 350, 230, 460, 365, 556], players=["t1", "t2", "t3"])
    alloc = coopgame.shapley_value(towns).to_frame()
    assert alloc.index.name == "player" and list(alloc.index) == ["t1", "t2", "t3"]
    assert alloc["cost_shares"].round(2).tolist() == [210.33, 127.83, 217.83]
    stag = coopgame.PairwiseGame([[4, 0], [3, 3]], [[4, 3], [0, 3]], players=["A", "B"])
    nash = coopgame.nash_equilibria(stag).to_frame()
    assert len(nash) == 3 and {"payoff A", "payoff B", "regret"} <= set(nash.columns)
    traj = coopgame.replicator_dynamics(stag, [[0.6, 0.6], [0.3, 0.3]], (0, 10), n_steps=50).to_frame()
    assert traj.index.names == ["run", "time"] and traj.shape[1] == 2
    assert traj.xs(0, level="run").shape[0] == len(np.unique(traj.index.get_level_values("time")))
    cities = coopgame.NCityGame(cost=4.0, synergy=3.0 * (1 - np.eye(3)), players=["A", "B", "C"])
    pure = coopgame.pure_equilibria(cities).to_frame()
    assert pure["profile"].tolist() == [0, 7] and pure["welfare"].tolist() == [0.0, 6.0]
    fund = coopgame.fund_analysis(towns, status_quo=np.array([20.0, 30.0, 14.0]), rules=["shapley", "equal"]).to_frame()
    assert fund.index.names == ["rule", "city"] and len(fund) == 6
    sweep = coopgame.parameter_sweep(coopgame.load_model("two_city_coop"), {"reward": [0, 3], "penalty": [0, 3]})
    frame = sweep.to_frame()
    assert frame.index.names == ["reward", "penalty"] and len(frame) == 4
    import pandas as pd

    assert isinstance(frame["regime"].dtype, pd.CategoricalDtype)

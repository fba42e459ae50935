"""At home in a notebook (issue 15): the public namespace walked for display and frames.

Every public result class (a :class:`coopgame.results.Result` in
``coopgame._PUBLIC``) has ``to_frame()`` and ``_repr_html_``; every public game
class shows a compact HTML table (symbolic games LaTeX); instances built for
each give non-empty HTML with a ``<table>`` and short one-line reprs. Sweeps
convert to xarray with one dimension per swept parameter.
"""

from __future__ import annotations

import inspect
import re

import numpy as np
import pytest

import coopgame
from coopgame.results import Result
from tests.test_results import BUILD, built

REPR_LIMIT = 200


def _public_classes() -> dict[str, type]:
    return {name: obj for name in coopgame._PUBLIC if inspect.isclass(obj := getattr(coopgame, name))}


def public_results() -> dict[str, type]:
    return {n: c for n, c in _public_classes().items() if issubclass(c, Result)}


def public_games() -> dict[str, type]:
    """Public classes that are games: the representations (coopgame.games) with players, and symbolic games."""
    return {n: c for n, c in _public_classes().items()
            if coopgame._PUBLIC[n] in ("coopgame.games", "coopgame.symbolic") and not issubclass(c, Result)
            and isinstance(getattr(c, "players", None), property)}


# game class -> a small instance, and a big one (never all 2**n values in its display)
GAMES = {
    "TUGame": lambda: coopgame.TUGame.from_costs([0, 230, 160, 350, 230, 460, 365, 556], players=["t1", "t2", "t3"]),
    "StructuredGame": lambda: coopgame.StructuredGame([1.0, 2.0, 3.0], 1 - np.eye(3), players=["a", "b", "c"]),
    "ValueFunctionGame": lambda: coopgame.ValueFunctionGame(lambda m: _size(m, 3) ** 2, n_players=3),
    "PairwiseGame": lambda: coopgame.PairwiseGame([[4, 0], [3, 3]], [[4, 3], [0, 3]], players=["A", "B"]),
    "NCityGame": lambda: coopgame.NCityGame(cost=4.0, synergy=3.0 * (1 - np.eye(3)), players=["A", "B", "C"]),
    "BinaryActionGame": lambda: coopgame.BinaryActionGame(np.arange(8.0).reshape(4, 2), players=["x", "y"]),
    "TripartiteGame": lambda: coopgame.TripartiteGame(supervision_cost=2, penalty=3, cost=4, synergy=[[0, 5], [5, 0]]),
    "SymbolicPairwiseGame": lambda: coopgame.SymbolicPairwiseGame.two_city(),
}

BIG_GAMES = {
    "TUGame": lambda: coopgame.TUGame(np.arange(2.0**20), players=[f"p{i}" for i in range(20)]),
    "StructuredGame": lambda: coopgame.StructuredGame.from_costs(coopgame.AirportCost(np.arange(1.0, 61.0))),
    "ValueFunctionGame": lambda: coopgame.ValueFunctionGame(_counting_worth, n_players=50),
    "NCityGame": lambda: coopgame.NCityGame(cost=np.ones(40), synergy=1 - np.eye(40)),
    "PairwiseGame": lambda: coopgame.PairwiseGame(np.zeros((30, 30)), np.ones((30, 30))),
    "BinaryActionGame": lambda: coopgame.BinaryActionGame(np.zeros((2**12, 12))),
}

_calls: list[int] = []


def _size(masks: np.ndarray, n: int) -> np.ndarray:
    """Number of members of each coalition bitmask."""
    return ((masks[:, None] >> np.arange(n)) & 1).sum(axis=1).astype(float)


def _counting_worth(masks: np.ndarray) -> np.ndarray:
    _calls.append(masks.size)
    return _size(masks, 50)


def _rows(page: str) -> int:
    return len(re.findall(r"<tr>", page))


def test_every_public_result_class_has_frames_and_html():
    results = public_results()
    assert len(results) > 30   # the walk sees the family, not an empty namespace
    for name, cls in results.items():
        assert callable(getattr(cls, "to_frame", None)), name
        assert callable(getattr(cls, "_repr_html_", None)), name
    assert not set(results) - set(BUILD), "a public result without an example in tests/test_results.py"


@pytest.mark.parametrize("name", sorted(BUILD))
def test_each_result_shows_a_table_and_a_frame(name):
    pd = pytest.importorskip("pandas")
    r = built(name)
    page = r._repr_html_()
    assert "<table>" in page and _rows(page) >= 2 and "<pre>" not in page, page[:300]
    frame = r.to_frame()
    assert isinstance(frame, pd.DataFrame) and frame.size > 0


def test_every_public_game_class_has_a_display_and_an_example():
    games = public_games()
    assert {"TUGame", "PairwiseGame", "NCityGame", "TripartiteGame", "SymbolicPairwiseGame"} <= set(games)
    assert set(games) == set(GAMES), "a public game class without an example here"
    for name, cls in games.items():
        assert callable(getattr(cls, "_repr_html_", None) or getattr(cls, "_repr_latex_", None)), name


@pytest.mark.parametrize("name", sorted(GAMES))
def test_each_game_shows_a_compact_table_and_a_one_line_repr(name):
    game = GAMES[name]()
    text = repr(game)
    assert "\n" not in text and len(text) < REPR_LIMIT, text
    if name == "SymbolicPairwiseGame":   # a formula: LaTeX, checked in tests/test_display.py
        assert game._repr_latex_().startswith("$")
        return
    page = game._repr_html_()
    assert page.startswith('<section class="coopgame-summary">') and "<table>" in page and "<pre>" not in page
    assert all(p in page for p in game.players)


def test_small_games_list_every_coalition_or_profile():
    towns = GAMES["TUGame"]()
    page = towns._repr_html_()
    assert _rows(page) == 1 + 8   # header and the 8 coalitions
    # the savings game of the three towns (costs listed by bitmask): v({t2, t3}) = 160 + 230 - 365 = 25
    assert "<td>{t2, t3}</td><td>25</td><td>365</td>" in page and "<td>{t1, t2, t3}</td><td>64</td>" in page
    stag = GAMES["PairwiseGame"]()._repr_html_()
    assert "<td>4, 4</td>" in stag and "<td>0, 3</td>" in stag and "stag hunt" in stag
    # two cities, each paying 4 to cooperate and receiving a spillover of 3 when the other cooperates
    cities = coopgame.NCityGame(cost=4.0, spillover=3.0 * (1 - np.eye(2)), players=["A", "B"])._repr_html_()
    assert "<td>(1, 1)</td><td>-1</td><td>-1</td>" in cities and "<td>(1, 0)</td><td>-4</td><td>3</td>" in cities


@pytest.mark.parametrize("name", sorted(BIG_GAMES))
def test_big_games_show_a_short_table_without_evaluating_every_coalition(name):
    _calls.clear()
    game = BIG_GAMES[name]()
    page = game._repr_html_()
    assert "<table>" in page and _rows(page) <= 21 and len(page) < 20_000
    assert len(repr(game)) < REPR_LIMIT
    assert sum(_calls) <= 64   # a few coalitions of 2**50 (the grand coalition and each player alone)


def test_model_spec_and_analysis_have_one_line_reprs_and_tables():
    spec = coopgame.load_model("chengdu_chongqing")
    assert len(repr(spec)) < REPR_LIMIT and "chengdu_chongqing" in repr(spec)
    big = coopgame.load_model("bth13")
    assert len(repr(big)) < REPR_LIMIT and "\n" not in repr(big)
    analysis = coopgame.model_analysis(spec)
    assert len(repr(analysis)) < REPR_LIMIT
    page = analysis._repr_html_()
    # the headline, then the overview and every section's table, the provenance folded away
    assert page.count("<table>") >= len(analysis.sections) + 1
    assert analysis.headline is not None and page.index(analysis.headline.split(";")[0]) < page.index("<table>")
    assert "<details><summary>Where the numbers come from</summary>" in page
    traj = built("TrajectoryResult")
    assert len(repr(traj)) < REPR_LIMIT


def test_a_display_hook_never_raises():
    from coopgame._display import html_of

    def broken(_):
        raise RuntimeError("no")

    assert html_of(GAMES["TUGame"](), broken).startswith("<pre>TUGame(")


def _reward_game(reward: float, penalty: float) -> coopgame.PairwiseGame:
    return coopgame.PairwiseGame.from_two_city(cost=4, synergy=6, reward=reward, penalty=penalty)


def test_a_sweep_becomes_an_xarray_dataset():
    pytest.importorskip("xarray")
    sweep = coopgame.parameter_sweep(_reward_game, {"reward": [0, 3, 5], "penalty": [0, 1]})
    ds = sweep.to_xarray()
    assert ds["regime"].dims == ("reward", "penalty") and ds["regime"].shape == (3, 2)
    np.testing.assert_array_equal(ds["reward"].values, [0, 3, 5])
    # BM1's table with E = L = 0, penalty F = 0: (C, C) pays 6/2 - 4 + W, (C, D) -4 + W, (D, *) 0 to the row city:
    # W = 0 defection dominates, W = 3 a stag hunt (bistable), W = 5 cooperation dominates
    assert ds["regime"].sel(reward=0, penalty=0).item() == "defection dominant"
    assert ds["regime"].sel(reward=3, penalty=0).item() == "bistable"
    assert ds["regime"].sel(reward=5, penalty=0).item() == "cooperation dominant"
    assert ds["welfare_cc"].sel(penalty=0).values.tolist() == [-2.0, 4.0, 8.0]   # 2 (3 - 4 + W)
    assert "categories" in ds["regime"].attrs and "bistable" in ds["regime"].attrs["categories"]
    frame = sweep.to_frame()
    pd = pytest.importorskip("pandas")
    assert isinstance(frame["regime"].dtype, pd.CategoricalDtype)
    assert frame["regime"].tolist() == ds["regime"].values.ravel().tolist()   # one order: C-order over the grid


def test_a_cooperative_sweep_has_a_player_dimension():
    pytest.importorskip("xarray")

    def towns(extra: float) -> coopgame.TUGame:
        return coopgame.TUGame.from_costs([0, 230, 160, 350 + extra, 230, 460, 365, 556], players=["t1", "t2", "t3"])

    ds = coopgame.parameter_sweep(towns, {"extra": [0.0, 30.0]}).to_xarray()
    assert ds["shapley"].dims == ("extra", "player") and ds["player"].values.tolist() == ["t1", "t2", "t3"]
    # the Shapley savings at extra = 0 are the standalone costs less the cost shares 210.33, 127.83, 217.83
    np.testing.assert_allclose(ds["shapley"].sel(extra=0.0).values, [230 - 210 - 1 / 3, 160 - 127 - 5 / 6,
                                                                     230 - 217 - 5 / 6], atol=1e-9)


def test_to_xarray_without_xarray_names_the_extra(monkeypatch):
    import builtins

    real = builtins.__import__

    def no_xarray(name, *args, **kwargs):
        if name == "xarray" or name.startswith("xarray."):
            raise ImportError("No module named 'xarray'")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_xarray)
    with pytest.raises(ImportError, match=r"coopgame\[frames\]"):
        built("SweepResult").to_xarray()


def test_the_docs_notebook_walks_through_the_model_and_is_stored_without_outputs():
    import json
    import pathlib

    path = pathlib.Path(__file__).resolve().parents[1] / "docs" / "chengdu_chongqing.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["nbformat"] == 4 and nb["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c["outputs"] and c["execution_count"] is None for c in code)   # docs/run_notebook.py runs it
    source = "\n".join("".join(c["source"]) for c in code)
    for step in ('load_model("chengdu_chongqing")', "model_analysis", "to_frame()", ".figure()", "to_xarray()",
                 "ess_conditions"):
        assert step in source, step


@pytest.mark.parametrize("name", ["ConditionResult", "DesignInverseResult"])
def test_symbolic_results_show_their_table_and_then_their_formulas(name):
    import html as h

    r = built(name)
    page = r._repr_html_()
    assert page.index("<table>") < page.index('<div class="coopgame-latex">')   # Jupyter typesets math in HTML
    assert h.escape(r._repr_latex_()) in page

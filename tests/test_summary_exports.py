"""Summary keeps numbers (formatted when shown), rounds to significant figures on request, and exports LaTeX and CSV.

Expected values are written out by hand (the rounding table) or come from an independent route (Python's own
float parsing for the CSV round trip, a brace counter for the LaTeX).
"""

from __future__ import annotations

import io
import json
import math
import re

import numpy as np
import pytest

from coopgame.errors import InvalidParameterError
from coopgame.results import Summary, format_number, latex_escape



# ---------------------------------------------------------------------------------------------- numeric cells
def test_cells_keep_numbers_as_python_numbers():
    s = Summary("T", facts=(("total", np.float64(2.5)), ("n", np.int64(3)), ("method", "exact")),
                columns=("city", "x", "k", "missing", "flag"),
                rows=(("A", np.float32(0.5), np.int32(7), None, np.bool_(True)), ("B", np.array(1.25), 2, np.nan, False)))
    assert s.facts == (("total", 2.5), ("n", 3), ("method", "exact"))
    assert [type(v) for _, v in s.facts] == [float, int, str]
    a, b = s.rows
    assert a == ("A", 0.5, 7, None, "True") and type(a[1]) is float and type(a[2]) is int
    assert b[1] == 1.25 and type(b[1]) is float and math.isnan(b[3]) and b[4] == "False"


def test_numbers_are_shown_as_format_number_shows_them():
    # the text of a numeric summary is the text of the same summary built from hand-formatted strings
    numeric = Summary("Allocation", facts=(("total", 556.0), ("gap", 1e-12)), columns=("player", "payoff"),
                      rows=(("t1", 210.3333333333), ("t2", -2.0), ("t3", None), ("t4", float("nan"))))
    text = Summary("Allocation", facts=(("total", "556"), ("gap", "1.000e-12")), columns=("player", "payoff"),
                   rows=(("t1", "210.3333"), ("t2", "-2"), ("t3", "-"), ("t4", "nan")))
    assert numeric.as_text() == text.as_text()
    assert numeric.as_markdown() == text.as_markdown()
    assert numeric.as_html() == text.as_html()
    assert numeric.text_rows == text.rows and numeric.text_facts == text.facts


def test_to_dict_keeps_numbers_and_writes_non_finite_as_null():
    s = Summary("T", facts=(("x", np.float64(0.1)),), columns=("a", "b"), rows=(("r", np.inf), ("s", 3)))
    d = s.to_dict()
    assert d["facts"] == {"x": 0.1} and d["rows"] == [["r", None], ["s", 3]]
    json.dumps(d, allow_nan=False)  # strict JSON


# ---------------------------------------------------------------------------------------------- significant figures
# (value, 3 significant figures) worked out by hand: halves away from zero on the printed value, whole numbers
# beyond 3 integer digits (no zeros padded in), no thousands separators, trailing zeros dropped
_THREE = [
    (204.2975, "204"), (35.1038, "35.1"), (0.012345, "0.0123"), (27.9, "27.9"), (1234.5, "1235"),
    (-1234.5, "-1235"), (123456.7, "123457"), (2.675, "2.68"), (0.125, "0.125"), (0.1255, "0.126"),
    (99.96, "100"), (9.9949, "9.99"), (1.0, "1"), (2.5, "2.5"), (-0.0004567, "-0.000457"), (0.0, "0"),
    (-0.0, "0"), (1.2345e-5, "1.23e-05"), (123456789012.0, "1.23e+11"), (float("nan"), "nan"),
    (float("inf"), "inf"), (float("-inf"), "-inf"),
]


@pytest.mark.parametrize("x, want", _THREE)
def test_three_significant_figures(x, want):
    assert format_number(x, significant=3) == want


def test_other_figure_counts():
    assert format_number(204.2975, significant=1) == "204"
    assert format_number(0.15, significant=1) == "0.2"
    assert format_number(35.1038, significant=5) == "35.104"
    assert format_number(1 / 3, significant=2) == "0.33"


def test_significant_is_a_render_option_of_the_summary():
    rows = (("A", 204.2975, "12.5%", "3.2 (0.4)"), ("B", 0.012345, "87.5%", "1 (2)"))
    s = Summary("T", facts=(("subsidy", 35.1038),), columns=("city", "x", "share", "cell"), rows=rows)
    three = s.with_significant(3)
    assert three.significant == 3 and three.rows == s.rows  # the numbers themselves are kept
    assert three.text_rows == (("A", "204", "12.5%", "3.2 (0.4)"), ("B", "0.0123", "87.5%", "1 (2)"))
    assert three.text_facts == (("subsidy", "35.1"),)
    assert s.text_rows[0][1] == "204.2975" and s.text_facts == (("subsidy", "35.1038"),)
    assert "35.1\n" in three.as_text() + "\n" and "<td>0.0123</td>" in three.as_html()
    assert "| A | 204 | 12.5% |" in three.as_markdown()
    assert three.as_csv() == s.as_csv()  # CSV is data: full precision whatever the display option


@pytest.mark.parametrize("bad", [0, -1, 18, 2.5, True, "3"])
def test_significant_must_be_a_count_of_figures(bad):
    with pytest.raises(InvalidParameterError, match="significant"):
        Summary("T", significant=bad)


# ---------------------------------------------------------------------------------------------- CSV
def test_csv_round_trips_through_pandas_at_full_precision():
    pd = pytest.importorskip("pandas")
    values = [1 / 3, 1e-17, 123456.789012345, -2.0, 0.1 + 0.2, 5e300]
    rows = tuple((f"city {k}, \"q\"", v, k) for k, v in enumerate(values)) + (("none", None, 9), ("nan", math.nan, 10))
    s = Summary("T", columns=("city", "value", "k"), rows=rows)
    df = pd.read_csv(io.StringIO(s.as_csv()))
    assert list(df.columns) == ["city", "value", "k"]
    assert df["value"].tolist()[:6] == values  # exactly equal, not approximately
    assert math.isnan(df["value"].iloc[6]) and math.isnan(df["value"].iloc[7])
    assert df["city"].tolist()[:2] == ['city 0, "q"', 'city 1, "q"']
    assert df["k"].tolist() == list(range(6)) + [9, 10]


def test_csv_of_a_summary_without_a_table_gives_its_facts():
    s = Summary("T", facts=(("v(N)", 556.0), ("method", "exact")))
    assert s.as_csv() == "fact,value\nv(N),556.0\nmethod,exact\n"


# ---------------------------------------------------------------------------------------------- LaTeX
def _unescaped(text: str, char: str) -> int:
    return len(re.findall(r"(?<!\\)" + re.escape(char), text))


def _balanced(text: str) -> bool:
    depth = 0
    for m in re.finditer(r"\\.|[{}]", text):  # an escaped character (\{ \% \\ ...) is skipped whole
        tok = m.group()
        if tok == "{":
            depth += 1
        elif tok == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def test_latex_is_a_booktabs_table_with_everything_escaped():
    s = Summary("Shares of R&D_cost (100%)", facts=(("v(N)", 556.0), ("rule", "50% {fixed} & $1 #2")),
                columns=("city_name", "share %", "x"),
                rows=(("A&B", 0.25, "~x^2"), ("C_D", 1 / 3, "back\\slash")), notes=("a 5% note_with & stuff",))
    tex = s.as_latex()
    assert _balanced(tex)
    for char in "%_&$#":
        # every special character of the text is escaped; the only bare & are the tabular's column separators
        assert _unescaped(tex, char) == (0 if char != "&" else (2 + 1) * 2 + 2 * 1), char
    assert r"\caption{Shares of R\&D\_cost (100\%)}" in tex
    assert tex.count(r"\begin{") == tex.count(r"\end{")
    assert tex.index(r"\toprule") < tex.index(r"\midrule") < tex.index(r"\bottomrule")
    assert r"\begin{tabular}{lrr}" in tex and r"A\&B & 0.25 & \textasciitilde{}x\textasciicircum{}2 \\" in tex
    assert r"C\_D & 0.3333 & back\textbackslash{}slash \\" in tex
    assert r"Note: a 5\% note\_with \& stuff" in tex


def test_latex_of_facts_only_and_with_significant_figures():
    tex = Summary("Facts", facts=(("epsilon", 35.1038),), significant=3).as_latex()
    assert _balanced(tex) and r"\begin{tabular}{lr}" in tex and r"epsilon & 35.1 \\" in tex


def test_latex_escape():
    assert latex_escape("a_b & 5% $x$ #1 {y} ~ ^ \\") == (r"a\_b \& 5\% \$x\$ \#1 \{y\} \textasciitilde{} "
                                                           r"\textasciicircum{} \textbackslash{}")


# ---------------------------------------------------------------------------------------------- the model reports
def test_an_illustrative_model_report_shows_three_significant_figures():
    from coopgame.report import model_analysis

    analysis = model_analysis("chengdu_chongqing")
    assert analysis.illustrative
    answer = analysis.section("policy_answer").summary
    assert answer.significant == 3
    assert all(s.summary.significant == 3 for s in analysis.sections)
    assert analysis.provenance.significant is None  # the model's inputs are shown as given
    for row, shown in zip(answer.rows, answer.text_rows):
        for value, text in zip(row, shown):
            if isinstance(value, float) and 1e-4 <= abs(value) < 1000:
                # Python's own %g rounding to 3 significant figures (ties aside, which these are not)
                assert float(text) == float(f"{value:.3g}"), (value, text)


def test_a_game_given_exactly_keeps_four_decimals():
    from coopgame import TUGame
    from coopgame.report import model_analysis

    analysis = model_analysis(TUGame.from_costs([0, 230, 160, 350, 230, 460, 365, 556], players=["t1", "t2", "t3"]))
    assert not analysis.illustrative
    table = analysis.section("allocations").summary
    assert table.significant is None
    shapley = table.columns.index("Shapley cost share")
    assert [r[shapley] for r in table.text_rows] == ["210.3333", "127.8333", "217.8333"]  # 631/3, 767/6, 1307/6


def test_model_analysis_csv_is_one_long_table_pandas_reads():
    pd = pytest.importorskip("pandas")
    from coopgame import TUGame
    from coopgame.report import model_analysis

    analysis = model_analysis(TUGame.from_costs([0, 230, 160, 350, 230, 460, 365, 556], players=["t1", "t2", "t3"]))
    df = pd.read_csv(io.StringIO(analysis.as_csv()))
    assert list(df.columns) == list(analysis.CSV_COLUMNS)
    assert str(df["value"].dtype) == "float64" and str(df["row"].dtype) == "int64"
    assert set(df["section"]) == {"overview", *(s.key for s in analysis.sections)}
    cells = df[(df.section == "allocations") & (df.part == "table") & (df.column == "Shapley cost share")]
    assert cells["value"].tolist() == [631 / 3, 767 / 6, 1307 / 6]  # the exact Shapley cost shares, to the last bit
    names = df[(df.section == "allocations") & (df.part == "table") & (df.column == "city")]
    assert names["text"].tolist() == ["t1", "t2", "t3"] and names["value"].isna().all()
    # one table back by pivoting: rows x columns
    table = df[(df.section == "allocations") & (df.part == "table")]
    wide = table.pivot(index="row", columns="column", values="value")
    assert wide["Shapley cost share"].tolist() == [631 / 3, 767 / 6, 1307 / 6]

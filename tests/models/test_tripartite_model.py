"""The built-in tripartite model: the centre supervising Chengdu–Chongqing infrastructure cooperation."""

from __future__ import annotations

import numpy as np
import pytest

import coopgame
from coopgame.cli import main
from coopgame.games.tripartite import TripartiteGame

SLUG = "chengdu_chongqing_tripartite"


def _verdicts(table) -> dict[str, str]:
    return {row[1]: row[6] for row in table.rows}


def test_baseline_stability_by_hand():
    built = coopgame.load_model(SLUG).build()
    game = built.values["tripartite"]
    assert isinstance(game, TripartiteGame) and game.players == ("central government", "Chengdu", "Chongqing")
    table = built.tables["stability"]
    # perceived net cost of cooperating: Chengdu 1.2 (29 + 2) = 37.2, Chongqing 1.2 (37 + 2) = 46.8; synergy 33, 40
    # E2 (supervise, D, D): centre −(−3 + 0.5 + 0.5 + 2 + 2) = −2; Chengdu 1.5 − 37.2; Chongqing 1.5 − 46.8
    row = table.rows[1]
    assert [float(v) for v in row[2:5]] == pytest.approx([-2, -35.7, -45.3])
    # E8 (supervise, C, C): centre −(−3 − 1 − 1) = 5; Chengdu −(1.5 − 37.2 + 33) = 2.7; Chongqing −(1.5 − 46.8 + 40)
    assert [float(v) for v in table.rows[7][2:5]] == pytest.approx([5, 2.7, 5.3])
    verdicts = _verdicts(table)
    assert [p for p, v in verdicts.items() if v == "ESS"] == ["(supervise, defect, defect)"]
    # from the surveyed support (65.7%) both cities defect (dominant: 1.5 − 4.2 < 0) and the centre supervises
    final = coopgame.replicator_dynamics(game, built.initial, (0.0, 200.0)).final_states[0]
    np.testing.assert_allclose(final, [1, 0, 0], atol=1e-3)


def test_scenarios_follow_their_descriptions():
    spec = coopgame.load_model(SLUG)
    strong = _verdicts(spec.scenario("strong_incentives").build().tables["stability"])
    # under supervision cooperating pays once the other cooperates (5.5 > 4.2, 7.5 > 6.8), but the centre at full
    # cooperation pays 7 in rewards for nothing: λ1 = 3 + 7 > 0, a saddle
    assert strong["(supervise, cooperate, cooperate)"] == "saddle point"
    assert [p for p, v in strong.items() if v == "ESS"] == ["(supervise, defect, defect)"]
    credible = spec.scenario("credible_supervision").build().tables["stability"]
    # G = 12 > 3 + 7: λ1 at E8 = −(12 − 3 − 7) = −2
    assert float(credible.rows[7][2]) == pytest.approx(-2)
    assert [p for p, v in _verdicts(credible).items() if v == "ESS"] == [
        "(supervise, defect, defect)", "(supervise, cooperate, cooperate)"]


def test_solve_prints_the_stability_table(capsys):
    assert main(["solve", SLUG]) == 0
    out = capsys.readouterr().out
    assert "Tripartite game: stability of the pure rest points (Friedman 1991)" in out
    assert "Tripartite game: payoff matrix" in out
    assert "E2 (1, 0, 0)" in out and "λ1" in out
    assert "R_A + P_A - β_A (c_A + f_BA)" in out  # λ2 at E2, as a formula


def test_report_has_the_stability_section():
    from coopgame.report import model_analysis

    analysis = model_analysis(SLUG)
    keys = [s.key for s in analysis.sections]
    assert {"stability", "payoff_matrix", "eigenvalues"} <= set(keys)

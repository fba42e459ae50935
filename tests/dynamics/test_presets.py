"""Real-case presets: provenance of every number, round-by-round regimes of the Xin'an bet."""

import numpy as np
import pytest

from coopgame import bm1_preset, evolutionary_regime, xinan_preset
from coopgame.errors import InvalidParameterError
from tests.dynamics.reference_models import bm1_matrices, xinan_matrices


def test_every_preset_number_has_a_provenance_tag():
    presets = [bm1_preset("worked"), bm1_preset("asymmetric")] + [xinan_preset(r) for r in (1, 3)] + [
        xinan_preset(2, y) for y in (1, 2, 3)]
    for p in presets:
        assert set(p.sources) == set(p.values)
        assert all(tag.startswith(("[S-", "[D]", "[M]")) for tag in p.sources.values()), p.name


def test_xinan_round_figures_follow_the_sources():
    assert xinan_preset(1).values["S"] == 3 and xinan_preset(1).values["M"] == 1  # [S-R13, S-R14]
    assert [xinan_preset(2, y).values["S"] for y in (1, 2, 3)] == [4, 3, 2]  # [S-R15]
    assert xinan_preset(3).values["S"] == 0  # [S-R15]


def test_preset_games_match_the_model_formulas():
    v = xinan_preset(2, 1).values
    A, B = xinan_matrices(b_U=v["b_U"], C_U=v["C_U"], S=v["S"], M=v["M"], Mp=v["M_prime"], F_U=v["F_U"],
                          F_D=v["F_D"], B_D=v["B_D"], Ls_D=v["Ls_D"])
    g = xinan_preset(2, 1).game()
    assert np.array_equal(g.row_payoffs, A) and np.array_equal(g.col_payoffs, B)
    v = bm1_preset("asymmetric").values
    A, B = bm1_matrices(dR=v["dR"], alpha=v["alpha"], C=(v["C_A"], v["C_B"]), E=(v["E_A"], v["E_B"]),
                        L=(v["L_A"], v["L_B"]), W=(v["W_A"], v["W_B"]), F=(v["F_A"], v["F_B"]))
    g = bm1_preset("asymmetric").game()
    assert np.allclose(g.row_payoffs, A) and np.allclose(g.col_payoffs, B)


def test_xinan_rounds_cycle_while_the_downstream_faces_no_penalty():
    for p in [xinan_preset(1)] + [xinan_preset(2, y) for y in (1, 2, 3)]:
        assert evolutionary_regime(p.game()).regime == "cycling", p.name
    # central exit (round 3): the stakes alone no longer cover the net protection cost
    r3 = evolutionary_regime(xinan_preset(3).game())
    assert r3.ess == ((0, 1),)
    # a binding downstream penalty F_D > M turns round 1 into (protect, agree)
    assert evolutionary_regime(xinan_preset(1, F_D=1.5).game()).ess == ((1, 1),)


def test_preset_overrides_are_checked_and_tagged():
    p = bm1_preset("worked", W_A=2)
    assert p.values["W_A"] == 2 and p.sources["W_A"] == "[M] user override"
    with pytest.raises(InvalidParameterError, match="unknown parameter"):
        bm1_preset("worked", W=2)
    with pytest.raises(InvalidParameterError):
        xinan_preset(5)
    with pytest.raises(InvalidParameterError):
        xinan_preset(2, year=4)
    assert "source" in str(xinan_preset(1))

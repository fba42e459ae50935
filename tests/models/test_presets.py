"""Evolutionary presets are scenarios of the built-in model files: provenance of every number, Xin'an rounds."""

import numpy as np
import pytest

import coopgame
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
    g = xinan_preset(2, 1).game
    assert np.array_equal(g.row_payoffs, A) and np.array_equal(g.col_payoffs, B)
    v = bm1_preset("asymmetric").values
    A, B = bm1_matrices(dR=v["dR"], alpha=v["alpha"], C=(v["C_A"], v["C_B"]), E=(v["E_A"], v["E_B"]),
                        L=(v["L_A"], v["L_B"]), W=(v["W_A"], v["W_B"]), F=(v["F_A"], v["F_B"]))
    g = bm1_preset("asymmetric").game
    assert np.allclose(g.row_payoffs, A) and np.allclose(g.col_payoffs, B)


def test_xinan_rounds_cycle_while_the_downstream_faces_no_penalty():
    for p in [xinan_preset(1)] + [xinan_preset(2, y) for y in (1, 2, 3)]:
        assert evolutionary_regime(p.game).regime == "cycling", p.name
    # central exit (round 3): the stakes alone no longer cover the net protection cost
    r3 = evolutionary_regime(xinan_preset(3).game)
    assert r3.ess == ((0, 1),)
    # a binding downstream penalty F_D > M turns round 1 into (protect, agree)
    assert evolutionary_regime(xinan_preset(1, F_D=1.5).game).ess == ((1, 1),)


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


@pytest.mark.parametrize(("round_", "year", "scenario"), [(1, 1, ""), (2, 1, "round2_2015"), (2, 2, "round2_2016"),
                                                          (2, 3, "round2_2017"), (3, 1, "round3")])
def test_xinan_presets_are_the_model_file_scenarios(round_, year, scenario):
    # one set of numbers: the preset's game is the water_bet builder's game of the model scenario
    spec = coopgame.load_model("xinanjiang_bet")
    spec = spec.scenario(scenario) if scenario else spec
    built = spec.build().pairwise
    game = xinan_preset(round_, year).game
    assert np.array_equal(game.row_payoffs, built.row_payoffs)
    assert np.array_equal(game.col_payoffs, built.col_payoffs)
    v = xinan_preset(round_, year).values
    assert (v["b_U"], v["C_U"], v["F_U"], v["F_D"], v["B_D"], v["Ls_D"]) == (16.5, 21.0, 0.0, 0.0, 22.0, 0.0)


def test_xinan_numbers_are_labelled_by_their_basis():
    src = xinan_preset(1).sources
    assert src["S"].startswith("[S-R13, S-R14]") and src["M"].startswith("[S-R13, S-R14]")
    assert src["C_U"].startswith("[D] ratio(")  # 126 亿 over six years [S-R47]
    # the compensation standard [S-R21] read as the downstream's benefit: a modeling choice based on it
    assert src["B_D"].startswith("[M]") and "xinan.compensation_standard_2015" in src["B_D"]
    assert all(src[k].startswith("[M]") for k in ("b_U", "F_U", "F_D", "Ls_D"))
    # rounds 2-3: the provinces' contributions are read as stakes, a modeling choice
    assert xinan_preset(2, 1).sources["M"].startswith("[M]") and xinan_preset(3).sources["S"].startswith("[S-R15")


def test_bm1_presets_are_the_model_file_scenarios():
    spec = coopgame.load_model("two_city_coop")
    for case, scenario in (("worked", "no_central_incentives"), ("asymmetric", "asymmetric")):
        built = spec.scenario(scenario).build().pairwise
        assert np.array_equal(bm1_preset(case).game.row_payoffs, built.row_payoffs)
        assert np.array_equal(bm1_preset(case).game.col_payoffs, built.col_payoffs)
    # the model's default is the bistable row of the worked check: W = 2, F = 1.5
    A = bm1_preset("worked", W_A=2, W_B=2, F_A=1.5, F_B=1.5).game.row_payoffs
    assert np.array_equal(A, spec.build().pairwise.row_payoffs)


def test_round3_needs_a_larger_cobenefit_for_the_observed_protection():
    spec = coopgame.load_model("xinanjiang_bet")
    assert evolutionary_regime(spec.scenario("round3").build().pairwise).ess == ((0, 1),)
    # with C_U - b_U = 3.5 < M + M' = 4 the upstream keeps protecting against an honouring downstream
    sustained = spec.scenario("round3_protection_sustained").build().pairwise
    assert (sustained.row_payoffs[0, 0] > sustained.row_payoffs[1, 0])
    assert evolutionary_regime(sustained).ess == ()
    assert evolutionary_regime(spec.scenario("binding_downstream_penalty").build().pairwise).ess == ((1, 1),)

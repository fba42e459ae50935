"""Sweeps' welfare is true welfare (DESIGN §2.1): it does not move with the perception factor β."""

import numpy as np
import pytest

import coopgame
from coopgame import NCityGame, parameter_sweep
from coopgame.policy.sweep import pairwise_outcomes

BETAS = [1.0, 1.1, 1.2, 1.5, 2.0, 3.0]

# True welfare of full cooperation per issue of models/chengdu_chongqing.toml (W = 1, F = 0.5, δ = 0.2, base 0;
# spillovers s_0 e^{-d/300} with s_0 = 10, 15, 2.5 and d the 269 km between the centres, checked against an
# independent great-circle computation in tests/models/test_distances.py):
#   services:       Chengdu 1 − 19 + s + 22, Chongqing 1 − 24 + s + 26                             -> 7 + 2s
#   infrastructure: Chengdu 1 − 29 + s + 33 + 0.8·2 − 2, Chongqing 1 − 37 + s + 40 + 1.6 − 2      -> 8.2 + 2s
#   consumption hub: Chengdu 1 − 10 + s + 9 + 0.8·6 − 5, Chongqing 1 − 12 + s + 9 + 0.8·5 − 6     -> −4.2 + 2s
_D = float(np.asarray(coopgame.load_model("chengdu_chongqing")["distance"])[0, 1])
_S = [s0 * np.exp(-_D / 300.0) for s0 in (10.0, 15.0, 2.5)]
TRUE_CC = {"shared public services": 7.0 + 2 * _S[0], "infrastructure": 8.2 + 2 * _S[1],
           "international consumption hub": -4.2 + 2 * _S[2]}


@pytest.mark.parametrize("issue", list(TRUE_CC))
def test_chengdu_chongqing_welfare_over_perception_is_constant_and_true(issue):
    spec = coopgame.load_model("chengdu_chongqing")
    res = parameter_sweep(spec, {"perception": BETAS}, issue=issue)
    np.testing.assert_allclose(res.outputs["welfare_cc"], TRUE_CC[issue], rtol=0, atol=1e-9)
    # the decisions do move with β (the sweep is not constant for a trivial reason): at β = 1 the
    # services and infrastructure games are stag hunts; from the model's β = 1.2 on, (C, C) is no ESS
    # (services at 1.2: Chongqing perceives 1 − 1.2·24 + s + 26 ≈ 2.3 < s − 0.5 ≈ 3.6, its free-ride payoff)
    if issue != "international consumption hub":
        assert res.outputs["cooperation_ess"][0] and not res.outputs["cooperation_ess"][2:].any()


def test_sweep_welfare_over_perception_with_a_callable_model():
    def game(beta):
        return NCityGame(cost=[4.0, 5.0], reward=1.0, synergy=[[0, 6], [7, 0]], siphon=[[0, 1.0], [2.0, 0]],
                         deadweight=0.25, perception=[beta, 1.0 + (beta - 1.0) / 2])

    res = parameter_sweep(game, {"beta": BETAS})
    true = game(1.0).to_pairwise(perceived=False)
    np.testing.assert_allclose(res.outputs["welfare_cc"], true.welfare()[0, 0], rtol=0, atol=1e-12)
    for beta, w in zip(BETAS, res.outputs["welfare_cc"]):
        seen = game(beta).to_pairwise()
        # before the fix the sweep summed these perceived payoffs, which fall as β rises
        assert w == seen.welfare()[0, 0] and (beta == 1.0 or w > seen.row_payoffs[0, 0] + seen.col_payoffs[0, 0])


def test_pairwise_outcomes_take_the_true_payoffs_for_welfare():
    A = np.array([[[3.0, 0.0], [5.0, 1.0]]])
    TA = A + 2.0
    out = pairwise_outcomes(A, A.transpose(0, 2, 1), true_payoffs=(TA, TA.transpose(0, 2, 1)))
    assert out["welfare_cc"].tolist() == [10.0]
    assert pairwise_outcomes(A, A.transpose(0, 2, 1))["welfare_cc"].tolist() == [6.0]
    with pytest.raises(coopgame.errors.InvalidParameterError, match="true_payoffs"):
        pairwise_outcomes(A, A, true_payoffs=(TA[0], TA[0]))

"""Grid keys of a model sweep: each element swept on one axis, indices that name exactly one element."""

import pytest

import coopgame
from coopgame.errors import InvalidParameterError


@pytest.mark.parametrize("grid", [
    {"reward[0]": [0.0, 10.0], "reward": [0.0, 1.0]},   # a plain name would overwrite the element axis
    {"reward": [0.0, 1.0], "reward[1]": [0.0, 10.0]},
    {"reward[0]": [0.0], "reward[ 0 ]": [1.0]},          # the same element twice
])
def test_two_axes_setting_the_same_element_are_refused(grid):
    with pytest.raises(InvalidParameterError, match="both set parameter 'reward'"):
        coopgame.parameter_sweep(coopgame.load_model("two_city_coop"), grid)


def test_different_elements_of_one_parameter_sweep_on_two_axes():
    spec = coopgame.load_model("two_city_coop")
    res = coopgame.parameter_sweep(spec, {"reward[0]": [0.0, 10.0], "reward[1]": [0.0, 1.0]})
    assert res.shape == (2, 2)
    # welfare at (C, C) rises by the reward paid to each cooperator: +10 along axis 0, +1 along axis 1
    w = res.outputs["welfare_cc"]
    assert w[1, 0] - w[0, 0] == pytest.approx(10.0)
    assert w[0, 1] - w[0, 0] == pytest.approx(1.0)


def test_a_layered_parameter_needs_one_index_per_axis():
    spec = coopgame.load_model("chengdu_chongqing")  # reward has shape (issues, cities) = (3, 2)
    with pytest.raises(InvalidParameterError, match=r"does not index parameter 'reward' of shape \(3, 2\)"):
        coopgame.parameter_sweep(spec, {"reward[1]": [0.0, 50.0]}, issue=1)
    res = coopgame.parameter_sweep(spec, {"reward[1,1]": [0.0, 50.0]}, issue=1)
    w = res.outputs["welfare_cc"]
    assert w[1] - w[0] == pytest.approx(50.0)  # city 1's reward on issue 1 enters that issue's (C, C) welfare


def test_an_index_on_a_scalar_parameter_is_refused():
    with pytest.raises(InvalidParameterError, match="does not index parameter 'alpha'"):
        coopgame.parameter_sweep(coopgame.load_model("two_city_coop"), {"alpha[0]": [0.5]})

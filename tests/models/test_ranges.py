"""Ranges of modeling choices: parsing, validation, sampling (issue 14, Deliver 3).

The built-in city groups give a range and a reason for every modeling choice;
a bad range is one ``ModelSpecError`` naming the file and the key path; draws
follow the stated distribution (checked against scipy's distributions with a
Kolmogorov-Smirnov test at fixed seeds), and factor ranges scale the value.
"""

from __future__ import annotations

import copy
import pickle
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from coopgame.errors import InvalidParameterError, ModelSpecError
from coopgame.models.catalog import load_model, validate_model_file
from coopgame.models.uncertainty import Uncertainty

CITY_GROUPS = ("bth13", "guangzhou_siphon", "chengdu_chongqing", "nanjing_fund", "chengdu_chongqing_fund", "yrd26")

HEADER = 'schema_version = 1\nslug = "r"\ntitle = "t"\nkind = "ncity"\n[players]\nnames = ["a", "b"]\n'
COST = '[parameters.cost]\nvalue = [1, 2]\nmodeling_choice = "a cost chosen for the test"\n'


def _write(tmp_path: Path, params: str) -> Path:
    path = tmp_path / "ranges.toml"
    path.write_text(HEADER + params, encoding="utf-8")
    return path


def _deadweight(extra: str, value: str = "0.2") -> str:
    return COST + f'[parameters.deadweight]\nvalue = {value}\nmodeling_choice = "a fifth is lost in the move"\n' + extra


def _refused(path: Path, key: str, *fragments: str) -> str:
    with pytest.raises(ModelSpecError) as info:
        validate_model_file(path)
    message = str(info.value)
    assert str(path) in message and f": {key}: " in message, message
    for fragment in fragments:
        assert fragment in message, message
    return message


# ------------------------------------------------------------------------------------ the built-in city groups
@pytest.mark.parametrize("slug", CITY_GROUPS)
def test_every_modeling_choice_of_a_city_group_carries_a_range_and_a_reason(slug):
    spec = load_model(slug)
    choices = [name for name in spec._raw["parameters"]
               if any(it.label == "modeling choice" for it in spec.parameters[name].provenance)]
    ranges = spec.uncertain_parameters()
    assert choices and list(ranges) == choices  # every one, in the file's order
    for name, u in ranges.items():
        assert len(u.reason) >= 30, (name, u.reason)
        value = spec[name]
        if u.kind == "value":
            assert u.low <= float(value) <= u.high and u.mode == float(value)
        else:
            assert u.low <= 1.0 <= u.high and np.array_equal(u.mode, value)
        assert spec.parameters[name].provenance[0].uncertainty == u.describe()


@pytest.mark.parametrize("slug", CITY_GROUPS)
def test_a_city_group_parses_at_both_ends_of_every_range(slug):
    """The bounds are values the model accepts, derived parameters included (not only the kind's checks)."""
    spec = load_model(slug)
    for name, u in spec.uncertain_parameters().items():
        for end in (u.low, u.high):
            value = end if u.kind == "value" else end * np.asarray(u.mode)
            moved = spec.with_values(**{name: value})
            assert np.allclose(moved[name], value)


def test_ranges_leave_the_values_unchanged():
    """A range is information about a value, not a new value: the model solves as before."""
    spec = load_model("chengdu_chongqing")
    assert spec["perception"].tolist() == [[1.2, 1.2], [1.2, 1.2], [1.2, 1.2]]
    assert float(load_model("nanjing_fund")["conference_quota"]) == pytest.approx(2 / 3)
    u = spec.uncertain_parameters()["perception"]
    draws = u.sample(np.random.default_rng(3), 500)
    assert draws.min() >= 1.0 - 1e-12 and draws.max() <= 1.5 + 1e-12  # beta from none to a 50 % inflation


def test_the_provenance_table_shows_the_ranges():
    text = load_model("guangzhou_siphon").provenance().summary().as_text()
    assert "range" in text and "uniform on [1, 1.5]" in text and "log-uniform on [0.02, 0.08]" in text
    plain = load_model("default").provenance().summary()
    assert plain.columns == ("parameter", "value", "basis", "reference / reason")  # no ranges, no column


# ------------------------------------------------------------------------------------------------ parsing
def test_a_valid_range_is_stored_on_the_parameter(tmp_path):
    path = _write(tmp_path, _deadweight('range = [0.1, 0.3]\ndistribution = "triangular"\n'
                                        'range_reason = "from half to one and a half times"\n'))
    spec = load_model(path)
    u = spec.parameters["deadweight"].uncertainty
    assert (u.distribution, u.low, u.high, u.kind, u.mode) == ("triangular", 0.1, 0.3, "value", 0.2)
    assert u.reason == "from half to one and a half times"
    assert u.describe() == "triangular on [0.1, 0.3], mode 0.2"
    assert spec.parameters["cost"].uncertainty is None
    assert list(spec.uncertain_parameters()) == ["deadweight"]


def test_the_default_distribution_is_uniform_and_a_factor_range_keeps_the_array(tmp_path):
    path = _write(tmp_path, COST.replace('test"\n', 'test"\nrange = [0.5, 2]\nrange_kind = "factor"\n'
                                         'range_reason = "a factor of two either way"\n'))
    u = load_model(path).uncertain_parameters()["cost"]
    assert u.distribution == "uniform" and u.kind == "factor" and u.mode.tolist() == [1.0, 2.0]
    assert not u.mode.flags.writeable


BAD_CASES = [
    ('range = [0.3, 0.1]\nrange_reason = "a reason long enough"\n', "range", "low < high"),
    ('range = [0.2, 0.2]\nrange_reason = "a reason long enough"\n', "range", "low < high"),
    ('range = [0.3, 0.5]\nrange_reason = "a reason long enough"\n', "range", "low <= value <= high"),
    ('range = [0, 0.1]\nrange_reason = "a reason long enough"\n', "range", "low <= value <= high"),
    ('range = ["a", 0.5]\nrange_reason = "a reason long enough"\n', "range[0]", "a finite number"),
    ('range = [0.1, true]\nrange_reason = "a reason long enough"\n', "range[1]", "a finite number"),
    ('range = [0.1, inf]\nrange_reason = "a reason long enough"\n', "range[1]", "a finite number"),
    ('range = [0.1, 1e200]\nrange_reason = "a reason long enough"\n', "range[1]", "magnitude at most 1e100"),
    ('range = [0.1]\nrange_reason = "a reason long enough"\n', "range", "two numbers"),
    ('range = 0.1\nrange_reason = "a reason long enough"\n', "range", "two numbers"),
    ('range = [0.1, 0.3]\n', "range_reason", "why these bounds"),
    ('range = [0.1, 0.3]\nrange_reason = "short"\n', "range_reason", "why these bounds"),
    ('range = [0.1, 0.3]\nrange_reason = 3\n', "range_reason", "why these bounds"),
    ('range = [0.1, 0.3]\ndistribution = "normal"\nrange_reason = "a reason long enough"\n', "distribution",
     "a distribution: integer-uniform, log-uniform, triangular, uniform"),
    ('range = [0.1, 0.3]\ndistribution = "loguniform"\nrange_reason = "a reason long enough"\n', "distribution",
     "did you mean 'log-uniform'"),
    ('range = [0, 0.3]\ndistribution = "log-uniform"\nrange_reason = "a reason long enough"\n', "range",
     "low > 0 for a log-uniform"),
    ('range = [0.1, 0.3]\nrange_kind = "scale"\nrange_reason = "a reason long enough"\n', "range_kind",
     "factor, value"),
    ('range = [0.1, 0.3]\ndistribution = "integer-uniform"\nrange_reason = "a reason long enough"\n', "range",
     "integer bounds"),
    ('range = [0.1, 1.5]\nrange_reason = "a reason long enough"\n', "range[1]", "numbers in [0, 1]"),
    ('distribution = "uniform"\n', "range", "range = [low, high]"),
    ('range_reason = "a reason without bounds"\n', "range", "range = [low, high]"),
    ('rang = [0.1, 0.3]\n', "rang", "did you mean 'range'"),
    ('range = [0.1, 0.3]\nrange_resaon = "typo"\n', "range_resaon", "did you mean 'range_reason'"),
]


@pytest.mark.parametrize(("extra", "key", "fragment"), BAD_CASES, ids=[c[0].split("\n")[-2][:30] + c[1]
                                                                         for c in BAD_CASES])
def test_a_bad_range_names_the_file_and_the_key(tmp_path, extra, key, fragment):
    _refused(_write(tmp_path, _deadweight(extra)), f"parameters.deadweight.{key}", fragment)


def test_a_range_on_an_array_needs_range_kind_factor(tmp_path):
    path = _write(tmp_path, COST.replace('test"\n', 'test"\nrange = [0.5, 3]\n'
                                         'range_reason = "a reason long enough"\n'))
    _refused(path, "parameters.cost.range_kind", "'factor' for a parameter of shape (2)")


@pytest.mark.parametrize(("bounds", "fragment"), [("[1.5, 2]", "0 <= low <= 1 <= high"),
                                                  ("[-1, 2]", "0 <= low <= 1 <= high"),
                                                  ("[0.5, 0.9]", "0 <= low <= 1 <= high")])
def test_a_factor_range_contains_the_factor_one(tmp_path, bounds, fragment):
    path = _write(tmp_path, COST.replace('test"\n', f'test"\nrange = {bounds}\nrange_kind = "factor"\n'
                                         'range_reason = "a reason long enough"\n'))
    _refused(path, "parameters.cost.range", fragment)


def test_a_factor_bound_must_keep_the_kind_valid(tmp_path):
    text = COST + ('[parameters.perception]\nvalue = [1.2, 1.2]\nmodeling_choice = "protectionism inflates costs"\n'
                   'range = [0.5, 1.25]\nrange_kind = "factor"\nrange_reason = "a reason long enough"\n')
    _refused(_write(tmp_path, text), "parameters.perception.range[0]", "numbers >= 1", "factor 0.5")


def test_integer_uniform_is_refused_for_a_factor(tmp_path):
    path = _write(tmp_path, COST.replace('test"\n', 'test"\nrange = [0, 2]\nrange_kind = "factor"\n'
                                         'distribution = "integer-uniform"\nrange_reason = "a reason long enough"\n'))
    _refused(path, "parameters.cost.distribution", "for a factor")


@pytest.mark.parametrize(("basis", "label"), [
    ('[parameters.share]\nsource = "jjj_relocation.split_share"\n', "a seed fact"),
    ('[parameters.share]\nrule = "fill"\ninputs = { value = "cost" }\n', "a derived parameter"),
])
def test_a_range_on_something_that_is_not_a_modeling_choice_is_refused(tmp_path, basis, label):
    # "share" is a rule input (analysis.weights would not take a scalar): feed it to a rule
    helper = '[parameters.siphon]\nrule = "scale"\ninputs = { x = "m", factor = "share" }\n' \
             '[parameters.m]\nvalue = [[0, 1], [1, 0]]\nmodeling_choice = "a matrix chosen for the test"\n'
    text = COST + helper + basis + 'range = [0, 1]\nrange_reason = "a reason long enough"\n'
    if "fill" in basis:
        text = text.replace('inputs = { value = "cost" }', 'inputs = { value = "k" }\noptions = { shape = "vector" }')
        text += '[parameters.k]\nvalue = 0.5\nmodeling_choice = "a constant chosen for the test"\n'
        text = text.replace('factor = "share"', 'factor = "k"').replace("[parameters.share]", "[parameters.reward]")
        _refused(_write(tmp_path, text), "parameters.reward.range", label)
        return
    _refused(_write(tmp_path, text), "parameters.share.range", label)


def test_a_range_on_a_data_column_is_refused(tmp_path):
    text = ('schema_version = 1\nslug = "r"\ntitle = "t"\nkind = "ncity"\n[players]\n'
            'table = "g1_chengdu_chongqing_core"\nnames = ["Chengdu", "Chongqing"]\n'
            '[parameters.cost]\ncolumn = "budget_revenue_100m_yuan"\nrange = [0, 1]\n'
            'range_reason = "a reason long enough"\n')
    path = tmp_path / "column.toml"
    path.write_text(text, encoding="utf-8")
    _refused(path, "parameters.cost.range", "only a modeling choice carries one", "a data cell")


def test_with_values_and_with_arrays_drop_the_range_of_a_replaced_value():
    spec = load_model("guangzhou_siphon")
    assert "perception_level" not in spec.with_values(perception_level=1.3).uncertain_parameters()
    assert "perception_level" not in spec.with_arrays(perception_level=1.3).uncertain_parameters()
    assert "deadweight" in spec.with_values(perception_level=1.3).uncertain_parameters()


# ----------------------------------------------------------------------------------------------- sampling
def _u(distribution: str, low: float, high: float, mode=0.3, kind: str = "value") -> Uncertainty:
    return Uncertainty(distribution, low, high, kind, "a reason for the test", mode)


@pytest.mark.parametrize(("u", "dist"), [
    (_u("uniform", 0.1, 0.5), stats.uniform(0.1, 0.4)),
    (_u("triangular", 0.1, 0.5, 0.2), stats.triang((0.2 - 0.1) / 0.4, loc=0.1, scale=0.4)),
    (_u("log-uniform", 0.01, 1.0, 0.1), stats.loguniform(0.01, 1.0)),
])
def test_draws_follow_the_stated_distribution(u, dist):
    x = u.sample(np.random.default_rng(20240514), 4000)
    assert x.shape == (4000,) and x.min() >= u.low and x.max() <= u.high
    assert stats.kstest(x, dist.cdf).pvalue > 1e-3  # fixed seed: a true distribution passes, deterministically
    if u.distribution == "log-uniform":  # the log is uniform; the mean of the values is far from the midpoint
        assert stats.kstest(np.log(x), stats.uniform(np.log(0.01), np.log(100.0)).cdf).pvalue > 1e-3
        assert stats.kstest(x, stats.uniform(0.01, 0.99).cdf).pvalue < 1e-6


def test_the_triangular_mode_is_the_value():
    u = _u("triangular", 1.0, 1.5, 1.4)
    x = u.sample(np.random.default_rng(7), 200_000)
    hist, edges = np.histogram(x, bins=50, range=(1.0, 1.5))
    assert abs(edges[np.argmax(hist)] - 1.4) <= 0.02
    mean, sd = (1.0 + 1.4 + 1.5) / 3, np.sqrt((1 + 1.4**2 + 1.5**2 - 1.4 - 1.5 - 2.1) / 18)
    assert abs(x.mean() - mean) < 5 * sd / np.sqrt(x.size)


def test_integer_uniform_draws_every_integer_of_the_range():
    x = _u("integer-uniform", 3, 10, 5).sample(np.random.default_rng(1), 8000)
    assert set(x.tolist()) == set(range(3, 11)) and x.dtype == np.float64
    counts = np.bincount(x.astype(int))[3:]
    assert stats.chisquare(counts).pvalue > 1e-3


def test_a_factor_range_multiplies_the_whole_value():
    base = np.array([[[0.0, 22.0], [26.0, 0.0]], [[0.0, 9.0], [9.0, 0.0]]])
    u = _u("log-uniform", 0.5, 2.0, base, kind="factor")
    x = u.sample(np.random.default_rng(5), 300)
    assert x.shape == (300, 2, 2, 2)
    factor = x[:, 0, 0, 1] / 22.0
    assert np.allclose(x, factor[:, None, None, None] * base)  # one factor per draw, zeros stay zero
    assert factor.min() >= 0.5 and factor.max() <= 2.0
    tri = _u("triangular", 0.5, 1.25, base, kind="factor").sample(np.random.default_rng(5), 2000)[:, 0, 1, 0] / 26.0
    assert stats.kstest(tri, stats.triang(0.5 / 0.75, loc=0.5, scale=0.75).cdf).pvalue > 1e-3  # mode at factor 1


def test_built_in_factor_ranges_sample_with_the_parameter_shape():
    u = load_model("chengdu_chongqing").uncertain_parameters()
    for name in ("cost", "synergy", "perception", "initial"):
        draws = u[name].sample(np.random.default_rng(0), 16)
        assert draws.shape == (16, *load_model("chengdu_chongqing")[name].shape)


def test_sampling_is_deterministic_for_a_seed_and_accepts_size_zero():
    u = _u("uniform", 0.1, 0.5)
    a = u.sample(np.random.default_rng(42), 50)
    assert np.array_equal(a, u.sample(np.random.default_rng(42), 50))
    assert not np.array_equal(a, u.sample(np.random.default_rng(43), 50))
    assert u.sample(np.random.default_rng(0), 0).shape == (0,)


@pytest.mark.parametrize(("rng", "size", "fragment"), [
    (42, 3, "rng must be a numpy.random.Generator"),
    (None, 3, "rng must be a numpy.random.Generator"),
    (np.random.default_rng(0), -1, "size must be >= 0"),
    (np.random.default_rng(0), 2.5, "size must be an integer"),
    (np.random.default_rng(0), True, "size must be an integer"),
])
def test_sample_refuses_bad_arguments_by_name(rng, size, fragment):
    with pytest.raises(InvalidParameterError, match=r"^Uncertainty\.sample\(\): " + fragment):
        _u("uniform", 0.1, 0.5).sample(rng, size)


def test_describe():
    assert _u("uniform", 1.0, 1.4, 1.2).describe() == "uniform on [1, 1.4]"
    assert _u("log-uniform", 0.005, 0.02, 0.01).describe() == "log-uniform on [0.005, 0.02]"
    assert _u("uniform", 0.5, 2, np.ones(2), kind="factor").describe() == "value × a factor uniform on [0.5, 2]"


# ------------------------------------------------------------------------------------------- immutability
def test_uncertainty_pickles_and_copies_read_only():
    spec = load_model("chengdu_chongqing")
    u = spec.uncertain_parameters()["synergy"]
    for back in (pickle.loads(pickle.dumps(u)), copy.deepcopy(u), copy.copy(u)):
        assert (back.distribution, back.low, back.high, back.kind, back.reason) == \
            (u.distribution, u.low, u.high, u.kind, u.reason)
        assert np.array_equal(back.mode, u.mode) and not back.mode.flags.writeable
        assert np.array_equal(back.sample(np.random.default_rng(1), 4), u.sample(np.random.default_rng(1), 4))
    with pytest.raises(AttributeError):
        u.low = 0.0  # type: ignore[misc]
    again = pickle.loads(pickle.dumps(spec))
    assert again.uncertain_parameters()["perception"].describe() == spec.uncertain_parameters()["perception"].describe()

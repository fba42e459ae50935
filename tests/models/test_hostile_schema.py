"""Hostile model files are refused with one ModelSpecError naming the file and the key path.

Each case is one edit of a built-in model file (tests/models/variants.py), so the
rest of the file is valid and the error can only come from the edit. The bounds
are the documented ones: MAX_MODEL_FILE_BYTES, MAX_NESTING, MAX_MAGNITUDE.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from coopgame.errors import CoopgameError, InvalidParameterError, ModelSpecError
from coopgame.models.catalog import MAX_MODEL_FILE_BYTES, check_buildable, load_model, validate_model_file
from coopgame.models.schema import ANALYSIS_NAMES, MAX_MAGNITUDE, MAX_NESTING
from tests.models.variants import variant_text


def _write(tmp_path: Path, text: str | bytes, name: str = "hostile.toml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _refused(path: Path, *fragments: str) -> str:
    with pytest.raises(ModelSpecError) as info:
        validate_model_file(path)
    message = str(info.value)
    assert message.startswith("validate_model_file(): ")  # the function called, not the one it calls
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message, message
    assert "\n" not in message
    return message


# ------------------------------------------------------------------------------------------------ reading
def test_dev_zero_is_refused_after_a_bounded_read():
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    with pytest.raises(ModelSpecError, match=r"/dev/zero: the file is larger than the 4 MiB"):
        load_model("/dev/zero")


def test_a_file_one_byte_over_the_limit_is_refused_and_one_at_the_limit_is_read(tmp_path):
    base = variant_text("two_city_coop", 'title = "', 'title = "')
    pad = MAX_MODEL_FILE_BYTES - len(base.encode()) - 2  # a comment line "#...\n" fills the file exactly
    exact = _write(tmp_path, base + "#" + "x" * pad + "\n", "exact.toml")
    assert exact.stat().st_size == MAX_MODEL_FILE_BYTES
    assert load_model(exact).slug == "two_city_coop"
    over = _write(tmp_path, base + "#" + "x" * (pad + 1) + "\n", "over.toml")
    _refused(over, "larger than the 4 MiB")


def test_empty_binary_and_bom_files(tmp_path):
    _refused(_write(tmp_path, "", "empty.toml"), "the file is empty")
    _refused(_write(tmp_path, " \n\t\n", "blank.toml"), "the file is empty")
    _refused(_write(tmp_path, bytes(range(256)) * 4, "binary.toml"), "not UTF-8 text")
    _refused(_write(tmp_path, b"a = 1\n\x00\x01", "nul.toml"), "TOML syntax error")
    bom = _write(tmp_path, "\ufeff" + variant_text("two_city_coop", "kind", "kind"), "bom.toml")
    assert validate_model_file(bom).slug == "two_city_coop"  # editors' byte-order mark is allowed


def test_folder_fifo_and_missing_file(tmp_path):
    _refused(tmp_path, "is a folder")
    _refused(tmp_path / "missing.toml", "file not found")
    if hasattr(os, "mkfifo"):  # a FIFO without a writer must not block the reader
        fifo = tmp_path / "fifo.toml"
        os.mkfifo(fifo)
        _refused(fifo, "the file is empty")


@pytest.mark.parametrize("argument", ["x" * 5000, "x" * 5000 + ".toml", "a\0b.toml", "", "no such model", "../x"])
def test_load_model_refuses_names_that_are_neither_a_model_nor_a_readable_path(argument):
    with pytest.raises(ModelSpecError, match=r"^load_model\(\): "):
        load_model(argument)


@pytest.mark.parametrize("argument", [None, 12, 1.5, ["default"], b"default"])
def test_load_model_refuses_arguments_of_the_wrong_type(argument):
    with pytest.raises(InvalidParameterError, match=r"^load_model\(\): slug_or_path must be"):
        load_model(argument)


def test_a_misspelt_slug_gets_a_did_you_mean():
    with pytest.raises(ModelSpecError, match=r"no built-in model 'defualt' \(did you mean 'default'\?\)"):
        load_model("defualt")


# ------------------------------------------------------------------------------------------------ nesting
@pytest.mark.parametrize("depth", [MAX_NESTING + 1, 200, 10_000])
def test_deeply_nested_arrays_are_refused_without_recursion_error(tmp_path, depth):
    text = variant_text("two_city_coop", "value = 6\n", "value = " + "[" * depth + "6" + "]" * depth + "\n")
    _refused(_write(tmp_path, text), "nested")


@pytest.mark.parametrize("depth", [MAX_NESTING + 1, 5_000])
def test_deeply_nested_tables_are_refused(tmp_path, depth):
    text = variant_text("two_city_coop", "[analysis]\n", "[analysis" + ".x" * depth + "]\n[analysis]\n")
    _refused(_write(tmp_path, text), "analysis.x.x", f"nested at most {MAX_NESTING} levels")


def test_deep_inline_tables_are_refused(tmp_path):
    text = variant_text("two_city_coop", "value = 6\n", "value = " + "{a=" * 3000 + "1" + "}" * 3000 + "\n")
    _refused(_write(tmp_path, text), "nested")


# ------------------------------------------------------------------------------------------------ numbers
@pytest.mark.parametrize("number, key, shown", [
    ("9" * 400, "parameters.synergy.value", "an integer of 400 digits"),
    ("-" + "9" * 400, "parameters.synergy.value", "an integer of 400 digits"),
    ("1.7e308", "parameters.synergy.value", "1.7e+308"),
    ("1e101", "parameters.synergy.value", "1e+101"),
    ("inf", "parameters.synergy.value", "inf"),
    ("-inf", "parameters.synergy.value", "-inf"),
    ("nan", "parameters.synergy.value", "nan"),
    ('"6"', "parameters.synergy.value", "'6'"),
    ('"inf"', "parameters.synergy.value", "'inf'"),
    ("true", "parameters.synergy.value", "True"),
    ("{ a = 1 }", "parameters.synergy.value", "{'a': 1}"),
    ("1979-05-27", "parameters.synergy.value", "datetime.date(1979, 5, 27)"),
])
def test_numbers_out_of_range_or_of_the_wrong_type_are_refused_with_the_key_path(tmp_path, number, key, shown):
    text = variant_text("two_city_coop", "value = 6\n", f"value = {number}\n")
    _refused(_write(tmp_path, text), f"{key}: expected", shown)


def test_an_integer_too_long_for_python_to_convert_is_refused(tmp_path):
    text = variant_text("two_city_coop", "value = 6\n", "value = " + "9" * 5000 + "\n")
    _refused(_write(tmp_path, text), "a number in the file cannot be read")


def test_the_bad_element_of_an_array_is_named(tmp_path):
    text = variant_text("two_city_coop", "value = [4, 4]", "value = [4, " + "9" * 400 + "]")
    _refused(_write(tmp_path, text), "parameters.cost.value[1]: expected a number of magnitude at most 1e100")


def test_the_magnitude_bound_itself_is_accepted(tmp_path):
    # MAX_MAGNITUDE is allowed (and products of three such numbers stay finite, which is why it is the bound)
    assert MAX_MAGNITUDE ** 3 < 1.7976931348623157e308
    text = variant_text("two_city_coop", "value = 6\n", "value = 1e100\n")
    assert load_model(_write(tmp_path, text))["synergy"] == 1e100


def test_a_rule_whose_result_exceeds_the_bound_is_refused(tmp_path):
    # gravity: scale * gdp_i gdp_j / sum(gdp); Beijing's GDP is about 4e4 (100 million yuan), so a saving of 1e99
    # (a scale near 1e97) derives values near 1e101 from inputs that are each within the bound
    text = variant_text("bth13", "value = 0.065\n", "value = 1e99\n").replace("range = [0.0458, 0.1129]",
                                                                            "range = [0.0458, 1e100]")
    _refused(_write(tmp_path, text),
             "parameters.synergy: expected inputs from which rule 'gravity_distance' derives finite")


def test_a_rule_dividing_by_a_zero_sum_is_refused_without_warnings(tmp_path, recwarn):
    text = variant_text("bth13", "[parameters.synergy]\nrule = \"gravity_distance\"\ninputs = { x = \"gdp\", ",
                        "[parameters.zero]\nvalue = 0\nmodeling_choice = \"zero on purpose, for a test\"\n"
                        "[parameters.zeros]\nrule = \"fill\"\ninputs = { value = \"zero\" }\n"
                        "[parameters.synergy]\nrule = \"gravity_distance\"\ninputs = { x = \"zeros\", ")
    _refused(_write(tmp_path, text), "parameters.synergy: expected inputs from which rule 'gravity_distance'")
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


# ------------------------------------------------------------------------------------------------ types
@pytest.mark.parametrize("old, new, fragment", [
    ('rule = "gravity_distance"', 'rule = ["gravity_distance"]', "parameters.synergy.rule: expected the name of a rule"),
    ('rule = "gravity_distance"', 'rule = { a = "gravity_distance" }',
     "parameters.synergy.rule: expected the name of a rule"),
    ('rule = "gravity_distance"', "rule = 1", "parameters.synergy.rule: expected the name of a rule"),
    ('options = { sources = ["Beijing", "Tianjin"] }', 'options = { sources = "Beijing" }',
     "parameters.gross_flow: expected inputs rule 'relocation_flow' can use"),
    ('options = { sources = ["Beijing", "Tianjin"] }', "options = { sources = [[1]] }",
     "parameters.gross_flow: expected inputs rule 'relocation_flow' can use"),
    ('column = "gdp_100m_yuan"', 'column = ["gdp_100m_yuan"]', "parameters.gdp.column"),
    ('column = "gdp_100m_yuan"', 'column = { a = 1 }', "parameters.gdp.column"),
    ('convention = "alpha"', 'convention = ["alpha"]', "analysis.convention"),
    ('weights = ["gdp", "revenue"]', 'weights = "gdp"', "analysis.weights"),
    ('rules = ["pure_equilibria",', 'rules = [1, "pure_equilibria",', "analysis.rules"),
    ("[analysis]\n", 'description = ["not", "a string"]\n[analysis]\n', "parameters.deadweight.description"),
])
def test_wrong_types_are_refused_with_the_key_path(tmp_path, old, new, fragment):
    _refused(_write(tmp_path, variant_text("bth13", old, new)), fragment)


@pytest.mark.parametrize("old, new, fragment", [
    ("schema_version = 1", 'schema_version = "1"', "schema_version: expected an integer"),
    ("schema_version = 1", "schema_version = " + "1" * 400, "schema_version: expected 1"),
    ('slug = "two_city_coop"', "slug = 3", "slug: expected a string"),
    ('kind = "two_city"', 'kind = ["two_city"]', "kind: expected a string"),
    ('names = ["city A", "city B"]', 'names = "city A"', "players.names"),
    ('names = ["city A", "city B"]', 'names = [["city A"], "city B"]', "players.names[0]"),
    ("[parameters.synergy]\nvalue = 6", "[parameters.synergy]\nvalue = 6\nunit = 3", "parameters.synergy.unit"),
    ("[parameters.synergy]\nvalue = 6", "[parameters.synergy]\nvalue = 6\ndescription = [1]",
     "parameters.synergy.description"),
    ('modeling_choice = "even initial', 'modeling_choice = 7\n#', "parameters.initial.modeling_choice"),
    ('name = "asymmetric"', "name = 5", "scenarios[2].name"),
    ('description = "W = F = 0: defection is the only ESS"', "description = 0", "scenarios[0].description"),
])
def test_wrong_types_in_a_small_model_are_refused(tmp_path, old, new, fragment):
    _refused(_write(tmp_path, variant_text("two_city_coop", old, new)), fragment)


@pytest.mark.parametrize("required", ["schema_version", "slug", "title", "kind"])
def test_missing_required_keys_are_named(tmp_path, required):
    text = variant_text("two_city_coop", "schema_version", "schema_version")
    lines = [ln for ln in text.splitlines() if not ln.startswith(f"{required} =")]
    _refused(_write(tmp_path, "\n".join(lines) + "\n"), f"{required}: expected", "nothing (key missing)")


def test_a_missing_required_parameter_is_named(tmp_path):
    text = variant_text("two_city_coop", "[parameters.synergy]\nvalue = 6\n", "[parameters.synergy_]\nvalue = 6\n")
    _refused(_write(tmp_path, text), "parameters.synergy_")


def test_very_long_strings_are_clipped_in_the_message(tmp_path):
    text = variant_text("two_city_coop", 'kind = "two_city"', 'kind = "' + "k" * 1_000_000 + '"')
    message = _refused(_write(tmp_path, text), "kind: expected a model kind")
    assert len(message) < 1000


# ------------------------------------------------------------------------------------------------ unknown keys
@pytest.mark.parametrize("slug, old, new, key, suggestion", [
    ("two_city_coop", "title = ", "titel = ", "titel", "title"),
    ("two_city_coop", "[players]\n", "[players]\nnmaes = []\n", "players.nmaes", "names"),
    ("two_city_coop", "[parameters.synergy]\nvalue = 6", "[parameters.synergy]\nvalue = 6\nvalu = 6",
     "parameters.synergy.valu", "value"),
    ("two_city_coop", "[parameters.synergy]", "[parameters.synergi]", "parameters.synergi", "synergy"),
    ("two_city_coop", 'kind = "two_city"', 'kind = "two_cty"', "kind", "two_city"),
    ("two_city_coop", 'name = "asymmetric"\n', 'name = "asymmetric"\ndescriptoin = "x"\n',
     "scenarios[2].descriptoin", "description"),
    ("two_city_coop", "[scenarios.parameters.alpha]", "[scenarios.parameters.alpah]",
     "scenarios[2].parameters.alpah", "alpha"),
    ("two_city_coop", "[analysis]\n", "[analysis]\nconvetion = 'alpha'\n", "analysis.convetion", "convention"),
    ("two_city_coop", 'rules = ["ess", "basin", "design"]', 'rules = ["ess", "shapely"]', "analysis.rules[1]",
     "shapley"),
    ("two_city_coop", 'rules = ["ess", "basin", "design"]', 'rules = ["nucleolous"]', "analysis.rules[0]",
     "nucleolus"),
    ("bth13", 'rule = "gravity_distance"', 'rule = "gravity_distanc"', "parameters.synergy.rule", "gravity_distance"),
    ("bth13", "options = { sources", "options = { sourcse", "parameters.gross_flow.options.sourcse", "sources"),
    ("bth13", 'inputs = { x = "gdp", scale', 'inputs = { x = "gdp", scal', "parameters.synergy.inputs.scal",
     "scale"),
    ("bth13", 'weights = ["gdp", "revenue"]', 'weights = ["gdp", "revenu"]', "analysis.weights[1]", "revenue"),
    ("bth13", '"Tangshan", "Qinhuangdao"', '"Tangshan", "Qinhuangdoa"', "players.names[4]", "Qinhuangdao"),
])
def test_unknown_keys_and_names_are_refused_with_did_you_mean(tmp_path, slug, old, new, key, suggestion):
    _refused(_write(tmp_path, variant_text(slug, old, new)), f": {key}: expected", f"(did you mean {suggestion!r}")


def test_an_unknown_name_without_a_close_match_lists_the_valid_ones(tmp_path):
    text = variant_text("two_city_coop", 'rules = ["ess", "basin", "design"]', 'rules = ["zzzzzz"]')
    message = _refused(_write(tmp_path, text), "analysis.rules[0]", "shapley", "nucleolus")
    assert "did you mean" not in message


def test_every_registered_concept_is_a_valid_analysis_rule_and_the_builtins_use_known_names():
    from coopgame.models.catalog import list_models
    from coopgame.policy.concepts import CONCEPTS

    assert {c.name for c in CONCEPTS} - {"summary"} <= set(ANALYSIS_NAMES)
    for slug in list_models().slugs:
        assert set(load_model(slug).analysis.get("rules", [])) <= set(ANALYSIS_NAMES)


# ------------------------------------------------------------------------------------------------ validate = solve
NONZERO_EMPTY_COST = ('value = [0, 230, 160, 350, 230, 460, 365, 556]\nsource = "wastewater_plant.coalition_costs"',
                      'value = [5, 230, 160, 350, 230, 460, 365, 556]\n'
                      'modeling_choice = "a non-zero cost of the empty coalition, for a test"')


def test_check_buildable_is_what_validate_adds_to_load_model(tmp_path):
    # C(empty) = 5 passes the schema (costs are non-negative) but TUGame.from_costs refuses it
    path = _write(tmp_path, variant_text("default", *NONZERO_EMPTY_COST))
    spec = load_model(path)
    with pytest.raises(ModelSpecError, match=r"the empty coalition must cost 0") as info:
        check_buildable(spec)
    assert str(path) in str(info.value)
    _refused(path, "the empty coalition must cost 0")
    for slug in ("two_city_coop", "bth13", "default"):  # the built-in models pass
        check_buildable(load_model(slug))


def test_every_message_is_a_coopgame_error_never_a_raw_exception(tmp_path):
    # a sample of the edits above, fed straight to load_model: nothing but ModelSpecError comes out
    cases = ["[" * 300, "a = " + "9" * 5000, "x = [1, [2]]", "[[a]]\n[a]", "\x00", "a = 1\na = 2"]
    for i, text in enumerate(cases):
        with pytest.raises(CoopgameError):
            load_model(_write(tmp_path, text, f"case{i}.toml"))


# ------------------------------------------------------------------------------------------------ presets, sweeps
@pytest.mark.parametrize("overrides, fragment", [
    ({"alpha": "0.5"}, "bm1_preset(): alpha must be a real number; got '0.5' (str)"),
    ({"alpha": True}, "bm1_preset(): alpha must be a real number"),
    ({"C_A": 1 + 1j}, "bm1_preset(): C_A must be a real number"),
    ({"alpha": float("nan")}, "bm1_preset(): alpha"),
    ({"alpha": 2}, "bm1_preset(): alpha: parameter 'alpha' of model 'two_city_coop' must be numbers in [0, 1]"),
    ({"dR": -1}, "bm1_preset(): dR: parameter 'synergy'"),
    ({"dR": 1e200}, "bm1_preset(): dR: parameter 'synergy' of model 'two_city_coop' must be finite with magnitude"),
    ({"nope": 1}, "bm1_preset(): unknown parameter 'nope'"),
])
def test_preset_overrides_are_checked_in_errors_naming_the_preset(overrides, fragment):
    from coopgame.models.presets import bm1_preset

    with pytest.raises(InvalidParameterError) as info:
        bm1_preset(**overrides)
    assert str(info.value).startswith(fragment), str(info.value)
    assert "load_model" not in str(info.value)  # not reported against the built-in model file


def test_preset_overrides_accept_any_real_number_type():
    from fractions import Fraction

    import numpy as np

    from coopgame.models.presets import bm1_preset

    for half in (Fraction(1, 2), np.float32(0.5), np.int64(0) + 0.5, 0.5):
        assert bm1_preset(alpha=half).values["alpha"] == 0.5


@pytest.mark.parametrize("args", [(True,), ("1",), (1.5,), (9,), (2, None), (2, 4), (1, "x")])
def test_xinan_preset_refuses_rounds_and_years_that_are_not_small_integers(args):
    from coopgame.models.presets import xinan_preset

    with pytest.raises(InvalidParameterError, match=r"^xinan_preset\(\): (round|year) must be"):
        xinan_preset(*args)


@pytest.mark.parametrize("case", [["worked"], None, 3])
def test_bm1_preset_refuses_a_case_that_is_not_a_name(case):
    from coopgame.models.presets import bm1_preset

    with pytest.raises(InvalidParameterError, match=r"^bm1_preset\(\): case must be one of"):
        bm1_preset(case)


def test_swept_values_obey_the_bound_of_a_model_file():
    spec = load_model("two_city_coop")
    assert spec.check_values("synergy", [0.0, MAX_MAGNITUDE]).tolist() == [0.0, MAX_MAGNITUDE]
    with pytest.raises(InvalidParameterError, match=r"magnitude at most 1e100; got 1e\+101"):
        spec.check_values("synergy", [6.0, 1e101])


@pytest.mark.parametrize("call, error, fragment", [
    (lambda s: s.check_values("alpha", ["0.5"]), InvalidParameterError, "must be an array of real numbers"),
    (lambda s: s.check_values("alpha", [1 + 1j]), InvalidParameterError, "must be an array of real numbers"),
    (lambda s: s.with_arrays(alpha="0.5"), InvalidParameterError, "got the string '0.5'"),
    (lambda s: s.with_values(alpha="x"), InvalidParameterError, "got the string 'x'"),
    (lambda s: s.with_values(alpha=float("nan")), ModelSpecError, "ModelSpec.with_values(): the values given for "
                                                                  "'alpha' are refused"),
    (lambda s: s.scenario(["asymmetric"]), ModelSpecError, "has no scenario ['asymmetric']"),
    (lambda s: s.scenario("asymetric"), ModelSpecError, "(did you mean 'asymmetric'?)"),
])
def test_model_spec_methods_refuse_strings_complex_and_unknown_names(call, error, fragment):
    with pytest.raises(error) as info:
        call(load_model("two_city_coop"))
    assert fragment in str(info.value), str(info.value)


@pytest.mark.parametrize("argument", [None, 1.5, ["x.toml"], {"a": 1}])
def test_validate_model_file_and_check_buildable_name_themselves(argument):
    with pytest.raises(InvalidParameterError, match=r"^validate_model_file\(\): path must be"):
        validate_model_file(argument)
    with pytest.raises(InvalidParameterError, match=r"^check_buildable\(\): spec must be a ModelSpec"):
        check_buildable(argument)


def test_validate_model_file_reads_a_name_without_suffix_as_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ModelSpecError, match=r"^validate_model_file\(\): default: file not found"):
        validate_model_file("default")  # a file named 'default' here, not the built-in model


def test_batched_game_stacks_cannot_be_made_writeable():
    import numpy as np

    spec = load_model("two_city_coop")
    stack = spec.batch_games({"reward": np.array([[0.0, 0.0], [3.0, 3.0]])})
    for arr in (stack.A, stack.B):
        with pytest.raises(ValueError):
            arr[0, 0, 0] = 99.0
        with pytest.raises(ValueError):
            arr.setflags(write=True)
    # the stack equals the games built one at a time (the same payoff function)
    assert np.array_equal(stack.A[1], spec.with_arrays(reward=[3.0, 3.0]).build().pairwise.A)


def test_parameter_values_cannot_be_made_writeable():
    spec = load_model("default")
    for value in (spec["costs"], spec.with_arrays(flows=[1.0, 2.0, 3.0])["flows"]):
        with pytest.raises(ValueError):
            value.setflags(write=True)
    assert spec["costs"].tolist() == [0.0, 230.0, 160.0, 350.0, 230.0, 460.0, 365.0, 556.0]


def test_built_model_arrays_cannot_be_made_writeable():
    import numpy as np

    built = load_model("tax_base_pool").build()
    arrays = [v for v in (*built.weights.values(), *built.values.values()) if isinstance(v, np.ndarray)]
    assert arrays
    for arr in arrays:
        with pytest.raises(ValueError):
            arr.setflags(write=True)

"""The model loader: slugs and paths, the catalogue, and one clear error per malformed file."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import coopgame
from coopgame.models.catalog import model_path
from coopgame.errors import ModelSpecError

# A small valid model used as the base of every malformed variant below.
VALID = textwrap.dedent('''
    schema_version = 1
    slug = "mini"
    title = "Two cities, minimal"
    kind = "two_city"

    [players]
    names = ["A", "B"]

    [parameters.cost]
    value = [4, 4]
    modeling_choice = "illustrative cost of cooperating"

    [parameters.synergy]
    value = 6
    modeling_choice = "illustrative joint gain"

    [parameters.alpha]
    value = 0.5
    source = "jjj_relocation.split_share"

    [parameters.free_ride_gain]
    value = [2, 2]
    modeling_choice = "illustrative free-riding gain"

    [parameters.lone_loss]
    value = [1, 1]
    modeling_choice = "illustrative lone cooperator loss"

    [parameters.reward]
    value = [2, 2]
    modeling_choice = "illustrative central reward"

    [parameters.penalty]
    value = [1.5, 1.5]
    modeling_choice = "illustrative central penalty"
''')


def write(tmp_path: Path, text: str, name: str = "mini.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_file_loads_from_path_and_matches_direct_construction(tmp_path):
    spec = coopgame.load_model(write(tmp_path, VALID))
    game = spec.build().pairwise
    direct = coopgame.PairwiseGame.from_two_city(cost=4, synergy=6, alpha=0.5, free_ride_gain=2, lone_loss=1,
                                                 reward=2, penalty=1.5, players=("A", "B"))
    np.testing.assert_array_equal(game.row_payoffs, direct.row_payoffs)
    np.testing.assert_array_equal(game.col_payoffs, direct.col_payoffs)
    assert spec["alpha"].flags.writeable is False


@pytest.mark.parametrize("change, key", [
    (lambda t: t.replace('kind = "two_city"\n', ""), "kind"),                                 # missing key
    (lambda t: t.replace('title = "Two cities, minimal"', "title = 3"), "title"),              # wrong type
    (lambda t: t.replace("value = [4, 4]", "value = [4, 4, 4]"), "parameters.cost"),          # wrong length
    (lambda t: t.replace('kind = "two_city"', 'kind = "three_city"'), "kind"),                  # unknown kind
    (lambda t: t.replace('modeling_choice = "illustrative cost of cooperating"\n', ""), "parameters.cost"),
    (lambda t: t.replace("value = [4, 4]", 'value = [4, "four"]'), "parameters.cost.value[1]"),
    (lambda t: t.replace("value = 0.5", "value = 0.6"), "parameters.alpha.value"),             # not the fact
    (lambda t: t.replace("jjj_relocation.split_share", "jjj_relocation.no_such_fact"), "parameters.alpha.source"),
    (lambda t: t.replace("[parameters.cost]", "[parameters.cots]"), "parameters.cots"),        # misspelt name
    (lambda t: t.replace("schema_version = 1", "schema_version = 2"), "schema_version"),
    (lambda t: t.replace('names = ["A", "B"]', 'names = ["A", "A"]'), "players.names"),
    (lambda t: t.replace("value = [2, 2]\nmodeling_choice = \"illustrative central reward\"",
                         "value = [-2, 2]\nmodeling_choice = \"illustrative central reward\""), "parameters.reward"),
    (lambda t: t.replace('modeling_choice = "illustrative joint gain"', 'modeling_choice = "x"'),
     "parameters.synergy.modeling_choice"),
])
def test_malformed_file_gives_one_error_naming_file_and_key(tmp_path, change, key):
    text = change(VALID)
    assert text != VALID
    path = write(tmp_path, text)
    with pytest.raises(ModelSpecError) as info:
        coopgame.load_model(path)
    message = str(info.value)
    assert str(path) in message
    assert f": {key}: expected" in message


def test_toml_syntax_error_names_file(tmp_path):
    path = write(tmp_path, VALID.replace("value = 6", "value = = 6"))
    with pytest.raises(ModelSpecError, match="TOML syntax error") as info:
        coopgame.load_model(path)
    assert str(path) in str(info.value)


def test_missing_file_and_unknown_slug(tmp_path):
    with pytest.raises(ModelSpecError, match="file not found"):
        coopgame.load_model(tmp_path / "absent.toml")
    with pytest.raises(ModelSpecError, match="no built-in model 'nope'.*default"):
        coopgame.load_model("nope")


def test_unknown_city_in_players_is_named(tmp_path):
    text = VALID.replace('names = ["A", "B"]', 'table = "g1_chengdu_chongqing_core"\nnames = ["Chengdu", "Wuhan"]')
    with pytest.raises(ModelSpecError, match=r"players\.names\[1\]: expected a city of table"):
        coopgame.load_model(write(tmp_path, text))


def test_rule_cycle_and_rule_with_value_are_rejected(tmp_path):
    base = VALID.replace('kind = "two_city"', 'kind = "fund"').split("[parameters.cost]")[0]
    cyc = base + textwrap.dedent('''
        [parameters.contributions]
        rule = "proportional"
        inputs = { x = "cost", rate = "rate" }
        [parameters.cost]
        rule = "proportional"
        inputs = { x = "contributions", rate = "rate" }
        [parameters.rate]
        value = 0.1
        modeling_choice = "illustrative rate"
    ''')
    with pytest.raises(ModelSpecError, match="cycle"):
        coopgame.load_model(write(tmp_path, cyc))
    with_value = cyc.replace('rule = "proportional"\ninputs = { x = "contributions"',
                             'value = [1, 1]\nrule = "proportional"\ninputs = { x = "contributions"')
    with pytest.raises(ModelSpecError, match=r"parameters\.cost"):
        coopgame.load_model(write(tmp_path, with_value))


def test_data_column_value_must_match_table(tmp_path):
    text = textwrap.dedent('''
        schema_version = 1
        slug = "t"
        title = "t"
        kind = "tax_base_pool"
        [players]
        table = "g1_chengdu_chongqing_core"
        names = ["Chengdu", "Chongqing"]
        [parameters.population]
        column = "population_10k"
        value = [2140, 3000]
        [parameters.growth]
        value = [1, 1]
        modeling_choice = "illustrative growth"
        [parameters.fiscal_capacity]
        value = [1, 1]
        modeling_choice = "illustrative capacity"
        [parameters.pool_share]
        source = "minneapolis.pool_share"
    ''')
    with pytest.raises(ModelSpecError, match=r"parameters\.population\.value: expected the values of column"):
        coopgame.load_model(write(tmp_path, text))
    spec = coopgame.load_model(write(tmp_path, text.replace("value = [2140, 3000]\n", "")))
    assert spec["population"].tolist() == [2140.0, 3191.0]
    assert spec["pool_share"] == pytest.approx(0.4)


def test_loads_from_any_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert coopgame.load_model("default").n_players == 3
    # and in a fresh interpreter started elsewhere (no cached state)
    code = "import coopgame; print(coopgame.load_model('nanjing_fund').n_players)"
    env = {**os.environ, "PYTHONPATH": str(Path(coopgame.__file__).resolve().parent.parent)}
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, env=env,
                         check=True)
    assert out.stdout.strip() == "8"


def test_list_models_matches_files():
    cat = coopgame.list_models()
    files = sorted(p.stem for p in model_path("default").parent.glob("*.toml"))
    assert list(cat.slugs) == files
    for entry in cat:
        spec = coopgame.load_model(entry["slug"])
        assert entry == spec.describe()
    text = cat.summary().as_text()
    assert "yrd26" in text and "26" in text


def test_validate_model_file(tmp_path):
    assert coopgame.validate_model_file(model_path("xinanjiang_bet")).slug == "xinanjiang_bet"
    with pytest.raises(ModelSpecError, match="kind"):
        coopgame.validate_model_file(write(tmp_path, VALID.replace('kind = "two_city"', 'kind = "x"')))
    # values the loader accepts but the game class refuses surface as one ModelSpecError
    bad = textwrap.dedent('''
        schema_version = 1
        slug = "c"
        title = "cost game whose empty coalition costs something"
        kind = "cost_game"
        [players]
        names = ["a", "b"]
        [parameters.costs]
        value = [5, 1, 1, 2]
        modeling_choice = "a deliberately invalid cost vector"
    ''')
    with pytest.raises(ModelSpecError, match="do not define a valid cost_game game.*empty coalition") as info:
        coopgame.validate_model_file(write(tmp_path, bad))
    assert str(tmp_path / "mini.toml") in str(info.value)


def test_slug_must_match_file_name_for_builtins(tmp_path):
    spec = coopgame.load_model(write(tmp_path, VALID, name="other.toml"))
    assert spec.slug == "mini"  # by path, any file name is fine


def test_scenarios_and_with_values():
    spec = coopgame.load_model("two_city_coop")
    assert spec.scenario("no_central_incentives")["reward"].tolist() == [0.0, 0.0]
    assert spec["reward"].tolist() == [2.0, 2.0]  # the base spec is unchanged
    with pytest.raises(ModelSpecError, match="no scenario 'x'"):
        spec.scenario("x")
    changed = spec.with_values(synergy=8.0)
    assert float(changed["synergy"]) == 8.0
    assert changed.provenance().items[1].label == "modeling choice"
    with pytest.raises(ModelSpecError, match="no parameter 'nope'"):
        spec.with_values(nope=1.0)


def test_provenance_covers_every_parameter_of_every_model():
    for slug in coopgame.list_models().slugs:
        spec = coopgame.load_model(slug)
        prov = spec.provenance()
        assert {it.parameter for it in prov.items} == set(spec.parameters)
        for it in prov.items:
            assert it.label in {"source", "data", "derived", "modeling choice"}
            if it.label == "modeling choice":
                assert len(it.detail) >= 8
            else:
                assert it.reference
        assert prov.summary().rows
        assert prov.to_dict()["model"] == slug


@pytest.mark.parametrize("value, message", [
    ("x", "parameter 'cost' must be an array of real numbers; got the string 'x'"),
    ([1, [2, 3]], "parameter 'cost' must be an array of real numbers"),
    ([1.0] * 5, r"parameter 'cost' of model 'bth13' must have shape \(13,\), like its value in the model file; got \(5,\)"),
])
def test_with_arrays_refuses_values_that_do_not_fit_with_a_clear_error(value, message):
    with pytest.raises(coopgame.errors.InvalidParameterError, match=message):
        coopgame.load_model("bth13").with_arrays(cost=value)

"""A model file states the cooperative-game convention of its n-city game: ``[analysis] convention``."""

import numpy as np
import pytest

import coopgame
from coopgame.errors import ModelSpecError
from coopgame.models.catalog import model_path
from tests.models.variants import convention_variant, variant_file
from coopgame.policy.sweep import parameter_sweep


NCITY_MODELS = ("bth13", "guangzhou_siphon", "chengdu_chongqing", "yrd26")


def test_every_builtin_ncity_model_states_its_convention():
    listed = {m["slug"]: m["kind"] for m in coopgame.list_models()}
    assert {s for s, kind in listed.items() if kind in ("ncity", "ncity_dense")} == set(NCITY_MODELS)
    for slug in NCITY_MODELS:
        assert 'convention = "alpha"' in model_path(slug).read_text(encoding="utf-8"), slug


def test_builtin_models_build_the_alpha_game():
    for slug in ("bth13", "guangzhou_siphon"):
        built = coopgame.load_model(slug).build()
        assert isinstance(built.tu, coopgame.TUGame)
        np.testing.assert_array_equal(built.tu.values, built.ncity.tu_game(convention="alpha").values)
        assert [label for label, _ in built.games()] == [""]  # the n-city game brings the alpha game itself


def test_the_default_convention_is_alpha(tmp_path):
    spec = coopgame.load_model(variant_file(tmp_path, "guangzhou_siphon", 'convention = "alpha"\n', "",
                                            name="no_convention"))
    assert "convention" not in spec.analysis
    np.testing.assert_array_equal(spec.build().tu.values, spec.build().ncity.tu_game().values)
    g = spec.build().ncity
    np.testing.assert_array_equal(g.tu_game().values, g.tu_game(convention="alpha").values)


def test_members_model_brings_its_own_game_and_batches(tmp_path):
    spec = coopgame.load_model(convention_variant(tmp_path, "guangzhou_siphon", "members"))
    built = spec.build()
    assert isinstance(built.tu, coopgame.StructuredGame)
    np.testing.assert_array_equal(built.tu.additive, built.ncity.tu_game(convention="members").additive)
    assert [label for label, _ in built.games()] == ["", "members game"]
    assert spec.can_batch(["deadweight"])


def test_alpha_model_sweeps_the_alpha_game_point_by_point():
    spec = coopgame.load_model("guangzhou_siphon")
    built = spec.build()
    assert not spec.can_batch(["deadweight"])
    own = float(spec["deadweight"])
    sweep = parameter_sweep(spec, {"deadweight": [own]})
    assert sweep.method.startswith("per point")
    np.testing.assert_allclose(sweep.outputs["shapley"].reshape(-1), coopgame.shapley_value(built.tu).allocation,
                               rtol=1e-12, atol=1e-12)


def test_alpha_dense_model_adds_the_facility_savings_to_the_alpha_worths(tmp_path):
    # yrd26 cut to five cities (its four siphoning cores and Wuxi), in the alpha convention
    text = model_path("yrd26").read_text(encoding="utf-8")
    start = text.index("names = [")
    end = text.index("]", start) + 1
    text = text[:start] + 'names = ["Shanghai", "Nanjing", "Wuxi", "Hangzhou", "Hefei"]' + text[end:]
    path = tmp_path / "yrd5.toml"
    path.write_text(text, encoding="utf-8")
    spec = coopgame.load_model(path)
    built = spec.build()
    assert [label for label, _ in built.games()] == ["", "alpha game with the shared facility"]
    q, k, theta = spec["demand"], float(spec["infra_scale"]), float(spec["infra_exponent"])
    masks = np.arange(2**5)
    member = (masks[:, None] >> np.arange(5)) & 1
    savings = member @ (k * q**theta) - k * (member @ q) ** theta  # Σ_{i∈S} K q_i^θ − K (Σ_{i∈S} q_i)^θ
    np.testing.assert_allclose(built.tu.values, built.ncity.tu_game(convention="alpha").values + savings,
                               rtol=1e-12, atol=1e-9)


def test_unknown_convention_names_the_key(tmp_path):
    path = convention_variant(tmp_path, "bth13", "gamma")
    with pytest.raises(ModelSpecError, match=r"analysis\.convention: expected one of \['alpha', 'members'\]"):
        coopgame.load_model(path)

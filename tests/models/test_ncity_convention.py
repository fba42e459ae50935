"""A model file states the cooperative-game convention of its n-city game: ``[analysis] convention``."""

import numpy as np
import pytest

import coopgame
from coopgame.errors import ModelSpecError
from coopgame.models.catalog import model_path
from coopgame.policy.sweep import parameter_sweep


def _variant(tmp_path, slug, line):
    text = model_path(slug).read_text(encoding="utf-8").replace("[analysis]\n", f"[analysis]\n{line}\n", 1)
    path = tmp_path / f"{slug}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_builtin_models_keep_the_members_convention():
    for slug in ("bth13", "guangzhou_siphon"):
        built = coopgame.load_model(slug).build()
        assert isinstance(built.tu, coopgame.StructuredGame)
        np.testing.assert_array_equal(built.tu.additive, built.ncity.tu_game(convention="members").additive)


def test_alpha_model_builds_the_alpha_game_and_sweeps_it_point_by_point(tmp_path):
    spec = coopgame.load_model(_variant(tmp_path, "guangzhou_siphon", 'convention = "alpha"'))
    built = spec.build()
    assert isinstance(built.tu, coopgame.TUGame)
    np.testing.assert_array_equal(built.tu.values, built.ncity.tu_game(convention="alpha").values)
    assert [label for label, _ in built.games()] == ["", "alpha game"]
    assert not spec.can_batch(["deadweight"])
    own = float(spec["deadweight"])
    sweep = parameter_sweep(spec, {"deadweight": [own]})
    assert sweep.method.startswith("per point")
    np.testing.assert_allclose(sweep.outputs["shapley"].reshape(-1), coopgame.shapley_value(built.tu).allocation,
                               rtol=1e-12, atol=1e-12)


def test_alpha_dense_model_adds_the_facility_savings_to_the_alpha_worths(tmp_path):
    # yrd26 cut to five cities (its four siphoning cores and Wuxi), in the alpha convention
    text = _variant(tmp_path, "yrd26", 'convention = "alpha"').read_text(encoding="utf-8")
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
    with pytest.raises(ModelSpecError, match=r"analysis\.convention: expected one of \['alpha', 'members'\]"):
        coopgame.load_model(_variant(tmp_path, "bth13", 'convention = "gamma"'))

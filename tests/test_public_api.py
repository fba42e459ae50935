"""The public namespace: every advertised name resolves, and DESIGN §3.1's fixed names exist."""

import importlib
import inspect

import pytest

import coopgame

# DESIGN.md §3.1: names other code relies on.
FIXED_NAMES = ["TUGame", "shapley_value", "banzhaf_value", "nucleolus", "least_core", "core",
               "PairwiseGame", "nash_equilibria", "replicator_dynamics", "load_model"]


@pytest.mark.parametrize("name", sorted(coopgame._PUBLIC))
def test_every_public_name_resolves(name):
    value = getattr(coopgame, name)
    module = importlib.import_module(coopgame._PUBLIC[name])
    assert value is module or getattr(module, name) is value


@pytest.mark.parametrize("name", FIXED_NAMES)
def test_design_fixed_names_exist(name):
    assert name in coopgame.__all__
    assert callable(getattr(coopgame, name))


def test_fixed_signatures_keep_keyword_only_options():
    for func in (coopgame.shapley_value, coopgame.nash_equilibria):
        params = inspect.signature(func).parameters
        assert params["method"].kind is inspect.Parameter.KEYWORD_ONLY
    assert list(inspect.signature(coopgame.TUGame).parameters)[:2] == ["values", "players"]
    assert list(inspect.signature(coopgame.replicator_dynamics).parameters)[:3] == ["game", "x0", "t_span"]


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'not_a_name'"):
        coopgame.not_a_name  # noqa: B018


def test_import_is_light():
    # sympy and matplotlib load only when the functions needing them are used.
    import subprocess
    import sys

    code = "import sys, coopgame; print('sympy' in sys.modules, 'matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


SUBPACKAGES = ["games", "equilibrium", "dynamics", "cooperative", "stability", "symbolic", "policy", "models", "report"]


@pytest.mark.parametrize("subpackage", SUBPACKAGES)
def test_subpackages_re_export_their_public_names(subpackage):
    package = importlib.import_module(f"coopgame.{subpackage}")
    assert package.__all__, f"coopgame.{subpackage} exports nothing"
    for name in package.__all__:
        value = getattr(package, name)
        module = importlib.import_module(package._PUBLIC[name])
        assert value is module or getattr(module, name) is value
        if coopgame._PUBLIC.get(name) == f"coopgame.{subpackage}":
            assert getattr(coopgame, name) is value  # the root serves the same object


def test_every_root_name_comes_from_a_subpackage_or_a_base_module():
    for name, where in coopgame._PUBLIC.items():
        if where.count(".") == 1 and where.split(".")[1] in SUBPACKAGES:
            assert name in importlib.import_module(where).__all__, f"{name} is not exported by {where}"


def test_from_subpackage_import_works():
    from coopgame.cooperative import shapley_value
    from coopgame.equilibrium import nash_equilibria
    from coopgame.models import load_model

    assert shapley_value is coopgame.shapley_value
    assert nash_equilibria is coopgame.nash_equilibria
    assert load_model is coopgame.load_model

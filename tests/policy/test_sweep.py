"""Parameter sweeps: every output equals the direct solvers on every built-in model, the batched path
equals the point-by-point path, the BM1 closed-form ESS conditions, bad input."""

import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import coopgame
from coopgame import PairwiseGame, StructuredGame, TUGame
from coopgame._progress import Progress
from coopgame.errors import InvalidParameterError
from coopgame.games.regimes import Regime
from coopgame.models.kinds import KINDS
from coopgame.policy.sweep import REGIME_NAMES, parameter_sweep, parse_grid_spec
from tests.strategies import small_integers

# small integers: many ties, the hard case for strictness
games_2x2 = st.lists(st.tuples(*[small_integers] * 8), min_size=1, max_size=20)


def _sweep_over(games):
    """The 2x2 games as an (G, 2, 2, 2) stack and a sweep that evaluates game g at grid point g."""
    stacked = np.array(games).reshape(-1, 2, 2, 2)
    res = parameter_sweep(lambda g: PairwiseGame(stacked[int(g)][0], stacked[int(g)][1]),
                          {"g": np.arange(len(stacked))})
    return stacked, res


def _bm1(reward, penalty, alpha=0.5):
    return PairwiseGame.from_two_city(cost=4, synergy=6, alpha=alpha, free_ride_gain=2, lone_loss=1,
                                      reward=reward, penalty=penalty)


def test_bm1_ess_condition_over_a_grid():
    # MODELS.md BM1: (C, C) is an ESS iff alpha*dR + W + F > C + E for A and (1-alpha)*dR + W + F > C + E for B.
    rewards, penalties, alphas = np.linspace(0, 4, 9), np.linspace(0, 4, 9), np.linspace(0, 1, 5)
    res = parameter_sweep(_bm1, {"reward": rewards, "penalty": penalties, "alpha": alphas})
    W, F, a = np.meshgrid(rewards, penalties, alphas, indexing="ij")
    expected = (a * 6 + W + F > 4 + 2) & ((1 - a) * 6 + W + F > 4 + 2)
    assert res.outputs["cooperation_ess"].shape == (9, 9, 5)
    np.testing.assert_array_equal(res.outputs["cooperation_ess"], expected)


def test_bm1_worked_check_regimes():
    res = parameter_sweep(_bm1, {"reward": [0, 1, 2, 3], "penalty": [0, 1, 1.5, 3]})
    outcome = lambda i, j: REGIME_NAMES[res.outputs["regime"][i, j]]  # noqa: E731
    assert outcome(0, 0) == "defection dominant" and outcome(1, 1) == "defection dominant"
    assert outcome(2, 2) == "bistable"
    assert outcome(3, 3) == "cooperation dominant"


@given(games_2x2)
def test_pure_equilibrium_count_matches_the_nash_solver(games):
    stacked, res = _sweep_over(games)
    for k, (A, B) in enumerate(stacked):
        eq = coopgame.nash_equilibria(PairwiseGame(A, B))
        pure = sum(1 for x, y in eq.equilibria if x.max() == 1.0 and y.max() == 1.0)
        assert res.outputs["n_pure_equilibria"][k] == pure


@given(games_2x2)
def test_cooperation_ess_matches_rest_point_labels(games):
    stacked, res = _sweep_over(games)
    for k, (A, B) in enumerate(stacked):
        points = coopgame.rest_points(PairwiseGame(A, B)).points
        full = [p for p in points if p.name() == "(1, 1)"][0]
        assert bool(res.outputs["cooperation_ess"][k]) == (full.label == "ESS")


def test_dense_games_match_single_game_shapley():
    rng = np.random.default_rng(7)
    tables = rng.uniform(0, 10, size=(6, 16))
    tables[:, 0] = 0.0
    res = parameter_sweep(lambda g: TUGame(tables[int(g)]), {"g": np.arange(6)}, chunk_size=4)
    for k in range(6):
        phi = coopgame.shapley_value(TUGame(tables[k])).allocation
        np.testing.assert_allclose(res.outputs["shapley"][k], phi, rtol=1e-12, atol=1e-12)
        singles = tables[k][[1, 2, 4, 8]]
        assert res.outputs["ir_margin_min"][k] == pytest.approx((phi - singles).min())


def test_structured_games_use_the_closed_form_and_agree_with_dense():
    def game(scale):
        pair = scale * np.array([[0, 1, 2], [1, 0, 0.5], [2, 0.5, 0]])
        return StructuredGame([1.0, -2.0, 0.5], pair, players=["a", "b", "c"])

    res = parameter_sweep(game, {"scale": [0.0, 1.0, 3.0]})
    for k, scale in enumerate([0.0, 1.0, 3.0]):
        dense = coopgame.shapley_value(game(scale).to_tu()).allocation
        np.testing.assert_allclose(res.outputs["shapley"][k], dense, atol=1e-12)


def test_model_spec_sweep_sets_one_entry_of_a_per_city_parameter():
    spec = coopgame.load_model("two_city_coop")
    res = parameter_sweep(spec, {"reward[0]": [0.0, 4.0]})
    assert res.outputs["cooperation_ess"].tolist() == [False, True]
    assert spec["reward"].tolist() == [2.0, 2.0]  # the loaded model is not changed


def test_summary_and_json():
    res = parameter_sweep(_bm1, {"reward": [0, 3], "penalty": [0, 3]})
    text = res.summary().as_text()
    assert "cooperation dominant" in text and "defection dominant" in text
    data = res.to_dict()
    assert data["shape"] == [2, 2] and data["grid"]["reward"] == [0.0, 3.0]


def test_progress_bar_goes_to_the_given_stream_only():
    out = io.StringIO()
    with Progress(10, "grid", stream=out) as bar:
        for _ in range(10):
            bar.advance(1)
    lines = out.getvalue().splitlines()
    assert 1 <= len(lines) <= 11 and lines[-1].startswith("grid [") and " 10/10 " in lines[-1]


@pytest.mark.parametrize("spec, fragment", [
    ("reward", "NAME=START:STOP:NUM"),
    ("reward=0:1", "NAME=START:STOP:NUM"),
    ("=0:1:3", "NAME=START:STOP:NUM"),
    ("reward=a:1:3", "must be numbers"),
    ("reward=0:1:0", "NUM must be >= 1"),
])
def test_parse_grid_spec_rejects_malformed_specs(spec, fragment):
    with pytest.raises(InvalidParameterError, match=fragment):
        parse_grid_spec(spec)


@pytest.mark.parametrize("grid, fragment", [
    ({}, "at least one parameter"),
    ({"reward": []}, "non-empty 1-D"),
    ({"reward": [np.nan]}, "finite"),
    ({"reward": ["x"]}, r"grid\['reward'\] must be an array of real numbers"),
])
def test_bad_grids(grid, fragment):
    with pytest.raises(InvalidParameterError, match=fragment):
        parameter_sweep(_bm1, grid)


def test_unknown_model_parameter_is_named():
    with pytest.raises(InvalidParameterError, match="no parameter 'rewrd'"):
        parameter_sweep(coopgame.load_model("two_city_coop"), {"rewrd": [1.0]})


# ---------------------------------------------------------------------------------------------- differential
SLUGS = [m["slug"] for m in coopgame.list_models()]
NO_GAME = {"tax_base_pool",  # a pooling rule, no game: a sweep must refuse it
           "chengdu_chongqing_tripartite"}  # a three-population game: no pairwise or cooperative form to sweep


def _one_point_grid(spec):
    """A one-point grid on the model's first kind parameter, set to its own value."""
    name = next(n for n in spec.parameters if n in KINDS[spec.kind].params)
    value = spec[name]
    key = name if value.ndim == 0 else f"{name}[{','.join('0' * value.ndim)}]"
    return {key: [float(value.reshape(-1)[0])]}


def _stand_alone(game):
    n = game.n_players
    masks = 1 << np.arange(n)
    return game.values[masks] if isinstance(game, TUGame) else game.value_of_masks(masks)


def _pairwise_forms(spec):
    built = spec.build()
    if built.ncity is not None:
        if built.ncity.n_layers > 1:
            return [(k, built.ncity.layer(k).to_pairwise()) for k in range(built.ncity.n_layers)]
        return [(None, built.ncity.to_pairwise())]  # perceived payoffs, carrying the true ones for welfare
    return [(None, built.pairwise)]


def _assert_pairwise_outputs_equal_the_solvers(res, game):
    out = {k: v.reshape(-1)[0] for k, v in res.outputs.items()}
    cls = game.classify()
    evo = coopgame.evolutionary_regime(game)
    assert REGIME_NAMES[out["regime"]] == cls.regime == evo.regime
    assert isinstance(cls.regime, Regime) and isinstance(evo.regime, Regime)
    nash = coopgame.nash_equilibria(game).equilibria
    batch = coopgame.batch_equilibria_2x2(game.A[None], game.B[None])
    assert out["n_equilibria"] == len(nash) == batch.counts[0]
    assert out["n_pure_equilibria"] == sum(1 for x, y in nash if x.max() == 1.0 and y.max() == 1.0)
    assert out["degenerate"] == batch.degenerate[0]
    assert out["cooperation_ess"] == ((1, 1) in evo.ess)
    # welfare from the true payoffs (DESIGN §2.1), whatever payoffs the decisions above read
    true = game.true_game
    assert out["welfare_cc"] == game.welfare()[0, 0] == true.row_payoffs[0, 0] + true.col_payoffs[0, 0]


def _assert_cooperative_outputs_equal_the_solvers(res, game):
    phi = coopgame.shapley_value(game).allocation
    singles = _stand_alone(game)
    np.testing.assert_allclose(res.outputs["shapley"].reshape(-1), phi, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(res.outputs["stand_alone"].reshape(-1), singles, rtol=1e-12, atol=1e-12)
    assert res.outputs["ir_margin_min"].reshape(-1)[0] == pytest.approx((phi - singles).min(), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("slug", [s if s != "yrd26" else pytest.param(s, marks=pytest.mark.slow) for s in SLUGS])
def test_sweep_at_the_models_own_values_equals_the_direct_solvers(slug):
    spec = coopgame.load_model(slug)
    grid = _one_point_grid(spec)
    if slug in NO_GAME:
        with pytest.raises(InvalidParameterError, match=f"model '{slug}' .*cannot be swept"):
            parameter_sweep(spec, grid)
        return
    built = spec.build()
    if built.pairwise is not None or (built.ncity is not None and built.ncity.n_players == 2):
        for issue, game in _pairwise_forms(spec):
            res = parameter_sweep(spec, grid, issue=issue)
            assert res.kind == "pairwise" and res.shape == (1,)
            _assert_pairwise_outputs_equal_the_solvers(res, game)
        return
    res = parameter_sweep(spec, grid)
    assert res.kind == "cooperative"
    _assert_cooperative_outputs_equal_the_solvers(res, built.tu)


def test_airport_sweep_keeps_the_cost_terms():
    # the bug this module was rewritten for: Shapley [8, 11, 13, 18] (the stand-alone costs) instead of the game's
    res = parameter_sweep(coopgame.load_model("airport_runway"), {"costs[0]": [8.0, 0.0]})
    assert res.outputs["shapley"][0].tolist() == [6.0, 8.0, 9.0, 9.0]
    assert res.outputs["ir_margin_min"][0] == 6.0
    # c = (0, 11, 13, 18), by Littlechild-Owen: cost shares 0, 11/3, 11/3 + 2/2 = 14/3, 14/3 + 5 = 29/3;
    # savings = stand-alone cost - share = 0, 22/3, 25/3, 25/3 (they add up to v(N) = 42 - 18 = 24)
    np.testing.assert_allclose(res.outputs["shapley"][1], [0.0, 22 / 3, 25 / 3, 25 / 3], rtol=1e-12)


def test_two_city_layered_model_needs_an_issue():
    with pytest.raises(InvalidParameterError, match="issue layers"):
        parameter_sweep(coopgame.load_model("chengdu_chongqing"), {"deadweight": [0.1]})


# ---------------------------------------------------------------------------------------------- batched = per point
def _per_point(spec):
    """The same model swept point by point (a callable returning the built model)."""
    def build(**point):
        values = {}
        for key, v in point.items():
            name, _, index = key.partition("[")
            arr = np.array(values.get(name, spec[name]), dtype=float)
            if index:
                arr[tuple(int(i) for i in index.rstrip("]").split(","))] = v
            else:
                arr[...] = v
            values[name] = arr
        return spec.with_arrays(**values).build()
    return build


def _members_variant(slug):
    """A built-in n-city model in the ``"members"`` convention (its file states ``"alpha"``)."""
    import tomllib

    from coopgame.models.schema import parse_model
    from tests.models.variants import variant_text

    return parse_model(tomllib.loads(variant_text(slug, 'convention = "alpha"', 'convention = "members"')))


unit = st.floats(0, 1, allow_nan=False)
money = st.floats(0, 8, allow_nan=False)


@settings(max_examples=25, deadline=None)
@given(st.lists(money, min_size=1, max_size=5), st.lists(money, min_size=1, max_size=5),
       st.lists(unit, min_size=1, max_size=3), st.sampled_from(["reward", "reward[1]"]))
def test_batched_two_city_sweep_equals_the_per_point_path(rewards, penalties, alphas, reward_key):
    spec = coopgame.load_model("two_city_coop")
    grid = {reward_key: rewards, "penalty[0]": penalties, "alpha": alphas}
    fast = parameter_sweep(spec, grid)
    slow = parameter_sweep(_per_point(spec), grid)
    assert fast.method == "batched" and slow.method.startswith("per point")
    assert fast.outputs.keys() == slow.outputs.keys()
    for k in fast.outputs:
        np.testing.assert_array_equal(fast.outputs[k], slow.outputs[k], err_msg=k)


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(["bth13", "guangzhou_siphon"]), st.lists(unit, min_size=1, max_size=4),
       st.lists(money, min_size=1, max_size=3), st.integers(0, 5))
def test_batched_ncity_sweep_equals_the_per_point_path(slug, deadweights, rewards, city):
    spec = _members_variant(slug)  # only the members game is batched (an alpha model is swept point by point)
    key = "reward" if "reward" in spec.parameters else "cost"
    grid = {"deadweight": deadweights, f"{key}[{city}]": rewards}
    fast = parameter_sweep(spec, grid)
    slow = parameter_sweep(_per_point(spec), grid)
    assert fast.method == "batched" and slow.method.startswith("per point")
    for k in fast.outputs:
        np.testing.assert_allclose(fast.outputs[k], slow.outputs[k], rtol=1e-13, atol=1e-12, err_msg=k)


@settings(max_examples=10, deadline=None)
@given(st.lists(st.floats(0, 2e-2, allow_nan=False), min_size=1, max_size=4))
def test_a_swept_rule_input_re_derives_its_outputs(rates):
    # bth13's cost is derived by a rule from cost_rate: sweeping cost_rate must re-derive cost at every point
    spec = coopgame.load_model("bth13")
    res = parameter_sweep(spec, {"cost_rate": rates})
    for k, rate in enumerate(rates):
        direct = spec.with_values(cost_rate=rate).build().tu
        np.testing.assert_allclose(res.outputs["shapley"][k], coopgame.shapley_value(direct).allocation,
                                   rtol=1e-12, atol=1e-9)


def test_out_of_range_values_are_refused_before_any_game_is_built():
    spec = coopgame.load_model("two_city_coop")
    with pytest.raises(InvalidParameterError, match=r"parameter 'alpha' .* numbers in \[0, 1\]; got 1.5"):
        parameter_sweep(spec, {"alpha": [0.5, 1.5]})
    with pytest.raises(InvalidParameterError, match=r"parameter 'cost' .* positive numbers; got \[0.0, 4.0\]"):
        parameter_sweep(spec, {"cost[0]": [1.0, 0.0]})
    with pytest.raises(InvalidParameterError, match=r"does not index parameter 'cost'"):
        parameter_sweep(spec, {"cost[2]": [1.0]})

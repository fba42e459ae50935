"""The "alpha" cooperative game of the n-city model (DESIGN §2.1), against an independent brute force.

The reference enumerates, for every coalition S and every issue layer, every
subset T ⊆ S of cooperating members, evaluates ``NCityGame.payoffs`` of the
profile ``1_T`` (outsiders protect) and keeps the best members' total. It
shares nothing with the package's kernel but the payoff function.
"""

import pickle

import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st

import coopgame
from coopgame import NCityGame, TUGame, ValueFunctionGame
from coopgame.errors import GameTooLargeError, InvalidParameterError
from coopgame.games._alpha import AlphaLayer
from tests.strategies import ncity_params


def _layers(game):
    return [game] if game.n_layers == 1 else [game.layer(k) for k in range(game.n_layers)]


def _brute_force(game, tie: float = 1.0):
    """``v(S) = Σ_layers max_{T⊆S} Σ_{i∈S} u_i(1_T)`` and, per layer, the greatest best set of each S
    (near-maximisers within ``tie`` times the package's tie tolerance count as maximisers)."""
    n = game.n_players
    values = np.zeros(2**n)
    best_sets = []
    for layer in _layers(game):
        table = layer.payoffs(np.arange(2**n, dtype=np.int64))  # u_i(1_T) for every profile T
        scale = tie * 1e-10 * game.payoff_scale * n  # NCityGame._alpha_layers' tie tolerance (relative, no floor)
        best = np.zeros(2**n, dtype=np.int64)
        for s in range(1, 2**n):
            members = [i for i in range(n) if (s >> i) & 1]
            subsets = np.array([t for t in range(2**n) if t & ~s == 0])
            totals = table[np.ix_(subsets, members)].sum(axis=1)
            top = totals.max()
            values[s] += top
            union = 0
            for t in subsets[totals >= top - scale]:  # maximisers form a lattice: their union is the greatest
                union |= int(t)
            best[s] = union
        best_sets.append(best)
    return values, best_sets


def _tol(game):
    return 1e-9 * game.payoff_scale * game.n_players**2


@settings(max_examples=25)
@given(st.one_of(ncity_params(1, 7, layers=(1, 3)), ncity_params(1, 7, layers=(1, 3), integer=True)))
def test_alpha_game_equals_brute_force(params):
    game = NCityGame(**params)
    expected, _ = _brute_force(game)
    dense = game.tu_game(convention="alpha")
    assert isinstance(dense, TUGame)
    np.testing.assert_allclose(dense.values, expected, rtol=0, atol=_tol(game))
    lazy = game.tu_game(convention="alpha", form="function")
    assert isinstance(lazy, ValueFunctionGame)
    masks = np.arange(2**game.n_players, dtype=np.int64)
    np.testing.assert_allclose(lazy.value_of_masks(masks), expected, rtol=0, atol=_tol(game))


@pytest.mark.parametrize("seed", range(4))
def test_alpha_game_equals_brute_force_at_ten_cities_with_layers(seed):
    rng = np.random.default_rng(seed)
    n, k = 10, 2 + seed % 2

    def mat(scale):
        m = rng.uniform(0, scale, (k, n, n)) * (rng.random((k, n, n)) < 0.6)
        m[:, np.arange(n), np.arange(n)] = 0.0
        return m

    # Synergy from none to strong, so that some layers are separable and some need the search.
    synergy = mat(1.0) * np.array([0.0, 0.3, 2.0])[:k, None, None]
    game = NCityGame(base=rng.normal(0, 2, (k, n)), cost=rng.uniform(0, 6, (k, n)), reward=rng.uniform(0, 2, (k, n)),
                     penalty=rng.uniform(0, 2, (k, n)), spillover=mat(1.0), synergy=synergy, siphon=mat(1.5),
                     deadweight=rng.uniform(0, 1, k), perception=1 + rng.random((k, n)))
    expected, _ = _brute_force(game)
    np.testing.assert_allclose(game.tu_game(convention="alpha").values, expected, rtol=0, atol=_tol(game))


def test_hand_worked_three_cities():
    # Three cities, one issue. Cooperation costs c = (4, 4, 1); city 0 gets a reward W_0 = 1.
    # Synergy s_01 = s_10 = 3 between cities 0 and 1; city 2 spills e_02 = 2 onto city 0.
    # Siphon f_21 = 2: when city 1 opens, 2 of its factors move to city 2, half is lost (δ = 0.5).
    synergy = np.zeros((3, 3))
    synergy[0, 1] = synergy[1, 0] = 3.0
    spill = np.zeros((3, 3))
    spill[0, 2] = 2.0
    siphon = np.zeros((3, 3))
    siphon[2, 1] = 2.0
    game = NCityGame(cost=[4.0, 4.0, 1.0], reward=[1.0, 0.0, 0.0], synergy=synergy, spillover=spill,
                     siphon=siphon, deadweight=0.5, players=["A", "B", "C"])
    v = game.tu_game(convention="alpha").values
    members = game.tu_game(convention="members").to_tu().values
    # {A}: cooperate alone 1 − 4 = −3, protect 0          -> v = 0     (members game: −3)
    # {B}: cooperate alone −4 − 2 (siphoned) = −6, protect 0 -> v = 0  (members game: −6)
    # {C}: cooperate alone −1, protect 0                   -> v = 0     (members game: −1)
    assert v[0b001] == 0.0 and v[0b010] == 0.0 and v[0b100] == 0.0
    assert members[0b001] == -3.0 and members[0b010] == -6.0 and members[0b100] == -1.0
    # {A, B}: both cooperate: A 1 − 4 + 3 = 0, B −4 − 2 + 3 = −3, total −3; one alone is −3 or −6; none 0 -> v = 0
    assert v[0b011] == 0.0 and members[0b011] == -3.0
    # {A, C}: C alone cooperating: C −1, A gains the spillover 2 -> total 1; A alone −3; both 1 − 4 + 2 − 1 = −2
    #         -> v = 1, with T = {C}
    assert v[0b101] == 1.0 and members[0b101] == -2.0
    # {B, C}: B alone: B −6, C gains (1 − 0.5)·2 = 1 -> −5; C alone −1; both −6 − 1 + 1 = −6; none 0 -> v = 0
    assert v[0b110] == 0.0 and members[0b110] == -6.0
    # N: T = {A, B, C}: A 1 − 4 + 3 + 2 = 2, B −4 − 2 + 3 = −3, C −1 + 1 = 0 -> −1
    #    T = {A, C}: A 1 − 4 + 2 = −1, C −1 -> −2;   T = {C}: C −1, A +2 -> 1;   T = {A, B}: −3;   T = ∅: 0
    #    -> v(N) = 1 (only C cooperates, for A's benefit), while every member cooperating gives −1.
    assert v[0b111] == 1.0 and members[0b111] == -1.0


def test_stand_alone_worth_is_the_best_stand_alone_payoff():
    rng = np.random.default_rng(5)
    n, k = 6, 2
    m = rng.random((k, n, n))
    m[:, np.arange(n), np.arange(n)] = 0.0
    game = NCityGame(base=rng.normal(size=(k, n)), cost=rng.uniform(0, 3, (k, n)), reward=rng.random((k, n)),
                     penalty=rng.random((k, n)), spillover=m, synergy=m.transpose(0, 2, 1), siphon=m * 0.5,
                     deadweight=[0.2, 0.7])
    v = game.tu_game(convention="alpha").values
    for i in range(n):
        best = 0.0
        for layer in _layers(game):
            u = layer.payoffs(np.array([1 << i, 0]))[:, i]  # u_i(1_{i}), u_i(0)
            best += max(u[0], u[1])
        assert v[1 << i] == pytest.approx(best, abs=1e-12)


@settings(max_examples=20)
@given(ncity_params(1, 7, layers=(1, 2)))
def test_alpha_worth_is_at_least_the_members_worth(params):
    game = NCityGame(**params)
    alpha = game.tu_game(convention="alpha").values
    members = game.tu_game(convention="members").to_tu().values
    assert np.all(alpha >= members - _tol(game))


@settings(max_examples=20)
@given(st.one_of(ncity_params(1, 7), ncity_params(1, 7, integer=True)))
def test_best_sets_are_the_greatest_maximisers_and_grow_with_the_coalition(params):
    game = NCityGame(**params)
    _, (expected_best,) = _brute_force(game)
    # a gap right at the tie tolerance is a tie or not by rounding: such games say nothing about the lattice
    assume(np.array_equal(_brute_force(game, tie=0.25)[1][0], _brute_force(game, tie=4.0)[1][0]))
    layer, _ = game._alpha_layers()
    n = game.n_players
    out = np.zeros(2**n)
    best = layer[0].dense(out).astype(np.int64)
    np.testing.assert_array_equal(best, expected_best)
    masks = np.arange(2**n, dtype=np.int64)
    for i in range(n):
        without = masks[(masks >> i) & 1 == 0]
        assert np.all(best[without] & ~best[without | (1 << i)] == 0)  # G(S) ⊆ G(S ∪ {i})


def test_shapley_of_a_convex_alpha_game_gives_every_city_its_stand_alone_payoff():
    rng = np.random.default_rng(6)
    found = 0
    for _ in range(40):
        n = int(rng.integers(3, 7))
        s = rng.uniform(0, 3, (n, n))
        np.fill_diagonal(s, 0.0)
        game = NCityGame(base=rng.normal(size=n), cost=rng.uniform(0, 4, n), reward=rng.random(n),
                         penalty=rng.random(n), synergy=s)
        v = game.tu_game(convention="alpha")
        if not coopgame.is_convex(v):
            continue
        found += 1
        phi = coopgame.shapley_value(v).allocation
        stand_alone = v.values[1 << np.arange(n)]
        assert np.all(phi >= stand_alone - 1e-9)
    assert found >= 10


def test_solvers_run_on_the_alpha_game():
    rng = np.random.default_rng(7)
    n = 5
    s = rng.uniform(0, 2, (n, n))
    np.fill_diagonal(s, 0.0)
    game = NCityGame(cost=rng.uniform(1, 3, n), reward=rng.random(n), synergy=s, spillover=s.T * 0.3)
    v = game.tu_game(convention="alpha")
    phi = coopgame.shapley_value(v)
    assert phi.allocation.sum() == pytest.approx(v.grand_value)
    assert coopgame.banzhaf_value(v).allocation.shape == (n,)
    lc = coopgame.least_core(v)
    assert lc.allocation.sum() == pytest.approx(v.grand_value)
    nu = coopgame.nucleolus(v)
    core = coopgame.core(v)
    if not core.is_empty:
        assert core.contains(nu.allocation)
    # The value-function form gives the same exact Shapley value, and a sampled one with standard errors.
    lazy = game.tu_game(convention="alpha", form="function")
    np.testing.assert_allclose(coopgame.shapley_value(lazy, method="exact").allocation, phi.allocation, atol=1e-9)
    sampled = coopgame.shapley_value(lazy, method="permutation", n_samples=400, rng=1)
    assert np.all(np.abs(sampled.allocation - phi.allocation) <= 5 * sampled.standard_errors + 1e-9)
    again = pickle.loads(pickle.dumps(lazy))  # executors ship the value function to workers
    np.testing.assert_array_equal(again.value_of_masks(np.arange(2**n)), lazy.value_of_masks(np.arange(2**n)))


def test_alpha_game_is_scale_invariant():
    rng = np.random.default_rng(8)
    n = 8
    s = rng.uniform(0, 1, (n, n))
    np.fill_diagonal(s, 0.0)
    kw = dict(base=rng.normal(size=n), cost=rng.uniform(0, 4, n), reward=rng.random(n), synergy=s, siphon=s.T)
    ref = NCityGame(**kw).tu_game(convention="alpha").values
    for factor in (1e-8, 1e8):
        scaled = NCityGame(**{k: factor * v for k, v in kw.items()}).tu_game(convention="alpha").values
        np.testing.assert_allclose(scaled / factor, ref, rtol=1e-9, atol=1e-9 * np.abs(ref).max())


def test_members_convention_is_the_structured_game_of_before_and_alpha_is_the_default():
    game = NCityGame(cost=4.0, synergy=3.0 * (1 - np.eye(3)))
    assert isinstance(game.tu_game(convention="members"), coopgame.StructuredGame)
    np.testing.assert_array_equal(game.tu_game().values, game.tu_game(convention="alpha").values)
    assert game.tu_game().values[1] == 0.0  # a city alone protects (members game: -4)


@pytest.mark.parametrize("bad", ["gamma", "Alpha", None, 1])
def test_unknown_convention_is_a_typed_error_listing_the_valid_ones(bad):
    game = NCityGame(cost=1.0, players=["A", "B"])
    with pytest.raises(InvalidParameterError, match=r"convention must be one of \['alpha', 'members'\]"):
        game.tu_game(convention=bad)
    with pytest.raises(InvalidParameterError, match=r"form must be one of \['dense', 'function'\]"):
        game.tu_game(convention="alpha", form="lazy")


def test_dense_alpha_game_beyond_memory_names_the_alternative(monkeypatch):
    import coopgame._memory as memory
    monkeypatch.setattr(memory, "available_memory_bytes", lambda: 1024)
    game = NCityGame(cost=np.ones(12), synergy=0.1 * (1 - np.eye(12)))
    with pytest.raises(GameTooLargeError, match="form=.function."):
        game.tu_game(convention="alpha")
    lazy = game.tu_game(convention="alpha", form="function")  # still available, nothing dense
    assert lazy.value_of_masks(np.array([2**12 - 1]))[0] == pytest.approx(12 * 11 * 0.1 - 12)


def test_kernel_refuses_an_exploding_search(monkeypatch):
    import coopgame.games._alpha as kernel
    monkeypatch.setattr(kernel, "_MAX_STATES", 0)
    monkeypatch.setattr(kernel, "_ENUM_MAX", 0)
    layer = AlphaLayer(-np.ones(4), np.zeros((4, 4)), 0.6 * (1 - np.eye(4)), 1e-12)
    with pytest.raises(GameTooLargeError, match="form='function'"):
        layer.grand_best()


def test_form_applies_to_the_alpha_game_only():
    game = NCityGame(cost=1.0, players=["A", "B"])
    with pytest.raises(InvalidParameterError, match=r"form applies to the alpha game only"):
        game.tu_game(convention="members", form="function")
    assert isinstance(game.tu_game(convention="members"), coopgame.StructuredGame)
    assert isinstance(game.tu_game(convention="members", form="dense"), coopgame.StructuredGame)

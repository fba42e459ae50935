"""NCityGame: payoffs against the DESIGN §2.1 formula written out city by city, TU game, validation."""

import numpy as np
import pytest
from hypothesis import given, strategies as st

from coopgame import NCityGame
from coopgame.errors import InvalidGameError, InvalidParameterError
from tests.strategies import ncity_games, ncity_params


def _params(n, rng):
    def mat():
        m = rng.random((n, n))
        np.fill_diagonal(m, 0.0)
        return m
    return dict(base=rng.normal(size=n), cost=rng.random(n), reward=rng.random(n), penalty=rng.random(n),
                spillover=mat(), synergy=mat(), siphon=mat(), deadweight=0.3, perception=1 + rng.random(n))


def _u(p, x, perceived):
    """DESIGN §2.1 term by term, with plain Python loops."""
    n = len(x)
    beta = p["perception"] if perceived else np.ones(n)
    out = []
    for i in range(n):
        v = p["base"][i] + x[i] * (p["reward"][i] - beta[i] * p["cost"][i]) - (1 - x[i]) * p["penalty"][i]
        for j in range(n):
            v += p["spillover"][i, j] * x[j] + x[i] * p["synergy"][i, j] * x[j]
            v += (1 - p["deadweight"]) * p["siphon"][i, j] * x[j] - x[i] * beta[i] * p["siphon"][j, i]
        out.append(v)
    return np.array(out)


@pytest.mark.parametrize("perceived", [False, True])
def test_payoff_table_matches_formula(perceived):
    rng = np.random.default_rng(1)
    p = _params(4, rng)
    game = NCityGame(**p)
    table = game.payoff_table(perceived=perceived)
    ref = np.array([_u(p, [(m >> i) & 1 for i in range(4)], perceived) for m in range(16)])
    np.testing.assert_allclose(table, ref, atol=1e-12)
    np.testing.assert_allclose(game.welfare_table(), game.payoff_table().sum(axis=1), atol=1e-12)


@given(st.one_of(ncity_params(1, 5), ncity_params(1, 5, integer=True)), st.booleans())
def test_payoff_table_matches_formula_for_any_parameters(p, perceived):
    n = p["cost"].size
    table = NCityGame(**p).payoff_table(perceived=perceived)
    ref = np.array([_u(p, [(m >> i) & 1 for i in range(n)], perceived) for m in range(2**n)])
    scale = max(1.0, max(float(np.abs(v).max()) for v in p.values()))
    np.testing.assert_allclose(table, ref, rtol=0, atol=1e-12 * n * n * scale)


def test_payoff_gain_is_the_difference_of_expected_payoffs():
    rng = np.random.default_rng(2)
    game = NCityGame(**_params(5, rng))
    x = rng.random((7, 5))
    gain = game.payoff_gain(x)
    for i in range(5):
        on, off = x.copy(), x.copy()
        on[:, i], off[:, i] = 1.0, 0.0
        diff = game.expected_payoffs(on, perceived=True)[:, i] - game.expected_payoffs(off, perceived=True)[:, i]
        np.testing.assert_allclose(gain[:, i], diff, atol=1e-12)


def test_tu_game_equals_brute_force_members_cooperate_outsiders_protect():
    rng = np.random.default_rng(3)
    p = _params(5, rng)
    game = NCityGame(**p)
    values = game.tu_game(convention="members").to_tu().values
    for mask in range(32):
        x = [(mask >> i) & 1 for i in range(5)]
        u = _u(p, x, perceived=False)
        assert np.isclose(values[mask], sum(u[i] for i in range(5) if x[i]))
    np.testing.assert_allclose(game.status_quo(), _u(p, [1] * 5, perceived=False))


def test_layers_sum_payoffs_and_separate():
    rng = np.random.default_rng(4)
    p1, p2 = _params(3, rng), _params(3, rng)
    p2["deadweight"] = 0.1
    stacked = {k: np.stack([p1[k], p2[k]]) for k in p1}
    game = NCityGame(**stacked)
    prof = np.array([[5, 2], [7, 0]])
    expected = np.array([_u(p1, [(5 >> i) & 1 for i in range(3)], False) + _u(p2, [(2 >> i) & 1 for i in range(3)], False),
                         _u(p1, [1, 1, 1], False) + _u(p2, [0, 0, 0], False)])
    np.testing.assert_allclose(game.payoffs(prof), expected, atol=1e-12)
    assert game.layer(1).n_layers == 1 and game.n_layers == 2
    _, best = game.welfare_optimum()
    assert np.isclose(best, game.layer(0).welfare_table().max() + game.layer(1).welfare_table().max())


@given(ncity_games(1, 6))
def test_welfare_optimum_is_the_maximum(game):
    mask, w = game.welfare_optimum()
    table = game.payoff_table().sum(axis=1)
    assert np.isclose(w, table.max()) and np.isclose(table[int(mask)], w)


@pytest.mark.parametrize("kwargs, fragment", [
    (dict(cost=[-1.0, 1.0]), "cost must be non-negative"),
    (dict(cost=[1.0, 1.0], synergy=np.ones((2, 2))), "zero diagonal"),
    (dict(cost=[1.0, 1.0], perception=0.5), "perception must be >= 1"),
    (dict(cost=[1.0, 1.0], deadweight=1.5), "deadweight"),
    (dict(cost=[1.0, 1.0], spillover=np.zeros((3, 3))), "spillover"),
])
def test_invalid_parameters(kwargs, fragment):
    with pytest.raises(InvalidParameterError, match=fragment):
        NCityGame(**kwargs)


def test_guards_and_conversions():
    game = NCityGame(cost=np.ones(3))
    with pytest.raises(InvalidGameError, match="2 cities"):
        game.to_pairwise()
    with pytest.raises(InvalidParameterError, match=r"\[0, 1\]"):
        game.payoff_gain([2.0, 0.0, 0.0])
    with pytest.raises(AttributeError):
        game.players = ("a",)
    with pytest.raises(ValueError):
        game.cost[0, 0] = 3.0


@pytest.mark.parametrize("factor", [1e-12, 1e-8, 1e8, 1e12])
def test_payoff_scale_and_perception_flag_follow_the_money_unit(factor):
    """Perception and deadweight are ratios: a game in another money unit has its scale times the factor (it was
    floored at 1 by perception >= 1) and the same perceived-versus-true flag (it flipped on rounding at x1e8)."""
    money = dict(cost=[1.0, 1.2, 0.8], base=[0.2, 0.1, 0.3], reward=[0.3, 0.0, 0.1],
                 spillover=[[0, .5, .4], [.5, 0, .3], [.4, .3, 0]])
    for perception in ([1.0, 1.0, 1.0], [1.2, 1.0, 1.5]):
        unit = NCityGame(**money, perception=perception, deadweight=0.2)
        scaled = NCityGame(**{k: np.asarray(v) * factor for k, v in money.items()}, perception=perception,
                           deadweight=0.2)
        # by hand: the largest money term is the perceived cost 1.2 x 1.0 or 1.5 x 0.8 (or the cost 1.2 itself)
        assert unit.payoff_scale == pytest.approx(1.2)
        assert scaled.payoff_scale == pytest.approx(1.2 * factor, rel=1e-12)
        assert scaled.perceived_differs == unit.perceived_differs == (perception != [1.0, 1.0, 1.0])

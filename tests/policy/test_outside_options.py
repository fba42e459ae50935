"""Outside options (DESIGN §2.1, issue 11 item 2): status quo, stand-alone and free-ride, true and perceived.

The reference enumerates explicit profiles with ``NCityGame.payoffs`` on the
whole (layered) game: the stand-alone payoff by trying every set of issues a
city cooperates on alone, the others protecting.
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

import coopgame
from coopgame import NCityGame, PairwiseGame
from coopgame.errors import InvalidGameError
from coopgame.results import REPR_MAX


def random_game(rng: np.random.Generator, n: int, k: int) -> NCityGame:
    def mat(scale: float) -> np.ndarray:
        m = rng.uniform(0, scale, size=(k, n, n)) * (rng.random((k, n, n)) < 0.7)
        m[:, np.arange(n), np.arange(n)] = 0.0
        return m

    return NCityGame(cost=rng.uniform(0, 6, (k, n)), base=rng.normal(0, 2, (k, n)), reward=rng.uniform(0, 2, (k, n)),
                     penalty=rng.uniform(0, 1, (k, n)), spillover=mat(2), synergy=mat(3), siphon=mat(2),
                     deadweight=rng.uniform(0, 0.5, k), perception=rng.uniform(1, 2, (k, n)))


def brute_options(game: NCityGame, *, perceived: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Status quo, stand-alone and free-ride of each city, by explicit profiles of the layered game."""
    n, k = game.n_players, game.n_layers
    full = 2**n - 1
    prof = np.array([[full] * k], dtype=np.int64)
    sq = game.payoffs(prof if k > 1 else prof[:, 0], perceived=perceived)[0]
    free = np.empty(n)
    alone = np.full(n, -np.inf)
    for i in range(n):
        p = np.array([[full ^ (1 << i)] * k], dtype=np.int64)
        free[i] = game.payoffs(p if k > 1 else p[:, 0], perceived=perceived)[0, i]
        for on in itertools.product((0, 1), repeat=k):  # the issues i cooperates on alone
            p = np.array([[(1 << i) * b for b in on]], dtype=np.int64)
            alone[i] = max(alone[i], game.payoffs(p if k > 1 else p[:, 0], perceived=perceived)[0, i])
    return sq, alone, free


@pytest.mark.parametrize("seed", range(24))
def test_outside_options_equal_the_brute_force_reference(seed):
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(1, 9)), int(rng.integers(1, 4))
    game = random_game(rng, n, k)
    oo = coopgame.outside_options(game)
    for perceived, got in ((False, oo.true), (True, oo.perceived)):
        for want, have in zip(brute_options(game, perceived=perceived), got):
            np.testing.assert_allclose(have, want, rtol=1e-12, atol=1e-12)
    # per issue: the layers add up to the totals
    for name in ("status_quo", "stand_alone", "free_ride"):
        np.testing.assert_allclose(oo.by_issue[name].sum(axis=0), getattr(oo, name), atol=1e-12)
        np.testing.assert_allclose(oo.by_issue[f"perceived_{name}"].sum(axis=0), getattr(oo, f"perceived_{name}"),
                                   atol=1e-12)
        assert oo.by_issue[name].shape == (k, n)
    np.testing.assert_allclose(oo.status_quo, game.status_quo(), atol=1e-12)


def test_hand_worked_three_cities():
    # Cities A, B, C; cost c = (4, 3, 5); synergy s_ij = 3 for every pair; A gets a central reward W_A = 2;
    # C perceives its cost at β_C = 2 (perceived cost 10).
    game = NCityGame(cost=[4.0, 3.0, 5.0], synergy=3.0 * (1 - np.eye(3)), reward=[2.0, 0.0, 0.0],
                     perception=[1.0, 1.0, 2.0], players=["A", "B", "C"])
    oo = coopgame.outside_options(game)
    # status quo u_i(1_N) = W_i − c_i + Σ_j s_ij = (2 − 4 + 6, −3 + 6, −5 + 6) = (4, 3, 1)
    np.testing.assert_allclose(oo.status_quo, [4.0, 3.0, 1.0])
    # perceived: C's cost counts twice: −10 + 6 = −4
    np.testing.assert_allclose(oo.perceived_status_quo, [4.0, 3.0, -4.0])
    # stand-alone: cooperating alone pays W_i − c_i = (−2, −3, −5) (−10 perceived for C); protecting pays 0
    np.testing.assert_allclose(oo.stand_alone, [0.0, 0.0, 0.0])
    np.testing.assert_allclose(oo.perceived_stand_alone, [0.0, 0.0, 0.0])
    # free-ride: a protector pays no cost and earns no synergy (no spillover, no penalty): 0
    np.testing.assert_allclose(oo.free_ride, [0.0, 0.0, 0.0])
    # perceived gain from free-riding: 0 − (4, 3, −4) = (−4, −3, 4): only C would free-ride
    np.testing.assert_allclose(oo.free_ride_gain, [-4.0, -3.0, 4.0])
    assert oo.free_riders == ("C",)


def test_hand_worked_spillover_siphon_and_penalty():
    # Two issues. Issue 1: spillover e_AB = 2 (A receives 2 when B cooperates), cost 1 each.
    # Issue 2: B draws factors from A when A opens, f_BA = 4, deadweight δ = 0.5; penalty F = 1 on protectors.
    e = np.array([[[0, 2], [0, 0]], [[0, 0], [0, 0]]], dtype=float)
    f = np.array([[[0, 0], [0, 0]], [[0, 0], [4, 0]]], dtype=float)
    game = NCityGame(cost=[[1.0, 1.0], [0.0, 0.0]], penalty=[[0.0, 0.0], [1.0, 1.0]], spillover=e, siphon=f,
                     deadweight=[0.0, 0.5], players=["A", "B"], issues=["water", "factors"])
    oo = coopgame.outside_options(game)
    # issue 1: u_A(1,1) = −1 + 2 = 1, u_B(1,1) = −1; issue 2: u_A(1,1) = −f_BA = −4, u_B(1,1) = 0.5·4 = 2
    np.testing.assert_allclose(oo.by_issue["status_quo"], [[1.0, -1.0], [-4.0, 2.0]])
    # free-ride: issue 1: A protects: 2 (spillover kept), B protects: 0; issue 2: A protects: −F = −1,
    # B protects: −F + 0.5·4 = 1
    np.testing.assert_allclose(oo.by_issue["free_ride"], [[2.0, 0.0], [-1.0, 1.0]])
    # stand-alone: issue 1 max(−1, 0) = 0 for both; issue 2: A alone −4 vs protect −1 -> −1; B alone 0 vs −1 -> 0
    np.testing.assert_allclose(oo.by_issue["stand_alone"], [[0.0, 0.0], [-1.0, 0.0]])
    np.testing.assert_allclose(oo.stand_alone, [-1.0, 0.0])
    assert oo.issues == ("water", "factors")


def test_a_two_by_two_pairwise_game_in_the_cooperation_convention():
    two = NCityGame(cost=[4.0, 2.0], reward=1.0, synergy=[[0, 5], [3, 0]], spillover=[[0, 1], [0, 0]],
                    perception=[1.5, 1.0], players=["A", "B"])
    via_pairwise = coopgame.outside_options(two.to_pairwise(perceived=True))
    direct = coopgame.outside_options(two)
    for a, b in zip(via_pairwise.perceived, direct.perceived):
        np.testing.assert_allclose(a, b, atol=1e-12)
    if getattr(two.to_pairwise(), "is_perceived", False):  # the bimatrix carries its true twin
        for a, b in zip(via_pairwise.true, direct.true):
            np.testing.assert_allclose(a, b, atol=1e-12)
    # a bimatrix of true payoffs: the same either way
    true_only = coopgame.outside_options(two.to_pairwise(perceived=False))
    for a, b in zip(true_only.true, direct.true):
        np.testing.assert_allclose(a, b, atol=1e-12)
    pd = PairwiseGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    oo = coopgame.outside_options(pd)
    for a, b in zip(oo.true, oo.perceived):  # one set of payoffs: reported as both
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(oo.status_quo, [3, 3])
    np.testing.assert_array_equal(oo.free_ride, [5, 5])
    np.testing.assert_array_equal(oo.stand_alone, [1, 1])  # max(sucker 0, mutual protection 1)


def test_bad_games_are_typed_errors_naming_the_argument():
    with pytest.raises(InvalidGameError, match="game must be an NCityGame"):
        coopgame.outside_options(coopgame.TUGame([0, 1, 1, 3]))
    with pytest.raises(InvalidGameError, match="must be 2x2"):
        coopgame.outside_options(PairwiseGame.from_arrays(np.eye(3), np.eye(3)))


@pytest.mark.parametrize("factor", [1e-6, 1e6])
def test_rescaling_payoffs_rescales_the_options(factor):
    rng = np.random.default_rng(5)
    game = random_game(rng, 5, 2)
    scaled = NCityGame(**{name: game.parameter(name) * (factor if name not in ("deadweight", "perception") else 1)
                          for name in ("base", "cost", "reward", "penalty", "spillover", "synergy", "siphon",
                                       "deadweight", "perception")})
    a, b = coopgame.outside_options(game), coopgame.outside_options(scaled)
    for x, y in zip((*a.true, *a.perceived), (*b.true, *b.perceived)):
        np.testing.assert_allclose(y, factor * x, rtol=1e-12, atol=1e-300)
    assert a.free_riders == b.free_riders


def test_result_family_and_labels():
    game = coopgame.load_model("guangzhou_siphon").build().ncity
    oo = coopgame.outside_options(game)
    assert oo.game is game and oo.players == game.players
    text = repr(oo)
    assert "\n" not in text and len(text) <= REPR_MAX
    s = oo.summary()
    assert all(("(true)" in c or "(perceived)" in c) for c in s.columns[1:])
    json.dumps(oo.to_dict())
    # the periphery would rather free-ride; the core cities would not
    assert set(oo.free_riders) == {"Zhaoqing", "Qingyuan", "Yunfu", "Shaoguan"}
    # a peripheral city that protects while the others cooperate keeps only the spillover of their open services
    # (it draws no siphon and pays no cost): gravity on GDP decaying with the square of the great-circle distance,
    # recomputed here from the data files (issue 14; before distances it was 2.0 / 1.2 / 1.6)
    import csv
    import math

    from coopgame.models.seeds import data_dir

    cities = data_dir("seeds") / "cities"
    with open(cities / "g3_guangzhou_metro_circle.csv", encoding="utf-8") as fh:
        gdp = {r["city_en"]: float(r["gdp_100m_yuan"]) for r in csv.DictReader(fh)}
    with open(cities / "coordinates.csv", encoding="utf-8") as fh:
        where = {r["city_en"]: (float(r["latitude"]), float(r["longitude"])) for r in csv.DictReader(fh)}

    def km(a, b):  # spherical law of cosines, mean Earth radius
        (p1, l1), (p2, l2) = (tuple(math.radians(v) for v in where[c]) for c in (a, b))
        return 6371.0088 * math.acos(min(1.0, math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2)
                                         * math.cos(l1 - l2)))

    names = game.players
    pairs = [(a, b) for a in names for b in names if a != b]
    norm = sum(gdp[a] * gdp[b] for a, b in pairs) / sum(gdp[a] * gdp[b] / km(a, b) ** 2 for a, b in pairs)
    total = sum(gdp.values())
    for city in ("Qingyuan", "Yunfu", "Shaoguan"):
        spill = sum(0.001 * gdp[city] * gdp[o] / total * norm / km(city, o) ** 2 for o in names if o != city)
        assert oo.free_ride[names.index(city)] == pytest.approx(spill, rel=1e-6)


def test_free_riders_use_the_package_bound_over_issues():
    """Two cities, two issues; city "1" gains by dropping issue 1 alone, not by dropping both.

    By hand (per issue, perceived = true, β = 1): city 1 pays 5 and receives 3 on issue 1, so
    cooperating gives -2 and protecting 0: d_11 = 2; on issue 2 it receives 3 for nothing:
    d_21 = -3. City 2 has nothing at stake: d_·2 = 0. All-issues gain of city 1: 2 - 3 = -1,
    but dropping issue 1 only gains 2, so L = max(2, -3, 2 - 3) = 2 and L_2 = 0: city 1
    free-rides, and the transfers' lower bounds and the verdict agree (subsidy 2 + 0).
    """
    from coopgame.policy.transfers import self_enforcing_transfers

    g = NCityGame(cost=[[5, 0], [0, 0]], reward=[[3, 0], [3, 0]])
    oo = coopgame.outside_options(g)
    np.testing.assert_allclose(oo.free_ride_gain_by_issue, [[2.0, 0.0], [-3.0, 0.0]])
    np.testing.assert_allclose(oo.free_ride_gain, [-1.0, 0.0])  # all issues at once
    np.testing.assert_allclose(oo.deviation_bounds, [2.0, 0.0])
    assert oo.free_riders == ("1",)
    assert dict(oo.summary().facts)["would free-ride without transfers (perceived)"] == "1"
    tr = self_enforcing_transfers(g)
    np.testing.assert_allclose(tr.lower_bounds, oo.deviation_bounds)
    assert tr.subsidy == pytest.approx(2.0)

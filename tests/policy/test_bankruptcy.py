"""Bankruptcy games and rules: published divisions, brute force, the Aumann–Maschler theorem, bad input.

Expected values are from Aumann & Maschler (1985), "Game theoretic analysis of
a bankruptcy problem from the Talmud", J. Economic Theory 36, Table 1 (the
Mishnah's estates 100 / 200 / 300 among claims 100 / 200 / 300) and the
contested garment (Bava Metzia 2a), or computed here independently: the
game coalition by coalition, the CEA / CEL levels by bisection.
"""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest

from coopgame import TUGame, nucleolus
from coopgame.errors import InvalidGameError, InvalidParameterError
from coopgame.policy.bankruptcy import (
    BANKRUPTCY_RULES,
    BankruptcyResult,
    BankruptcyRule,
    bankruptcy_awards,
    constrained_equal_awards,
    constrained_equal_losses,
    proportional_division,
    talmud_rule,
)

CLAIMS = [100.0, 200.0, 300.0]
# Aumann & Maschler (1985), Table 1: the Mishnah's division (Ketubot 93a) for each estate
TALMUD_TABLE = {100.0: [100 / 3, 100 / 3, 100 / 3], 200.0: [50.0, 75.0, 75.0], 300.0: [50.0, 100.0, 150.0]}


def _random_problem(rng, n):
    claims = rng.integers(0, 6, size=n) * rng.choice([1.0, 2.5])   # ties and zero claims are common
    if claims.sum() == 0:
        claims[0] = 1.0
    return float(rng.uniform(0, claims.sum())), claims


# --------------------------------------------------------------------------- independent references
def _bankruptcy_game_brute(estate, claims):
    n = len(claims)
    values = []
    for mask in range(2**n):
        outside = sum(claims[j] for j in range(n) if not (mask >> j) & 1)
        values.append(max(0.0, estate - outside))
    return values


def _bisect_level(total_award, lo, hi, increasing):
    """The level t in [lo, hi] with total_award(t) equal to the target (total_award shifted so the root is 0)."""
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if (total_award(mid) < 0) == increasing:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _cea_brute(estate, claims):
    lam = _bisect_level(lambda t: sum(min(c, t) for c in claims) - estate, 0.0, max(claims), increasing=True)
    return [min(c, lam) for c in claims]


def _cel_brute(estate, claims):
    mu = _bisect_level(lambda t: sum(max(0.0, c - t) for c in claims) - estate, 0.0, max(claims), increasing=False)
    return [max(0.0, c - mu) for c in claims]


def _talmud_brute(estate, claims):
    half = [c / 2 for c in claims]
    if estate <= sum(half):
        return _cea_brute(estate, half)
    return [h + x for h, x in zip(half, _cel_brute(estate - sum(half), half))]


# --------------------------------------------------------------------------- published divisions
@pytest.mark.parametrize("estate", sorted(TALMUD_TABLE))
def test_talmud_reproduces_the_mishnah_table(estate):
    np.testing.assert_allclose(talmud_rule(estate, CLAIMS).awards, TALMUD_TABLE[estate], atol=1e-12)
    np.testing.assert_allclose(bankruptcy_awards(estate, CLAIMS).awards, TALMUD_TABLE[estate], atol=1e-12)


def test_the_mishnah_table_is_cea_then_proportional_as_aumann_maschler_note():
    # Aumann & Maschler (1985): estate 100 is an equal division, estate 300 a proportional one
    np.testing.assert_allclose(constrained_equal_awards(100, CLAIMS).awards, TALMUD_TABLE[100.0], atol=1e-12)
    np.testing.assert_allclose(proportional_division(300, CLAIMS).awards, TALMUD_TABLE[300.0], atol=1e-12)


def test_contested_garment():
    # Bava Metzia 2a: one claims the whole garment, the other half of it; they get 3/4 and 1/4
    assert talmud_rule(1, [0.5, 1]).awards.tolist() == [0.25, 0.75]


@pytest.mark.parametrize("estate", sorted(TALMUD_TABLE))
def test_talmud_is_the_nucleolus_of_the_bankruptcy_game_on_the_table(estate):
    game = TUGame.bankruptcy(estate, CLAIMS)
    np.testing.assert_allclose(nucleolus(game).allocation, TALMUD_TABLE[estate], atol=1e-7)


def test_talmud_is_the_nucleolus_on_random_problems():
    # Aumann & Maschler (1985), Theorem A: the Talmud (CG-consistent) rule is the nucleolus of the game
    rng = np.random.default_rng(7)
    for _ in range(25):
        estate, claims = _random_problem(rng, int(rng.integers(2, 7)))
        expected = nucleolus(TUGame.bankruptcy(estate, claims)).allocation
        np.testing.assert_allclose(talmud_rule(estate, claims).awards, expected, atol=1e-7 * max(1, claims.max()))


# --------------------------------------------------------------------------- the game
def test_bankruptcy_game_matches_coalition_by_coalition():
    rng = np.random.default_rng(3)
    for _ in range(10):
        estate, claims = _random_problem(rng, int(rng.integers(1, 7)))
        game = TUGame.bankruptcy(estate, claims, players=[f"p{i}" for i in range(len(claims))])
        np.testing.assert_allclose(game.values, _bankruptcy_game_brute(estate, claims), atol=1e-12)
        assert game.grand_value == estate and game.values[0] == 0.0


def test_bankruptcy_game_is_convex():
    # Curiel, Maschler & Tijs (1987): v(S ∪ T) + v(S ∩ T) >= v(S) + v(T)
    rng = np.random.default_rng(4)
    estate, claims = _random_problem(rng, 5)
    v = TUGame.bankruptcy(estate, claims).values
    for s in range(32):
        for t in range(32):
            assert v[s | t] + v[s & t] >= v[s] + v[t] - 1e-12


def test_bankruptcy_game_at_the_limits():
    assert TUGame.bankruptcy(0, [1, 2]).values.tolist() == [0.0, 0.0, 0.0, 0.0]
    assert TUGame.bankruptcy(3, [1, 2]).values.tolist() == [0.0, 1.0, 2.0, 3.0]   # E = Σc: additive
    assert TUGame.bankruptcy(0.30000000000000004, [0.1, 0.2]).values[0] == 0.0   # a rounding above Σc


@pytest.mark.parametrize("kwargs, match", [
    ({"estate": 7, "claims": [1, 2]}, "estate must be <= the total claim"),
    ({"estate": -1, "claims": [1, 2]}, "estate must be >= 0"),
    ({"estate": float("nan"), "claims": [1, 2]}, "estate must be a finite number"),
    ({"estate": "1", "claims": [1, 2]}, "estate must be a real number"),
    ({"estate": 1, "claims": [1, -2]}, "claims must be >= 0"),
    ({"estate": 1, "claims": [1, np.inf]}, "claims must contain only finite numbers"),
    ({"estate": 1, "claims": []}, "at least one"),
    ({"estate": 1, "claims": [[1, 2]]}, "claims must be 1-dimensional"),
    ({"estate": 1, "claims": [True, True]}, "claims must be numbers, not booleans"),
])
def test_bankruptcy_game_refuses_bad_input(kwargs, match):
    with pytest.raises(InvalidParameterError, match=r"^TUGame\.bankruptcy\(\): .*" + match):
        TUGame.bankruptcy(**kwargs)


def test_bankruptcy_game_refuses_bad_labels():
    with pytest.raises(InvalidGameError, match="TUGame.bankruptcy"):
        TUGame.bankruptcy(1, [1, 2], players=["a"])
    with pytest.raises(InvalidGameError, match="TUGame.bankruptcy"):
        TUGame.bankruptcy(1, [1, 2], players="ab")


# --------------------------------------------------------------------------- the rules against brute force
def test_cea_cel_and_talmud_match_bisection_on_random_problems():
    rng = np.random.default_rng(11)
    for _ in range(60):
        estate, claims = _random_problem(rng, int(rng.integers(1, 9)))
        c = claims.tolist()
        atol = 1e-9 * max(c)
        np.testing.assert_allclose(constrained_equal_awards(estate, claims).awards, _cea_brute(estate, c), atol=atol)
        np.testing.assert_allclose(constrained_equal_losses(estate, claims).awards, _cel_brute(estate, c), atol=atol)
        np.testing.assert_allclose(talmud_rule(estate, claims).awards, _talmud_brute(estate, c), atol=atol)
        np.testing.assert_allclose(proportional_division(estate, claims).awards,
                                   [x * estate / sum(c) for x in c], atol=atol)


def test_levels_are_the_equal_award_and_the_equal_loss():
    r = constrained_equal_awards(200, [50, 100, 300])
    assert r.level == 75.0 and r.rule == "cea"
    r = constrained_equal_losses(200, [50, 100, 300])
    assert r.level == 100.0 and r.losses.tolist() == [50.0, 100.0, 100.0]


@pytest.mark.parametrize("rule", BANKRUPTCY_RULES)
def test_awards_add_up_to_the_estate_and_lie_between_zero_and_the_claim(rule):
    rng = np.random.default_rng(5)
    for _ in range(40):
        estate, claims = _random_problem(rng, int(rng.integers(1, 12)))
        r = bankruptcy_awards(estate, claims, rule=rule)
        assert abs(r.awards.sum() - estate) <= 1e-12 * claims.sum() * len(claims)
        assert np.all(r.awards >= 0) and np.all(r.awards <= claims)
        np.testing.assert_allclose(r.losses, claims - r.awards)
        assert abs(r.efficiency_gap) <= 1e-12 * claims.sum() * len(claims)


def test_cea_and_cel_are_dual_and_talmud_is_self_dual():
    # Aumann & Maschler (1985); Thomson (2003) §5: CEL(E, c) = c − CEA(Σc − E, c), T(E, c) = c − T(Σc − E, c)
    rng = np.random.default_rng(6)
    for _ in range(40):
        estate, claims = _random_problem(rng, int(rng.integers(1, 10)))
        dual = claims.sum() - estate
        atol = 1e-12 * claims.sum()
        np.testing.assert_allclose(constrained_equal_losses(estate, claims).awards,
                                   claims - constrained_equal_awards(dual, claims).awards, atol=atol)
        np.testing.assert_allclose(talmud_rule(estate, claims).awards,
                                   claims - talmud_rule(dual, claims).awards, atol=atol)


@pytest.mark.parametrize("rule", BANKRUPTCY_RULES)
@pytest.mark.parametrize("factor", [1e-7, 3.7, 2.0**40, 1e12])
def test_rescaling_scales_the_awards(rule, factor):
    estate, claims = 310.0, np.array([120.0, 35.0, 0.0, 220.0, 35.0])
    base = bankruptcy_awards(estate, claims, rule=rule)
    scaled = bankruptcy_awards(estate * factor, claims * factor, rule=rule)
    np.testing.assert_allclose(scaled.awards, base.awards * factor, rtol=1e-12, atol=0)


def test_claims_order_does_not_matter():
    rng = np.random.default_rng(9)
    estate, claims = _random_problem(rng, 8)
    perm = rng.permutation(8)
    for rule in BANKRUPTCY_RULES:
        np.testing.assert_allclose(bankruptcy_awards(estate, claims[perm], rule=rule).awards,
                                   bankruptcy_awards(estate, claims, rule=rule).awards[perm], atol=1e-12)


def test_extreme_estates():
    for rule in BANKRUPTCY_RULES:
        assert bankruptcy_awards(0, CLAIMS, rule=rule).awards.tolist() == [0.0, 0.0, 0.0]
        np.testing.assert_allclose(bankruptcy_awards(600, CLAIMS, rule=rule).awards, CLAIMS)
        assert bankruptcy_awards(0, [0, 0], rule=rule).awards.tolist() == [0.0, 0.0]


def test_hundred_thousand_claimants_share_the_whole_estate():
    # the speed at this size is benchmarks/test_bankruptcy.py's (never a timed unit test)
    rng = np.random.default_rng(1)
    claims = rng.uniform(0, 100, size=10**5)
    for rule in BANKRUPTCY_RULES:
        r = bankruptcy_awards(0.3 * claims.sum(), claims, rule=rule)
        assert abs(r.awards.sum() - 0.3 * claims.sum()) <= 1e-9 * claims.sum()
        assert np.all(r.awards >= 0) and np.all(r.awards <= claims * (1 + 1e-12))


# --------------------------------------------------------------------------- results, rule object, bad input
def test_result_family_summary_dict_and_pickle():
    r = talmud_rule(200, CLAIMS, players=["a", "b", "c"])
    assert isinstance(r, BankruptcyResult) and r.concept == "talmud" and r["b"] == 75.0
    assert "Talmud division" in str(r) and "loss" in str(r)
    d = json.loads(json.dumps(r.to_dict()))
    assert d["by_player"]["c"] == {"claim": 300.0, "award": 75.0, "loss": 225.0} and d["losses"] == [50, 125, 225]
    again = pickle.loads(pickle.dumps(r))
    assert np.array_equal(again.awards, r.awards) and not again.awards.flags.writeable
    assert len(repr(r)) <= 160


def test_bankruptcy_rule_divides_the_grand_worth():
    game = TUGame.bankruptcy(200, CLAIMS)
    for rule in BANKRUPTCY_RULES:
        x = BankruptcyRule(CLAIMS, rule=rule).allocate(game, np.zeros(3))
        np.testing.assert_allclose(x, bankruptcy_awards(200, CLAIMS, rule=rule).awards)
    rule = BankruptcyRule(CLAIMS)
    assert rule.parameters() == {"claims": CLAIMS, "rule": "talmud"} and "talmud" in rule.label
    assert pickle.loads(pickle.dumps(rule)).parameters() == rule.parameters()
    # any game: only v(N) is read
    np.testing.assert_allclose(rule.allocate(TUGame([0, 5, 5, 5, 5, 5, 5, 200]), np.zeros(3)), [50, 75, 75])


def test_bankruptcy_rule_refuses_bad_input():
    with pytest.raises(InvalidParameterError, match=r"^BankruptcyRule\(\): rule must be one of"):
        BankruptcyRule(CLAIMS, rule="shapley")
    with pytest.raises(InvalidParameterError, match=r"^BankruptcyRule\(\): claims must be >= 0"):
        BankruptcyRule([1, -1])
    rule = BankruptcyRule(CLAIMS)
    with pytest.raises(InvalidParameterError, match=r"^BankruptcyRule\.allocate\(\): claims must have one entry"):
        rule.allocate(TUGame([0, 1, 1, 3]), np.zeros(2))
    with pytest.raises(InvalidParameterError, match=r"^BankruptcyRule\.allocate\(\): the estate v\(N\) must be <="):
        rule.allocate(TUGame([0.0] * 7 + [700.0]), np.zeros(3))
    with pytest.raises(InvalidGameError, match=r"^BankruptcyRule\.allocate\(\): game must be"):
        rule.allocate("game", np.zeros(3))


@pytest.mark.parametrize("func", [proportional_division, constrained_equal_awards, constrained_equal_losses,
                                  talmud_rule])
def test_rules_refuse_bad_input(func):
    name = func.__name__
    with pytest.raises(InvalidParameterError, match=rf"^{name}\(\): estate must be <= the total claim"):
        func(601, CLAIMS)
    with pytest.raises(InvalidParameterError, match=rf"^{name}\(\): claims must be >= 0"):
        func(1, [1, -1])
    with pytest.raises(InvalidParameterError, match=rf"^{name}\(\): claims must be numbers, not booleans"):
        func(1, np.array([True, False]))
    with pytest.raises(InvalidParameterError, match=rf"^{name}\(\): claims must be an array of real numbers"):
        func(1, ["a", "b"])
    with pytest.raises(InvalidGameError, match=rf"^{name}\(\): players must have 3 labels"):
        func(1, CLAIMS, players=["a"])
    with pytest.raises(InvalidParameterError, match=r"^bankruptcy_awards\(\): rule must be one of"):
        bankruptcy_awards(1, CLAIMS, rule="nucleolus")

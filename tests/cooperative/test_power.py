"""Power indices of weighted voting games: published values, brute force at small n, properties, bad input.

Every expected value is from the literature or computed here independently of
the generating-function code: coalitions enumerated as bitmasks (Banzhaf
swings, n <= 16), orderings enumerated as permutations (Shapley–Shubik,
n <= 8), or a closed form.
"""

from __future__ import annotations

import itertools
import json
import math
from fractions import Fraction

import numpy as np
import pytest

from coopgame import PowerIndexResult, TUGame, banzhaf_value, power_indices, shapley_value
from coopgame.errors import CoopgameError, GameTooLargeError, InvalidGameError, InvalidParameterError

EEC_1958 = ([4, 4, 4, 2, 2, 1], 12, ["France", "Germany", "Italy", "Belgium", "Netherlands", "Luxembourg"])
NASSAU_1958 = ([9, 9, 7, 3, 1, 1], 16, ["Hempstead 1", "Hempstead 2", "North Hempstead", "Oyster Bay",
                                         "Glen Cove", "Long Beach"])


# --------------------------------------------------------------------------- independent references
def _winning(weights, quota):
    """``win[mask]``: does coalition ``mask`` reach the quota (exact integer sums over every mask)."""
    n = len(weights)
    masks = np.arange(2**n)
    member = (masks[:, None] >> np.arange(n)) & 1
    return member @ np.asarray(weights, dtype=object) >= quota, masks


def _swings_brute(weights, quota):
    """Swings per player and, per player, the sizes of its swing coalitions (masks enumerated)."""
    n = len(weights)
    win, masks = _winning(weights, quota)
    swings, sizes = [], []
    for i in range(n):
        without = masks[(masks >> i) & 1 == 0]
        pivotal = without[win[without | (1 << i)] & ~win[without].astype(bool)]
        swings.append(len(pivotal))
        sizes.append(np.bitwise_count(pivotal.astype(np.uint64)).tolist())
    return swings, sizes


def _banzhaf_brute(weights, quota):
    n = len(weights)
    swings, sizes = _swings_brute(weights, quota)
    total = sum(swings)
    ss = [sum(Fraction(math.factorial(s) * math.factorial(n - 1 - s), math.factorial(n)) for s in sz)
          for sz in sizes]
    return ([Fraction(s, total) for s in swings], [Fraction(s, 2 ** (n - 1)) for s in swings], swings, ss)


def _shapley_shubik_by_orderings(weights, quota):
    """The share of the n! orderings in which each player is pivotal (permutations enumerated)."""
    n = len(weights)
    pivots = [0] * n
    for order in itertools.permutations(range(n)):
        running = 0
        for i in order:
            running += weights[i]
            if running >= quota:
                pivots[i] += 1
                break
    return [Fraction(p, math.factorial(n)) for p in pivots]


# --------------------------------------------------------------------------- published values
def test_eec_council_1958():
    """EEC Council of Ministers 1958: weights F, D, I 4, B, N 2, L 1; 12 of 17 votes to pass.

    Luxembourg is a null player: the other weights are all even, so no coalition of them weighs 11 (Games
    9(2):29, 2018, "the founding fathers ... rendered Luxembourg a 'null player'"). By hand, with quota 12:

    * France swings for the coalitions of the others weighing 8..11: with Germany and Italy (8), adding
      nothing, L, B, B+L, N or N+L (6); with one of them (2 ways), B+N or B+N+L (2 each, 4); without both at
      most 5. 10 swings; likewise Germany, Italy.
    * Belgium swings for 10..11: two of the three big (3 ways) and N, with or without L. 6 swings; Netherlands
      too.
    * Total 3*10 + 2*6 = 42: normalised Banzhaf 5/21, 1/7, 0; absolute 10/32 = 5/16, 6/32 = 3/16, 0.
    * Shapley–Shubik (the values usually quoted): 14/60 = 7/30 for each big member, 9/60 = 3/20 for Belgium
      and the Netherlands, 0 for Luxembourg; they sum to 42/60 + 18/60 = 1.
    """
    r = power_indices(*EEC_1958)
    assert r.fractions("shapley_shubik") == tuple(Fraction(x, 60) for x in (14, 14, 14, 9, 9, 0))
    assert r.fractions("banzhaf") == (Fraction(5, 21),) * 3 + (Fraction(1, 7),) * 2 + (0,)
    assert r.fractions("banzhaf_absolute") == (Fraction(5, 16),) * 3 + (Fraction(3, 16),) * 2 + (0,)
    assert r.swings == (10, 10, 10, 6, 6, 0)
    assert r.dummies == ("Luxembourg",)
    np.testing.assert_allclose(r.shapley_shubik, [14 / 60] * 3 + [9 / 60] * 2 + [0], rtol=0, atol=1e-15)
    # the same from the permutations themselves
    assert list(r.fractions("shapley_shubik")) == _shapley_shubik_by_orderings(EEC_1958[0], 12)


def test_nassau_county_1958():
    """Nassau County Board of Supervisors 1958: weights 9, 9, 7, 3, 1, 1, quota 16 of 30.

    The dummies are Oyster Bay (3), Glen Cove (1) and Long Beach (1) (Banzhaf 1965, "Weighted voting
    doesn't work", Rutgers Law Rev. 19:317; J. Malkevitch, AMS Feature Column "Voting Games: Part II"):
    one of the three large members with all three small ones weighs at most 9 + 5 = 14 < 16, so a winning
    coalition needs two of the large ones, and any two suffice (9 + 7 = 16). North Hempstead (7) has the
    power of either Hempstead (9): 1/3 each under Shapley–Shubik and normalised Banzhaf. A large member swings
    exactly when one of the other two large ones is in, whatever the three small ones do: 2 * 2**3 = 16 of
    the 2**5 = 32 coalitions of the others, absolute Banzhaf 1/2.
    """
    r = power_indices(*NASSAU_1958)
    third = Fraction(1, 3)
    assert r.dummies == ("Oyster Bay", "Glen Cove", "Long Beach")
    assert r.fractions("shapley_shubik") == (third,) * 3 + (0,) * 3
    assert r.fractions("banzhaf") == (third,) * 3 + (0,) * 3
    assert r.fractions("banzhaf_absolute") == (Fraction(1, 2),) * 3 + (0,) * 3
    assert r.swings == (16, 16, 16, 0, 0, 0)


# --------------------------------------------------------------------------- brute force
@pytest.mark.parametrize("seed", range(12))
def test_equals_brute_force_small(seed):
    """Random games with n <= 8: Banzhaf by masks, Shapley–Shubik by permutations and by masks, exactly."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 9))
    weights = rng.integers(0, 12, size=n).tolist()
    if sum(weights) == 0:
        weights[0] = 1
    quota = int(rng.integers(1, sum(weights) + 1))
    r = power_indices(weights, quota)
    banzhaf, absolute, swings, ss_masks = _banzhaf_brute(weights, quota)
    assert list(r.fractions("banzhaf")) == banzhaf
    assert list(r.fractions("banzhaf_absolute")) == absolute
    assert list(r.swings) == swings
    orderings = _shapley_shubik_by_orderings(weights, quota)
    assert ss_masks == orderings   # the two references agree with each other
    assert list(r.fractions("shapley_shubik")) == orderings
    np.testing.assert_allclose(r.shapley_shubik, [float(x) for x in orderings], rtol=0, atol=1e-15)


@pytest.mark.parametrize(("n", "seed", "high"), [(12, 0, 30), (14, 1, 100), (16, 2, 100), (16, 3, 3),
                                                 (15, 4, 1000)])
def test_equals_brute_force_up_to_16(n, seed, high):
    """n up to 16, weights up to 1000, several quotas: swings and both indices from every coalition."""
    rng = np.random.default_rng(seed)
    weights = rng.integers(0, high + 1, size=n).tolist()
    total = sum(weights)
    for quota in (1, total // 3 + 1, total // 2 + 1, (2 * total) // 3, total):
        r = power_indices(weights, quota)
        banzhaf, absolute, swings, ss = _banzhaf_brute(weights, quota)
        assert list(r.swings) == swings
        assert list(r.fractions("banzhaf")) == banzhaf
        assert list(r.fractions("banzhaf_absolute")) == absolute
        assert list(r.fractions("shapley_shubik")) == ss
        np.testing.assert_allclose(r.banzhaf_absolute, [float(x) for x in absolute], rtol=1e-15, atol=0)


def test_agrees_with_the_dense_game():
    """The dense weighted voting game's Shapley and Banzhaf values (coalition enumeration) agree."""
    rng = np.random.default_rng(7)
    weights = rng.integers(1, 20, size=11)
    quota = int(weights.sum()) * 2 // 3
    game = TUGame.weighted_voting(weights, quota)
    r = power_indices(weights, quota)
    np.testing.assert_allclose(r.shapley_shubik, shapley_value(game).allocation, rtol=0, atol=1e-12)
    np.testing.assert_allclose(r.banzhaf_absolute, banzhaf_value(game).allocation, rtol=0, atol=1e-12)


def test_exact_at_100_players_closed_form():
    """100 equal weights, quota 51: each swings for the C(99, 50) coalitions of exactly 50 others (~2**95.6)."""
    r = power_indices([1] * 100, 51)
    assert r.swings == (math.comb(99, 50),) * 100
    assert r.fractions("banzhaf_absolute") == (Fraction(math.comb(99, 50), 2**99),) * 100
    assert r.fractions("shapley_shubik") == (Fraction(1, 100),) * 100
    assert r.pivots == (math.factorial(99),) * 100


def test_apex_game_closed_form():
    """Apex game: one player of weight n-2 and n-1 of weight 1, quota n-1 (n = 60).

    For a coalition S of small players the apex is pivotal iff 1 <= |S| <= n-2: 2**(n-1) - 2 swings. A small
    player is pivotal iff S is the apex alone or all n-2 other small players (weight n-2 either way): 2
    swings. Shapley–Shubik: the apex is pivotal in every ordering except those where it stands first or last,
    (n-2)/n; the small players share the rest, 2/(n(n-1)) each.
    """
    n = 60
    r = power_indices([n - 2] + [1] * (n - 1), n - 1)
    assert r.swings == (2 ** (n - 1) - 2,) + (2,) * (n - 1)
    assert r.fractions("shapley_shubik")[0] == Fraction(n - 2, n)
    assert r.fractions("shapley_shubik")[1] == Fraction(2, n * (n - 1))


# --------------------------------------------------------------------------- properties
def test_properties_at_100_players():
    rng = np.random.default_rng(11)
    weights = rng.integers(1, 101, size=100)
    weights[[3, 40]] = weights[7]          # three equal weights
    weights[99] = 0                        # a zero weight
    quota = int(weights.sum()) // 2 + 1
    r = power_indices(weights, quota)
    assert sum(r.fractions("shapley_shubik")) == 1                       # efficiency, exactly
    assert sum(r.pivots) == math.factorial(100)
    assert sum(r.fractions("banzhaf")) == 1
    for index in ("shapley_shubik", "banzhaf", "banzhaf_absolute"):      # symmetry
        exact = r.fractions(index)
        assert exact[3] == exact[7] == exact[40]
        assert exact[99] == 0                                             # a zero weight is a dummy
    # more weight never means less power (weighted voting games are monotone in the weights)
    order = np.argsort(weights, kind="stable")
    assert all(np.diff(np.array(r.swings, dtype=object)[order]) >= 0)


@pytest.mark.parametrize("k", [2, 7, 1000])
def test_scale_invariance(k):
    weights, quota, _ = EEC_1958
    base = power_indices(weights, quota)
    scaled = power_indices([k * w for w in weights], k * quota)
    for index in ("shapley_shubik", "banzhaf", "banzhaf_absolute"):
        assert scaled.fractions(index) == base.fractions(index)
    # rationals are exact: weights / k as Fractions give the same game
    as_fractions = power_indices([Fraction(w, k) for w in weights], Fraction(quota, k))
    assert as_fractions.swings == base.swings
    assert as_fractions.parameters["scale"] == k // math.gcd(k, math.gcd(*weights))


def test_quota_with_integer_weights_acts_through_its_ceiling():
    w = [4, 4, 4, 2, 2, 1]
    assert power_indices(w, 11.5).swings == power_indices(w, 12).swings
    assert power_indices(w, 11).swings != power_indices(w, 12).swings


def test_quota_boundaries():
    # quota = total weight: unanimity of the positive weights
    r = power_indices([3, 2, 0, 5], 10)
    assert r.fractions("shapley_shubik") == (Fraction(1, 3), Fraction(1, 3), 0, Fraction(1, 3))
    assert r.swings == (2, 2, 0, 2)     # the other two in, the zero-weight player either way
    # a quota below every positive weight: each positive player swings only for the coalitions weighing 0,
    # the empty one and the zero-weight player alone
    r = power_indices([3, 2, 0, 5], 0.5)
    assert r.swings == (2, 2, 0, 2)
    assert r.fractions("shapley_shubik") == (Fraction(1, 3), Fraction(1, 3), 0, Fraction(1, 3))
    # one player
    assert power_indices([2], 2).fractions("shapley_shubik") == (1,)


# --------------------------------------------------------------------------- the dense game
def test_weighted_voting_game_values_by_hand():
    g = TUGame.weighted_voting(*EEC_1958)
    assert g.players == tuple(EEC_1958[2])
    win, _ = _winning(EEC_1958[0], 12)
    np.testing.assert_array_equal(g.values, win.astype(float))
    assert g.value(["France", "Germany", "Italy"]) == 1.0
    assert g.value(["France", "Germany", "Belgium", "Luxembourg"]) == 0.0   # 11 < 12
    assert g.grand_value == 1.0 and g.values[0] == 0.0


def test_weighted_voting_compares_exactly():
    """1e16 + 1 + 1 rounds to 1e16 in float64 one addition at a time; the exact sum reaches the quota."""
    g = TUGame.weighted_voting([1e16, 1.0, 1.0], 1e16 + 2)
    assert g.grand_value == 1.0
    assert g.value([0, 1]) == 0.0
    # fractional weights are taken exactly
    h = TUGame.weighted_voting([Fraction(1, 3), Fraction(1, 3), Fraction(1, 3)], 1)
    assert h.values.tolist() == [0, 0, 0, 0, 0, 0, 0, 1]
    k = TUGame.weighted_voting([0.5, 0.25, 0.25], 0.5)   # binary fractions: exact
    assert k.values.tolist() == [0, 1, 0, 1, 0, 1, 1, 1]


def test_weighted_voting_refuses_too_large():
    with pytest.raises(GameTooLargeError, match="weighted_voting"):
        TUGame.weighted_voting([1] * 45, 23)


# --------------------------------------------------------------------------- the result
def test_result_is_read_only_and_reports():
    r = power_indices(*EEC_1958)
    assert isinstance(r, PowerIndexResult)
    for name in ("shapley_shubik", "banzhaf", "banzhaf_absolute"):
        with pytest.raises(ValueError):
            getattr(r, name)[0] = 1.0
    text = str(r)
    assert "Luxembourg" in text and "Luxembourg" in text.splitlines()[6] and "Shapley-Shubik" in text
    data = r.to_dict()
    json.dumps(data)
    assert data["by_player"]["France"]["swings"] == 10
    assert data["parameters"]["quota"] == 12 and data["parameters"]["weights"] == [4, 4, 4, 2, 2, 1]
    assert len(repr(r)) <= 160 and repr(r).startswith("PowerIndexResult(")
    with pytest.raises(InvalidParameterError, match="fractions"):
        r.fractions("penrose")


# --------------------------------------------------------------------------- bad input
BAD_WEIGHTS = [
    ([1, 2.5, 3], "scale the weights"),
    ([1, -1, 3], ">= 0"),
    ([1, float("nan")], "finite"),
    ([1, float("inf")], "finite"),
    ([True, False], "booleans"),
    ([], "at least one"),
    ([[1, 2], [3, 4]], "1-dimensional"),
    ("123", "real numbers"),
    ([1, "2"], "real numbers"),
    ([1 + 1j, 2], "real numbers"),
    (5, "1-dimensional"),
]


@pytest.mark.parametrize(("weights", "match"), BAD_WEIGHTS)
def test_bad_weights(weights, match):
    with pytest.raises(InvalidParameterError, match=match) as info:
        power_indices(weights, 1)
    assert "power_indices()" in str(info.value) and "weights" in str(info.value)


@pytest.mark.parametrize(("weights", "match"), [(w, m) for w, m in BAD_WEIGHTS if m != "scale the weights"])
def test_bad_weights_weighted_voting(weights, match):
    with pytest.raises(InvalidParameterError, match=match) as info:
        TUGame.weighted_voting(weights, 1)
    assert "TUGame.weighted_voting()" in str(info.value)


def test_non_integral_floats_are_fine_for_the_dense_game():
    assert TUGame.weighted_voting([1, 2.5, 3], 3).value([1, 2]) == 1.0


@pytest.mark.parametrize(("quota", "match"), [(0, "> 0"), (-1, "> 0"), (17.5, "<= the total weight 17"),
                                             (float("nan"), "finite"), ("12", "real number"), (True, "real"),
                                             (None, "real"), (1 + 0j, "real"), (10**400, "fits a float")])
def test_bad_quota(quota, match):
    for func, name in ((power_indices, "power_indices()"), (TUGame.weighted_voting, "weighted_voting()")):
        with pytest.raises(InvalidParameterError, match=match) as info:
            func(EEC_1958[0], quota)
        assert name in str(info.value) and "quota" in str(info.value)


@pytest.mark.parametrize("players", [["a", "b"], ["a"] * 6, "abcdef", {"a", "b", "c", "d", "e", "f"}])
def test_bad_players(players):
    for func in (power_indices, TUGame.weighted_voting):
        with pytest.raises(InvalidGameError, match="player"):
            func(EEC_1958[0], 12, players=players)


def test_huge_quota_is_refused_before_any_work():
    with pytest.raises(GameTooLargeError, match=r"power_indices\(\).*common factor"):
        power_indices([10**12, 10**12, 1], 10**12)
    with pytest.raises(GameTooLargeError, match="work budget"):
        power_indices(list(range(1, 401)) * 3, 10**5)


def test_errors_are_coopgame_errors():
    with pytest.raises(CoopgameError):
        power_indices([1, 2], 5)


def test_result_keeps_the_game_in_exact_integers():
    r = power_indices([Fraction(1, 2), 1, 2], Fraction(3, 2))
    assert r.game.weights == (1, 2, 4) and r.game.threshold == 3 and r.game.scale == 2
    assert r.parameters["weights"] == (Fraction(1, 2), 1, 2)


@pytest.mark.parametrize("big", [2**62, 2**62 + 3, 2**70, 10**30])
def test_weights_far_above_the_quota(big):
    """A weight beyond int64 or far above the quota (a dictator-like player) still gives exact answers."""
    weights = [big, 1, 2, 1, 3, 1, 1, 2]
    for quota in (3, 7, 12):   # the quota stays small: the work grows with it, not with the weights
        banzhaf, absolute, swings, ss = _banzhaf_brute(weights, quota)
        r = power_indices(weights, quota)
        assert list(r.swings) == swings and list(r.fractions("shapley_shubik")) == ss
    many = power_indices([big] + [1] * 99, 5)   # j * w would overflow int64 in the alternating sum
    assert many.swings[0] == sum(math.comb(99, k) for k in range(5))
    assert many.swings[1] == math.comb(98, 4)   # the others weigh exactly 4 without the big player

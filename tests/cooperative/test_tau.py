"""τ-value: published examples, a brute-force recomputation, and the theory's properties."""

from __future__ import annotations

import itertools
import pickle
from fractions import Fraction

import numpy as np
import pytest

import coopgame

from coopgame import StructuredGame, TUGame
from coopgame.cooperative.tau import NotQuasiBalancedError, TauResult, tau_value, utopia_and_minimal_rights
from coopgame.errors import InvalidGameError, InvalidParameterError
from coopgame.games.generators import random_convex_game
from coopgame.games.structured import AirportCost
from coopgame.results import AllocationResult


def brute_force_tau(values: list[float] | np.ndarray) -> tuple[list[Fraction], list[Fraction], list[Fraction]]:
    """(τ, M, m) from the definitions, with plain loops over coalitions and exact fractions."""
    v = [Fraction(float(x)) for x in values]
    n = len(v).bit_length() - 1
    full = len(v) - 1
    utopia = [v[full] - v[full ^ (1 << i)] for i in range(n)]
    rights = []
    for i in range(n):
        others = [j for j in range(n) if j != i]
        best = None
        for size in range(n):
            for partners in itertools.combinations(others, size):
                mask = (1 << i) | sum(1 << j for j in partners)
                claim = v[mask] - sum(utopia[j] for j in partners)
                best = claim if best is None or claim > best else best
        rights.append(best)
    gap = sum(u - r for u, r in zip(utopia, rights))
    weight = (v[full] - sum(rights)) / gap if gap else Fraction(0)
    return [r + weight * (u - r) for u, r in zip(utopia, rights)], utopia, rights


def in_core(values: np.ndarray, x: np.ndarray, atol: float) -> bool:
    """x(S) >= v(S) for every coalition and x(N) = v(N) (plain loop over coalitions)."""
    n = len(values).bit_length() - 1
    for mask in range(len(values)):
        if sum(x[i] for i in range(n) if mask >> i & 1) < values[mask] - atol:
            return False
    return abs(sum(x) - values[-1]) <= atol


def convex_by_dividends(n: int, rng: np.random.Generator) -> np.ndarray:
    """A convex game: non-negative Harsanyi dividends on a few random coalitions."""
    dividends = np.zeros(2**n)
    chosen = rng.choice(np.arange(1, 2**n), size=3, replace=False)
    dividends[chosen] = rng.uniform(0.5, 5.0, size=3)
    values = np.zeros(2**n)
    for mask in range(2**n):
        values[mask] = sum(dividends[t] for t in range(2**n) if t & mask == t)
    return values


# ------------------------------------------------------------------------------------------ published examples
def test_coopgame_r_package_example() -> None:
    # R package CoopGame (Staudacher & Anwander), tauValue() documentation example after Branzei, Dimitrov & Tijs
    # (2006, p. 31): v = (v1, v2, v3, v12, v13, v23, v123) = (0, 0, 0, 2, 2, 3, 5) -> tau = (1.25, 1.875, 1.875).
    # By hand: M = (5 - 3, 5 - 2, 5 - 2) = (2, 3, 3), m = (0, 0, 0), lambda = 5 / 8.
    r = tau_value(TUGame([0, 0, 0, 2, 0, 2, 3, 5]))
    assert r.allocation.tolist() == [1.25, 1.875, 1.875]
    assert r.utopia.tolist() == [2.0, 3.0, 3.0] and r.minimal_rights.tolist() == [0.0, 0.0, 0.0]
    assert r.compromise_weight == 0.625


def test_glove_game_gives_everything_to_the_scarce_side() -> None:
    # Glove game L, R1, R2 (Tijs 1981; Branzei, Dimitrov & Tijs 2008, glove games): M = (1, 0, 0) and m = (1, 0, 0),
    # so tau = (1, 0, 0), the unique core point (Shapley gives 2/3, 1/6, 1/6).
    r = tau_value(TUGame([0, 0, 0, 1, 0, 1, 0, 1], players=["L", "R1", "R2"]))
    assert r.allocation.tolist() == [1.0, 0.0, 0.0]
    assert r.utopia.tolist() == r.minimal_rights.tolist() == [1.0, 0.0, 0.0]


def test_bankruptcy_game_gives_the_adjusted_proportional_rule() -> None:
    # Curiel, Maschler & Tijs (1987), "Bankruptcy games": the tau-value of v(S) = max(0, E - d(N \ S)) is the
    # adjusted proportional rule. E = 200, claims (100, 200, 300): minimal rights 0, claims truncated at E:
    # (100, 200, 200), split proportionally: (40, 80, 80).
    estate, claims = 200.0, np.array([100.0, 200.0, 300.0])
    values = [max(0.0, estate - sum(claims[i] for i in range(3) if not mask >> i & 1)) for mask in range(8)]
    np.testing.assert_allclose(tau_value(TUGame(values)).allocation, [40.0, 80.0, 80.0], rtol=1e-14)


@pytest.mark.parametrize("seed", range(5))
def test_two_players_standard_solution(seed: int) -> None:
    # Two-player games: tau = v(i) + (v(12) - v(1) - v(2)) / 2 whenever v(12) >= v(1) + v(2) (Tijs 1981).
    rng = np.random.default_rng(seed)
    v1, v2 = rng.normal(size=2)
    v12 = v1 + v2 + rng.uniform(0, 3)
    surplus = (v12 - v1 - v2) / 2
    np.testing.assert_allclose(tau_value(TUGame([0, v1, v2, v12])).allocation, [v1 + surplus, v2 + surplus],
                               atol=1e-14)


# ------------------------------------------------------------------------------------------ brute force
@pytest.mark.parametrize("seed", range(20))
def test_brute_force_recomputation(seed: int) -> None:
    n = 2 + seed % 5
    values = random_convex_game(n, rng=seed).values if seed % 2 else convex_by_dividends(n, np.random.default_rng(seed))
    r = tau_value(TUGame(values))
    tau, utopia, rights = brute_force_tau(values)
    scale = np.max(np.abs(values))
    np.testing.assert_allclose(r.allocation, [float(t) for t in tau], rtol=0, atol=1e-12 * scale)
    np.testing.assert_allclose(r.utopia, [float(u) for u in utopia], rtol=0, atol=1e-12 * scale)
    np.testing.assert_allclose(r.minimal_rights, [float(m) for m in rights], rtol=0, atol=1e-12 * scale)


# ------------------------------------------------------------------------------------------ properties
def test_symmetric_games_split_equally() -> None:
    by_size = np.array([0.0, 1.0, 2.5, 4.5, 7.0, 10.0])   # v(S) = f(|S|), f with increasing increments (convex)
    values = by_size[[bin(mask).count("1") for mask in range(32)]]
    r = tau_value(TUGame(values))
    np.testing.assert_allclose(r.allocation, np.full(5, values[-1] / 5), rtol=1e-14)


@pytest.mark.parametrize("seed", range(15))
def test_three_player_convex_games_in_the_core(seed: int) -> None:
    # Convex games with n <= 3: tau is in the core (Andreescu & Sunic 2007, arXiv:0711.2334, who also show this
    # fails to extend in their sense beyond three players); the core check is a plain loop over coalitions.
    values = random_convex_game(3, rng=seed).values if seed % 2 else convex_by_dividends(3, np.random.default_rng(seed))
    x = tau_value(TUGame(values)).allocation
    assert in_core(values, x, 1e-12 * np.max(np.abs(values)))
    assert coopgame.core(TUGame(values)).contains(x)


def test_a_five_player_convex_game_whose_tau_value_leaves_the_core() -> None:
    # v = 7 u_{2,3} + 5 u_{1,4,5} (players 1..5): convex (non-negative dividends). By hand: M = (5, 7, 7, 5, 5),
    # m = 0, lambda = 12 / 29, tau = (60, 84, 84, 60, 60) / 29, and {2, 3} gets 168/29 < 7 = v({2, 3}).
    values = np.array([7.0 * (mask & 0b00110 == 0b00110) + 5.0 * (mask & 0b11001 == 0b11001) for mask in range(32)])
    x = tau_value(TUGame(values)).allocation
    np.testing.assert_allclose(x, np.array([60, 84, 84, 60, 60]) / 29, rtol=1e-14)
    assert not in_core(values, x, 1e-9)
    assert not coopgame.core(TUGame(values)).contains(x)


@pytest.mark.parametrize("seed", range(6))
def test_core_lies_in_the_box_between_minimal_rights_and_utopia(seed: int) -> None:
    # any core point x has m <= x <= M (Tijs & Lipperts 1982): check it on the marginal vectors of convex games,
    # which are core points
    values = random_convex_game(5, rng=seed).values
    order = np.random.default_rng(seed).permutation(5)
    x, mask = np.zeros(5), 0
    for i in order:
        x[i] = values[mask | (1 << i)] - values[mask]
        mask |= 1 << i
    utopia, rights = utopia_and_minimal_rights(values)
    assert np.all(rights <= x + 1e-12) and np.all(x <= utopia + 1e-12)


@pytest.mark.parametrize("factor", [1e-300, 1e-6, 2.5, 1e6, 1e300])
def test_strategic_equivalence_and_rescaling(factor: float) -> None:
    values = random_convex_game(4, rng=11).values
    base = tau_value(TUGame(values)).allocation
    shift = np.array([1.0, -2.0, 0.5, 3.0]) * factor
    additive = np.array([sum(shift[i] for i in range(4) if mask >> i & 1) for mask in range(16)])
    r = tau_value(TUGame(values * factor + additive))
    np.testing.assert_allclose(r.allocation, base * factor + shift, rtol=1e-12)
    assert abs(r.efficiency_gap) <= 1e-12 * factor * np.max(np.abs(values))


def test_dummy_gets_its_own_worth() -> None:
    base = convex_by_dividends(3, np.random.default_rng(2))
    values = np.array([base[mask & 0b111] + 1.5 * (mask >> 3 & 1) for mask in range(16)])
    r = tau_value(TUGame(values))
    assert r.allocation[3] == pytest.approx(1.5, abs=1e-14)


def test_point_segment_when_utopia_equals_minimal_rights() -> None:
    r = tau_value(TUGame([0, 1.0, 2.0, 3.0]))   # additive game: M = m = (1, 2)
    assert r.allocation.tolist() == [1.0, 2.0] and r.compromise_weight == 0.0


# ------------------------------------------------------------------------------------------ refusals
@pytest.mark.parametrize(("values", "reason"), [
    # majority of three: M = 0 but v(N) = 1
    ([0, 0, 0, 1, 0, 1, 1, 1], r"v\(N\) = 1 > 0, the sum of the utopia payoffs"),
    # v(1) = 3 > v(12) = 1: M = (1, -2), m = (3, 0)
    ([0, 3, 0, 1], r"minimal rights exceed utopia payoffs for 2 player\(s\) \('1': m=3 > M=1, '2': m=0 > M=-2\)"),
    # m <= M but the minimal rights (1, 4, 1) add up to 6 > v(N) = 5
    ([0, 1, 4, 3, 1, 1, 4, 5], r"the minimal rights add up to 6 > v\(N\) = 5"),
])
def test_not_quasi_balanced_is_refused_and_says_why(values: list[float], reason: str) -> None:
    with pytest.raises(NotQuasiBalancedError, match=r"^tau_value\(\): the game is not quasi-balanced .*" + reason):
        tau_value(TUGame(values))
    with pytest.raises(InvalidGameError):   # the typed error is a game error (and a ValueError)
        tau_value(TUGame([v * 1e9 for v in values]))


def test_rounding_does_not_refuse_a_balanced_game() -> None:
    # glove game with v(N) short by eps: exactly, m_1 = 1 + eps > M_1 = 1 - eps; within the relative tolerance
    # (1e-9 of the largest |v(S)|) that is rounding, and tau is m; a real shortfall (1e-3) is refused
    for eps, refused in ((1e-13, False), (1e-3, True)):
        values = np.array([0, 0, 0, 1, 0, 1, 0, 1.0 - eps])
        for factor in (1.0, 1e-7, 1e7):
            if refused:
                with pytest.raises(NotQuasiBalancedError, match="minimal rights exceed utopia payoffs"):
                    tau_value(TUGame(values * factor))
            else:
                r = tau_value(TUGame(values * factor))
                np.testing.assert_allclose(r.allocation / factor, [1.0, 0.0, 0.0], atol=1e-12)


def test_bad_tol_and_not_a_game() -> None:
    with pytest.raises(InvalidParameterError, match=r"^tau_value\(\): tol"):
        tau_value(TUGame([0, 1, 1, 3]), tol=-1.0)
    with pytest.raises(InvalidGameError, match=r"^tau_value\(\): game must be"):
        tau_value(np.array([0, 1, 1, 3]))  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------ result
def test_result_family_cost_shares_and_pickling() -> None:
    g = StructuredGame.from_costs(AirportCost([8, 11, 13, 18]), players=["a", "b", "c", "d"])
    r = tau_value(g)
    assert isinstance(r, TauResult) and isinstance(r, AllocationResult)
    assert r.concept == "tau" and r.game is g and r.parameters == {"tol": 1e-9}
    tau, _, _ = brute_force_tau(g.to_tu().values)
    np.testing.assert_allclose(r.allocation, [float(t) for t in tau], atol=1e-12)
    np.testing.assert_allclose(r.cost_shares, [8, 11, 13, 18] - r.allocation)
    assert r.cost_shares.sum() == pytest.approx(18.0)
    d = r.to_dict()
    assert d["result"] == "TauResult" and len(d["utopia"]) == 4 and "compromise_weight" in d
    text = str(r)
    assert "minimal right" in text and "utopia" in text and "lambda" in text
    assert len(repr(r)) <= 160 and repr(r).startswith("TauResult(concept='tau'")
    back = pickle.loads(pickle.dumps(r))
    assert back.allocation.tolist() == r.allocation.tolist() and back.minimal_rights.tolist() == r.minimal_rights.tolist()
    with pytest.raises(ValueError):
        r.utopia[0] = 1.0

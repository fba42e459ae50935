"""Self-enforcing transfers (DESIGN §2.1, issue 11 item 3).

The reference is independent of the package's kernels: every deviation of
every city (each non-empty set of issues it drops, the others cooperating)
enumerated with ``NCityGame.payoffs`` on explicit profiles; the alpha game by
enumerating every ``T ⊆ S`` per issue; the minimal subsidy by an explicit
``linprog``; the transfers closest to the reference by a generic QP solver
(SLSQP) and by the KKT conditions; the core test by an explicit LP.
"""

from __future__ import annotations

import functools
import itertools
import json

import numpy as np
import pytest
from scipy.optimize import linprog, minimize

import coopgame
from coopgame import NCityGame, PairwiseGame, TUGame
from coopgame.errors import GameTooLargeError, InvalidGameError, InvalidParameterError, UnknownMethodError
from coopgame.policy.transfers import has_alpha_game, needs_reference, package_bounds, project_capped_simplex
from coopgame.results import REPR_MAX

from .test_outside_options import random_game


# ---------------------------------------------------------------------------------------------- references
def _profile(game: NCityGame, layer_masks) -> np.ndarray:
    p = np.array([list(layer_masks)], dtype=np.int64)
    return p if game.n_layers > 1 else p[:, 0]


def brute_bounds(game: NCityGame) -> np.ndarray:
    """L_i = max over non-empty issue sets D of ũ_i(i drops D, all else cooperate) − ũ_i(1_N)."""
    n, k = game.n_players, game.n_layers
    full = 2**n - 1
    base = game.payoffs(_profile(game, [full] * k), perceived=True)[0]
    out = np.full(n, -np.inf)
    for i in range(n):
        for drop in itertools.product((0, 1), repeat=k):
            if not any(drop):
                continue
            masks = [full ^ (1 << i) if d else full for d in drop]
            out[i] = max(out[i], game.payoffs(_profile(game, masks), perceived=True)[0, i] - base[i])
    return out


def brute_alpha(game: NCityGame) -> TUGame:
    """v(S) = Σ_issues max_{T ⊆ S} Σ_{i∈S} u_i(1_T), outsiders protecting: every T ⊆ S enumerated."""
    n = game.n_players
    values = np.zeros(2**n)
    for k in range(game.n_layers):
        layer = game if game.n_layers == 1 else game.layer(k)
        u = layer.payoffs(np.arange(2**n, dtype=np.int64))  # (2**n, n), true payoffs
        for s in range(1, 2**n):
            members = [i for i in range(n) if s >> i & 1]
            best = -np.inf
            t = s
            while True:  # every submask T of S, including the empty one
                best = max(best, u[t, members].sum())
                if t == 0:
                    break
                t = (t - 1) & s
            values[s] += best
    return TUGame(values, players=game.players)


def lp_min_subsidy(lower: np.ndarray) -> float:
    """Z* by an explicit LP: min Σ t s.t. t >= L, Σ t >= 0."""
    n = lower.size
    res = linprog(np.ones(n), A_ub=-np.ones((1, n)), b_ub=[0.0], bounds=list(zip(lower, [None] * n)),
                  method="highs")
    assert res.status == 0
    return float(res.fun)


def qp_closest(r: np.ndarray, lower: np.ndarray, total: float) -> np.ndarray:
    """argmin ||t − r||² s.t. Σ t = total, t >= lower, by a generic solver."""
    x0 = lower + (total - lower.sum()) / lower.size
    res = minimize(lambda t: 0.5 * np.sum((t - r) ** 2), x0, jac=lambda t: t - r, method="SLSQP",
                   bounds=list(zip(lower, [None] * lower.size)),
                   constraints=[{"type": "eq", "fun": lambda t: t.sum() - total, "jac": lambda t: np.ones_like(t)}],
                   options={"ftol": 1e-14, "maxiter": 500})
    assert res.success, res.message
    return res.x


def assert_kkt(t: np.ndarray, r: np.ndarray, lower: np.ndarray, total: float, atol: float) -> None:
    """Optimality of the projection: t − r = −λ + μ, μ >= 0, μ_i (t_i − L_i) = 0, Σ t = total."""
    assert abs(t.sum() - total) <= atol
    assert np.all(t >= lower - atol)
    free = t > lower + atol
    if free.any():
        lam = float(np.mean((r - t)[free]))
        np.testing.assert_allclose((r - t)[free], lam, atol=atol)
        assert np.all((t - r)[~free] + lam >= -atol)  # μ = t − r + λ >= 0 where bound


def core_lp(v: TUGame, sq: np.ndarray, lower: np.ndarray) -> float:
    """Least Z with some t: Σ t = Z, Z >= 0, t >= L, Σ_{i∈S} (sq_i + t_i) >= v(S) for all S ⊊ N (variables t, Z)."""
    n = v.n_players
    rows, rhs = [], []
    for s in range(1, 2**n - 1):
        member = np.array([s >> i & 1 for i in range(n)], dtype=float)
        rows.append(np.append(-member, 0.0))
        rhs.append(-(v.values[s] - member @ sq))
    a_eq = np.append(np.ones(n), -1.0)[None, :]
    res = linprog(np.append(np.zeros(n), 1.0), A_ub=np.array(rows) if rows else None, b_ub=rhs or None,
                  A_eq=a_eq, b_eq=[0.0], bounds=[*zip(lower, [None] * n), (0, None)], method="highs")
    assert res.status == 0
    return float(res.fun)


# ---------------------------------------------------------------------------------------------- brute force
@pytest.mark.parametrize("seed", range(20))
def test_transfers_equal_the_independent_reference(seed):
    rng = np.random.default_rng(100 + seed)
    n, k = int(rng.integers(2, 9)), int(rng.integers(1, 4))
    game = random_game(rng, n, k)
    tu = brute_alpha(game)
    res = coopgame.self_enforcing_transfers(game, tu=tu)
    scale = max(1.0, float(np.max(np.abs(res.status_quo))), float(np.max(np.abs(res.lower_bounds))))
    atol = 1e-7 * scale
    lower = brute_bounds(game)
    np.testing.assert_allclose(res.lower_bounds, lower, atol=1e-10 * scale)
    z = max(0.0, lp_min_subsidy(lower))
    assert res.subsidy == pytest.approx(z, abs=1e-9 * scale)
    sq = game.status_quo()
    r = coopgame.shapley_value(tu).allocation - sq
    np.testing.assert_allclose(res.reference_transfers, r, atol=1e-10 * scale)
    np.testing.assert_allclose(res.transfers, qp_closest(r, lower, z), atol=1e-5 * scale)
    assert_kkt(res.transfers, r, lower, z, atol)
    np.testing.assert_allclose(res.allocation, sq + res.transfers, atol=1e-12 * scale)
    # the core test: the least subsidy for self-enforcing and core, by an explicit LP
    z_core = core_lp(tu, sq, lower)
    assert res.core_subsidy == pytest.approx(max(z, z_core), abs=atol)
    assert res.in_core == (z_core <= z + atol)
    excess = max((tu.values[s] - sum(res.allocation[i] for i in range(n) if s >> i & 1)
                  for s in range(1, 2**n - 1)), default=0.0)
    assert res.max_core_excess == pytest.approx(excess, abs=atol)
    t_core = res.core_transfers
    assert t_core.sum() == pytest.approx(res.core_subsidy, abs=atol) and np.all(t_core >= lower - atol)
    # per issue: each layer on its own
    d = np.stack([brute_bounds(game.layer(j)) if k > 1 else lower for j in range(k)])
    np.testing.assert_allclose(res.lower_bounds_by_issue, d, atol=1e-10 * scale)
    np.testing.assert_allclose(res.subsidy_by_issue, np.maximum(0.0, d.sum(axis=1)), atol=1e-10 * scale)
    np.testing.assert_allclose(res.transfers_by_issue.sum(axis=1), res.subsidy_by_issue, atol=atol)
    assert np.all(res.margins_by_issue >= 0)


@pytest.mark.parametrize("seed", range(4))
def test_the_alpha_game_of_the_model_gives_the_same_answer_as_the_reference(seed):
    rng = np.random.default_rng(300 + seed)
    game = random_game(rng, 5, 2)
    if not has_alpha_game(game):
        pytest.skip("NCityGame.tu_game(convention='alpha') is not available")
    a = coopgame.self_enforcing_transfers(game)
    b = coopgame.self_enforcing_transfers(game, tu=brute_alpha(game))
    np.testing.assert_allclose(a.transfers, b.transfers, atol=1e-8)
    np.testing.assert_allclose(a.transfers_by_issue, b.transfers_by_issue, atol=1e-8)
    assert a.in_core == b.in_core


# ---------------------------------------------------------------------------------------------- worked examples
def test_hand_worked_three_cities():
    # Cities A, B, C, one issue; cost c = (1, 5, 6); synergy s_ij = 2 for every pair; perception β_C = 1.5.
    game = NCityGame(cost=[1.0, 5.0, 6.0], synergy=2.0 * (1 - np.eye(3)), perception=[1.0, 1.0, 1.5],
                     players=["A", "B", "C"])
    # true status quo u_i(1_N) = −c_i + 2 + 2 = (3, −1, −2); free-riding pays 0
    # perceived status quo: C's cost counts 1.5·6 = 9: (3, −1, −5)
    # least transfers L_i = 0 − ũ_i(1_N) = (−3, 1, 5): A could give up 3, B needs 1, C needs 5
    # minimal subsidy Z* = max(0, −3 + 1 + 5) = 3
    # alpha game (true payoffs): v({i}) = max(−c_i, 0) = 0; v(AB) = max(0, −1 −5 + 2·2) = 0 (A alone: −1);
    # v(AC) = max(0, −1 − 6 + 4) = 0; v(BC) = max(0, −5 − 6 + 4) = 0; v(N) = 3 − 1 − 2 = 0 (best T: none or N)
    tu = TUGame([0, 0, 0, 0, 0, 0, 0, 0], players=["A", "B", "C"])
    res = coopgame.self_enforcing_transfers(game, tu=tu)
    np.testing.assert_allclose(res.lower_bounds, [-3.0, 1.0, 5.0])
    assert res.subsidy == pytest.approx(3.0)
    # reference: Shapley of the zero game is 0, so r = 0 − (3, −1, −2) = (−3, 1, 2)
    np.testing.assert_allclose(res.reference_transfers, [-3.0, 1.0, 2.0])
    # projection onto {Σ t = 3, t >= (−3, 1, 5)}: t = max(L, r − λ); C is held at its bound 5, and
    # (−3 − λ) + (1 − λ) + 5 = 3 gives λ = 0: t = (−3, 1, 5) — every city on its bound
    np.testing.assert_allclose(res.transfers, [-3.0, 1.0, 5.0])
    np.testing.assert_allclose(res.margins, [0.0, 0.0, 0.0], atol=1e-12)
    # allocation (true): (3 − 3, −1 + 1, −2 + 5) = (0, 0, 3); every coalition worth 0: in the core
    np.testing.assert_allclose(res.allocation, [0.0, 0.0, 3.0])
    assert res.in_core and res.allocation_in_core
    assert res.recipients == ("B", "C") and res.payers == ("A",)


def test_hand_worked_three_cities_with_slack_and_a_core_conflict():
    # One issue, cost c = (1, 1, 4), synergy 2 per pair: u(1_N) = (3, 3, 0); free-ride 0; L = (−3, −3, 0).
    # Z* = max(0, −6) = 0: the cities can hold themselves together.
    game = NCityGame(cost=[1.0, 1.0, 4.0], synergy=2.0 * (1 - np.eye(3)), players=["A", "B", "C"])
    # A cooperative game where A and B together can get 7 on their own (more than their status quo 3 + 3):
    # v(AB) = 7, v(N) = 6, every other v(S) = 0.
    v = np.zeros(8)
    v[0b011] = 7.0
    v[0b111] = 6.0
    res = coopgame.self_enforcing_transfers(game, tu=TUGame(v, players=["A", "B", "C"]))
    assert res.subsidy == 0.0
    np.testing.assert_allclose(res.lower_bounds, [-3.0, -3.0, 0.0])
    # Shapley of v: A = B = (7/3 − 7/6... computed below), C gets its marginal contributions: (6 − 7)/3 = −1/3;
    # A = B = (6 + 1/3) / 2 = 19/6. Reference r = φ − u(1_N) = (1/6, 1/6, −1/3), Σ r = 0 = Z*, and r >= L except C:
    # the projection raises C to 0 and takes 1/6 from each of A, B: t = (0, 0, 0).
    np.testing.assert_allclose(res.reference_transfers, [1 / 6, 1 / 6, -1 / 3], atol=1e-12)
    np.testing.assert_allclose(res.transfers, [0.0, 0.0, 0.0], atol=1e-12)
    # in the core AB needs t_A + t_B >= 7 − 6 = 1, so t_C <= −1 < L_C = 0: impossible at Z = 0;
    # the least subsidy for both is 1 (t = (·, ·, 0) with t_A + t_B = 1).
    assert res.in_core is False and res.allocation_in_core is False
    assert res.core_subsidy == pytest.approx(1.0)
    assert res.max_core_excess == pytest.approx(1.0)
    assert res.core_transfers[:2].sum() >= 1.0 - 1e-9 and res.core_transfers[2] >= -1e-9


def test_issue_layers_package_versus_per_issue():
    # Two cities, two issues, no synergy. Issue 1: A's cost 3, B's 1; issue 2: A's cost 0 with a reward 2 (A gains 2
    # by cooperating), B's cost 4. Free-riding pays 0, so d = −(perceived gain): d_1 = (3, 1), d_2 = (−2, 4).
    game = NCityGame(cost=[[3.0, 1.0], [0.0, 4.0]], reward=[[0.0, 0.0], [2.0, 0.0]], players=["A", "B"],
                     issues=["water", "roads"])
    res = coopgame.self_enforcing_transfers(game, tu=TUGame([0, 0, 0, 0], players=["A", "B"]))
    # package: A's best deviation drops water only: L_A = 3 (not 3 − 2 = 1); L_B = 1 + 4 = 5; Z* = 8
    np.testing.assert_allclose(res.lower_bounds, [3.0, 5.0])
    assert res.subsidy == pytest.approx(8.0)
    # per issue: Z_water = 3 + 1 = 4, Z_roads = max(0, −2 + 4) = 2; 6 in all, cheaper than the package
    np.testing.assert_allclose(res.subsidy_by_issue, [4.0, 2.0])
    np.testing.assert_allclose(res.lower_bounds_by_issue, [[3.0, 1.0], [-2.0, 4.0]])


# ---------------------------------------------------------------------------------------------- n = 2: design inverses
@functools.cache
def _two_city_inverses():
    sym = coopgame.SymbolicPairwiseGame.two_city()
    return sym, coopgame.design_inverses(sym)


@pytest.mark.parametrize("seed", range(6))
def test_two_cities_agree_with_the_design_inverses(seed):
    rng = np.random.default_rng(500 + seed)
    names = ("E_A", "E_B", "L_A", "L_B", "W_A", "W_B", "F_A", "F_B")
    values = {"Delta_R": float(rng.uniform(0.5, 10)), "alpha": float(rng.uniform(0, 1)),
              "C_A": float(rng.uniform(0.1, 6)), "C_B": float(rng.uniform(0.1, 6)),
              **{name: float(rng.uniform(0, 3)) for name in names}}
    sym, inverses = _two_city_inverses()
    inverse = inverses.evaluate(values)
    res = coopgame.self_enforcing_transfers(sym.subs(values))
    # the minimal subsidy is the extra central transfer; each city's least transfer is its incentive
    # threshold less the incentive it already has (W + F)
    assert res.subsidy == pytest.approx(inverse["extra_transfer"], abs=1e-9)
    for i, p in enumerate("AB"):
        want = inverse[f"min_incentive[{p}]"] - values[f"W_{p}"] - values[f"F_{p}"]
        assert res.lower_bounds[i] == pytest.approx(want, abs=1e-9)


def test_a_two_city_game_directly_and_as_its_bimatrix_agree():
    two = NCityGame(cost=[4.0, 2.0], reward=1.0, synergy=[[0, 5], [3, 0]], spillover=[[0, 1], [0, 0]],
                    perception=[1.5, 1.0], players=["A", "B"])
    if not has_alpha_game(two) or not getattr(two.to_pairwise(), "is_perceived", False):
        pytest.skip("needs the alpha game and bimatrices carrying their true payoffs")
    a = coopgame.self_enforcing_transfers(two)
    b = coopgame.self_enforcing_transfers(two.to_pairwise())
    for name in ("transfers", "allocation", "lower_bounds", "reference_transfers", "status_quo"):
        np.testing.assert_allclose(getattr(b, name), getattr(a, name), atol=1e-12)
    assert (a.subsidy, a.in_core) == pytest.approx((b.subsidy, b.in_core))


# ---------------------------------------------------------------------------------------------- properties
@pytest.mark.parametrize("seed", range(10))
def test_transfers_sum_to_the_subsidy_and_margins_are_non_negative(seed):
    rng = np.random.default_rng(700 + seed)
    game = random_game(rng, int(rng.integers(2, 7)), int(rng.integers(1, 4)))
    for reference in ("shapley", "equal", "nucleolus"):
        res = coopgame.self_enforcing_transfers(game, tu=brute_alpha(game), reference=reference)
        assert res.transfers.sum() == pytest.approx(res.subsidy, abs=1e-9 * max(1.0, res.subsidy))
        assert np.all(res.margins >= 0) and np.all(res.margins_by_issue >= 0)
        assert res.subsidy >= 0 and np.all(res.subsidy_by_issue >= 0)
        # neither form dominates (the package must beat partial deviations; per issue, each issue is
        # balanced on its own), but both cost at least the sum of all perceived free-riding gains
        floor = max(0.0, float(res.lower_bounds_by_issue.sum()))
        assert res.subsidy_by_issue.sum() >= floor - 1e-9 and res.subsidy >= floor - 1e-9
        # at the answer, cooperating beats every deviation in perceived payoffs
        np.testing.assert_array_less(brute_bounds(game) - 1e-9, res.transfers + 1e-12)


def _scaled(game: NCityGame, factor: float) -> NCityGame:
    kw = {name: game.parameter(name) * (1.0 if name in ("deadweight", "perception") else factor)
          for name in ("base", "cost", "reward", "penalty", "spillover", "synergy", "siphon", "deadweight",
                       "perception")}
    return NCityGame(**kw, players=game.players, issues=game.issues)


@pytest.mark.parametrize("factor", [1e-6, 1e6])
@pytest.mark.parametrize("seed", range(4))
def test_rescaling_payoffs_rescales_the_answer_and_nothing_else(seed, factor):
    rng = np.random.default_rng(900 + seed)
    game = random_game(rng, 5, 2)
    big = _scaled(game, factor)
    a = coopgame.self_enforcing_transfers(game, tu=brute_alpha(game), subsidy_cap=3.0)
    b = coopgame.self_enforcing_transfers(big, tu=brute_alpha(big), subsidy_cap=3.0 * factor)
    for name in ("transfers", "allocation", "margins", "lower_bounds", "reference_transfers", "transfers_by_issue",
                 "subsidy_by_issue", "core_transfers"):
        np.testing.assert_allclose(getattr(b, name), factor * getattr(a, name), rtol=1e-7,
                                   atol=1e-9 * factor * max(1.0, float(np.max(np.abs(a.status_quo)))))
    assert b.subsidy == pytest.approx(factor * a.subsidy, rel=1e-9, abs=1e-12 * factor)
    assert b.core_subsidy == pytest.approx(factor * a.core_subsidy, rel=1e-7, abs=1e-9 * factor)
    for name in ("in_core", "allocation_in_core", "feasible", "recipients", "payers"):
        assert getattr(a, name) == getattr(b, name), name


def test_project_capped_simplex_is_vectorised_and_exact():
    rng = np.random.default_rng(3)
    r = rng.normal(size=(50, 7))
    lower = rng.normal(size=(50, 7))
    total = lower.sum(axis=1) + rng.uniform(0, 3, 50)
    t = project_capped_simplex(r, lower, total)
    for j in range(50):
        assert_kkt(t[j], r[j], lower[j], total[j], 1e-10)
    # total == Σ lower: every entry on its bound
    np.testing.assert_allclose(project_capped_simplex(r[0], lower[0], lower[0].sum()), lower[0], atol=1e-12)
    np.testing.assert_allclose(package_bounds(np.array([[1.0], [-2.0]])), [1.0])
    np.testing.assert_allclose(package_bounds(np.array([[-1.0], [-2.0]])), [-1.0])


# ---------------------------------------------------------------------------------------------- cap and errors
def test_a_cap_below_the_minimal_subsidy_is_an_answer():
    pd = PairwiseGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]])  # each gains 2 by free-riding: Z* = 4
    res = coopgame.self_enforcing_transfers(pd, subsidy_cap=2.5)
    assert res.feasible is False and res.shortfall == pytest.approx(1.5) and res.subsidy == pytest.approx(4.0)
    assert "falls short by 1.5" in res.headline()
    ok = coopgame.self_enforcing_transfers(pd, subsidy_cap=4.0)
    assert ok.feasible and ok.shortfall == 0.0
    assert "central subsidy of 4" in ok.headline()


def test_bad_input_is_a_typed_error_naming_the_argument():
    pd = PairwiseGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    for cap in (-1.0, float("nan"), "a lot", True):
        with pytest.raises(InvalidParameterError, match="subsidy_cap"):
            coopgame.self_enforcing_transfers(pd, subsidy_cap=cap)
    with pytest.raises(UnknownMethodError, match="rule"):
        coopgame.self_enforcing_transfers(pd, reference="owen")
    with pytest.raises(InvalidParameterError, match="tol"):
        coopgame.self_enforcing_transfers(pd, tol=-1.0)
    with pytest.raises(InvalidParameterError, match="tu must have one player per city"):
        coopgame.self_enforcing_transfers(pd, tu=TUGame([0, 1, 1, 1, 1, 1, 1, 3]))
    with pytest.raises(InvalidParameterError, match="tu must be"):
        coopgame.self_enforcing_transfers(pd, tu=np.zeros(4))
    with pytest.raises(InvalidGameError, match="game must be"):
        coopgame.self_enforcing_transfers(TUGame([0, 1, 1, 3]))


def test_more_than_twenty_cities_without_tu():
    # cooperating costs 1 and earns 0.1 per partner (2 in all): the cities gain together, the reference must choose
    big = NCityGame(cost=1.0, synergy=0.1 * (1 - np.eye(21)))
    if not has_alpha_game(big):
        pytest.skip("NCityGame.tu_game(convention='alpha') is not available")
    assert needs_reference(big)
    with pytest.raises(GameTooLargeError, match="pass tu="):
        coopgame.self_enforcing_transfers(big)
    # cooperating costs 3 and earns 2: each city needs 1, the centre pays 21, the transfers are unique
    costly = NCityGame(cost=3.0, synergy=0.1 * (1 - np.eye(21)))
    assert not needs_reference(costly)
    res = coopgame.self_enforcing_transfers(costly)
    np.testing.assert_allclose(res.transfers, 1.0)
    assert res.subsidy == pytest.approx(21.0) and res.reference_transfers is None and res.in_core is None
    json.dumps(res.to_dict())
    assert str(res)
    # with a cooperative game given, it runs (the core test is left out: in_core is None)
    res = coopgame.self_enforcing_transfers(big, tu=coopgame.StructuredGame(np.zeros(21), np.zeros((21, 21))))
    assert res.in_core is None and res.core_subsidy is None
    assert res.transfers.sum() == pytest.approx(res.subsidy)


def test_result_family_and_the_built_in_city_groups():
    for slug in ("guangzhou_siphon", "bth13", "chengdu_chongqing"):
        game = coopgame.load_model(slug).build().ncity
        if not has_alpha_game(game):
            pytest.skip("NCityGame.tu_game(convention='alpha') is not available")
        res = coopgame.self_enforcing_transfers(game)
        assert res.game is game and res.players == game.players
        text = repr(res)
        assert "\n" not in text and len(text) <= REPR_MAX
        json.dumps(res.to_dict())
        assert res.transfers.sum() == pytest.approx(res.subsidy, abs=1e-9 * max(1.0, res.subsidy))
        assert np.all(res.margins >= 0)
        assert "perceived" in " ".join(res.summary().columns) and "true" in " ".join(res.summary().columns)


def test_given_outside_options_and_game_are_reused_not_recomputed():
    """``outside=`` and ``tu=`` (what a report has already) give the same answer as computing them here."""
    from coopgame.policy.concepts import cooperative_form

    g = NCityGame(cost=4.0, synergy=3.0 * (1 - np.eye(3)), players=["A", "B", "C"])
    oo = coopgame.outside_options(g)
    tu = g.tu_game(convention="alpha")
    assert cooperative_form(g, tu=tu) is tu
    plain = coopgame.self_enforcing_transfers(g)
    given = coopgame.self_enforcing_transfers(g, outside=oo, tu=tu, tu_label="alpha")
    np.testing.assert_allclose(given.transfers, plain.transfers)
    assert given.in_core == plain.in_core and given.parameters == plain.parameters
    with pytest.raises(InvalidParameterError, match="outside options are for cities"):
        coopgame.self_enforcing_transfers(g, outside=coopgame.outside_options(NCityGame(cost=1.0, players=["A", "B"])))
    with pytest.raises(InvalidParameterError, match="one player per city"):
        cooperative_form(g, tu=NCityGame(cost=1.0, players=["A", "B"]).tu_game())

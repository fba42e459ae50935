"""The tripartite (centre + two local governments) evolutionary game: payoffs, Jacobians, stability table.

Expected values are derived by hand in the tests (arithmetic in the comments) and checked against
independent computations written here: the payoff matrix from the literature's formulas with plain loops,
the Jacobians from the replicator equations written symbolically in sympy, and the ESS against long
integrations from many initial states.
"""

from __future__ import annotations

import copy
import itertools
import pickle
import re

import numpy as np
import pytest
import sympy as sp

import coopgame
from coopgame.dynamics.tripartite import tripartite_stability_table
from coopgame.errors import InvalidParameterError
from coopgame.games.binary import BinaryActionGame
from coopgame.games.tripartite import TripartiteGame

# the worked case: C_g = 2, R = 0.5, P = 3, B = 6, L = 1; cities pay 4 to cooperate, earn 5 in synergy together
WORKED = dict(supervision_cost=2, reward=0.5, penalty=3, social_benefit=6, reputation_loss=1, cost=4,
              synergy=[[0, 5], [5, 0]])


def _hand_payoffs(p: dict) -> np.ndarray:
    """The payoff matrix of the literature, profile by profile (plain Python; independent of the package)."""
    n = 2
    get = lambda k, d=0.0: np.broadcast_to(np.asarray(p.get(k, d), dtype=float), (n,))  # noqa: E731
    mat = lambda k: np.asarray(p.get(k, np.zeros((n, n))), dtype=float)  # noqa: E731
    R, P, B, L = get("reward"), get("penalty"), get("social_benefit"), get("reputation_loss")
    c, b, beta = get("cost"), get("base"), get("perception", 1.0)
    e, s, f = mat("spillover"), mat("synergy"), mat("siphon")
    delta = float(p.get("deadweight", 0.0))
    Cg, G = float(p["supervision_cost"]), float(p.get("supervision_benefit", 0.0))
    table = np.zeros((8, 3))
    for mask in range(8):
        z = mask & 1
        x = [(mask >> 1) & 1, (mask >> 2) & 1]
        centre = sum(B[i] * x[i] for i in range(n))
        if z:
            centre += G - Cg + sum(-R[i] if x[i] else P[i] for i in range(n))
        else:
            centre -= sum(L[i] for i in range(n) if not x[i])
        table[mask, 0] = centre
        for i in range(n):
            j = 1 - i
            u = b[i] + e[i, j] * x[j] + (1 - delta) * f[i, j] * x[j]  # spillover and siphon gain from j
            if x[i]:
                u += -beta[i] * (c[i] + f[j, i]) + s[i, j] * x[j]
            if z:
                u += R[i] if x[i] else -P[i]
            table[mask, 1 + i] = u
    return table


def _random_parameters(rng: np.random.Generator) -> dict:
    off = 1 - np.eye(2)
    return dict(supervision_cost=rng.uniform(0, 10), supervision_benefit=rng.uniform(0, 5) * rng.integers(0, 2),
                reward=rng.uniform(0, 5, 2), penalty=rng.uniform(0, 5, 2), social_benefit=rng.uniform(0, 10, 2),
                reputation_loss=rng.uniform(0, 5, 2), cost=rng.uniform(0, 10, 2), base=rng.uniform(-3, 3, 2),
                spillover=rng.uniform(0, 4, (2, 2)) * off, synergy=rng.uniform(0, 10, (2, 2)) * off,
                siphon=rng.uniform(0, 3, (2, 2)) * off, deadweight=rng.uniform(0, 1),
                perception=rng.uniform(1, 1.5, 2))


# ---------------------------------------------------------------------------------------------- payoffs
def test_is_a_three_player_binary_action_game():
    g = TripartiteGame(**WORKED)
    assert isinstance(g, BinaryActionGame) and g.n_players == 3
    assert g.players == ("centre", "city A", "city B")
    assert g.profile_name(0b110) == "(lax, cooperate, cooperate)"


def test_worked_payoff_matrix_by_hand():
    g = TripartiteGame(**WORKED)
    # (supervise, C, C): centre 6 + 6 − 2 − 0.5 − 0.5 = 9; each city −4 + 5 + 0.5 = 1.5
    # (supervise, D, D): centre −2 + 3 + 3 = 4; each city −3.       (lax, D, D): centre −1 − 1 = −2
    # (lax, C, D): centre 6 − 1 = 5; A −4, B 0 (no spillover).      (supervise, C, D): 6 − 2 − 0.5 + 3 = 6.5
    np.testing.assert_allclose(g.payoffs(np.array([0b111, 0b001, 0b000, 0b010, 0b011])),
                               [[9, 1.5, 1.5], [4, -3, -3], [-2, 0, 0], [5, -4, 0], [6.5, -3.5, -3]])


@pytest.mark.parametrize("seed", range(20))
def test_payoff_matrix_matches_the_literature_formulas(seed):
    p = _random_parameters(np.random.default_rng(seed))
    g = TripartiteGame(**p)
    np.testing.assert_allclose(g.payoff_table, _hand_payoffs(p), rtol=1e-12, atol=1e-12)
    # the true table: perception factor 1 on the cities' own losses
    np.testing.assert_allclose(g.true_payoff_table, _hand_payoffs(dict(p, perception=1.0)), rtol=1e-12,
                               atol=1e-12)


def test_local_payoffs_are_the_ncity_game_with_supervision_as_reward_and_penalty():
    p = _random_parameters(np.random.default_rng(7))
    g = TripartiteGame(**p)
    lax, supervised = g.local_games
    masks = np.arange(4)
    np.testing.assert_allclose(g.payoff_table[2 * masks, 1:], lax.payoffs(masks, perceived=True))
    np.testing.assert_allclose(g.payoff_table[2 * masks + 1, 1:], supervised.payoffs(masks, perceived=True))
    np.testing.assert_array_equal(supervised.reward[0], p["reward"])


# ---------------------------------------------------------------------------------------------- stability
def test_worked_stability_table_by_hand():
    """Hand-derived Friedman table of the worked case.

    Centre's advantage of supervising: A0 = −2 − 0.5 (x_A + x_B) + 4 ((1 − x_A) + (1 − x_B)).
    City A's advantage of cooperating: gA = 3.5 z − 4 + 5 x_B (B symmetric). At a vertex λ_p = (1 − 2 x_p) × advantage.
    """
    rows = {  # state (z, x_A, x_B): (λ1, λ2, λ3, verdict)
        (0, 0, 0): (6, -4, -4, "saddle point"),       # A0 = −2 + 8;        gA = −4
        (1, 0, 0): (-6, -0.5, -0.5, "ESS"),           # −A0;                gA = 3.5 − 4
        (0, 1, 0): (1.5, 4, 1, "unstable point"),     # −2 − 0.5 + 4 = 1.5; −gA(x_B=0) = 4; gB(x_A=1) = 1
        (1, 1, 0): (-1.5, 0.5, 4.5, "saddle point"),  # −1.5;               −(3.5 − 4) = 0.5; 3.5 − 4 + 5
        (0, 0, 1): (1.5, 1, 4, "unstable point"),
        (1, 0, 1): (-1.5, 4.5, 0.5, "saddle point"),
        (0, 1, 1): (-3, -1, -1, "ESS"),               # A0 = −2 − 1 = −3;   −gA = −(−4 + 5)
        (1, 1, 1): (3, -4.5, -4.5, "saddle point"),   # −A0 = 3;            −(3.5 − 4 + 5)
    }
    table = tripartite_stability_table(TripartiteGame(**WORKED))
    assert table.columns == ("point", "profile", "λ1", "λ2", "λ3", "signs", "stability")
    assert len(table.rows) == 8
    for k, row in enumerate(table.rows):
        state = (k & 1, (k >> 1) & 1, (k >> 2) & 1)
        *lam, verdict = rows[state]
        assert row[0] == f"E{k + 1} ({state[0]}, {state[1]}, {state[2]})"
        assert [float(v) for v in row[2:5]] == pytest.approx(lam)
        assert row[5] == "(" + ", ".join("+" if v > 0 else "-" for v in lam) + ")"
        assert row[6] == verdict
    assert dict(table.facts)["ESS"] == "E2 (supervise, defect, defect); E7 (lax, cooperate, cooperate)"


def test_zero_eigenvalue_is_undetermined():
    # R + P = 4 = c: a city is indifferent at (supervise, D, D), so E2 is non-hyperbolic
    g = TripartiteGame(**dict(WORKED, reward=1, penalty=3))
    row = tripartite_stability_table(g).rows[1]
    assert row[5] == "(-, 0, 0)" and row[6] == "undetermined"


def _symbolic_jacobians(table: np.ndarray) -> list[np.ndarray]:
    """Jacobians at the 8 vertices from the replicator equations written in sympy from the payoff table."""
    x = sp.symbols("x0:3")
    fields = []
    for p in range(3):
        # expected payoff of action 1 and of action 0 for population p, the others mixing independently
        def prob(m: int, p: int = p) -> sp.Expr:
            return sp.Mul(*[x[r] if (m >> r) & 1 else 1 - x[r] for r in range(3) if r != p])

        others = [m for m in range(8) if not (m >> p) & 1]
        on = sum(sp.nsimplify(table[m | (1 << p), p]) * prob(m) for m in others)
        off = sum(sp.nsimplify(table[m, p]) * prob(m) for m in others)
        fields.append(sp.expand(x[p] * (1 - x[p]) * (on - off)))
    J = sp.Matrix(fields).jacobian(x)
    out = []
    for mask in range(8):
        at = {x[p]: (mask >> p) & 1 for p in range(3)}
        out.append(np.array(J.subs(at), dtype=float))
    return out


@pytest.mark.parametrize("seed", range(4))
def test_vertex_jacobians_match_sympy(seed):
    rng = np.random.default_rng(100 + seed)
    p = _random_parameters(rng)
    table = np.round(_hand_payoffs(p), 3)  # rationals for sympy; the game is built from the same table
    g = BinaryActionGame(table, players=["centre", "A", "B"])
    res = coopgame.rest_points(g)
    for mask, J in enumerate(_symbolic_jacobians(table)):
        point = res.points[mask]
        np.testing.assert_allclose(point.state, [(mask >> q) & 1 for q in range(3)])
        np.testing.assert_allclose(point.jacobian, J, atol=1e-9)
        np.testing.assert_allclose(np.sort(np.real(point.eigenvalues)), np.sort(np.diag(J)), atol=1e-9)


@pytest.mark.parametrize("seed", range(30))
def test_stability_table_eigenvalues_match_finite_differences(seed):
    p = _random_parameters(np.random.default_rng(200 + seed))
    g = TripartiteGame(**p)
    table = _hand_payoffs(p)

    def field(x: np.ndarray) -> np.ndarray:  # the replicator field written out from the payoff matrix
        out = np.zeros(3)
        for q in range(3):
            adv = 0.0
            for m in range(8):
                if (m >> q) & 1:
                    continue
                w = np.prod([x[r] if (m >> r) & 1 else 1 - x[r] for r in range(3) if r != q])
                adv += w * (table[m | (1 << q), q] - table[m, q])
            out[q] = x[q] * (1 - x[q]) * adv
        return out

    h = 1e-6
    for k, row in enumerate(tripartite_stability_table(g).rows):
        v = np.array([(k >> q) & 1 for q in range(3)], dtype=float)
        # one-sided inward differences: the vertex is on the boundary of the cube
        lam = [(field(v + h * (1 - 2 * v[q]) * np.eye(3)[q])[q]) / (h * (1 - 2 * v[q])) for q in range(3)]
        np.testing.assert_allclose([float(c) for c in row[2:5]], lam, rtol=1e-3, atol=1e-4)
        signs = ["+" if val > 0 else "-" for val in lam]
        expected = "ESS" if signs == ["-"] * 3 else "unstable point" if signs == ["+"] * 3 else "saddle point"
        if min(abs(val) for val in lam) > 1e-3:
            assert row[6] == expected


@pytest.mark.parametrize("seed", range(10))
def test_eigenvalue_formulas_evaluate_to_the_eigenvalues(seed):
    rng = np.random.default_rng(400 + seed)
    p = _random_parameters(rng)
    for zero in rng.choice(["reward", "penalty", "siphon", "supervision_benefit"], 2):  # dropped terms too
        p[zero] = np.zeros_like(np.asarray(p[zero], dtype=float))
    g = TripartiteGame(**p)
    values = {"C_g": p["supervision_cost"], "G": p["supervision_benefit"]}
    for i, me in enumerate("AB"):
        other = "BA"[i]
        values.update({f"R_{me}": p["reward"][i], f"P_{me}": p["penalty"][i], f"L_{me}": p["reputation_loss"][i],
                       f"c_{me}": p["cost"][i], f"beta_{me}": p["perception"][i],
                       f"f_{other}{me}": p["siphon"][1 - i, i], f"s_{me}{other}": p["synergy"][i, 1 - i]})
    formulas, numbers = g.eigenvalue_formulas(), tripartite_stability_table(g)
    for frow, nrow in zip(formulas.rows, numbers.rows):
        assert frow[0] == nrow[0]
        for text, value in zip(frow[1:], nrow[2:5]):
            product = re.sub(r"β_([AB]) ", r"beta_\1*", text)  # the perception factor multiplies its own costs
            expr = sp.sympify(product, locals={k: sp.Symbol(k) for k in values})
            assert float(expr.subs(values)) == pytest.approx(float(value), rel=1e-3, abs=1e-3)


def test_verdicts_do_not_depend_on_the_money_unit():
    p = _random_parameters(np.random.default_rng(3))
    scaled = {k: (np.asarray(v) * 1e6 if k not in ("deadweight", "perception") else v) for k, v in p.items()}
    a, b = tripartite_stability_table(TripartiteGame(**p)), tripartite_stability_table(TripartiteGame(**scaled))
    assert [r[5:] for r in a.rows] == [r[5:] for r in b.rows]
    np.testing.assert_allclose([[float(c) for c in r[2:5]] for r in b.rows],
                               [[float(c) * 1e6 for c in r[2:5]] for r in a.rows], rtol=1e-3)


# ---------------------------------------------------------------------------------------------- dynamics
def _dominance_solvable(rng: np.random.Generator, good: bool) -> dict:
    """Random games whose unique ESS is reached by iterated strict dominance.

    good: supervising is dominant (G > C_g + R_A + R_B) and, under supervision, cooperating is dominant
    (R_i + P_i > β_i (c_i + f_ji)): ESS (1, 1, 1). Otherwise defecting is dominant for both cities
    (β_i (c_i + f_ji) > R_i + P_i + s_ij) and then supervising pays (P + L summed > C_g): ESS (1, 0, 0).
    """
    p = _random_parameters(rng)
    R, P, c = p["reward"], p["penalty"], p["cost"]
    beta, f, s = p["perception"], p["siphon"], p["synergy"]
    own = beta * (c + f.sum(axis=0))
    if good:
        p["supervision_benefit"] = p["supervision_cost"] + R.sum() + rng.uniform(0.5, 5)
        p["penalty"] = np.maximum(P, own - R + rng.uniform(0.5, 3, 2))
    else:
        p["cost"] = c + np.maximum(0.0, (R + P + s.sum(axis=1) - own) / beta) + rng.uniform(0.5, 3, 2)
        p["supervision_benefit"] = 0.0
        p["supervision_cost"] = min(p["supervision_cost"], (p["penalty"] + p["reputation_loss"]).sum() * 0.9)
    return p


@pytest.mark.parametrize("good", [True, False])
@pytest.mark.parametrize("seed", range(3))
def test_batched_integration_ends_at_the_unique_ess(good, seed):
    rng = np.random.default_rng(300 + seed)
    g = TripartiteGame(**_dominance_solvable(rng, good))
    ess = [p.state for p in coopgame.rest_points(g).points if p.is_ess]
    target = [1.0, 1.0, 1.0] if good else [1.0, 0.0, 0.0]
    assert len(ess) == 1 and ess[0].tolist() == target
    x0 = rng.uniform(0.02, 0.98, (64, 3))
    res = coopgame.replicator_dynamics(g, x0, (0.0, 400.0))
    np.testing.assert_allclose(res.final_states, np.broadcast_to(target, (64, 3)), atol=1e-3)


def test_bistable_worked_case_splits_its_initial_states_between_the_two_ess():
    g = TripartiteGame(**WORKED)
    rng = np.random.default_rng(5)
    x0 = rng.uniform(0.02, 0.98, (64, 3))
    final = coopgame.replicator_dynamics(g, x0, (0.0, 400.0)).final_states
    at_e2 = np.all(np.abs(final - [1, 0, 0]) < 1e-3, axis=1)
    at_e7 = np.all(np.abs(final - [0, 1, 1]) < 1e-3, axis=1)
    assert np.all(at_e2 | at_e7) and at_e2.any() and at_e7.any()
    # cities that both start almost surely cooperating stay with cooperation
    assert np.all(at_e7[(x0[:, 1] > 0.9) & (x0[:, 2] > 0.9)])


# ---------------------------------------------------------------------------------------------- input, copies
@pytest.mark.parametrize("kwargs, fragment", [
    (dict(supervision_cost=-1), "supervision_cost must be a non-negative number"),
    (dict(supervision_cost=float("nan")), "supervision_cost"),
    (dict(supervision_benefit=-0.5), "supervision_benefit must be a non-negative number"),
    (dict(reward=[1, 2, 3]), "reward must be a number or one per city"),
    (dict(penalty=[-1, 0]), "penalty must be non-negative"),
    (dict(reputation_loss=[[1, 1]]), "reputation_loss"),
    (dict(players=["c", "a"]), "players must be 3 labels"),
    (dict(cost=[1, 2, 3]), "2 cities"),
])
def test_bad_input_is_refused_with_a_named_argument(kwargs, fragment):
    with pytest.raises(InvalidParameterError, match="^TripartiteGame") as err:
        TripartiteGame(**dict(WORKED, **kwargs))
    assert fragment in str(err.value)


def test_immutable_and_pickles():
    g = TripartiteGame(**WORKED, players=["central government", "Chengdu", "Chongqing"])
    with pytest.raises(AttributeError):
        g._parameters = {}
    with pytest.raises(ValueError):
        g.payoff_table[0, 0] = 1.0
    for h in (pickle.loads(pickle.dumps(g)), copy.deepcopy(g)):
        assert type(h) is TripartiteGame and h.players == g.players
        assert tripartite_stability_table(h) == tripartite_stability_table(g)
        assert not h.payoff_table.flags.writeable and not h.parameters["reward"].flags.writeable


def test_payoff_matrix_lists_the_eight_profiles():
    g = TripartiteGame(**WORKED)
    table = g.payoff_matrix()
    assert [r[0] for r in table.rows] == [g.profile_name(m) for m in range(8)]
    assert {r[0] for r in table.rows} == {"(" + ", ".join(t) + ")" for t in itertools.product(
        ("lax", "supervise"), ("defect", "cooperate"), ("defect", "cooperate"))}
    assert g.summary() == g.payoff_matrix()

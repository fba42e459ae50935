"""The Myerson value on a communication graph: published values, brute force, Myerson's axioms, bad graphs.

Expected values come from the literature or from an independent computation
written here: components found by a breadth-first search per coalition and
the Shapley value by enumerating every order of arrival (n <= 6).
"""

from __future__ import annotations

import itertools
import json
import math
from collections import deque

import numpy as np
import pytest

from coopgame import StructuredGame, TUGame, shapley_value
from coopgame.cooperative.myerson import MAX_MYERSON_PLAYERS, graph_restricted_game, myerson_value
from coopgame.errors import GameTooLargeError, InvalidGameError, InvalidParameterError
from coopgame.games.structured import AirportCost


# --------------------------------------------------------------------------- independent references
def _components_bfs(members, edges):
    """Connected components of the subgraph induced by ``members`` (plain BFS over an adjacency dict)."""
    adj = {i: set() for i in members}
    for i, j in edges:
        if i in adj and j in adj:
            adj[i].add(j)
            adj[j].add(i)
    seen, out = set(), []
    for start in sorted(members):
        if start in seen:
            continue
        queue, comp = deque([start]), set()
        seen.add(start)
        while queue:
            x = queue.popleft()
            comp.add(x)
            for y in adj[x]:
                if y not in seen:
                    seen.add(y)
                    queue.append(y)
        out.append(frozenset(comp))
    return out


def _restricted_brute(values, n, edges):
    """v^g(S) = Σ v(C) over the BFS components C of S, for every coalition (a dict keyed by frozenset)."""
    def v(coalition):
        return values[sum(1 << i for i in coalition)]
    out = {}
    for size in range(n + 1):
        for members in itertools.combinations(range(n), size):
            out[frozenset(members)] = sum(v(c) for c in _components_bfs(members, edges))
    return out


def _shapley_by_orderings(worth, n):
    """Average marginal contribution over all n! orders of arrival."""
    phi = [0.0] * n
    for order in itertools.permutations(range(n)):
        before = frozenset()
        for i in order:
            phi[i] += worth[before | {i}] - worth[before]
            before = before | {i}
    return np.array(phi) / math.factorial(n)


def _random_game(rng, n):
    values = rng.normal(size=2**n)
    values[0] = 0.0
    return TUGame(values)


def _random_edges(rng, n, p):
    return [(i, j) for i in range(n) for j in range(i + 1, n) if rng.random() < p]


def _random_tree(rng, n):
    return [(int(rng.integers(0, k)), k) for k in range(1, n)]  # each new node links to an earlier one


def _unanimity(n, members):
    t = sum(1 << i for i in members)
    return TUGame([1.0 if (m & t) == t else 0.0 for m in range(2**n)])


def _tree_hull(members, edges, n):
    """Smallest subtree containing ``members``: x is in it iff x is a member or removing x separates two members."""
    hull = set(members)
    for x in set(range(n)) - hull:
        rest = [i for i in range(n) if i != x]
        pieces = _components_bfs(rest, [e for e in edges if x not in e])
        if sum(1 for c in pieces if c & set(members)) > 1:
            hull.add(x)
    return hull


MAJORITY_3 = TUGame([0, 0, 0, 1, 0, 1, 1, 1])
LINE_3 = [("1", "2"), ("2", "3")]


# --------------------------------------------------------------------------- published values
def test_majority_game_on_a_line_matches_myerson_1991():
    # Myerson (1991), Game Theory: Analysis of Conflict, §9.5: the three-person majority game with links
    # {1,2} and {2,3} has the fair allocation (1/6, 2/3, 1/6); the centre, through whom every majority
    # must talk, gains from 1/3 (Shapley, complete graph) to 2/3.
    r = myerson_value(MAJORITY_3, LINE_3)
    np.testing.assert_allclose(r.allocation, [1 / 6, 2 / 3, 1 / 6], atol=1e-15)
    assert graph_restricted_game(MAJORITY_3, LINE_3).value(["1", "3"]) == 0.0


def test_majority_game_with_one_link_matches_myerson_1977():
    # Myerson (1977), Math. Oper. Res. 2(3), 225-229, derived from its two axioms: with the single link {1,2}
    # the isolated player 3 gets v({3}) = 0 (component efficiency), and removing the link takes both ends
    # to 0 by the same amount (fairness), so 1 and 2 split v({1,2}) = 1 equally: (1/2, 1/2, 0).
    r = myerson_value(MAJORITY_3, [("1", "2")])
    np.testing.assert_allclose(r.allocation, [0.5, 0.5, 0.0], atol=1e-15)


@pytest.mark.parametrize("seed", range(6))
def test_unanimity_games_on_trees_follow_owen_1986(seed):
    # Owen (1986), "Values of graph-restricted games", SIAM J. Algebraic Discrete Methods 7(2), 210-220:
    # on a tree, u_T restricts to u_H with H the smallest subtree containing T; its members share 1 equally.
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 8))
    edges = _random_tree(rng, n)
    members = sorted(rng.choice(n, size=int(rng.integers(1, n + 1)), replace=False).tolist())
    hull = _tree_hull(members, edges, n)
    expected = np.array([1 / len(hull) if i in hull else 0.0 for i in range(n)])
    np.testing.assert_allclose(myerson_value(_unanimity(n, members), edges).allocation, expected, atol=1e-12)


# --------------------------------------------------------------------------- brute force
@pytest.mark.parametrize("seed", range(12))
def test_matches_bfs_components_and_shapley_by_orderings(seed):
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(1, 7))
    game = _random_game(rng, n)
    edges = _random_edges(rng, n, p=float(rng.uniform(0.1, 0.8)))
    worth = _restricted_brute(game.values, n, edges)
    restricted = graph_restricted_game(game, edges)
    expected_values = [worth[frozenset(i for i in range(n) if (m >> i) & 1)] for m in range(2**n)]
    np.testing.assert_allclose(restricted.values, expected_values, rtol=0, atol=1e-12)
    np.testing.assert_allclose(myerson_value(game, edges).allocation, _shapley_by_orderings(worth, n),
                               rtol=0, atol=1e-12)


def test_path_graph_needs_every_growth_round():
    # the component of player 0 in the full path 0-1-...-n-1 grows one player per round
    n = 10
    game = _random_game(np.random.default_rng(7), n)
    edges = [(i, i + 1) for i in range(n - 1)]
    worth = _restricted_brute(game.values, n, edges)
    np.testing.assert_allclose(graph_restricted_game(game, edges).values,
                               [worth[frozenset(i for i in range(n) if (m >> i) & 1)] for m in range(2**n)],
                               atol=1e-12)


# --------------------------------------------------------------------------- Myerson's properties
@pytest.mark.parametrize("seed", range(4))
def test_complete_graph_gives_shapley(seed):
    rng = np.random.default_rng(seed)
    n = 5
    game = _random_game(rng, n)
    complete = [(i, j) for i in range(n) for j in range(i + 1, n)]
    assert graph_restricted_game(game, complete) == game
    np.testing.assert_allclose(myerson_value(game, complete).allocation, shapley_value(game).allocation, atol=1e-13)


def test_empty_graph_gives_stand_alone_worths():
    game = _random_game(np.random.default_rng(3), 5)
    for empty in ([], np.zeros((5, 5), dtype=bool), np.zeros((0, 2), dtype=int)):
        r = myerson_value(game, empty)
        np.testing.assert_allclose(r.allocation, game.singleton_values, atol=1e-14)
        assert r.parameters["edges"] == ()
        assert len(r.parameters["components"]) == 5


@pytest.mark.parametrize("seed", range(6))
def test_fairness_removing_a_link_hurts_both_ends_equally(seed):
    # Myerson (1977), the fairness axiom: φ_i(g) − φ_i(g − ij) = φ_j(g) − φ_j(g − ij)
    rng = np.random.default_rng(200 + seed)
    n = 6
    game = _random_game(rng, n)
    edges = _random_edges(rng, n, p=0.6) or [(0, 1)]
    phi = myerson_value(game, edges).allocation
    for k, (i, j) in enumerate(edges):
        without = myerson_value(game, edges[:k] + edges[k + 1:]).allocation
        assert phi[i] - without[i] == pytest.approx(phi[j] - without[j], abs=1e-12)
        if not np.allclose(phi, without, atol=1e-9):  # the link matters to someone: the test has teeth
            assert abs(phi[i] - without[i]) > 1e-12


@pytest.mark.parametrize("seed", range(6))
def test_component_efficiency(seed):
    rng = np.random.default_rng(300 + seed)
    n = 6
    game = _random_game(rng, n)
    edges = _random_edges(rng, n, p=0.3)
    r = myerson_value(game, edges)
    components = _components_bfs(range(n), edges)
    assert len(r.parameters["components"]) == len(components)
    for comp in components:
        assert r.allocation[sorted(comp)].sum() == pytest.approx(game.value(sorted(comp)), abs=1e-12)
    lost = sum(game.value(sorted(c)) for c in components) - game.grand_value
    assert r.efficiency_gap == pytest.approx(lost, abs=1e-12)


def test_connected_graph_is_efficient_for_the_original_game():
    game = _random_game(np.random.default_rng(9), 6)
    r = myerson_value(game, _random_tree(np.random.default_rng(9), 6))
    assert abs(r.efficiency_gap) < 1e-12
    assert r.allocation.sum() == pytest.approx(game.grand_value, abs=1e-12)


@pytest.mark.parametrize("factor", [1e8, 1e-6, 3.0])
def test_rescaling_payoffs_rescales_the_value(factor):
    rng = np.random.default_rng(11)
    game = _random_game(rng, 6)
    edges = _random_edges(rng, 6, p=0.5)
    base = myerson_value(game, edges).allocation
    scaled = myerson_value(TUGame(game.values * factor), edges).allocation
    np.testing.assert_allclose(scaled / factor, base, rtol=1e-12, atol=1e-12 * np.abs(base).max())


# --------------------------------------------------------------------------- forms of the graph and the game
def test_every_graph_form_gives_the_same_answer():
    game = TUGame(_random_game(np.random.default_rng(5), 4).values, players=["A", "B", "C", "D"])
    adjacency = np.array([[0, 1, 0, 0], [1, 0, 1, 1], [0, 1, 0, 0], [0, 1, 0, 0]])
    forms = [
        [("A", "B"), ("B", "C"), ("B", "D")],
        [(0, 1), (1, 2), (1, 3)],
        [("B", "A"), ("C", "B"), (3, "B"), ("A", "B")],  # reversed, mixed, repeated
        {frozenset({"A", "B"}), frozenset({"B", "C"}), frozenset({"B", "D"})},
        np.array([[0, 1], [1, 2], [1, 3]]),
        adjacency,
        adjacency.astype(bool),
        adjacency.astype(float).tolist(),
    ]
    expected = myerson_value(game, forms[0])
    assert expected.parameters["edges"] == (("A", "B"), ("B", "C"), ("B", "D"))
    for form in forms[1:]:
        r = myerson_value(game, form)
        np.testing.assert_array_equal(r.allocation, expected.allocation)
        assert r.parameters["edges"] == expected.parameters["edges"]


def test_structured_game_is_expanded():
    game = StructuredGame([1.0, 2.0, 0.5, 1.5], [[0, 2, 0, 1], [2, 0, 1, 0], [0, 1, 0, 3], [1, 0, 3, 0.0]])
    edges = [(0, 1), (2, 3)]
    np.testing.assert_allclose(myerson_value(game, edges).allocation,
                               myerson_value(game.to_tu(), edges).allocation, atol=1e-13)


def test_cost_game_gives_cost_shares():
    # airport game: the restricted cost serves each component on its own, C^g(S) = Σ_C max_{i∈C} c_i
    costs = [1.0, 2.0, 4.0]
    dense = TUGame.from_costs([0] + [max(costs[i] for i in range(3) if (m >> i) & 1) for m in range(1, 8)])
    structured = StructuredGame.from_costs(AirportCost(costs))
    for game in (dense, structured):
        restricted = graph_restricted_game(game, [(0, 1)])
        assert restricted.is_cost_game
        assert restricted.total_cost == pytest.approx(2.0 + 4.0)
        r = myerson_value(game, [(0, 1)])
        np.testing.assert_allclose(r.cost_shares, np.array(costs) - r.allocation)
        np.testing.assert_allclose(r.cost_shares, [0.5, 1.5, 4.0], atol=1e-13)  # {0,1} splits 2 Shapley-wise


def test_result_reports_and_serialises():
    r = myerson_value(MAJORITY_3, LINE_3)
    assert r.concept == "myerson" and r.method == "exact"
    assert r.game is MAJORITY_3
    data = json.loads(json.dumps(r.to_dict()))
    assert data["parameters"]["edges"] == [["1", "2"], ["2", "3"]]
    assert "Myerson allocation" in str(r)
    assert r["2"] == pytest.approx(2 / 3)


def test_single_player():
    r = myerson_value(TUGame([0.0, 2.5]), [])
    assert r.allocation.tolist() == [2.5]


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("graph, words", [
    ([("1", "9")], "unknown player '9'"),
    ([(0, 3)], "unknown player 3"),
    ([(True, 1)], "unknown player True"),
    ([(0.0, 1)], "unknown player 0.0"),
    ([("1", "1")], "self-loop"),
    ([("1", "2", "3")], "must be a pair"),
    (["12"], "must be a pair"),
    ([5], "must be a pair"),
    ("12", "edge list"),
    (None, "edge list"),
    ({"1": ["2"]}, "edge list"),
    (np.eye(3, dtype=int), "zero diagonal"),
    (np.array([[0, 1, 0], [0, 0, 1], [0, 1, 0]]), "symmetric"),
    (np.array([[0, 2, 0], [2, 0, 0], [0, 0, 0]]), "only 0/1"),
    (np.full((3, 3), np.nan), "only 0/1"),
    (np.zeros((4, 4)), "shape"),
    (np.zeros((3, 3, 3)), "shape"),
    (np.array([["a", "b", "c"]] * 3), "0/1 or booleans"),
])
def test_bad_graphs_are_refused(graph, words):
    with pytest.raises(InvalidParameterError, match=r"^myerson_value\(\): graph") as info:
        myerson_value(MAJORITY_3, graph)
    assert words in str(info.value)


def test_bad_game_and_too_many_players_are_refused():
    with pytest.raises(InvalidGameError, match=r"^graph_restricted_game\(\): game must be"):
        graph_restricted_game([0, 1, 1, 1], [(0, 1)])
    big = StructuredGame(np.ones(MAX_MYERSON_PLAYERS + 1))
    with pytest.raises(GameTooLargeError, match=r"^myerson_value\(\): .*at most 22 players, got 23"):
        myerson_value(big, [(0, 1)])

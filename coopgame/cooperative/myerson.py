"""The Myerson value of a TU game on a communication graph (Myerson 1977).

Players can cooperate only along the links of an undirected graph (roads,
rail links, a planning conference's standing committees). A coalition ``S``
that the graph splits into connected pieces ``C_1, ..., C_k`` can only realise
what each piece realises on its own, so the *graph-restricted game* is

    v^g(S) = Σ_{C component of S in g} v(C),

and the Myerson value is the Shapley value of ``v^g``. It is the unique rule
that is component efficient (each connected component of the graph shares its
own worth) and *fair*: removing a link changes the values of its two
endpoints by the same amount (Myerson 1977).

The components of all ``2**n`` coalitions are found at once, vectorised over
the mask array: for every mask, the component of its lowest member grows by
``reach |= N(reach) & S`` (``N`` the neighbourhood of a set, read from a
table built by doubling over players) until it stops growing; peeling that
component off leaves a smaller mask whose restricted worth the same table
gives, so the sum over components is a short walk (one gather per component).
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from coopgame._bitmask import additive_values, member_labels
from coopgame._memory import ensure_dense_fits
from coopgame.cooperative._dispatch import allocation_result
from coopgame.cooperative.shapley import shapley_value
from coopgame.errors import GameTooLargeError, InvalidGameError, InvalidParameterError
from coopgame.games.function_game import ValueFunctionGame
from coopgame.games.structured import StructuredGame
from coopgame.games.tu import TUGame
from coopgame.results import AllocationResult

__all__ = ["graph_restricted_game", "myerson_value", "MAX_MYERSON_PLAYERS"]

MAX_MYERSON_PLAYERS: int = 22
"""Largest number of players for the graph-restricted game: its component table holds a handful of
``2**n`` integer arrays (about 250 MiB at 22 players, 1 GiB at 24)."""

_PEAK_ARRAYS = 9  # masks, neighbour table, reach, grown, walk position, component, sum, the sealed copy, game


def graph_restricted_game(game: TUGame | StructuredGame, graph: Any) -> TUGame:
    """The game ``v^g(S) = Σ v(C)`` over the connected components ``C`` of ``S`` in a communication graph.

    Parameters
    ----------
    game : TUGame, StructuredGame or ValueFunctionGame
        The game without communication constraints (a structured or
        value-function game is evaluated densely first).
    graph : sequence of pairs, or array_like of shape (n, n)
        Who can talk to whom, undirected: either an edge list of pairs of
        players (labels such as ``("A", "B")`` or 0-based indices such as
        ``(0, 1)``; repeated edges count once), or a symmetric 0/1 (or
        boolean) adjacency matrix with a zero diagonal. A numeric array of
        shape ``(n, n)`` is always read as an adjacency matrix.

    Returns
    -------
    TUGame
        The graph-restricted game, with the same players. For a game built
        from costs it is the savings game of the restricted cost
        ``C^g(S) = Σ_C C(C)`` (each component served on its own), so cost
        shares carry over.

    Raises
    ------
    InvalidGameError
        If ``game`` is not a game.
    InvalidParameterError
        If ``graph`` names an unknown player, has a self-loop, an entry that
        is not a pair, or is a matrix of the wrong shape, not symmetric or
        not 0/1.
    GameTooLargeError
        Above :data:`MAX_MYERSON_PLAYERS` players, or when the tables would
        not fit in memory (refused before allocating).

    Examples
    --------
    Three-player majority game on the line 1 - 2 - 3: players 1 and 3 cannot
    form a majority without 2.

    >>> g = TUGame([0, 0, 0, 1, 0, 1, 1, 1])
    >>> graph_restricted_game(g, [("1", "2"), ("2", "3")]).values.tolist()
    [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0]
    """
    return _restricted(game, graph, func="graph_restricted_game")[0]


def myerson_value(game: TUGame | StructuredGame, graph: Any) -> AllocationResult:
    """The Myerson value: the Shapley value of the graph-restricted game (Myerson 1977).

    Parameters
    ----------
    game : TUGame, StructuredGame or ValueFunctionGame
        The game without communication constraints.
    graph : sequence of pairs, or array_like of shape (n, n)
        The communication graph, as in :func:`graph_restricted_game`.

    Returns
    -------
    AllocationResult
        ``concept="myerson"``, ``method="exact"``; ``parameters`` hold the
        ``edges`` (label pairs, in player order) and the graph's
        ``components`` (label tuples). ``efficiency_gap`` is
        ``Σ_i φ_i − v(N)`` of the original game: zero up to rounding when the
        graph is connected. With a disconnected graph the Myerson value is
        only *component efficient*: the members of each component share
        ``v(component)``, and the gap is ``Σ_C v(C) − v(N)``, the worth lost
        because the components cannot communicate. ``cost_shares`` for games
        built from costs.

    Raises
    ------
    InvalidGameError, InvalidParameterError, GameTooLargeError
        As :func:`graph_restricted_game`.

    See Also
    --------
    graph_restricted_game, coopgame.shapley_value

    Notes
    -----
    Properties (Myerson 1977): on the complete graph it is the Shapley value;
    on the empty graph each player gets ``v({i})``; removing the link
    ``{i, j}`` changes ``φ_i`` and ``φ_j`` by the same amount (fairness). On a
    tree, the unanimity game of ``T`` restricts to the unanimity game of the
    smallest subtree containing ``T`` (Owen 1986), whose members share it
    equally.

    Examples
    --------
    The majority game on the line 1 - 2 - 3 (Myerson 1991, §9.5): the
    middle player, through whom every majority must talk, gets 2/3.

    >>> g = TUGame([0, 0, 0, 1, 0, 1, 1, 1])
    >>> r = myerson_value(g, [("1", "2"), ("2", "3")])
    >>> r.allocation.round(4).tolist()
    [0.1667, 0.6667, 0.1667]
    >>> r.parameters["edges"], r.parameters["components"]
    ((('1', '2'), ('2', '3')), (('1', '2', '3'),))

    An adjacency matrix works too; with no links each player keeps ``v({i})``.

    >>> myerson_value(g, np.zeros((3, 3), dtype=bool)).allocation.tolist()
    [0.0, 0.0, 0.0]
    """
    func = "myerson_value"
    restricted, edges, components = _restricted(game, graph, func=func)
    phi = shapley_value(restricted, method="exact").allocation
    parameters = {"edges": edges, "components": components}
    return allocation_result(game, phi, concept="myerson", method="exact", parameters=parameters)


# ------------------------------------------------------------------------------------------- internals
def _restricted(game: Any, graph: Any, *, func: str) -> tuple[TUGame, tuple[tuple[str, str], ...],
                                                              tuple[tuple[str, ...], ...]]:
    """The restricted game, the edges as label pairs and the graph's components as label tuples."""
    if not isinstance(game, (TUGame, StructuredGame, ValueFunctionGame)):
        raise InvalidGameError(
            f"{func}(): game must be a TUGame, StructuredGame or ValueFunctionGame; got {type(game).__name__}")
    n = game.n_players
    players = game.players
    if n > MAX_MYERSON_PLAYERS:
        raise GameTooLargeError(
            f"{func}(): the graph-restricted game is dense (2**n coalitions with their components); "
            f"at most {MAX_MYERSON_PLAYERS} players, got {n}")
    adjacency = _adjacency(graph, players, func=func)
    ensure_dense_fits(n, func=func, arrays=_PEAK_ARRAYS)
    dense = game if isinstance(game, TUGame) else game.to_tu()
    components = _lowest_components(adjacency)
    values = _component_sums(dense.values, components)
    if dense.is_cost_game:
        standalone = dense.standalone_costs
        restricted = TUGame.from_costs(additive_values(standalone) - values, players)
    else:
        restricted = TUGame(values, players)
    edges = tuple((players[i], players[j]) for i, j in zip(*np.nonzero(np.triu(adjacency))))
    return restricted, edges, _graph_components(components, players)


def _adjacency(graph: Any, players: tuple[str, ...], *, func: str) -> np.ndarray:
    """A symmetric boolean (n, n) matrix with a zero diagonal from an edge list or an adjacency matrix."""
    n = len(players)
    if graph is None or isinstance(graph, (str, bytes, Mapping)) or not isinstance(graph, Iterable):
        raise InvalidParameterError(
            f"{func}(): graph must be an edge list of player pairs (e.g. [('A', 'B')]) or an n x n 0/1 "
            f"adjacency matrix; got {type(graph).__name__}")
    if isinstance(graph, np.ndarray):
        if graph.ndim == 2 and graph.shape == (n, n):
            return _from_matrix(graph, n, func=func)
        if graph.size and (graph.ndim != 2 or graph.shape[1] != 2):
            raise InvalidParameterError(
                f"{func}(): graph given as an array must be an ({n}, {n}) adjacency matrix or an (m, 2) array "
                f"of edges; got shape {graph.shape}")
        items: list[Any] = graph.tolist() if graph.size else []
    else:
        items = list(graph)
    if len(items) == n and all(_numeric_row(row, n) for row in items):
        return _from_matrix(np.array(items), n, func=func)
    index = {p: i for i, p in enumerate(players)}
    adjacency = np.zeros((n, n), dtype=bool)
    for k, edge in enumerate(items):
        if isinstance(edge, (str, bytes, Mapping)) or not isinstance(edge, Iterable):
            raise InvalidParameterError(
                f"{func}(): graph entry {k} must be a pair of players; got {edge!r}")
        ends = list(edge)
        if len(ends) != 2:
            raise InvalidParameterError(
                f"{func}(): graph entry {k} must be a pair of players; got {edge!r} ({len(ends)} items)")
        i, j = (_endpoint(e, index, n, func=func) for e in ends)
        if i == j:
            raise InvalidParameterError(
                f"{func}(): graph entry {k} is a self-loop {edge!r}; a link joins two different players")
        adjacency[i, j] = adjacency[j, i] = True
    return adjacency


def _numeric_row(row: Any, n: int) -> bool:
    """Whether ``row`` looks like a row of an adjacency matrix: n numbers (no labels)."""
    if isinstance(row, (str, bytes, Mapping)) or not isinstance(row, Iterable):
        return False
    try:
        cells = list(row)
    except TypeError:
        return False
    return len(cells) == n and all(isinstance(c, (numbers.Real, np.bool_)) for c in cells)


def _endpoint(end: Any, index: Mapping[str, int], n: int, *, func: str) -> int:
    if isinstance(end, str) and end in index:
        return index[end]
    if isinstance(end, numbers.Integral) and not isinstance(end, (bool, np.bool_)) and 0 <= int(end) < n:
        return int(end)
    raise InvalidParameterError(
        f"{func}(): graph names unknown player {end!r}; players are {list(index)} (or indices 0..{n - 1})")


def _from_matrix(matrix: ArrayLike, n: int, *, func: str) -> np.ndarray:
    m = np.asarray(matrix)
    if m.dtype.kind not in "biuf":
        raise InvalidParameterError(
            f"{func}(): graph as a matrix must hold 0/1 or booleans; got dtype {m.dtype}")
    if m.shape != (n, n):
        raise InvalidParameterError(f"{func}(): graph as a matrix must have shape ({n}, {n}); got {m.shape}")
    if not np.all((m == 0) | (m == 1)):
        bad = tuple(int(i) for i in np.argwhere(~((m == 0) | (m == 1)))[0])
        raise InvalidParameterError(
            f"{func}(): graph as a matrix must hold only 0/1 (or booleans); got {m[bad]!r} at {bad}")
    adjacency = m.astype(bool)
    if np.any(np.diag(adjacency)):
        i = int(np.flatnonzero(np.diag(adjacency))[0])
        raise InvalidParameterError(
            f"{func}(): graph as a matrix must have a zero diagonal (no self-loops); got 1 at ({i}, {i})")
    if not np.array_equal(adjacency, adjacency.T):
        i, j = (int(x) for x in np.argwhere(adjacency != adjacency.T)[0])
        raise InvalidParameterError(
            f"{func}(): graph as a matrix must be symmetric (links are undirected); "
            f"got [{i}, {j}] = {int(adjacency[i, j])} but [{j}, {i}] = {int(adjacency[j, i])}")
    return adjacency


def _lowest_components(adjacency: np.ndarray) -> np.ndarray:
    """For every mask S, the mask of the component of S's lowest member in the graph restricted to S.

    ``neighbours[T]`` (the players linked to some member of T) is built by doubling
    over players: adding player j to the sets of the first j players ORs in j's row.
    Each round then grows every mask's component at once; at most n - 1 rounds.
    """
    n = adjacency.shape[0]
    rows = (adjacency.astype(np.intp) << np.arange(n, dtype=np.intp)).sum(axis=1)  # bitmask of i's neighbours
    neighbours = np.zeros(1 << n, dtype=np.intp)
    for j in range(n):
        np.bitwise_or(neighbours[: 1 << j], rows[j], out=neighbours[1 << j: 2 << j])
    masks = np.arange(1 << n, dtype=np.intp)
    reach = masks & -masks
    grown = np.empty_like(reach)
    for _ in range(n):
        np.take(neighbours, reach, out=grown)
        grown &= masks
        grown |= reach
        if np.array_equal(grown, reach):
            break
        reach, grown = grown, reach
    return reach


def _component_sums(values: np.ndarray, components: np.ndarray) -> np.ndarray:
    """``Σ v(C)`` over the components of every mask: peel the lowest member's component off, repeat."""
    total = np.take(values, components)
    rest = np.arange(components.shape[0], dtype=np.intp)
    rest ^= components
    piece = np.empty_like(rest)
    for _ in range(components.shape[0].bit_length() - 2):  # one round per further component: at most n - 1
        if not rest.any():
            break
        np.take(components, rest, out=piece)
        total += np.take(values, piece)
        rest ^= piece
    total[0] = 0.0
    return total


def _graph_components(components: np.ndarray, players: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The connected components of the whole graph, as label tuples in player order."""
    rest = components.shape[0] - 1
    out = []
    while rest:
        piece = int(components[rest])
        out.append(member_labels(piece, players))
        rest ^= piece
    return tuple(out)

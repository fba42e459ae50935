"""The Owen value: the Shapley value of a game whose players come in a priori unions (Owen 1977).

Cities grouped by province, or by planning sub-circle, bargain first as
blocs and then inside their bloc. The Owen value averages each player's
marginal contribution over the orders of arrival *consistent with the
unions*: the unions arrive in a random order, and the members of each union
arrive one after another, in a random order, without anyone else between
them. With ``m`` unions and ``k`` the union of player ``i``:

    φ_i = Σ_{R ⊆ M∖{k}} Σ_{T ⊆ P_k∖{i}} w_m(|R|) w_{p_k}(|T|) (v(Q_R ∪ T ∪ {i}) − v(Q_R ∪ T)),

``w_q(s) = s! (q − s − 1)! / q!``, ``Q_R`` the players of the unions in ``R``.

Computed union by union: the sum over ``R`` does not depend on ``i``, so it
is taken once per union, as a game on the members of ``P_k``,
``u_k(T) = Σ_R w_m(|R|) v(Q_R ∪ T)`` (one gather of ``2**(m−1) × 2**p_k``
values and a matrix–vector product), and ``φ_i`` is the Shapley value of
``u_k`` inside the union, vectorised over the ``2**(p_k−1)`` coalitions
``T``. The work is ``Σ_k 2**(m−1+p_k) <= m 2**n`` gathered values.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from coopgame._memory import ensure_fits
from coopgame._validation import _describe
from coopgame.cooperative._dispatch import AnyGame, allocation_result, check_game, cost_term_values, dense_values
from coopgame.cooperative._structured_path import quadratic_value
from coopgame.errors import GameTooLargeError, InvalidParameterError
from coopgame.games.structured import StructuredGame
from coopgame.results import AllocationResult
from coopgame.tolerances import power_of_two_below

__all__ = ["owen_value", "MAX_OWEN_WORK"]

MAX_OWEN_WORK: int = 2**29
"""Most gathered coalition values one dense call may need (``Σ_k 2**(m−1+p_k)``, about 10 s).

All singletons (or any partition) of 24 players stays below it; 25 singletons
(``25 × 2**24``) is refused with :class:`~coopgame.errors.GameTooLargeError`
before any work.
"""

_CHUNK = 1 << 20   # gathered values per block: bounds the temporaries to ~16 MiB
_HIGH, _LOW = 2.0**900, 2.0**-900   # games beyond these magnitudes are valued at unit scale


def owen_value(game: AnyGame, unions: Sequence[Sequence[str | int]]) -> AllocationResult:
    """The Owen value: Shapley's average marginal contribution over orders that keep each union together.

    Parameters
    ----------
    game : TUGame, StructuredGame or ValueFunctionGame
        The game. A :class:`StructuredGame` without cost terms (additive +
        pairwise) is valued in closed form at any ``n`` (its Owen value is
        its Shapley value, see Notes); cost terms and the other game types
        are valued from the dense ``2**n`` values.
    unions : sequence of sequences of str or int
        A partition of the players into a priori unions (provinces,
        sub-circles), e.g. ``[["Chengdu", "Mianyang"], ["Chongqing"]]``.
        Members are player labels (``str``) or 0-based player indices
        (``int``); every player must appear in exactly one union.

    Returns
    -------
    AllocationResult
        ``concept='owen'``; ``parameters['unions']`` holds the unions as
        tuples of labels (members in player order); ``cost_shares`` for games
        built from costs.

    Raises
    ------
    InvalidParameterError
        If ``unions`` is not a partition of the players: not a sequence of
        sequences, an empty union, an unknown label or index, a player in
        two unions, or a player in none.
    InvalidGameError
        If ``game`` is not a game.
    GameTooLargeError
        If the dense computation would need more than :data:`MAX_OWEN_WORK`
        gathered values or more memory than is free (about 24 players).

    See Also
    --------
    coopgame.shapley_value : the Owen value with all-singleton (or one) unions.

    Notes
    -----
    *Efficient* and *symmetric within unions*; the sum over a union is the
    Shapley value of the quotient game (the unions as players); with all
    unions singletons, or one union of everybody, it is the Shapley value.

    *Structured games.* The Owen value is linear in ``v``. An additive term
    ``a_i`` is an inessential game: every marginal contribution of ``i`` is
    ``a_i`` whatever the order, so it pays ``a_i`` under any value. A
    pairwise term ``M_ij [i, j ∈ S]`` is ``M_ij`` times the unanimity game of
    ``T = {i, j}``, in which the Owen value pays each member of ``T``
    ``1 / (number of unions meeting T × members of T in its own union)``: if
    ``i`` and ``j`` share a union that is ``1 / (1 × 2)``, otherwise
    ``1 / (2 × 1)``: ``½`` either way, as under Shapley. So for
    ``v(S) = Σ_{i∈S} a_i + Σ_{i≠j∈S} M_ij`` the Owen value is
    ``a_i + ½ Σ_j (M_ij + M_ji)`` for every partition (the unions matter only
    through coalitions of three or more, i.e. through cost terms).

    References
    ----------
    G. Owen (1977), "Values of games with a priori unions", in R. Henn and
    O. Moeschlin (eds.), *Mathematical Economics and Game Theory*, Springer,
    76–88.

    Examples
    --------
    Majority voting among three: with 1 and 2 voting as a bloc, the bloc is a
    dictator and splits the power equally.

    >>> from coopgame import TUGame
    >>> g = TUGame([0, 0, 0, 1, 0, 1, 1, 1], players=["A", "B", "C"])
    >>> owen_value(g, [["A", "B"], ["C"]]).allocation.tolist()
    [0.5, 0.5, 0.0]
    >>> owen_value(g, [[0], [1], [2]]).allocation.round(4).tolist()   # singletons: Shapley
    [0.3333, 0.3333, 0.3333]
    """
    func = "owen_value"
    game = check_game(game, func=func)
    members = _partition(unions, game.players, func=func)
    parameters = {"unions": tuple(tuple(game.players[i] for i in union) for union in members)}
    if isinstance(game, StructuredGame):
        phi = quadratic_value(game.additive, game.pairwise)   # = the Owen value of that part (see Notes)
        paths = ["closed form (additive + pairwise: Owen = Shapley)"]
        for term in game.cost_terms:
            check_owen_work(members, func=func)
            phi = phi + owen_rows(cost_term_values(term, func=func), members)
            paths.append(f"{type(term).__name__}: exact dense")
        return allocation_result(game, phi, concept="owen", method="structured: " + "; ".join(paths),
                                 parameters=parameters)
    check_owen_work(members, func=func)
    values = dense_values(game, func=func)
    return allocation_result(game, owen_rows(values, members), concept="owen", method="exact",
                             parameters=parameters)


def owen_rows(values: np.ndarray, unions: Sequence[Sequence[int]]) -> np.ndarray:
    """Exact Owen value of the dense game ``values`` (length ``2**n``) for unions of player indices.

    Reads ``values`` only. Games whose largest ``|v(S)|`` is beyond
    ``2**±900`` are valued at unit scale (divided by a power of two, exactly)
    and multiplied back, so nothing overflows on the way.
    """
    magnitude = max(float(values.max()), -float(values.min()))
    if magnitude >= _HIGH or 0.0 < magnitude < _LOW:
        scale = float(power_of_two_below(magnitude))
        with np.errstate(over="ignore", invalid="ignore"):
            return owen_rows(values / scale, unions) * scale
    n = values.shape[0].bit_length() - 1
    m = len(unions)
    union_masks = [sum(1 << i for i in union) for union in unions]
    phi = np.zeros(n)
    for k, union in enumerate(unions):
        others = [mask for j, mask in enumerate(union_masks) if j != k]
        q_masks, q_sizes = _subset_masks(others)
        q_weights = _order_weights(m)[q_sizes]                  # w_m(|R|) for every R ⊆ M∖{k}
        t_masks, _ = _subset_masks([1 << i for i in union])     # T ⊆ P_k, local bit l = union[l]
        inner = np.zeros(t_masks.size)                          # u_k(T) = Σ_R w_m(|R|) v(Q_R ∪ T)
        step = max(1, _CHUNK // t_masks.size)
        for start in range(0, q_masks.size, step):
            block = slice(start, start + step)
            inner += q_weights[block] @ values[q_masks[block, None] | t_masks[None, :]]
        phi[list(union)] = _shapley_of_table(inner, len(union))
    return phi


def check_owen_work(unions: Sequence[Sequence[int]], *, func: str) -> int:
    """Refuse, before any work, a partition whose dense Owen value needs too many gathered values."""
    m = len(unions)
    work = sum(2 ** (m - 1 + len(union)) for union in unions)
    n = sum(len(union) for union in unions)
    if work > MAX_OWEN_WORK:
        raise GameTooLargeError(
            f"{func}(): the Owen value of {n} players in {m} unions needs about {work:.2e} coalition values "
            f"gathered (Σ_k 2**(m-1+p_k)), above the budget of {MAX_OWEN_WORK:.1e} "
            "(coopgame.cooperative.owen.MAX_OWEN_WORK, about 10 s); merge small unions, or use a "
            "StructuredGame without cost terms (exact at any n)")
    block = min(work, _CHUNK + 2 ** max(len(u) for u in unions))
    ensure_fits(block * 8 * 3.0 + 2.0 ** n * 8, func=func, what=f"the Owen value of {n} players",
                remedy="merge small unions or use fewer players")
    return work


def _subset_masks(parts: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Masks of all unions of the given disjoint ``parts`` (bit masks), and how many parts each joins.

    By doubling: the subsets of the first ``j + 1`` parts are those of the
    first ``j`` and the same with part ``j`` added (no loop over subsets).
    """
    masks = np.zeros(1, dtype=np.int64)
    sizes = np.zeros(1, dtype=np.int64)
    for part in parts:
        masks = np.concatenate((masks, masks | part))
        sizes = np.concatenate((sizes, sizes + 1))
    return masks, sizes


def _order_weights(q: int) -> np.ndarray:
    """``w_q(s) = s! (q − s − 1)! / q!`` for ``s = 0..q−1``: the share of orders of ``q`` with ``s`` before."""
    return np.array([math.factorial(s) * math.factorial(q - s - 1) / math.factorial(q) for s in range(q)])


def _shapley_of_table(table: np.ndarray, p: int) -> np.ndarray:
    """Shapley value of the game ``table`` on ``p`` local players (``table[∅]`` need not be 0)."""
    local = np.arange(table.size, dtype=np.int64)
    sizes = np.zeros(1, dtype=np.int64)
    for _ in range(p):
        sizes = np.concatenate((sizes, sizes + 1))
    weights = _order_weights(p)
    out = np.empty(p)
    for bit in range(p):
        without = local[(local >> bit) & 1 == 0]
        out[bit] = weights[sizes[without]] @ (table[without | (1 << bit)] - table[without])
    return out


def _partition(unions: Any, players: tuple[str, ...], *, func: str) -> tuple[tuple[int, ...], ...]:
    """``unions`` as tuples of player indices (members in player order), checked to be a partition."""
    n = len(players)
    if isinstance(unions, np.ndarray) and unions.ndim >= 1:
        unions = list(unions)
    if isinstance(unions, (str, bytes, set, frozenset, Mapping)) or not isinstance(unions, Sequence):
        raise InvalidParameterError(
            f"{func}(): unions must be a sequence of sequences of player labels or indices (a partition of the "
            f"players, e.g. [['A', 'B'], ['C']]); got {_describe(unions)}")
    index = {label: i for i, label in enumerate(players)}
    owner: dict[int, int] = {}
    out = []
    for k, union in enumerate(unions):
        if isinstance(union, np.ndarray) and union.ndim == 1:
            union = union.tolist()
        if isinstance(union, (str, bytes, Mapping)) or not isinstance(union, (Sequence, set, frozenset)):
            raise InvalidParameterError(
                f"{func}(): unions[{k}] must be a sequence of player labels or indices; got {_describe(union)}"
                + (f" (write [{union!r}] for a union of one)" if isinstance(union, str) else ""))
        if len(union) == 0:
            raise InvalidParameterError(f"{func}(): unions[{k}] is empty; every union needs at least one player")
        members = []
        for member in union:
            i = _player_index(member, index, n, func=func, where=f"unions[{k}]")
            if i in owner:
                where = "twice in" if owner[i] == k else f"in both unions[{owner[i]}] and"
                raise InvalidParameterError(
                    f"{func}(): unions must be a partition (every player exactly once); player {players[i]!r} "
                    f"is {where} unions[{k}]")
            owner[i] = k
            members.append(i)
        out.append(tuple(sorted(members)))
    missing = [players[i] for i in range(n) if i not in owner]
    if missing:
        raise InvalidParameterError(
            f"{func}(): unions must be a partition (every player exactly once); no union holds "
            f"{missing[:10]}{' ...' if len(missing) > 10 else ''} ({len(missing)} of {n} players)")
    return tuple(out)


def _player_index(member: Any, index: Mapping[str, int], n: int, *, func: str, where: str) -> int:
    if isinstance(member, str):
        if member not in index:
            known = list(index)
            raise InvalidParameterError(
                f"{func}(): {where} names an unknown player {member!r}; players are "
                f"{known[:10]}{' ...' if len(known) > 10 else ''}")
        return index[member]
    if isinstance(member, numbers.Integral) and not isinstance(member, (bool, np.bool_)):
        i = int(member)
        if not 0 <= i < n:
            raise InvalidParameterError(
                f"{func}(): {where} holds player index {i}, outside 0..{n - 1} (indices are 0-based)")
        return i
    raise InvalidParameterError(
        f"{func}(): {where} members must be player labels (str) or 0-based indices (int); got {_describe(member)}")

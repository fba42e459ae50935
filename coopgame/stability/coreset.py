"""The core and the least core of a TU game.

The core is the set of efficient payoff vectors that no coalition can improve
on: ``x(N) = v(N)`` and ``e(S, x) = v(S) - x(S) <= 0`` for every S. The least
core shifts every coalition's constraint by the smallest common ε that makes
the set non-empty:

    ε* = min_x max_{S ≠ ∅, N} e(S, x)   subject to x(N) = v(N).

The core is non-empty exactly when ε* <= 0 (Bondareva-Shapley, by LP
duality). ε* is the first stage of the pre-nucleolus, so both functions reuse
the constraint-generation LPs of :mod:`coopgame.stability.lexicographic`, and
the point they report -- the pre-nucleolus -- is the least core's most central
member: it lies in the core whenever the core is non-empty.

An empty core is an answer (``is_empty=True`` with ε* reported), never an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from coopgame._bitmask import popcounts
from coopgame._typing import FloatVector
from coopgame._validation import check_tol
from coopgame.games.structured import StructuredGame
from coopgame.games.tu import TUGame
from coopgame.results import Result, Summary, format_number
from coopgame.stability._common import as_allocation, as_dense_game, coalition_labels, game_scale, power_of_two
from coopgame.stability.lexicographic import NucleolusResult, nucleolus
from coopgame.tolerances import DEFAULT_TOL, LP_TOL

__all__ = ["CoreResult", "CoreViolation", "LeastCoreResult", "core", "largest_core_violation", "least_core",
           "coalition_excesses"]


@dataclass(frozen=True)
class CoreViolation:
    """The coalition with the largest excess at a payoff vector.

    Attributes
    ----------
    coalition : tuple of str
        Member labels of the worst-off coalition.
    mask : int
        Its bitmask.
    amount : float
        ``v(S) - x(S)``: how much the coalition could gain by leaving; ``<= 0``
        means no coalition objects.
    efficiency_gap : float
        ``x(N) - v(N)``.
    """

    coalition: tuple[str, ...]
    mask: int
    amount: float
    efficiency_gap: float

    def __str__(self) -> str:
        members = "{" + ", ".join(self.coalition) + "}"
        if self.amount > 0:
            return f"{members} by {format_number(self.amount)}"
        return f"none (tightest {members}, slack {format_number(-self.amount)})"


def largest_core_violation(game: TUGame | StructuredGame, allocation: ArrayLike | None = None, *,
                           cost_shares: ArrayLike | None = None) -> CoreViolation:
    """The coalition S ≠ ∅, N with the largest excess ``v(S) - x(S)`` at ``x``.

    Give ``allocation`` (payoffs) or, for a game built from costs,
    ``cost_shares``. One vectorised pass over all coalitions.

    Examples
    --------
    A split charging town 1 250 > C({1}) = 230 (as the textbook engineering split does) fails:

    >>> g = TUGame.from_costs([0, 230, 160, 350, 230, 460, 365, 556], players=["t1", "t2", "t3"])
    >>> str(largest_core_violation(g, cost_shares=[250, 110, 196]))
    '{t1} by 20'
    """
    return _largest_violation(game, allocation, cost_shares, func="largest_core_violation")


def _largest_violation(game: TUGame | StructuredGame, allocation: ArrayLike | None, cost_shares: ArrayLike | None,
                       *, func: str) -> CoreViolation:
    """:func:`largest_core_violation`, with errors naming ``func`` (the public function or method called)."""
    dense = as_dense_game(game, func=func, arrays=2)
    x = as_allocation(dense, allocation, cost_shares, func=func)
    n = dense.n_players
    values = np.asarray(dense.values)
    # Near the float maximum, x(S) and v(S) - x(S) overflow: work at a power-of-two scale (exact), report back.
    unit = power_of_two(max(game_scale(dense), float(np.max(np.abs(x), initial=0.0))))
    if unit > 1.0:
        values, x = values / unit, x / unit
    with np.errstate(over="ignore"):
        gap = float(x.sum() - values[-1]) * unit
        if n == 1:
            return CoreViolation(dense.players, 1, -np.inf, gap)
        excess = coalition_excesses(values[None, :], x[None, :])[0]
        # Coalitions whose excesses tie up to rounding (relative to the payoffs) are one answer in any unit:
        # the smallest of them, then the lowest mask, instead of whichever rounding put first.
        slack = DEFAULT_TOL * max(float(np.max(np.abs(values))), float(np.max(np.abs(x), initial=0.0)))
        tied = np.flatnonzero(excess >= excess.max() - slack)
        mask = int(tied[np.lexsort((tied, popcounts(n)[tied]))[0]])
        return CoreViolation(coalition_labels(mask, dense.players), mask, float(excess[mask]) * unit, gap)


def coalition_excesses(values: np.ndarray, allocations: np.ndarray) -> np.ndarray:
    """``e(S, x) = v(S) - x(S)`` of a stack of games at a stack of payoff vectors, ``-inf`` at ∅ and N.

    The one computation of the core test: :func:`largest_core_violation` takes its row's maximum, and an
    uncertainty analysis takes the maxima of thousands of draws at once.

    Parameters
    ----------
    values : ndarray, shape (G, 2**n)
        Coalition values in bitmask order, one game per row.
    allocations : ndarray, shape (G, n)
        One payoff vector per game.

    Returns
    -------
    ndarray, shape (G, 2**n)

    Examples
    --------
    >>> coalition_excesses(np.array([[0.0, 1, 1, 4]]), np.array([[1.5, 2.5]])).tolist()
    [[-inf, -0.5, -1.5, -inf]]
    """
    g, size = values.shape
    n = allocations.shape[1]
    if size != 1 << n or allocations.shape[0] != g:
        raise ValueError(f"coalition_excesses(): values of shape (G, 2**n) and allocations of shape (G, n) needed; "
                         f"got {values.shape} and {allocations.shape}")
    paid = np.zeros((g, size))
    for j in range(n):   # x(S) by doubling, as additive_values does for one vector
        np.add(paid[:, : 1 << j], allocations[:, j: j + 1], out=paid[:, 1 << j: 2 << j])
    excess = np.subtract(values, paid, out=paid)
    excess[:, 0] = excess[:, -1] = -np.inf
    return excess


def least_core_values(values: np.ndarray) -> np.ndarray:
    """The least-core value ``ε* = min {ε : x(N) = v(N), x(S) >= v(S) - ε for all S ≠ ∅, N}`` of a stack of games.

    One LP per game (HiGHS), without the nucleolus's later stages that :func:`least_core` and :func:`core` solve
    too: the core is empty exactly when ``ε* > 0``. What an uncertainty analysis asks of the draws where no split
    proves the core non-empty.

    Parameters
    ----------
    values : ndarray, shape (G, 2**n)
        Coalition values in bitmask order, one game per row (``n >= 2``).

    Returns
    -------
    ndarray, shape (G,)

    Examples
    --------
    The three-player majority game (ε* = 1/3, empty core) and a glove game (ε* = 0):

    >>> least_core_values(np.array([[0, 0, 0, 1, 0, 1, 1, 1], [0, 0, 0, 1, 0, 1, 0, 1]], dtype=float)).round(9).tolist()
    [0.333333333, 0.0]
    """
    from coopgame._bitmask import membership_matrix
    from coopgame.stability._lp import solve_lp

    g, size = values.shape
    n = size.bit_length() - 1
    if size != 1 << n or n < 2:
        raise ValueError(f"least_core_values(): values of shape (G, 2**n) with n >= 2 needed; got {values.shape}")
    everything = np.arange(1, size - 1, dtype=np.int64)
    sizes = popcounts(n)[everything]
    start = everything[(sizes <= 1) | (sizes >= n - 1)]          # singletons and their complements first
    a_eq = np.hstack([np.ones((1, n)), np.zeros((1, 1))])
    c = np.zeros(n + 1)
    c[n] = 1.0
    out = np.empty(g)
    for k in range(g):   # one LP per game (HiGHS has no batch), by constraint generation
        v, rows = values[k], start
        while True:
            a_ub = np.hstack([-membership_matrix(rows, n).astype(float), -np.ones((rows.size, 1))])
            sol = solve_lp(c, a_ub=a_ub, b_ub=-v[rows], a_eq=a_eq, b_eq=v[-1:], bounds=[(None, None)] * (n + 1),
                           func="least_core_values")
            x, eps = sol.x[:n], sol.objective
            excess = coalition_excesses(v[None], x[None])[0]
            worst = everything[excess[everything] > eps + 1e-12 * float(np.abs(v).max())]   # relative: unit-free
            if worst.size == 0:
                break
            rows = np.union1d(rows, worst[np.argsort(-excess[worst], kind="stable")[: 4 * n]])
        out[k] = eps
    return out


@dataclass(frozen=True, eq=False)
class LeastCoreResult(Result):
    """The least core: its value ε and a central point.

    Attributes
    ----------
    allocation : ndarray, shape (n,)
        A point of the least core: the pre-nucleolus, its most central member.
    epsilon : float
        ``min_x max_S (v(S) - x(S))`` over efficient x; ``<= 0`` iff the core is non-empty.
    players : tuple of str
    method, parameters
        How it was computed.
    core_is_empty : bool
        ``epsilon > tol`` times the payoff scale.
    tight_coalitions : tuple of tuple of str
        Coalitions whose excess equals ε at every least-core point.
    cost_shares : ndarray or None
        ``C({i}) - allocation`` for games built from costs.
    """

    allocation: FloatVector
    epsilon: float
    players: tuple[str, ...]
    method: str
    parameters: dict[str, Any] = field(default_factory=dict)
    core_is_empty: bool = False
    tight_coalitions: tuple[tuple[str, ...], ...] = ()
    cost_shares: FloatVector | None = None

    _headline = ("allocation", "epsilon", "core_is_empty", "method")

    def summary(self) -> Summary:
        """ε, core emptiness, and the central point."""
        cols = ("player", "payoff") + (("cost share",) if self.cost_shares is not None else ())
        rows = tuple((p, x) + ((self.cost_shares[i],)
                                              if self.cost_shares is not None else ())
                     for i, (p, x) in enumerate(zip(self.players, self.allocation)))
        facts = (("epsilon", self.epsilon), ("core", "empty" if self.core_is_empty else "non-empty"),
                 ("point", "pre-nucleolus"), ("method", self.method))
        notes = ("tight at epsilon: " + ", ".join("{" + ",".join(c) + "}" for c in self.tight_coalitions[:8])
                 + (" ..." if len(self.tight_coalitions) > 8 else ""),)
        return Summary("Least core", facts, cols, rows, notes)


@dataclass(frozen=True, eq=False)
class CoreResult(Result):
    """The core of a game: whether it is empty, a member, and membership tests.

    Attributes
    ----------
    is_empty : bool
        No efficient vector satisfies every coalition (``epsilon > tol``).
    epsilon : float
        The least-core value (``<= 0`` iff the core is non-empty).
    point : ndarray, shape (n,)
        The pre-nucleolus: a core member when the core is non-empty, otherwise
        the least-core point that comes closest.
    players : tuple of str
    method, parameters
        How it was computed.
    game : TUGame
        The game (not part of ``to_dict()``).

    Examples
    --------
    >>> g = TUGame.from_costs([0, 230, 160, 350, 230, 460, 365, 556], players=["t1", "t2", "t3"])
    >>> c = core(g)
    >>> c.is_empty, c.contains([19.5, 32.5, 12]), c.contains(cost_shares=[250, 110, 196])
    (False, True, False)
    """

    is_empty: bool
    epsilon: float
    point: FloatVector
    players: tuple[str, ...]
    method: str
    parameters: dict[str, Any] = field(default_factory=dict)

    def largest_violation(self, allocation: ArrayLike | None = None, *,
                          cost_shares: ArrayLike | None = None) -> CoreViolation:
        """The coalition that objects most to ``allocation`` (or to ``cost_shares``)."""
        return _largest_violation(self._game, allocation, cost_shares, func="CoreResult.largest_violation")

    def contains(self, allocation: ArrayLike | None = None, *, cost_shares: ArrayLike | None = None,
                 tol: float = DEFAULT_TOL) -> bool:
        """Whether a payoff vector (or cost-share vector) lies in the core.

        ``tol`` is relative to the game's payoff scale and applies to the
        efficiency gap and to every coalition's excess.
        """
        tol = check_tol(tol, func="CoreResult.contains")
        worst = _largest_violation(self._game, allocation, cost_shares, func="CoreResult.contains")
        slack = tol * game_scale(self._game)
        return bool(abs(worst.efficiency_gap) <= slack and worst.amount <= slack)

    @property
    def _game(self) -> TUGame:
        assert self.game is not None
        return self.game

    def summary(self) -> Summary:
        """Emptiness, ε and the reported point."""
        rows = tuple((p, x) for p, x in zip(self.players, self.point))
        facts = (("core", "EMPTY" if self.is_empty else "non-empty"), ("least-core epsilon", self.epsilon),
                 ("point", "pre-nucleolus" + ("" if not self.is_empty else " (least core, not in the core)")),
                 ("method", self.method))
        notes = (("epsilon is the smallest amount every coalition must give up for some efficient split to "
                 "satisfy all of them; epsilon <= 0 means the core is non-empty"),)
        return Summary("Core", facts, ("player", "point"), rows, notes)


def least_core(game: TUGame | StructuredGame, *, tol: float = LP_TOL) -> LeastCoreResult:
    """The least core: the smallest ε such that ``x(S) >= v(S) - ε`` can hold for all S.

    Parameters
    ----------
    game : TUGame or StructuredGame
    tol : float, default 1e-9
        Relative tolerance (times the payoff scale).

    Returns
    -------
    LeastCoreResult
        ``epsilon`` and ``allocation`` (the pre-nucleolus, the least core's
        central point).

    Examples
    --------
    The three-player majority game has an empty core; ε = 1/3:

    >>> g = TUGame([0, 0, 0, 1, 0, 1, 1, 1])
    >>> lc = least_core(g)
    >>> round(lc.epsilon, 9), lc.core_is_empty, lc.allocation.round(6).tolist()
    (0.333333333, True, [0.333333, 0.333333, 0.333333])
    """
    tol = check_tol(tol, func="least_core")
    dense = as_dense_game(game, func="least_core")
    res = _prenucleolus(dense, tol=tol, func="least_core")
    eps = res.epsilon
    return LeastCoreResult(res.allocation, eps, res.players, "constraint-generation", {"tol": tol},
                           core_is_empty=bool(eps > tol * game_scale(dense)),
                           tight_coalitions=res.stage_coalitions[0] if res.stage_coalitions else (),
                           cost_shares=res.cost_shares, game=game)


def core(game: TUGame | StructuredGame, *, tol: float = LP_TOL) -> CoreResult:
    """The core: non-emptiness by LP (HiGHS), a member, and membership tests.

    Parameters
    ----------
    game : TUGame or StructuredGame
    tol : float, default 1e-9
        Relative tolerance (times the payoff scale) for calling the core empty.

    Returns
    -------
    CoreResult
        ``is_empty``, ``epsilon`` (least-core value), ``point``, and the
        methods ``contains(x)`` and ``largest_violation(x)``.

    Examples
    --------
    >>> g = TUGame([0, 0, 0, 1, 0, 1, 1, 1])       # three-player majority game
    >>> c = core(g)
    >>> c.is_empty, round(c.epsilon, 6)
    (True, 0.333333)
    >>> str(c.largest_violation([1, 0, 0]))
    '{2, 3} by 1'
    """
    tol = check_tol(tol, func="core")
    dense = as_dense_game(game, func="core")
    res = _prenucleolus(dense, tol=tol, func="core")
    eps = res.epsilon
    return CoreResult(bool(eps > tol * game_scale(dense)), eps, res.allocation, dense.players,
                      "constraint-generation", {"tol": tol}, game=dense)


def _prenucleolus(game: TUGame | StructuredGame, *, tol: float, func: str) -> NucleolusResult:
    check_tol(tol, func=func)
    dense = as_dense_game(game, func=func)
    if dense.n_players == 1:
        x = np.array([dense.grand_value])
        return NucleolusResult(x, dense.players, "pre-nucleolus", "trivial",
                               cost_shares=dense.cost_shares(x) if dense.is_cost_game else None,
                               domain="preimputations", stage_levels=np.array([-np.inf]), game=game)
    return nucleolus(dense, domain="preimputations", tol=tol)

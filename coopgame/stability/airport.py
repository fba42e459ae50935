"""The nucleolus of an airport game in closed form (Littlechild 1974), at any number of players.

An airport cost game charges a coalition for the facility its most demanding
member needs, ``C(S) = max_{i∈S} c_i`` (Littlechild and Owen 1973). Sort the
players by cost, ``c_1 <= ... <= c_n``, and write ``y`` for cost shares and
``Y_k = y_1 + ... + y_k``. In the savings game the excess of S is
``y(S) - C(S)``, and only two families of coalitions ever carry the largest
excesses: the prefixes ``{1..k}`` (excess ``Y_k - c_k``, k < n) and the
complements ``N \\ {j}`` (excess ``-y_j``, j < n). The sequential LPs of the
nucleolus therefore reduce to Littlechild's stages: with ``b`` players
assigned so far (total ``Y_b``),

    α = min_{b < k < n} (c_k - Y_b) / (k - b + 1),

the players ``b+1 .. k*`` of the minimising ``k*`` pay α each, and the next
stage starts from ``b = k*``. Player n pays the rest, ``c_n - Y_{n-1}``.

Each stage is a slope from a base point ``(b, Y_b)`` to a point
``(k + 1, c_k)``, and a point that beats the last stage's slope from that
stage's base beats every later stage's too (the later bases lie on the last
stage's line). So one left-to-right pass with a stack of stages computes all
of them, as a convex-hull scan does: O(n log n) for the sort, O(L) for the
pass over the L distinct cost levels (only the last player of a level can end
a stage). The answer is exact for any n; no 2**n vector is ever formed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from coopgame._typing import FloatVector
from coopgame._validation import as_float_array, check_players, label_sequence
from coopgame.errors import InvalidGameError
from coopgame.games.structured import AirportCost, StructuredGame
from coopgame.results import AllocationResult, Summary, format_number

__all__ = ["AirportNucleolusResult", "airport_nucleolus", "is_airport_game"]

METHOD = "littlechild-1974"


@dataclass(frozen=True, eq=False)
class AirportNucleolusResult(AllocationResult):
    """The nucleolus of an airport game from Littlechild's closed form.

    It has the attributes of :class:`~coopgame.stability.NucleolusResult`
    (which :func:`~coopgame.nucleolus` returns for other games), so code
    reading a nucleolus reads either; it is a separate class because
    :mod:`coopgame.stability.lexicographic` dispatches here and the
    dependence runs one way.

    Attributes
    ----------
    allocation, players, concept, method, parameters, efficiency_gap, cost_shares
        As in :class:`~coopgame.AllocationResult`; ``concept`` is
        ``'nucleolus'``, ``method`` ``'littlechild-1974'``.
    domain : str
        The domain asked for; the core of an airport game is never empty, so
        the nucleolus and the pre-nucleolus coincide.
    stage_levels : ndarray
        The largest excess fixed at each stage, decreasing: minus the cost
        share of the stage's players. ``stage_levels[0]`` is the least-core ε.
    stage_coalitions : tuple
        Empty: a stage's tight coalitions are the prefix up to its last player
        and ``N \\ {j}`` for its players, up to n labels each -- too many to
        list at thousands of players. ``stage_players`` says who they are.
    kohlberg : None
        No LP certificate is computed (the closed form is a theorem), so
        ``kohlberg_passed`` is False.
    n_lps, max_rows : int
        0: no LP is solved.
    stage_players : tuple of tuple of str
        The players whose cost share is fixed at each stage (the last stage
        also holds the most demanding player, who pays the rest).
    """

    domain: str = "imputations"
    stage_levels: FloatVector = field(default_factory=lambda: np.zeros(0))
    stage_coalitions: tuple[tuple[tuple[str, ...], ...], ...] = ()
    kohlberg: None = None
    n_lps: int = 0
    max_rows: int = 0
    stage_players: tuple[tuple[str, ...], ...] = ()

    @property
    def kohlberg_passed(self) -> bool:
        """False: no Kohlberg check is run on the closed form."""
        return False

    @property
    def epsilon(self) -> float:
        """The least-core value: the smallest achievable largest excess."""
        return float(self.stage_levels[0]) if self.stage_levels.size else 0.0

    def summary(self) -> Summary:
        """Allocation table plus each stage's cost share and players."""
        base = super().summary()
        facts = base.facts + (("stages", str(len(self.stage_levels))),
                              ("least-core epsilon", self.epsilon),
                              ("certificate", "closed form (Littlechild 1974); no LP solved"))
        last = len(self.stage_levels) - 1
        notes = tuple(f"stage {k + 1}: cost share {format_number(-t)} each for "
                      + ", ".join(group[:6]) + (f" ... ({len(group)} players)" if len(group) > 6 else "")
                      + (f"; {group[-1]} (most demanding) pays the rest" if k == last else "")
                      for k, (t, group) in enumerate(zip(self.stage_levels, self.stage_players)))
        return Summary("Nucleolus", facts, base.columns, base.rows, notes)


def airport_nucleolus(costs: ArrayLike, players: Sequence[str] | None = None) -> AirportNucleolusResult:
    """The nucleolus of the airport game ``C(S) = max_{i∈S} c_i`` by Littlechild's (1974) stages.

    Parameters
    ----------
    costs : array_like, shape (n,)
        ``c_i >= 0``, the cost of the facility each player needs alone (any
        order; ties allowed).
    players : sequence of str, optional
        Labels, default ``'1' .. 'n'``.

    Returns
    -------
    AirportNucleolusResult
        ``cost_shares`` (they add up to ``max c``, are non-decreasing in ``c_i``
        and equal for equal costs) and ``allocation``, the savings
        ``c_i - cost_shares[i]`` in the savings game
        ``v(S) = Σ_{i∈S} c_i - C(S)``. The game is convex, so its core is not
        empty and the nucleolus equals the pre-nucleolus.

    Raises
    ------
    InvalidGameError
        If ``costs`` is empty, not finite or has a negative entry.

    Examples
    --------
    Runways for four aircraft types (literature/05 §5.4): the three small
    types split the 13 of the third runway length among themselves and the
    one that needs 13 (3.25 each, since 13/4 < 11/3 < 8/2); the largest pays
    the rest.

    >>> res = airport_nucleolus([8, 11, 13, 18])
    >>> res.cost_shares.tolist(), res.stage_levels.tolist()
    ([3.25, 3.25, 3.25, 8.25], [-3.25])
    """
    func = "airport_nucleolus"
    c = _airport_costs(costs, func=func)
    labels = check_players(label_sequence(players, func=func), c.shape[0], func=func)
    # No StructuredGame is built: its n × n pairwise matrix alone would be 1.5 GB at 13,572 players.
    return _result(c, c, labels, domain="imputations", params={"domain": "imputations", "excess": "standard"},
                   standalone=c, game=None)


def _littlechild_stages(costs: np.ndarray) -> tuple[np.ndarray, list[np.ndarray], np.ndarray]:
    """Littlechild's stages for validated costs: shares, the players fixed at each stage, the stage shares.

    Examples
    --------
    >>> shares, groups, levels = _littlechild_stages(np.array([2.0, 1.0, 2.0]))
    >>> shares.tolist(), [g.tolist() for g in groups], levels.tolist()
    ([0.75, 0.5, 0.75], [[1], [0, 2]], [0.5, 0.75])
    """
    n = costs.shape[0]
    order = np.argsort(costs, kind="stable")
    s = costs[order]
    if n == 1:
        return s.copy(), [order], s.copy()
    # k (1-based) ends a stage only as the last player of its cost level; k = n - 1 always (the last prefix).
    ends = np.flatnonzero(np.diff(s[:-1]) > 0) + 1
    ends = np.append(ends, n - 1)
    # Stack of stages: stage m fixes players stage_end[m-1] .. stage_end[m]-1 (0-based) at share alpha[m].
    # A stage ending at k leaves the total Y_k = c_k - α (its line passes through the point (k + 1, c_k)),
    # which is taken from the costs rather than summed, so rounding does not accumulate over stages.
    stage_end: list[int] = []
    alpha: list[float] = []
    for k in ends.tolist():
        ck = float(s[k - 1])
        while True:
            b, yb = (stage_end[-1], float(s[stage_end[-1] - 1]) - alpha[-1]) if alpha else (0, 0.0)
            slope = (ck - yb) / (k + 1 - b)
            # the last stage would rather extend to k (its base lies on the same line, further left): merge it
            if alpha and slope <= alpha[-1]:
                stage_end.pop(), alpha.pop()
                continue
            break
        stage_end.append(k)
        alpha.append(slope)
    counts = np.diff(np.asarray([0] + stage_end))
    sorted_shares = np.empty(n)
    sorted_shares[:-1] = np.repeat(np.asarray(alpha), counts)
    # the most demanding player pays the rest, c_n - Y_{n-1} = (c_n - c_{n-1}) + α >= α (α when tied at the top)
    sorted_shares[-1] = (s[-1] - s[-2]) + alpha[-1]
    shares = np.empty(n)
    shares[order] = sorted_shares
    groups = np.split(order, np.cumsum(counts)[:-1])   # the last group ends with the most demanding player
    return shares, groups, np.asarray(alpha)


def _airport_costs(costs: ArrayLike, *, func: str) -> np.ndarray:
    c = as_float_array(costs, func=func, name="costs", ndim=1)
    if c.size < 1 or np.any(c < 0):
        raise InvalidGameError(f"{func}(): costs must be a non-empty vector of numbers >= 0; got "
                               f"{c.tolist() if c.size <= 10 else f'{c.size} entries, smallest {c.min():g}'}")
    return c


def _airport_term(game: Any) -> AirportCost | None:
    """The AirportCost of a StructuredGame ``v(S) = a(S) - max_{i∈S} c_i`` (no pairwise terms), else None."""
    if not isinstance(game, StructuredGame) or len(game.cost_terms) != 1:
        return None
    term = game.cost_terms[0]
    if not isinstance(term, AirportCost) or game.pairwise.any():
        return None
    return term


def is_airport_game(game: Any) -> bool:
    """Whether :func:`coopgame.nucleolus` solves ``game`` in closed form (Littlechild 1974), at any size.

    True for a :class:`~coopgame.StructuredGame` whose only term beyond an
    additive part is one :class:`~coopgame.AirportCost`.

    Examples
    --------
    >>> from coopgame import AirportCost, StructuredGame
    >>> is_airport_game(StructuredGame.from_costs(AirportCost([8.0, 11.0, 13.0, 18.0])))
    True
    """
    return _airport_term(game) is not None


def _structured_airport_nucleolus(game: StructuredGame, *, domain: str, tol: float,
                                  seed: Any) -> AirportNucleolusResult:
    """Nucleolus of ``v(S) = a(S) - C(S)``: ``x = a - y`` with ``y`` the airport cost shares.

    The nucleolus moves with additive games, and ``v - (a - c)`` is the
    savings game of ``C``, whose nucleolus is ``c - y``. Its core is not empty
    (the savings game is convex), so ``domain`` does not change the answer.
    """
    term = _airport_term(game)
    assert term is not None
    params: dict[str, Any] = {"domain": domain, "excess": "standard", "tol": tol, "seed": seed}
    return _result(np.asarray(term.costs), np.asarray(game.additive), game.players, domain=domain, params=params,
                   standalone=game.standalone_costs, game=game)


def _result(c: np.ndarray, additive: np.ndarray, labels: tuple[str, ...], *, domain: str, params: dict[str, Any],
            standalone: np.ndarray | None, game: Any) -> AirportNucleolusResult:
    """The result for ``v(S) = a(S) - max_{i∈S} c_i``; cost shares reported when the stand-alone costs are known."""
    y, groups, alpha = _littlechild_stages(c)
    x = additive - y + 0.0
    grand = float(additive.sum() - c.max())
    return AirportNucleolusResult(
        allocation=x, players=labels, concept="nucleolus", method=METHOD, parameters=params,
        efficiency_gap=float(x.sum() - grand),
        cost_shares=None if standalone is None else y + (standalone - additive),   # = y, not c - (c - y) rounded
        domain=domain, stage_levels=-alpha if c.size > 1 else np.zeros(0), stage_coalitions=(), kohlberg=None,
        n_lps=0, max_rows=0, stage_players=tuple(tuple(labels[i] for i in g) for g in groups), game=game)

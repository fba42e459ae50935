"""The τ-value (Tijs 1981): the efficient compromise between what players can hope for and what they can insist on.

Two vectors bound every reasonable claim in a TU game:

* the **utopia payoff** ``M_i = v(N) − v(N∖{i})``: more than this, the
  others would rather go on without ``i``;
* the **minimal right** ``m_i = max_{S∋i} (v(S) − Σ_{j∈S∖{i}} M_j)``: what
  ``i`` is left with in the coalition most favourable to it after paying
  every partner its utopia payoff.

A game is **quasi-balanced** when ``m <= M`` and ``Σ m <= v(N) <= Σ M``
(every balanced game, so every game with a non-empty core, is). Its τ-value
is the one efficient point on the segment between them,
``τ = m + λ (M − m)``, ``λ ∈ [0, 1]`` fixed by ``Σ τ = v(N)``.

The minimal rights are vectorised over coalitions: with the excess
``e(S) = v(S) − M(S)`` (``M(S)`` additive, built by doubling),
``m_i = M_i + max_{S∋i} e(S)``, the maximum over a strided view of the masks
that contain ``i`` (no copy).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from coopgame._bitmask import additive_values
from coopgame._memory import ensure_dense_fits
from coopgame._typing import FloatVector
from coopgame._validation import check_tol
from coopgame.cooperative._dispatch import AnyGame, check_game, dense_values
from coopgame.cooperative._scaling import check_finite_answer, safe_gap
from coopgame.errors import InvalidGameError
from coopgame.games.tu import TUGame
from coopgame.results import AllocationResult, Summary, format_number
from coopgame.tolerances import DEFAULT_TOL, payoff_scale

__all__ = ["tau_value", "TauResult", "NotQuasiBalancedError", "utopia_and_minimal_rights"]


class NotQuasiBalancedError(InvalidGameError):
    """The τ-value is asked of a game that is not quasi-balanced (``m <= M``, ``Σm <= v(N) <= ΣM`` fails)."""


@dataclass(frozen=True, eq=False)
class TauResult(AllocationResult):
    """The τ-value, with the two vectors it compromises between.

    Attributes
    ----------
    allocation, players, concept, method, parameters, efficiency_gap, cost_shares
        As in :class:`~coopgame.results.AllocationResult` (``concept='tau'``).
    utopia : ndarray, shape (n,)
        ``M_i = v(N) − v(N∖{i})``, each player's marginal contribution to the grand coalition.
    minimal_rights : ndarray, shape (n,)
        ``m_i = max_{S∋i} (v(S) − Σ_{j∈S∖{i}} M_j)``.
    compromise_weight : float
        ``λ`` in ``τ = m + λ (M − m)``, in ``[0, 1]`` (0 when ``M = m``).
    """

    utopia: FloatVector = field(default_factory=lambda: np.zeros(0))
    minimal_rights: FloatVector = field(default_factory=lambda: np.zeros(0))
    compromise_weight: float = 0.0

    _headline = ("concept", "allocation", "players", "compromise_weight", "efficiency_gap")

    def summary(self) -> Summary:
        """Each player's minimal right, τ-value and utopia payoff, with ``λ``."""
        base = super().summary()
        rows = tuple((*row, mi, ui)
                     for row, mi, ui in zip(base.rows, self.minimal_rights, self.utopia))
        facts = (*base.facts, ("compromise weight (lambda)", self.compromise_weight))
        return Summary("Tau-value allocation", facts=facts, columns=(*base.columns, "minimal right", "utopia"),
                       rows=rows, notes=("tau = m + lambda (M - m): the efficient point between each player's "
                                         "minimal right m and utopia payoff M",))


def utopia_and_minimal_rights(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(M, m)`` of a dense game (length ``2**n``): utopia payoffs and minimal rights.

    Examples
    --------
    >>> M, m = utopia_and_minimal_rights(np.array([0, 0, 0, 1, 0, 1, 0, 1.0]))   # glove game L, R1, R2
    >>> M.tolist(), m.tolist()
    ([1.0, 0.0, 0.0], [1.0, 0.0, 0.0])
    """
    values = np.asarray(values, dtype=np.float64)
    n = values.shape[0].bit_length() - 1
    full = values.shape[0] - 1
    utopia = values[full] - values[full ^ (1 << np.arange(n, dtype=np.int64))]
    excess = additive_values(utopia)          # M(S), then v(S) − M(S) in place
    np.subtract(values, excess, out=excess)
    rights = np.empty(n)
    for i in range(n):   # masks with bit i set: the second half of every block of 2**(i+1)
        rights[i] = utopia[i] + excess.reshape(-1, 2, 1 << i)[:, 1, :].max()
    return utopia, rights


def tau_value(game: AnyGame, *, tol: float = DEFAULT_TOL) -> TauResult:
    """The τ-value: the efficient compromise ``m + λ (M − m)`` of minimal rights and utopia payoffs.

    Parameters
    ----------
    game : TUGame, StructuredGame or ValueFunctionGame
        The game; structured and value-function games are evaluated densely
        (refused with :class:`~coopgame.errors.GameTooLargeError` when the
        ``2**n`` values would not fit).
    tol : float, default 1e-9
        Relative tolerance (times the largest ``|v(S)|``) for the
        quasi-balancedness checks, so that rounding does not refuse a game
        and rescaling the payoffs never changes the verdict.

    Returns
    -------
    TauResult
        An :class:`~coopgame.results.AllocationResult` with ``concept='tau'``,
        plus ``utopia``, ``minimal_rights`` and ``compromise_weight``;
        ``cost_shares`` for games built from costs.

    Raises
    ------
    NotQuasiBalancedError
        (an :class:`~coopgame.errors.InvalidGameError`) If ``m <= M`` or
        ``Σ m <= v(N) <= Σ M`` fails; the message says which, by how much.
    InvalidParameterError
        If ``tol`` is not a number in ``[0, 1)``.
    GameTooLargeError
        If the dense game or its excess vector would not fit in memory.

    Notes
    -----
    The τ-value is efficient, symmetric, gives a dummy ``v({i})``, and is
    covariant under strategic equivalence (``a v + b``, ``a > 0``). For two
    players it is the standard solution ``v(i) + (v(N) − v(1) − v(2)) / 2``;
    for bankruptcy games it is the adjusted proportional rule (Curiel,
    Maschler & Tijs 1987). It lies in the core of every convex game of up to
    three players (Andreescu & Šunić 2007), but not beyond: the convex game
    ``7 u_{2,3} + 5 u_{1,4,5}`` (two separate unanimity games) has
    ``τ = (60, 84, 84, 60, 60) / 29``, which gives ``{2, 3}`` only
    ``168/29 < 7``. The core always lies in the box ``[m, M]``.

    References
    ----------
    S. H. Tijs (1981), "Bounds for the core and the τ-value", in O. Moeschlin
    and D. Pallaschke (eds.), *Game Theory and Mathematical Economics*,
    North-Holland, 123–132.

    Examples
    --------
    The example of the R package CoopGame (``tauValue``, after Branzei,
    Dimitrov & Tijs 2006): ``v(12) = v(13) = 2``, ``v(23) = 3``, ``v(N) = 5``;
    ``M = (2, 3, 3)``, ``m = 0``, ``λ = 5/8``.

    >>> from coopgame import TUGame
    >>> r = tau_value(TUGame([0, 0, 0, 2, 0, 2, 3, 5]))
    >>> r.allocation.tolist(), r.utopia.tolist(), r.compromise_weight
    ([1.25, 1.875, 1.875], [2.0, 3.0, 3.0], 0.625)
    """
    func = "tau_value"
    game = check_game(game, func=func)
    tol = check_tol(tol, func=func)
    if not isinstance(game, TUGame):
        ensure_dense_fits(game.n_players, func=func, arrays=3)
    else:
        ensure_dense_fits(game.n_players, func=func, arrays=1)   # the excess vector
    values = dense_values(game, func=func)
    utopia, rights = utopia_and_minimal_rights(values)
    grand = float(values[-1])
    atol = tol * payoff_scale(values) * max(1, game.n_players)
    _check_quasi_balanced(utopia, rights, grand, atol, game.players, func=func)
    gap = float(np.sum(utopia - rights))
    if gap <= atol:   # M = m (up to rounding): the segment is a point
        weight = 0.0
        tau = rights.copy()
    else:
        weight = min(1.0, max(0.0, (grand - float(rights.sum())) / gap))
        tau = rights + weight * (utopia - rights)
    check_finite_answer(tau, func=func, concept="tau")
    cost = game.cost_shares(tau) if getattr(game, "is_cost_game", False) else None
    return TauResult(tau, game.players, "tau", "exact", {"tol": tol}, efficiency_gap=safe_gap(tau, grand),
                     cost_shares=cost, utopia=utopia, minimal_rights=rights, compromise_weight=weight, game=game)


def _check_quasi_balanced(utopia: np.ndarray, rights: np.ndarray, grand: float, atol: float,
                          players: tuple[str, ...], *, func: str) -> None:
    why = []
    above = np.flatnonzero(rights > utopia + atol)
    if above.size:
        shown = ", ".join(f"{players[i]!r}: m={format_number(rights[i])} > M={format_number(utopia[i])}"
                          for i in above[:5])
        why.append(f"minimal rights exceed utopia payoffs for {above.size} player(s) ({shown}"
                   f"{', ...' if above.size > 5 else ''})")
    low, high = float(rights.sum()), float(utopia.sum())
    if low > grand + atol:
        why.append(f"the minimal rights add up to {format_number(low)} > v(N) = {format_number(grand)}")
    if grand > high + atol:
        why.append(f"v(N) = {format_number(grand)} > {format_number(high)}, the sum of the utopia payoffs")
    if why:
        raise NotQuasiBalancedError(
            f"{func}(): the game is not quasi-balanced (needs m <= M and sum(m) <= v(N) <= sum(M), with M the "
            f"utopia payoffs v(N) - v(N minus i) and m the minimal rights), so it has no tau-value: "
            + "; ".join(why))


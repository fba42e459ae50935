"""Bimatrix (two-player) games, with the two-city cooperation game of the literature.

Convention for cooperation games: **action 0 is "cooperate" (C), action 1 is
"defect / protect" (D)**, for both players. This is the row/column order of
the Chinese two-city evolutionary models (MODELS.md BM1: rows and columns are
(C, N)). The n-city model codes cooperation as ``x_i = 1``; its
:meth:`~coopgame.games.ncity.NCityGame.to_pairwise` reorders to this
convention.
"""

from __future__ import annotations


from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from coopgame._pickling import ReadOnlyState
from coopgame._typing import FloatMatrix
from coopgame._validation import _short, as_float_array, check_players, check_probability_vector, check_tol, frozen
from coopgame.errors import InvalidGameError, InvalidParameterError
from coopgame.games.regimes import REGIME_CODES, Regime, regimes_2x2
from coopgame.results import Result, Summary
from coopgame.tolerances import DEFAULT_TOL, payoff_scale, power_of_two_below

__all__ = ["PairwiseGame", "GameClassification", "COOPERATE", "DEFECT", "two_city_payoffs"]

COOPERATE: int = 0
"""Index of the cooperative action in a 2×2 cooperation game."""

DEFECT: int = 1
"""Index of the defecting (protecting) action in a 2×2 cooperation game."""

_TWO_BY_TWO_ACTIONS = ("C", "D")


class PairwiseGame(ReadOnlyState):
    """A two-player game in normal form: payoff matrices ``A`` (row) and ``B`` (column).

    ``A[i, j]`` and ``B[i, j]`` are the payoffs of the row and the column
    player when the row player plays action ``i`` and the column player
    action ``j``. The object is immutable; its arrays are read-only copies.

    Parameters
    ----------
    row_payoffs, col_payoffs : array_like, shape (m, n)
        Payoff matrices of the row and the column player (``m, n >= 1``).
    players : sequence of 2 str, optional
        Player labels; default ``("1", "2")``.
    actions : pair of sequences of str, optional
        Action labels of the row and column player. Default for 2×2 games:
        ``("C", "D")`` for both (action 0 cooperates); otherwise
        ``("r1", ..., "rm")`` and ``("c1", ..., "cn")``.
    true_payoffs : pair of array_like of shape (m, n), optional
        When ``row_payoffs``/``col_payoffs`` are *perceived* payoffs (the ones
        decisions use, e.g. costs inflated by a perception factor, DESIGN
        §2.1), the true payoffs ``(A, B)`` that welfare is measured with.
        Equilibria, best responses, the class and the dynamics read the
        (perceived) payoff matrices; :meth:`welfare`, :meth:`social_optimum`
        and :meth:`pareto_efficient` read the true ones (:attr:`true_game`).
        Omitted, or equal to the payoff matrices: the payoffs are the true ones.

    Raises
    ------
    InvalidGameError
        On matrices that are not 2-D, differ in shape, are empty or hold NaN or
        infinities, or on labels of the wrong number.

    See Also
    --------
    PairwiseGame.from_arrays, PairwiseGame.from_two_city,
    coopgame.NCityGame.to_pairwise, coopgame.nash_equilibria

    Examples
    --------
    The prisoner's dilemma:

    >>> g = PairwiseGame([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> g.shape, g.actions
    ((2, 2), (('C', 'D'), ('C', 'D')))
    >>> g.classify().name
    "prisoner's dilemma"

    Perceived payoffs that decide, true payoffs that measure welfare:

    >>> seen = PairwiseGame([[1, -5], [0, 0]], [[1, 0], [-5, 0]], true_payoffs=([[3, -3], [0, 0]], [[3, 0], [-3, 0]]))
    >>> seen.is_perceived, seen.welfare().tolist(), seen.true_game.welfare().tolist()
    (True, [[6.0, -3.0], [-3.0, 0.0]], [[6.0, -3.0], [-3.0, 0.0]])
    """

    __slots__ = ("_A", "_B", "_players", "_actions", "_entries_2x2", "_true")
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, row_payoffs: ArrayLike, col_payoffs: ArrayLike, players: Sequence[str] | None = None,
                 actions: Sequence[Sequence[str]] | None = None, *,
                 true_payoffs: tuple[ArrayLike, ArrayLike] | None = None) -> None:
        func = "PairwiseGame"
        A = as_float_array(row_payoffs, func=func, name="row_payoffs", ndim=2)
        B = as_float_array(col_payoffs, func=func, name="col_payoffs", ndim=2)
        if A.shape != B.shape:
            raise InvalidGameError(f"{func}(): row_payoffs and col_payoffs must have the same shape; "
                                   f"got {A.shape} and {B.shape}")
        if 0 in A.shape:
            raise InvalidGameError(f"{func}(): each player needs at least one action; got shape {A.shape}")
        # C order: the compiled equilibrium kernel reads this layout only.
        # frozen: read-only views that cannot be made writeable again (the game is immutable).
        object.__setattr__(self, "_A", frozen(np.ascontiguousarray(A)))
        object.__setattr__(self, "_B", frozen(np.ascontiguousarray(B)))
        object.__setattr__(self, "_players", check_players(players, 2, func=func))
        object.__setattr__(self, "_actions", _check_actions(actions, A.shape, func=func))
        # The 2x2 equilibrium solver works on Python floats and the payoff scale; the game is
        # immutable, so both are read once here: (a00, a01, a10, a11, b00, b01, b10, b11, scale).
        entries = (*A.ravel().tolist(), *B.ravel().tolist()) if A.shape == (2, 2) else None
        object.__setattr__(self, "_entries_2x2", None if entries is None else
                           (*entries, max(map(abs, entries))))
        object.__setattr__(self, "_true", _true_twin(self, true_payoffs, func=func))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"PairwiseGame is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"PairwiseGame is immutable; cannot delete {name!r}")

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_arrays(cls, A: ArrayLike, B: ArrayLike | None = None, players: Sequence[str] | None = None,
                    actions: Sequence[Sequence[str]] | None = None) -> PairwiseGame:
        """Build a game from the two payoff matrices.

        Parameters
        ----------
        A, B : array_like, shape (m, n)
            Row and column player's payoffs. ``B=None`` gives the zero-sum game
            ``B = -A``.
        players, actions
            Labels, as in :class:`PairwiseGame`.

        Examples
        --------
        Matching pennies (zero-sum):

        >>> g = PairwiseGame.from_arrays([[1, -1], [-1, 1]])
        >>> g.col_payoffs.tolist()
        [[-1.0, 1.0], [1.0, -1.0]]
        """
        func = "PairwiseGame.from_arrays"   # checked here, so that errors name the method called
        A = as_float_array(A, func=func, name="A", ndim=2)
        B = -A if B is None else as_float_array(B, func=func, name="B", ndim=2)
        if A.shape != B.shape or 0 in A.shape:
            raise InvalidGameError(f"{func}(): A and B must have the same non-empty shape; got {A.shape} and {B.shape}")
        return cls(A, B, players=players, actions=actions)

    @classmethod
    def from_two_city(cls, *, cost: ArrayLike, synergy: float = 0.0, alpha: float = 0.5,
                      free_ride_gain: ArrayLike = 0.0, lone_loss: ArrayLike = 0.0, reward: ArrayLike = 0.0,
                      penalty: ArrayLike = 0.0, base: ArrayLike = 0.0, penalise_mutual_defection: bool = True,
                      players: Sequence[str] = ("A", "B")) -> PairwiseGame:
        """The two-city cooperation game with central incentives (MODELS.md BM1).

        Each per-city argument is a scalar (same for both) or a pair
        ``(city A, city B)``. Payoffs, with rows/columns ordered (C, D):

        ========  ================================  ================================
        profile   city A                            city B
        ========  ================================  ================================
        (C, C)    R_A + α ΔR − C_A + W_A            R_B + (1−α) ΔR − C_B + W_B
        (C, D)    R_A − C_A − L_A + W_A             R_B + E_B − F_B
        (D, C)    R_A + E_A − F_A                   R_B − C_B − L_B + W_B
        (D, D)    R_A − F_A                         R_B − F_B
        ========  ================================  ================================

        Parameters
        ----------
        cost : float or pair
            ``C_i > 0``, cost of cooperating (abatement, co-investment).
        synergy : float, default 0
            ``ΔR >= 0``, joint gain earned only under (C, C).
        alpha : float, default 0.5
            City A's share of ``ΔR`` (tax-sharing / fund split ratio), in [0, 1].
        free_ride_gain : float or pair, default 0
            ``E_i >= 0``, gain of a city that defects while the other cooperates.
        lone_loss : float or pair, default 0
            ``L_i >= 0``, loss of a lone cooperator (including being siphoned).
        reward, penalty : float or pair, default 0
            ``W_i >= 0`` central reward to cooperators, ``F_i >= 0`` penalty on defectors.
        base : float or pair, default 0
            ``R_i``, base revenue (cancels in every equilibrium concept).
        penalise_mutual_defection : bool, default True
            If False, the penalty is not levied under (D, D).
        players : pair of str, default ("A", "B")

        Examples
        --------
        The worked check of MODELS.md BM1 (ΔR = 6, α = 0.5, C = 4, E = 2, L = 1)
        with reward 2 and penalty 1.5 is a stag hunt:

        >>> g = PairwiseGame.from_two_city(cost=4, synergy=6, alpha=0.5, free_ride_gain=2,
        ...                                lone_loss=1, reward=2, penalty=1.5)
        >>> g.row_payoffs.tolist()
        [[1.0, -3.0], [0.5, -1.5]]
        >>> g.classify().name
        'stag hunt'
        """
        func = "PairwiseGame.from_two_city"
        C = _pair(cost, func=func, name="cost", minimum=0.0, strict=True)
        E = _pair(free_ride_gain, func=func, name="free_ride_gain", minimum=0.0)
        L = _pair(lone_loss, func=func, name="lone_loss", minimum=0.0)
        W = _pair(reward, func=func, name="reward", minimum=0.0)
        F = _pair(penalty, func=func, name="penalty", minimum=0.0)
        R = _pair(base, func=func, name="base")
        dR = float(_pair(synergy, func=func, name="synergy", minimum=0.0)[0]) if np.ndim(synergy) == 0 else None
        if dR is None:
            raise InvalidParameterError(f"{func}(): synergy must be one number ΔR (split by alpha); got {synergy!r}")
        a = _pair(alpha, func=func, name="alpha", minimum=0.0)[0]
        if np.ndim(alpha) != 0 or a > 1.0:
            raise InvalidParameterError(f"{func}(): alpha must be a number in [0, 1]; got {alpha!r}")
        A, B = two_city_payoffs(C, dR, a, E, L, W, F, R, penalise_mutual_defection=penalise_mutual_defection)
        return cls(A, B, players=players)

    # ------------------------------------------------------------------ accessors
    @property
    def row_payoffs(self) -> FloatMatrix:
        """Row player's payoff matrix ``A`` (read-only)."""
        return self._A

    @property
    def col_payoffs(self) -> FloatMatrix:
        """Column player's payoff matrix ``B`` (read-only)."""
        return self._B

    A = row_payoffs
    B = col_payoffs

    @property
    def players(self) -> tuple[str, str]:
        """Labels of the row and the column player."""
        return self._players  # type: ignore[return-value]

    @property
    def actions(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Action labels of the row and the column player."""
        return self._actions

    @property
    def shape(self) -> tuple[int, int]:
        """``(m, n)``: numbers of row and column actions."""
        return self._A.shape  # type: ignore[return-value]

    @property
    def payoff_scale(self) -> float:
        """Largest absolute payoff (0 for an all-zero game), no floor: relative tolerances are multiplied by it."""
        return payoff_scale(self._A, self._B)

    @property
    def is_perceived(self) -> bool:
        """True when the payoff matrices are perceived payoffs that differ from the true ones (see :attr:`true_game`)."""
        return self._true is not None

    @property
    def true_game(self) -> PairwiseGame:
        """The game of the true payoffs, which welfare is measured with; the game itself unless :attr:`is_perceived`.

        Examples
        --------
        >>> from coopgame import NCityGame
        >>> g = NCityGame(cost=4.0, synergy=[[0, 5], [5, 0]], perception=1.5).to_pairwise()
        >>> float(g.row_payoffs[0, 0]), float(g.true_game.row_payoffs[0, 0])   # decisions see 5 − 1.5·4, welfare 5 − 4
        (-1.0, 1.0)
        """
        return self if self._true is None else self._true

    def transpose(self) -> PairwiseGame:
        """The same game with the players' roles swapped (column player becomes row player)."""
        true = None if self._true is None else (self._true._B.T, self._true._A.T)
        return PairwiseGame(self._B.T, self._A.T, players=self._players[::-1], actions=self._actions[::-1],
                            true_payoffs=true)

    # ------------------------------------------------------------------ payoffs
    def expected_payoffs(self, x: ArrayLike, y: ArrayLike) -> tuple[float, float]:
        """Expected payoffs ``(x A y, x B y)`` of mixed strategies ``x`` (row) and ``y`` (column).

        Raises :class:`~coopgame.errors.InvalidParameterError` unless ``x`` and ``y`` are
        probability vectors (non-negative, summing to 1) of the players' numbers of actions.

        Examples
        --------
        >>> g = PairwiseGame([[3, 0], [5, 1]], [[3, 5], [0, 1]])
        >>> g.expected_payoffs([0.5, 0.5], [1, 0])
        (4.0, 1.5)
        """
        xv, yv = self._strategies(x, y, func="PairwiseGame.expected_payoffs")
        return float(xv @ self._A @ yv), float(xv @ self._B @ yv)

    def regret(self, x: ArrayLike, y: ArrayLike) -> tuple[float, float]:
        """How much each player could gain by a unilateral best response to the other's strategy.

        Both are zero (up to rounding) exactly at a Nash equilibrium. ``x`` and ``y`` must be
        mixed strategies (non-negative, summing to 1), else :class:`~coopgame.errors.InvalidParameterError`.

        Examples
        --------
        >>> g = PairwiseGame([[3, 0], [5, 1]], [[3, 5], [0, 1]])
        >>> g.regret([1, 0], [1, 0])
        (2.0, 2.0)
        """
        xv, yv = self._strategies(x, y, func="PairwiseGame.regret")
        ay = self._A @ yv
        xb = xv @ self._B
        return float(ay.max() - xv @ ay), float(xb.max() - xb @ yv)

    def welfare(self) -> FloatMatrix:
        """Utilitarian welfare ``A + B`` of every pure outcome, from the true payoffs (:attr:`true_game`)."""
        true = self.true_game
        return true._A + true._B

    def social_optimum(self, *, tol: float = DEFAULT_TOL) -> list[tuple[int, int]]:
        """Pure outcomes ``(i, j)`` of maximal welfare (ties within ``tol`` × payoff scale).

        Examples
        --------
        >>> PairwiseGame([[3, 0], [5, 1]], [[3, 5], [0, 1]]).social_optimum()
        [(0, 0)]
        """
        tol = check_tol(tol, func="PairwiseGame.social_optimum")
        w = self.welfare()
        best = np.argwhere(w >= w.max() - tol * self.true_game.payoff_scale)
        return [(int(i), int(j)) for i, j in best]

    def pareto_efficient(self, *, tol: float = DEFAULT_TOL) -> np.ndarray:
        """Boolean matrix: is pure outcome ``(i, j)`` undominated among the pure outcomes?

        An outcome is dominated when another gives both players at least as
        much and one of them more than ``tol`` × payoff scale more. An
        efficiency notion: judged on the true payoffs (:attr:`true_game`).

        Examples
        --------
        In the prisoner's dilemma only mutual defection is Pareto inefficient:

        >>> PairwiseGame([[3, 0], [5, 1]], [[3, 5], [0, 1]]).pareto_efficient().tolist()
        [[True, True], [True, False]]
        """
        if self._true is not None:
            return self._true.pareto_efficient(tol=tol)
        tol = check_tol(tol, func="PairwiseGame.pareto_efficient") * self.payoff_scale
        a = self._A.ravel()
        b = self._B.ravel()
        weakly = (a[None, :] >= a[:, None] - tol) & (b[None, :] >= b[:, None] - tol)
        strictly = (a[None, :] > a[:, None] + tol) | (b[None, :] > b[:, None] + tol)
        dominated = (weakly & strictly).any(axis=1)
        return ~dominated.reshape(self.shape)

    def classify(self, *, tol: float = DEFAULT_TOL) -> GameClassification:
        """Name a 2×2 game by its ordinal structure (prisoner's dilemma, stag hunt, ...).

        Each player's payoffs are read from their own point of view, with the
        usual letters for (own action, other's action): R = (C, C), S = (C, D),
        T = (D, C), P = (D, D). Each player's *type* is then

        ===========================  ====================================
        type                         condition
        ===========================  ====================================
        harmony                      R > T and S > P (C dominant)
        prisoner's dilemma           T > R and P > S and R > P
        deadlock                     T > R and P > S and P >= R
        stag hunt                    R > T and P > S and R > P
        coordination                 R > T and P > S and P >= R
        chicken                      T > R and S > P (anti-coordination)
        tie                          R = T or S = P (within tolerance)
        ===========================  ====================================

        The game carries the common type's name when both players share it;
        otherwise it is ``"asymmetric"``. The *regime* is a
        :class:`~coopgame.games.regimes.Regime` read from the strict pure
        equilibria (the stable vertices of the replicator dynamics), the same
        classifier as :func:`coopgame.evolutionary_regime` and
        :func:`coopgame.parameter_sweep` use: ``cooperation dominant`` (only
        (C, C)), ``defection dominant`` (only (D, D)), ``bistable`` (both),
        ``selective cooperation`` (only (C, D) or only (D, C)),
        ``anti-coordination`` ((C, D) and (D, C)), ``cycling`` (none) or
        ``degenerate`` (a tie).

        Raises
        ------
        InvalidGameError
            If the game is not 2×2.

        Examples
        --------
        >>> cls = PairwiseGame([[3, 1], [4, 0]], [[3, 4], [1, 0]]).classify()
        >>> cls.name, str(cls.regime)
        ('chicken', 'anti-coordination')
        """
        func = "PairwiseGame.classify"
        if self.shape != (2, 2):
            raise InvalidGameError(f"{func}(): classification needs a 2x2 game; got shape {self.shape}")
        rel_tol = check_tol(tol, func=func)
        # payoffs divided by a power of two near their scale (exact), so R - T cannot overflow near 1e308
        unit = power_of_two_below(self.payoff_scale)
        tol = rel_tol * (self.payoff_scale / unit)
        own_row = self._A / unit
        own_col = (self._B / unit).T  # indexed (own action, other's action)
        types = (_player_type(own_row, tol), _player_type(own_col, tol))
        regime = REGIME_CODES[int(regimes_2x2(self._A, self._B, tol=rel_tol)[0])]
        name = types[0] if types[0] == types[1] and types[0] != "tie" else (
            "degenerate" if "tie" in types else "asymmetric")
        return GameClassification(name=name, row_type=types[0], col_type=types[1], regime=regime,
                                  players=self._players, game=self)

    # ------------------------------------------------------------------ helpers
    def _strategies(self, x: ArrayLike, y: ArrayLike, *, func: str) -> tuple[np.ndarray, np.ndarray]:
        """Both mixed strategies, checked: real, finite, the right length, on the probability simplex."""
        m, n = self.shape
        xv = check_probability_vector(x, func=func, name="x", size=m)
        yv = check_probability_vector(y, func=func, name="y", size=n)
        return xv, yv

    def __repr__(self) -> str:
        m, n = self.shape
        perceived = ", perceived payoffs" if self._true is not None else ""
        return f"PairwiseGame({m}x{n}, players={self._players!r}{perceived})"

    def _repr_html_(self) -> str:
        """Jupyter shows a compact summary table (:mod:`coopgame._display`), never all 2**n values of a big game."""
        from coopgame._display import html_of, pairwise_summary

        return html_of(self, pairwise_summary)

    def __eq__(self, other: object) -> bool:
        """Same payoff matrices, and the same true payoffs (a perceived game differs from its true twin)."""
        if not isinstance(other, PairwiseGame):
            return NotImplemented
        if (self._true is None) != (other._true is None):
            return False
        return (self.shape == other.shape and np.array_equal(self._A, other._A)
                and np.array_equal(self._B, other._B) and (self._true is None or self._true == other._true))


@dataclass(frozen=True, eq=False)
class GameClassification(Result):
    """The ordinal class of a 2×2 game (see :meth:`PairwiseGame.classify`).

    Attributes
    ----------
    name : str
        Common type of both players (``"prisoner's dilemma"``, ``"stag hunt"``,
        ``"chicken"``, ``"harmony"``, ``"deadlock"``, ``"coordination"``),
        ``"asymmetric"`` when they differ, ``"degenerate"`` on ties.
    row_type, col_type : str
        Each player's own type.
    regime : Regime
        The long-run outcome read from the strict pure equilibria (``bistable``, ``cycling`` ...).
    players : tuple of str
    """

    name: str
    row_type: str
    col_type: str
    regime: Regime
    players: tuple[str, ...] = ()

    def summary(self) -> Summary:
        """The class, each player's type and the regime."""
        rows = []
        if self.game is not None:
            A, B = self.game.row_payoffs, self.game.col_payoffs
            labels = self.game.actions
            for i in range(2):
                for j in range(2):
                    rows.append((f"({labels[0][i]}, {labels[1][j]})", A[i, j],
                                 B[i, j]))
        facts = (("class", self.name), (f"type of {self.players[0]}", self.row_type),
                 (f"type of {self.players[1]}", self.col_type), ("regime", self.regime))
        cols = ("outcome", self.players[0], self.players[1]) if rows else ()
        return Summary(title="2x2 game classification", facts=facts, columns=cols, rows=tuple(rows))


def _true_twin(game: PairwiseGame, true_payoffs: tuple[ArrayLike, ArrayLike] | None, *,
               func: str) -> PairwiseGame | None:
    """The game of the true payoffs behind perceived ones; None when there are none or they are the payoffs."""
    if true_payoffs is None:
        return None
    pair = (isinstance(true_payoffs, Sequence) and not isinstance(true_payoffs, (str, bytes))) \
        or (isinstance(true_payoffs, np.ndarray) and true_payoffs.ndim >= 1)
    if not pair or len(true_payoffs) != 2:
        raise InvalidGameError(f"{func}(): true_payoffs must be a pair (row payoffs, column payoffs) of arrays; "
                               f"got {_short(true_payoffs)}")
    A = as_float_array(true_payoffs[0], func=func, name="true_payoffs[0]", ndim=2)
    B = as_float_array(true_payoffs[1], func=func, name="true_payoffs[1]", ndim=2)
    if A.shape != game.shape or B.shape != game.shape:
        raise InvalidGameError(f"{func}(): true_payoffs must have the payoffs' shape {game.shape}; "
                               f"got {A.shape} and {B.shape}")
    if np.array_equal(A, game._A) and np.array_equal(B, game._B):
        return None
    return PairwiseGame(A, B, players=game._players, actions=game._actions)


def _player_type(own: np.ndarray, tol: float) -> str:
    R, S, T, P = own[0, 0], own[0, 1], own[1, 0], own[1, 1]
    if abs(R - T) <= tol or abs(S - P) <= tol:
        return "tie"
    if R > T and S > P:
        return "harmony"
    if T > R and S > P:
        return "chicken"
    if T > R:  # and P > S: defection dominant
        return "prisoner's dilemma" if R > P + tol else "deadlock"
    return "stag hunt" if R > P + tol else "coordination"


def two_city_payoffs(cost: ArrayLike, synergy: ArrayLike, alpha: ArrayLike, free_ride_gain: ArrayLike,
                     lone_loss: ArrayLike, reward: ArrayLike, penalty: ArrayLike, base: ArrayLike = 0.0, *,
                     penalise_mutual_defection: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Payoff matrices of the two-city game (MODELS.md BM1) for a stack of parameter values; no validation.

    The one place the BM1 payoffs are written: :meth:`PairwiseGame.from_two_city`
    (which validates its arguments first) and the batched model builders of a
    parameter sweep both call it.

    Parameters
    ----------
    cost, free_ride_gain, lone_loss, reward, penalty, base : array_like, shape (..., 2)
        Per-city values ``(city A, city B)``; anything broadcasting to ``(..., 2)``.
    synergy, alpha : array_like, shape (...)
        ``ΔR`` and city A's share ``α`` of it.
    penalise_mutual_defection : bool, default True

    Returns
    -------
    A, B : ndarray, shape (..., 2, 2)
        Row (city A) and column (city B) payoffs, rows and columns ordered (C, D).

    Examples
    --------
    >>> A, B = two_city_payoffs(4, [6, 0], 0.5, 2, 1, 2, 1.5)
    >>> A.shape, A[0].tolist()
    ((2, 2, 2), [[1.0, -3.0], [0.5, -1.5]])
    """
    f = np.float64
    dR = np.asarray(synergy, dtype=f)
    a = np.asarray(alpha, dtype=f)
    share = np.stack(np.broadcast_arrays(a * dR, (1.0 - a) * dR), axis=-1)
    C, E, L, W, F, R = (np.asarray(x, dtype=f) for x in (cost, free_ride_gain, lone_loss, reward, penalty, base))
    shape = np.broadcast_shapes(share.shape, C.shape, E.shape, L.shape, W.shape, F.shape, R.shape)
    # own[..., i, s, t]: city i's payoff when it plays s and the other plays t.
    own = np.empty((*shape[:-1], 2, 2, 2))
    own[..., 0, 0] = R + share - C + W
    own[..., 0, 1] = R - C - L + W
    own[..., 1, 0] = R + E - F
    own[..., 1, 1] = R - F if penalise_mutual_defection else np.broadcast_to(R, shape)
    return own[..., 0, :, :], np.swapaxes(own[..., 1, :, :], -1, -2)


def _pair(value: ArrayLike, *, func: str, name: str, minimum: float | None = None,
          strict: bool = False) -> np.ndarray:
    arr = as_float_array(value, func=func, name=name, error=InvalidParameterError)
    if arr.ndim == 0:
        arr = np.array([float(arr), float(arr)])
    if arr.shape != (2,):
        raise InvalidParameterError(f"{func}(): {name} must be a number or a pair (city A, city B); "
                                    f"got shape {arr.shape}")
    if minimum is not None and (np.any(arr <= minimum) if strict else np.any(arr < minimum)):
        rel = ">" if strict else ">="
        raise InvalidParameterError(f"{func}(): {name} must be {rel} {minimum:g}; got {arr.tolist()}")
    return arr


def _check_actions(actions: Sequence[Sequence[str]] | None, shape: tuple[int, ...], *,
                   func: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    m, n = shape
    if actions is None:
        if (m, n) == (2, 2):
            return _TWO_BY_TWO_ACTIONS, _TWO_BY_TWO_ACTIONS
        return tuple(f"r{i + 1}" for i in range(m)), tuple(f"c{j + 1}" for j in range(n))
    if isinstance(actions, str) or len(actions) != 2:
        raise InvalidGameError(f"{func}(): actions must be a pair (row labels, column labels); got {actions!r}")
    out = []
    for labels, size, who in zip(actions, (m, n), ("row", "column")):
        if isinstance(labels, str):
            raise InvalidGameError(f"{func}(): {who} action labels must be a sequence; got {labels!r}")
        labels = tuple(str(a) for a in labels)
        if len(labels) != size or len(set(labels)) != size:
            raise InvalidGameError(f"{func}(): the {who} player needs {size} distinct action labels; "
                                   f"got {list(labels)}")
        out.append(labels)
    return out[0], out[1]

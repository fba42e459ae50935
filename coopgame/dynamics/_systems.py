"""Turn a game into the vector field of its replicator dynamics.

Two kinds of system cover every game the package evolves:

* :class:`BinarySystem` -- every population has two actions (a 2×2 pairwise
  game, the n-city game). The state is the share ``x_p`` of population ``p``
  playing action 0 (*cooperate*), and the field is
  ``dx_p/dt = x_p (1 - x_p) g_p(x)`` with ``g_p`` the payoff advantage of
  action 0 over action 1.
* :class:`BimatrixSystem` -- a general ``m × n`` bimatrix game; the state is the
  pair of mixed strategies ``(x, y)`` on two simplices.

Arrays inside are laid out population-major, ``(dim, K)`` for ``K`` states, so
that one population's shares over the whole batch are contiguous.

Every system holds its payoffs divided by ``norm`` (the power of two within a
factor 2 of the payoff scale, so the division is exact; 1 for an all-zero
game), so its :meth:`unit_field` has unit scale whatever the money
unit: payoffs near the float maximum cannot overflow, and multiplying every
payoff by ``c`` only rescales time (``x_c(t) = x_1(c t)``). :meth:`field` is the
field in the game's own unit, ``norm`` times the unit field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from coopgame._validation import as_float_array
from coopgame.errors import InvalidGameError
from coopgame.tolerances import payoff_scale, power_of_two_below

__all__ = ["BimatrixSystem", "BinarySystem", "as_system", "two_by_two_coefficients"]

GainFunction = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True, eq=False)
class BinarySystem:
    """Populations with two actions each; ``gains(x)`` maps shares ``(P, K)`` to advantages ``(P, K)``.

    ``gains`` and ``coefficients`` are in units of ``norm`` (unit scale); ``scale``
    is the game's payoff scale (0 for an all-zero game).
    """

    gains: GainFunction
    labels: tuple[str, ...]
    scale: float
    kind: str  # "pairwise", "ncity" or "table" (a BinaryActionGame)
    coefficients: np.ndarray | None = None  # 2×2 only: [[a_A, b_A], [a_B, b_B]] / norm
    game: Any = None

    @property
    def dim(self) -> int:
        return len(self.labels)

    @property
    def norm(self) -> float:
        """The factor the payoffs were divided by: a power of two in (scale/2, scale], 1 for an all-zero game."""
        return power_of_two_below(self.scale)

    def unit_field(self, x: np.ndarray) -> np.ndarray:
        """``x (1 - x) g(x) / norm`` for shares ``x`` of shape ``(P, K)``."""
        return x * (1.0 - x) * self.gains(x)

    def field(self, x: np.ndarray) -> np.ndarray:
        """``x (1 - x) g(x)`` in the game's payoff unit (may overflow to inf near the float maximum)."""
        with np.errstate(over="ignore"):
            return self.unit_field(x) * self.norm

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        """Jacobian of :meth:`unit_field` at one state ``x`` of shape ``(P,)`` (exact differences of g off the diagonal)."""
        x = np.asarray(x, dtype=float)
        P = x.size
        g = self.gains(x[:, None])[:, 0]
        if self.coefficients is not None:  # exact for 2×2: g_A = a_A + b_A y, g_B = a_B + b_B x
            dg = np.array([[0.0, self.coefficients[0, 1]], [self.coefficients[1, 1], 0.0]])
        else:
            dg = gain_derivatives(self.gains, x)
        J = (x * (1.0 - x))[:, None] * dg
        J[np.diag_indices(P)] += (1.0 - 2.0 * x) * g
        return J


def gain_derivatives(gains: GainFunction, x: np.ndarray) -> np.ndarray:
    """``d g_p / d x_q`` at ``x``, exact for gains that are affine in each ``x_q`` (multilinear payoffs).

    Evaluates g at ``x_q = 0`` and ``x_q = 1`` with the other shares fixed: the
    difference is the exact partial derivative of a multilinear function.
    """
    P = x.size
    lo = np.repeat(x[:, None], P, axis=1)
    hi = lo.copy()
    idx = np.arange(P)
    lo[idx, idx] = 0.0
    hi[idx, idx] = 1.0
    # column q of (gains(hi) - gains(lo)) is the derivative with respect to x_q
    return gains(hi) - gains(lo)


@dataclass(frozen=True, eq=False)
class BimatrixSystem:
    """Two populations with ``m`` and ``n`` actions; payoffs ``A`` (row) and ``B`` (column) divided by ``norm``."""

    A: np.ndarray
    B: np.ndarray
    labels: tuple[str, ...]
    scale: float
    game: Any = None

    @property
    def dim(self) -> int:
        return self.A.shape[0] + self.A.shape[1]

    @property
    def norm(self) -> float:
        """The factor the payoffs were divided by: a power of two in (scale/2, scale], 1 for an all-zero game."""
        return power_of_two_below(self.scale)

    def unit_field(self, z: np.ndarray) -> np.ndarray:
        """Replicator field / norm for stacked mixed strategies ``z = (x, y)`` of shape ``(m + n, K)``."""
        m = self.A.shape[0]
        x, y = z[:m], z[m:]
        ay = self.A @ y
        bx = self.B.T @ x
        return np.concatenate([x * (ay - (x * ay).sum(0)), y * (bx - (y * bx).sum(0))])

    def field(self, z: np.ndarray) -> np.ndarray:
        """The replicator field in the game's payoff unit (may overflow to inf near the float maximum)."""
        with np.errstate(over="ignore"):
            return self.unit_field(z) * self.norm


def two_by_two_coefficients(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """``[[a_A, b_A], [a_B, b_B]]`` with g_A(y) = a_A + b_A y and g_B(x) = a_B + b_B x.

    Action 0 is cooperate; ``a`` is the advantage of cooperating against a
    defector and ``a + b`` against a cooperator (MODELS.md §1, item 1).
    """
    a_A = A[0, 1] - A[1, 1]
    b_A = (A[0, 0] - A[1, 0]) - a_A
    a_B = B[1, 0] - B[1, 1]
    b_B = (B[0, 0] - B[0, 1]) - a_B
    return np.array([[a_A, b_A], [a_B, b_B]], dtype=float)


def _unit(scale: float, *arrays: np.ndarray) -> list[np.ndarray]:
    """``arrays`` divided by :func:`coopgame.tolerances.power_of_two_below` of the payoff scale: exact, entries in [-2, 2]."""
    norm = power_of_two_below(scale)
    return [np.asarray(a, dtype=float) / norm for a in arrays]


def _pairwise_binary(A: np.ndarray, B: np.ndarray, labels: tuple[str, ...], game: Any) -> BinarySystem:
    scale = payoff_scale(A, B)
    A, B = _unit(scale, A, B)  # differences of unit payoffs cannot overflow (|a - b| <= 4)
    coef = two_by_two_coefficients(A, B)
    a_A, b_A = coef[0]
    a_B, b_B = coef[1]

    def gains(x: np.ndarray) -> np.ndarray:
        out = np.empty_like(x)
        np.multiply(x[1], b_A, out=out[0])
        out[0] += a_A
        np.multiply(x[0], b_B, out=out[1])
        out[1] += a_B
        return out

    coef.setflags(write=False)
    return BinarySystem(gains=gains, labels=labels, scale=scale, kind="pairwise",
                        coefficients=coef, game=game)


def _ncity_binary(game: Any, func: str) -> BinarySystem:
    """n-population system of an n-city game: one population per (issue layer, city).

    The game's perceived gain from cooperating is affine in the others'
    shares, ``g = h + S x`` per layer (``NCityGame.gain_terms``), and layers do
    not interact, so the state is the ``K·n`` shares, layer by layer.
    """
    h, S = game.gain_terms(perceived=True)
    scale = payoff_scale(h, S)
    h, S = _unit(scale, h, S)
    k, n = h.shape
    if k == 1:
        h0, S0 = h[0][:, None], S[0]

        def gains(x: np.ndarray) -> np.ndarray:
            return S0 @ x + h0
    else:
        hk = h.reshape(k * n)[:, None]

        def gains(x: np.ndarray) -> np.ndarray:
            xs = x.reshape(k, n, -1)
            return (np.matmul(S, xs).reshape(k * n, -1)) + hk

    players = tuple(str(p) for p in game.players)
    if k == 1:
        labels = players
    else:
        labels = tuple(f"{p}/{issue}" for issue in game.issues for p in players)
    return BinarySystem(gains=gains, labels=labels, scale=scale, kind="ncity", game=game)


def _table_binary(game: Any) -> BinarySystem:
    """n-population system of a :class:`~coopgame.BinaryActionGame`: one population per player.

    The advantage of action 1 is the exact expectation of the payoff table's
    advantages over the profiles, each player mixing independently (the
    multilinear extension), evaluated in blocks of states so that the
    ``2**n``-by-states probability table stays near 32 MiB.
    """
    from coopgame.games.binary import advantages, profile_probabilities

    scale = game.payoff_scale
    (table,) = _unit(scale, game.payoff_table)
    adv_t = np.ascontiguousarray(advantages(table).T)          # (n, 2**n), unit payoffs
    block = max(1, (1 << 22) >> game.n_players)

    def gains(x: np.ndarray) -> np.ndarray:
        out = np.empty_like(x)
        for start in range(0, x.shape[1], block):
            out[:, start:start + block] = adv_t @ profile_probabilities(x[:, start:start + block])
        return out

    return BinarySystem(gains=gains, labels=tuple(game.players), scale=scale, kind="table", game=game)


def as_system(game: Any, *, func: str) -> BinarySystem | BimatrixSystem:
    """The replicator system of ``game``.

    Accepts a :class:`~coopgame.PairwiseGame`, a pair of payoff matrices
    ``(A, B)``, an :class:`~coopgame.NCityGame` (whose perceived gain from
    cooperating, ``g(x) = h + S x`` per issue layer, drives the dynamics), or
    a :class:`~coopgame.BinaryActionGame` (the share is that of action 1).
    """
    if hasattr(game, "advantage_table") and hasattr(game, "payoff_table"):
        system = _table_binary(game)
        if not np.isfinite(system.scale):
            raise InvalidGameError(f"{func}(): the game's payoffs must be finite; got scale {system.scale!r}")
        return system
    if hasattr(game, "gain_terms") and hasattr(game, "n_players"):
        system = _ncity_binary(game, func)
        if not np.isfinite(system.scale):
            raise InvalidGameError(f"{func}(): the game's gains from cooperating must be finite; got "
                                   f"{system.scale!r} (the parameters overflow a float)")
        return system
    if hasattr(game, "row_payoffs") and hasattr(game, "col_payoffs"):
        A = np.asarray(game.row_payoffs, dtype=float)
        B = np.asarray(game.col_payoffs, dtype=float)
        labels = tuple(str(p) for p in getattr(game, "players", ("1", "2")))
    elif isinstance(game, (tuple, list)) and len(game) == 2:
        A = as_float_array(game[0], func=func, name="game[0] (row payoffs)", ndim=2)
        B = as_float_array(game[1], func=func, name="game[1] (column payoffs)", ndim=2)
        if A.shape != B.shape or 0 in A.shape:
            raise InvalidGameError(f"{func}(): the two payoff matrices must have the same non-empty shape; "
                                   f"got {A.shape} and {B.shape}")
        labels = ("1", "2")
        game = None
    else:
        raise InvalidGameError(f"{func}(): game must be a PairwiseGame, a pair of payoff matrices (A, B) "
                               f"or an n-city game; got {type(game).__name__}")
    if not (np.all(np.isfinite(A)) and np.all(np.isfinite(B))):
        raise InvalidGameError(f"{func}(): the payoffs must be finite numbers; got a non-finite payoff")
    if A.shape == (2, 2):
        return _pairwise_binary(A, B, labels, game)
    scale = payoff_scale(A, B)
    A, B = _unit(scale, A, B)
    A.setflags(write=False)
    B.setflags(write=False)
    return BimatrixSystem(A=A, B=B, labels=labels, scale=scale, game=game)

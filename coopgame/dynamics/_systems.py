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
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from coopgame._validation import as_float_array
from coopgame.errors import InvalidGameError
from coopgame.tolerances import payoff_scale

__all__ = ["BimatrixSystem", "BinarySystem", "as_system", "two_by_two_coefficients"]

GainFunction = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True, eq=False)
class BinarySystem:
    """Populations with two actions each; ``gains(x)`` maps shares ``(P, K)`` to advantages ``(P, K)``."""

    gains: GainFunction
    labels: tuple[str, ...]
    scale: float
    kind: str  # "pairwise" or "ncity"
    coefficients: np.ndarray | None = None  # 2×2 only: [[a_A, b_A], [a_B, b_B]]
    game: Any = None

    @property
    def dim(self) -> int:
        return len(self.labels)

    def field(self, x: np.ndarray) -> np.ndarray:
        """``x (1 - x) g(x)`` for shares ``x`` of shape ``(P, K)``."""
        return x * (1.0 - x) * self.gains(x)

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        """Jacobian of :meth:`field` at one state ``x`` of shape ``(P,)`` (central differences of g off the diagonal)."""
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
    """Two populations with ``m`` and ``n`` actions; payoffs ``A`` (row) and ``B`` (column)."""

    A: np.ndarray
    B: np.ndarray
    labels: tuple[str, ...]
    scale: float
    game: Any = None

    @property
    def dim(self) -> int:
        return self.A.shape[0] + self.A.shape[1]

    def field(self, z: np.ndarray) -> np.ndarray:
        """Replicator field for stacked mixed strategies ``z = (x, y)`` of shape ``(m + n, K)``."""
        m = self.A.shape[0]
        x, y = z[:m], z[m:]
        ay = self.A @ y
        bx = self.B.T @ x
        return np.concatenate([x * (ay - (x * ay).sum(0)), y * (bx - (y * bx).sum(0))])


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


def _pairwise_binary(A: np.ndarray, B: np.ndarray, labels: tuple[str, ...], game: Any) -> BinarySystem:
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
    return BinarySystem(gains=gains, labels=labels, scale=payoff_scale(A, B), kind="pairwise",
                        coefficients=coef, game=game)


def _ncity_binary(game: Any, func: str) -> BinarySystem:
    """n-population system of an n-city game: one population per (issue layer, city).

    The game's perceived gain from cooperating is affine in the others'
    shares, ``g = h + S x`` per layer (``NCityGame.gain_terms``), and layers do
    not interact, so the state is the ``K·n`` shares, layer by layer.
    """
    h, S = game.gain_terms(perceived=True)
    h = np.asarray(h, dtype=float)
    S = np.asarray(S, dtype=float)
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
    scale = payoff_scale(h, S)
    return BinarySystem(gains=gains, labels=labels, scale=scale, kind="ncity", game=game)


def as_system(game: Any, *, func: str) -> BinarySystem | BimatrixSystem:
    """The replicator system of ``game``.

    Accepts a :class:`~coopgame.PairwiseGame`, a pair of payoff matrices
    ``(A, B)``, or an :class:`~coopgame.NCityGame` (whose perceived gain from
    cooperating, ``g(x) = h + S x`` per issue layer, drives the dynamics).
    """
    if hasattr(game, "gain_terms") and hasattr(game, "n_players"):
        return _ncity_binary(game, func)
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
    if A.shape == (2, 2):
        return _pairwise_binary(A, B, labels, game)
    A = A.copy()
    B = B.copy()
    A.setflags(write=False)
    B.setflags(write=False)
    return BimatrixSystem(A=A, B=B, labels=labels, scale=payoff_scale(A, B), game=game)

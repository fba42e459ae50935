"""Structured TU games: additive + pairwise (+ cost) terms, never stored densely.

The TU game of the n-city model is quadratic in membership (DESIGN §2.2):

    v(S) = Σ_{i∈S} a_i + Σ_{i,j∈S, i≠j} M_ij

so its Shapley value has the closed form ``φ_i = a_i + ½ Σ_j (M_ij + M_ji)``,
exact at any n. The dense vector is produced only on request.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from coopgame._bitmask import additive_values, membership_matrix
from coopgame._memory import ensure_dense_fits
from coopgame._typing import FloatMatrix, FloatVector
from coopgame._validation import as_float_array, as_readonly, check_players
from coopgame.errors import InvalidGameError
from coopgame.games.tu import TUGame

__all__ = ["StructuredGame"]


class StructuredGame:
    """A TU game ``v(S) = Σ_{i∈S} a_i + Σ_{i≠j∈S} M_ij`` kept in structured form.

    Parameters
    ----------
    additive : array_like, shape (n,)
        ``a_i``, what player i brings alone.
    pairwise : array_like, shape (n, n), optional
        ``M_ij`` for ordered pairs, earned when both i and j are in S. The
        diagonal must be zero. Default: no pairwise terms.
    players : sequence of str, optional
        Labels.

    Examples
    --------
    >>> g = StructuredGame([1.0, 2.0, 0.0], [[0, 1, 0], [1, 0, 0], [0, 0, 0]])
    >>> g.value_of_masks(np.array([3, 7])).tolist()
    [5.0, 5.0]
    >>> g.to_tu().values.tolist()
    [0.0, 1.0, 2.0, 5.0, 0.0, 1.0, 2.0, 5.0]
    """

    __slots__ = ("_additive", "_pairwise", "_players")
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, additive: ArrayLike, pairwise: ArrayLike | None = None,
                 players: Sequence[str] | None = None) -> None:
        a = as_float_array(additive, func="StructuredGame", name="additive", ndim=1)
        n = a.shape[0]
        if n < 1:
            raise InvalidGameError("StructuredGame(): additive must have at least one entry; got 0")
        if pairwise is None:
            m = np.zeros((n, n))
        else:
            m = as_float_array(pairwise, func="StructuredGame", name="pairwise", shape=(n, n))
            if np.any(np.diag(m) != 0):
                raise InvalidGameError(
                    f"StructuredGame(): pairwise must have a zero diagonal; got {np.diag(m).tolist()}")
        self._additive = as_readonly(a)
        self._pairwise = as_readonly(m)
        self._players = check_players(players, n, func="StructuredGame")

    @property
    def additive(self) -> FloatVector:
        """``a_i`` (read-only)."""
        return self._additive

    @property
    def pairwise(self) -> FloatMatrix:
        """``M_ij`` (read-only), zero diagonal."""
        return self._pairwise

    @property
    def players(self) -> tuple[str, ...]:
        """Player labels."""
        return self._players

    @property
    def n_players(self) -> int:
        """Number of players."""
        return self._additive.shape[0]

    @property
    def grand_value(self) -> float:
        """v(N)."""
        return float(self._additive.sum() + self._pairwise.sum())

    def value_of_masks(self, masks: ArrayLike) -> FloatVector:
        """v(S) for an array of bitmasks (works for any n up to 62, no dense vector)."""
        masks = np.asarray(masks, dtype=np.int64)
        member = membership_matrix(masks, self.n_players).astype(np.float64)
        return member @ self._additive + np.einsum("ki,ij,kj->k", member, self._pairwise, member)

    def to_tu(self) -> TUGame:
        """The dense :class:`TUGame` (refused, before allocating, when it would not fit)."""
        n = self.n_players
        ensure_dense_fits(n, func="StructuredGame.to_tu", arrays=3)
        # v = additive part + Σ over ordered pairs, built by doubling over players.
        values = np.zeros(1)
        for i in range(n):
            # Adding player i to every coalition T ⊆ {0..i-1}: gains a_i + Σ_{j∈T} (M_ij + M_ji).
            link = self._pairwise[i, :i] + self._pairwise[:i, i]
            gain = self._additive[i] + additive_values(link)
            values = np.concatenate((values, values + gain))
        return TUGame(values, self._players)

    def __repr__(self) -> str:
        return f"StructuredGame(n_players={self.n_players}, v(N)={self.grand_value:g})"


"""n-player games with two actions each, given by their full payoff table.

Some games of the package have no closed form in the players' actions: the
payment game of a cooperation fund (:mod:`coopgame.policy.mechanism`) runs a
project only when its members have paid and the fund covers it, so a city's
payoff jumps with the others' choices. Such a game is stored as its payoff
table ``payoffs[mask, i]`` over the ``2**n`` pure profiles (bit ``i`` of
``mask`` set iff player ``i`` plays action 1), and the solvers read it:
:func:`coopgame.pure_equilibria` scans the table, and the n-population
replicator (:func:`coopgame.replicator_dynamics`) uses the exact expected
advantage of action 1 under independent mixing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from coopgame._memory import ensure_dense_fits
from coopgame._pickling import ReadOnlyState
from coopgame._validation import _describe, as_float_array, check_players, label_sequence
from coopgame.errors import InvalidGameError, InvalidParameterError
from coopgame.games.tu import seal
from coopgame.tolerances import payoff_scale

__all__ = ["BinaryActionGame", "MAX_TABLE_PLAYERS", "advantages", "profile_probabilities"]

MAX_TABLE_PLAYERS: int = 24
"""Most players a payoff table may have: ``2**24 x 24`` payoffs are 3 GiB."""


class BinaryActionGame(ReadOnlyState):
    """An n-player game in which every player chooses action 0 or action 1.

    Parameters
    ----------
    payoffs : array_like, shape (2**n, n)
        ``payoffs[mask, i]``: player ``i``'s payoff in the pure profile whose
        bit ``j`` is set iff player ``j`` plays action 1 (finite reals).
    players : sequence of str, optional
        One distinct label per player (default ``"1"``, ``"2"``, ...).
    actions : pair of str, default ("0", "1")
        Names of action 0 and action 1 (e.g. ``("withhold", "pay")``).

    Examples
    --------
    A two-player prisoner's dilemma, action 1 = cooperate:

    >>> g = BinaryActionGame([[1, 1], [0, 5], [5, 0], [3, 3]], actions=("defect", "cooperate"))
    >>> g.advantage_table().tolist()      # what switching to "cooperate" gains, profile by profile
    [[-1.0, -1.0], [-1.0, -2.0], [-2.0, -1.0], [-2.0, -2.0]]
    >>> g.payoffs([0b11]).tolist()
    [[3.0, 3.0]]
    """

    __slots__ = ("_table", "_players", "_actions", "_n", "_scale")
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, payoffs: ArrayLike, players: Sequence[str] | None = None,
                 actions: Sequence[str] = ("0", "1")) -> None:
        func = "BinaryActionGame"
        players = label_sequence(players, func=func)
        table = as_float_array(payoffs, func=func, name="payoffs", ndim=2, error=InvalidGameError)
        rows, n = table.shape
        if n < 1 or rows != 1 << n:
            raise InvalidGameError(f"{func}(): payoffs must have shape (2**n, n), one row per pure profile and one "
                                   f"column per player; got shape {table.shape}")
        if n > MAX_TABLE_PLAYERS:
            raise InvalidGameError(f"{func}(): at most {MAX_TABLE_PLAYERS} players; got {n}")
        if isinstance(actions, (str, bytes)) or not isinstance(actions, Sequence) or len(actions) != 2:
            raise InvalidParameterError(f"{func}(): actions must be a pair of names (action 0, action 1); "
                                        f"got {_describe(actions)}")
        names = tuple(actions)
        if not all(isinstance(a, str) and a.strip() for a in names) or names[0] == names[1]:
            raise InvalidParameterError(f"{func}(): actions must be two distinct non-empty strings; got {names!r}")
        set_ = object.__setattr__
        set_(self, "_table", seal(table))
        set_(self, "_n", n)
        set_(self, "_players", check_players(players, n, func=func))
        set_(self, "_actions", names)
        set_(self, "_scale", payoff_scale(table))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"BinaryActionGame is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"BinaryActionGame is immutable; cannot delete {name!r}")

    def __repr__(self) -> str:
        return (f"BinaryActionGame(n_players={self._n}, actions={self._actions!r}, "
                f"players={list(self._players)!r})")

    def _repr_html_(self) -> str:
        """Jupyter shows a compact summary table (:mod:`coopgame._display`), never all 2**n values of a big game."""
        from coopgame._display import html_of, binary_summary

        return html_of(self, binary_summary)

    @property
    def n_players(self) -> int:
        """Number of players n."""
        return self._n

    @property
    def players(self) -> tuple[str, ...]:
        """The players' labels."""
        return self._players

    @property
    def actions(self) -> tuple[str, str]:
        """Names of action 0 and action 1."""
        return self._actions  # type: ignore[return-value]

    @property
    def payoff_scale(self) -> float:
        """Largest absolute payoff: relative tolerances multiply it (0 for an all-zero game)."""
        return self._scale

    @property
    def payoff_table(self) -> np.ndarray:
        """The read-only table ``(2**n, n)``."""
        return self._table

    def payoffs(self, profiles: ArrayLike) -> np.ndarray:
        """Payoffs ``(m, n)`` of pure profiles given as bitmasks ``(m,)`` (bit i set iff player i plays 1)."""
        func = "BinaryActionGame.payoffs"
        masks = np.asarray(profiles)
        if masks.ndim != 1 or masks.dtype.kind not in "iu" or (
                masks.size and (masks.min() < 0 or masks.max() >= 1 << self._n)):
            raise InvalidParameterError(f"{func}(): profiles must be a 1-D array of integer bitmasks in "
                                        f"[0, 2**{self._n}); got {_describe(profiles)}")
        return self._table[masks.astype(np.int64)]

    def advantage_table(self) -> np.ndarray:
        """``A[mask, i] = u_i(mask with i playing 1) − u_i(mask with i playing 0)``, shape ``(2**n, n)``.

        Row ``mask`` depends only on the other players' bits, so every
        profile appears with both of its player's actions.
        """
        return advantages(self._table)

    def expected_advantage(self, shares: ArrayLike) -> np.ndarray:
        """Expected advantage of action 1 for every player when the others mix independently.

        Parameters
        ----------
        shares : array_like, shape (n,) or (n, K)
            Probability (population share) of action 1 per player; ``K``
            states at once.

        Returns
        -------
        ndarray, same shape as ``shares``
            ``E[u_i(1, y_{-i}) − u_i(0, y_{-i})]`` with ``y_j ~ Bernoulli(x_j)``:
            the multilinear extension of :meth:`advantage_table`, exact.

        Examples
        --------
        >>> g = BinaryActionGame([[1, 1], [0, 5], [5, 0], [3, 3]])
        >>> g.expected_advantage([0.5, 0.5]).tolist()
        [-1.5, -1.5]
        """
        func = "BinaryActionGame.expected_advantage"
        x = as_float_array(shares, func=func, name="shares", error=InvalidParameterError)
        if x.ndim not in (1, 2) or x.shape[0] != self._n or np.any((x < 0) | (x > 1)):
            raise InvalidParameterError(f"{func}(): shares must be probabilities in [0, 1], shape (n,) or (n, K) "
                                        f"with n = {self._n}; got shape {x.shape}")
        return self.advantage_table().T @ profile_probabilities(x)


def advantages(table: np.ndarray) -> np.ndarray:
    """:meth:`BinaryActionGame.advantage_table` of a payoff table ``(..., 2**n, n)`` (one gather per player).

    Leading axes hold stacked games (e.g. one per draw of an uncertainty analysis): each gets its own advantages.

    Examples
    --------
    >>> t = np.array([[0.0, 0.0], [1.0, -1.0], [-2.0, 3.0], [4.0, 5.0]])
    >>> advantages(t).tolist()
    [[1.0, 3.0], [1.0, 6.0], [6.0, 3.0], [6.0, 6.0]]
    >>> advantages(np.stack([t, 2 * t])).shape
    (2, 4, 2)
    """
    n = table.shape[-1]
    masks = np.arange(table.shape[-2])
    out = np.empty_like(table)
    for i in range(n):
        on, off = masks | (1 << i), masks & ~(1 << i)
        out[..., i] = table[..., on, i] - table[..., off, i]
    return out


def profile_probabilities(shares: np.ndarray) -> np.ndarray:
    """``P[mask, ...] = Π_i x_i**bit_i (1 − x_i)**(1 − bit_i)`` for shares ``x`` of shape ``(n, ...)``.

    Built by doubling, one player at a time, in ``O(2**n)`` per state.

    Examples
    --------
    >>> profile_probabilities(np.array([0.25, 0.5])).tolist()
    [0.375, 0.125, 0.375, 0.125]
    """
    n = shares.shape[0]
    ensure_dense_fits(n, func="profile_probabilities", arrays=max(1, int(np.prod(shares.shape[1:]))))
    prob = np.ones((1, *shares.shape[1:]))
    for i in range(n):
        prob = np.concatenate(((1.0 - shares[i]) * prob, shares[i] * prob), axis=0)
    return prob

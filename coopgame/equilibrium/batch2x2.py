"""Every extreme equilibrium of millions of 2×2 games in one call (parameter sweeps).

The closed form of :mod:`coopgame.equilibrium._two_by_two`, vectorised with
branch-free masks: no Python loop over games. Equilibria are reported in nine
fixed slots per game (see :data:`SLOTS`), a boolean ``flags[g, s]`` saying
whether slot ``s`` is an equilibrium of game ``g``, plus the two indifference
mixes ``p`` and ``q``. Listing game g's flagged slots in order gives exactly
``nash_equilibria(PairwiseGame(A[g], B[g])).equilibria``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from coopgame._validation import as_float_array, check_tol
from coopgame.equilibrium._two_by_two import SAFE_HIGH, SAFE_LOW
from coopgame.errors import InvalidGameError
from coopgame.results import Result, Summary
from coopgame.tolerances import EQUILIBRIUM_TOL

__all__ = ["batch_equilibria_2x2", "BatchEquilibria2x2", "SLOTS"]

SLOTS: tuple[str, ...] = (
    "pure (0,0)", "pure (0,1)", "pure (1,0)", "pure (1,1)",
    "row 0, column mixed q", "row 1, column mixed q",
    "row mixed p, column 0", "row mixed p, column 1",
    "both mixed (p, q)",
)
"""Meaning of the nine equilibrium slots, in canonical order."""

# Row / column probability of action 0 in each slot; NaN = "the mix p" or "the mix q".
_ROW0 = np.array([1, 1, 0, 0, 1, 0, np.nan, np.nan, np.nan])
_COL0 = np.array([1, 0, 1, 0, np.nan, np.nan, 1, 0, np.nan])


@dataclass(frozen=True, eq=False)
class BatchEquilibria2x2(Result):
    """Extreme equilibria of a batch of 2×2 games.

    Attributes
    ----------
    flags : ndarray of bool, shape (N, 9)
        ``flags[g, s]``: slot ``s`` (see :data:`SLOTS`) is an equilibrium of game g.
    p, q : ndarray, shape (N,)
        Row / column player's probability of action 0 in the mixed slots
        (the mix that makes the *other* player indifferent); NaN when none.
    method : str
    parameters : dict
    degenerate : ndarray of bool, shape (N,)
        Some pure strategy has two best responses (a payoff tie).
    counts : ndarray of int, shape (N,)
        Number of extreme equilibria of each game.
    """

    flags: np.ndarray
    p: np.ndarray
    q: np.ndarray
    method: str
    parameters: Mapping[str, Any]
    degenerate: np.ndarray
    counts: np.ndarray = field(repr=False, default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.counts is None:
            object.__setattr__(self, "counts", self.flags.sum(axis=1))

    @property
    def n_games(self) -> int:
        """Number of games N."""
        return self.flags.shape[0]

    def equilibria(self, g: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """Game ``g``'s equilibria as ``(x, y)`` pairs, in the order of :func:`coopgame.nash_equilibria`."""
        out = []
        for s in np.flatnonzero(self.flags[g]):
            r = self.p[g] if np.isnan(_ROW0[s]) else _ROW0[s]
            c = self.q[g] if np.isnan(_COL0[s]) else _COL0[s]
            out.append((np.array([r, 1.0 - r]), np.array([c, 1.0 - c])))
        return out

    def strategies(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Padded arrays ``(X, Y, counts)``: ``X[g, k]`` is the k-th equilibrium's row strategy, NaN-padded."""
        k = int(self.counts.max()) if self.n_games else 0
        row0 = np.where(np.isnan(_ROW0), self.p[:, None], _ROW0)
        col0 = np.where(np.isnan(_COL0), self.q[:, None], _COL0)
        order = np.argsort(~self.flags, axis=1, kind="stable")[:, :k]
        take_r = np.take_along_axis(row0, order, axis=1)
        take_c = np.take_along_axis(col0, order, axis=1)
        valid = np.arange(k) < self.counts[:, None]
        take_r = np.where(valid, take_r, np.nan)
        take_c = np.where(valid, take_c, np.nan)
        X = np.stack((take_r, 1.0 - take_r), axis=-1)
        Y = np.stack((take_c, 1.0 - take_c), axis=-1)
        return X, Y, self.counts

    def summary(self) -> Summary:
        """How many games have how many equilibria, and how many are degenerate."""
        counts = np.bincount(self.counts, minlength=1)
        rows = tuple((str(k), str(int(c)), f"{c / max(self.n_games, 1):.1%}") for k, c in enumerate(counts) if c)
        facts = (("games", str(self.n_games)), ("method", self.method),
                 ("degenerate games", str(int(self.degenerate.sum()))),
                 ("with a pure equilibrium", str(int(self.flags[:, :4].any(axis=1).sum()))))
        return Summary("Batch 2x2 equilibria", facts=facts, columns=("equilibria", "games", "share"), rows=rows)

    def to_dict(self) -> dict[str, Any]:
        return {"result": type(self).__name__, "method": self.method, "parameters": dict(self.parameters),
                "n_games": self.n_games, "slots": list(SLOTS), "flags": self.flags.tolist(),
                "p": [None if np.isnan(v) else float(v) for v in self.p],
                "q": [None if np.isnan(v) else float(v) for v in self.q],
                "degenerate": self.degenerate.tolist()}


def batch_equilibria_2x2(A: ArrayLike, B: ArrayLike, *, tol: float = EQUILIBRIUM_TOL) -> BatchEquilibria2x2:
    """Every extreme Nash equilibrium of each of N 2×2 games, fully vectorised.

    Parameters
    ----------
    A, B : array_like, shape (N, 2, 2)
        Row and column player's payoffs of each game.
    tol : float, default 1e-9
        Relative tolerance for payoff ties, times each game's payoff scale
        (largest absolute payoff; 0 for an all-zero game, whose comparisons are then
        exact) — the same rule as
        :func:`coopgame.nash_equilibria`, whose answers this reproduces exactly.

    Returns
    -------
    BatchEquilibria2x2

    Examples
    --------
    A prisoner's dilemma and a stag hunt in one call:

    >>> A = [[[3, 0], [5, 1]], [[4, 0], [3, 2]]]
    >>> B = [[[3, 5], [0, 1]], [[4, 3], [0, 2]]]
    >>> res = batch_equilibria_2x2(A, B)
    >>> res.counts.tolist()
    [1, 3]
    >>> [(x.tolist(), y.tolist()) for x, y in res.equilibria(1)]
    [([1.0, 0.0], [1.0, 0.0]), ([0.0, 1.0], [0.0, 1.0]), ([0.6666666666666666, 0.33333333333333337], [0.6666666666666666, 0.33333333333333337])]
    """
    func = "batch_equilibria_2x2"
    A = as_float_array(A, func=func, name="A", ndim=3)
    B = as_float_array(B, func=func, name="B", ndim=3)
    if A.shape[1:] != (2, 2) or B.shape != A.shape:
        raise InvalidGameError(f"{func}(): A and B must both have shape (N, 2, 2); got {A.shape} and {B.shape}")
    tol = check_tol(tol, func=func)
    flags, p, q, degenerate = _solve(A, B, tol)
    return BatchEquilibria2x2(flags=flags, p=p, q=q, method="closed-form", parameters={"tol": tol},
                              degenerate=degenerate, game=(A, B))


def _solve(A: np.ndarray, B: np.ndarray, tol: float) -> tuple[np.ndarray, ...]:
    """The vectorised closed form: same comparisons, in the same order, as the scalar path."""
    scale = np.maximum(np.abs(A).max(axis=(1, 2)), np.abs(B).max(axis=(1, 2)))
    unsafe = ((scale > SAFE_HIGH) | (scale < SAFE_LOW)) & (scale > 0.0)
    if unsafe.any():
        # Games near the float limits, rescaled by a power of two as the scalar path does (exact, so
        # the rest agrees bit for bit): 1e308 - (-1e308) would overflow and make the mixes NaN.
        k = np.where(unsafe, -np.frexp(scale)[1], 0)
        A = np.ldexp(A, k[:, None, None])
        B = np.ldexp(B, k[:, None, None])
        scale = np.ldexp(scale, k)
    a00, a01, a10, a11 = A[:, 0, 0], A[:, 0, 1], A[:, 1, 0], A[:, 1, 1]
    b00, b01, b10, b11 = B[:, 0, 0], B[:, 0, 1], B[:, 1, 0], B[:, 1, 1]
    t = tol * scale   # relative, no floor: 0 for an all-zero game (exact comparisons)
    a0 = a00 - a10
    a1 = a01 - a11
    d0 = b00 - b01
    d1 = b10 - b11
    nt = -t
    a0_hi, a0_lo, a1_hi, a1_lo = a0 >= nt, a0 <= t, a1 >= nt, a1 <= t   # row action 0 / 1 best vs col j
    d0_hi, d0_lo, d1_hi, d1_lo = d0 >= nt, d0 <= t, d1 >= nt, d1 <= t   # col action 0 / 1 best vs row i
    n = A.shape[0]
    flags = np.empty((n, 9), dtype=bool)
    flags[:, 0] = a0_hi & d0_hi
    flags[:, 1] = a1_hi & d0_lo
    flags[:, 2] = a0_lo & d1_hi
    flags[:, 3] = a1_lo & d1_lo
    tie_a0 = a0_hi & a0_lo
    tie_a1 = a1_hi & a1_lo
    tie_d0 = d0_hi & d0_lo
    tie_d1 = d1_hi & d1_lo
    x_mix = ((d0 > t) & (d1 < nt)) | ((d0 < nt) & (d1 > t))
    y_mix = ((a0 > t) & (a1 < nt)) | ((a0 < nt) & (a1 > t))
    flags[:, 4] = y_mix & tie_d0
    flags[:, 5] = y_mix & tie_d1
    flags[:, 6] = x_mix & tie_a0
    flags[:, 7] = x_mix & tie_a1
    flags[:, 8] = x_mix & y_mix
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(x_mix, d1 / (d1 - d0), np.nan)
        q = np.where(y_mix, a1 / (a1 - a0), np.nan)
    degenerate = tie_a0 | tie_a1 | tie_d0 | tie_d1
    return flags, p, q, degenerate

"""Pure-strategy Nash equilibria: bimatrix games and the n-city game over all 2^n profiles.

For the n-city game a city's gain from cooperating is linear in the others'
actions, ``g_i(x) = h_i + Σ_j S_ij x_j`` (see :mod:`coopgame.games.ncity`).
Splitting a profile's bits into a low part (12 bits) and a high part, each
gain is the sum of two table look-ups, ``T_i^lo[mask & 0xfff] + T_i^hi[mask >> 12]``,
with tables built by doubling. Candidates are filtered city by city — a
profile survives city i's test when ``x_i = 1 ⇒ g_i >= −tol`` and
``x_i = 0 ⇒ g_i <= tol`` — in blocks of 2^20 profiles, so memory stays bounded
and the work shrinks as candidates fail. No Python loop over profiles.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Union

import numpy as np

from coopgame._bitmask import member_labels
from coopgame._validation import check_tol
from coopgame._memory import ensure_dense_fits
from coopgame.errors import GameTooLargeError, InvalidGameError
from coopgame.games.binary import BinaryActionGame
from coopgame.games.ncity import NCityGame
from coopgame.games.pairwise import PairwiseGame
from coopgame.results import Result, Summary
from coopgame.tolerances import EQUILIBRIUM_TOL

__all__ = ["pure_equilibria", "PureEquilibriaResult", "ncity_equilibrium_masks", "MAX_EQUILIBRIA",
           "MAX_ENUMERATION_PLAYERS"]

MAX_EQUILIBRIA: int = 20_000_000

MAX_ENUMERATION_PLAYERS: int = 32
"""Most cities whose 2**n profiles :func:`pure_equilibria` scans (n = 24 takes about 0.2 s,
so n = 32 about a minute); larger games are refused before any work is done."""
"""Refuse to list more equilibria than this (e.g. the product over many issue layers)."""

_LOW_BITS = 12
_BLOCK = 1 << 20
_TASK_BITS = 23     # profiles per task of a distributed scan: 2**23 (Dask's per-task overhead is 15-25 ms)
_DENSE_PLAYERS = 5  # cities tested densely before candidates are compressed


@dataclass(frozen=True, eq=False)
class PureEquilibriaResult(Result):
    """Pure Nash equilibria.

    Attributes
    ----------
    profiles : ndarray of int64
        Bimatrix game: shape (k, 2), the action indices (row, column).
        n-city game: bitmasks (bit i set iff city i cooperates), shape (k,),
        or (k, K) with K issue layers.
    method : str
    parameters : dict
    payoffs : ndarray, shape (k, n_players)
        True payoffs in each equilibrium.
    welfare : ndarray, shape (k,)
        Sum of the true payoffs.
    players : tuple of str
    """

    profiles: np.ndarray
    method: str
    parameters: Mapping[str, Any]
    payoffs: np.ndarray
    welfare: np.ndarray
    players: tuple[str, ...]

    @property
    def n_equilibria(self) -> int:
        """Number of pure equilibria (0 is an answer, not an error)."""
        return int(self.profiles.shape[0])

    def cooperators(self, k: int) -> tuple[str, ...]:
        """Labels of the cities cooperating (on any issue) in equilibrium ``k`` of an n-city game."""
        return member_labels(int(np.bitwise_or.reduce(np.atleast_1d(self.profiles[k]))), self.players)

    def to_frame(self) -> Any:
        """One row per equilibrium: the profile, the welfare and each player's true payoff (needs pandas)."""
        from coopgame.results import pandas_module

        pd = pandas_module("PureEquilibriaResult.to_frame")
        frame = pd.DataFrame(self.payoffs, columns=list(self.players))
        profiles = [tuple(int(v) for v in np.atleast_1d(p)) for p in self.profiles]
        frame.insert(0, "profile", [p[0] if len(p) == 1 else p for p in profiles])
        frame.insert(1, "welfare", self.welfare)
        frame.index.name = "equilibrium"
        return frame

    def summary(self) -> Summary:
        """One row per equilibrium (at most 20 shown)."""
        rows = []
        pairwise = isinstance(self.game, PairwiseGame)
        for k in range(min(self.n_equilibria, 20)):
            if pairwise:
                i, j = self.profiles[k]
                label = f"({self.game.actions[0][i]}, {self.game.actions[1][j]})"
            else:
                coop = self.cooperators(k)
                verb = self.game.actions[1] if isinstance(self.game, BinaryActionGame) else "cooperate"
                label = f"{verb}: " + (", ".join(coop) if coop else "none")
            rows.append((f"#{k + 1}", label, self.welfare[k]))
        notes = (f"{self.n_equilibria - 20} more not shown.",) if self.n_equilibria > 20 else ()
        if self.n_equilibria == 0:
            notes = ("No pure-strategy equilibrium.",)
        perceived = perceived_payoffs_differ(self.game)
        if perceived:
            notes += ("Equilibria are computed from the perceived payoffs (the ones decisions use); welfare is the "
                      "sum of the true payoffs.",)
        return Summary("Pure Nash equilibria", facts=(("method", self.method), ("equilibria", str(self.n_equilibria))),
                       columns=("", "profile", "welfare (true)" if perceived else "welfare"), rows=tuple(rows),
                       notes=notes)


def perceived_payoffs_differ(game: Any) -> bool:
    """Whether a game's decision (perceived) payoffs differ from the true ones that welfare uses (DESIGN §2.1).

    An :class:`NCityGame` with a perception factor ≠ 1 that matters, or a
    :class:`PairwiseGame` of perceived payoffs; False for anything else.
    """
    if isinstance(game, NCityGame):
        return game.perceived_differs
    return isinstance(game, PairwiseGame) and game.is_perceived


def pure_equilibria(game: Union[PairwiseGame, NCityGame, BinaryActionGame], *,
                    tol: float = EQUILIBRIUM_TOL, executor: Any = None) -> PureEquilibriaResult:
    """Every pure-strategy Nash equilibrium (weak: ties count as best responses).

    Parameters
    ----------
    game : PairwiseGame, NCityGame or BinaryActionGame
        A :class:`~coopgame.BinaryActionGame` is scanned through its payoff
        table (profiles as bitmasks, bit i set iff player i plays action 1). For an n-city game, or a pairwise game of perceived payoffs
        (:attr:`PairwiseGame.true_game`), the decision (perceived) payoffs are
        used; the result's ``payoffs`` and ``welfare`` are the true ones.
    tol : float, default 1e-9
        Relative tolerance for ties, times the game's payoff scale.
    executor : None, int, concurrent.futures.Executor or dask.distributed.Client, optional
        Where the n-city scan runs: ``None`` in this process; otherwise the
        profiles are cut into blocks of 2**23 (a plan fixed by ``n`` alone)
        and each block is one task (an int: a local process pool of that
        many workers). Blocks are combined in plan order, so the result is
        bit-identical whatever runs them. Pairwise and payoff-table games
        are always solved in this process.

    Returns
    -------
    PureEquilibriaResult

    Raises
    ------
    GameTooLargeError
        When more than :data:`MAX_EQUILIBRIA` would be listed, or an n-city game has more
        than :data:`MAX_ENUMERATION_PLAYERS` cities (refused before any work is done).

    Examples
    --------
    Three cities whose synergy makes cooperation pay once a partner joins:

    >>> import numpy as np
    >>> from coopgame import NCityGame
    >>> g = NCityGame(cost=4.0, synergy=3.0 * (1 - np.eye(3)))
    >>> pure_equilibria(g).profiles.tolist()    # nobody, or everybody
    [0, 7]
    >>> pure_equilibria(g, executor=2).profiles.tolist()    # scanned in a pool of two processes
    [0, 7]
    """
    func = "pure_equilibria"
    tol = check_tol(tol, func=func)
    if executor is not None and not isinstance(game, NCityGame):  # solved here; a bad executor is still refused
        from coopgame._executor import resolve_executor

        resolve_executor(executor, func=func).close()
    if isinstance(game, PairwiseGame):
        A, B = game.row_payoffs, game.col_payoffs
        t = tol * game.payoff_scale
        best = (A >= A.max(axis=0, keepdims=True) - t) & (B >= B.max(axis=1, keepdims=True) - t)
        prof = np.argwhere(best).astype(np.int64)
        true = game.true_game  # equilibria of the (perceived) payoffs; payoffs and welfare the true ones
        TA, TB = true.row_payoffs, true.col_payoffs
        pay = np.stack((TA[best], TB[best]), axis=1) if prof.size else np.zeros((0, 2))
        return PureEquilibriaResult(profiles=prof, method="best-response masks", parameters={"tol": tol},
                                    payoffs=pay, welfare=pay.sum(axis=1), players=game.players, game=game)
    if isinstance(game, BinaryActionGame):
        return _table_equilibria(game, tol)
    if not isinstance(game, NCityGame):
        raise InvalidGameError(f"{func}(): game must be a PairwiseGame, an NCityGame or a BinaryActionGame; "
                               f"got {type(game).__name__}")
    n = game.n_players
    if n > MAX_ENUMERATION_PLAYERS:
        raise GameTooLargeError(
            f"{func}(): scanning all 2**{n} profiles of a {n}-city game is beyond the limit of "
            f"{MAX_ENUMERATION_PLAYERS} cities (2**{MAX_ENUMERATION_PLAYERS} profiles, about a minute here); "
            "use best_response_dynamics(game) from chosen profiles, or the cooperative game game.tu_game()")
    ensure_dense_fits(n - min(n, _LOW_BITS), func=func, arrays=n + 1)  # the per-city table of high bits
    terms = list(zip(*game.gain_terms(perceived=True)))
    if executor is None:
        per_layer = [ncity_equilibrium_masks(h, S, tol * game.payoff_scale) for h, S in terms]
    else:
        per_layer = _distributed_masks(terms, tol * game.payoff_scale, executor, func=func)
    if game.n_layers == 1:
        profiles = per_layer[0]
    else:
        total = int(np.prod([len(m) for m in per_layer], dtype=float))
        if total > MAX_EQUILIBRIA:
            raise GameTooLargeError(f"{func}(): the {game.n_layers} issue layers have {total:,} equilibrium "
                                    f"combinations, more than {MAX_EQUILIBRIA:,}; analyse game.layer(k) separately")
        grids = np.meshgrid(*per_layer, indexing="ij")
        profiles = np.stack([g.ravel() for g in grids], axis=1).astype(np.int64)
    payoffs = game.payoffs(profiles)
    return PureEquilibriaResult(profiles=profiles, method="vectorised enumeration", parameters={"tol": tol},
                                payoffs=payoffs, welfare=payoffs.sum(axis=1), players=game.players, game=game)


def _table_equilibria(game: BinaryActionGame, tol: float) -> PureEquilibriaResult:
    """Profiles where every player's action is a best response, read off the advantage table."""
    adv = game.advantage_table()
    t = tol * game.payoff_scale
    masks = np.arange(adv.shape[0])
    bits = ((masks[:, None] >> np.arange(game.n_players)) & 1).astype(bool)
    best = np.where(bits, adv >= -t, adv <= t).all(axis=1)
    profiles = masks[best].astype(np.int64)
    payoffs = game.payoffs(profiles)
    return PureEquilibriaResult(profiles=profiles, method="payoff-table scan", parameters={"tol": tol},
                                payoffs=payoffs, welfare=payoffs.sum(axis=1), players=game.players, game=game)


def _doubling_tables(h: np.ndarray, S: np.ndarray, cols: range) -> np.ndarray:
    """``T[i, mask] = h_i + Σ_{bit b of mask} S[i, cols[b]]`` for all masks over ``cols``."""
    table = h[:, None].copy()
    for j in cols:
        table = np.concatenate((table, table + S[:, j:j + 1]), axis=1)
    return table


def ncity_equilibrium_masks(h: np.ndarray, S: np.ndarray, tol_abs: float) -> np.ndarray:
    """Bitmasks x with ``x_i = 1 ⇒ g_i(x) >= −tol`` and ``x_i = 0 ⇒ g_i(x) <= tol``, ``g = h + S x``."""
    n = h.shape[0]
    low = min(n, _LOW_BITS)
    t_high = _doubling_tables(np.zeros(n), S, range(low, n))          # (n, 2**(n-low))
    return _scan_rows(h, S, tol_abs, t_high, 0)


def _profile_plan(n: int) -> list[tuple[int, int]]:
    """Tasks of the distributed scan: ``(first row, log2 of rows)`` of the high-bit rows, fixed by ``n`` alone."""
    low = min(n, _LOW_BITS)
    bits = max(0, min(n - low, _TASK_BITS - low))
    return [(start, bits) for start in range(0, 1 << (n - low), 1 << bits)]


def _scan_task(h: np.ndarray, S: np.ndarray, tol_abs: float, task: tuple[int, int]) -> np.ndarray:
    """One block of :func:`ncity_equilibrium_masks`: rows ``start .. start + 2**bits`` of the high bits.

    The block's high-bit table is built as the whole table would be (doubling over its own bits, then the
    fixed bits of ``start`` added in increasing order), so every gain is the same float as in one pass.
    """
    start, bits = task
    n = h.shape[0]
    low = min(n, _LOW_BITS)
    t_high = _doubling_tables(np.zeros(n), S, range(low, low + bits))
    for b in range(bits, n - low):
        if (start >> b) & 1:
            t_high += S[:, low + b:low + b + 1]
    return _scan_rows(h, S, tol_abs, t_high, start)


def _distributed_masks(terms: list[tuple[np.ndarray, np.ndarray]], tol_abs: float, executor: Any, *,
                       func: str) -> list[np.ndarray]:
    """:func:`ncity_equilibrium_masks` of every layer, each layer's plan of blocks run as tasks on ``executor``."""
    from functools import partial

    from coopgame._executor import resolve_executor

    plans = [_profile_plan(h.shape[0]) for h, _ in terms]
    with resolve_executor(executor, func=func) as runner:
        pieces = [runner.map(partial(_scan_task, h, S, tol_abs), plan) for (h, S), plan in zip(terms, plans)]
    return [np.concatenate(p) for p in pieces]


def _scan_rows(h: np.ndarray, S: np.ndarray, tol_abs: float, t_high: np.ndarray, offset: int) -> np.ndarray:
    """Equilibrium masks among the profiles whose high bits are rows ``offset .. offset + t_high.shape[1]``."""
    n = h.shape[0]
    low = min(n, _LOW_BITS)
    t_low = _doubling_tables(h, S, range(low))                       # (n, 2**low)
    low_mask = (1 << low) - 1
    dtype = np.int32 if n <= 30 else np.int64
    rows_per_block = max(1, _BLOCK >> low)
    lo = np.arange(1 << low, dtype=dtype)
    dense = min(low, _DENSE_PLAYERS)
    lo_coop = [((lo >> i) & 1).astype(bool) for i in range(dense)]
    found = []
    rows = t_high.shape[1]
    for start in range(0, rows, rows_per_block):
        local = np.arange(start, min(start + rows_per_block, rows), dtype=dtype)
        hi = local + dtype(offset) if offset else local
        # Dense phase: the first cities' tests as (hi, lo) outer sums, no gathers.
        keep = np.ones((hi.shape[0], lo.shape[0]), dtype=bool)
        for i in range(dense):
            g = t_high[i][local][:, None] + t_low[i][None, :]
            keep &= np.where(lo_coop[i], g >= -tol_abs, g <= tol_abs)
        r, c = np.nonzero(keep)
        cand = (hi[r] << low) | lo[c]
        # Filtering phase: the remaining cities on the surviving candidates.
        for i in range(dense, n):
            if not cand.size:
                break
            g = t_low[i].take(cand & low_mask) + t_high[i].take((cand >> low) - offset if offset else cand >> low)
            coop = ((cand >> i) & 1).astype(bool)
            keep1 = np.where(coop, g >= -tol_abs, g <= tol_abs)
            cand = cand[keep1]
        found.append(cand.astype(np.int64))
    return np.concatenate(found)

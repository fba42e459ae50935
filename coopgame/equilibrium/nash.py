"""Nash equilibria of bimatrix games: every extreme equilibrium, degenerate games included."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from operator import mul
from typing import Any, Union

import numpy as np

from coopgame._validation import as_float_array, check_method, check_tol, frozen
from coopgame.equilibrium._nashpy import NASHPY_METHODS, nashpy_equilibria
from coopgame.equilibrium._two_by_two import pack_certificates, readonly, solve_2x2
from coopgame.equilibrium._vertex import extreme_equilibrium_arrays, sort_equilibria
from coopgame.equilibrium.pure import perceived_payoffs_differ
from coopgame.errors import InvalidGameError
from coopgame.games.ncity import NCityGame
from coopgame.games.pairwise import PairwiseGame
from coopgame.results import Result, Summary, to_jsonable
from coopgame.tolerances import EQUILIBRIUM_TOL

__all__ = ["NASH_METHODS", "NashEquilibriaResult", "nash_equilibria"]

NASH_METHODS = ("vertex-enumeration", *NASHPY_METHODS)

GameLike = Union[PairwiseGame, NCityGame, tuple]

_INF = float("inf")
_PROB_TOL = 1e-9   # a probability at most this is a zero label (both backends)
_ROWS_GUESS = 16   # output rows handed to the compiled kernel; games with more equilibria take a second call

_compiled = None   # coopgame.equilibrium._compiled, imported on first use (it imports numba)
_kernels: dict[tuple[int, int], tuple | None] = {}   # shape -> (kernel, tables of P, tables of Q) or None


def _compiled_kernel(shape: tuple[int, int]) -> tuple | None:
    """``(kernel, tab_p, tab_q)`` for games of this shape, or None for the numpy path.

    None when numba is missing or disabled (``COOPGAME_DISABLE_NUMBA=1``, or
    ``_compiled.ENABLED = False`` at run time) or the shape is outside the minor tables.
    Kept per shape because looking it up costs a fair part of a 3×3 solve.
    """
    global _compiled
    try:
        plan = _kernels[shape]
    except KeyError:
        if _compiled is None:
            from coopgame.equilibrium import _compiled as module
            _compiled = module
        tables = _compiled.tables_for(*shape)
        kernel = _compiled.kernel()
        plan = _kernels[shape] = None if tables is None or kernel is None else (kernel, *tables)
    return plan if plan is not None and _compiled.ENABLED else None


@dataclass(frozen=True, eq=False, init=False)
class NashEquilibriaResult(Result):
    """The Nash equilibria of a bimatrix game.

    Attributes
    ----------
    equilibria : list of (ndarray, ndarray)
        Mixed strategies ``(x, y)`` of the row and column player, one pair per
        equilibrium. With the default method: every *extreme* equilibrium
        (vertex of an equilibrium component), in canonical order (pure first).
    method : str
    parameters : dict
        ``tol`` (relative to the payoff scale); with the default method also
        ``backend``: ``"closed form"`` (2×2), ``"numba"`` (compiled kernel, used
        when numba is installed) or ``"numpy"`` — the same algorithm and answers —
        or ``"exact"`` when the kernel found floating point in doubt (a basis near a
        tolerance threshold or ill-conditioned, or payoffs near the float limits) and
        the numpy path confirmed the doubtful polytopes in exact rational arithmetic.
    payoffs : ndarray, shape (k, 2)
        Expected payoff of each player in each equilibrium.
    regrets : ndarray, shape (k, 2)
        Gain each player could get by deviating: the certificate (≈ 0).
    degenerate : bool or None
        Whether some strategy has more pure best responses than its support
        size; then equilibria can form segments and polytopes whose extreme
        points are listed. ``None`` when the method does not tell.
    complete : bool
        True when the method is guaranteed to list every extreme equilibrium.
    players, actions
        Labels copied from the game.
    certificates
        The solver's packed payoffs and regrets (not shown; ``payoffs`` and
        ``regrets`` unpack them on first access, because making the arrays costs
        a fair part of a small solve): a list of floats from the 2×2 closed
        form, ``(out, k, start)`` columns of the compiled kernel's output, or a
        ``(payoffs, regrets)`` pair.
    game : PairwiseGame
    """

    equilibria: list[tuple[np.ndarray, np.ndarray]]
    method: str
    parameters: Mapping[str, Any]
    degenerate: bool | None
    complete: bool
    players: tuple[str, ...] = ("1", "2")
    actions: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    certificates: Any = field(default=None, repr=False)

    _headline = ("n_equilibria", "method", "degenerate", "complete", "max_regret")

    def __init__(self, equilibria: list[tuple[np.ndarray, np.ndarray]], method: str,
                 parameters: Mapping[str, Any], degenerate: bool | None, complete: bool,
                 players: tuple[str, ...] = ("1", "2"),
                 actions: tuple[tuple[str, ...], tuple[str, ...]] = ((), ()),
                 certificates: Any = None, *, payoffs: np.ndarray | None = None,
                 regrets: np.ndarray | None = None, game: PairwiseGame | None = None) -> None:
        # Written out rather than generated: the frozen dataclass __init__ (one object.__setattr__
        # per field) costs as much as a 2x2 solve. ``payoffs``/``regrets`` given directly are kept
        # as the certificates.
        if certificates is None and payoffs is not None:
            certificates = (frozen(np.asarray(payoffs, dtype=float)), frozen(np.asarray(regrets, dtype=float)))
        self.__dict__.update(equilibria=equilibria, method=method, parameters=parameters, degenerate=degenerate,
                             complete=complete, players=players, actions=actions, certificates=certificates,
                             game=game)

    @cached_property
    def payoffs(self) -> np.ndarray:
        """Expected payoff of each player in each equilibrium, shape ``(k, 2)``."""
        self.__dict__["payoffs"], self.__dict__["regrets"] = self._unpacked()
        return self.__dict__["payoffs"]

    @cached_property
    def regrets(self) -> np.ndarray:
        """Gain each player could get by deviating in each equilibrium, shape ``(k, 2)``: the certificate (≈ 0)."""
        self.__dict__["payoffs"], self.__dict__["regrets"] = self._unpacked()
        return self.__dict__["regrets"]

    def _unpacked(self) -> tuple[np.ndarray, np.ndarray]:
        if self.certificates is None:
            k = len(self.equilibria)
            return readonly(np.zeros((k, 2))), readonly(np.zeros((k, 2)))
        return _unpack_certificates(self.certificates)

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["payoffs"] = to_jsonable(self.payoffs)
        out["regrets"] = to_jsonable(self.regrets)
        return out

    @property
    def max_regret(self) -> float:
        """Largest regret over all equilibria and players (0 when there are none)."""
        return float(self.regrets.max()) if self.regrets.size else 0.0

    @property
    def n_equilibria(self) -> int:
        """Number of equilibria listed."""
        return len(self.equilibria)

    def pure(self) -> list[tuple[int, int]]:
        """The pure equilibria among those listed, as action index pairs (0 = the first action)."""
        return [(int(np.argmax(x)), int(np.argmax(y))) for x, y in self.equilibria
                if x.max() == 1.0 and y.max() == 1.0]

    def pure_profiles(self) -> list[tuple[str, str]]:
        """The pure equilibria labelled with the players' action names, e.g. ``("C", "C")``.

        The labels need no coordinate convention, so they read in the same
        terms as :attr:`RegimeResult.stable_profiles`; but these are all pure
        equilibria, weak ones (a tie in a best response) included, while the
        stable profiles are the strict ones only: a weak equilibrium listed here
        is not a stable profile there.
        """
        labels = [a if len(a) else tuple(str(k) for k in range(len(v)))
                  for a, v in zip(self.actions, self.equilibria[0])] if self.equilibria else []
        return [(labels[0][i], labels[1][j]) for i, j in self.pure()]

    def to_frame(self) -> Any:
        """One row per equilibrium: each action's probability for both players, their payoffs and the regret
        (needs pandas)."""
        from coopgame.results import pandas_module

        pd = pandas_module("NashEquilibriaResult.to_frame")
        p1, p2 = self.players
        rows = []
        for k, (x, y) in enumerate(self.equilibria):
            row = {f"{p1}: {a}": float(v) for a, v in zip(self.actions[0] or range(len(x)), x)}
            row |= {f"{p2}: {a}": float(v) for a, v in zip(self.actions[1] or range(len(y)), y)}
            row |= {f"payoff {p1}": float(self.payoffs[k, 0]), f"payoff {p2}": float(self.payoffs[k, 1]),
                    "regret": float(self.regrets[k].max())}
            rows.append(row)
        frame = pd.DataFrame(rows)
        frame.index.name = "equilibrium"
        return frame

    def summary(self) -> Summary:
        """One row per equilibrium: both strategies, payoffs and regret."""
        p1, p2 = self.players

        def strat(v: np.ndarray, labels: tuple[str, ...]) -> str:
            return " ".join(f"{a}={p:.2f}" for a, p in zip(labels, v) if p > 0 or len(v) <= 3)

        game = self.game
        perceived = perceived_payoffs_differ(game)
        if perceived:  # the equilibria solve the perceived payoffs; show the true ones beside them, labelled
            TA, TB = game.true_game.row_payoffs, game.true_game.col_payoffs
            true = [(float(x @ TA @ y), float(x @ TB @ y)) for x, y in self.equilibria]
        rows = tuple(
            (f"#{k + 1}", strat(x, self.actions[0]), strat(y, self.actions[1]),
             self.payoffs[k, 0], self.payoffs[k, 1],
             *((true[k][0], true[k][1]) if perceived else ()),
             f"{self.regrets[k].max():.1e}")
            for k, (x, y) in enumerate(self.equilibria))
        facts = [("method", self.method), ("equilibria", str(self.n_equilibria)),
                 ("degenerate", "unknown" if self.degenerate is None else ("yes" if self.degenerate else "no")),
                 ("complete", "yes (every extreme equilibrium)" if self.complete else "not guaranteed"),
                 ("max regret", f"{self.max_regret:.1e}")]
        facts += [(k, str(v)) for k, v in self.parameters.items()]
        notes = ("Degenerate game: equilibria may form sets; their extreme points are listed.",) \
            if self.degenerate else ()
        payoff_columns = (f"payoff {p1}", f"payoff {p2}")
        if perceived:
            payoff_columns = (f"perceived {p1}", f"perceived {p2}", f"true {p1}", f"true {p2}")
            notes += ("Equilibria and regrets are computed from the perceived payoffs (the ones decisions use); "
                      "the true payoffs are what each city actually gets.",)
        return Summary(title="Nash equilibria", facts=tuple(facts),
                       columns=("", f"{p1} plays", f"{p2} plays", *payoff_columns, "regret"),
                       rows=rows, notes=notes)


def nash_equilibria(game: GameLike, *, method: str = "vertex-enumeration",
                    tol: float = EQUILIBRIUM_TOL) -> NashEquilibriaResult:
    """Nash equilibria of a two-player game; by default every extreme equilibrium.

    Parameters
    ----------
    game : PairwiseGame, two-city NCityGame or (A, B) pair
        The bimatrix game (a two-city :class:`~coopgame.NCityGame` is
        converted with ``to_pairwise()``, i.e. on perceived payoffs).
    method : {"vertex-enumeration", "nashpy-support", "nashpy-vertex", "nashpy-lemke-howson"}
        ``"vertex-enumeration"`` (default) lists every vertex pair of the two
        best-response polytopes that is completely labelled: all extreme
        equilibria, degenerate games included; 2×2 games use the equivalent
        closed form, larger ones a numba-compiled kernel when numba is
        installed (extra ``fast``; ``COOPGAME_DISABLE_NUMBA=1`` turns it off). The ``nashpy-*`` methods call nashpy and are not complete.
    tol : float, default 1e-9
        Relative tolerance: payoff ties and regret are judged against
        ``tol × payoff_scale`` (largest absolute payoff, no floor: the answers
        do not depend on the money unit; an all-zero game compares exactly).

    Returns
    -------
    NashEquilibriaResult

    Raises
    ------
    InvalidGameError
        If ``game`` is not a two-player game.
    UnknownMethodError
        If ``method`` is not one of the names above.
    GameTooLargeError
        If the enumeration would need more than 3 million bases per player.

    Examples
    --------
    Stag hunt from the two-city model: two pure equilibria and a mixed one.

    >>> import coopgame
    >>> g = coopgame.PairwiseGame.from_two_city(cost=4, synergy=6, free_ride_gain=2, lone_loss=1,
    ...                                         reward=2, penalty=1.5)
    >>> res = coopgame.nash_equilibria(g)
    >>> [(x.tolist(), y.tolist()) for x, y in res.equilibria]
    [([1.0, 0.0], [1.0, 0.0]), ([0.0, 1.0], [0.0, 1.0]), ([0.75, 0.25], [0.75, 0.25])]
    >>> res.degenerate
    False

    A degenerate game: the column player is indifferent against row action 0,
    so a whole segment of equilibria appears; its two extreme points are listed.

    >>> res = coopgame.nash_equilibria(coopgame.PairwiseGame([[1, 1], [0, 2]], [[1, 1], [0, 2]]))
    >>> len(res.equilibria), res.degenerate
    (3, True)
    """
    if (type(game) is PairwiseGame and method == "vertex-enumeration" and type(tol) is float
            and 0.0 <= tol < _INF and game._entries_2x2 is not None):
        # Fast path for the commonest call: a 2x2 game is solved in a few microseconds,
        # so even argument checks (the game was validated by its constructor) would dominate.
        eqs, certificates, degenerate = solve_2x2(game._entries_2x2, tol)
        return NashEquilibriaResult(eqs, method, {"tol": tol, "backend": "closed form"}, degenerate, True,
                                    game._players, game._actions, certificates, game=game)
    func = "nash_equilibria"
    if type(game) is PairwiseGame:   # already validated by its constructor
        A, B, pg = game._A, game._B, game
    else:
        A, B, pg = _bimatrix(game, func=func)
    if method != "vertex-enumeration":
        check_method(method, NASH_METHODS, func=func)
    if type(tol) is not float or not 0.0 <= tol < _INF:
        tol = check_tol(tol, func=func)
    if method == "vertex-enumeration":
        m, n = A.shape
        if m == 2 and n == 2:
            eqs, certificates, degenerate = solve_2x2(pg._entries_2x2, tol)   # every route here holds a PairwiseGame
            parameters = {"tol": tol, "backend": "closed form"}
        elif (plan := _compiled_kernel((m, n))) is not None:
            kernel, tab_p, tab_q = plan   # PairwiseGame keeps C-ordered float64 arrays, as it needs
            mn = m + n           # rows of out: x | y | payoffs | regrets
            out = np.empty((_ROWS_GUESS, mn + 4))
            code = kernel(A, B, tol, _PROB_TOL, tab_p, tab_q, out)
            if code < 0:   # floating point in doubt: the numpy path with exact confirmation decides
                eqs, certificates, degenerate = _enumerated(A, B, tol)
                parameters = {"tol": tol, "backend": "exact"}
            else:
                k, degenerate = code >> 1, code & 1 == 1
                if k > _ROWS_GUESS:   # more equilibria than rows: once more, with room for all
                    out = np.empty((k, mn + 4))
                    kernel(A, B, tol, _PROB_TOL, tab_p, tab_q, out)
                out.setflags(write=False)   # the strategies and certificates below are views of it
                eqs = list(zip(out[:k, :m], out[:k, m:mn]))   # iterating a block makes row views in C
                certificates = (out, k, mn)
                parameters = {"tol": tol, "backend": "numba"}
        else:
            eqs, certificates, degenerate = _enumerated(A, B, tol)
            parameters = {"tol": tol, "backend": "numpy"}
        complete = True
    else:
        eqs = [(frozen(x), frozen(y)) for x, y in sort_equilibria(nashpy_equilibria(A, B, method))]
        parameters = {"tol": tol}
        degenerate = None
        complete = False
        certificates = _certificates(A, B, eqs)
    return NashEquilibriaResult(eqs, method, parameters, degenerate, complete, pg._players, pg._actions,
                                certificates, game=pg)


def _enumerated(A: np.ndarray, B: np.ndarray, tol: float) -> tuple[list, tuple[np.ndarray, np.ndarray], bool]:
    """Equilibria, certificates and degeneracy flag from the numpy vertex enumeration (exact where in doubt)."""
    X, Y, degenerate = extreme_equilibrium_arrays(A, B, tol, _PROB_TOL, relative=True)
    X.setflags(write=False)   # the strategies are row views: they cannot be made writeable
    Y.setflags(write=False)
    return list(zip(X, Y)), _certificates_arrays(A, B, X, Y), degenerate


def _unpack_certificates(stored: list | tuple) -> tuple[np.ndarray, np.ndarray]:
    """``(payoffs, regrets)`` from the form a solver left them in.

    A list: the 2×2 closed form's flat floats. ``(out, k, start)``: columns ``start`` to
    ``start + 3`` of the first k rows of the compiled kernel's output. A pair: the arrays.
    """
    if type(stored) is list:
        return pack_certificates(stored)
    if len(stored) == 3:
        out, k, start = stored
        return out[:k, start:start + 2], out[:k, start + 2:start + 4]
    return stored


def _certificates_arrays(A: np.ndarray, B: np.ndarray, X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Payoffs and regrets of equilibria stacked as rows of X and Y, recomputed from the payoffs."""
    if A.size <= 25:   # small games: Python floats beat a dozen numpy calls on tiny arrays
        rows, cols = A.tolist(), list(zip(*B.tolist()))
        pays: list[float] = []
        regs: list[float] = []
        for x, y in zip(X.tolist(), Y.tolist()):
            ay = [sum(map(mul, row, y)) for row in rows]
            xb = [sum(map(mul, x, col)) for col in cols]
            u, w = sum(map(mul, x, ay)), sum(map(mul, xb, y))
            pays += (u, w)
            regs += (max(max(ay) - u, 0.0), max(max(xb) - w, 0.0))
        packed = readonly(pays + regs).reshape(-1, 2)
        k = X.shape[0]
        return packed[:k], packed[k:]
    ay = Y @ A.T                      # row player's payoff of each action, per equilibrium
    xb = X @ B                        # column player's
    payoffs = np.empty((X.shape[0], 2))
    payoffs[:, 0] = (X * ay).sum(axis=1)
    payoffs[:, 1] = (xb * Y).sum(axis=1)
    regrets = np.empty_like(payoffs)
    regrets[:, 0] = ay.max(axis=1, initial=-np.inf)
    regrets[:, 1] = xb.max(axis=1, initial=-np.inf)
    regrets -= payoffs
    np.maximum(regrets, 0.0, out=regrets)
    return frozen(payoffs), frozen(regrets)


def _certificates(A: np.ndarray, B: np.ndarray, eqs: list) -> tuple[np.ndarray, np.ndarray]:
    """Payoffs and regrets of each equilibrium (plain dot products: these games are small)."""
    k = len(eqs)
    payoffs = np.zeros((k, 2))
    regrets = np.zeros((k, 2))
    for e, (x, y) in enumerate(eqs):
        ay = A.dot(y)
        xb = x.dot(B)
        u = float(x.dot(ay))
        w = float(xb.dot(y))
        payoffs[e] = u, w
        regrets[e] = max(float(ay.max()) - u, 0.0), max(float(xb.max()) - w, 0.0)
    return frozen(payoffs), frozen(regrets)


def _bimatrix(game: GameLike, *, func: str) -> tuple[np.ndarray, np.ndarray, PairwiseGame | None]:
    if isinstance(game, PairwiseGame):
        return game.row_payoffs, game.col_payoffs, game
    if isinstance(game, NCityGame):
        if game.n_players != 2:
            raise InvalidGameError(f"{func}(): needs a two-player game; got an NCityGame with "
                                   f"{game.n_players} cities (use coopgame.pure_equilibria)")
        pg = game.to_pairwise()
        return pg.row_payoffs, pg.col_payoffs, pg
    if isinstance(game, tuple) and len(game) == 2:
        # Checked here so that a bad matrix is reported against the function the user called.
        A = as_float_array(game[0], func=func, name="game[0] (row payoffs)", ndim=2)
        B = as_float_array(game[1], func=func, name="game[1] (column payoffs)", ndim=2)
        if A.shape != B.shape or 0 in A.shape:
            raise InvalidGameError(f"{func}(): the payoff matrices of an (A, B) pair must have the same non-empty "
                                   f"shape; got {A.shape} and {B.shape}")
        pg = PairwiseGame(A, B)
        return pg.row_payoffs, pg.col_payoffs, pg
    raise InvalidGameError(f"{func}(): game must be a PairwiseGame, a two-city NCityGame or an (A, B) pair; "
                           f"got {type(game).__name__}")

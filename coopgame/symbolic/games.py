"""Pairwise (2×2) games whose payoffs are sympy expressions.

This module imports sympy; ``import coopgame`` does not (the public names are
loaded lazily), so sympy is only loaded when a symbolic name is first used.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import sympy as sp

from coopgame._pickling import ReadOnlyState
from coopgame.errors import InvalidGameError, InvalidParameterError
from coopgame.games.pairwise import PairwiseGame
from coopgame.symbolic._safe import safe_sympify

__all__ = ["SymbolicPairwiseGame"]


def _matrix(value: Any, name: str, func: str) -> sp.ImmutableMatrix:
    """A 2×2 matrix of sympy expressions; strings are parsed without evaluation (:mod:`coopgame.symbolic._safe`)."""
    if isinstance(value, sp.MatrixBase):
        entries = [[value[i, j] for j in range(value.shape[1])] for i in range(value.shape[0])]
    else:
        try:
            if isinstance(value, (str, bytes, Mapping)):
                raise TypeError
            entries = [list(row) for row in value]
            if any(isinstance(row, (str, bytes, Mapping)) for row in value):
                raise TypeError
        except TypeError:
            raise InvalidGameError(f"{func}(): {name} must be a 2x2 matrix of sympy expressions or numbers; got "
                                   f"{type(value).__name__} {_short(value)}") from None
    shape = (len(entries), *{len(row) for row in entries})
    if shape != (2, 2):
        raise InvalidGameError(f"{func}(): {name} must be 2x2; got rows of lengths {[len(r) for r in entries]}")
    cells = [[safe_sympify(entries[i][j], func=func, name=f"{name}[{i}][{j}]", error=InvalidGameError)
              for j in range(2)] for i in range(2)]
    for i in range(2):
        for j in range(2):
            if not isinstance(cells[i][j], sp.Expr) or cells[i][j].has(sp.nan, sp.zoo):
                raise InvalidGameError(f"{func}(): {name}[{i}][{j}] must be a sympy expression or a real number; "
                                       f"got {type(cells[i][j]).__name__} {_short(cells[i][j])}")
    return sp.ImmutableMatrix(cells)


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def _labels(value: Any, count: int, name: str, func: str) -> tuple[Any, ...]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence) or len(value) != count:
        raise InvalidGameError(f"{func}(): {name} must be a sequence of {count}; got {type(value).__name__} "
                               f"{_short(value)}")
    return tuple(value)


def _bound(value: Any, func: str, side: str) -> sp.Expr | None:
    if value is None:
        return None
    out = safe_sympify(value, func=func, name=f"lever_bounds[{side}]", error=InvalidGameError, allow_nonfinite=True)
    if not isinstance(out, sp.Expr) or out.has(sp.nan, sp.zoo):
        raise InvalidGameError(f"{func}(): lever_bounds[{side}] must be None, a number or a sympy expression; got "
                               f"{_short(value)}")
    return out


class SymbolicPairwiseGame(ReadOnlyState):
    """A 2×2 game with symbolic payoffs; action 0 = cooperate for both players.

    Parameters
    ----------
    row_payoffs, col_payoffs : 2×2 nested sequences or sympy matrices
        ``A[i, j]``, ``B[i, j]``: payoffs when the row player plays ``i`` and
        the column player ``j``.
    players : pair of str, default ("A", "B")
    actions : pair of pairs of str, default (("C", "D"), ("C", "D"))
    incentives : mapping player index -> sequence of Symbols, optional
        The central instruments of each player (rewards to cooperators,
        penalties on defectors): used by :func:`design_inverses`.
    lever : Symbol, optional
        A sharing parameter the designer sets (a split ratio α, a bet stake).
    lever_bounds : (lower, upper), optional
        Admissible range of the lever (``None`` for unbounded sides).

    Examples
    --------
    >>> g = SymbolicPairwiseGame.two_city()
    >>> g.gain_coefficients()[0]
    (-C_A + F_A - L_A + W_A, Delta_R*alpha - E_A + L_A)
    """

    __hash__ = None  # type: ignore[assignment]

    def __init__(self, row_payoffs: Any, col_payoffs: Any, *, players: Sequence[str] = ("A", "B"),
                 actions: Sequence[Sequence[str]] = (("C", "D"), ("C", "D")),
                 incentives: Mapping[int, Sequence[sp.Symbol]] | None = None, lever: sp.Symbol | None = None,
                 lever_bounds: tuple[Any, Any] | None = None) -> None:
        func = "SymbolicPairwiseGame"
        set_ = object.__setattr__  # the game is immutable: attributes are set once, here
        set_(self, "_A", _matrix(row_payoffs, "row_payoffs", func))
        set_(self, "_B", _matrix(col_payoffs, "col_payoffs", func))
        players = tuple(str(p) for p in _labels(players, 2, "players", func))
        actions = tuple(tuple(str(a) for a in _labels(acts, 2, f"actions[{k}]", func))
                        for k, acts in enumerate(_labels(actions, 2, "actions", func)))
        set_(self, "_players", players)
        set_(self, "_actions", actions)
        if incentives is not None and not isinstance(incentives, Mapping):
            raise InvalidGameError(f"{func}(): incentives must be a mapping from player index (0 or 1) to sympy "
                                   f"Symbols; got {type(incentives).__name__}")
        chosen: dict[int, tuple[sp.Symbol, ...]] = {}
        for k, syms in (incentives or {}).items():
            if isinstance(k, bool) or k not in (0, 1):
                raise InvalidGameError(f"{func}(): incentives keys must be the player indices 0 or 1; got {k!r}")
            if isinstance(syms, (str, sp.Basic)) or not isinstance(syms, Sequence) or \
                    not all(isinstance(sym, sp.Symbol) for sym in syms):
                raise InvalidGameError(f"{func}(): incentives must map players to sequences of sympy Symbols; got "
                                       f"{_short(syms)} for player {k}")
            chosen[int(k)] = tuple(syms)
        set_(self, "_incentives", MappingProxyType(chosen))
        if lever is not None and not isinstance(lever, sp.Symbol):
            raise InvalidGameError(f"{func}(): lever must be a sympy Symbol; got {lever!r}")
        set_(self, "_lever", lever)
        lo, hi = _labels(lever_bounds, 2, "lever_bounds", func) if lever_bounds is not None else (None, None)
        set_(self, "_lever_bounds", (_bound(lo, func, "0"), _bound(hi, func, "1")))
        x, y = sp.symbols("x y", real=True)
        set_(self, "x", x)  # the cooperating shares of the replicator equations
        set_(self, "y", y)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"SymbolicPairwiseGame is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"SymbolicPairwiseGame is immutable; cannot delete {name!r}")

    # ------------------------------------------------------------------ constructors
    @classmethod
    def two_city(cls, **values: Any) -> SymbolicPairwiseGame:
        """The BM1 two-city game over symbols (MODELS.md §2).

        Symbols: ``ΔR`` (``dR``, named ``Delta_R``) and ``C_A, C_B`` positive;
        ``α`` (``alpha``), ``E_A, E_B, L_A, L_B, W_A, W_B, F_A, F_B``
        non-negative (base revenues cancel and are left out). Pass a keyword (e.g. ``alpha=sympy.Rational(1, 2)``
        or ``W_A=0``) to fix a parameter instead of keeping its symbol.
        Incentives: ``(W_i, F_i)``; lever: ``α`` in ``[0, 1]``.

        Examples
        --------
        >>> g = SymbolicPairwiseGame.two_city()
        >>> g.row_payoffs[0, 0]
        -C_A + Delta_R*alpha + W_A
        """
        sym = {
            "dR": sp.Symbol("Delta_R", positive=True), "alpha": sp.Symbol("alpha", nonnegative=True),
            "C_A": sp.Symbol("C_A", positive=True), "C_B": sp.Symbol("C_B", positive=True),
            **{name: sp.Symbol(name, nonnegative=True) for name in
               ("E_A", "E_B", "L_A", "L_B", "W_A", "W_B", "F_A", "F_B")},
        }
        unknown = set(values) - set(sym)
        if unknown:
            raise InvalidParameterError(f"SymbolicPairwiseGame.two_city(): unknown parameters {sorted(unknown)}; "
                                        f"valid names are {sorted(sym)}")
        p = {k: safe_sympify(values.get(k, s), func="SymbolicPairwiseGame.two_city", name=k) for k, s in sym.items()}
        dR, a = p["dR"], p["alpha"]
        A = [[a * dR - p["C_A"] + p["W_A"], -p["C_A"] - p["L_A"] + p["W_A"]],
             [p["E_A"] - p["F_A"], -p["F_A"]]]
        B = [[(1 - a) * dR - p["C_B"] + p["W_B"], p["E_B"] - p["F_B"]],
             [-p["C_B"] - p["L_B"] + p["W_B"], -p["F_B"]]]
        incentives = {i: tuple(s for s in (p[f"W_{c}"], p[f"F_{c}"]) if isinstance(s, sp.Symbol))
                      for i, c in enumerate("AB")}
        lever = a if isinstance(a, sp.Symbol) else None
        return cls(A, B, players=("A", "B"), incentives=incentives, lever=lever, lever_bounds=(0, 1))

    @classmethod
    def xinan_bet(cls, **values: Any) -> SymbolicPairwiseGame:
        """The Xin'an upstream-downstream water-quality bet over symbols (MODELS.md BM2).

        Symbols: ``b_U`` (upstream co-benefit), ``C_U``, ``S`` (central
        subsidy), ``M`` (downstream stake), ``M'`` (``M_prime``, upstream
        stake), ``F_U``, ``F_D`` (central penalties), ``B_D``, ``Ls_D``.
        Rows: upstream protects (P) / not (N); columns: downstream joins (A) /
        refuses (R). Incentives: upstream ``(S, F_U)``, downstream ``(F_D,)``;
        lever: the downstream stake ``M >= 0``.
        """
        names = ("b_U", "C_U", "S", "M", "M_prime", "F_U", "F_D", "B_D", "Ls_D")
        sym = {n: sp.Symbol("M'" if n == "M_prime" else n, nonnegative=True) for n in names}
        sym["C_U"] = sp.Symbol("C_U", positive=True)
        unknown = set(values) - set(sym)
        if unknown:
            raise InvalidParameterError(f"SymbolicPairwiseGame.xinan_bet(): unknown parameters {sorted(unknown)}; "
                                        f"valid names are {sorted(sym)}")
        p = {k: safe_sympify(values.get(k, s), func="SymbolicPairwiseGame.xinan_bet", name=k) for k, s in sym.items()}
        A = [[p["b_U"] - p["C_U"] + p["M"] + p["S"], p["b_U"] - p["C_U"]], [-p["F_U"] - p["M_prime"], -p["F_U"]]]
        B = [[p["B_D"] - p["M"], p["B_D"] - p["F_D"]], [-p["Ls_D"] + p["M_prime"], -p["Ls_D"]]]
        incentives = {0: tuple(s for s in (p["S"], p["F_U"]) if isinstance(s, sp.Symbol)),
                      1: tuple(s for s in (p["F_D"],) if isinstance(s, sp.Symbol))}
        lever = p["M"] if isinstance(p["M"], sp.Symbol) else None
        return cls(A, B, players=("upstream", "downstream"), actions=(("P", "N"), ("A", "R")),
                   incentives=incentives, lever=lever, lever_bounds=(0, None))

    @classmethod
    def from_pairwise(cls, game: PairwiseGame, *, rational: bool = True) -> SymbolicPairwiseGame:
        """A numeric 2×2 game as a symbolic one (floats turned into exact rationals by default)."""
        if not isinstance(game, PairwiseGame):
            raise InvalidGameError(f"SymbolicPairwiseGame.from_pairwise(): game must be a PairwiseGame; got "
                                   f"{type(game).__name__}")
        if not isinstance(rational, bool):
            raise InvalidParameterError(f"SymbolicPairwiseGame.from_pairwise(): rational must be True or False; got "
                                        f"{rational!r}")
        if game.shape != (2, 2):
            raise InvalidGameError(f"SymbolicPairwiseGame.from_pairwise(): needs a 2x2 game; got {game.shape}")
        conv = (lambda v: sp.nsimplify(float(v), rational=True)) if rational else sp.Float
        A = [[conv(game.row_payoffs[i, j]) for j in range(2)] for i in range(2)]
        B = [[conv(game.col_payoffs[i, j]) for j in range(2)] for i in range(2)]
        return cls(A, B, players=game.players, actions=game.actions)

    # ------------------------------------------------------------------ accessors
    @property
    def row_payoffs(self) -> sp.ImmutableMatrix:
        """Row player's payoffs ``A``."""
        return self._A

    @property
    def col_payoffs(self) -> sp.ImmutableMatrix:
        """Column player's payoffs ``B``."""
        return self._B

    @property
    def players(self) -> tuple[str, str]:
        return self._players  # type: ignore[return-value]

    @property
    def actions(self) -> tuple[tuple[str, ...], ...]:
        return self._actions

    @property
    def incentives(self) -> dict[int, tuple[sp.Symbol, ...]]:
        """Central instruments of each player (index 0 = row player)."""
        return dict(self._incentives)

    @property
    def lever(self) -> sp.Symbol | None:
        """The sharing parameter, if any."""
        return self._lever

    @property
    def lever_bounds(self) -> tuple[sp.Expr | None, sp.Expr | None]:
        return self._lever_bounds

    @property
    def symbols(self) -> tuple[sp.Symbol, ...]:
        """Free symbols of the payoffs, sorted by name."""
        free = self._A.free_symbols | self._B.free_symbols
        return tuple(sorted(free, key=lambda s: s.name))

    # ------------------------------------------------------------------ analysis
    def gain_coefficients(self) -> tuple[tuple[sp.Expr, sp.Expr], tuple[sp.Expr, sp.Expr]]:
        """``((a_A, b_A), (a_B, b_B))``: each player's gain from cooperating is ``a + b · (other's share)``."""
        A, B = self._A, self._B
        a_A = sp.expand(A[0, 1] - A[1, 1])
        b_A = sp.expand(A[0, 0] - A[1, 0] - a_A)
        a_B = sp.expand(B[1, 0] - B[1, 1])
        b_B = sp.expand(B[0, 0] - B[0, 1] - a_B)
        return (a_A, b_A), (a_B, b_B)

    def gains(self) -> tuple[sp.Expr, sp.Expr]:
        """``(g_A(y), g_B(x))``: payoff advantage of cooperating, in the shares ``self.x``, ``self.y``."""
        (a_A, b_A), (a_B, b_B) = self.gain_coefficients()
        return a_A + b_A * self.y, a_B + b_B * self.x

    def replicator_equations(self) -> tuple[sp.Expr, sp.Expr]:
        """``(dx/dt, dy/dt) = (x(1-x) g_A(y), y(1-y) g_B(x))`` in the symbols ``self.x``, ``self.y``.

        Examples
        --------
        >>> g = SymbolicPairwiseGame.xinan_bet()
        >>> g.replicator_equations()[1]
        y*(1 - y)*(M' + x*(F_D - M - M'))
        """
        (a_A, b_A), (a_B, b_B) = self.gain_coefficients()
        x, y = self.x, self.y
        return (x * (1 - x) * (sp.collect(a_A + b_A * y, y)), y * (1 - y) * sp.collect(a_B + b_B * x, x))

    def jacobian(self) -> sp.ImmutableMatrix:
        """Jacobian of the replicator equations in ``(x, y)``."""
        fx, fy = self.replicator_equations()
        return sp.ImmutableMatrix([fx, fy]).jacobian([self.x, self.y])

    def subs(self, values: Mapping[Any, Any]) -> PairwiseGame:
        """The numeric :class:`~coopgame.PairwiseGame` at ``values`` (keys: Symbols or their names).

        Raises
        ------
        InvalidParameterError
            If a symbol is left without a value or a value is not a real number.

        Examples
        --------
        >>> g = SymbolicPairwiseGame.two_city()
        >>> vals = dict(dR=6, alpha=0.5, C_A=4, C_B=4, E_A=2, E_B=2, L_A=1, L_B=1, W_A=2, W_B=2,
        ...             F_A=1.5, F_B=1.5)
        >>> g.subs(vals).row_payoffs.tolist()
        [[1.0, -3.0], [0.5, -1.5]]
        """
        mapping = self._mapping(values, "SymbolicPairwiseGame.subs")
        A = self._A.subs(mapping)
        B = self._B.subs(mapping)
        try:
            An = [[float(A[i, j]) for j in range(2)] for i in range(2)]
            Bn = [[float(B[i, j]) for j in range(2)] for i in range(2)]
        except (TypeError, ValueError, OverflowError):
            raise InvalidParameterError(f"SymbolicPairwiseGame.subs(): values must be real numbers; got "
                                        f"payoffs {_short(A.tolist(), 300)}; {_short(B.tolist(), 300)}") from None
        if not all(math.isfinite(v) for row in An + Bn for v in row):
            raise InvalidParameterError(f"SymbolicPairwiseGame.subs(): the payoffs at these values must be finite "
                                        f"real numbers; got {An}; {Bn}")
        return PairwiseGame(An, Bn, players=self._players, actions=self._actions)

    def _repr_latex_(self) -> str:
        """Jupyter renders :meth:`latex` as mathematics."""
        return f"${self.latex()}$"

    def latex(self) -> str:
        r"""The bimatrix as a LaTeX ``array`` (``A ; B`` in each cell), ready for a paper."""
        rows = []
        for i in range(2):
            cells = [f"{sp.latex(self._A[i, j])} \\,;\\, {sp.latex(self._B[i, j])}" for j in range(2)]
            rows.append(f"\\text{{{self._actions[0][i]}}} & " + " & ".join(cells))
        head = f" & \\text{{{self._actions[1][0]}}} & \\text{{{self._actions[1][1]}}}"
        return "\\begin{array}{c|cc}\n" + head + " \\\\ \\hline\n" + " \\\\\n".join(rows) + "\n\\end{array}"

    def _mapping(self, values: Mapping[Any, Any], func: str) -> dict[sp.Symbol, Any]:
        if not isinstance(values, Mapping):
            raise InvalidParameterError(f"{func}(): values must be a mapping from symbols (or names) to numbers; "
                                        f"got {type(values).__name__}")
        by_name = {s.name: s for s in self.symbols}
        aliases = {"dR": "Delta_R", "M_prime": "M'"}
        mapping: dict[sp.Symbol, Any] = {}
        for key, val in values.items():
            if isinstance(key, sp.Symbol):
                sym = key
            else:
                name = aliases.get(str(key), str(key))
                if name not in by_name:
                    continue  # parameters fixed at construction (or unused) are ignored
                sym = by_name[name]
            mapping[sym] = safe_sympify(val, func=func, name=f"values[{key!r}]")
        missing = [s.name for s in self.symbols if s not in mapping]
        if missing:
            raise InvalidParameterError(f"{func}(): no value for symbols {missing}")
        return mapping

    def __repr__(self) -> str:
        return f"SymbolicPairwiseGame(players={self._players!r}, symbols={[s.name for s in self.symbols]})"

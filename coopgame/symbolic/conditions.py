"""ESS conditions of a symbolic 2×2 game as sympy relations, with three-valued predicates.

A vertex ``v`` of the two-population replicator dynamics is asymptotically
stable (an ESS; for multi-population dynamics the same as a strict Nash
equilibrium) iff both eigenvalues ``(1 - 2 v_p) g_p(v)`` are negative. The
interior point has trace 0 and is never an ESS. A predicate answers ``True``,
``False`` or ``None`` ("undecided without further assumptions"), as sympy's
own ``is_positive`` does.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import sympy as sp
from sympy.core.logic import fuzzy_and

from coopgame._validation import _short
from coopgame.errors import InvalidParameterError
from coopgame.results import Result, Summary
from coopgame.symbolic._safe import as_assumptions, safe_sympify
from coopgame.symbolic.games import SymbolicPairwiseGame

__all__ = ["VERTICES", "ConditionResult", "decide_negative", "ess_conditions", "is_ess"]

VERTICES = ((1, 1), (1, 0), (0, 1), (0, 0))
"""Vertices as (row player cooperates, column player cooperates)."""


def decide_negative(expr: sp.Expr, assumptions: Any = True) -> bool | None:
    """Is ``expr < 0``? ``True``/``False`` when the symbols' assumptions (plus ``assumptions``) decide, else None."""
    expr = sp.expand(safe_sympify(expr, func="decide_negative", name="expr"))
    assumptions = as_assumptions(assumptions, func="decide_negative")
    if assumptions is True:
        if expr.is_negative:
            return True
        if expr.is_nonnegative:
            return False
        return None
    if sp.ask(sp.Q.negative(expr), assumptions):
        return True
    if sp.ask(sp.Q.nonnegative(expr), assumptions):
        return False
    return None


def as_inequality(expr: sp.Expr) -> sp.Basic:
    """``expr > 0`` written as (positive terms) > (negated negative terms), the way papers print it."""
    terms = sp.Add.make_args(sp.expand(expr))
    lhs = sp.Add(*(t for t in terms if not t.could_extract_minus_sign()))
    rhs = sp.Add(*(-t for t in terms if t.could_extract_minus_sign()))
    return sp.StrictGreaterThan(lhs, rhs)


def _eigenvalues(game: SymbolicPairwiseGame, v: tuple[int, int]) -> tuple[sp.Expr, sp.Expr]:
    (a_A, b_A), (a_B, b_B) = game.gain_coefficients()
    vx, vy = v
    gA = a_A + b_A * vy
    gB = a_B + b_B * vx
    return sp.expand((1 - 2 * vx) * gA), sp.expand((1 - 2 * vy) * gB)


@dataclass(frozen=True, eq=False)
class ConditionResult(Result):
    """ESS conditions of every vertex of a symbolic 2×2 game.

    Attributes
    ----------
    conditions : dict
        Vertex ``(x, y)`` -> sympy Boolean (``And`` of two strict inequalities).
    method : str
    parameters : dict
    eigenvalues : dict
        Vertex -> the two eigenvalues of the Jacobian there.
    interior : tuple or None
        ``(x*, y*)`` as expressions, with ``det J`` there; trace is 0.
    """

    conditions: dict[tuple[int, int], sp.Basic]
    method: str = "symbolic"
    parameters: dict[str, Any] = field(default_factory=dict)
    eigenvalues: dict[tuple[int, int], tuple[sp.Expr, sp.Expr]] = field(default_factory=dict)
    interior: tuple[sp.Expr, sp.Expr] | None = None
    interior_determinant: sp.Expr | None = None

    def __post_init__(self) -> None:
        _read_only_mappings(self, ("conditions", "parameters", "eigenvalues"))

    def is_ess(self, vertex: tuple[int, int], *, assumptions: Any = True) -> bool | None:
        """Three-valued: is ``vertex`` an ESS given the symbols' assumptions (and ``assumptions``)?"""
        vertex = _check_vertex(vertex, "ConditionResult.is_ess")
        assumptions = as_assumptions(assumptions, func="ConditionResult.is_ess")
        return fuzzy_and(decide_negative(lam, assumptions) for lam in self.eigenvalues[vertex])

    def evaluate(self, values: dict[Any, Any]) -> dict[tuple[int, int], bool]:
        """Each vertex's condition at numeric ``values`` (keys: Symbols or names)."""
        func = "ConditionResult.evaluate"
        if self.game is not None:
            mapping = self.game._mapping(values, func)
        elif isinstance(values, Mapping) and all(isinstance(k, sp.Symbol) for k in values):
            mapping = {k: safe_sympify(v, func=func, name=f"values[{k!r}]") for k, v in values.items()}
        else:
            raise InvalidParameterError(f"{func}(): values must be a mapping from sympy Symbols to numbers (this "
                                        f"result has no game to look names up in); got {_short(values)}")
        out = {}
        for v, cond in self.conditions.items():
            val = cond.subs(mapping)
            if val not in (sp.true, sp.false):
                raise InvalidParameterError(f"ConditionResult.evaluate(): condition for {v} is undecided at the "
                                            f"given values: {val}")
            out[v] = bool(val)
        return out

    def _repr_latex_(self) -> str:
        """Jupyter renders :meth:`latex` as mathematics."""
        return f"${self.latex()}$"

    def latex(self) -> str:
        """One LaTeX line per vertex: ``(x, y)\\ \\text{ESS} \\iff ...``."""
        lines = [f"({v[0]}, {v[1]})\\ \\text{{is an ESS}} \\iff {sp.latex(c)}" for v, c in self.conditions.items()]
        return " \\\\\n".join(lines)

    def summary(self) -> Summary:
        """Each vertex: eigenvalues, ESS condition, and whether the symbols' assumptions decide it."""
        rows = []
        for v, cond in self.conditions.items():
            decided = self.is_ess(v)
            rows.append((str(v), ", ".join(str(e) for e in self.eigenvalues[v]), str(cond),
                         {True: "yes", False: "no", None: "undecided"}[decided]))
        notes = ["The interior point has trace J = 0: a saddle or a centre, never an ESS."]
        facts = (("players", ", ".join(self.game.players) if self.game else ""),)
        return Summary(title="ESS conditions (symbolic)", facts=facts,
                       columns=("vertex", "eigenvalues", "ESS iff", "decided"), rows=tuple(rows), notes=tuple(notes))


def _read_only_mappings(result: Any, names: tuple[str, ...]) -> None:
    """Replace the named dict fields of a frozen result by read-only views of private copies."""
    for name in names:
        value = getattr(result, name)
        if value is not None and not isinstance(value, MappingProxyType):
            object.__setattr__(result, name, MappingProxyType(dict(value)))


def _check_vertex(vertex: Any, func: str) -> tuple[int, int]:
    """``vertex`` as a pair of 0/1 ints; strings, floats like 0.5 and bools are refused, not truncated."""
    ok = (not isinstance(vertex, (str, bytes)) and isinstance(vertex, Sequence) and len(vertex) == 2
          and all(isinstance(c, numbers.Integral) and not isinstance(c, bool) for c in vertex))
    v = (int(vertex[0]), int(vertex[1])) if ok else None
    if v not in VERTICES:
        raise InvalidParameterError(f"{func}(): vertex must be one of {list(VERTICES)} (pairs of the ints 0 and 1); "
                                    f"got {_short(vertex)}")
    return v



def ess_conditions(game: SymbolicPairwiseGame) -> ConditionResult:
    """ESS conditions of the four vertices of a symbolic 2×2 game.

    Parameters
    ----------
    game : SymbolicPairwiseGame

    Returns
    -------
    ConditionResult
        ``conditions[(1, 1)]`` etc. are sympy Booleans; ``latex()`` gives them
        for a paper; ``is_ess(vertex)`` is three-valued.

    Examples
    --------
    The BM1 condition for full cooperation: each city's share of the synergy
    plus its central incentives must beat its cost plus its free-riding gain
    (the lone-cooperator loss drops out).

    >>> from coopgame.symbolic.games import SymbolicPairwiseGame
    >>> res = ess_conditions(SymbolicPairwiseGame.two_city())
    >>> res.conditions[(1, 1)]
    (Delta_R*alpha + F_A + W_A > C_A + E_A) & (Delta_R + F_B + W_B > C_B + Delta_R*alpha + E_B)
    >>> res.is_ess((1, 1)) is None   # undecided without more assumptions
    True
    """
    if not isinstance(game, SymbolicPairwiseGame):
        raise InvalidParameterError(f"ess_conditions(): game must be a SymbolicPairwiseGame; got "
                                    f"{type(game).__name__}")
    eig = {v: _eigenvalues(game, v) for v in VERTICES}
    conds = {v: sp.And(*(as_inequality(-lam) for lam in eig[v])) for v in VERTICES}
    (a_A, b_A), (a_B, b_B) = game.gain_coefficients()
    x_star, y_star = -a_B / b_B, -a_A / b_A
    det = _interior_determinant(x_star, y_star, (a_A, b_A, a_B, b_B), b_A, b_B)
    return ConditionResult(conditions=conds, parameters={}, eigenvalues=eig, interior=(x_star, y_star),
                           interior_determinant=det, game=game)


_FACTOR_DEGREE = 4
"""Largest total degree of a gain coefficient for which the interior determinant is factored (the built-in
games have degree 1 or 2)."""


def _interior_determinant(x_star: sp.Expr, y_star: sp.Expr, coefficients: tuple[sp.Expr, ...],
                          b_A: sp.Expr, b_B: sp.Expr) -> sp.Expr:
    """``-x*(1 - x*) y*(1 - y*) b_A b_B``, factored when the coefficients are of low degree.

    Factoring formulas near the size limit (e.g. a degree-31 coefficient) runs into sympy's randomised
    multivariate factoring (Wang's algorithm), whose time depends on the global random state: 2 s in one
    process, past 30 s in another. Those are returned as the product, which is the same expression.
    """
    product = -x_star * (1 - x_star) * y_star * (1 - y_star) * b_A * b_B
    for c in coefficients:
        for part in sp.fraction(sp.together(c)):
            if part.free_symbols and sp.Poly(part, *sorted(part.free_symbols, key=str)).total_degree() > \
                    _FACTOR_DEGREE:
                return product
    return sp.factor(product)


def is_ess(game: SymbolicPairwiseGame, vertex: tuple[int, int] = (1, 1), *, assumptions: Any = True) -> bool | None:
    """Three-valued: is ``vertex`` an ESS of the symbolic game?

    Returns ``True`` or ``False`` when the symbols' declared assumptions
    (plus ``assumptions``, a sympy ``Q`` expression) decide it, ``None``
    otherwise.

    Examples
    --------
    >>> import sympy as sp
    >>> from coopgame.symbolic.games import SymbolicPairwiseGame
    >>> g = SymbolicPairwiseGame.two_city(W_A=0, W_B=0, F_A=0, F_B=0)
    >>> is_ess(g, (0, 0))          # no central incentive: mutual defection is always an ESS
    True
    >>> is_ess(g, (1, 1)) is None  # full cooperation depends on the numbers
    True
    """
    if not isinstance(game, SymbolicPairwiseGame):
        raise InvalidParameterError(f"is_ess(): game must be a SymbolicPairwiseGame; got {type(game).__name__}")
    vertex = _check_vertex(vertex, "is_ess")
    assumptions = as_assumptions(assumptions, func="is_ess")
    return ess_conditions(game).is_ess(vertex, assumptions=assumptions)

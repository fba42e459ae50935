"""Design inverses: which central incentives and which sharing ratios make full cooperation an ESS.

Full cooperation ``(1, 1)`` is an ESS iff each player's gain from cooperating
against a cooperator is positive, ``h_p > 0`` (see
:mod:`coopgame.symbolic.conditions`). Everything here solves those two
inequalities for a designer's instrument:

* the central incentive of player ``p`` (the sum of its reward and penalty
  symbols, which enter ``h_p`` with a common coefficient): the threshold it must
  exceed; and the threshold that makes cooperation *dominant* (also better
  against a defector);
* the sharing lever λ (a split ratio α, a bet stake), when ``h_p`` is affine in
  λ: the open interval of λ that satisfies both inequalities, intersected with
  the lever's admissible range;
* when that interval is empty, the extra central transfer needed: the least
  total incentive ``t_A + t_B`` such that ``h_A + t_A > 0`` and ``h_B + t_B > 0``
  for some λ (infimum; any larger transfer works).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from coopgame.errors import InvalidParameterError
from coopgame.results import Result, Summary
from coopgame.symbolic.conditions import _read_only_mappings, decide_negative
from coopgame.symbolic._safe import as_assumptions, safe_sympify
from coopgame.symbolic.games import SymbolicPairwiseGame

__all__ = ["DesignInverseResult", "design_inverses"]


@dataclass(frozen=True, eq=False)
class DesignInverseResult(Result):
    """Thresholds and intervals that make full cooperation an ESS, as sympy expressions.

    Attributes
    ----------
    min_incentive : dict
        Player label -> threshold ``T_p``: full cooperation is an ESS (for
        that player's inequality) iff the sum of the player's incentive
        symbols exceeds ``T_p``. ``T_p <= 0`` means no incentive is needed.
    min_total_incentive : Expr
        ``Σ_p Max(0, T_p)``: the smallest total central reward + penalty
        (infimum) making full cooperation an ESS.
    min_incentive_dominant : dict
        Player label -> threshold above which cooperating is *dominant*
        (better against a cooperator and against a defector). Left out for a
        player whose instruments act differently against a defector (the
        Xin'an subsidy is paid only under the agreement).
    lever : Symbol or None
    lever_interval : (Expr, Expr) or None
        Full cooperation is an ESS iff ``lower < λ < upper`` (bounds already
        intersected with the lever's admissible range).
    extra_transfer : Expr or None
        Least extra central incentive (summed over players) that makes the
        interval non-empty, ignoring the lever's range: ``Max(0, gap) ·
        min |∂h_p/∂λ|`` -- for BM1, ``Max(0, Σ (C_i + E_i − W_i − F_i) − ΔR)``.
    extra_transfer_bounded : Expr or None
        The same with λ restricted to its admissible range.
    method, parameters
    """

    min_incentive: dict[str, sp.Expr]
    min_total_incentive: sp.Expr
    min_incentive_dominant: dict[str, sp.Expr]
    lever: sp.Symbol | None
    lever_interval: tuple[sp.Expr, sp.Expr] | None
    extra_transfer: sp.Expr | None
    extra_transfer_bounded: sp.Expr | None
    method: str = "symbolic"
    parameters: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _read_only_mappings(self, ("min_incentive", "min_incentive_dominant", "parameters"))

    def evaluate(self, values: dict[Any, Any]) -> dict[str, Any]:
        """Every quantity at numeric ``values`` (keys: Symbols or names), as floats.

        Keys of the answer: ``min_incentive[<player>]``, ``min_incentive_dominant[<player>]``,
        ``min_total_incentive``, ``lever_lower``, ``lever_upper``, ``extra_transfer``,
        ``extra_transfer_bounded`` (those that exist). Quantities that depend on the
        lever are NaN when ``values`` leaves the lever out.
        """
        mapping = _numeric_mapping(self, values)
        out: dict[str, Any] = {}
        for p, e in self.min_incentive.items():
            out[f"min_incentive[{p}]"] = _num(e, mapping, self.lever)
        for p, e in self.min_incentive_dominant.items():
            out[f"min_incentive_dominant[{p}]"] = _num(e, mapping, self.lever)
        out["min_total_incentive"] = _num(self.min_total_incentive, mapping, self.lever)
        if self.lever_interval is not None:
            out["lever_lower"] = _num(self.lever_interval[0], mapping)
            out["lever_upper"] = _num(self.lever_interval[1], mapping)
        if self.extra_transfer is not None:
            out["extra_transfer"] = _num(self.extra_transfer, mapping)
        if self.extra_transfer_bounded is not None:
            out["extra_transfer_bounded"] = _num(self.extra_transfer_bounded, mapping)
        return out

    def _repr_latex_(self) -> str:
        """Jupyter renders :meth:`latex` as mathematics."""
        return f"${self.latex()}$"

    def latex(self) -> str:
        """The results as LaTeX lines for a paper."""
        lines = []
        for p, e in self.min_incentive.items():
            lines.append(f"\\text{{{p}: incentive}} > {sp.latex(e)}")
        if self.lever_interval is not None and self.lever is not None:
            lo, hi = self.lever_interval
            lines.append(f"{sp.latex(lo)} < {sp.latex(self.lever)} < {sp.latex(hi)}")
        if self.extra_transfer is not None:
            lines.append(f"\\text{{extra transfer}} = {sp.latex(self.extra_transfer)}")
        return " \\\\\n".join(lines)

    def summary(self) -> Summary:
        """Each threshold and interval as a formula."""
        rows = [(f"incentive of {p} must exceed", str(e)) for p, e in self.min_incentive.items()]
        rows += [(f"incentive making C dominant for {p}", str(e)) for p, e in self.min_incentive_dominant.items()]
        rows.append(("smallest total incentive", str(self.min_total_incentive)))
        if self.lever_interval is not None:
            rows.append((f"{self.lever} interval", f"({self.lever_interval[0]}, {self.lever_interval[1]})"))
        if self.extra_transfer is not None:
            rows.append(("extra transfer if interval empty", str(self.extra_transfer)))
        return Summary(title="Design inverses for full cooperation", facts=(("target", "(1, 1)"),),
                       columns=("quantity", "formula"), rows=tuple(rows),
                       notes=("Thresholds are strict: the incentive must exceed them (infimum).",))


def _numeric_mapping(res: DesignInverseResult, values: dict[Any, Any]) -> dict[sp.Symbol, Any]:
    func = "DesignInverseResult.evaluate"
    if not isinstance(values, Mapping):
        raise InvalidParameterError(f"{func}(): values must be a mapping from symbols (or names) to numbers; "
                                    f"got {type(values).__name__}")
    syms: set[sp.Symbol] = set()
    if res.game is not None:
        syms |= set(res.game.symbols)
    if res.lever is not None:
        syms.add(res.lever)
    by_name = {s.name: s for s in syms}
    aliases = {"dR": "Delta_R", "M_prime": "M'"}
    mapping = {}
    for k, v in values.items():
        if isinstance(k, sp.Symbol):
            mapping[k] = safe_sympify(v, func=func, name=f"values[{k!r}]")
        else:
            name = aliases.get(str(k), str(k))
            if name in by_name:
                mapping[by_name[name]] = safe_sympify(v, func=func, name=f"values[{k!r}]")
    return mapping


def _num(expr: sp.Expr, mapping: dict[sp.Symbol, Any], lever: sp.Symbol | None = None) -> float:
    val = safe_sympify(expr, func="DesignInverseResult.evaluate", name="a stored formula").subs(mapping)
    try:
        return float(val)
    except (TypeError, ValueError, OverflowError):
        if lever is not None and val.free_symbols == {lever}:
            return float("nan")  # depends on the lever, which was not given
        raise InvalidParameterError(f"DesignInverseResult.evaluate(): missing values for "
                                    f"{sorted(s.name for s in val.free_symbols)}") from None


def _incentive_threshold(h: sp.Expr, incentives: tuple[sp.Symbol, ...], player: str) -> sp.Expr:
    """``T`` with ``h > 0 ⟺ Σ incentives > T``; requires ``h`` affine in the incentives with one common positive slope."""
    if not incentives:
        return sp.simplify(-h)  # no instrument: treat the gap itself as what an outside transfer must cover
    slopes = {sp.simplify(sp.diff(h, s)) for s in incentives}
    if len(slopes) != 1:
        raise InvalidParameterError(f"design_inverses(): the incentives of {player} enter its gain with different "
                                    f"coefficients {sorted(map(str, slopes))}; cannot sum them")
    c = slopes.pop()
    if c.free_symbols & set(incentives) or decide_negative(-c) is not True:
        raise InvalidParameterError(f"design_inverses(): the incentives of {player} must raise its gain with a "
                                    f"positive constant coefficient; got {c}")
    h0 = h.subs({s: 0 for s in incentives})
    return sp.simplify(-h0 / c)


def design_inverses(game: SymbolicPairwiseGame, *, assumptions: Any = True) -> DesignInverseResult:
    """Smallest central incentive, admissible sharing interval and extra transfer for full cooperation.

    Parameters
    ----------
    game : SymbolicPairwiseGame
        With ``incentives`` (per player) and optionally a ``lever`` declared,
        as the :meth:`SymbolicPairwiseGame.two_city` and
        :meth:`SymbolicPairwiseGame.xinan_bet` constructors do.
    assumptions : sympy ``Q`` expression, optional
        Extra assumptions used to decide the sign of the lever's slopes.

    Returns
    -------
    DesignInverseResult

    Raises
    ------
    InvalidParameterError
        If the gains are not affine in the lever, or the sign of a slope
        cannot be decided.

    Examples
    --------
    BM1: each city's reward + penalty must exceed its cost plus free-riding
    gain minus its share of the synergy, and the split must lie in an interval:

    >>> from coopgame.symbolic.games import SymbolicPairwiseGame
    >>> res = design_inverses(SymbolicPairwiseGame.two_city())
    >>> res.min_incentive["A"]
    C_A - Delta_R*alpha + E_A
    >>> res.extra_transfer
    Max(0, C_A + C_B - Delta_R + E_A + E_B - F_A - F_B - W_A - W_B)
    >>> res.evaluate(dict(dR=6, C_A=3, C_B=3, E_A=1, E_B=2.5, L_A=0.5, L_B=1.5, W_A=0, W_B=1,
    ...                   F_A=1, F_B=1))["extra_transfer"]
    0.5
    """
    func = "design_inverses"
    if not isinstance(game, SymbolicPairwiseGame):
        raise InvalidParameterError(f"{func}(): game must be a SymbolicPairwiseGame; got {type(game).__name__}")
    assumptions = as_assumptions(assumptions, func=func)
    (a_A, b_A), (a_B, b_B) = game.gain_coefficients()
    h = (sp.expand(a_A + b_A), sp.expand(a_B + b_B))  # gains against a cooperator
    h_lone = (a_A, a_B)  # gains against a defector
    players = game.players
    incentives = game.incentives
    thresholds, dominant = {}, {}
    for p in range(2):
        inc = incentives.get(p, ())
        thresholds[players[p]] = _incentive_threshold(h[p], inc, players[p])
        lone_slopes = {sp.simplify(sp.diff(h_lone[p], sym)) for sym in inc}
        if lone_slopes == {sp.simplify(sp.diff(h[p], sym)) for sym in inc}:
            # the same instruments act against a defector: cooperation dominant above both thresholds
            dominant[players[p]] = sp.Max(thresholds[players[p]], _incentive_threshold(h_lone[p], inc, players[p]))
    total = sp.Add(*(sp.Max(0, t) for t in thresholds.values()))

    lever = game.lever
    interval = extra = extra_bounded = None
    if lever is not None:
        interval, extra, extra_bounded = _lever_analysis(h, lever, game.lever_bounds, assumptions, func)
    return DesignInverseResult(min_incentive=thresholds, min_total_incentive=total, min_incentive_dominant=dominant,
                               lever=lever, lever_interval=interval, extra_transfer=extra,
                               extra_transfer_bounded=extra_bounded, parameters={"target": (1, 1)}, game=game)


def _lever_analysis(h: tuple[sp.Expr, sp.Expr], lever: sp.Symbol, bounds: tuple[Any, Any], assumptions: Any,
                    func: str):
    lowers: list[sp.Expr] = []
    uppers: list[sp.Expr] = []
    slopes: list[sp.Expr] = []
    roots: list[sp.Expr] = []
    for hp in h:
        s = sp.simplify(sp.diff(hp, lever))
        if lever in s.free_symbols:
            raise InvalidParameterError(f"{func}(): the gain {hp} is not affine in the lever {lever}")
        slopes.append(s)
        if s == 0:
            roots.append(None)
            continue
        root = sp.simplify(-(hp.subs(lever, 0)) / s)
        roots.append(root)
        neg = decide_negative(s, assumptions)
        if neg is None:
            raise InvalidParameterError(f"{func}(): cannot decide the sign of d(gain)/d{lever} = {s}; declare "
                                        f"symbol assumptions or pass assumptions=")
        (uppers if neg else lowers).append(root)
    lo_b, hi_b = bounds
    lower = sp.Max(*(lowers + ([lo_b] if lo_b is not None else []))) if (lowers or lo_b is not None) else -sp.oo
    upper = sp.Min(*(uppers + ([hi_b] if hi_b is not None else []))) if (uppers or hi_b is not None) else sp.oo
    interval = (sp.simplify(lower), sp.simplify(upper))

    # Extra transfer ignoring the lever's range: needs one lower and one upper bound to conflict.
    if len(lowers) == 1 and len(uppers) == 1:
        gap = lowers[0] - uppers[0]
        scale = sp.Min(*(sp.Abs(s) for s in slopes))
        extra = sp.simplify(sp.Max(0, sp.expand(gap * scale)))
    else:
        extra = sp.Integer(0) if all(s != 0 for s in slopes) else sp.simplify(
            sp.Add(*(sp.Max(0, -hp) for hp, s in zip(h, slopes) if s == 0)))
    # With the range: minimise the convex piecewise-linear shortfall over the candidate kinks.
    def shortfall(value: sp.Expr) -> sp.Expr:
        return sp.Add(*(sp.Max(0, -hp.subs(lever, value)) for hp in h))

    def clip(value: sp.Expr) -> sp.Expr:
        if lo_b is not None:
            value = sp.Max(lo_b, value)
        if hi_b is not None:
            value = sp.Min(hi_b, value)
        return value

    candidates = [clip(r) for r in roots if r is not None] + [b for b in (lo_b, hi_b) if b is not None]
    extra_bounded = sp.Min(*(shortfall(c) for c in candidates)) if candidates else extra
    return interval, extra, extra_bounded

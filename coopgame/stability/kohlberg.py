"""Kohlberg's criterion: a certificate that a payoff vector is the (pre-)nucleolus.

Sort the coalitions by excess ``e(S, x) = v(S) - x(S)``, largest first, and
group equal excesses into levels ``B_1, B_2, ...``. Kohlberg (1971) showed that
an efficient ``x`` is the pre-nucleolus exactly when every union
``B_1 ∪ ... ∪ B_k`` is *balanced*: some strictly positive weights on its
coalitions add up to the all-ones vector of the grand coalition. For the
nucleolus (individually rational vectors) the singletons ``{i}`` with
``x_i = v({i})`` may join each union with weight zero or more.

A level is tested by one small LP (maximise the smallest weight; balanced
iff it is positive) only when it raises the rank of the union. If a union is
balanced with strictly positive weights λ and a new coalition T lies in its
span, say 1_T = Σ a_S 1_S, then λ - εa on the old coalitions and ε on T
balance the larger union for small ε > 0. So levels that keep the rank
inherit balancedness, at most n LPs are solved, and the check stops once the
union spans all of R^n.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from coopgame._bitmask import additive_values, membership_matrix
from coopgame._validation import check_tol
from coopgame.results import Result, Summary
from coopgame.stability._lp import solve_lp
from coopgame.tolerances import LP_TOL, payoff_scale

__all__ = ["KohlbergCheck", "KohlbergLevel", "kohlberg_check"]

BALANCE_TOL = 1e-7
"""Smallest average-normalised weight that counts as strictly positive."""


@dataclass(frozen=True)
class KohlbergLevel:
    """One excess level: its value, size, the rank of the union so far and the balancedness test."""

    excess: float
    n_coalitions: int
    union_size: int
    union_rank: int
    balanced: bool
    min_weight: float


@dataclass(frozen=True, eq=False)
class KohlbergCheck(Result):
    """Outcome of Kohlberg's criterion at a payoff vector.

    Attributes
    ----------
    passed : bool
        Every union of the top excess levels is balanced (so the vector is the
        nucleolus of the stated domain, up to the tolerances).
    domain : str
        ``'imputations'`` (singletons at their stand-alone value may carry zero
        weight) or ``'preimputations'``.
    levels : tuple of KohlbergLevel
        The levels tested, largest excess first, until the union had full rank.
    tie_atol : float
        Absolute tolerance used to group equal excesses.
    """

    passed: bool
    domain: str
    levels: tuple[KohlbergLevel, ...]
    tie_atol: float
    players: tuple[str, ...] = field(default=(), repr=False)

    def summary(self) -> Summary:
        """One row per excess level with its size, rank and balancedness margin."""
        rows = tuple((str(k + 1), lv.excess, str(lv.n_coalitions), str(lv.union_rank),
                      "yes" if lv.balanced else "NO",
                       "span" if np.isnan(lv.min_weight) else lv.min_weight)
                     for k, lv in enumerate(self.levels))
        return Summary("Kohlberg criterion", facts=(("passed", str(self.passed)), ("domain", self.domain),
                                                    ("tie tolerance", f"{self.tie_atol:.1e}")),
                       columns=("level", "excess", "coalitions", "union rank", "balanced", "min weight"),
                       rows=rows,
                       notes=(("min weight: smallest balancing weight when the weights average 1; "
                              "positive means balanced; 'span' means inherited from the balanced union above, whose span "
                              "already holds the new coalitions"),))


def kohlberg_check(values: np.ndarray, x: np.ndarray, *, lower: np.ndarray | None, tie_atol: float | None = None,
                   tol: float = LP_TOL, scale: float = 1.0, players: tuple[str, ...] = (),
                   game: Any = None) -> KohlbergCheck:
    """Test Kohlberg's criterion for ``x`` in the game with dense ``values``.

    ``lower`` holds ``v({i})`` for the nucleolus (imputations) and is ``None``
    for the pre-nucleolus. ``tie_atol`` is absolute, in the units of ``values``;
    when it is not given, excesses tie within ``tol`` times the payoff scale
    (the largest ``|v(S)|``), so the verdict does not depend on the unit.
    Excesses are reported multiplied by ``scale``. ``game`` (the game
    ``values`` come from) is kept on the result.

    Examples
    --------
    The wastewater savings game (literature/03 §3.2). Its nucleolus is
    (19.5, 32.5, 12); the point (27, 25, 12) fails: its top level
    {3}, {1,2}, {2,3} cannot be balanced (player 1 is covered only by {1,2}).

    >>> v = np.array([0, 0, 0, 40, 0, 0, 25, 64.0])
    >>> kohlberg_check(v, np.array([19.5, 32.5, 12]), lower=np.zeros(3), tie_atol=1e-9).passed
    True
    >>> kohlberg_check(v, np.array([27.0, 25, 12]), lower=np.zeros(3), tie_atol=1e-9).passed
    False
    """
    if tie_atol is None:
        tie_atol = check_tol(tol, func="kohlberg_check") * payoff_scale(values)
    else:
        tie_atol = check_tol(tie_atol, func="kohlberg_check", name="tie_atol")
    n = x.shape[0]
    size = values.shape[0]
    domain = "preimputations" if lower is None else "imputations"
    if n == 1:
        return KohlbergCheck(True, domain, (), tie_atol, players, game=game)
    d = values - additive_values(x)
    d[0] = d[size - 1] = -np.inf
    zero_weight = np.zeros(0, dtype=np.int64)
    if lower is not None:
        zero_weight = np.flatnonzero(x - lower <= tie_atol)
    total = size - 2
    take = min(total, 32 * n)
    while True:
        levels, complete = _scan_levels(d, take, total, n, zero_weight, tie_atol, scale)
        if complete:
            break
        take = min(total, take * 4)
    passed = bool(levels) and all(lv.balanced for lv in levels) and levels[-1].union_rank == n
    return KohlbergCheck(passed, domain, tuple(levels), tie_atol * scale, players, game=game)


def _scan_levels(d: np.ndarray, take: int, total: int, n: int, zero_weight: np.ndarray, tie_atol: float,
                 scale: float) -> tuple[list[KohlbergLevel], bool]:
    """Test the levels among the ``take`` largest excesses; ``complete`` is False if more are needed."""
    if take < d.shape[0]:
        top = np.argpartition(-d, take - 1)[:take]
    else:
        top = np.arange(d.shape[0])
    top = top[np.isfinite(d[top])]
    order = top[np.argsort(-d[top], kind="stable")]
    sorted_d = d[order]
    levels: list[KohlbergLevel] = []
    gram = np.zeros((n, n))
    rank = 0
    pos = 0
    while pos < order.shape[0]:
        level = sorted_d[pos]
        # first index whose excess falls below the level's tie band (sorted_d is decreasing)
        end = int(np.searchsorted(-sorted_d, -(level - tie_atol), side="right"))
        if end == order.shape[0] and take < total:
            return levels, False
        members = membership_matrix(order[pos:end], n).astype(np.float64)
        gram += members.T @ members
        union = order[:end]
        previous_rank = rank
        # gram holds membership counts (no payoff units): its largest entry, >= 1 once any coalition joined
        rank = int(np.linalg.matrix_rank(gram, tol=1e-9 * float(np.abs(gram).max())))
        if rank == previous_rank and levels and levels[-1].balanced:
            min_weight = np.nan  # inherited: the new coalitions lie in the span of a balanced union
        else:
            min_weight = _balancing_margin(union, n, zero_weight)
        levels.append(KohlbergLevel(float(level) * scale, end - pos, end, rank,
                                    bool(np.isnan(min_weight) or min_weight > BALANCE_TOL), min_weight))
        if rank == n or min_weight <= BALANCE_TOL:
            break
        pos = end
    return levels, True


def _balancing_margin(union: np.ndarray, n: int, zero_weight: np.ndarray) -> float:
    """Largest s such that weights λ_S >= s (averaging 1) on ``union`` balance it; 0 if impossible.

    Unknowns: ν_S >= 0 with λ_S = s + ν_S; μ_i >= 0 for the zero-weight singletons;
    s in [0, 1]; the common coverage c (free). Rows: Σ_S λ_S 1_S + μ - c·1 = 0 and Σ_S λ_S = |U|.
    """
    m = union.shape[0]
    k = zero_weight.shape[0]
    member = membership_matrix(union, n).astype(np.float64).T          # n × m
    cover = member.sum(axis=1)
    mu = np.zeros((n, k))
    mu[zero_weight, np.arange(k)] = 1.0
    last = np.concatenate([np.ones(m), np.zeros(k), [float(m), 0.0]])[None, :]
    if m * n <= 2_000_000:   # dense is faster for the usual small unions; sparse keeps huge ties in memory
        a_eq = np.vstack([np.hstack([member, mu, cover[:, None], -np.ones((n, 1))]), last])
    else:
        a_eq = sp.vstack([sp.hstack([sp.csr_matrix(member), sp.csr_matrix(mu), sp.csr_matrix(cover[:, None]),
                                     sp.csr_matrix(-np.ones((n, 1)))]), sp.csr_matrix(last)]).tocsc()
    b_eq = np.concatenate([np.zeros(n), [float(m)]])
    c = np.zeros(m + k + 2)
    c[m + k] = -1.0
    bounds = [(0.0, None)] * (m + k) + [(0.0, 1.0), (None, None)]
    sol = solve_lp(c, a_eq=a_eq, b_eq=b_eq, bounds=bounds, func="kohlberg_check", infeasible_ok=True)
    return 0.0 if sol is None else max(0.0, -sol.objective)   # infeasible: not even weakly balanced

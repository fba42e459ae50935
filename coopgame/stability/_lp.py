"""Thin wrapper around scipy's HiGHS linear-programming back end.

Every LP in :mod:`coopgame.stability` goes through :func:`solve_lp`, so the
solver options (tight feasibility tolerances, the HiGHS dual simplex) and the
translation of failures into :class:`~coopgame.errors.SolverError` live in one
place. Dual values are returned with the sign convention of the *minimisation*
problem turned positive: ``duals_ub[k] >= 0`` is the shadow price of the k-th
``<=`` row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from coopgame.errors import SolverError

__all__ = ["HIGHS_OPTIONS", "LPSolution", "solve_lp"]

HIGHS_OPTIONS: dict[str, float] = {
    # The defaults (1e-7) are too loose for deciding which coalitions are tight; 1e-10 is
    # HiGHS' floor. Payoffs are normalised to scale 1 before they reach the solver.
    "primal_feasibility_tolerance": 1e-10,
    "dual_feasibility_tolerance": 1e-10,
}

_STATUS = {1: "iteration limit reached", 2: "infeasible", 3: "unbounded", 4: "numerical difficulties"}


@dataclass(frozen=True)
class LPSolution:
    """Primal point, objective and non-negative shadow prices of the ``<=`` rows."""

    x: np.ndarray
    objective: float
    duals_ub: np.ndarray
    duals_eq: np.ndarray


def solve_lp(c: np.ndarray, *, a_ub: np.ndarray | None = None, b_ub: np.ndarray | None = None,
             a_eq: np.ndarray | None = None, b_eq: np.ndarray | None = None,
             bounds: list[tuple[float | None, float | None]] | None = None, func: str,
             infeasible_ok: bool = False) -> LPSolution | None:
    """Minimise ``c @ x`` with scipy's HiGHS; raise :class:`SolverError` unless optimal.

    With ``infeasible_ok=True`` an infeasible problem returns ``None`` instead.

    Examples
    --------
    >>> sol = solve_lp(np.array([1.0, 1.0]), a_ub=-np.eye(2), b_ub=-np.ones(2),
    ...                bounds=[(None, None)] * 2, func="demo")
    >>> sol.objective, sol.duals_ub.tolist()
    (2.0, [1.0, 1.0])
    """
    res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq,
                  bounds=bounds if bounds is not None else (0, None), method="highs", options=HIGHS_OPTIONS)
    if res.status == 2 and infeasible_ok:
        return None
    if res.status != 0:
        raise SolverError(f"{func}(): the HiGHS LP solver stopped without an optimum "
                          f"({_STATUS.get(res.status, 'status ' + str(res.status))}: {res.message})")
    duals_ub = -np.asarray(res.ineqlin.marginals) if a_ub is not None else np.zeros(0)
    duals_eq = np.asarray(res.eqlin.marginals) if a_eq is not None else np.zeros(0)
    return LPSolution(np.asarray(res.x), float(res.fun), duals_ub, duals_eq)

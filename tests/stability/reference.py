"""An independent, deliberately slow nucleolus for cross-checks (n <= 8).

Classic sequential LP with *all* coalitions in every stage LP, one LP per
stage, and no dual information: after a stage, a coalition is fixed only if
an extra LP proves that its excess cannot fall below the stage level on the
stage's optimal face. Coalitions whose indicator lies in the span of the
fixed ones (and N) are dropped by a numpy rank test. Nothing here is shared
with coopgame.stability.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog

_OPTS = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10}


def members(n: int) -> np.ndarray:
    """Row S (for S = 1 .. 2**n - 2): the 0/1 indicator of coalition S."""
    return np.array([[(s >> i) & 1 for i in range(n)] for s in range(2**n)], dtype=float)


def reference_nucleolus(values, imputations: bool = True, tol: float = 1e-8) -> np.ndarray:
    v = np.asarray(values, dtype=float)
    n = int(np.log2(v.size))
    full = 2**n - 1
    ind = members(n)
    fixed: list[tuple[int, float]] = []
    free = list(range(1, full))
    bounds = [(v[1 << i], None) if imputations else (None, None) for i in range(n)] + [(None, None)]
    while True:
        # variables (x, t): minimise t, v(S) - x(S) <= t on free S, equalities on fixed S and N
        a_ub = np.hstack([-ind[free], -np.ones((len(free), 1))])
        b_ub = -v[free]
        eq_rows = [full] + [s for s, _ in fixed]
        a_eq = np.hstack([ind[eq_rows], np.zeros((len(eq_rows), 1))])
        b_eq = np.array([v[full]] + [v[s] - t for s, t in fixed])
        c = np.zeros(n + 1)
        c[n] = 1.0
        res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs", options=_OPTS)
        assert res.status == 0, res.message
        t_star = res.x[n]
        x = res.x[:n]
        # which free coalitions have excess t_star at every optimal point?
        newly = []
        for s in free:
            if v[s] - ind[s] @ x < t_star - 1e-7:
                continue  # slack at one optimum, so not always tight
            # minimise the excess of s over the optimal face {t = t_star}
            obj = np.concatenate([ind[s], [0.0]])      # maximise x(S)  <=>  minimise -x(S)
            bnds = bounds[:n] + [(t_star, t_star)]
            r2 = linprog(-obj, A_ub=a_ub, b_ub=b_ub + 1e-9, A_eq=a_eq, b_eq=b_eq, bounds=bnds, method="highs",
                         options=_OPTS)
            assert r2.status == 0, r2.message
            if v[s] - (-r2.fun) >= t_star - tol:
                newly.append(s)
        assert newly, "some coalition must be tight on the whole face"
        fixed += [(s, t_star) for s in newly]
        basis = ind[[full] + [s for s, _ in fixed]]
        rank = np.linalg.matrix_rank(basis)
        if rank == n:
            sol, *_ = np.linalg.lstsq(basis, np.array([v[full]] + [v[s] - t for s, t in fixed]), rcond=None)
            return sol
        free = [s for s in free if s not in newly and np.linalg.matrix_rank(np.vstack([basis, ind[s]])) > rank]


def sorted_excesses(values, x) -> np.ndarray:
    """Excesses v(S) - x(S) of all proper non-empty coalitions, largest first (plain loops)."""
    v = np.asarray(values, dtype=float)
    n = int(np.log2(v.size))
    out = []
    for s in range(1, 2**n - 1):
        out.append(v[s] - sum(x[i] for i in range(n) if (s >> i) & 1))
    return np.sort(out)[::-1]


def core_is_nonempty(values, tol: float = 1e-9) -> bool:
    """Feasibility LP with every coalition constraint."""
    v = np.asarray(values, dtype=float)
    n = int(np.log2(v.size))
    ind = members(n)
    rows = list(range(1, 2**n - 1))
    res = linprog(np.zeros(n), A_ub=-ind[rows], b_ub=-v[rows] + tol * np.abs(v).max(),
                  A_eq=ind[[2**n - 1]], b_eq=[v[-1]], bounds=[(None, None)] * n, method="highs")
    return res.status == 0


def permuted(values, perm) -> np.ndarray:
    """The game with players relabelled: w(pi(S)) = v(S)."""
    v = np.asarray(values, dtype=float)
    n = int(np.log2(v.size))
    w = np.empty_like(v)
    for s in range(2**n):
        t = 0
        for i in range(n):
            if (s >> i) & 1:
                t |= 1 << perm[i]
        w[t] = v[s]
    return w


__all__ = ["core_is_nonempty", "members", "permuted", "reference_nucleolus", "sorted_excesses"]

"""Closed form for every extreme equilibrium of a 2×2 game (scalar fast path).

With ``a_j = A[0, j] − A[1, j]`` (row player's preference for action 0 against
column j) and ``d_i = B[i, 0] − B[i, 1]`` (column player's against row i), the
best-response polytope of each player has at most three non-zero vertices:
the two pure strategies and, when the other player's preferences change sign
strictly, the mix that makes them indifferent. Complementary pairs of these
vertices are the extreme equilibria, in nine fixed *slots*:

    0-3  pure (0,0), (0,1), (1,0), (1,1)
    4-5  row pure 0 / 1, column mixed  (needs column tie d_i = 0)
    6-7  row mixed, column pure 0 / 1  (needs row tie a_j = 0)
    8    both mixed

The batch solver vectorises exactly these formulas, so both agree bit for bit.
"""

from __future__ import annotations

import numpy as np

__all__ = ["equilibria_2x2", "solve_2x2"]


def equilibria_2x2(A: np.ndarray, B: np.ndarray, tol: float) -> tuple[list[tuple[np.ndarray, np.ndarray]], bool]:
    """Extreme equilibria of a 2×2 game in slot order, and whether it is degenerate."""
    eqs, _, _, degenerate = solve_2x2(A, B, tol)
    return eqs, degenerate


_PURE = ((1.0, 0.0), (0.0, 1.0))
_UNIT = (np.array(_PURE[0]), np.array(_PURE[1]))
for _e in _UNIT:  # shared by every result that plays a pure strategy, hence read-only
    _e.setflags(write=False)
del _e


def solve_2x2(A: np.ndarray, B: np.ndarray, tol: float,
              entries: tuple[float, ...] | None = None) -> tuple[list, np.ndarray, np.ndarray, bool]:
    """Extreme equilibria of a 2×2 game in slot order, their payoffs and regrets, and the degeneracy flag.

    ``entries`` is the game's ``(a00, a01, a10, a11, b00, b01, b10, b11, payoff scale)`` when the
    caller has it already (a :class:`PairwiseGame` keeps it); otherwise it is read from A and B.

    A single-game call is dominated by numpy's per-call cost on tiny arrays, so
    everything is computed on Python floats and packed into one array at the end
    (strategies are views of it, or shared read-only unit vectors for pure ones).
    Payoffs and regrets are recomputed from the strategies, never assumed.
    """
    if entries is None:
        flat = (*A.ravel().tolist(), *B.ravel().tolist())
        entries = (*flat, max(1.0, *map(abs, flat)))
    a00, a01, a10, a11, b00, b01, b10, b11, scale = entries
    t = tol * scale
    a0, a1 = a00 - a10, a01 - a11
    d0, d1 = b00 - b01, b10 - b11
    pure = _PURE
    if -t <= a0 <= t or -t <= a1 <= t or -t <= d0 <= t or -t <= d1 <= t:
        ties = True
        row_best = ((a0 >= -t, a0 <= t), (a1 >= -t, a1 <= t))
        col_best = ((d0 >= -t, d0 <= t), (d1 >= -t, d1 <= t))
        out = [(pure[i], pure[j]) for i in (0, 1) for j in (0, 1) if row_best[j][i] and col_best[i][j]]
        x_mix = (d0 > t and d1 < -t) or (d0 < -t and d1 > t)
        y_mix = (a0 > t and a1 < -t) or (a0 < -t and a1 > t)
        if y_mix:
            q = a1 / (a1 - a0)
            y = (q, 1.0 - q)
            out += [(pure[i], y) for i, d in ((0, d0), (1, d1)) if abs(d) <= t]
        if x_mix:
            p = d1 / (d1 - d0)
            x = (p, 1.0 - p)
            out += [(x, pure[j]) for j, a in ((0, a0), (1, a1)) if abs(a) <= t]
            if y_mix:
                out.append((x, y))
    else:  # no ties
        ties = False
        row_dominant = (a0 > 0) is (a1 > 0)
        if row_dominant or (d0 > 0) is (d1 > 0):
            # A strictly dominant strategy: the unique equilibrium is it and the other's best reply.
            if row_dominant:
                i = 0 if a0 > 0 else 1
                j = 0 if (d0 if i == 0 else d1) > 0 else 1
            else:
                j = 0 if d0 > 0 else 1
                i = 0 if (a0 if j == 0 else a1) > 0 else 1
            col = (a00, a10) if j == 0 else (a01, a11)
            row = (b00, b01) if i == 0 else (b10, b11)
            u, w = col[i], row[j]   # its certificates are payoff entries
            packed = np.array((u, w, max(col) - u, max(row) - w)).reshape(2, 1, 2)
            return [(_UNIT[i], _UNIT[j])], packed[0], packed[1], False
        # Neither player has a dominant strategy: the mixed point, plus the strict pure
        # equilibria of a coordination game (none in a cycling game); slot order kept.
        out = [(pure[i], pure[j]) for i, j in ((0, 0), (0, 1), (1, 0), (1, 1))
               if ((a0 if j == 0 else a1) > 0) is (i == 0) and ((d0 if i == 0 else d1) > 0) is (j == 0)]
        q = a1 / (a1 - a0)
        p = d1 / (d1 - d0)
        out.append(((p, 1.0 - p), (q, 1.0 - q)))
    flat = []                      # rows: x per equilibrium, y per equilibrium, payoffs, regrets
    for x, _ in out:
        flat += x
    for _, y in out:
        flat += y
    regrets = []
    for (x0, x1), (y0, y1) in out:
        ay0, ay1 = a00 * y0 + a01 * y1, a10 * y0 + a11 * y1
        bx0, bx1 = b00 * x0 + b10 * x1, b01 * x0 + b11 * x1
        u, w = x0 * ay0 + x1 * ay1, bx0 * y0 + bx1 * y1
        flat += (u, w)
        regrets += (max(ay0 - u, ay1 - u, 0.0), max(bx0 - w, bx1 - w, 0.0))
    k = len(out)
    packed = np.array(flat + regrets).reshape(-1, 2)
    return [(packed[e], packed[k + e]) for e in range(k)], packed[2 * k:3 * k], packed[3 * k:], ties

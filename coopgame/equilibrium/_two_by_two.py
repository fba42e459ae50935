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

import math

import numpy as np

from coopgame._validation import frozen

__all__ = ["SAFE_HIGH", "SAFE_LOW", "pack_certificates", "readonly", "safe_exponent", "solve_2x2"]

SAFE_HIGH: float = 2.0 ** 960
"""Payoff scales above this are divided by a power of two before any difference is taken:
differences of payoffs near the float maximum (1e308 − (−1e308)) would overflow to inf and make the
mixes NaN. Below it (and above :data:`SAFE_LOW`) nothing is rescaled, so ordinary games keep their
exact arithmetic (and the batch solver, which does the same, agrees bit for bit)."""

SAFE_LOW: float = 2.0 ** -960
"""Payoff scales below this are multiplied up by a power of two (differences would be subnormal)."""


_PURE = ((1.0, 0.0), (0.0, 1.0))


def readonly(values) -> np.ndarray:
    """A new float array that nothing can make writeable (see :func:`coopgame._validation.frozen`)."""
    return frozen(np.asarray(values, dtype=float))


_UNIT = (readonly(_PURE[0]), readonly(_PURE[1]))   # shared by every result that plays a pure strategy


def safe_exponent(scale: float) -> int:
    """``k`` such that ``ldexp(scale, k)`` is in [0.5, 1) for a scale outside [SAFE_LOW, SAFE_HIGH]; 0 otherwise.

    Multiplying by a power of two is exact (short of underflow), so the rescaled game has
    the same equilibria and the same relative ties. (An exponent, not a factor: 2**k itself
    overflows for subnormal scales.)
    """
    if SAFE_LOW <= scale <= SAFE_HIGH or scale == 0.0:
        return 0
    return -math.frexp(scale)[1]


def solve_2x2(entries: tuple[float, ...], tol: float) -> tuple[list, list[float], bool]:
    """Extreme equilibria of a 2×2 game in slot order, their certificates, and the degeneracy flag.

    ``entries`` is the game's ``(a00, a01, a10, a11, b00, b01, b10, b11, payoff scale)`` as
    Python floats, which a :class:`PairwiseGame` keeps.

    The certificates come as one flat list of Python floats: both players' expected payoffs
    in each equilibrium, then both regrets in each (``pack_certificates`` turns it into the
    (k, 2) arrays). A single-game call is dominated by numpy's per-call cost on tiny arrays,
    so everything is computed on Python floats; strategies are the shared read-only unit
    vectors for pure ones and views of one small array for mixed ones. Payoffs and regrets
    are recomputed from the strategies, never assumed: for a pure profile they are payoff
    entries, for a mixed one the dot products.
    """
    a00, a01, a10, a11, b00, b01, b10, b11, scale = entries
    if SAFE_LOW <= scale <= SAFE_HIGH:   # the common case: payoffs far from overflow and underflow
        t = tol * scale
        a0, a1 = a00 - a10, a01 - a11
        d0, d1 = b00 - b01, b10 - b11
    else:   # near the float limits (or all zero): differences of payoffs rescaled by a power of two
        k = safe_exponent(scale)
        s00, s01, s10, s11, c00, c01, c10, c11 = (math.ldexp(v, k) for v in entries[:8])
        t = tol * math.ldexp(scale, k)
        a0, a1 = s00 - s10, s01 - s11
        d0, d1 = c00 - c01, c10 - c11
    if (a0 > t or a0 < -t) and (a1 > t or a1 < -t) and (d0 > t or d0 < -t) and (d1 > t or d1 < -t):
        # No ties (the generic case): best replies are unique.
        r0, r1, c0, c1 = a0 > 0, a1 > 0, d0 > 0, d1 > 0
        if r0 is r1 or c0 is c1:
            # A strictly dominant strategy: the unique equilibrium is it and the other's best reply.
            if r0 is r1:
                i = 0 if r0 else 1
                j = 0 if (c0 if i == 0 else c1) else 1
            else:
                j = 0 if c0 else 1
                i = 0 if (r0 if j == 0 else r1) else 1
            col = (a00, a10) if j == 0 else (a01, a11)   # row player's payoffs against j
            row = (b00, b01) if i == 0 else (b10, b11)   # column player's payoffs against i
            u, w = col[i], row[j]
            return [(_UNIT[i], _UNIT[j])], [u, w, max(col) - u, max(row) - w], False
        # No dominant strategy: the mixed point, plus two strict pure equilibria when both
        # players want to match (coordination) or both to differ (anti-coordination); none
        # when one wants to match and the other to differ (cycling). Slot order kept.
        q = a1 / (a1 - a0)
        p = d1 / (d1 - d0)
        mixed = readonly((p, 1.0 - p, q, 1.0 - q))   # views of it cannot be made writeable
        x, y = mixed[:2], mixed[2:]
        u, w, ru, rw = _certificates_at(entries, p, 1.0 - p, q, 1.0 - q)
        if r0 is not c0:
            return [(x, y)], [u, w, ru, rw], False
        if r0:   # (0, 0) and (1, 1)
            return ([(_UNIT[0], _UNIT[0]), (_UNIT[1], _UNIT[1]), (x, y)],
                    [a00, b00, a11, b11, u, w, max(a00, a10) - a00, max(b00, b01) - b00,
                     max(a01, a11) - a11, max(b10, b11) - b11, ru, rw], False)
        return ([(_UNIT[0], _UNIT[1]), (_UNIT[1], _UNIT[0]), (x, y)],   # (0, 1) and (1, 0)
                [a01, b01, a10, b10, u, w, max(a01, a11) - a01, max(b00, b01) - b01,
                 max(a00, a10) - a10, max(b10, b11) - b10, ru, rw], False)
    return _solve_with_ties(entries, t, a0, a1, d0, d1)


def _solve_with_ties(entries: tuple[float, ...], t: float, a0: float, a1: float, d0: float,
                     d1: float) -> tuple[list, list[float], bool]:
    """The degenerate case: some payoff difference is within ``t`` of zero (a tie)."""
    row_best = ((a0 >= -t, a0 <= t), (a1 >= -t, a1 <= t))   # row_best[j][i]: i is a best reply to j
    col_best = ((d0 >= -t, d0 <= t), (d1 >= -t, d1 <= t))   # col_best[i][j]: j is a best reply to i
    profiles: list[tuple[tuple[float, float], tuple[float, float]]] = [
        (_PURE[i], _PURE[j]) for i in (0, 1) for j in (0, 1) if row_best[j][i] and col_best[i][j]]
    x_mix = (d0 > t and d1 < -t) or (d0 < -t and d1 > t)
    y_mix = (a0 > t and a1 < -t) or (a0 < -t and a1 > t)
    if y_mix:
        q = a1 / (a1 - a0)
        y = (q, 1.0 - q)
        profiles += [(_PURE[i], y) for i, d in ((0, d0), (1, d1)) if abs(d) <= t]
    if x_mix:
        p = d1 / (d1 - d0)
        x = (p, 1.0 - p)
        profiles += [(x, _PURE[j]) for j, a in ((0, a0), (1, a1)) if abs(a) <= t]
        if y_mix:
            profiles.append((x, y))
    payoffs: list[float] = []
    regrets: list[float] = []
    for x, y in profiles:
        cert = _certificates_at(entries, *x, *y)
        payoffs += cert[:2]
        regrets += cert[2:]
    return [(_as_strategy(x), _as_strategy(y)) for x, y in profiles], payoffs + regrets, True


def _as_strategy(s: tuple[float, float]) -> np.ndarray:
    return _UNIT[0] if s == _PURE[0] else _UNIT[1] if s == _PURE[1] else readonly(s)


def _certificates_at(entries: tuple[float, ...], x0: float, x1: float, y0: float, y1: float) -> list[float]:
    """Payoffs and regrets ``[u, w, regret_row, regret_col]`` at the profile x = (x0, x1), y = (y0, y1)."""
    a00, a01, a10, a11, b00, b01, b10, b11, _ = entries
    ay0, ay1 = a00 * y0 + a01 * y1, a10 * y0 + a11 * y1
    bx0, bx1 = b00 * x0 + b10 * x1, b01 * x0 + b11 * x1
    u, w = x0 * ay0 + x1 * ay1, bx0 * y0 + bx1 * y1
    return [u, w, max(ay0 - u, ay1 - u, 0.0), max(bx0 - w, bx1 - w, 0.0)]


def pack_certificates(certificates: list[float]) -> tuple[np.ndarray, np.ndarray]:
    """The (k, 2) payoff and regret arrays from :func:`solve_2x2`'s flat certificate list."""
    packed = readonly(certificates).reshape(2, -1, 2)
    return packed[0], packed[1]

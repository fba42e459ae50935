"""Optional numba-compiled twin of the minor-table vertex enumeration in :mod:`._vertex`.

Same algorithm, same arithmetic, same tolerances: payoffs rescaled to [1, 2],
every minor of the bordered matrix by the Laplace expansion of :mod:`._minors`
(the very index tables, so the minors agree bit for bit), each basis's vertex
and slacks as ratios of minors, feasibility and tightness against the same
thresholds, label bitmasks, one copy per label when the game is degenerate,
completely labelled pairs, canonical order, payoffs and regrets. What changes
is only that the per-basis work is a compiled loop instead of a dozen numpy
calls on tiny arrays (about 1 µs each), which dominated games up to 6×6.

The kernels use element loops and ``np.empty`` only, no slice assignment, array
methods, ``np.argsort`` or ``np.arange``: each of those pulls a numba overload
(slice assignment even its error-message string code) into the first, uncached
compile, which took about 12 s that way and takes about 4 s now; the loops
compile to the same machine work, so warm timings are unchanged.

numba is an optional dependency (extra ``fast``). :mod:`.nash` imports this
module on the first call that can use it, not at package import (importing
numba takes about half a second); compiled code is cached on disk.
``COOPGAME_DISABLE_NUMBA=1`` in the environment, or ``ENABLED = False`` here,
forces the numpy path.
"""

from __future__ import annotations

import os
from functools import lru_cache
from math import comb

import numpy as np

from coopgame.equilibrium._minors import MAX_MINOR_BASES, minor_tables

__all__ = ["ENABLED", "kernel", "packed_tables", "tables_for"]

try:
    import numba
except ImportError:   # optional: without it the numpy path runs
    numba = None

ENABLED: bool = os.environ.get("COOPGAME_DISABLE_NUMBA", "") in ("", "0")
"""Use the compiled kernel when numba is importable (tests flip this to compare both paths)."""

_MAX_LABELS = 62   # label bitmasks are int64: m + n constraints must fit
_HEADER = 6        # r, c, n_minors, n_bases, n_levels, offset of the basis table
_ROUNDING = float(64 * np.finfo(float).eps)   # = _vertex.ROUNDING (a test checks): error model of a minor ratio
_ACCURACY = 1e-9                               # = _vertex.ACCURACY
_SAFE_HIGH = 2.0 ** 960                        # = _two_by_two.SAFE_HIGH / SAFE_LOW: payoffs beyond are rescaled
_SAFE_LOW = 2.0 ** -960


def kernel():
    """The compiled ``solve(A, B, tol, prob_tol, tab_p, tab_q)``, or None without numba.

    Callers check :data:`ENABLED` on every call (tests switch it at run time).
    """
    return _solve if numba is not None else None


@lru_cache(maxsize=64)
def packed_tables(r: int, c: int) -> np.ndarray | None:
    """The minor tables of shape (r, c) packed into one int64 array (one argument, cheap to pass).

    Layout: header ``[r, c, T, N, L, basis_offset]``; per Laplace level ``[start, stop, k,
    entry_offset, child_offset]``; the level arrays (row-major ``(k, N_k)``); then the basis table
    transposed to ``(N, r + c + 1)`` so that one basis's indices are contiguous. Indices into the
    signed table ``[D, -D, 0]`` are kept as in :mod:`._minors`. None when the shape is outside
    the minor path (too many bases, or labels wider than 62 bits).
    """
    if comb(r + c, r) > MAX_MINOR_BASES or r + c > _MAX_LABELS:
        return None
    t = minor_tables(r, c)
    body: list[np.ndarray] = []
    offset = _HEADER + 5 * len(t.levels)
    levels = []
    for start, stop, ent, child in t.levels:
        levels += [start, stop, ent.shape[0], offset, offset + ent.size]
        body += [ent.ravel(), child.ravel()]
        offset += ent.size + child.size
    head = [r, c, t.n_minors, t.basis_idx.shape[1], len(t.levels), offset]
    body.append(np.ascontiguousarray(t.basis_idx.T).ravel())
    packed = np.concatenate([np.array(head + levels, dtype=np.int64)] + [b.astype(np.int64) for b in body])
    packed.flags.writeable = False
    return packed


@lru_cache(maxsize=64)
def tables_for(m: int, n: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Packed tables of both best-response polytopes of an m×n game, or None outside the minor path."""
    tab_p = packed_tables(m, n)
    return None if tab_p is None else (tab_p, packed_tables(n, m))


def _jit(func):
    """numba.njit with an on-disk cache (compiled once per machine); plain function without numba."""
    if numba is None:
        return func
    try:
        return numba.njit(cache=True, nogil=True, error_model="numpy")(func)
    except RuntimeError:   # pragma: no cover - no writable cache location: compile per process
        return numba.njit(nogil=True, error_model="numpy")(func)


@_jit
def _fill_minors(flat, tab, D):
    """The signed table ``[D, -D, 0]`` of every minor D of the bordered matrix (``flat``: its entries).

    Minors by Laplace expansion along the first row, level by level, as in :mod:`._minors`.
    The negated copies make every signed look-up a plain load (sign branches mispredict).
    """
    size = flat.shape[0]
    T = tab[2]
    both = np.empty(2 * size)
    for q in range(size):
        both[q] = flat[q]
        both[size + q] = -flat[q]
        D[q] = flat[q]
    for lvl in range(tab[4]):
        h = _HEADER + 5 * lvl
        start, stop, k, eo, co = tab[h], tab[h + 1], tab[h + 2], tab[h + 3], tab[h + 4]
        nk = stop - start
        for q in range(nk):
            acc = 0.0
            for t in range(k):
                acc += both[tab[eo + t * nk + q]] * D[tab[co + t * nk + q]]
            D[start + q] = acc
    for q in range(T):
        D[T + q] = -D[q]
    D[2 * T] = 0.0


@_jit
def _integer_shift(integral, span, kmax):
    """``_vertex.integer_shift`` given whether every entry is an integer: the shift h, or 0."""
    if not integral:
        return 0.0
    h = max(span, 1.0)
    fact = 1.0
    for q in range(2, kmax + 2):
        fact *= q
    return h if fact * (span + h) ** kmax < 2.0 ** 53 else 0.0


@_jit
def _vertices(flat, tab, thr_p, thr_s, D, exact):
    """Feasible bases of one polytope: probabilities (rows), label bitmasks, most tight labels.

    ``most`` is -1 when some basis is in doubt (the rule of ``_vertex._in_doubt``): rounding could
    change its verdict, or it may be feasible with coordinates trusted to less than the accuracy.
    The caller then enumerates the game on the exact path; nothing else is valid. ``exact``:
    the entries are integers whose minors floats compute exactly (``_vertex.integer_shift``).
    """
    r, c, N, bo = tab[0], tab[1], tab[3], tab[5]
    _fill_minors(flat, tab, D)
    w = r + c + 1
    cap = 64
    probs = np.empty((cap, r))
    labels = np.empty(cap, dtype=np.int64)
    R = np.empty(r + c)
    count = 0
    most = 0
    for b in range(N):
        row = bo + b * w
        det = D[tab[row + r + c]]
        if exact and det == 0.0:
            continue                       # exact integer minors: surely singular
        tot = 0.0                          # (sum of x) * det, summed in row order like numpy
        for i in range(r):
            tot += D[tab[row + i]]
        atot = abs(tot)
        if det * tot < 0 and abs(det) > _ROUNDING and atot > _ROUNDING:
            continue                       # surely the wrong orientation: no vertex
        if exact and tot == 0.0:
            continue                       # exact: the vertex would sum to 0 (no vertex)
        unit = _ROUNDING / atot            # inf when tot = 0 (error_model="numpy")
        inv = 1.0 / tot                    # one division per basis (numpy multiplies by it too)
        out = False                        # surely infeasible: negative beyond the error bound
        ok = True                          # feasible by the float verdict
        near = False                       # some value within the error bound of a threshold
        for q in range(r + c):
            v = D[tab[row + q]] * inv
            thr = thr_p if q < r else thr_s
            band = unit * (1.0 + abs(v))
            if v + thr < -band:
                out = True
                break
            if not v >= -thr:
                ok = False
            if not near and (abs(v + thr) <= band or abs(v - thr) <= band):
                near = True
            R[q] = v
        if out:
            continue
        if near or not abs(det) > _ROUNDING or not unit <= _ACCURACY:
            return probs, labels[:0], -1   # in doubt: the exact path decides
        if not (ok and det * tot > 0):
            continue
        if count == cap:
            # Element loops, not ``grown[:count] = probs[:count]``: numba's slice assignment
            # drags in broadcasting and error-message string code, seconds of cold compile.
            cap *= 2
            grown = np.empty((cap, r))
            grown_l = np.empty(cap, dtype=np.int64)
            for q in range(count):
                for i in range(r):
                    grown[q, i] = probs[q, i]
                grown_l[q] = labels[q]
            probs = grown
            labels = grown_l
        label = 0
        tight = 0
        total = 0.0
        for i in range(r):
            if R[i] <= thr_p:
                label |= np.int64(1) << i
                tight += 1
                probs[count, i] = 0.0
            else:
                probs[count, i] = R[i]
                total += R[i]
        for j in range(c):
            if R[r + j] <= thr_s:
                label |= np.int64(1) << (r + j)
                tight += 1
        for i in range(r):
            probs[count, i] /= total
        labels[count] = label
        most = max(most, tight)
        count += 1
    return probs, labels[:count], most   # rows past count are unused (a 2-D slice costs compile time)


@_jit
def _keep_first(labels):
    """Indices of the first vertex with each label, in increasing label order (like np.unique).

    A bottom-up merge sort of the indices by label (stable, O(n log n): degenerate 8×8
    games have thousands of bases), then the first index of every run of equal labels.
    Hand-written because ``np.argsort(kind="mergesort")`` costs about 2 s of cold compile.
    """
    count = labels.shape[0]
    order = np.empty(count, dtype=np.int64)
    spare = np.empty(count, dtype=np.int64)
    for q in range(count):
        order[q] = q
    width = 1
    while width < count:
        for lo in range(0, count, 2 * width):
            mid = min(lo + width, count)
            hi = min(lo + 2 * width, count)
            a, b = lo, mid
            for q in range(lo, hi):
                # Take from the left run on ties: that keeps the sort stable.
                if b >= hi or (a < mid and labels[order[a]] <= labels[order[b]]):
                    spare[q] = order[a]
                    a += 1
                else:
                    spare[q] = order[b]
                    b += 1
        order, spare = spare, order
        width *= 2
    keep = np.empty(count, dtype=np.int64)
    k = 0
    for q in range(count):
        if q == 0 or labels[order[q]] != labels[order[q - 1]]:
            keep[k] = order[q]
            k += 1
    return keep[:k]


@_jit
def _before(out, a, b, m, n):
    """Canonical order: total support size, then x, then y, each descending lexicographically."""
    sa = 0
    sb = 0
    for i in range(m + n):
        sa += out[a, i] > 0
        sb += out[b, i] > 0
    if sa != sb:
        return sa < sb
    for i in range(m + n):
        if out[a, i] != out[b, i]:
            return out[a, i] > out[b, i]
    return False


@_jit
def _solve(A, B, tol, prob_tol, tab_p, tab_q, out):
    """All extreme equilibria of (A, B), written into the first rows of ``out``.

    Rows ``[x | y | payoff 1, payoff 2 | regret 1, regret 2]``. Returns ``2 * k + degenerate``
    for k equilibria; when k exceeds the rows of ``out`` nothing is written and the caller
    calls again with k rows. Returns -1 (nothing written) when floating point is in doubt
    (some basis near a threshold or ill-conditioned, or payoffs near the float limits): the
    caller then takes the numpy path, which confirms such polytopes exactly. (The caller
    allocates ``out``: handing a new array back from compiled code costs more than the whole
    3×3 enumeration.)
    """
    m, n = A.shape
    amin, amax, bmin, bmax = A[0, 0], A[0, 0], B[0, 0], B[0, 0]
    a_int = b_int = True
    for i in range(m):
        for j in range(n):
            amin, amax = min(amin, A[i, j]), max(amax, A[i, j])
            bmin, bmax = min(bmin, B[i, j]), max(bmax, B[i, j])
            a_int = a_int and np.floor(A[i, j]) == A[i, j]
            b_int = b_int and np.floor(B[i, j]) == B[i, j]
    scale = max(-bmin, bmax, -amin, amax)
    if scale > _SAFE_HIGH or 0.0 < scale < _SAFE_LOW:
        return -1                  # near the float limits: the numpy path rescales by a power of two
    tol_abs = tol * scale          # relative, no floor (0 for an all-zero game)
    span_b = max(bmax - bmin, tol_abs)
    span_a = max(amax - amin, tol_abs)
    if span_b == 0.0:   # a constant matrix maps to all ones: any positive span does
        span_b = 1.0
    if span_a == 0.0:
        span_a = 1.0
    # Bordered matrices as _vertex builds them: payoffs rescaled to [1, 2], or shifted to exact
    # integers (g = 1, h > 0) when _vertex.integer_shift allows it.
    h_b = _integer_shift(b_int, bmax - bmin, min(m + 1, n))
    h_a = _integer_shift(a_int, amax - amin, min(n + 1, m))
    exact_b, exact_a = h_b > 0.0, h_a > 0.0
    g_b = 1.0 if exact_b else 1.0 / span_b
    g_a = 1.0 if exact_a else 1.0 / span_a
    if not exact_b:
        h_b = 1.0
    if not exact_a:
        h_a = 1.0
    fp = np.empty((m + 1) * n)   # np.empty and a loop for the border row of ones:
    fq = np.empty((n + 1) * m)   # np.ones would be one more overload to compile
    for j in range(n):
        fp[m * n + j] = 1.0
    for i in range(m):
        fq[n * m + i] = 1.0
    for i in range(m):
        for j in range(n):
            fp[i * n + j] = (B[i, j] - bmin) * g_b + h_b
            fq[j * m + i] = (A[i, j] - amin) * g_a + h_a
    D = np.empty(2 * max(tab_p[2], tab_q[2]) + 1)
    xs, lx, most_x = _vertices(fp, tab_p, prob_tol, tol_abs * g_b, D, exact_b)
    if most_x < 0:
        return -1
    ys, ly_raw, most_y = _vertices(fq, tab_q, prob_tol, tol_abs * g_a, D, exact_a)
    if most_y < 0:
        return -1
    degenerate = most_x > m or most_y > n
    if degenerate:     # a degenerate vertex is reached from several bases: keep one copy
        kx = _keep_first(lx)
        ky = _keep_first(ly_raw)
    else:              # identity index arrays by loop (np.arange adds compile time)
        kx = np.empty(lx.shape[0], dtype=np.int64)
        for q in range(lx.shape[0]):
            kx[q] = q
        ky = np.empty(ly_raw.shape[0], dtype=np.int64)
        for q in range(ly_raw.shape[0]):
            ky[q] = q
    # y's labels in x's numbering: row i tight -> i, column j zero -> m + j.
    full = (np.int64(1) << (m + n)) - 1
    low = (np.int64(1) << n) - 1
    ly = np.empty(ky.shape[0], dtype=np.int64)
    for q in range(ky.shape[0]):
        v = ly_raw[ky[q]]
        ly[q] = (v >> n) | ((v & low) << m)
    k = 0
    for a in range(kx.shape[0]):
        la = lx[kx[a]]
        for b in range(ky.shape[0]):
            k += la | ly[b] == full
    if k > out.shape[0]:
        return 2 * k + degenerate
    e = 0
    for a in range(kx.shape[0]):
        la = lx[kx[a]]
        for b in range(ky.shape[0]):
            if la | ly[b] == full:
                for i in range(m):
                    out[e, i] = xs[kx[a], i]
                for j in range(n):
                    out[e, m + j] = ys[ky[b], j]
                e += 1
    for q in range(1, k):        # insertion sort (few equilibria), stable like lexsort
        p = q
        while p > 0 and _before(out, p, p - 1, m, n):
            for i in range(m + n):
                out[p, i], out[p - 1, i] = out[p - 1, i], out[p, i]
            p -= 1
    # Certificates, recomputed from the strategies: expected payoffs and best deviation gains.
    ay = np.empty(m)
    xb = np.empty(n)
    for e in range(k):
        for i in range(m):
            s = 0.0
            for j in range(n):
                s += A[i, j] * out[e, m + j]
            ay[i] = s
        for j in range(n):
            s = 0.0
            for i in range(m):
                s += out[e, i] * B[i, j]
            xb[j] = s
        u = 0.0
        for i in range(m):
            u += out[e, i] * ay[i]
        w = 0.0
        for j in range(n):
            w += xb[j] * out[e, m + j]
        out[e, m + n] = u
        out[e, m + n + 1] = w
        best_a = ay[0]           # explicit maxima: ndarray.max() costs compile time
        for i in range(1, m):
            best_a = max(best_a, ay[i])
        best_b = xb[0]
        for j in range(1, n):
            best_b = max(best_b, xb[j])
        out[e, m + n + 2] = max(best_a - u, 0.0)
        out[e, m + n + 3] = max(best_b - w, 0.0)
    return 2 * k + degenerate

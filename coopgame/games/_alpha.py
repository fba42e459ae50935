"""Exact worths of the ``"alpha"`` cooperative game of the n-city model (kernel of ``NCityGame.tu_game``).

For one issue layer and a coalition ``S`` whose outsiders protect, the members'
joint payoff when the members ``T ⊆ S`` cooperate is

    Σ_{i∈S} u_i(1_T) = Σ_{i∈S} (b_i − F_i) + Σ_{j∈T} w_j(S) + Σ_{{i,j}⊆T} q_ij

with ``w_j(S) = W_j + F_j − c_j − Σ_k f_kj + Σ_{i∈S, i≠j} (e_ij + (1 − δ) f_ij)``
and ``q_ij = s_ij + s_ji >= 0``. ``v(S)`` takes the best ``T``: a supermodular
quadratic maximisation whose data grow with ``S``, so (Topkis) the greatest
maximiser ``G(S)`` is monotone in ``S``.

The exact scheme bounds ``G(S)`` between a lower set ``L`` and an upper set
``U`` and closes the bracket:

* ``L``: the union of ``G(S ∖ {k})`` over already solved subsets (monotonicity);
  ``U = G(N) ∩ S``.
* Closure. If ``L ⊆ G(S)`` and ``j``'s marginal gain at ``L`` is ``>= 0``, then by
  supermodularity it is ``>= 0`` at ``G(S)``, so ``G(S) ∪ {j}`` is a maximiser
  and ``j ∈ G(S)``. If ``U ⊇ G(S)`` and removing ``j`` from ``U`` gains, then
  ``j ∈ G(S)`` would make removing ``j`` from ``G(S)`` gain too; so ``j ∉ G(S)``.
  Both rules are applied until nothing changes.
* Whatever stays free (``U ∖ L``) is solved exactly: every subset is
  enumerated when at most ``_ENUM_MAX`` remain, otherwise the problem is split on
  one free city (in / out) and each branch is closed again.

Every step is vectorised over a batch of coalitions; the dense game is filled
in blocks of ``2**_CHUNK_BITS`` coalitions in increasing mask order, so all
subsets ``S ∖ {k}`` a block needs are already solved. Comparisons use a
tolerance relative to the payoff scale, so a rule fires only when its sign is
certain; ties are left to the exact search, which keeps the largest of the
(near-)maximisers.

*Exactness*: each rule keeps ``L ⊆ G(S) ⊆ U`` by supermodularity, and the
final search is over every set inside the bracket, so the maximum found is the
true ``v(S)`` (up to floating-point rounding). A layer without synergy
(``q = 0``) is separable: ``v(S)`` is the constant plus
``Σ_{j∈S} max(w_j(S), 0)``, in closed form.

This is the one statement of the scheme; ``NCityGame.tu_game`` refers here.
"""

from __future__ import annotations

import numpy as np

from coopgame._bitmask import membership_matrix
from coopgame.errors import GameTooLargeError
from coopgame.games.tu import seal

__all__ = ["AlphaLayer", "AlphaWorths", "alpha_dense_values", "alpha_mask_values"]

_CHUNK_BITS = 14  # coalitions per block of the dense game: 2**14
_ENUM_MAX = 10  # free cities solved by enumerating every subset
_ENUM_CELLS = 1 << 22  # coalitions x subsets held at once while enumerating
_MAX_STATES = 1 << 26  # branch states tolerated for one batch before giving up


def _sum_table(rows: np.ndarray) -> np.ndarray:
    """``T[mask] = Σ_{i ∈ mask} rows[i]`` for every mask of ``len(rows)`` bits, by doubling."""
    m, width = rows.shape
    table = np.zeros((1 << m, width))
    for i in range(m):
        size = 1 << i
        np.add(table[:size], rows[i], out=table[size:2 * size])
    return table


def _popcount(x: np.ndarray) -> np.ndarray:
    return np.bitwise_count(x).astype(np.int64)


class AlphaLayer:
    """One issue layer of the alpha game: ``w_j(S) = a_j + Σ_{i∈S} E_ij``, pair gains ``q_ij``.

    Parameters
    ----------
    a : ndarray (n,)
        ``W_j + F_j − c_j − Σ_k f_kj``.
    spill : ndarray (n, n)
        ``E_ij = e_ij + (1 − δ) f_ij``: what member i gains when j cooperates.
    pair : ndarray (n, n)
        ``q_ij = s_ij + s_ji`` (symmetric, zero diagonal, non-negative).
    tol : float
        Absolute tolerance for the signs of marginal gains.
    """

    def __init__(self, a: np.ndarray, spill: np.ndarray, pair: np.ndarray, tol: float) -> None:
        n = a.shape[0]
        self.n = n
        self.tol = float(tol)
        self.a = np.asarray(a, dtype=np.float64)
        self.pair = np.asarray(pair, dtype=np.float64)
        self.separable = not np.any(self.pair > 0)
        self.lo_bits = min(n, _CHUNK_BITS)
        self.lo_mask = (1 << self.lo_bits) - 1
        self.bits = np.left_shift(np.int64(1), np.arange(n, dtype=np.int64))
        lo = self.lo_bits
        self.spill_lo = _sum_table(np.asarray(spill[:lo], dtype=np.float64))
        self.spill_hi = _sum_table(np.asarray(spill[lo:], dtype=np.float64))
        self.pair_lo = _sum_table(self.pair[:lo])
        self.pair_hi = _sum_table(self.pair[lo:])
        self._top: int | None = None
        for name in ("a", "pair", "bits", "spill_lo", "spill_hi", "pair_lo", "pair_hi"):
            arr = getattr(self, name)   # read-only: a ValueFunctionGame of alpha worths must not change
            setattr(self, name, seal(np.array(arr, copy=True)))

    # ---------------------------------------------------------------- row sums by table lookup
    def weights(self, masks: np.ndarray) -> np.ndarray:
        """``w(S)`` for a batch of coalitions, shape (B, n)."""
        return self.a + self.spill_lo[masks & self.lo_mask] + self.spill_hi[masks >> self.lo_bits]

    def pair_rows(self, masks: np.ndarray) -> np.ndarray:
        """``Σ_{i∈X} q_ij`` for a batch of sets ``X``, shape (B, n)."""
        return self.pair_lo[masks & self.lo_mask] + self.pair_hi[masks >> self.lo_bits]

    def members(self, masks: np.ndarray) -> np.ndarray:
        return membership_matrix(masks, self.n)

    def objective(self, w: np.ndarray, sets: np.ndarray) -> np.ndarray:
        """``Σ_{j∈T} w_j + Σ_{{i,j}⊆T} q_ij`` for each row's set ``T``."""
        if self.separable:
            return np.where(self.members(sets), w, 0.0).sum(axis=1)
        return np.where(self.members(sets), w + 0.5 * self.pair_rows(sets), 0.0).sum(axis=1)

    # ---------------------------------------------------------------- the exact search
    def closure(self, w: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        """Tighten ``lower ⊆ G(S) ⊆ upper`` in place by the two supermodularity rules."""
        tol = self.tol
        active = np.flatnonzero(lower != upper)
        while active.size:
            lo, up, wa = lower[active], upper[active], w[active]
            free = self.members(up & ~lo)
            add = free & (wa + self.pair_rows(lo) >= tol)
            drop = free & (wa + self.pair_rows(up) < -tol)
            add_m = np.where(add, self.bits, 0).sum(axis=1)
            drop_m = np.where(drop, self.bits, 0).sum(axis=1)
            lo |= add_m
            up &= ~drop_m
            lower[active] = lo
            upper[active] = up
            active = active[((add_m | drop_m) != 0) & (lo != up)]

    def solve(self, w: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Best value and greatest best set for each row: ``max_{lower ⊆ T ⊆ upper}`` of the objective.

        ``lower`` must lie inside, and ``upper`` contain, the greatest maximiser.
        """
        b = w.shape[0]
        if self.separable:
            inside = self.members(upper)
            best = np.where(inside & (w >= -self.tol), self.bits, 0).sum(axis=1)  # ties join: the greatest set
            return np.where(inside & (w > 0), w, 0.0).sum(axis=1), best
        lower = lower.copy()
        upper = upper.copy()
        self.closure(w, lower, upper)
        best_val = np.full(b, -np.inf)
        best_set = np.zeros(b, dtype=np.int64)
        done = lower == upper
        if done.all():
            return self.objective(w, lower), lower
        rows = np.flatnonzero(done)
        cand_idx, cand_set = [rows], [lower[rows]]
        idx = np.flatnonzero(~done)
        lo, up = lower[idx], upper[idx]
        states = 0
        while idx.size:
            states += idx.size
            if states > _MAX_STATES:
                raise GameTooLargeError(
                    "NCityGame.tu_game(convention='alpha'): the members' choice problems of this game do not "
                    f"separate (more than {_MAX_STATES} search states); use form='function' with "
                    "coopgame.shapley_value(game, method='permutation') for a sampled value with standard errors")
            p = _popcount(up & ~lo)
            small = p <= _ENUM_MAX
            if small.any():
                e_idx, e_set = self._enumerate(w, idx[small], lo[small], up[small], p[small])
                cand_idx.append(e_idx)
                cand_set.append(e_set)
            idx, lo, up = idx[~small], lo[~small], up[~small]
            if not idx.size:
                break
            free = up & ~lo
            pick = free & -free  # lowest free city: branch on it
            idx = np.concatenate((idx, idx))
            lo = np.concatenate((lo | pick, lo))
            up = np.concatenate((up, up & ~pick))
            wb = w[idx]
            self.closure(wb, lo, up)
            fin = lo == up
            cand_idx.append(idx[fin])
            cand_set.append(lo[fin])
            idx, lo, up = idx[~fin], lo[~fin], up[~fin]
        c_idx = np.concatenate(cand_idx)
        c_set = np.concatenate(cand_set)
        c_val = self.objective(w[c_idx], c_set)
        np.maximum.at(best_val, c_idx, c_val)
        ok = c_val >= best_val[c_idx] - self.tol
        score = np.where(ok, _popcount(c_set), -1)
        top = np.full(b, -1)
        np.maximum.at(top, c_idx, score)
        pick = ok & (score == top[c_idx])
        best_set[c_idx[pick]] = c_set[pick]
        best_val[c_idx[pick]] = c_val[pick]   # the objective of each row's chosen set, already evaluated
        return best_val, best_set

    def _enumerate(self, w: np.ndarray, idx: np.ndarray, lo: np.ndarray, up: np.ndarray,
                   p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Greatest best set by enumerating every subset of the free cities, grouped by their number."""
        out_idx, out_set = [], []
        for size in np.unique(p):
            sel = np.flatnonzero(p == size)
            size = int(size)
            step = max(1, _ENUM_CELLS >> size)
            for start in range(0, sel.size, step):
                part = sel[start:start + step]
                r, lo_r, free = idx[part], lo[part], up[part] & ~lo[part]
                if size == 0:
                    out_idx.append(r)
                    out_set.append(lo_r)
                    continue
                pos = np.nonzero(self.members(free))[1].reshape(part.size, size)
                gain = (w[r] + self.pair_rows(lo_r))[np.arange(part.size)[:, None], pos]
                q = self.pair[pos[:, :, None], pos[:, None, :]]
                vals = np.zeros((part.size, 1 << size))
                for k in range(size):
                    half = 1 << k
                    pat = ((np.arange(half)[:, None] >> np.arange(k)) & 1).astype(np.float64)
                    vals[:, half:2 * half] = vals[:, :half] + gain[:, k:k + 1] + q[:, k, :k] @ pat.T
                best = vals.max(axis=1, keepdims=True)
                counts = _popcount(np.arange(1 << size, dtype=np.int64))
                score = np.where(vals >= best - self.tol, counts, -1)
                choice = np.argmax(score, axis=1)
                chosen = ((choice[:, None] >> np.arange(size)) & 1).astype(bool)
                extra = np.where(chosen, self.bits[pos], 0).sum(axis=1)
                out_idx.append(r)
                out_set.append(lo_r | extra)
        return np.concatenate(out_idx), np.concatenate(out_set)

    def grand_best(self) -> int:
        """``G(N)``, the greatest best set of the grand coalition (cached)."""
        if self._top is None:
            full = np.array([(1 << self.n) - 1], dtype=np.int64)
            _, best = self.solve(self.weights(full), np.zeros(1, dtype=np.int64), full)
            self._top = int(best[0])
        return self._top

    def values_of(self, masks: np.ndarray) -> np.ndarray:
        """``max_{T⊆S}`` part of the worth for arbitrary coalitions (no subset information)."""
        masks = np.asarray(masks, dtype=np.int64)
        upper = masks & (masks if self.separable else self.grand_best())
        val, _ = self.solve(self.weights(masks), np.zeros_like(masks), upper)
        return val

    def dense(self, out: np.ndarray) -> np.ndarray:
        """Add ``max_{T⊆S}`` of the objective to ``out[S]`` for every coalition ``S`` (``len(out) == 2**n``).

        Returns the greatest best set ``G(S)`` of every coalition (int32 up to 31 cities).
        """
        n, lo_bits = self.n, self.lo_bits
        size = 1 << lo_bits
        low = np.arange(size, dtype=np.int64)
        best = np.zeros(1 << n, dtype=np.int32 if n <= 31 else np.int64)
        if self.separable:
            for h in range(1 << (n - lo_bits)):
                masks = (np.int64(h) << lo_bits) | low
                w = self.weights(masks)
                inside = self.members(masks)
                out[h * size:(h + 1) * size] += np.where(inside & (w > 0), w, 0.0).sum(axis=1)
                best[h * size:(h + 1) * size] = np.where(inside & (w >= -self.tol), self.bits, 0).sum(axis=1)
            return best
        top = np.int64(self.grand_best())
        # Block 0, by highest member: S ∖ {m} lies below 2**m and is solved already.
        for m in range(lo_bits):
            masks = np.arange(1 << m, 2 << m, dtype=np.int64)
            lower = best[:1 << m].astype(np.int64)
            val, b_set = self.solve(self.weights(masks), lower, masks & top)
            out[masks] += val
            best[masks] = b_set
        # Later blocks share their high bits; S ∖ {k} for a high bit k lies in an earlier block.
        for h in range(1, 1 << (n - lo_bits)):
            masks = (np.int64(h) << lo_bits) | low
            lower = np.zeros(size, dtype=np.int64)
            for k in range(n - lo_bits):
                if (h >> k) & 1:
                    g = h ^ (1 << k)
                    lower |= best[g * size:(g + 1) * size]
            val, b_set = self.solve(self.weights(masks), lower, masks & top)
            out[h * size:(h + 1) * size] += val
            best[h * size:(h + 1) * size] = b_set
        return best


def alpha_dense_values(layers: list[AlphaLayer], out: np.ndarray) -> np.ndarray:
    """Fill ``out`` (``2**n``, holding ``Σ_{i∈S} const_i``) with the alpha worths summed over layers."""
    for layer in layers:
        layer.dense(out)
    out[0] = 0.0
    return out


def alpha_mask_values(layers: list[AlphaLayer], const: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """Alpha worths of a batch of coalitions, each solved exactly on its own."""
    masks = np.asarray(masks, dtype=np.int64)
    n = const.shape[0]
    member = membership_matrix(masks, n).astype(np.float64)
    total = member @ const
    for layer in layers:
        total = total + layer.values_of(masks)
    return total


class AlphaWorths:
    """``masks -> v(S)``: the alpha worths as a picklable value function (for ``ValueFunctionGame``)."""

    def __init__(self, layers: list[AlphaLayer], const: np.ndarray) -> None:
        self.layers = tuple(layers)
        self.const = seal(np.array(const, dtype=np.float64))

    def __call__(self, masks: np.ndarray) -> np.ndarray:
        return alpha_mask_values(self.layers, self.const, masks)

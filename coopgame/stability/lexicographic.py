"""The nucleolus by sequential LPs with constraint generation.

The nucleolus makes the largest excess ``e(S, x) = v(S) - x(S)`` as small as
possible, then the second largest, and so on (Schmeidler 1969). The classic
way to compute it is a sequence of LPs (Maschler, Peleg and Shapley 1979):

stage k:  minimise t  subject to  e(S, x) <= t        for every free coalition S,
                                  e(S, x) = t_j       for coalitions fixed at stage j < k,
                                  x(N) = v(N)         (and x_i >= v({i}) on imputations).

After each stage the coalitions whose LP dual is positive are tight in every
optimal solution; they are fixed at the stage's level ``t_k``. A coalition
whose indicator lies in the span of the fixed ones (and of N) has a constant
excess from then on and leaves the problem. Each stage adds at least one
independent row, so there are at most ``n - 1`` stages.

Two things make large ``n`` cheap:

* **Constraint generation.** No LP sees all ``2**n`` rows. Each stage starts
  from the rows kept so far, solves, scans *all* excesses at the LP point with
  one vectorised pass over the dense values, adds the most violated
  coalitions, and repeats until nothing is violated. The LPs stay small
  (tens to hundreds of rows).
* **Span tests by linear algebra.** The fixed rows are kept as an orthonormal
  basis. Which of the ``2**n`` coalitions fall in their span is decided with
  two random vectors of the orthogonal complement (one vectorised pass each),
  never by re-solving anything per coalition.

Payoffs are divided by the game's payoff scale before they reach the solver,
so tolerances mean the same thing in yuan and in 亿元.

The per-capita nucleolus (Grotte 1970) runs the same LPs on the per-capita
excess ``(v(S) - x(S)) / |S|``: each row ``v(S) - x(S) <= t`` is divided by
``|S|``, and a coalition fixed at level ``t`` becomes ``x(S) = v(S) - |S| t``.
Span tests are unchanged (a coalition in the span of the fixed ones has a
constant ``x(S)``, hence a constant excess of either kind).

Airport games (a StructuredGame whose only cost term is an
:class:`~coopgame.games.structured.AirportCost`, no pairwise terms) take
Littlechild's (1974) closed form (:mod:`coopgame.stability.airport`) instead
of the dense LPs, at any n.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from coopgame._bitmask import additive_values, membership_matrix, popcounts
from coopgame._typing import FloatVector, RNGLike
from coopgame._validation import check_method, check_tol, make_rng
from coopgame.errors import ConvergenceWarning, InvalidGameError, UnknownMethodError
from coopgame.games.structured import StructuredGame
from coopgame.games.tu import TUGame
from coopgame.results import AllocationResult, Summary, format_number
from coopgame.stability.airport import AirportNucleolusResult, _airport_term, _structured_airport_nucleolus
from coopgame.stability._common import DOMAINS, as_dense_game, coalition_labels, game_scale, scaled_text, unscale
from coopgame.stability._lp import solve_lp
from coopgame.stability.kohlberg import KohlbergCheck, kohlberg_check
from coopgame.tolerances import LP_TOL

__all__ = ["NucleolusResult", "nucleolus"]

_METHODS = ("constraint-generation", "dense")
EXCESSES = ("standard", "per-capita")
"""Excess functions: ``v(S) - x(S)`` (Schmeidler) or ``(v(S) - x(S)) / |S|`` (Grotte's per-capita)."""
_DUAL_TOL = 1e-9          # a shadow price above this marks a coalition tight in every optimum
_SPAN_TOL = 1e-9          # |1_S · q| below this (q a unit vector orthogonal to the span) => S in span
_T_FLOOR = -4.0           # artificial floor for t (normalised units); the optimum is always >= -1.5
_TIE_FACTOR = 100.0       # Kohlberg ties: a little looser than the LP tolerance the point was built with
_SCAN_BITS = 22           # masks per task of a distributed excess scan: 2**22 (32 MiB of values each)


@dataclass(frozen=True, eq=False)
class NucleolusResult(AllocationResult):
    """The nucleolus (or pre-nucleolus) with the certificate that it is one.

    Attributes
    ----------
    allocation, players, concept, method, parameters, efficiency_gap, cost_shares
        As in :class:`~coopgame.AllocationResult`; ``cost_shares`` is set for
        games built from costs.
    domain : str
        ``'imputations'`` (the nucleolus) or ``'preimputations'`` (the pre-nucleolus).
    stage_levels : ndarray
        The largest excess fixed at each stage, decreasing; ``stage_levels[0]``
        is the least-core value ε (on the domain).
    stage_coalitions : tuple of tuple of tuple of str
        The coalitions fixed at each stage (member labels).
    kohlberg : KohlbergCheck or None
        Kohlberg's criterion evaluated at ``allocation``; ``kohlberg.passed``
        certifies the answer. For ``excess='per-capita'`` the criterion is
        applied to the level sets of the per-capita excess (see
        :func:`nucleolus`). ``None`` when no check was run (the one-player
        shortcut of :func:`~coopgame.core`).
    n_lps : int
        Number of LPs solved (constraint-generation rounds included).
    max_rows : int
        Largest number of excess rows any LP held (``2**n - 2`` would be the dense LP).
    """

    domain: str = "imputations"
    stage_levels: FloatVector = field(default_factory=lambda: np.zeros(0))
    stage_coalitions: tuple[tuple[tuple[str, ...], ...], ...] = ()
    kohlberg: KohlbergCheck | None = None
    n_lps: int = 0
    max_rows: int = 0

    @property
    def kohlberg_passed(self) -> bool:
        """Whether Kohlberg's criterion holds at the answer (``kohlberg.passed``)."""
        return bool(self.kohlberg is not None and self.kohlberg.passed)

    @property
    def epsilon(self) -> float:
        """The least-core value: the smallest achievable largest excess."""
        return float(self.stage_levels[0]) if self.stage_levels.size else 0.0

    def summary(self) -> Summary:
        """Allocation table plus stages, LP count and the Kohlberg verdict."""
        base = super().summary()
        facts = base.facts + (("stages", str(len(self.stage_levels))),
                              ("LPs solved", str(self.n_lps)), ("largest LP rows", str(self.max_rows)),
                              ("least-core epsilon", self.epsilon),
                              ("Kohlberg criterion", "not run" if self.kohlberg is None
                               else "passed" if self.kohlberg_passed else "FAILED"))
        if self.parameters.get("excess", "standard") != "standard":
            facts += (("excess", str(self.parameters["excess"])),)
        notes = tuple(f"stage {k + 1}: excess {format_number(t)} fixed on "
                      + ", ".join("{" + ",".join(c) + "}" for c in coal[:6]) + (" ..." if len(coal) > 6 else "")
                      for k, (t, coal) in enumerate(zip(self.stage_levels, self.stage_coalitions)))
        title = "Nucleolus" if self.domain == "imputations" else "Pre-nucleolus"
        if self.parameters.get("excess", "standard") == "per-capita":
            title = "Per-capita " + title.lower()
        return Summary(title, facts, base.columns, base.rows, notes)


def nucleolus(game: TUGame | StructuredGame, *, domain: str = "imputations",
              method: str = "constraint-generation", excess: str = "standard", tol: float = LP_TOL,
              rng: RNGLike = None, executor: Any = None) -> NucleolusResult | AirportNucleolusResult:
    """The nucleolus: lexicographically smallest excesses, by sequential LPs.

    Parameters
    ----------
    game : TUGame or StructuredGame
        The game (a StructuredGame is expanded to dense values). For a game
        built with :meth:`TUGame.from_costs` the result also gives cost shares.
        An airport game (a StructuredGame whose only cost term is an
        ``AirportCost`` and which has no pairwise terms) is solved by
        Littlechild's closed form at any n (``method='littlechild-1974'`` on
        the result; the core of an airport game is never empty, so both
        domains give the same point), unless ``method='dense'`` or
        ``excess='per-capita'`` asks for the LPs.
    domain : {'imputations', 'preimputations'}, default 'imputations'
        ``'imputations'`` gives Schmeidler's nucleolus (``x_i >= v({i})``);
        ``'preimputations'`` the pre-nucleolus (efficiency only). They agree
        whenever the core is non-empty.
    method : {'constraint-generation', 'dense'}, default 'constraint-generation'
        ``'constraint-generation'`` keeps each LP small and scans all
        excesses between solves; ``'dense'`` puts every coalition in every LP
        (slow for large n; useful as a cross-check).
    excess : {'standard', 'per-capita'}, default 'standard'
        ``'standard'``: ``e(S, x) = v(S) - x(S)`` (Schmeidler 1969).
        ``'per-capita'``: ``e(S, x) = (v(S) - x(S)) / |S|``, Grotte's (1970)
        per-capita nucleolus. Recorded in ``parameters["excess"]``; the
        stage levels are then per-capita excesses. The certificate is
        Kohlberg's criterion on the per-capita level sets (moving x along z
        changes the excess of S by a positive multiple of ``-z(S)``, which is
        all the criterion's proof uses, so it holds for any positively
        weighted excess; ``result.kohlberg`` reports per-capita excesses). The per-capita
        nucleolus need not equal the nucleolus, but it lies in the core
        whenever the core is non-empty (it minimises the largest per-capita
        excess, and that is <= 0 exactly on the core).
    tol : float, default 1e-9
        Relative tolerance (times the payoff scale) for violations and ties.
    rng : None, int, sequence of int, SeedSequence, BitGenerator or Generator, optional
        Randomness of the vectors used in span tests (answers do not depend on
        it): anything ``numpy.random.default_rng`` takes; ``None`` means a fixed
        default seed. The seed used is recorded in ``parameters["seed"]``.
    executor : None, int, concurrent.futures.Executor or dask.distributed.Client, optional
        Where the excess scans of constraint generation run: ``None`` in this
        process; otherwise the coalitions are cut into blocks of 2**22 masks
        (a plan fixed by ``n`` alone), each scanned as one task (an int: a
        local process pool of that many workers), and the candidates joined in
        mask order, so the result is bit-identical to ``executor=None``. The
        LPs, span tests and Kohlberg check stay in this process (``method='dense'`` has no scans: it runs here).

    Returns
    -------
    NucleolusResult or AirportNucleolusResult
        ``allocation``, the stage levels, and ``kohlberg`` -- the certificate
        (an :class:`~coopgame.stability.airport.AirportNucleolusResult`, with
        the same attributes and no LP certificate, for airport games).

    Raises
    ------
    InvalidGameError
        If ``domain='imputations'`` and the imputation set is empty
        (``Σ v({i}) > v(N)``); the pre-nucleolus still exists.

    Examples
    --------
    Three towns sharing a wastewater plant (literature/03 §3.2): the nucleolus
    saves (19.5, 32.5, 12), so the towns pay 210.5, 127.5 and 218.

    >>> from coopgame import TUGame
    >>> g = TUGame.from_costs([0, 230, 160, 350, 230, 460, 365, 556], players=["t1", "t2", "t3"])
    >>> res = nucleolus(g)
    >>> res.allocation.round(6).tolist(), res.cost_shares.round(6).tolist()
    ([19.5, 32.5, 12.0], [210.5, 127.5, 218.0])
    >>> res.kohlberg_passed, round(res.epsilon, 6)
    (True, -12.0)
    >>> bool(np.array_equal(nucleolus(g, executor=2).allocation, res.allocation))  # scans in two processes
    True

    The per-capita nucleolus of the same game: stage 1 fixes {t3} and {t1,t2}
    at per-capita excess -8 (x_3 = 8), stage 2 balances {t1,t3} and {t2,t3}
    at -11.75:

    >>> pc = nucleolus(g, excess="per-capita")
    >>> pc.allocation.round(6).tolist(), pc.stage_levels.round(6).tolist(), pc.parameters["excess"]
    ([15.5, 40.5, 8.0], [-8.0, -11.75], 'per-capita')
    """
    func = "nucleolus"
    check_method(method, _METHODS, func=func)
    if not isinstance(domain, str) or domain not in DOMAINS:
        raise UnknownMethodError(f"{func}(): domain must be one of {list(DOMAINS)}; got {domain!r}")
    if not isinstance(excess, str) or excess not in EXCESSES:
        raise UnknownMethodError(f"{func}(): excess must be one of {list(EXCESSES)}; got {excess!r}")
    tol = check_tol(tol, func=func)
    generator, seed = make_rng(rng, func=func)
    if executor is not None:  # refuse a bad executor whichever path runs (a pool starts no process until used)
        from coopgame._executor import resolve_executor

        resolve_executor(executor, func=func).close()
    if method != "dense" and excess == "standard":
        if _airport_term(game) is not None:
            return _structured_airport_nucleolus(game, domain=domain, tol=tol, seed=seed)
    dense = as_dense_game(game, func=func, arrays=6 if excess == "standard" else 7)
    n = dense.n_players
    scale = game_scale(dense) or 1.0  # the LPs run on the game divided by its scale; an all-zero game as it is
    v = np.asarray(dense.values) / scale
    lower = v[1 << np.arange(n)] if domain == "imputations" else None
    if lower is not None and lower.sum() > v[-1] + tol:
        raise InvalidGameError(
            f"{func}(): the imputation set is empty (sum of v({{i}}) = {scaled_text(lower.sum(), scale)} exceeds "
            f"v(N) = {scaled_text(v[-1], scale)}); use domain='preimputations' for the pre-nucleolus")
    sizes = popcounts(n).astype(np.float64) if excess == "per-capita" else None
    if executor is None or method == "dense":
        out = _sequential_lp(v, n, lower=lower, tol=max(tol, 1e-12), rng=generator, dense=(method == "dense"),
                             sizes=sizes)
    else:
        with resolve_executor(executor, func=func) as runner:
            out = _sequential_lp(v, n, lower=lower, tol=max(tol, 1e-12), rng=generator, dense=False,
                                 sizes=sizes, runner=runner)
    x = unscale(out.x, scale, func=func, what="the nucleolus") + 0.0   # + 0.0 turns -0.0 into 0.0
    # Per-capita: the game v'(S) = x(S) + (v(S) - x(S))/|S| has the per-capita excesses as its excesses at x,
    # so Kohlberg's test of x in v' is the test of the per-capita level sets (and v'({i}) = v({i})).
    v_check = v if sizes is None else additive_values(out.x) + (v - additive_values(out.x)) / np.maximum(sizes, 1)
    check = kohlberg_check(v_check, out.x, lower=lower, tie_atol=max(tol, 1e-12) * _TIE_FACTOR, scale=scale,
                           players=dense.players, game=game)
    if not check.passed:
        import warnings
        warnings.warn(f"{func}(): Kohlberg's criterion failed at the computed point (see result.kohlberg); "
                      "the game may be badly scaled or tol too tight", ConvergenceWarning, stacklevel=2)
    params: dict[str, Any] = {"domain": domain, "excess": excess, "tol": tol, "seed": seed}
    concept = "nucleolus" if lower is not None else "pre-nucleolus"
    return NucleolusResult(
        allocation=x, players=dense.players, concept=concept if sizes is None else "per-capita " + concept,
        method=method, parameters=params, efficiency_gap=float(out.x.sum() - v[-1]) * scale,
        cost_shares=dense.cost_shares(x) if dense.is_cost_game else None, domain=domain,
        stage_levels=unscale(np.asarray(out.levels), scale, func=func, what="the excess levels"),
        stage_coalitions=tuple(tuple(coalition_labels(m, dense.players) for m in masks) for masks in out.fixed),
        kohlberg=check, n_lps=out.n_lps, max_rows=out.max_rows, game=game)


@dataclass
class _Outcome:
    x: np.ndarray
    levels: list[float]
    fixed: list[list[int]]
    n_lps: int
    max_rows: int
    bases: list[np.ndarray] = field(default_factory=list)   # span basis in force during each stage


def _sequential_lp(v: np.ndarray, n: int, *, lower: np.ndarray | None, tol: float, rng: np.random.Generator,
                   dense: bool, sizes: np.ndarray | None = None, runner: Any = None) -> _Outcome:
    """(Pre-)nucleolus of normalised values ``v`` by constraint generation.

    Outer loop: compute the nucleolus of the problem restricted to a row set R
    (closed under complements, so every stage LP is bounded), then scan all
    coalitions at that point. A coalition S outside R violates stage j if it
    was still free there (outside the span of the rows fixed before j) and its
    excess exceeds the stage level t_j. No violator anywhere means the
    restricted duals are optimal for the full stage LPs, so the point is the
    nucleolus of the full game. Otherwise the worst violators join R.
    Working with the restricted *nucleolus* rather than a vertex of the first
    LP matters: that point is central, so few coalitions violate it.
    ``sizes`` (``|S|`` per mask) switches to the per-capita excess; ``None`` is the standard one.
    ``runner`` (a :class:`coopgame._executor.Runner`) runs the excess scans as tasks; ``None`` in this process.
    """
    full = (1 << n) - 1
    if n == 1:
        return _Outcome(np.array([v[full]]), [], [], 0, 0)
    singles = 1 << np.arange(n, dtype=np.int64)
    if dense:
        rows = np.arange(1, full, dtype=np.int64)
    else:
        rows = np.unique(np.concatenate([singles, full ^ singles]))
    batch = max(2 * n, 16)
    n_lps = max_rows = 0
    while True:
        out = _restricted_nucleolus(v, n, rows, lower=lower, sizes=sizes)
        n_lps += out.n_lps
        max_rows = max(max_rows, rows.size)
        if dense:
            break
        violators = _violators(v, n, out, rows, tol, rng, batch, sizes, runner)
        if violators.size == 0:
            break
        rows = np.union1d(rows, np.concatenate([violators, full ^ violators]))
    out.n_lps, out.max_rows = n_lps, max_rows
    return out


def _restricted_nucleolus(v: np.ndarray, n: int, rows: np.ndarray, *, lower: np.ndarray | None,
                          sizes: np.ndarray | None = None) -> _Outcome:
    """Sequential LPs over the coalitions in ``rows`` only (small, dense LPs)."""
    full = (1 << n) - 1
    basis = np.full((n, 1), 1.0 / np.sqrt(n))        # orthonormal basis of span{1_N, fixed rows}
    eq_masks: list[int] = []                          # independent fixed rows: x(S) = v(S) - t_S
    eq_rhs: list[float] = []
    levels: list[float] = []
    fixed: list[list[int]] = []
    bases: list[np.ndarray] = []
    bounds = [(None if lower is None else float(b), None) for b in (lower if lower is not None else np.zeros(n))]
    bounds.append((_T_FLOOR, None))
    member_all = membership_matrix(rows, n).astype(np.float64)
    free = np.ones(rows.size, dtype=bool)
    n_lps = 0
    x = np.full(n, v[full] / n)
    while basis.shape[1] < n:
        idx = np.flatnonzero(free)
        sol = _stage_lp(v, n, rows[idx], member_all[idx], eq_masks, eq_rhs, bounds,
                        None if sizes is None else sizes[rows[idx]])
        n_lps += 1
        x, t = sol.x[:n], sol.x[n]
        duals = sol.duals_ub
        tight = np.flatnonzero(duals > _DUAL_TOL)
        if tight.size == 0:
            tight = np.array([int(np.argmax(duals))])
        tight = tight[np.argsort(-duals[tight], kind="stable")]
        bases.append(basis)
        levels.append(float(t))
        fixed.append([int(m) for m in rows[idx[tight]]])
        for k in idx[tight]:
            vec = member_all[k]
            resid = vec - basis @ (basis.T @ vec)
            norm = float(np.linalg.norm(resid))
            if norm > 1e-8:
                basis = np.column_stack([basis, resid / norm])
                eq_masks.append(int(rows[k]))
                eq_rhs.append(float(v[rows[k]] - t * (1.0 if sizes is None else sizes[rows[k]])))
        # rows now in the span have constant excess: they leave the problem
        resid = member_all[idx] - (member_all[idx] @ basis) @ basis.T
        free[idx] = np.linalg.norm(resid, axis=1) > 1e-8
    # Polish: with n independent equalities the point solves a square system.
    a = membership_matrix(np.asarray([full] + eq_masks, dtype=np.int64), n).astype(np.float64)
    b = np.asarray([v[full]] + eq_rhs)
    polished = np.linalg.solve(a, b)
    if np.max(np.abs(polished - x)) <= 1e-6:
        x = polished
    return _Outcome(x, levels, fixed, n_lps, rows.size, bases)


def _violators(v: np.ndarray, n: int, out: _Outcome, rows: np.ndarray, tol: float, rng: np.random.Generator,
               batch: int, sizes: np.ndarray | None = None, runner: Any = None) -> np.ndarray:
    """Coalitions outside ``rows`` whose excess at ``out.x`` breaks some stage; the worst ``batch`` per stage."""
    # Levels decrease stage by stage, so a violator of any stage exceeds the last level.
    floor = min(out.levels) + tol
    if runner is None:
        candidates, cand_excess = _scan_excess(v, out.x, rows, floor, sizes, (0, n))
    else:
        plan = _mask_plan(n)
        pieces = runner.map(_scan_task, [_scan_args(v, out.x, rows, floor, sizes, block) for block in plan])
        candidates = np.concatenate([p[0] for p in pieces])
        cand_excess = np.concatenate([p[1] for p in pieces])
    found: list[np.ndarray] = []
    for level, basis in zip(out.levels, out.bases):
        if basis.shape[1] > 1:  # drop coalitions that entered the span before this stage
            keep = _outside(candidates, basis, n, rng)
            candidates, cand_excess = candidates[keep], cand_excess[keep]
        hit = cand_excess > level + tol
        over = candidates[hit]
        if over.size > batch:
            over = over[np.argpartition(cand_excess[hit], -batch)[-batch:]]
        found.append(over)
        if candidates.size == 0:
            break
    return np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)


def _mask_plan(n: int) -> list[tuple[int, int]]:
    """Blocks ``(first mask, log2 of masks)`` of a distributed excess scan, fixed by ``n`` alone."""
    bits = min(n, _SCAN_BITS)
    return [(lo, bits) for lo in range(0, 1 << n, 1 << bits)]


def _scan_args(v: np.ndarray, x: np.ndarray, rows: np.ndarray, floor: float, sizes: np.ndarray | None,
               block: tuple[int, int]) -> tuple[Any, ...]:
    """What one scan task needs: its slice of the values (and sizes) and the kept rows that fall in it."""
    lo, bits = block
    hi = lo + (1 << bits)
    r = rows[np.searchsorted(rows, lo):np.searchsorted(rows, hi)]
    return (v[lo:hi], x, r, floor, None if sizes is None else sizes[lo:hi], block)


def _scan_task(args: tuple[Any, ...]) -> tuple[np.ndarray, np.ndarray]:
    """A scan task: :func:`_scan_excess` of one block, on the block's own slices."""
    v_block, x, rows, floor, sizes_block, (lo, bits) = args
    return _scan_excess(v_block, x, rows, floor, sizes_block, (lo, bits), offset=lo)


def _scan_excess(v: np.ndarray, x: np.ndarray, rows: np.ndarray, floor: float, sizes: np.ndarray | None,
                 block: tuple[int, int], offset: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Masks of block ``lo .. lo + 2**bits`` outside ``rows`` (and not ∅ or N) with excess above ``floor``.

    Returns the masks (increasing) and their excesses. ``v`` and ``sizes``
    are indexed from ``offset`` (the whole arrays: 0; a block's slices: ``lo``).
    ``x(S)`` over the block is built as :func:`additive_values` builds it over
    all masks (doubling over the block's bits, then the block's fixed high
    bits added in increasing order), so each excess is the same float as in
    one pass over all coalitions.
    """
    lo, bits = block
    n = x.shape[0]
    full = (1 << n) - 1
    size = 1 << bits
    xs = additive_values(x[:bits])
    for j in range(bits, n):
        if (lo >> j) & 1:
            xs += x[j]
    excess = v[lo - offset:lo - offset + size] - xs
    if sizes is not None:   # per-capita excess; the empty coalition (size 0) is excluded below
        start = 1 if lo == 0 else 0
        excess[start:] /= sizes[lo - offset + start:lo - offset + size]
    in_rows = np.zeros(size, dtype=bool)
    in_rows[rows - lo] = True
    if lo == 0:
        in_rows[0] = True
    if lo + size - 1 == full:
        in_rows[-1] = True
    local = np.flatnonzero(~in_rows & (excess > floor))
    return local + lo, excess[local]


def _outside(masks: np.ndarray, basis: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Boolean per mask: is 1_S outside span(basis)?

    Two random unit vectors q orthogonal to the span: 1_S lies in the span iff
    1_S · q = 0 for every such q, and for a coalition outside it a random q
    hits zero with probability 0. Evaluated for all masks at once.
    """
    outside = np.zeros(masks.size, dtype=bool)
    for _ in range(2):
        g = rng.standard_normal(n)
        q = g - basis @ (basis.T @ g)
        q /= np.linalg.norm(q)
        if masks.size * 4 > (1 << n):   # many masks: one pass over all coalitions is cheaper
            outside |= np.abs(additive_values(q)[masks]) > _SPAN_TOL
        else:
            outside |= np.abs(membership_matrix(masks, n) @ q) > _SPAN_TOL
    return outside


def _stage_lp(v: np.ndarray, n: int, rows: np.ndarray, member: np.ndarray, eq_masks: list[int],
              eq_rhs: list[float], bounds: list[tuple[float | None, float | None]],
              sizes: np.ndarray | None = None):
    """min t  s.t.  (v(S) - x(S)) / w_S <= t (S in rows),  fixed equalities,  x(N) = v(N).

    ``w_S = 1`` (standard excess) or ``|S|`` (per-capita, ``sizes``): each row is divided by it.
    """
    a_ub = np.hstack([-member, -np.ones((rows.size, 1))])
    b_ub = -v[rows]
    if sizes is not None:
        a_ub[:, :n] /= sizes[:, None]
        b_ub = b_ub / sizes
    full = (1 << n) - 1
    eq = membership_matrix(np.asarray([full] + eq_masks, dtype=np.int64), n).astype(np.float64)
    a_eq = np.hstack([eq, np.zeros((eq.shape[0], 1))])
    b_eq = np.asarray([v[full]] + eq_rhs)
    c = np.zeros(n + 1)
    c[n] = 1.0
    sol = solve_lp(c, a_ub=a_ub, b_ub=b_ub, a_eq=a_eq, b_eq=b_eq, bounds=bounds, func="nucleolus")
    assert sol is not None
    return sol

"""Self-enforcing transfers (DESIGN §2.1): who must pay whom, and how much the centre must add.

Transfers ``t_i`` (received by city i, negative when it pays) are balanced
except for the centre's subsidy ``Z = Σ t_i >= 0``. Full cooperation is a Nash
equilibrium under **perceived** payoffs when no city gains by protecting:

    ũ_i(1_N) + t_i >= ũ_i(0_D, 1_rest)      for every city i and every non-empty set D of issues it drops.

With one issue this is ``t_i >= L_i = ũ_i(0_i, 1_{N∖i}) − ũ_i(1_N)``. With
issue layers the answer is given two ways:

* **per issue**: a transfer ``t_ik`` for each issue, paid when the city
  cooperates on that issue: ``t_ik >= d_ik = ũ^k_i(0_i, 1_{N∖i}) − ũ^k_i(1_N)``,
  each issue's subsidy ``Z_k = max(0, Σ_i d_ik)``;
* **in total** (a package): one transfer paid when the city cooperates on every
  issue, so it must beat every partial deviation: ``t_i >= L_i = max_{D≠∅}
  Σ_{k∈D} d_ik`` (the sum of the positive ``d_ik``, or the largest ``d_ik`` when
  none is positive). ``L_i = Σ_k d_ik`` — DESIGN's ``ũ_i(0_i, 1_{N∖i}) − ũ_i(1_N)`` —
  whenever a city's ``d_ik`` share a sign, in particular for one issue.

The minimal subsidy is ``Z* = max(0, Σ_i L_i)``. Among the cheapest transfers
``{t : Σ t = Z*, t >= L}`` the answer is the one closest (Euclidean) to a
reference rule's transfers ``r = rule allocation − true status quo``: the
projection ``t_i = max(L_i, r_i − λ)``, with λ found exactly from the sorted
breakpoints ``r_i − L_i`` (water-filling; no iteration).

The bounds are infima: a city at margin 0 is indifferent, and any positive
amount more makes cooperation strictly better (a strict equilibrium).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import linprog

from coopgame._bitmask import membership_matrix
from coopgame._typing import FloatVector
from coopgame._validation import as_float_array, check_real, check_tol, frozen
from coopgame.errors import CoopgameError, GameTooLargeError, InvalidGameError, InvalidParameterError, SolverError
from coopgame.games.function_game import ValueFunctionGame
from coopgame.games.ncity import NCityGame
from coopgame.games.pairwise import PairwiseGame
from coopgame.games.structured import StructuredGame
from coopgame.games.tu import TUGame
from coopgame.policy.outside import OutsideOptions, outside_options, package_bounds
from coopgame.policy.rules import SharingRule, as_rule
from coopgame.results import Result, Summary, format_number
from coopgame.stability.coreset import largest_core_violation
from coopgame.tolerances import DEFAULT_TOL

__all__ = ["SelfEnforcingTransfers", "self_enforcing_transfers", "minimal_subsidy", "project_capped_simplex",
           "package_bounds",
           "has_alpha_game", "needs_reference", "CORE_MAX_PLAYERS"]

CORE_MAX_PLAYERS = 20
"""Largest game whose core test (an LP over all ``2**n − 2`` coalitions) is run."""

_FUNC = "self_enforcing_transfers"
_HIGHS = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10}


@dataclass(frozen=True, eq=False)
class SelfEnforcingTransfers(Result):
    """The cheapest transfers that make full cooperation a Nash equilibrium under perceived payoffs.

    Attributes
    ----------
    transfers : ndarray, shape (n,)
        ``t_i`` received by each city (negative: it pays), package form (one
        transfer for cooperating on every issue).
    allocation : ndarray, shape (n,)
        True status-quo payoff plus transfer, ``u_i(1_N) + t_i``.
    subsidy : float
        ``Z* = Σ t_i >= 0``, what the centre adds.
    in_core : bool or None
        Whether some cheapest self-enforcing transfer puts the allocation in
        the core of the cooperative game with the subsidy added to the grand
        coalition's worth (``v'(N) = Σ u_i(1_N) + Z*``; ``v'(S) = v(S)``
        otherwise). None when the game has more than :data:`CORE_MAX_PLAYERS` cities.
    margins : ndarray, shape (n,)
        ``t_i − lower_bounds_i``: how much more than its best deviation each
        city gets by cooperating (perceived payoffs); >= 0 at the answer.
    feasible : bool
        False when ``subsidy_cap`` is below ``Z*`` (then ``shortfall > 0``).
    players, issues : tuple of str
    lower_bounds : ndarray, shape (n,)
        ``L_i``, the least transfer each city needs (its best perceived gain
        from protecting on some set of issues, with the others cooperating).
    reference : str
        The reference rule's label.
    reference_transfers : ndarray, shape (n,), or None
        ``r_i`` = reference allocation − true status quo. None when it was not
        needed and not computed: more than :data:`CORE_MAX_PLAYERS` cities and
        the cheapest transfers unique (``Σ L_i >= 0``, in total and per issue).
    status_quo : ndarray, shape (n,)
        True ``u_i(1_N)``.
    transfers_by_issue, lower_bounds_by_issue, margins_by_issue : ndarray, shape (K, n)
        The per-issue answer (a transfer paid per issue cooperated on).
    subsidy_by_issue : ndarray, shape (K,)
        ``Z*_k = max(0, Σ_i d_ik)``; their sum is at least ``subsidy``.
    subsidy_cap : float or None
    shortfall : float
        ``max(0, Z* − subsidy_cap)``.
    allocation_in_core : bool or None
        Whether the reported allocation itself is in that core.
    core_subsidy : float or None
        The least subsidy at which a self-enforcing transfer also lies in the
        core (an LP); equals ``subsidy`` when ``in_core``.
    core_transfers : ndarray or None
        Such a transfer at ``core_subsidy``.
    max_core_excess : float or None
        ``max_{S⊊N} v(S) − Σ_{i∈S} allocation_i`` of the reported allocation.
    method, parameters
    """

    transfers: FloatVector
    allocation: FloatVector
    subsidy: float
    in_core: bool | None
    margins: FloatVector
    feasible: bool
    players: tuple[str, ...]
    issues: tuple[str, ...]
    lower_bounds: FloatVector
    reference: str
    reference_transfers: FloatVector | None
    status_quo: FloatVector
    transfers_by_issue: np.ndarray
    lower_bounds_by_issue: np.ndarray
    margins_by_issue: np.ndarray
    subsidy_by_issue: FloatVector
    subsidy_cap: float | None = None
    shortfall: float = 0.0
    allocation_in_core: bool | None = None
    core_subsidy: float | None = None
    core_transfers: FloatVector | None = None
    max_core_excess: float | None = None
    method: str = "water-filling projection; core by LP (HiGHS)"
    parameters: Mapping[str, Any] = field(default_factory=dict)

    _headline = ("subsidy", "feasible", "in_core", "transfers", "players", "reference")

    @property
    def recipients(self) -> tuple[str, ...]:
        """Cities that receive a transfer (``t_i > atol``)."""
        atol = float(self.parameters.get("atol", 0.0))
        return tuple(p for p, t in zip(self.players, self.transfers) if t > atol)

    @property
    def payers(self) -> tuple[str, ...]:
        """Cities that pay (``t_i < −atol``)."""
        atol = float(self.parameters.get("atol", 0.0))
        return tuple(p for p, t in zip(self.players, self.transfers) if t < -atol)

    def headline(self, unit: str = "", *, significant: int | None = None) -> str:
        """One sentence a policy designer reads first; ``unit`` (the model's money unit) follows the subsidy;
        numbers to ``significant`` figures when given (a model resting on modeling choices), else 4 decimals."""
        z = format_number(self.subsidy, significant=significant) + (f" ({unit})" if unit else "")
        riders = [p for p, b in zip(self.players, self.lower_bounds)
                  if b > float(self.parameters.get("atol", 0.0))]
        if self.subsidy <= float(self.parameters.get("atol", 0.0)):
            text = "Cooperation can be made self-enforcing by transfers among the cities alone (no central subsidy)"
        else:
            text = f"Cooperation is self-enforcing with a central subsidy of {z}"
        if riders:
            text += f"; without transfers, {', '.join(riders)} would free-ride"
        if not self.feasible:
            text += (f"; the cap {format_number(self.subsidy_cap, significant=significant)} falls short by "
                     f"{format_number(self.shortfall, significant=significant)}")
        return text + "."

    def summary(self) -> Summary:
        """Per city: status quo, least transfer needed, the transfer, allocation and margin; then the core test."""
        facts = [("headline", self.headline()), ("minimal central subsidy Z*", self.subsidy),
                 ("reference rule", self.reference), ("feasible within the cap", str(self.feasible))]
        if self.subsidy_cap is not None:
            facts += [("subsidy cap", self.subsidy_cap), ("shortfall", self.shortfall)]
        if self.in_core is None:
            facts.append(("core test", f"not run (n > {CORE_MAX_PLAYERS})"))
        else:
            facts += [("some cheapest transfer lies in the core", str(self.in_core)),
                      ("this allocation lies in the core", str(self.allocation_in_core)),
                      ("least subsidy for self-enforcing and core", self.core_subsidy)]
        if len(self.issues) > 1:
            facts.append(("subsidy per issue", ", ".join(f"{k}: {format_number(z)}"
                                                           for k, z in zip(self.issues, self.subsidy_by_issue))))
        cols = ("city", "status quo (true)", "least transfer (perceived)", "reference transfer", "transfer",
                "allocation (true)", "margin (perceived)")
        rows = tuple((p, self.status_quo[i], self.lower_bounds[i],
                      None if self.reference_transfers is None else self.reference_transfers[i],
                      self.transfers[i],
                      self.allocation[i], self.margins[i])
                     for i, p in enumerate(self.players))
        notes = ("Transfers are received (negative: paid) and add up to the central subsidy.",
                 "Least transfer and margin use perceived payoffs (decisions); status quo and allocation true ones.",
                 "Bounds are infima: a city at margin 0 is indifferent; any amount more makes cooperation strict.")
        return Summary(title="Self-enforcing transfers", facts=tuple(facts), columns=cols, rows=rows, notes=notes)


def self_enforcing_transfers(game: NCityGame | PairwiseGame, *, reference: SharingRule | str = "shapley",
                             subsidy_cap: float | None = None, tol: float = DEFAULT_TOL,
                             tu: TUGame | StructuredGame | ValueFunctionGame | None = None,
                             outside: OutsideOptions | None = None,
                             tu_label: str = "given (tu=)") -> SelfEnforcingTransfers:
    """The minimal central subsidy and transfers that make full cooperation a Nash equilibrium.

    Parameters
    ----------
    game : NCityGame or PairwiseGame
        An n-city game (any issue layers) or a 2×2 bimatrix in the cooperation
        convention (action 0 = cooperate), whose payoffs are taken as perceived
        and true alike.
    reference : SharingRule or str, default "shapley"
        Any rule :func:`coopgame.policy.rules.as_rule` accepts; applied to the
        cooperative game, its transfers are allocation − true status quo.
    subsidy_cap : float, optional
        The most the centre will pay. Below ``Z*`` the answer says so
        (``feasible=False``, ``shortfall``), it does not raise.
    tol : float, default 1e-9
        Relative tolerance (times the payoff scale) for the sign and core tests.
    tu : TUGame, StructuredGame or ValueFunctionGame, optional
        The cooperative game for the reference rule and the core test. Default:
        ``game.tu_game(convention="alpha")`` (per issue: each layer's alpha
        game); for a 2×2 bimatrix, the two-player alpha game
        ``v({i}) = stand-alone payoff``, ``v(N) = max`` welfare over the four profiles.
        When ``tu`` is given for a game with issue layers and the layers' alpha
        games are not available, the per-issue reference is the package
        reference split equally over issues.
    outside : OutsideOptions, optional
        ``outside_options(game)`` when the caller has it already (not recomputed);
        it must have one entry per city of ``game``.
    tu_label : str, default "given (tu=)"
        How ``parameters["cooperative_game"]`` names a given ``tu`` (``"alpha"``
        when it is the game's own alpha game, as the report passes it).

    Returns
    -------
    SelfEnforcingTransfers

    Raises
    ------
    InvalidGameError
        For a game of another type (or a bimatrix that is not 2×2).
    InvalidParameterError
        On a bad ``subsidy_cap``, ``tol`` or ``tu`` (wrong type or number of
        players), or when no cooperative game is at hand (pass ``tu=``).
    GameTooLargeError
        Without ``tu=``, for more than :data:`CORE_MAX_PLAYERS` cities when the
        reference is needed (the cities gain together, ``Σ L_i < 0``, in total
        or on some issue): it needs the dense alpha game; raised before building it.
        When the cheapest transfers are unique no cooperative game is built, the
        core test is left out and ``reference_transfers`` is None.
    UnknownMethodError
        When ``reference`` names no rule.

    Examples
    --------
    A prisoner's dilemma between two cities (action 0 = cooperate): each gains 2 by
    free-riding, so the centre must add 2 + 2; the Shapley value of the alpha
    game (``v({i}) = 1``, ``v(N) = 6``) is the status quo, so the transfers are the bounds:

    >>> pd = PairwiseGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> res = self_enforcing_transfers(pd)
    >>> res.subsidy, res.transfers.tolist(), res.in_core
    (4.0, [2.0, 2.0], True)
    >>> self_enforcing_transfers(pd, subsidy_cap=3).shortfall
    1.0
    """
    if not isinstance(game, (NCityGame, PairwiseGame)):
        raise InvalidGameError(f"{_FUNC}(): game must be an NCityGame or a 2x2 PairwiseGame; "
                               f"got {type(game).__name__}")
    rule = as_rule(reference, func=_FUNC)
    if not isinstance(tu_label, str):
        raise InvalidParameterError(f"{_FUNC}(): tu_label must be a string; got {tu_label!r} "
                                    f"({type(tu_label).__name__})")
    tol = check_tol(tol, func=_FUNC)
    cap = _check_cap(subsidy_cap)
    oo = _outside(game, outside)
    n = len(oo.players)
    # the payoff scale of this answer (not floored: a game in 亿元 and in yuan get the same answer)
    scale = float(max(np.max(np.abs(a)) for a in (*oo.true, *oo.perceived))) or 1.0
    atol = tol * scale
    d = oo.free_ride_gain_by_issue                                                  # (K, n)
    sq_k = oo.by_issue["status_quo"]                                                # (K, n) true
    sq = oo.status_quo
    k = d.shape[0]
    # lower bounds, subsidies
    lower = oo.deviation_bounds
    z_star = float(minimal_subsidy(lower))
    z_k = np.maximum(0.0, d.sum(axis=1))
    # cooperative game(s) and reference transfers
    if tu is None and isinstance(game, NCityGame) and n > CORE_MAX_PLAYERS and _unique(lower, d):
        # every city sits on its bound (the centre pays all the free-riding gains): no reference to consult,
        # and no dense game to build
        if not has_alpha_game(game):
            raise InvalidParameterError(f"{_FUNC}(): no cooperative game at hand: NCityGame.tu_game() has no "
                                        "convention='alpha' here; pass tu= (the alpha game, DESIGN §2.1)")
        dense, ref, t, t_k = None, None, lower.copy(), np.array(d, dtype=float)
        source = per_issue_reference = "none needed (the cheapest transfers are unique)"
    else:
        coop, per_layer, source = _cooperative_games(game, tu, n, oo, tu_label)
        dense = _dense(coop, n)
        ref = _rule_allocation(rule, coop if dense is None else dense, sq) - sq
        if per_layer is not None:
            ref_k = np.stack([_rule_allocation(rule, _dense_or_itself(g, n), sq_k[j]) - sq_k[j]
                              for j, g in enumerate(per_layer)])
            per_issue_reference = "the rule on each issue's cooperative game"
        else:
            ref_k = np.repeat(ref[None, :] / k, k, axis=0)
            per_issue_reference = "the package reference split equally over issues"
        t = project_capped_simplex(ref, lower, z_star)
        t_k = project_capped_simplex(ref_k, d, z_k)
    feasible = cap is None or z_star <= cap + atol
    shortfall = 0.0 if cap is None else max(0.0, z_star - cap)
    alloc = sq + t
    core_info = _core_test(dense, sq, lower, alloc, z_star, scale, atol)
    params = {"reference": rule.label, "tol": tol, "atol": atol, "cooperative_game": source,
              "per_issue_reference": per_issue_reference if k > 1 else "the package reference"}
    ro = frozen
    return SelfEnforcingTransfers(
        transfers=ro(t), allocation=ro(alloc), subsidy=z_star, in_core=core_info[0], margins=ro(_clean(t - lower, atol)),
        feasible=bool(feasible), players=oo.players, issues=oo.issues, lower_bounds=ro(lower),
        reference=rule.label, reference_transfers=None if ref is None else ro(ref), status_quo=sq, transfers_by_issue=ro(t_k),
        lower_bounds_by_issue=ro(np.array(d)), margins_by_issue=ro(_clean(t_k - d, atol)), subsidy_by_issue=ro(z_k),
        subsidy_cap=cap, shortfall=shortfall, allocation_in_core=core_info[1], core_subsidy=core_info[2],
        core_transfers=None if core_info[3] is None else ro(core_info[3]), max_core_excess=core_info[4],
        parameters=params, game=game)


# ---------------------------------------------------------------------------------------------- kernels
def minimal_subsidy(bounds: ArrayLike) -> np.ndarray:
    """``Z* = max(0, Σ_i L_i)``: the least central subsidy that lets transfers make full cooperation self-enforcing.

    ``bounds`` are the cities' deviation bounds ``L_i`` (perceived payoffs), shape (..., n): any leading axes
    (draws of an uncertainty analysis) are kept.

    Examples
    --------
    >>> minimal_subsidy([2.0, -1.0, 0.5]).tolist(), minimal_subsidy([[1.0, -3.0], [2.0, 2.0]]).tolist()
    (1.5, [0.0, 4.0])
    """
    lower = as_float_array(bounds, func="minimal_subsidy", name="bounds", error=InvalidParameterError)
    if lower.ndim < 1:
        raise InvalidParameterError(f"minimal_subsidy(): bounds must have one entry per city; got shape {lower.shape}")
    return np.maximum(0.0, lower.sum(axis=-1))


def project_capped_simplex(r: np.ndarray, lower: np.ndarray, total: np.ndarray | float) -> np.ndarray:
    """Euclidean projection of ``r`` onto ``{t : Σ t = total, t >= lower}``, exactly, along the last axis.

    The answer is ``t = max(lower, r − λ)``; ``Σ max(lower, r − λ)`` is piecewise
    linear and non-increasing in λ with breakpoints ``b = r − lower``. With
    ``b`` sorted in decreasing order, the m largest are active for
    ``λ_m = (Σ_{top m} r + Σ_{rest} lower − total) / m``, the m for which
    ``b_(m+1) <= λ_m <= b_(m)``. Batched over leading axes; ``total`` must be at
    least ``Σ lower`` (a smaller one is raised to it).

    Examples
    --------
    >>> project_capped_simplex(np.array([3.0, 0.0, -1.0]), np.array([0.0, 1.0, 1.0]), 3.0).tolist()
    [1.0, 1.0, 1.0]
    >>> project_capped_simplex(np.array([3.0, 0.0, -1.0]), np.array([0.0, 1.0, 1.0]), 8.0).tolist()
    [5.0, 2.0, 1.0]
    """
    func = "project_capped_simplex"
    r = as_float_array(r, func=func, name="r", error=InvalidParameterError)
    if r.ndim == 0 or r.shape[-1] == 0:
        raise InvalidParameterError(f"{func}(): r must have at least one axis and one entry along the last; "
                                    f"got shape {r.shape}")
    lower = as_float_array(lower, func=func, name="lower", error=InvalidParameterError)
    total = as_float_array(total, func=func, name="total", error=InvalidParameterError)
    try:
        lower = np.broadcast_to(lower, r.shape)
        total = np.broadcast_to(total, r.shape[:-1])
    except ValueError:
        raise InvalidParameterError(f"{func}(): lower must broadcast to r's shape {r.shape} and total to "
                                    f"{r.shape[:-1]}; got {lower.shape} and {total.shape}") from None
    n = r.shape[-1]
    b = r - lower
    order = np.argsort(-b, axis=-1, kind="stable")
    bs = np.take_along_axis(b, order, axis=-1)
    rs = np.take_along_axis(r, order, axis=-1)
    ls = np.take_along_axis(lower, order, axis=-1)
    m = np.arange(1, n + 1)
    top_r = np.cumsum(rs, axis=-1)                                   # Σ of the m largest-b entries of r
    rest_l = ls.sum(axis=-1, keepdims=True) - np.cumsum(ls, axis=-1)  # Σ lower over the others
    lam = (top_r + rest_l - total[..., None]) / m
    nxt = np.concatenate([bs[..., 1:], np.full(bs.shape[:-1] + (1,), -np.inf)], axis=-1)
    ok = lam >= nxt                                                  # λ_m at or above the next breakpoint
    first = np.argmax(ok, axis=-1)                                   # the smallest such m (always exists: m = n)
    lam_star = np.take_along_axis(lam, first[..., None], axis=-1)
    t = np.maximum(lower, r - lam_star)
    # Σ t = total exactly up to rounding; when total == Σ lower every entry sits on its bound
    return t


# ---------------------------------------------------------------------------------------------- helpers
def needs_reference(game: NCityGame | PairwiseGame) -> bool:
    """False when the cheapest self-enforcing transfers are unique, in total and per issue (``Σ_i L_i >= 0``).

    Then the centre pays every city exactly its free-riding gain and no
    reference rule (nor any cooperative game) is consulted.
    """
    oo = outside_options(game)
    return not _unique(oo.deviation_bounds, oo.free_ride_gain_by_issue)


def _unique(lower: np.ndarray, d: np.ndarray) -> bool:
    return bool(lower.sum() >= 0 and np.all(d.sum(axis=1) >= 0))


def _clean(margins: np.ndarray, atol: float) -> np.ndarray:
    """Margins within ``atol`` of zero are zero (a binding bound, up to rounding)."""
    return np.where(np.abs(margins) <= atol, 0.0, margins)


def _check_cap(cap: Any) -> float | None:
    if cap is None:
        return None
    return check_real(cap, func=_FUNC, name="subsidy_cap", minimum=0.0)


def has_alpha_game(game: Any) -> bool:
    """True when ``game`` has the alpha cooperative game of DESIGN §2.1 (an :class:`NCityGame`)."""
    return isinstance(game, NCityGame)


def _outside(game: Any, outside: Any) -> OutsideOptions:
    if outside is None:
        return outside_options(game)
    if not isinstance(outside, OutsideOptions):
        raise InvalidParameterError(f"{_FUNC}(): outside must be OutsideOptions (outside_options(game)); "
                                    f"got {type(outside).__name__}")
    if tuple(outside.players) != tuple(game.players):
        raise InvalidParameterError(f"{_FUNC}(): outside options are for cities {list(outside.players)}; "
                                    f"the game has {list(game.players)}")
    return outside


def _cooperative_games(game: Any, tu: Any, n: int, oo: OutsideOptions,
                       tu_label: str = "given (tu=)") -> tuple[Any, list[Any] | None, str]:
    """The package cooperative game, the per-layer ones (or None), and where they came from."""
    if tu is not None:
        if not isinstance(tu, (TUGame, StructuredGame, ValueFunctionGame)):
            raise InvalidParameterError(f"{_FUNC}(): tu must be a TUGame, StructuredGame or ValueFunctionGame; "
                                        f"got {type(tu).__name__}")
        if tu.n_players != n:
            raise InvalidParameterError(f"{_FUNC}(): tu must have one player per city ({n}); got {tu.n_players}")
        per_layer = None
        if isinstance(game, NCityGame) and game.n_layers > 1 and has_alpha_game(game):
            per_layer = [game.layer(j).tu_game(convention="alpha") for j in range(game.n_layers)]
        return tu, per_layer, tu_label
    if isinstance(game, PairwiseGame):
        true_game = getattr(game, "true_game", game)  # the cooperative game is in true payoffs
        w = true_game.row_payoffs + true_game.col_payoffs
        v = [0.0, float(oo.stand_alone[0]), float(oo.stand_alone[1]), float(w.max())]
        return TUGame(v, players=game.players), None, "alpha (two players: stand-alone, best welfare)"
    if not has_alpha_game(game):
        raise InvalidParameterError(f"{_FUNC}(): no cooperative game at hand: NCityGame.tu_game() has no "
                                    "convention='alpha' here; pass tu= (the alpha game, DESIGN §2.1)")
    if n > CORE_MAX_PLAYERS:
        raise GameTooLargeError(f"{_FUNC}(): n = {n} > {CORE_MAX_PLAYERS} cities and the cities gain together, so "
                                "the reference rule must choose among the cheapest transfers; it needs the dense "
                                "alpha game (2**n worths): pass tu= (a structured or dense cooperative game)")
    coop = game.tu_game(convention="alpha")
    per_layer = None if game.n_layers == 1 else [game.layer(j).tu_game(convention="alpha")
                                                 for j in range(game.n_layers)]
    return coop, per_layer, "alpha"


def _dense(coop: Any, n: int) -> TUGame | None:
    """The dense form when the core test can run (n <= CORE_MAX_PLAYERS), else None."""
    if n > CORE_MAX_PLAYERS:
        return None
    return coop if isinstance(coop, TUGame) else coop.to_tu()


def _dense_or_itself(coop: Any, n: int) -> Any:
    dense = _dense(coop, n)
    return coop if dense is None else dense


def _rule_allocation(rule: SharingRule, coop: Any, sq: np.ndarray) -> np.ndarray:
    try:
        x = np.asarray(rule.allocate(coop, np.asarray(sq, dtype=float)), dtype=float)
    except CoopgameError as err:  # raised again naming the function the user called
        raise type(err)(f"{_FUNC}(): the reference rule {rule.label!r} cannot split the cooperative game: "
                        f"{err}") from err
    if x.shape != sq.shape:  # pragma: no cover - rules return one entry per player
        raise InvalidParameterError(f"{_FUNC}(): the reference rule returned shape {x.shape}; expected {sq.shape}")
    return x


def _core_test(dense: TUGame | None, sq: np.ndarray, lower: np.ndarray, alloc: np.ndarray, z_star: float,
               scale: float, atol: float) -> tuple[bool | None, bool | None, float | None, np.ndarray | None,
                                                   float | None]:
    """(in_core, allocation_in_core, core_subsidy, core_transfers, max_core_excess).

    One LP, on payoffs divided by the scale: ``m = min Σ t`` subject to
    ``t >= lower`` and ``Σ_{i∈S} t_i >= v(S) − Σ_{i∈S} u_i(1_N)`` for every
    ``S ⊊ N``. Adding to any t keeps every row, so a self-enforcing transfer in
    the core exists at subsidy Z iff ``Z >= max(0, m)``.
    """
    if dense is None:
        return None, None, None, None, None
    n = dense.n_players
    values = np.asarray(dense.values, dtype=float)
    masks = np.arange(1, 2**n - 1, dtype=np.int64)
    member = membership_matrix(masks, n).reshape(masks.size, n).astype(np.float64)
    need = values[masks] - member @ sq                                   # what each coalition must get via t
    excess = largest_core_violation(dense, alloc).amount if n > 1 else 0.0
    if masks.size == 0:  # one city: no proper coalition
        m = float(lower.sum())
        t_core = np.array(lower, dtype=float)
    else:
        s = float(max(np.max(np.abs(need)), np.max(np.abs(lower)))) or scale  # normalise to scale 1
        res = linprog(np.ones(n), A_ub=-member, b_ub=-need / s, bounds=list(zip(lower / s, [None] * n)),
                      method="highs", options=_HIGHS)
        if res.status != 0:
            raise SolverError(f"{_FUNC}(): the core LP failed (HiGHS status {res.status}: {res.message})")
        t_core = np.asarray(res.x, dtype=float) * s
        m = float(t_core.sum())
    core_subsidy = max(0.0, m)
    in_core = bool(core_subsidy <= z_star + atol)
    if in_core:
        core_subsidy = z_star
    t_core = t_core + (core_subsidy - m) / n  # what is left over goes equally (every row stays satisfied)
    return in_core, bool(excess <= atol), core_subsidy, t_core, excess

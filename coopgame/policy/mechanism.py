"""The cooperation fund as a mechanism: dues, projects, the mayors' conference, withholding, and time.

Source 003 proposes a city-cluster fund paid in by every member as a fixed
share of its GDP or fiscal revenue, spent as the mayors' joint conference
decides, with central finance withholding the dues of a member that does not
pay (DESIGN §2.1). This module turns that proposal into a game whose every
rule is stated:

* **Dues** ``d_i = τ · w_i``: a rate times a base (GDP, budget revenue) or a
  fixed ratio (Chishui's 1:5:4 with ``τ`` the money per ratio unit),
  :class:`DuesRule`.
* **Projects** (:class:`Project`): a yearly cost paid by the fund, yearly
  benefits to each city, and participants. A project runs only when all its
  participants have paid and the fund covers it: projects are taken in
  priority order and the first one the fund cannot cover in full ends the
  list (**partial funding is refused**; the balance is held, and the model
  gives a held balance no value in the year).
* **The conference** (:class:`Conference`) votes once on the annual plan:
  the projects plus the settlement by a sharing rule. A mayor votes for it when the plan leaves the city at least
  as well off as no fund (payoff 0); the plan passes when the supporters'
  votes reach the quota. Each mayor's voice is his power index in that
  weighted voting game (:func:`coopgame.power_indices`).
* **Settlement**: when every member pays, a sharing rule splits the worth of
  the fund's cooperative game (the ``"alpha"`` game by default, DESIGN §2.1:
  a coalition's members choose which of them pay, so a city's stand-alone
  worth is ``max(0, what paying alone brings)``); a city's transfer is its
  allocation minus what it has when everyone pays and nothing is settled
  (``a_i − d_i`` plus its benefits in kind), paid through the fund. A city
  that does not pay receives no transfer (DESIGN §2.1, free-riding).
* **Enforcement**: the centre withholds the dues of a city that did not pay
  with probability ``p``, together with a penalty ``π_i``. Withholding
  happens at the year-end fiscal settlement, after the year's projects were
  chosen from the dues actually paid, so it costs the withholding city
  ``p (d_i + π_i)`` in expectation and funds nothing that year (a modeling
  reading of the seed fact; the money goes to the fund's balance).
* **Time**: every year repeats the stage game; values over ``years`` are
  present values at ``discount_rate`` (:func:`~coopgame.policy.real_rules.present_value`).

City ``i``'s yearly payoff when the cities in ``y`` pay (true payoffs: the
mechanism has no perception factor, so decisions and welfare use the same):

    u_i(y) = y_i (a_i − d_i) + Σ_{k funded(y)} B_ki + [y = N] s_i − (1 − y_i) p (d_i + π_i)

with ``a_i`` the city's own net payoff of taking part (own benefit minus
transaction cost) and ``s_i`` its settlement. Paying is **self-enforcing**
when everyone paying is a Nash equilibrium of this payment game, and
**dominant** when paying is a best response to every choice of the others.
Since withholding costs ``p (d_i + π_i)`` whatever the others do, the least
``p`` that makes paying an equilibrium (or dominant) is
``max(0, −m_i) / (d_i + π_i)`` with ``m_i`` the advantage of paying at
``p = 0`` when everyone else pays (or its minimum over the others'
choices), and the least penalty at a given ``p > 0`` is
``max(0, −m_i / p − d_i)``. With non-negative benefits and dues that cover
every city's share of its projects (``Σ_{k∋i} K_k / D(P_k) <= 1``, so every
group of payers can fund the projects among them), the advantage of paying
grows with the set of other payers, and its minimum is the smaller of two
closed forms: paying alone and paying last. Otherwise, and always when
asked, it is found by enumerating the ``2**(n−1)`` choices of the others.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from coopgame._bitmask import membership_matrix
from coopgame._memory import ensure_fits
from coopgame._pickling import ReadOnlyState
from coopgame._typing import FloatVector
from coopgame._validation import _describe, as_float_array, check_real, frozen, label_sequence
from coopgame.errors import CoopgameError, GameTooLargeError, InvalidParameterError
from coopgame.games.binary import BinaryActionGame, MAX_TABLE_PLAYERS, advantages
from coopgame.games.structured import StructuredGame
from coopgame.games.tu import TUGame
from coopgame.policy._checks import check_labels, check_name
from coopgame.policy._mechanism_stack import best_subset, funded_stack, pair_order, quota_threshold
from coopgame.policy.fund import Flow, payment_flows
from coopgame.policy.real_rules import present_value
from coopgame.policy.rules import SharingRule, as_rule
from coopgame.results import Result, Summary, format_number
from coopgame.tolerances import DEFAULT_TOL, payoff_scale

__all__ = ["Conference", "DuesRule", "FundMechanism", "MechanismResult", "Project", "pair_projects",
           "QUOTAS", "VOTE_RESOLUTION"]

QUOTAS: dict[str, str] = {
    "unanimity": "every vote",
    "simple": "more than half of the votes",
    "two-thirds": "at least two thirds of the votes",
}

VOTE_RESOLUTION: int = 1000
"""Votes weighted by dues are whole per-mille shares of the fund: ``round(1000 · d_i / Σ d)``."""

_BLOCK = 1 << 16   # profiles per block of the payoff table
CONVENTIONS = ("alpha", "members")
MAX_SPILLOVER_ALPHA = 10   # the alpha game with benefits to non-payers scans 4**n (payers, coalition) pairs


# ---------------------------------------------------------------------------------------------------- dues
@dataclass(frozen=True, eq=False)
class DuesRule(ReadOnlyState):
    """Dues ``d_i = rate · base_i``.

    Parameters
    ----------
    base : array_like, shape (n,)
        What the dues are levied on (GDP, budget revenue, or fixed ratios): finite, >= 0, not all 0.
    rate : float
        Dues per unit of base (>= 0): 0.001 is 0.1 % of GDP; for fixed ratios, money per ratio unit.
    basis : str, default "GDP"
        What the base measures (used in labels).

    Examples
    --------
    Chishui's fund, 1:5:4 of 2 (100 million yuan):

    >>> DuesRule.fixed_ratios([1, 5, 4], total=2).dues.tolist()
    [0.2, 1.0, 0.8]
    >>> DuesRule([100.0, 300.0], 0.01).rate_for(8.0)      # the rate that raises 8
    0.02
    """

    base: FloatVector
    rate: float
    basis: str = "GDP"

    def __post_init__(self) -> None:
        func = "DuesRule"
        w = as_float_array(self.base, func=func, name="base", ndim=1, error=InvalidParameterError)
        top = float(w.max()) if w.size else 0.0
        if np.any(w < 0) or top <= 0:
            raise InvalidParameterError(f"{func}(): base must be >= 0 and not all 0; got {_describe(self.base)}")
        object.__setattr__(self, "base", frozen(w))
        object.__setattr__(self, "rate", check_real(self.rate, func=func, name="rate", minimum=0.0))
        object.__setattr__(self, "basis", check_name(self.basis, func=func, name="basis"))

    @classmethod
    def fixed_ratios(cls, ratios: ArrayLike, total: float) -> DuesRule:
        """Dues in fixed ratios (e.g. 1:5:4) adding up to ``total``."""
        w = as_float_array(ratios, func="DuesRule.fixed_ratios", name="ratios", ndim=1, error=InvalidParameterError)
        total = check_real(total, func="DuesRule.fixed_ratios", name="total", minimum=0.0)
        s = float(w.sum()) if w.size else 0.0
        if not np.isfinite(s) or s <= 0 or np.any(w < 0):
            raise InvalidParameterError(f"DuesRule.fixed_ratios(): ratios must be >= 0 and not all 0; "
                                        f"got {_describe(ratios)}")
        return cls(w, total / s, basis="fixed ratio")

    @property
    def dues(self) -> FloatVector:
        """``rate · base``, per city."""
        return frozen(self.rate * self.base)

    def rate_for(self, amount: float) -> float:
        """The rate at which the dues add up to ``amount``."""
        return check_real(amount, func="DuesRule.rate_for", name="amount", minimum=0.0) / float(self.base.sum())

    def at_rate(self, rate: float) -> DuesRule:
        """The same rule at another rate."""
        return DuesRule(self.base, rate, self.basis)

    def describe(self) -> str:
        if self.basis == "fixed ratio":
            return f"fixed ratios {':'.join(format_number(b) for b in self.base)} x {format_number(self.rate)}"
        return f"{format_number(100 * self.rate)} % of {self.basis}"


# ---------------------------------------------------------------------------------------------------- projects
@dataclass(frozen=True, eq=False)
class Project(ReadOnlyState):
    """A joint project the fund may finance.

    Parameters
    ----------
    name : str
    cost : float
        Paid by the fund each year it runs (>= 0).
    benefits : array_like, shape (n,)
        Yearly benefit to each city while it runs (finite; in kind, not through the fund).
    participants : sequence of str
        The cities that must all have paid for the project to run (at least one).
    """

    name: str
    cost: float
    benefits: FloatVector
    participants: tuple[str, ...]

    def __post_init__(self) -> None:
        func = "Project"
        object.__setattr__(self, "name", check_name(self.name, func=func, name="name"))
        object.__setattr__(self, "cost", check_real(self.cost, func=func, name="cost", minimum=0.0))
        b = as_float_array(self.benefits, func=func, name="benefits", ndim=1, error=InvalidParameterError)
        object.__setattr__(self, "benefits", frozen(b))
        parts = label_sequence(self.participants, func=func)
        if not parts or not all(isinstance(c, str) for c in parts) or len(set(parts)) != len(parts):
            raise InvalidParameterError(f"{func}(): participants must name at least one city, each once; "
                                        f"got {_describe(self.participants)}")
        object.__setattr__(self, "participants", tuple(parts))


def pair_projects(benefits: ArrayLike, costs: ArrayLike, players: Sequence[str]) -> tuple[Project, ...]:
    """One joint project per pair of cities from benefit and cost matrices.

    Project ``{i, j}`` brings ``benefits[i, j]`` to city i and
    ``benefits[j, i]`` to city j, and costs ``costs[i, j] + costs[j, i]``. Pairs
    with no benefit are left out; the rest are listed in priority order: the
    highest ratio of benefit to cost first (ties in player order), which is the
    order a conference that ranks by value for money would fund them in.

    Examples
    --------
    >>> b = [[0, 3, 1], [3, 0, 0], [1, 0, 0]]
    >>> [(p.name, p.cost) for p in pair_projects(b, [[0, 1, 1], [1, 0, 0], [1, 0, 0]], ["A", "B", "C"])]
    [('A-B', 2.0), ('A-C', 2.0)]
    """
    func = "pair_projects"
    B = as_float_array(benefits, func=func, name="benefits", ndim=2, error=InvalidParameterError)
    K = as_float_array(costs, func=func, name="costs", ndim=2, error=InvalidParameterError)
    labels = check_labels(players, B.shape[0], func=func, name="players", what="row of benefits")
    n = len(labels)
    if B.shape != (n, n) or K.shape != (n, n):
        raise InvalidParameterError(f"{func}(): benefits and costs must be {n}x{n} matrices; got {B.shape} and "
                                    f"{K.shape}")
    if np.any(B < 0) or np.any(K < 0):
        raise InvalidParameterError(f"{func}(): benefits and costs must be >= 0")
    i, j, cost, keep = (a[0] for a in pair_order(B[None], K[None]))
    out = []
    for a, b_, c in zip(i[keep], j[keep], cost[keep]):
        b = np.zeros(n)
        b[a], b[b_] = B[a, b_], B[b_, a]
        out.append(Project(f"{labels[a]}-{labels[b_]}", float(c), b, (labels[a], labels[b_])))
    return tuple(out)


# ---------------------------------------------------------------------------------------------------- conference
@dataclass(frozen=True, eq=False)
class Conference(ReadOnlyState):
    """The mayors' joint conference: who has how many votes, and what share carries a decision.

    Parameters
    ----------
    votes : {"equal", "dues"} or array_like of int, default "equal"
        One vote per city; votes weighted by dues (whole per-mille shares of
        the fund, :data:`VOTE_RESOLUTION`); or explicit non-negative integer votes.
    quota : {"unanimity", "simple", "two-thirds"} or float, default "unanimity"
        Every vote; more than half; at least two thirds; or a share ``q`` in
        (0, 1]: at least ``ceil(q · total)`` votes.
    """

    votes: Any = "equal"
    quota: Any = "unanimity"

    def __post_init__(self) -> None:
        func = "Conference"
        if isinstance(self.votes, str):
            if self.votes not in ("equal", "dues"):
                raise InvalidParameterError(f"{func}(): votes must be 'equal', 'dues' or integer votes per city; "
                                            f"got {self.votes!r}")
        else:
            v = as_float_array(self.votes, func=func, name="votes", ndim=1, error=InvalidParameterError)
            if np.any(v < 0) or np.any(v != np.round(v)) or v.sum() <= 0:
                raise InvalidParameterError(f"{func}(): votes must be non-negative integers, not all 0; "
                                            f"got {_describe(self.votes)}")
            object.__setattr__(self, "votes", frozen(v.astype(np.int64)))
        if isinstance(self.quota, str):
            if self.quota not in QUOTAS:
                raise InvalidParameterError(f"{func}(): quota must be one of {list(QUOTAS)} or a share in (0, 1]; "
                                            f"got {self.quota!r}")
        else:
            object.__setattr__(self, "quota", check_real(self.quota, func=func, name="quota", minimum=0.0,
                                                         strict_minimum=True, maximum=1.0))

    def vote_counts(self, dues: np.ndarray) -> np.ndarray:
        """Integer votes per city (``dues`` decides them when votes are weighted by dues)."""
        n = dues.shape[0]
        if isinstance(self.votes, str):
            if self.votes == "equal":
                return np.ones(n, dtype=np.int64)
            total = float(dues.sum())
            if total <= 0:
                raise InvalidParameterError("Conference: votes weighted by dues need dues that are not all 0")
            return np.rint(VOTE_RESOLUTION * dues / total).astype(np.int64)
        if self.votes.shape[0] != n:
            raise InvalidParameterError(f"Conference: votes must give one count per city ({n}); "
                                        f"got {self.votes.shape[0]}")
        return np.asarray(self.votes)

    def threshold(self, total: int) -> int:
        """Votes a decision needs out of ``total``."""
        if self.quota == "unanimity":
            return total
        if self.quota == "simple":
            return total // 2 + 1
        if self.quota == "two-thirds":
            return -(-2 * total // 3)
        return int(quota_threshold(self.quota, total))

    def describe(self) -> str:
        votes = "one vote per city" if isinstance(self.votes, str) and self.votes == "equal" else (
            "votes weighted by dues" if isinstance(self.votes, str) else "votes as given")
        quota = QUOTAS[self.quota] if isinstance(self.quota, str) else f"at least {format_number(self.quota)} of the votes"
        return f"{quota}, {votes}"


# ---------------------------------------------------------------------------------------------------- the mechanism
@dataclass(frozen=True, eq=False)
class FundMechanism(ReadOnlyState):
    """A cooperation fund with dues, projects, a conference, enforcement and a horizon (module docstring).

    Parameters
    ----------
    players : sequence of str
        The member cities.
    dues : DuesRule
    projects : sequence of Project
        In priority order.
    participation : array_like, shape (n,), default 0
        ``a_i``: each paying city's own net payoff of taking part (own benefit minus transaction cost).
    conference : Conference, default unanimity with one vote per city
    rule : SharingRule or str, default "shapley"
        How the projects' returns are split among the cities when all pay.
    withholding : float, default 0
        ``p``: probability that the centre withholds a non-payer's dues (in [0, 1]).
    penalty : float or array_like, default 0
        ``π_i``: penalty charged with the withheld dues (>= 0).
    years : int, default 1
    discount_rate : float, default 0
        For present values over ``years`` (a modeling choice).
    convention : {"alpha", "members"}, default "alpha"
        The cooperative game the rule splits (:meth:`cooperative_game`).

    Examples
    --------
    Two cities and one joint project costing 4 that brings each 5; each pays
    half of the cost:

    >>> m = FundMechanism(["A", "B"], DuesRule.fixed_ratios([1, 1], total=4.0),
    ...                   [Project("link", 4.0, [5.0, 5.0], ("A", "B"))])
    >>> r = m.analyse()
    >>> r.net_position.tolist(), r.self_enforcing
    ([3.0, 3.0], True)
    >>> r.min_withholding_dominant.tolist()     # paying alone costs the dues: only certain withholding deters
    [1.0, 1.0]
    """

    players: tuple[str, ...]
    dues: DuesRule
    projects: tuple[Project, ...]
    participation: Any = 0.0
    conference: Conference = field(default_factory=Conference)
    rule: Any = "shapley"
    withholding: float = 0.0
    penalty: Any = 0.0
    years: int = 1
    discount_rate: float = 0.0
    convention: str = "alpha"

    def __post_init__(self) -> None:
        func = "FundMechanism"
        players = label_sequence(self.players, func=func)
        if not players:
            raise InvalidParameterError(f"{func}(): players must name the member cities (at least one); "
                                        f"got {_describe(self.players)}")
        n = len(players)
        labels = check_labels(players, n, func=func, name="players", what="city")
        set_ = object.__setattr__
        set_(self, "players", labels)
        if not isinstance(self.dues, DuesRule):
            raise InvalidParameterError(f"{func}(): dues must be a DuesRule; got {_describe(self.dues)}")
        if self.dues.base.shape[0] != n:
            raise InvalidParameterError(f"{func}(): dues must have one base per city ({n}); got "
                                        f"{self.dues.base.shape[0]}")
        projects = tuple(self.projects) if isinstance(self.projects, (list, tuple)) else None
        if projects is None or not all(isinstance(p, Project) for p in projects):
            raise InvalidParameterError(f"{func}(): projects must be a sequence of Project; got "
                                        f"{_describe(self.projects)}")
        index = {p: i for i, p in enumerate(labels)}
        for p in projects:
            if p.benefits.shape[0] != n:
                raise InvalidParameterError(f"{func}(): project {p.name!r} must give one benefit per city ({n}); "
                                            f"got {p.benefits.shape[0]}")
            unknown = [c for c in p.participants if c not in index]
            if unknown:
                raise InvalidParameterError(f"{func}(): project {p.name!r} names participants {unknown} that are "
                                            f"not players; players are {list(labels)}")
        if len({p.name for p in projects}) != len(projects):
            raise InvalidParameterError(f"{func}(): project names must be distinct")
        set_(self, "projects", projects)
        set_(self, "participation", frozen(_per_city(self.participation, n, func=func, name="participation")))
        if not isinstance(self.conference, Conference):
            raise InvalidParameterError(f"{func}(): conference must be a Conference; got {_describe(self.conference)}")
        set_(self, "rule", self.rule if isinstance(self.rule, SharingRule) else as_rule(self.rule, func=func))
        set_(self, "withholding", check_real(self.withholding, func=func, name="withholding", minimum=0.0,
                                             maximum=1.0))
        pen = _per_city(self.penalty, n, func=func, name="penalty")
        if np.any(pen < 0):
            raise InvalidParameterError(f"{func}(): penalty must be >= 0; got {pen.tolist()}")
        set_(self, "penalty", frozen(pen))
        if isinstance(self.years, bool) or not isinstance(self.years, (int, np.integer)) or self.years < 1:
            raise InvalidParameterError(f"{func}(): years must be an integer >= 1; got {_describe(self.years)}")
        set_(self, "years", int(self.years))
        set_(self, "discount_rate", check_real(self.discount_rate, func=func, name="discount_rate", minimum=0.0))
        set_(self, "convention", _check_convention(self.convention, func=func))

    # ------------------------------------------------------------------ structure
    @property
    def n_players(self) -> int:
        return len(self.players)

    def _participant_masks(self) -> np.ndarray:
        index = {p: i for i, p in enumerate(self.players)}
        return np.array([sum(1 << index[c] for c in p.participants) for p in self.projects], dtype=np.int64)

    def _arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Participant masks (K,), costs (K,), benefits (K, n)."""
        n = self.n_players
        cost = np.array([p.cost for p in self.projects], dtype=float)
        ben = np.array([p.benefits for p in self.projects], dtype=float).reshape(len(self.projects), n)
        return self._participant_masks(), cost, ben

    def _scale(self) -> float:
        _, cost, ben = self._arrays()
        return payoff_scale(self.dues.dues, self.participation, self.penalty, cost, ben)

    def funded(self, masks: ArrayLike) -> np.ndarray:
        """Which projects run, ``(m, K)`` booleans, when the cities in each bitmask pay.

        A project is eligible when all its participants pay; eligible projects
        are funded in priority order until the first that the dues paid cannot
        cover in full.
        """
        masks = np.asarray(masks, dtype=np.int64)
        pmask, cost, _ = self._arrays()
        paid = membership_matrix(masks, self.n_players) @ self.dues.dues
        slack = DEFAULT_TOL * max(self._scale(), 0.0)
        return funded_stack(masks, pmask[None], cost[None], paid[None], np.array([slack]))[0]

    def _benefits(self, masks: np.ndarray) -> np.ndarray:
        """In-kind benefits per city ``(m, n)`` of the projects that run when ``masks`` pay."""
        _, _, ben = self._arrays()
        return self.funded(masks).astype(float) @ ben

    def covers_every_group(self) -> bool:
        """Every city's dues cover its dues-weighted share of its projects: ``Σ_{k∋i} K_k / D(P_k) <= 1``.

        Then any group of payers can fund all the projects among them, so
        funding never depends on the priority order.
        """
        pmask, cost, _ = self._arrays()
        d = self.dues.dues
        member = membership_matrix(pmask, self.n_players)              # (K, n)
        pool = member @ d                                              # D(P_k)
        if np.any((pool <= 0) & (cost > 0)):
            return False
        load = member.T @ np.where(cost > 0, cost / np.where(pool > 0, pool, 1.0), 0.0)
        return bool(np.all(load <= 1.0 + DEFAULT_TOL))

    def minimal_rate(self) -> float:
        """The rate at which the dues of all the cities cover every project: ``Σ_k K_k / Σ_i w_i``."""
        return self.dues.rate_for(float(sum(p.cost for p in self.projects)))

    def covering_rate(self) -> float:
        """The least rate at which every group of payers can fund the projects among them (sufficient test)."""
        pmask, cost, _ = self._arrays()
        member = membership_matrix(pmask, self.n_players)
        base = member @ self.dues.base
        if np.any((base <= 0) & (cost > 0)):
            return math.inf
        load = member.T @ np.where(cost > 0, cost / np.where(base > 0, base, 1.0), 0.0)
        return float(load.max()) if load.size else 0.0

    # ------------------------------------------------------------------ games
    def cooperative_game(self, convention: str | None = None) -> TUGame | StructuredGame:
        """The fund's cooperative game: what the cities of ``S`` obtain together while the others pay nothing.

        Parameters
        ----------
        convention : {"alpha", "members"}, default: the mechanism's ``convention``
            ``"alpha"`` (DESIGN §2.1): the members choose which of them pay,
            ``v(S) = max_{T⊆S} [Σ_{i∈T} (a_i − d_i) + Σ_{i∈S} b_i(T)]`` with
            ``b_i(T)`` city i's benefits in kind when ``T`` pays, so
            ``v({i}) = max(0, what paying alone brings)``. ``"members"``: every
            member pays, ``v(S) = Σ_{i∈S} (a_i − d_i + b_i(S))``; structured
            (exact Shapley at any n) when every project has at most two
            participants, brings benefits only to them, and every group can
            fund its projects.
        """
        convention = _check_convention(self.convention if convention is None else convention,
                                       func="FundMechanism.cooperative_game")
        n = self.n_players
        own = self.participation - self.dues.dues
        pmask, _, ben = self._arrays()
        member = membership_matrix(pmask, n) if len(self.projects) else np.zeros((0, n), dtype=bool)
        excludable = not np.any((ben != 0) & ~member)      # benefits reach only a project's participants
        if convention == "members" and excludable and np.all(member.sum(axis=1) <= 2) \
                and self.covers_every_group():
            additive, pairwise = own.copy(), np.zeros((n, n))
            for k in range(len(self.projects)):
                idx = np.flatnonzero(member[k])
                if idx.size == 1:
                    additive[idx[0]] += ben[k, idx[0]]
                else:
                    i, j = idx
                    pairwise[i, j] += ben[k, i]
                    pairwise[j, i] += ben[k, j]
            return StructuredGame(additive, pairwise, self.players)
        paying = self._coalition_values(lambda masks: self._benefits(masks) + own)   # every member pays
        if convention == "members":
            return TUGame(paying, self.players)
        if excludable:   # non-payers of S get nothing: v(S) is the best of v_members(T) over T ⊆ S
            return TUGame(best_subset(paying, n), self.players)
        return TUGame(self._alpha_with_spillovers(own), self.players)

    def _alpha_with_spillovers(self, own: np.ndarray) -> np.ndarray:
        """Alpha worths when projects benefit cities that do not pay: every (payers T, coalition S ⊇ T) pair."""
        n = self.n_players
        if n > MAX_SPILLOVER_ALPHA:
            raise GameTooLargeError(f"FundMechanism.cooperative_game(): the alpha game of {n} cities whose projects "
                                    f"benefit non-payers needs all 3**{n} (payers, coalition) pairs, beyond "
                                    f"{MAX_SPILLOVER_ALPHA} cities; pass convention='members'")
        masks = np.arange(1 << n, dtype=np.int64)
        member = membership_matrix(masks, n).astype(float)              # (2**n, n)
        ben = self._benefits(masks)                                      # b(T), (2**n, n)
        paid = member @ own                                              # Σ_{i∈T} (a_i − d_i)
        value = paid[None, :] + member @ ben.T                           # [S, T]: Σ_{i∈S} b_i(T) + paid(T)
        subset = (masks[None, :] & ~masks[:, None]) == 0                 # T ⊆ S
        return np.where(subset, value, -np.inf).max(axis=1)

    def _coalition_values(self, per_city: Any) -> np.ndarray:
        n = self.n_players
        if n > MAX_TABLE_PLAYERS:
            raise GameTooLargeError(f"FundMechanism: a dense game of {n} cities (2**{n} coalitions) is beyond "
                                    f"{MAX_TABLE_PLAYERS}; use projects with at most two participants that every "
                                    "group can fund, and convention='members' (a structured game)")
        ensure_fits((1 << n) * max(1, len(self.projects)) * 9, func="FundMechanism", what="the funding table",
                    remedy="use fewer cities or projects")
        out = np.empty(1 << n)
        for start in range(0, 1 << n, _BLOCK):
            masks = np.arange(start, min(start + _BLOCK, 1 << n), dtype=np.int64)
            out[start:start + masks.size] = (per_city(masks) * membership_matrix(masks, n)).sum(axis=1)
        return out

    def settlement(self) -> tuple[np.ndarray, np.ndarray, str]:
        """``(allocation, transfer, game)``: the rule's split, its difference from the status quo, which game.

        The rule splits the worth of the cooperative game (:meth:`cooperative_game`);
        the transfer ``allocation − status quo`` is paid through the fund. When
        some other set of payers would do better than everyone paying (the alpha
        game's ``v(N)`` exceeds what full payment creates), the transfers could not
        balance, so the rule splits the ``"members"`` game instead, and ``game`` says so.
        """
        sq = self.status_quo()
        game = self.cooperative_game()
        label = self.convention
        worth = float(game.to_tu().values[-1]) if isinstance(game, StructuredGame) else float(game.values[-1])
        if worth > float(sq.sum()) + DEFAULT_TOL * payoff_scale(sq, worth) * self.n_players:
            game, label = self.cooperative_game("members"), "members (everyone paying is not the best plan)"
        allocation = np.asarray(self.rule.allocate(game, sq), dtype=float)
        transfer = allocation - sq
        # rounding residue of a rule that moves nothing (Shapley of a symmetric game) is no transfer
        transfer[np.abs(transfer) <= DEFAULT_TOL * payoff_scale(allocation, sq)] = 0.0
        return sq + transfer, transfer, label

    def status_quo(self) -> np.ndarray:
        """Each city's payoff when every city pays and there is no settlement: ``a_i − d_i +`` benefits in kind."""
        full = np.array([(1 << self.n_players) - 1], dtype=np.int64)
        return self.participation - self.dues.dues + self._benefits(full)[0]

    def payment_game(self) -> BinaryActionGame:
        """Each city pays (action 1) or withholds (action 0); expected yearly payoffs (module docstring)."""
        n = self.n_players
        if n > MAX_TABLE_PLAYERS:
            raise CoopgameError(f"FundMechanism.payment_game(): {n} cities have 2**{n} profiles, beyond "
                                f"{MAX_TABLE_PLAYERS}")
        ensure_fits((1 << n) * (n + max(1, len(self.projects))) * 9, func="FundMechanism.payment_game",
                    what="the payoff table", remedy="use fewer cities or projects")
        _, transfer, _ = self.settlement()
        d, a = self.dues.dues, self.participation
        expected_loss = self.withholding * (d + self.penalty)
        table = np.empty((1 << n, n))
        for start in range(0, 1 << n, _BLOCK):
            masks = np.arange(start, min(start + _BLOCK, 1 << n), dtype=np.int64)
            pays = membership_matrix(masks, n)
            table[start:start + masks.size] = (self._benefits(masks) + np.where(pays, a - d, -expected_loss))
        table[-1] += transfer
        return BinaryActionGame(table, self.players, actions=("withhold", "pay"))

    # ------------------------------------------------------------------ analysis
    def analyse(self, *, method: str = "auto") -> MechanismResult:
        """Dues, plan, votes, settlement, net positions, enforcement thresholds and the payment game's equilibria.

        Parameters
        ----------
        method : {"auto", "closed-form", "enumeration"}
            How the advantage of paying against the worst choice of the others
            is found: the closed form (needs non-negative benefits and dues
            that cover every group, :meth:`covers_every_group`), enumeration of
            the payment game (``n <= 20``), or the closed form when it applies
            and enumeration otherwise.
        """
        return analyse_mechanism(self, method=method)


def _check_convention(value: Any, *, func: str) -> str:
    if value not in CONVENTIONS:
        raise InvalidParameterError(f"{func}(): convention must be one of {list(CONVENTIONS)}; got {value!r}")
    return value


def _per_city(value: Any, n: int, *, func: str, name: str) -> np.ndarray:
    arr = as_float_array(value, func=func, name=name, error=InvalidParameterError)
    if arr.ndim == 0:
        return np.full(n, float(arr))
    if arr.shape != (n,):
        raise InvalidParameterError(f"{func}(): {name} must be a number or one number per city ({n}); "
                                    f"got shape {arr.shape}")
    return arr


# ---------------------------------------------------------------------------------------------------- result
@dataclass(frozen=True, eq=False)
class MechanismResult(Result):
    """What a fund mechanism does to each city (yearly amounts unless labelled present values).

    Attributes
    ----------
    players : tuple of str
    dues, dues_share : ndarray
        Each city's dues and its share of the fund.
    rate, minimal_rate, covering_rate : float
        The dues rate; the least rate at which everyone's dues cover all the
        projects; the least rate at which every group of payers can fund the
        projects among them (a sufficient test).
    projects_funded : tuple of str
        The projects that run when every city pays.
    plan_cost : float
        What they cost the fund.
    votes, voice_shapley_shubik, voice_banzhaf : ndarray
        Conference votes and each mayor's power (Shapley–Shubik, normalised Banzhaf).
    supporters : tuple of str
        Cities whose net position under the plan is >= 0 (no fund: 0).
    plan_adopted : bool
        The supporters' votes reach the quota.
    in_kind, status_quo, transfer, net_position, net_present_value : ndarray
        Benefits received in kind when all pay; the payoff then without a
        settlement (``a_i − d_i +`` in kind); the settlement paid through the
        fund (the rule's allocation − status quo); the net position (the
        rule's allocation, ``status quo + transfer``); and its present value
        over the horizon.
    flows : tuple of Flow
        Who pays whom in the settlement.
    free_ride_payoff : ndarray
        Expected payoff of withholding while every other city pays.
    paying_advantage : ndarray
        Net position minus free-ride payoff: paying is self-enforcing where >= 0.
    worst_advantage : ndarray
        The advantage of paying at ``p = 0`` against the worst choice of the others.
    lone_advantage : ndarray
        The advantage of paying (enforcement included) when no other city pays: nobody paying is an
        equilibrium when every entry is <= 0.
    self_enforcing, paying_dominant : bool
    min_withholding, min_withholding_dominant : ndarray
        Per city, the least ``p`` (at the given penalty) making paying an
        equilibrium / dominant; ``inf`` where no ``p <= 1`` suffices.
    min_penalty, min_penalty_dominant : ndarray
        Per city, the least penalty at the given ``p`` (``inf`` when ``p = 0``).
    equilibria : tuple of tuple of str
        Who pays in each pure equilibrium of the payment game (at most 64 listed; empty when not
        enumerated: more than 16 cities and the closed form applies).
    method : str
        "closed form" or "enumeration".
    parameters : dict
    """

    players: tuple[str, ...]
    dues: FloatVector
    dues_share: FloatVector
    rate: float
    minimal_rate: float
    covering_rate: float
    projects_funded: tuple[str, ...]
    plan_cost: float
    votes: np.ndarray
    voice_shapley_shubik: FloatVector
    voice_banzhaf: FloatVector
    supporters: tuple[str, ...]
    plan_adopted: bool
    in_kind: FloatVector
    status_quo: FloatVector
    transfer: FloatVector
    net_position: FloatVector
    net_present_value: FloatVector
    flows: tuple[Flow, ...]
    free_ride_payoff: FloatVector
    paying_advantage: FloatVector
    worst_advantage: FloatVector
    lone_advantage: FloatVector
    self_enforcing: bool
    paying_dominant: bool
    min_withholding: FloatVector
    min_withholding_dominant: FloatVector
    min_penalty: FloatVector
    min_penalty_dominant: FloatVector
    equilibria: tuple[tuple[str, ...], ...]
    method: str
    parameters: dict[str, Any]

    def headline(self, unit: str = "", *, significant: int | None = None) -> str:
        """The answer in sentences: the plan, self-enforcement, dominance, and voice against dues (numbers to
        ``significant`` figures when given, for magnitudes that rest on modeling choices)."""
        fmt = partial(format_number, significant=significant)
        p = self.parameters["withholding"]
        losers = [c for c in self.players if c not in self.supporters]
        if not self.plan_adopted:
            text = (f"The conference rejects the plan: {', '.join(losers)} would be worse off than without the fund "
                    "and hold enough votes to block it.")
        else:
            text = "The conference adopts the plan" + (f" over the objection of {', '.join(losers)}." if losers
                                                        else ": every city gains from it.")
        withholders = [c for c, a in zip(self.players, self.paying_advantage) if a < 0]
        if self.self_enforcing:
            need = float(np.max(self.min_withholding))
            text += (" Paying by every city is self-enforcing even without enforcement: a city that withholds loses "
                     "the projects it takes part in." if need == 0 else
                     f" Paying by every city is self-enforcing at withholding p = {fmt(p)} (the least p is {fmt(need)}).")
        else:
            need = float(np.max(self.min_withholding))
            text += (f" Paying is not self-enforcing: {', '.join(withholders)} gain by withholding; "
                     + (f"withholding with probability at least {fmt(need)} would deter them." if np.isfinite(need)
                        else "no withholding probability deters them without a penalty (least penalty at this p: "
                             f"{fmt(float(np.max(self.min_penalty)))})."))
        if self.paying_dominant:
            text += " Paying is dominant: no city gains by withholding whatever the others do."
        else:
            k = int(np.argmax(self.min_penalty_dominant))
            need = float(np.max(self.min_withholding_dominant))
            nobody = bool(np.all(self.lone_advantage <= 0))
            text += (" Paying is not dominant" + (" (if the others withhold, a city's dues buy nothing), so no fund is "
                                                  "also an equilibrium; " if nobody else "; ") + (f"withholding with probability {fmt(need)} would make it dominant."
                                           if np.isfinite(need) else
                                           "withholding alone cannot make it dominant: that needs a penalty of at "
                                           f"least {fmt(float(self.min_penalty_dominant[k]))} "
                                           f"({self.players[k]}) at p = {fmt(p)}."))
        gap = self.dues_share - self.voice_shapley_shubik
        i, j = int(np.argmax(gap)), int(np.argmin(gap))
        if gap[i] > 0.005:
            text += (f" Voice against contribution: {self.players[i]} pays {fmt(100 * self.dues_share[i])} % of the "
                     f"dues with {fmt(100 * self.voice_shapley_shubik[i])} % of the conference's power; "
                     f"{self.players[j]} pays {fmt(100 * self.dues_share[j])} % with "
                     f"{fmt(100 * self.voice_shapley_shubik[j])} %.")
        return text

    def summary(self) -> Summary:
        """Per city: dues, voice, settlement, net position, and the enforcement that makes paying pay."""
        m = self.game
        fmt = format_number
        p = self.parameters
        facts = (
            ("answer", self.headline()),
            ("dues rule", m.dues.describe() if m is not None else fmt(self.rate)),
            ("fund (all pay)", float(self.dues.sum())),
            ("least rate for the projects", _rate(self.minimal_rate, m)),
            ("least rate for every group", _rate(self.covering_rate, m)),
            ("projects funded (all pay)", f"{len(self.projects_funded)} of {p['n_projects']}, cost "
                                          f"{fmt(self.plan_cost)}"),
            ("sharing rule", p["rule"]),
            ("conference", p["conference"]),
            ("plan adopted", "yes" if self.plan_adopted else "no (supporters: " + (
                ", ".join(self.supporters) or "none") + ")"),
            ("enforcement", f"withholding p = {fmt(p['withholding'])}, penalty " + (
                fmt(float(m.penalty[0])) if m is not None and np.all(m.penalty == m.penalty[0]) else "per city")),
            ("paying self-enforcing", _yes_no(self.self_enforcing)),
            ("least p for that", float(np.max(self.min_withholding))),
            ("paying dominant", _yes_no(self.paying_dominant)),
            ("least p for dominance", float(np.max(self.min_withholding_dominant))),
            ("method", self.method),
            ("horizon", f"{p['years']} years at {fmt(100 * p['discount_rate'])} % (present-value factor "
                        f"{fmt(p['pv_factor'])})"),
        )
        if self.equilibria or p.get("enumerated"):
            facts += (("payment equilibria", "; ".join(
                ("all pay" if len(e) == len(self.players) else ("none pay" if not e else "pay: " + ", ".join(e)))
                for e in self.equilibria[:6]) or "none"),)
        cols = ("city", "dues", "dues share", "voice (S-S)", "voice (Banzhaf)", "in kind", "no settlement",
                "transfer", "net", "net PV", "free-ride", "least p (eq.)", "least p (dom.)",
                "least penalty (dom.)")
        rows = tuple(
            (c, self.dues[i], self.dues_share[i], self.voice_shapley_shubik[i],
             self.voice_banzhaf[i], self.in_kind[i], self.status_quo[i], self.transfer[i],
             self.net_position[i], self.net_present_value[i], self.free_ride_payoff[i],
             self.min_withholding[i], self.min_withholding_dominant[i],  # inf shows as 'inf'
             self.min_penalty_dominant[i])
            for i, c in enumerate(self.players))
        notes = (
            "True payoffs (the mechanism has no perception factor: decisions and welfare use the same). Yearly "
            "amounts; 'net PV' is the present value over the horizon.",
            "no settlement = own net payoff of taking part - dues + benefits in kind, everyone paying; transfer = "
            f"the rule's allocation of the {p['settlement_game']} game - that (paid through the fund, only when every "
            "city pays); net = no settlement + transfer. free-ride = expected payoff of withholding while "
            "the others pay (no dues, no transfer, p x (dues + penalty) withheld at the year-end settlement).",
            "least p (eq.): withholding probability at which paying by all is an equilibrium; (dom.): at which "
            "paying is best whatever the others do; 'inf' means no p <= 1 suffices at this penalty. Least penalty "
            f"(dom.) is at p = {fmt(p['withholding'])}.",
            "Projects run only when all their participants pay and the fund covers them in full (partial funding "
            "refused), in priority order.",
        )
        if self.flows:
            notes += ("settlement: " + "; ".join(str(f) for f in self.flows),)
        else:
            notes += ("settlement: no transfers",)
        return Summary("Cooperation fund mechanism", facts=facts, columns=cols, rows=rows, notes=notes)


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def _rate(rate: float, m: Any) -> str:
    if not np.isfinite(rate):
        return "none (a project whose participants pay no dues)"
    if m is not None and m.dues.basis != "fixed ratio":
        return f"{format_number(100 * rate)} % of {m.dues.basis}"
    return format_number(rate)


# ---------------------------------------------------------------------------------------------------- analysis
_METHODS = ("auto", "closed-form", "enumeration")
MAX_ENUMERATED_CITIES = 20
EQUILIBRIA_CITIES = 16   # the payment game's pure equilibria are listed up to this size (65,536 profiles)


def analyse_mechanism(m: FundMechanism, *, method: str = "auto") -> MechanismResult:
    """:meth:`FundMechanism.analyse`."""
    from coopgame.cooperative.power import power_indices
    from coopgame.equilibrium.pure import pure_equilibria

    func = "FundMechanism.analyse"
    if method not in _METHODS:
        raise InvalidParameterError(f"{func}(): method must be one of {list(_METHODS)}; got {method!r}")
    n = m.n_players
    full = np.array([(1 << n) - 1], dtype=np.int64)
    d, a, pen, p = m.dues.dues, m.participation, m.penalty, m.withholding
    pmask, cost, ben = m._arrays()
    funded = m.funded(full)[0]
    in_kind = (funded.astype(float) @ ben) if len(m.projects) else np.zeros(n)
    net, transfer, settled_game = m.settlement()
    status_quo = net - transfer
    pv_factor = present_value(np.ones(m.years), m.discount_rate)
    # free-riding: the others pay, i does not; what runs without i's dues and participation
    others = full[0] & ~(np.int64(1) << np.arange(n, dtype=np.int64))
    free_ride_in_kind = m._benefits(others)[np.arange(n), np.arange(n)]
    free_ride = free_ride_in_kind - p * (d + pen)
    advantage_last = net - free_ride_in_kind                       # at p = 0, everyone else paying
    closed = bool(np.all(ben >= 0) and m.covers_every_group())
    if method == "closed-form" and not closed:
        raise InvalidParameterError(f"{func}(): the closed form needs non-negative benefits and dues that cover every "
                                    "group's projects (FundMechanism.covers_every_group()); use method='enumeration'")
    enumerate_ = method == "enumeration" or (method == "auto" and not closed)
    equilibria: tuple[tuple[str, ...], ...] = ()
    if enumerate_:
        if n > MAX_ENUMERATED_CITIES:
            raise CoopgameError(f"{func}(): the closed form does not apply and {n} cities are too many to enumerate "
                                f"(at most {MAX_ENUMERATED_CITIES})")
        game = m.payment_game()
        # withholding costs p (d_i + π_i) whatever the others do: remove it for the advantage at p = 0
        table = advantages(game.payoff_table)
        worst = table.min(axis=0) - p * (d + pen)
        lone = table[0]
        eq = pure_equilibria(game)
        equilibria = tuple(eq.cooperators(k) for k in range(min(eq.n_equilibria, 64)))
        how = "enumeration of the payment game"
    else:
        if n <= EQUILIBRIA_CITIES:
            eq = pure_equilibria(m.payment_game())
            equilibria = tuple(eq.cooperators(k) for k in range(min(eq.n_equilibria, 64)))
        member = membership_matrix(pmask, n)
        solo = member & (member.sum(axis=1) == 1)[:, None]          # projects a city runs on its own
        alone = a - d + (ben * solo).sum(axis=0)                     # paying while nobody else does
        worst = np.minimum(alone, advantage_last)
        lone = alone + p * (d + pen)
        how = "closed form (paying alone, paying last)"
    stake = d + pen
    min_p = _least_probability(advantage_last, stake)
    min_p_dom = _least_probability(worst, stake)
    min_pen_dom = _least_penalty(worst, d, p)
    votes = m.conference.vote_counts(d)
    total_votes = int(votes.sum())
    needed = m.conference.threshold(total_votes)
    scale = payoff_scale(d, a, net)
    supporters_mask = net >= -DEFAULT_TOL * scale
    adopted = int(votes[supporters_mask].sum()) >= needed
    power = power_indices(votes, needed, m.players) if total_votes > 0 else None
    tol = DEFAULT_TOL * max(scale, 0.0)
    advantage = advantage_last + p * stake
    return MechanismResult(
        players=m.players, dues=d, dues_share=d / d.sum() if d.sum() > 0 else np.zeros(n), rate=m.dues.rate,
        minimal_rate=m.minimal_rate(), covering_rate=m.covering_rate(),
        projects_funded=tuple(pr.name for pr, f in zip(m.projects, funded) if f), plan_cost=float(cost[funded].sum()),
        votes=votes, voice_shapley_shubik=power.shapley_shubik if power is not None else np.zeros(n),
        voice_banzhaf=power.banzhaf if power is not None else np.zeros(n),
        supporters=tuple(c for c, s in zip(m.players, supporters_mask) if s), plan_adopted=bool(adopted),
        in_kind=in_kind, status_quo=status_quo, transfer=transfer, net_position=net, net_present_value=net * pv_factor,
        flows=payment_flows(transfer, m.players, atol=tol), free_ride_payoff=free_ride,
        paying_advantage=advantage, worst_advantage=worst, lone_advantage=lone,
        self_enforcing=bool(np.all(advantage >= -tol)), paying_dominant=bool(np.all(worst + p * stake >= -tol)),
        min_withholding=min_p, min_withholding_dominant=min_p_dom,
        min_penalty=_least_penalty(advantage_last, d, p), min_penalty_dominant=min_pen_dom,
        equilibria=equilibria, method=how,
        parameters={"rule": m.rule.label, "conference": m.conference.describe(), "withholding": p,
                    "years": m.years, "discount_rate": m.discount_rate, "pv_factor": pv_factor,
                    "n_projects": len(m.projects), "settlement_game": settled_game, "enumerated": enumerate_ or n <= EQUILIBRIA_CITIES, "votes_needed": needed},
        game=m)


def _least_probability(advantage: np.ndarray, stake: np.ndarray) -> np.ndarray:
    """``max(0, −m) / (d + π)`` per city, ``inf`` where it exceeds 1 (or the stake is 0 and m < 0)."""
    need = np.maximum(0.0, -advantage)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(need > 0, need / np.where(stake > 0, stake, 1.0), 0.0)
    p = np.where((need > 0) & (stake <= 0), np.inf, p)
    return np.where(p > 1.0 + 1e-12, np.inf, np.minimum(p, 1.0))


def _least_penalty(advantage: np.ndarray, dues: np.ndarray, p: float) -> np.ndarray:
    """``max(0, −m / p − d)`` per city; ``inf`` at ``p = 0`` where ``m < 0``."""
    need = np.maximum(0.0, -advantage)
    if p <= 0:
        return np.where(need > 0, np.inf, 0.0)
    return np.maximum(0.0, need / p - dues)

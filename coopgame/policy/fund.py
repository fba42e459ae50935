"""Fund analysis: compare sharing rules side by side against a status quo.

The status quo is each city's payoff with everyone cooperating and no
transfers (DESIGN §2.1); it adds up to ``v(N)``. A cooperation fund moves
each city from there to the allocation a sharing rule prescribes. For every
rule this module reports the allocation, each city's net transfer into (+)
or out of (-) the fund, whether every city gets at least its stand-alone
payoff, the largest core violation, the gap to the Shapley value, and who
pays whom.

Given the outside options of an n-city game (``outside=``, DESIGN §2.1 and
§2.3) it also reports, per rule and city, the margin against stand-alone and
against free-riding (true payoffs: fairness), whether the rule makes full
cooperation **self-enforcing** (every city's perceived payoff under the rule,
``ũ_i(1_N) + t_i`` with ``t_i = x_i − u_i(1_N)``, at least its best perceived
deviation — free-riding, or with issue layers dropping any set of issues: the
bounds ``L_i`` of :attr:`~coopgame.policy.outside.OutsideOptions.deviation_bounds`; decisions
use perceived payoffs) and the central subsidy that would make it so when
the rule's split is kept: ``Σ_i max(0, L_i − t_i)``, the sum of the
shortfalls. Stand-alone is then the outside options' (``v({i})`` of the
``"alpha"`` game), never a lower worth of the game given, and "in core" also
requires every city at or above it.

"Who pays whom" is a flow decomposition of the net transfers: payers send
money to receivers so that every net position is met. It is deterministic
and uses at most ``payers + receivers - 1`` flows: first any payer and
receiver whose amounts match exactly are paired, then the largest remaining
payer pays the largest remaining receiver (ties by player order), and so on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from coopgame._typing import FloatVector
from coopgame._validation import as_float_array, check_tol
from coopgame.errors import CoopgameError, InvalidParameterError
from coopgame.games.structured import StructuredGame, as_dense_game
from coopgame.games.ncity import NCityGame
from coopgame.games.pairwise import PairwiseGame
from coopgame.games.tu import TUGame
from coopgame.policy._checks import check_labels
from coopgame.policy.outside import OutsideOptions, outside_options
from coopgame.policy.rules import ShapleyRule, SharingRule, as_rules
from coopgame.results import Result, Summary, format_number
from coopgame.stability.coreset import CoreViolation, largest_core_violation
from coopgame.tolerances import DEFAULT_TOL, payoff_scale

__all__ = ["Flow", "FundAnalysis", "RuleOutcome", "fund_analysis", "payment_flows"]

DEFAULT_RULES: tuple[str, ...] = ("shapley", "nucleolus", "equal")


class Flow(NamedTuple):
    """A payment from one player to another."""

    payer: str
    receiver: str
    amount: float

    def __str__(self) -> str:
        return f"{self.payer} -> {self.receiver}: {format_number(self.amount)}"


def payment_flows(net: ArrayLike, players: Sequence[str], *, atol: float = 0.0) -> tuple[Flow, ...]:
    """Decompose net transfers (summing to 0) into payments from payers to receivers.

    Parameters
    ----------
    net : array_like, shape (n,)
        Net transfer per player: positive receives, negative pays (finite real numbers).
    players : sequence of str
        One distinct label per entry of ``net``.
    atol : float, default 0.0
        Absolute amount (in the units of ``net``, >= 0) below which a position counts as zero.

    Returns
    -------
    tuple of Flow
        At most ``payers + receivers - 1`` flows (every step settles at least one party), sorted by
        receiver, then payer.

    Raises
    ------
    InvalidParameterError
        When ``net`` is not a finite real vector with one entry per player, does not sum to 0 (up to
        ``max(atol, 1e-9 · max|net|)`` per player), or ``atol`` is negative, NaN or not a real number.

    Examples
    --------
    The Chishui fund when every section passes [S-R23]:

    >>> [str(f) for f in payment_flows([0.4, -0.2, -0.2], ["Yunnan", "Guizhou", "Sichuan"], atol=1e-12)]
    ['Guizhou -> Yunnan: 0.2', 'Sichuan -> Yunnan: 0.2']
    """
    func = "payment_flows"
    atol = check_tol(atol, func=func, name="atol")
    t = as_float_array(net, func=func, name="net", ndim=1, error=InvalidParameterError)
    labels = check_labels(players, t.shape[0], func=func, name="players", what="entry of net")
    n = t.shape[0]
    scale = float(np.abs(t).max()) if n else 0.0
    # the balance test on net / scale: a sum of finite entries near the float maximum must not overflow
    imbalance = abs(float((t / scale).sum())) * scale if scale else 0.0
    if imbalance > max(atol, 1e-9 * scale) * n:
        raise InvalidParameterError(f"{func}(): net transfers must sum to 0; got sum {t.sum():g}")
    owe = {i: -float(a) for i, a in enumerate(t) if a < -atol}
    due = {i: float(a) for i, a in enumerate(t) if a > atol}
    flows: list[tuple[int, int, float]] = []
    for i in sorted(owe, key=lambda k: (-owe[k], k)):          # exact matches first: one flow settles two
        match = [j for j in sorted(due, key=lambda k: (-due[k], k)) if abs(due[j] - owe[i]) <= atol]
        if match:
            j = match[0]
            flows.append((i, j, owe[i]))
            del due[j]
            del owe[i]
    # Each step removes the smaller of the two parties outright (and the other too when what it has left is
    # within atol), so the loop ends after at most len(owe) + len(due) - 1 steps whatever atol is.
    for _ in range(len(owe) + len(due)):
        if not (owe and due):
            break
        i = min(owe, key=lambda k: (-owe[k], k))
        j = min(due, key=lambda k: (-due[k], k))
        amount = min(owe[i], due[j])
        flows.append((i, j, amount))
        rest_i, rest_j = owe.pop(i) - amount, due.pop(j) - amount
        if rest_i > max(atol, rest_j):     # the receiver is settled; the payer still owes
            owe[i] = rest_i
        elif rest_j > max(atol, rest_i):   # the payer is settled; the receiver is still due
            due[j] = rest_j
    flows.sort(key=lambda f: (f[1], f[0]))
    return tuple(Flow(labels[i], labels[j], a) for i, j, a in flows)


@dataclass(frozen=True, eq=False)
class RuleOutcome(Result):
    """What one sharing rule does to the cities.

    Attributes
    ----------
    rule : str
        The rule's label.
    allocation : ndarray
        Final payoff per city.
    net_transfer : ndarray
        ``allocation - status_quo``: + received from the fund, - paid into it.
    individually_rational : bool
        Every city gets at least its stand-alone payoff: the outside options'
        (``v({i})`` of the ``"alpha"`` game) when they were given, else the
        game's ``v({i})``.
    ir_shortfall : ndarray
        ``max(0, stand-alone_i - allocation_i)`` per city.
    core_violation : CoreViolation
        The coalition that objects most, and by how much (``<= 0``: none objects), in the game given.
    in_core : bool
        In the core of the game given, and every city at or above its stand-alone payoff.
    shapley_gap : ndarray
        ``allocation - Shapley value`` per city.
    flows : tuple of Flow
        Who pays whom.
    efficiency_gap : float
        ``sum(allocation) - v(N)``; non-zero when a rule does not distribute exactly v(N).
    cost_shares : ndarray or None
        For cost games, each city's cost under the rule.
    parameters : dict
        The rule's parameters.
    stand_alone_margin, free_ride_margin : ndarray or None
        ``allocation - stand-alone`` and ``allocation - free-ride`` per city, in
        **true** payoffs (fairness); None without outside options.
    enforcement_margin : ndarray or None
        ``t_i - L_i`` per city in **perceived** payoffs (decisions): how much
        more than its best deviation (free-riding) a city gets by cooperating
        under this rule; ``t_i = allocation_i - u_i(1_N)`` (true status quo).
    self_enforcing : bool or None
        Every ``enforcement_margin >= 0``: the rule makes full cooperation a Nash
        equilibrium under perceived payoffs (0 is indifference, an infimum).
    enforcement_shortfall : ndarray or None
        ``max(0, -enforcement_margin)`` per city.
    subsidy_needed : float or None
        The central subsidy that makes this rule self-enforcing while keeping
        its split: the sum of the shortfalls.

    The last four are None also when the status quo given is not full
    cooperation ``u(1_N)`` (the welfare optimum is another profile): the
    test is for full cooperation.
    """

    rule: str
    allocation: FloatVector
    net_transfer: FloatVector
    individually_rational: bool
    ir_shortfall: FloatVector
    core_violation: CoreViolation
    in_core: bool
    shapley_gap: FloatVector
    flows: tuple[Flow, ...]
    efficiency_gap: float
    cost_shares: FloatVector | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    players: tuple[str, ...] = field(default=(), repr=False)
    stand_alone_margin: FloatVector | None = None
    free_ride_margin: FloatVector | None = None
    enforcement_margin: FloatVector | None = None
    self_enforcing: bool | None = None
    enforcement_shortfall: FloatVector | None = None
    subsidy_needed: float | None = None

    _headline = ("rule", "allocation", "individually_rational", "in_core", "self_enforcing", "subsidy_needed")

    @property
    def free_riders(self) -> tuple[str, ...]:
        """Cities that would rather free-ride under this rule (perceived payoffs); () without outside options."""
        if self.enforcement_shortfall is None:
            return ()
        return tuple(p for p, s in zip(self.players, self.enforcement_shortfall) if s > 0)

    @property
    def below_stand_alone(self) -> tuple[str, ...]:
        """Cities whose allocation is below their stand-alone payoff."""
        return tuple(p for p, s in zip(self.players, self.ir_shortfall) if s > 0)

    @property
    def max_shapley_gap(self) -> float:
        """Largest |allocation - Shapley| over cities."""
        return float(np.abs(self.shapley_gap).max()) if self.shapley_gap.size else 0.0

    @property
    def volume(self) -> float:
        """Total money moved through the fund (sum of the positive net transfers)."""
        return float(self.net_transfer[self.net_transfer > 0].sum())

    def summary(self) -> Summary:
        """Per-city allocation, transfer, shortfall below stand-alone, Shapley gap (and margins); flows as notes."""
        cols = ["city", "allocation", "net transfer", "below stand-alone by", "gap to Shapley"]
        if self.cost_shares is not None:
            cols.insert(2, "cost share")
        has_oo = self.stand_alone_margin is not None
        has_se = self.enforcement_margin is not None
        if has_oo:
            cols += ["margin over stand-alone (true)", "margin over free-ride (true)"]
        if has_se:
            cols += ["self-enforcing margin (perceived)"]
        rows = []
        for i, p in enumerate(self.players):
            row = [p, self.allocation[i], self.net_transfer[i],
                   self.ir_shortfall[i], self.shapley_gap[i]]
            if self.cost_shares is not None:
                row.insert(2, self.cost_shares[i])
            if has_oo:
                row += [self.stand_alone_margin[i], self.free_ride_margin[i]]
            if has_se:
                row += [self.enforcement_margin[i]]
            rows.append(tuple(row))
        facts = [("every city at or above its stand-alone payoff", _yes_no(self.below_stand_alone)),
                 ("in core", str(self.in_core)),
                 ("largest core violation", str(self.core_violation)),
                 ("efficiency gap", self.efficiency_gap)]
        if has_se:
            facts += [("self-enforcing (perceived payoffs)", _yes_no(self.free_riders, "free-ride")),
                      ("central subsidy to make it self-enforcing", self.subsidy_needed)]
        notes = tuple(str(f) for f in self.flows) or ("no transfers",)
        return Summary(f"Rule: {self.rule}", tuple(facts), tuple(cols), tuple(rows), notes)

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["core_violation"] = {"coalition": list(self.core_violation.coalition),
                                 "amount": float(self.core_violation.amount)}
        out["flows"] = [{"payer": f.payer, "receiver": f.receiver, "amount": f.amount} for f in self.flows]
        out["by_city"] = dict(zip(self.players, self.allocation.tolist()))
        out["below_stand_alone"] = list(self.below_stand_alone)
        out["free_riders"] = list(self.free_riders)
        return out


def _yes_no(short: Sequence[str], verb: str = "") -> str:
    """``yes``, or ``no: A, B`` (with ``would <verb>`` after the cities when a verb is given)."""
    if not short:
        return "yes"
    return "no: " + ", ".join(short) + (f" would {verb}" if verb else "")


@dataclass(frozen=True, eq=False)
class FundAnalysis(Result):
    """Sharing rules compared side by side for one game and status quo.

    Attributes
    ----------
    outcomes : tuple of RuleOutcome
        One per rule, in the order given.
    players : tuple of str
    status_quo : ndarray
        Payoffs with everyone cooperating and no transfers.
    shapley : ndarray
        The Shapley value (the fairness reference).
    core_is_empty : bool
        When True no rule can be in the core; compare the violations instead.
    parameters : dict
    outside : OutsideOptions or None
        The outside options every margin is measured against (None: the game's ``v({i})`` only).
    stand_alone : ndarray
        The stand-alone payoff each verdict uses (true payoffs).
    """

    outcomes: tuple[RuleOutcome, ...]
    players: tuple[str, ...]
    status_quo: FloatVector
    shapley: FloatVector
    core_is_empty: bool
    parameters: dict[str, Any] = field(default_factory=dict)
    outside: OutsideOptions | None = field(default=None, repr=False)
    stand_alone: FloatVector | None = None

    def __getitem__(self, rule: str | int) -> RuleOutcome:
        """The outcome of a rule, by label or position."""
        if isinstance(rule, int):
            return self.outcomes[rule]
        for o in self.outcomes:
            if o.rule == rule:
                return o
        raise KeyError(f"no rule {rule!r}; rules are {[o.rule for o in self.outcomes]}")

    def to_frame(self) -> Any:
        """Rule by city: each rule's allocation and net transfer (needs pandas)."""
        from coopgame.results import pandas_module

        pd = pandas_module("FundAnalysis.to_frame")
        rows = [(o.rule, city, float(o.allocation[i]), float(o.net_transfer[i]))
                for o in self.outcomes for i, city in enumerate(self.players)]
        return pd.DataFrame(rows, columns=["rule", "city", "allocation", "net_transfer"]).set_index(["rule", "city"])

    def summary(self) -> Summary:
        """One row per rule: stand-alone test, self-enforcing test and subsidy (with outside options), core,
        largest violation, Shapley gap, money moved; flows as notes."""
        has_oo = self.outside is not None
        rows = []
        for o in self.outcomes:
            row = [o.rule, _yes_no(o.below_stand_alone)]
            if has_oo:
                row += ["not tested" if o.self_enforcing is None else _yes_no(o.free_riders),
                        o.subsidy_needed]
            row += ["yes" if o.in_core else "no", str(o.core_violation), o.max_shapley_gap,
                    o.volume]
            rows.append(tuple(row))
        cols = ["rule", "every city >= stand-alone" + (" (true)" if has_oo else "")]
        if has_oo:
            cols += ["self-enforcing (perceived)", "subsidy to make it self-enforcing"]
        cols += ["in core", "largest core violation", "max gap to Shapley", "moved through fund"]
        notes = [f"{o.rule}: " + ("; ".join(str(f) for f in o.flows) if o.flows else "no transfers")
                 for o in self.outcomes]
        if self.core_is_empty:
            notes.insert(0, "the core is empty: no split satisfies every coalition")
        if has_oo:
            notes.insert(0, "Stand-alone is each city's best payoff on its own (v({i}) of the alpha game, true "
                            "payoffs); 'in core' needs the core of the game given and every city at or above it. "
                            "Self-enforcing: no city gains by free-riding under the rule, in perceived payoffs "
                            "(decisions); the subsidy keeps the rule's split and tops up each shortfall.")
        facts = (("cities", str(len(self.players))), ("v(N)", float(self.status_quo.sum())),
                 ("core", "empty" if self.core_is_empty else "non-empty"))
        return Summary("Fund sharing rules compared", facts, tuple(cols), tuple(rows), tuple(notes))

    def margin_table(self) -> Summary:
        """Per city: status quo, the outside options, and under each rule the allocation with its margins.

        Needs the outside options (``fund_analysis(..., outside=...)``); without them, the margin over
        the game's ``v({i})`` only.
        """
        oo = self.outside
        cols = ["city", "status quo (true)", "stand-alone (true)"]
        if oo is not None:
            cols += ["free-ride (true)"]
        rows = []
        for i, p in enumerate(self.players):
            row = [p, self.status_quo[i], self.stand_alone[i]]
            if oo is not None:
                row.append(oo.free_ride[i])
            for o in self.outcomes:
                row.append(o.allocation[i])
                row.append(o.allocation[i] - self.stand_alone[i])
                if oo is not None:
                    row += [o.free_ride_margin[i],
                            None if o.enforcement_margin is None else o.enforcement_margin[i]]
            rows.append(tuple(row))
        for o in self.outcomes:
            cols += [f"{o.rule}", f"{o.rule} - stand-alone"]
            if oo is not None:
                cols += [f"{o.rule} - free-ride (true)", f"{o.rule} self-enforcing margin (perceived)"]
        notes = ["Margins over stand-alone and free-ride use true payoffs (fairness); the self-enforcing margin "
                 "uses perceived payoffs (decisions): t_i - L_i, the rule's transfer minus the city's best gain "
                 "from free-riding."] if oo is not None else []
        return Summary("Margins by rule against the outside options", (), tuple(cols), tuple(rows), tuple(notes))

    def allocation_table(self, *, significant: int | None = None) -> Summary:
        """Per-city table: status quo, Shapley (unless it is one of the rules), each rule's allocation.

        ``significant``: the allocation-and-transfer cells to that many significant figures (else up to 4
        decimals), for magnitudes that rest on modeling choices; plain numbers follow the table's own setting."""
        show_phi = all(o.rule != "Shapley" for o in self.outcomes)   # no duplicate Shapley column
        cols = ("city", "status quo") + (("Shapley",) if show_phi else ()) + tuple(o.rule for o in self.outcomes)
        rows = tuple((p, self.status_quo[i]) + ((self.shapley[i],) if show_phi else ())
                     + tuple(f"{format_number(o.allocation[i], significant=significant)} "
                             f"({format_number(o.net_transfer[i], significant=significant)})" for o in self.outcomes)
                     for i, p in enumerate(self.players))
        return Summary("Allocations by rule (net transfer in brackets)", (), cols, rows)


def fund_analysis(game: TUGame | StructuredGame, *, status_quo: ArrayLike | None = None,
                  status_quo_costs: ArrayLike | None = None,
                  rules: Sequence[SharingRule | str] | None = None, tol: float = DEFAULT_TOL,
                  outside: OutsideOptions | NCityGame | PairwiseGame | None = None) -> FundAnalysis:
    """Compare sharing rules for a cooperation fund.

    Parameters
    ----------
    game : TUGame or StructuredGame
        The cooperative game (a StructuredGame is expanded to dense values).
    status_quo : array_like, shape (n,)
        Each city's payoff with everyone cooperating and no transfers; must
        add up to ``v(N)``. Default with ``outside=`` (and no ``status_quo_costs``):
        the outside options' status quo ``u_i(1_N)``.
    status_quo_costs : array_like, shape (n,), optional
        For cost games, the status quo as cost shares instead (adding up to C(N)).
    rules : sequence of SharingRule or str, optional
        Default ``('shapley', 'nucleolus', 'equal')``. Strings name rules
        without data (see :data:`coopgame.policy.rules.RULE_NAMES`).
    tol : float, default 1e-9
        Relative tolerance (times the payoff scale) for the stand-alone, core, self-enforcing and flow tests.
    outside : OutsideOptions, NCityGame or PairwiseGame, optional
        The cities' outside options (DESIGN §2.1), or the n-city game to take
        them from (:func:`~coopgame.policy.outside.outside_options`). With them
        every rule gets margins against stand-alone and free-riding, the
        self-enforcing verdict and the subsidy that would make it so, and
        stand-alone means the outside options' (``v({i})`` of the alpha game).

    Returns
    -------
    FundAnalysis

    Examples
    --------
    Chishui-type fund on a three-province game whose status quo gives Yunnan
    too little (numbers illustrative):

    >>> from coopgame import TUGame
    >>> from coopgame.policy.real_rules import PooledFundRule
    >>> g = TUGame([0, 0.1, 0.5, 1.0, 0.4, 0.6, 1.2, 2.0], players=["Yunnan", "Guizhou", "Sichuan"])
    >>> fa = fund_analysis(g, status_quo=[0.0, 1.1, 0.9], rules=["shapley", PooledFundRule.chishui()])
    >>> fa["Chishui fund"].net_transfer.round(6).tolist()
    [0.4, -0.2, -0.2]
    >>> [str(f) for f in fa["Chishui fund"].flows]
    ['Guizhou -> Yunnan: 0.2', 'Sichuan -> Yunnan: 0.2']
    >>> fa["Chishui fund"].individually_rational
    True
    """
    # with outside options (an n-city game): see tests/policy/test_fund.py for a hand-worked example
    func = "fund_analysis"
    tol = check_tol(tol, func=func)
    dense = as_dense_game(game, func=func)
    n = dense.n_players
    oo = _outside(outside, n, func=func)
    if status_quo is None and status_quo_costs is None and oo is not None:
        status_quo = oo.status_quo  # u_i(1_N): everyone cooperating, no transfers
    sq = _status_quo(dense, status_quo, status_quo_costs, tol, func=func)
    # every test is relative to the largest payoff compared (no floor: the verdicts do not depend on the unit)
    scale = payoff_scale(dense.values, sq, *(() if oo is None else (*oo.true, *oo.perceived)))
    slack = tol * scale
    chosen = as_rules(rules, func=func, default=DEFAULT_RULES)
    phi = ShapleyRule().allocate(dense, sq)
    alone = np.asarray(dense.singleton_values, dtype=float)
    bounds = None
    if oo is not None:
        alone = np.asarray(oo.stand_alone, dtype=float)  # the alpha game's v({i}), whatever game was given
        bounds = oo.deviation_bounds
        # the self-enforcing test is for full cooperation: the status quo must be u(1_N) (not another profile)
        full_cooperation = bool(np.all(np.abs(sq - np.asarray(oo.status_quo, dtype=float)) <= slack))
    empty = _core_is_empty(dense, tol)
    outcomes = []
    for rule in chosen:
        x = np.asarray(_allocate(rule, dense, sq, func=func), dtype=float)
        if x.shape != (n,) or not np.all(np.isfinite(x)):
            raise InvalidParameterError(f"{func}(): rule {rule.label!r} returned {x!r}; expected {n} finite payoffs")
        net = x - sq
        shortfall = np.maximum(0.0, alone - x)
        shortfall[shortfall <= slack] = 0.0
        violation = largest_core_violation(dense, x)
        gap = float(x.sum() - dense.grand_value)
        in_core = bool(abs(gap) <= slack and violation.amount <= slack and not shortfall.any())
        extra: dict[str, Any] = {}
        if oo is not None:
            extra = {"stand_alone_margin": x - alone, "free_ride_margin": x - np.asarray(oo.free_ride, dtype=float)}
        if oo is not None and full_cooperation:
            t = x - np.asarray(oo.status_quo, dtype=float)  # the rule's transfer against the true status quo
            margin = t - bounds
            margin = np.where(np.abs(margin) <= slack, 0.0, margin)
            short = np.maximum(0.0, -margin)
            extra |= {"enforcement_margin": margin, "self_enforcing": bool(not short.any()),
                      "enforcement_shortfall": short, "subsidy_needed": float(short.sum())}
        # a rule that does not hand out exactly v(N) has no balanced flow decomposition
        flows = payment_flows(net, dense.players, atol=slack) if abs(net.sum()) <= slack * n else ()
        outcomes.append(RuleOutcome(rule.label, x, net, bool(not shortfall.any()), shortfall, violation, in_core,
                                    x - phi, flows, gap, dense.cost_shares(x) if dense.is_cost_game else None,
                                    rule.parameters(), dense.players, game=dense, **extra))
    params: dict[str, Any] = {"tol": tol, "rules": [r.label for r in chosen]}
    if oo is not None:
        params["stand_alone"] = "outside options (v({i}) of the alpha game, true payoffs)"
        if not full_cooperation:
            params["self_enforcing"] = ("not tested: the status quo is not full cooperation (the rules share the "
                                        "worth of another profile); see self_enforcing_transfers")
    return FundAnalysis(tuple(outcomes), dense.players, sq, phi, empty, params, outside=oo, stand_alone=alone,
                        game=dense)


def _allocate(rule: SharingRule, game: TUGame, sq: np.ndarray, *, func: str) -> np.ndarray:
    """The rule's allocation; a typed error inside a rule is raised again naming the function the user called."""
    try:
        return rule.allocate(game, sq.copy())
    except CoopgameError as err:
        raise type(err)(f"{func}(): rule {rule.label!r} cannot split this game: {err}") from err


def _outside(outside: Any, n: int, *, func: str) -> OutsideOptions | None:
    if outside is None:
        return None
    if isinstance(outside, (NCityGame, PairwiseGame)):
        outside = outside_options(outside)
    if not isinstance(outside, OutsideOptions):
        raise InvalidParameterError(f"{func}(): outside must be OutsideOptions, an NCityGame or a PairwiseGame; "
                                    f"got {type(outside).__name__}")
    if len(outside.players) != n:
        raise InvalidParameterError(f"{func}(): outside options must have one entry per city ({n}); "
                                    f"got {len(outside.players)}")
    return outside


def _status_quo(game: TUGame, status_quo: ArrayLike | None, costs: ArrayLike | None, tol: float, *,
                func: str) -> np.ndarray:
    n = game.n_players
    if (status_quo is None) == (costs is None):
        raise InvalidParameterError(f"{func}(): give exactly one of status_quo= (payoffs with everyone cooperating "
                                    "and no transfers) or status_quo_costs=")
    if status_quo is not None:
        sq = as_float_array(status_quo, func=func, name="status_quo", shape=(n,), error=InvalidParameterError)
    else:
        if not game.is_cost_game:
            raise InvalidParameterError(f"{func}(): status_quo_costs= needs a game built with TUGame.from_costs")
        y = as_float_array(costs, func=func, name="status_quo_costs", shape=(n,), error=InvalidParameterError)
        sq = np.asarray(game.standalone_costs) - y
    slack = tol * payoff_scale(game.values, sq)  # relative to the payoffs compared
    if abs(sq.sum() - game.grand_value) > slack * max(1, n):
        raise InvalidParameterError(f"{func}(): status_quo must add up to v(N) = {game.grand_value:g} (everyone "
                                    f"cooperating, no transfers); got sum {sq.sum():g}")
    return sq


def _core_is_empty(game: TUGame, tol: float) -> bool:
    from coopgame.stability.coreset import core
    return core(game, tol=tol).is_empty


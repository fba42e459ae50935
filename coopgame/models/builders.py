"""Model kinds: which parameters each kind takes, and how its game objects are built.

A kind is a small, documented recipe from parameters to the package's game
objects (TUGame / StructuredGame, PairwiseGame, NCityGame) plus the policy
data a sharing-rule analysis needs (weights for proportional rules, fund flows,
contract schedules). The formulas follow MODELS.md (BM1–BM8) and DESIGN §2.1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

from coopgame._memory import ensure_dense_fits
from coopgame._validation import frozen
from coopgame.errors import ModelSpecError
from coopgame.results import Summary, format_number

if TYPE_CHECKING:  # pragma: no cover
    from coopgame.models.schema import ModelSpec

__all__ = ["BUILDERS", "BuiltModel", "build_model", "ncity_convention", "ncity_game"]


def _frozen_arrays(mapping: Mapping[str, Any] | None) -> dict[str, Any]:
    return {k: frozen(v) if isinstance(v, np.ndarray) else v for k, v in dict(mapping or {}).items()}


class BuiltModel:
    """The game objects of a model, ready for the solvers.

    Attributes
    ----------
    spec : ModelSpec
        The model they were built from.
    tu : TUGame or StructuredGame or None
        The cooperative game (coalition values ``v(S)``), when the model has one.
        Dense games at large n are built on first access.
    pairwise : PairwiseGame or None
        The two-player normal-form game, when the model has one.
    ncity : NCityGame or None
        The n-city game, for ``ncity`` kinds.
    weights : mapping of str to ndarray
        Per-player weights for proportional sharing rules (contribution, GDP, ...).
    initial : ndarray or None
        Initial cooperation shares for evolutionary dynamics (a modeling choice).
    tables : mapping of str to Summary
        Contract schedules and fund flows computed from the rule in the model.
    """

    def __init__(self, spec: ModelSpec, *, tu: Any = None, tu_factory: Callable[[], Any] | None = None,
                 pairwise: Any = None, ncity: Any = None, weights: Mapping[str, np.ndarray] | None = None,
                 initial: np.ndarray | None = None, tables: Mapping[str, Summary] | None = None,
                 values: Mapping[str, Any] | None = None, shared_facility: bool = False) -> None:
        self.spec = spec
        self._tu = tu
        self._tu_factory = tu_factory
        self._shared_facility = bool(shared_facility)
        self.pairwise = pairwise
        self.ncity = ncity
        # every array it exposes read-only, and impossible to make writeable (DESIGN §5)
        self.weights = MappingProxyType(_frozen_arrays(weights))
        self.initial = frozen(initial) if isinstance(initial, np.ndarray) else initial
        self.tables = MappingProxyType(dict(tables or {}))
        self.values = MappingProxyType(_frozen_arrays(values))

    @property
    def players(self) -> tuple[str, ...]:
        return self.spec.players

    @property
    def has_tu(self) -> bool:
        """True when the model defines a cooperative game (without building a lazy one)."""
        return self._tu is not None or self._tu_factory is not None

    @property
    def tu(self) -> Any:
        if self._tu is None and self._tu_factory is not None:
            self._tu = self._tu_factory()
        return self._tu

    @property
    def own_cooperative_label(self) -> str | None:
        """For an n-city model: the label of its own cooperative game when it is not the n-city game's default one.

        The n-city game brings its cooperative form, the alpha game (DESIGN §2.1), through the concept
        registry. A model adds its own when it states the ``"members"`` convention (every member
        cooperates) or adds a shared facility (``ncity_dense``); ``None`` otherwise (an alpha model
        without a facility: the two coincide). Builds nothing.
        """
        if self.ncity is None or not self.has_tu:
            return None
        alpha = ncity_convention(self.spec) == "alpha"
        facility = self._shared_facility
        if alpha and not facility:
            return None
        return ("alpha" if alpha else "members") + " game" + (" with the shared facility" if facility else "")

    def games(self) -> Iterator[tuple[str, Any]]:
        """The game forms of the model as ``(label, game)`` pairs, main form first.

        An n-city game stands for its own pairwise and cooperative forms (the
        concept registry, :mod:`coopgame.policy.concepts`, derives them), so
        they are not repeated; a cooperative game that is not the n-city game's
        own (a model adding a shared facility, or stating the ``"members"``
        convention: :attr:`own_cooperative_label`) follows it, labelled. Without an
        n-city game: the pairwise game, then the cooperative game. The label is
        ``""`` for the model's own forms. Lazy: a dense game built on first
        access is built when the iteration reaches it (a sweep reads the first
        form only).

        Examples
        --------
        >>> from coopgame import load_model
        >>> [type(g).__name__ for _, g in load_model("two_city_coop").build().games()]
        ['PairwiseGame']
        """
        if self.ncity is not None:
            yield "", self.ncity
            label = self.own_cooperative_label
            if label is not None:
                yield label, self.tu
            return
        if self.pairwise is not None:
            yield "", self.pairwise
        if self.has_tu:
            yield "", self.tu

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Built deterministically from the spec, and a dense game may be a lazy closure that cannot be
        # pickled: pickles and copies rebuild from the spec (small), not from the 2**n values.
        return build_model, (self.spec,)

    def __repr__(self) -> str:
        parts = [f"model={self.spec.slug!r}"]
        if self.has_tu:
            parts.append("tu")
        if self.pairwise is not None:
            parts.append("pairwise")
        if self.ncity is not None:
            parts.append("ncity")
        return f"BuiltModel({', '.join(parts)})"


def build_model(spec: ModelSpec) -> BuiltModel:
    """Build the game objects of ``spec`` (see :class:`BuiltModel`)."""
    return BUILDERS[spec.kind](spec)


def _opt(spec: ModelSpec, name: str, default: Any) -> np.ndarray:
    return spec.parameters[name].value if name in spec.parameters else np.asarray(default, dtype=np.float64)


def _weights(spec: ModelSpec, names: tuple[str, ...] = ()) -> dict[str, np.ndarray]:
    chosen = list(names) + [w for w in spec.analysis.get("weights", []) if w not in names]
    return {w: spec[w] for w in chosen if w in spec.parameters}


def _rows(players: tuple[str, ...], *cols: np.ndarray) -> tuple[tuple[str, ...], ...]:
    return tuple((p, *(float(c[i]) for c in cols)) for i, p in enumerate(players))


# ---------------------------------------------------------------------------------------------------- cost games
def _build_cost_game(spec: ModelSpec) -> BuiltModel:
    from coopgame.games.tu import TUGame

    game = TUGame.from_costs(spec["costs"], players=spec.players)
    return BuiltModel(spec, tu=game, weights=_weights(spec))


def _build_airport(spec: ModelSpec) -> BuiltModel:
    from coopgame.games.structured import AirportCost, StructuredGame

    # C(S) = max_{i in S} c_i: the facility is sized for its most demanding member; kept structured
    # (Littlechild–Owen closed form), never 2**n values.
    game = StructuredGame.from_costs(AirportCost(spec["costs"]), players=spec.players)
    return BuiltModel(spec, tu=game, weights=_weights(spec, ("costs",)))


# ---------------------------------------------------------------------------------------------------- two-player games
def _build_two_city(spec: ModelSpec) -> BuiltModel:
    from coopgame.games.pairwise import PairwiseGame

    game = PairwiseGame.from_two_city(
        cost=spec["cost"], synergy=float(spec["synergy"]), alpha=float(spec["alpha"]),
        free_ride_gain=spec["free_ride_gain"], lone_loss=spec["lone_loss"], reward=spec["reward"],
        penalty=spec["penalty"], base=_opt(spec, "base", 0.0), players=spec.players)
    initial = spec["initial"] if "initial" in spec.parameters else None
    return BuiltModel(spec, pairwise=game, initial=initial)


def _build_water_bet(spec: ModelSpec) -> BuiltModel:
    from coopgame.games.pairwise import PairwiseGame

    p = {k: float(v.value) for k, v in spec.parameters.items() if v.value.ndim == 0}
    net_protect = p["cobenefit"] - p["protection_cost"]
    # MODELS.md BM2, deterministic pass/fail: rows upstream (protect, neglect), columns downstream (honour, refuse)
    # (0.0 - x rather than -x: no negative zeros in the printed tables)
    A = [[net_protect + p["stake_to_upstream"] + p["subsidy"], net_protect],
         [0.0 - p["penalty_upstream"] - p["stake_to_downstream"], 0.0 - p["penalty_upstream"]]]
    B = [[p["downstream_benefit"] - p["stake_to_upstream"], p["downstream_benefit"] - p["penalty_downstream"]],
         [p["stake_to_downstream"] - p["downstream_loss"], 0.0 - p["downstream_loss"]]]
    game = PairwiseGame(A, B, players=spec.players, actions=(("protect", "neglect"), ("honour", "refuse")))
    return BuiltModel(spec, pairwise=game, initial=spec["initial"] if "initial" in spec.parameters else None)


def _build_graded_contract(spec: ModelSpec) -> BuiltModel:
    from coopgame.games.pairwise import PairwiseGame
    from coopgame.policy.real_rules import graded_transfer

    k, dp, effort = spec["class_change"], spec["index_change"], spec["effort_cost"]
    t = graded_transfer(k, dp, price_per_class=float(spec["price_per_class"]),
                        price_per_point=float(spec["price_per_point"]), cap=float(spec["cap"]))
    value = float(spec["downstream_value_per_class"]) * k
    reward = float(spec["renewal_reward"])
    # rows: upstream effort (high, low); columns: downstream (renew the contract, exit)
    A = np.column_stack([t - effort, -effort])
    B = np.column_stack([value - t + reward, value])
    game = PairwiseGame(A, B, players=spec.players, actions=(("high effort", "low effort"), ("renew", "exit")))
    table = Summary(title="Contract transfer by upstream effort",
                    columns=("effort", "classes better than base", "index change (pp)", "transfer D→U"),
                    rows=tuple((lab, float(k[i]), float(dp[i]), float(t[i]))
                               for i, lab in enumerate(("high", "low"))))
    return BuiltModel(spec, pairwise=game, tables={"transfers": table}, values={"transfer": t})


def relocation_rule(spec: ModelSpec) -> Any:
    """The model's contract as a :class:`~coopgame.policy.real_rules.RelocationTaxRule` (the 2015 rule's terms)."""
    from coopgame.policy.real_rules import RelocationTaxRule

    out_region, in_region = spec.players
    return RelocationTaxRule(out_region, in_region, spec["pre_move_tax"], spec["post_move_tax"],
                             share=float(spec["share"]), years=int(spec["base_years"]),
                             extension_years=int(spec["extension_years"]), threshold=float(spec["threshold"]),
                             central_subsidy=float(spec["central_subsidy"]),
                             discount_rate=float(spec["discount_rate"]))


def _build_relocation(spec: ModelSpec) -> BuiltModel:
    from coopgame.games.pairwise import PairwiseGame
    from coopgame.policy.real_rules import present_value

    rule = relocation_rule(spec)
    sched = rule.schedule()
    r = rule.discount_rate
    post = rule.post_move_taxes
    lost = present_value(np.full(post.shape[0], float(np.mean(rule.pre_move_taxes))), r)
    shared = sched.present_value_out
    # the one-off central subsidy is paid when the (extended) sharing period ends without reaching the cap
    end = rule.years + (rule.extension_years if sched.extended else 0)
    subsidy_pv = sched.central_subsidy / (1.0 + r) ** end
    relief, support, poach = float(spec["relief_benefit"]), float(spec["support_cost"]), float(spec["poaching_cost"])
    kept = present_value(post, r)
    # rows: out-region (lead the move, keep the firm); columns: in-region (support under the rule, poach outside it)
    A = [[shared + subsidy_pv - lost + relief, -lost + relief],
         [0.0, -lost]]
    B = [[kept - shared - support, kept - poach],
         [-support, kept - poach]]
    game = PairwiseGame(A, B, players=spec.players, actions=(("lead", "keep"), ("support", "poach")))
    base = sched.summary()
    table = Summary(title="Relocated firm's tax by year after production starts", facts=base.facts,
                    columns=base.columns, rows=base.rows)
    return BuiltModel(spec, pairwise=game, tables={"schedule": table},
                      values={"rule": rule, "schedule": sched, "npv_out_region_share": shared,
                              "npv_lost_base": lost})


# ---------------------------------------------------------------------------------------------------- funds and rules
def _build_fund(spec: ModelSpec) -> BuiltModel:
    from coopgame.games.structured import StructuredGame

    n = spec.n_players
    additive = _opt(spec, "own_benefit", np.zeros(n)) - spec["cost"]
    pairwise = _opt(spec, "spillover", np.zeros((n, n))) + _opt(spec, "synergy", np.zeros((n, n)))
    tables: dict[str, Summary] = {}
    values: dict[str, Any] = {}
    mechanism = fund_mechanism(spec) if "project_cost" in spec.parameters else None
    if mechanism is not None:   # dues enter the payoffs: the game is the mechanism's own
        game = mechanism.cooperative_game()
        values["mechanism"] = mechanism
    else:
        if "contributions" not in spec.parameters:
            raise ModelSpecError(f"{spec.slug}: a fund model needs contributions, or dues_base, dues_rate and "
                                    "project_cost (a fund mechanism)")
        game = StructuredGame(additive, pairwise, spec.players)
    weights = _weights(spec, ("contributions",))
    if "allocations" in spec.parameters:
        weights.setdefault("allocations", spec["allocations"])
        rule = pooled_fund_rule(spec)
        settlement = rule.settle()
        failed = [k for k, z in settlement.pass_rates.items() if z < 1]
        base = settlement.summary()
        tables["fund_flows"] = Summary(
            title="Fund settlement under the negotiated rule (" + (
                "all sections pass" if not failed else "failed: section " + ", section ".join(failed)) + ")",
            facts=(("fund", rule.fund),) + base.facts, columns=base.columns, rows=base.rows,
            notes=("net = allocated - deducted + received - pays in; a failed section's deduction goes to the "
                   "parties its recipients row names.",) if rule.sections else ())
        values.update(fund_rule=rule, settlement=settlement)
    return BuiltModel(spec, tu=game, weights=weights, tables=tables, values=values)


def fund_terms(spec: ModelSpec) -> dict[str, Any]:
    """The numbers of a fund-mechanism model file, as :func:`fund_mechanism` reads them.

    ``dues_base`` (n,), ``dues_rate``, ``synergy`` and ``project_cost`` (n, n), ``spillover`` (n, n) or None,
    ``participation`` (n,) = ``own_benefit - cost``, ``withholding``, ``penalty`` (n,), ``quota`` (a share of the
    votes), ``years``, ``discount_rate``, and the file's ``settlement`` rule and ``votes``: what an uncertainty
    analysis stacks over its draws.
    """
    missing = [k for k in ("dues_base", "dues_rate") if k not in spec.parameters]
    if missing or "contributions" in spec.parameters:
        raise ModelSpecError(f"{spec.slug}: a fund mechanism (project_cost) takes its dues from dues_base and "
                                "dues_rate, and no separate contributions" + (
                                    f"; missing {missing}" if missing else ""))
    n = spec.n_players
    years = float(_opt(spec, "years", 1))
    if years != int(years):
        raise ModelSpecError(f"{spec.slug}: years must be a whole number of years; got {years:g}")
    return {"dues_base": spec["dues_base"], "dues_rate": float(spec["dues_rate"]),
            "synergy": _opt(spec, "synergy", np.zeros((n, n))), "project_cost": spec["project_cost"],
            "spillover": spec["spillover"] if "spillover" in spec.parameters else None,
            "participation": _opt(spec, "own_benefit", np.zeros(n)) - spec["cost"],
            "withholding": float(_opt(spec, "withholding", 0.0)),
            "penalty": np.broadcast_to(_opt(spec, "withholding_penalty", 0.0), (n,)).astype(float),
            "quota": float(_opt(spec, "conference_quota", 1.0)), "years": int(years),
            "discount_rate": float(_opt(spec, "discount_rate", 0.0)),
            "settlement": spec.analysis.get("settlement", "shapley"),
            "votes": spec.analysis.get("conference_votes", "equal")}


def fund_mechanism(spec: ModelSpec) -> Any:
    """The model's fund as a :class:`~coopgame.policy.mechanism.FundMechanism` (DESIGN §2.1).

    Dues are ``dues_rate x dues_base``; one joint project per pair of cities
    whose benefit is the pair's synergy and whose cost is ``project_cost``
    (it runs only when both pay); a spillover ``e_ij`` reaches city i when j
    pays, whether i pays or not (a costless item of j's); each paying city's own net
    payoff is ``own_benefit - cost``; the conference adopts the plan with
    ``conference_quota`` of the votes (``analysis.conference_votes``), the
    returns are split by ``analysis.settlement``; unpaid dues are withheld with
    probability ``withholding`` plus ``withholding_penalty`` (:func:`fund_terms`).
    """
    from coopgame.policy.mechanism import Conference, DuesRule, FundMechanism, Project, pair_projects
    from coopgame.policy.rules import ProportionalRule

    t = fund_terms(spec)
    dues = DuesRule(t["dues_base"], t["dues_rate"], basis=spec.parameters["dues_base"].description or "base")
    projects = pair_projects(t["synergy"], t["project_cost"], spec.players)
    if t["spillover"] is not None:   # what j's taking part brings the others, whether they pay or not
        e = t["spillover"]
        projects += tuple(Project(f"{p} takes part", 0.0, e[:, j], (p,)) for j, p in enumerate(spec.players)
                          if np.any(e[:, j] > 0))
    rule = ProportionalRule(dues.dues, basis="dues") if t["settlement"] == "proportional_to_dues" else t["settlement"]
    quota = t["quota"]
    conference = Conference(votes=t["votes"], quota="unanimity" if quota == 1.0 else "two-thirds"
                            if abs(quota - 2 / 3) < 1e-12 else quota)
    return FundMechanism(spec.players, dues, projects, participation=t["participation"], conference=conference,
                         rule=rule, withholding=t["withholding"], penalty=t["penalty"], years=t["years"],
                         discount_rate=t["discount_rate"])


def pooled_fund_rule(spec: ModelSpec) -> Any:
    """The model's pay-in/pay-out rule as a :class:`~coopgame.policy.real_rules.PooledFundRule`.

    The fund is the sum of the contributions; allocations are read as ratios
    of it. Row i of the optional ``section_recipients`` matrix defines the
    monitored section party i answers for (named "of <party>"): when it
    fails (``section_pass[i] < 1``), a share ``1 - section_pass[i]`` of i's
    allocation is deducted and paid out in the row's proportions. An all-zero
    row means the party answers for no section.
    """
    from coopgame.policy.real_rules import FundSection, PooledFundRule

    players = spec.players
    contrib = spec["contributions"]
    sections, rates = [], {}
    if "section_recipients" in spec.parameters:
        routing = spec["section_recipients"]
        passed = _opt(spec, "section_pass", np.ones(len(players)))
        for i, row in enumerate(routing):
            if row.sum() > 0:
                name = f"of {players[i]}"
                sections.append(FundSection(name, players[i],
                                            {players[j]: float(w) for j, w in enumerate(row) if w > 0}))
                rates[name] = float(passed[i])
    return PooledFundRule(players, contrib, spec["allocations"], fund=float(contrib.sum()), sections=tuple(sections),
                          pass_rates=rates, name=f"{spec.title.split(':')[0]} negotiated rule")


def _build_enclave(spec: ModelSpec) -> BuiltModel:
    from coopgame._bitmask import membership_matrix
    from coopgame.games.tu import TUGame
    from coopgame.policy.real_rules import StockIncrementRule

    n = spec.n_players
    inputs = np.stack([spec["land"], spec["capital"], spec["management"]])  # (3, n)
    elasticity = spec["elasticities"]
    tfp = float(spec["productivity"])

    def revenue(masks: np.ndarray) -> np.ndarray:
        # zone revenue of coalition S: Cobb–Douglas in the pooled land, capital and management of S
        member = membership_matrix(masks, n).astype(np.float64)
        pooled = member @ inputs.T  # (masks, 3)
        with np.errstate(divide="ignore"):
            return tfp * np.prod(np.where(pooled > 0, pooled, 0.0) ** elasticity, axis=1)

    game = TUGame.from_function(revenue, players=spec.players)
    total = game.grand_value
    baseline = spec["baseline"]
    rule = StockIncrementRule(baseline, spec["increment_share"])
    increment = max(0.0, total - float(baseline.sum()))
    stock_increment = rule.split(total)
    rows = _rows(spec.players, baseline, stock_increment)
    table = Summary(title="Stock/increment rule: each keeps its stock, the increment is split",
                    facts=(("zone revenue v(N)", total), ("increment", increment)),
                    columns=("party", "stock (baseline)", "stock/increment share"), rows=rows)
    return BuiltModel(spec, tu=game, weights=_weights(spec, ("capital", "land")), tables={"stock_increment": table},
                      values={"stock_increment": stock_increment, "stock_increment_rule": rule})


def _build_tax_base_pool(spec: ModelSpec) -> BuiltModel:
    from coopgame.policy.real_rules import TaxBasePoolRule

    rule = TaxBasePoolRule(spec.players, spec["growth"], spec["population"], spec["fiscal_capacity"],
                           pool_share=float(spec["pool_share"]),
                           population_exponent=float(_opt(spec, "population_exponent", 1.0)),
                           capacity_exponent=float(_opt(spec, "capacity_exponent", 1.0)))
    r = {"contribution": rule.contributions(), "need_index": rule.distribution_index(),
         "distribution": rule.distribution(), "net": rule.net_transfers()}
    table = Summary(title="Tax-base pool: contributions, distribution and net position",
                    facts=(("pool", rule.pool()),),
                    columns=("member", "pays in", "need index", "receives", "net"),
                    rows=_rows(spec.players, r["contribution"], r["need_index"], r["distribution"], r["net"]))
    weights = _weights(spec, ("population",))
    weights["need_index"] = r["need_index"]
    return BuiltModel(spec, weights=weights, tables={"pool": table}, values={**r, "rule": rule})


# ---------------------------------------------------------------------------------------------------- n-city
_NCITY_ARGS = ("cost", "base", "reward", "penalty", "spillover", "synergy", "siphon", "deadweight", "perception")


def ncity_game(spec: ModelSpec) -> Any:
    """The :class:`~coopgame.NCityGame` of an ``ncity`` or ``ncity_dense`` model (the parameters of the kind)."""
    from coopgame.games.ncity import NCityGame

    kwargs = {k: spec[k] for k in _NCITY_ARGS if k in spec.parameters}
    return NCityGame(players=spec.players, issues=spec.layers or None, **kwargs)


def ncity_convention(spec: ModelSpec) -> str:
    """The cooperative-game convention an n-city model states (``[analysis] convention``), default ``"alpha"``."""
    return str(spec.analysis.get("convention", "alpha"))


def _relocation_tables(spec: ModelSpec) -> tuple[dict[str, Summary], dict[str, Any]]:
    """For each parameter derived by ``relocation_kept_share``: the representative firm's year-by-year split.

    The schedule is :meth:`RelocationTaxRule.schedule` on the rule's inputs (a firm paying ``tax`` a year
    before and after the move, over ``horizon`` years), so the report shows the 2015 rule year by year
    beside the annual-equivalent share the model uses.
    """
    from coopgame.policy.real_rules import RelocationTaxRule, present_value

    tables: dict[str, Summary] = {}
    values: dict[str, Any] = {}
    for pname, body in spec._raw.get("parameters", {}).items():
        if not isinstance(body, Mapping) or body.get("rule") != "relocation_kept_share":
            continue
        arg = {k: float(spec[v]) for k, v in body["inputs"].items()}
        horizon, tax, rate = int(arg["horizon"]), arg["tax"], arg["rate"]
        rule = RelocationTaxRule("out-region", "in-region", np.full(3, tax), np.full(horizon, tax),
                                 share=arg["share"], years=int(arg["years"]),
                                 extension_years=int(arg["extension_years"]), threshold=arg["threshold"],
                                 discount_rate=rate)
        sched = rule.schedule()
        out = sched.out_region_share
        last = int(np.flatnonzero(out)[-1]) + 1 if np.any(out) else 0  # the last year the out-region shares
        pv_tax = present_value(np.full(horizon, tax), rate)
        kept = float(spec[pname])
        facts = (("representative firm's tax", f"{format_number(tax)} a year before and after the move"),
                 ("eligible (threshold)", f"{sched.eligible} ({format_number(arg['threshold'])} a year)"),
                 ("cap (3 pre-move years)", sched.cap),
                 ("extended", str(sched.extended)), ("cap reached", str(sched.cap_reached)),
                 ("central subsidy owed", "yes, of unspecified size (left out)" if sched.eligible
                  and sched.extended and not sched.cap_reached else "no"),
                 ("horizon", f"{horizon} years"), ("discount rate", f"{rate:.4g}"),
                 ("present value of the tax", pv_tax),
                 ("present value to the out-region", sched.present_value_out),
                 (f"kept by the in-region ({pname})", f"{format_number(kept)} of the present value "
                  f"(annual equivalent; {format_number(kept / (1 - arg['share']))} x a split for ever)"
                  if arg["share"] < 1 else kept))
        rows = [(str(t + 1), tax, float(out[t]), tax - float(out[t]))
                for t in range(min(last, horizon))]
        if last < horizon:
            span = str(last + 1) if last + 1 == horizon else f"{last + 1}-{horizon}"
            rows.append((span, tax, 0.0, tax))
        tables[f"relocation_{pname}"] = Summary(
            title="Relocation tax sharing (2015 rule) for a representative firm, by year after production starts",
            facts=facts, columns=("year", "tax", "out-region", "in-region"), rows=tuple(rows))
        values[f"relocation_schedule_{pname}"] = sched
    return tables, values


def _build_ncity(spec: ModelSpec) -> BuiltModel:
    game = ncity_game(spec)
    initial = spec["initial"] if "initial" in spec.parameters else None
    pairwise = game.to_pairwise() if spec.n_players == 2 else None
    tables, values = _relocation_tables(spec)
    convention = ncity_convention(spec)
    # the cooperative game (2**n worths for the alpha convention) is built on first access: a sweep or an
    # uncertainty analysis that reads only the n-city game does not pay for it
    return BuiltModel(spec, tu_factory=lambda: game.tu_game(convention=convention), ncity=game, pairwise=pairwise,
                      initial=initial, weights=_weights(spec), tables=tables, values=values)


def _build_ncity_dense(spec: ModelSpec) -> BuiltModel:
    from coopgame.games.structured import ScaleEconomyCost, StructuredGame

    from coopgame.games.ncity import ALPHA_DENSE_MAX_PLAYERS

    game = ncity_game(spec)
    structured = game.tu_game(convention="members")  # the quadratic part; the alpha worths are built below
    n = spec.n_players
    facility = ScaleEconomyCost(spec["demand"], scale=float(spec["infra_scale"]),
                                exponent=float(spec["infra_exponent"]))
    # v(S) = quadratic city-model part + savings of one shared facility with scale economies
    # Σ_{i∈S} K q_i^θ − K (Σ_{i∈S} q)^θ, θ < 1 (DESIGN §2.1 cost games): the game's own dense expansion
    # (StructuredGame.to_tu), stored as 2**n values because the report's dense solvers need them.
    with_facility = StructuredGame(structured.additive + facility.standalone, structured.pairwise, spec.players,
                                   costs=facility)

    def dense() -> Any:
        if ncity_convention(spec) == "alpha":  # the members choose who cooperates; the facility is shared by all
            savings = StructuredGame(facility.standalone, np.zeros((n, n)), spec.players, costs=facility)
            if n > ALPHA_DENSE_MAX_PLAYERS:
                # the exact dense alpha game is too slow to build here (n = 26: minutes): coalition by coalition,
                # for the sampled Shapley value with standard errors
                from coopgame.games.function_game import ValueFunctionGame

                cities = game.tu_game(convention="alpha", form="function")
                return ValueFunctionGame(lambda masks: cities.value_of_masks(masks) + savings.value_of_masks(masks),
                                         players=spec.players)
            from coopgame.games.tu import TUGame

            ensure_dense_fits(n, func="BuiltModel.tu", arrays=3)
            return TUGame(game.tu_game(convention="alpha").values + savings.to_tu().values, spec.players)
        ensure_dense_fits(n, func="BuiltModel.tu", arrays=3)
        return with_facility.to_tu()

    initial = spec["initial"] if "initial" in spec.parameters else None
    return BuiltModel(spec, tu_factory=dense, shared_facility=True, ncity=game, initial=initial, weights=_weights(spec),
                      values={"structured_part": structured})


# ---------------------------------------------------------------------------------------------------- tripartite
_TRIPARTITE_ARGS = ("supervision_cost", "supervision_benefit", "reward", "penalty", "social_benefit",
                    "reputation_loss", "cost", "base", "spillover", "synergy", "siphon", "deadweight", "perception")


def tripartite_arguments(spec: ModelSpec) -> dict[str, Any]:
    """The keyword arguments of :class:`~coopgame.games.tripartite.TripartiteGame` a tripartite model file gives
    (its ``players`` aside): what the builder and an uncertainty analysis evaluate at every draw."""
    kwargs = {k: spec[k] for k in _TRIPARTITE_ARGS if k in spec.parameters}
    for k in ("supervision_cost", "supervision_benefit", "deadweight"):
        if k in kwargs:
            kwargs[k] = float(kwargs[k])
    return kwargs


def _build_tripartite(spec: ModelSpec) -> BuiltModel:
    from coopgame.dynamics.tripartite import tripartite_stability_table
    from coopgame.games.tripartite import TripartiteGame

    game = TripartiteGame(players=spec.players, **tripartite_arguments(spec))
    # the papers' tables: the payoff matrix of the 8 profiles, the eigenvalues at the 8 vertices as formulas,
    # and their values with the stability verdicts
    tables = {"payoff_matrix": game.payoff_matrix(), "eigenvalues": game.eigenvalue_formulas(),
              "stability": tripartite_stability_table(game)}
    initial = spec["initial"] if "initial" in spec.parameters else None
    return BuiltModel(spec, initial=initial, tables=tables, values={"tripartite": game})


# ---------------------------------------------------------------------------------------------------- registry
BUILDERS: dict[str, Callable[[ModelSpec], BuiltModel]] = {
    "cost_game": _build_cost_game,
    "airport": _build_airport,
    "two_city": _build_two_city,
    "water_bet": _build_water_bet,
    "graded_contract": _build_graded_contract,
    "relocation": _build_relocation,
    "fund": _build_fund,
    "enclave": _build_enclave,
    "tax_base_pool": _build_tax_base_pool,
    "ncity": _build_ncity,
    "ncity_dense": _build_ncity_dense,
    "tripartite": _build_tripartite,
}
"""Builder of each model kind of :data:`coopgame.models.kinds.KINDS` (the same keys)."""

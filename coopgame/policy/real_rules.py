"""Sharing rules used in practice between Chinese regions (and one US analogue).

Each rule is encoded from the facts collected in ``literature/02`` and
``literature/05`` (source keys ``S-Rxx`` / ``S-Ixx`` refer to
``literature/SOURCES.md``); anything the sources leave open is a parameter
and is labelled a modeling choice [M].

* :class:`RelocationTaxRule` -- Beijing-Tianjin-Hebei 2015 sharing of a relocated
  firm's taxes (财预〔2015〕92号) [S-R01].
* :class:`StockIncrementRule` -- enclave / co-built zone split: existing
  revenue stays with its jurisdiction, new revenue is split 50:50 [S-R31, S-R32].
* :class:`PooledFundRule` -- a pooled basin fund with contribution and
  allocation ratios and section-by-section clearing (Chishui River 2018-2020)
  [S-R22, S-R23, S-R24].
* :class:`TaxBasePoolRule` -- Minneapolis-St Paul Fiscal Disparities pool:
  40% of commercial-industrial tax-base growth pooled and redistributed by
  population x average / own fiscal capacity [S-I01, S-I03].

Money is in 亿元 (100 million yuan) wherever a default threshold is in money.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from coopgame._relocation import time_limited_receipts
from coopgame._typing import FloatVector
from coopgame._pickling import ReadOnlyState
from coopgame._validation import as_float_array, check_real, frozen
from coopgame.errors import InvalidParameterError
from coopgame.games.tu import TUGame
from coopgame.policy._checks import check_count, check_labels, check_name, check_weights
from coopgame.policy.rules import SharingRule, _check_game, player_indices
from coopgame.results import Result, Summary, format_number

__all__ = [
    "FundSection",
    "FundSettlement",
    "PooledFundRule",
    "graded_transfer",
    "present_value",
    "RelocationSchedule",
    "RelocationTaxRule",
    "StockIncrementRule",
    "TaxBasePoolRule",
]


def present_value(stream: ArrayLike, rate: float) -> float:
    """``Σ_t x_t / (1 + r)^t`` of a yearly stream paid at the end of years ``t = 1, 2, ...`` [M: the rate].

    Examples
    --------
    >>> round(present_value([1.0, 1.0], 0.1), 6)
    1.735537
    """
    func = "present_value"
    x = as_float_array(stream, func=func, name="stream", ndim=1, error=InvalidParameterError)
    r = check_real(rate, func=func, name="rate", minimum=-1.0, strict_minimum=True)
    # discount factors (1 + r)^-t, in log space so that a long stream at a rate near -1 cannot overflow silently
    log_factor = -np.arange(1, x.shape[0] + 1) * np.log1p(r)
    with np.errstate(over="ignore", invalid="ignore"):
        value = float(x @ np.exp(log_factor))
    if not np.isfinite(value):
        raise InvalidParameterError(f"{func}(): the present value overflows a float (rate {r!r} over "
                                    f"{x.shape[0]} years); got {value!r}")
    return value


def graded_transfer(class_change: ArrayLike, index_change: ArrayLike, *, price_per_class: float,
                    price_per_point: float, cap: float) -> FloatVector:
    """Downstream-to-upstream transfer of a graded water-quality contract (Yellow River 豫鲁 type) [S-R26..R28].

    ``T = price_per_class * k + clip(-price_per_point * dp, -cap, cap)`` with ``k`` the
    number of classes better than the base class and ``dp`` the percentage-point
    change of the pollutant index (negative = cleaner); literature/MODELS.md BM3.
    Vectorized.

    Examples
    --------
    >>> graded_transfer([1, 0, -1], [-10, 50, 0], price_per_class=0.6, price_per_point=0.01, cap=0.4).tolist()
    [0.7, -0.4, -0.6]
    """
    func = "graded_transfer"
    k = as_float_array(class_change, func=func, name="class_change", error=InvalidParameterError)
    dp = as_float_array(index_change, func=func, name="index_change", error=InvalidParameterError)
    per_class = check_real(price_per_class, func=func, name="price_per_class")
    per_point = check_real(price_per_point, func=func, name="price_per_point")
    limit = check_real(cap, func=func, name="cap", minimum=0.0)
    try:
        k, dp = np.broadcast_arrays(k, dp)
    except ValueError:
        raise InvalidParameterError(f"{func}(): class_change and index_change must have broadcastable shapes; "
                                    f"got {k.shape} and {dp.shape}") from None
    with np.errstate(over="ignore", invalid="ignore"):
        out = per_class * k + np.clip(-per_point * dp, -limit, limit)
    if not np.all(np.isfinite(out)):
        raise InvalidParameterError(f"{func}(): the transfer overflows a float; reduce price_per_class "
                                    f"({per_class!r}) or class_change")
    return out


def _vector(value: ArrayLike, *, func: str, name: str, size: int | None = None, nonneg: bool = True) -> np.ndarray:
    arr = as_float_array(value, func=func, name=name, ndim=1, error=InvalidParameterError)
    if size is not None and arr.shape[0] != size:
        raise InvalidParameterError(f"{func}(): {name} must have length {size}; got {arr.shape[0]}")
    if nonneg and np.any(arr < 0):
        raise InvalidParameterError(f"{func}(): {name} must be non-negative; got {arr.tolist()}")
    return frozen(arr)


def _ratios(value: ArrayLike, *, func: str, name: str, size: int) -> np.ndarray:
    """Non-negative ratios, not all zero, whose normalised form ``x / Σx`` is finite (no overflow of the sum)."""
    arr = _vector(value, func=func, name=name, size=size)
    top = float(arr.max()) if arr.size else 0.0
    if top <= 0:
        raise InvalidParameterError(f"{func}(): {name} must not be all zero; got {arr.tolist()}")
    if not np.isfinite(arr.sum()):  # keep the ratios, in a unit where their sum is a float
        arr = frozen(arr / top)
    return arr


def _length(players: Any, *, func: str) -> int:
    """How many labels ``players`` holds (refusing what has no length with the package's error)."""
    try:
        return len(players)
    except TypeError:
        raise InvalidParameterError(f"{func}(): players must be a sequence of labels; "
                                    f"got {players!r} ({type(players).__name__})") from None


def _pass_rates(rates: Any, names: Sequence[str], *, func: str) -> dict[str, float]:
    """Pass rates in [0, 1] for known sections (None: none given)."""
    if rates is None:
        return {}
    out = check_weights(rates, func=func, name="pass_rates", minimum=0.0, maximum=1.0)
    unknown = [k for k in out if k not in names]
    if unknown:
        raise InvalidParameterError(f"{func}(): pass_rates names an unknown section {unknown[0]!r}; sections are "
                                    f"{list(names)}")
    return out


class _TransferRule(SharingRule):
    """A contract: final payoff = status quo + the contract's net transfers (which sum to 0)."""

    kind = "transfer"
    players: tuple[str, ...]

    def net_transfers(self) -> FloatVector:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def allocate(self, game: TUGame, status_quo: np.ndarray) -> np.ndarray:
        func = f"{type(self).__name__}.allocate"
        game = _check_game(game, func=func)
        where = player_indices(self.players, game.players, func=func)
        out = as_float_array(status_quo, func=func, name="status_quo", shape=(game.n_players,),
                             error=InvalidParameterError)
        out[where] += self.net_transfers()
        return out


# ---------------------------------------------------------------------------------------------- enclave split
@dataclass(frozen=True, eq=False)
class StockIncrementRule(SharingRule):
    """Enclave / co-built zone split: existing revenue stays, new revenue is shared.

    The Sichuan-Chongqing 高竹 and 遂潼 pilots drafted their benefit rules on
    "existing (stock) revenue stays with the original jurisdiction, incremental
    revenue is split 50:50" [S-R31, S-R32]; the 中山-河源 park splits
    local-retained tax 50:50 [S-R41]. With baseline ``B_i`` and zone revenue
    ``R`` (the game's ``v(N)``):

        x_i = B_i + s_i · (R - Σ B)          when R >= Σ B,
        x_i = B_i · R / Σ B                  when R <  Σ B  [M: the sources do not say
                                             how a shrinking zone is split; pro rata to the stock].

    Parameters
    ----------
    baseline : array_like, shape (n,)
        Each jurisdiction's stock revenue ``B_i`` (>= 0).
    shares : array_like, shape (n,), optional
        Shares ``s_i`` of the increment; default equal (50:50 for two players).

    Examples
    --------
    Stock 3 and 2, zone revenue 9: the increment 4 is split 2 and 2.

    >>> rule = StockIncrementRule([3.0, 2.0])
    >>> rule.split(9.0).tolist(), rule.split(4.0).tolist()
    ([5.0, 4.0], [2.4, 1.6])
    """

    baseline: np.ndarray
    shares: np.ndarray | None = None

    def __post_init__(self) -> None:
        func = "StockIncrementRule"
        b = _vector(self.baseline, func=func, name="baseline")
        if b.shape[0] == 0 or not np.isfinite(b.sum()):
            raise InvalidParameterError(f"{func}(): baseline must have one finite entry per party (at least one) "
                                        f"whose sum is finite; got {b.tolist()}")
        s = (np.full(b.shape[0], 1.0 / b.shape[0]) if self.shares is None
             else _vector(self.shares, func=func, name="shares", size=b.shape[0]))
        if not abs(s.sum() - 1.0) <= 1e-9:  # shares are fractions: an absolute test
            raise InvalidParameterError(f"{func}(): shares must sum to 1; got {s.tolist()}")
        object.__setattr__(self, "baseline", b)
        object.__setattr__(self, "shares", frozen(s))

    @property
    def label(self) -> str:
        return "stock/increment " + ":".join(format_number(100 * s, 1) for s in self.shares)

    def split(self, revenue: float) -> FloatVector:
        """Each party's revenue when the zone collects ``revenue``."""
        revenue = check_real(revenue, func="StockIncrementRule.split", name="revenue")
        total = float(self.baseline.sum())
        if revenue >= total or total == 0:
            return self.baseline + self.shares * (revenue - total)
        return self.baseline * (revenue / total)

    def allocate(self, game: TUGame, status_quo: np.ndarray) -> np.ndarray:
        game = _check_game(game, func="StockIncrementRule.allocate")
        if self.baseline.shape[0] != game.n_players:
            raise InvalidParameterError(f"StockIncrementRule.allocate(): baseline must have one entry per "
                                        f"player ({game.n_players}); got {self.baseline.shape[0]}")
        return self.split(game.grand_value)

    def parameters(self) -> dict[str, Any]:
        return {"baseline": self.baseline.tolist(), "shares": np.asarray(self.shares).tolist()}


# ---------------------------------------------------------------------------------------------- pooled fund
@dataclass(frozen=True)
class FundSection(ReadOnlyState):
    """A monitored river section: if it fails, its responsible party's allocation is redistributed.

    Parameters
    ----------
    name : str
    responsible : str
        Party whose allocation is deducted when the section fails.
    recipients : mapping of str to float
        Who receives the deduction, with weights summing to 1.
    """

    name: str
    responsible: str
    recipients: Mapping[str, float]

    def __post_init__(self) -> None:
        func = "FundSection"
        check_name(self.name, func=func, name="name")
        check_name(self.responsible, func=func, name="responsible")
        weights = check_weights(self.recipients, func=func, name="recipients", minimum=0.0)
        if not weights or not abs(sum(weights.values()) - 1.0) <= 1e-9:  # weights are fractions: absolute test
            raise InvalidParameterError(f"{func}(): recipient weights must be >= 0 and sum to 1; got {weights}")
        object.__setattr__(self, "recipients", MappingProxyType(weights))

    def __hash__(self) -> int:
        return hash((self.name, self.responsible, tuple(sorted(self.recipients.items()))))


@dataclass(frozen=True, eq=False)
class FundSettlement(Result):
    """One year's clearing of a pooled fund.

    Attributes
    ----------
    net : ndarray
        Net transfer per party (allocation received - contribution paid), sums to 0.
    players : tuple of str
    contributions, allocations, deductions, receipts : ndarray
        The components: ``net = allocations - deductions + receipts - contributions``.
    pass_rates : dict
        Pass rate (1 = passed, 0 = failed) used for each section.
    """

    net: FloatVector
    players: tuple[str, ...]
    contributions: FloatVector
    allocations: FloatVector
    deductions: FloatVector
    receipts: FloatVector
    pass_rates: dict[str, float] = field(default_factory=dict)

    _headline = ("net", "players")

    def summary(self) -> Summary:
        """Per-party contribution, allocation, deduction, receipt and net."""
        rows = tuple((p, c, a, -d, r, t)
                     for p, c, a, d, r, t in zip(self.players, self.contributions, self.allocations,
                                                 self.deductions, self.receipts, self.net))
        facts = tuple((f"section {k}", "passed" if v == 1 else ("failed" if v == 0 else f"{v:.0%} passed"))
                      for k, v in self.pass_rates.items())
        return Summary("Fund settlement", facts, ("party", "pays in", "allocated", "deducted", "received", "net"),
                       rows)


@dataclass(frozen=True, eq=False)
class PooledFundRule(_TransferRule):
    """A pooled compensation fund with contribution and allocation ratios and section clearing.

    Every party pays ``fund · c_i / Σc`` in and is allocated ``fund · a_i / Σa``.
    For each failed section (pass rate ``z < 1``) a share ``1 - z`` of the
    responsible party's allocation is deducted and paid to the section's
    recipients. Net transfer: allocation - deduction + receipts - contribution.

    Parameters
    ----------
    players : sequence of str
    contributions, allocations : array_like
        Ratios (any scale), e.g. ``(1, 5, 4)`` and ``(3, 4, 3)``.
    fund : float
        Size of the fund per year.
    sections : sequence of FundSection
    pass_rates : mapping of str to float, optional
        Section name -> share passed in [0, 1]; default every section passes.

    Examples
    --------
    The Chishui River fund with every section passing: Guizhou and Sichuan
    each end up paying 0.2 亿 to Yunnan, as they did in 2019 [S-R23].

    >>> PooledFundRule.chishui().settle().net.round(10).tolist()
    [0.4, -0.2, -0.2]
    """

    players: tuple[str, ...]
    contributions: np.ndarray
    allocations: np.ndarray
    fund: float
    sections: tuple[FundSection, ...] = ()
    pass_rates: Mapping[str, float] | None = None
    name: str = "pooled fund"

    def __post_init__(self) -> None:
        func = "PooledFundRule"
        players = check_labels(self.players, _length(self.players, func=func), func=func, what="party")
        n = len(players)
        c = _ratios(self.contributions, func=func, name="contributions", size=n)
        a = _ratios(self.allocations, func=func, name="allocations", size=n)
        fund = check_real(self.fund, func=func, name="fund", minimum=0.0)
        check_name(self.name, func=func, name="name")
        sections = self.sections
        if isinstance(sections, (str, bytes, FundSection)) or not hasattr(sections, "__iter__"):
            raise InvalidParameterError(f"{func}(): sections must be a sequence of FundSection; "
                                        f"got {type(sections).__name__}")
        sections = tuple(sections)
        bad = next((s for s in sections if not isinstance(s, FundSection)), None)
        if bad is not None:
            raise InvalidParameterError(f"{func}(): sections must be a sequence of FundSection; "
                                        f"got an entry {bad!r} ({type(bad).__name__})")
        names = [s.name for s in sections]
        if len(set(names)) != len(names):
            raise InvalidParameterError(f"{func}(): section names must be distinct; got {names}")
        for s in sections:
            if s.responsible not in players or any(r not in players for r in s.recipients):
                raise InvalidParameterError(f"{func}(): section {s.name!r} names a party that is not in {players}")
        rates = _pass_rates(self.pass_rates, names, func=func)
        object.__setattr__(self, "players", players)
        object.__setattr__(self, "contributions", c)
        object.__setattr__(self, "allocations", a)
        object.__setattr__(self, "fund", fund)
        object.__setattr__(self, "sections", sections)
        object.__setattr__(self, "pass_rates", MappingProxyType({s: rates.get(s, 1.0) for s in names}))

    @classmethod
    def chishui(cls, pass_rates: Mapping[str, float] | None = None) -> PooledFundRule:
        """The Chishui River horizontal compensation fund, 2018-2020 [S-R22, S-R23, S-R24].

        Yunnan, Guizhou and Sichuan pay 2 亿/yr in the ratio 1:5:4 and receive
        it in the ratio 3:4:3. If the 清水铺 section fails, Yunnan's allocation
        is deducted and goes to Guizhou and Sichuan half each; if 鲢鱼溪 fails,
        Guizhou's allocation goes to Sichuan. A third section above 茅台镇 is
        described only as "Guizhou and Sichuan each bear half of the
        deduction", with no amount or recipient in the sources found; it is
        not preset (add a :class:`FundSection` once the agreement text is known).
        """
        sections = (FundSection("清水铺 Qingshuipu", "Yunnan", {"Guizhou": 0.5, "Sichuan": 0.5}),
                    FundSection("鲢鱼溪 Lianyuxi", "Guizhou", {"Sichuan": 1.0}))
        rates = None
        if pass_rates is not None:  # accept the short names too
            full = {s.name.split()[0]: s.name for s in sections} | {s.name.split()[-1]: s.name for s in sections}
            rates = {full.get(k, k): v for k, v in pass_rates.items()}
        return cls(("Yunnan", "Guizhou", "Sichuan"), np.array([1.0, 5.0, 4.0]), np.array([3.0, 4.0, 3.0]),
                   fund=2.0, sections=sections, pass_rates=rates, name="Chishui fund")

    @property
    def label(self) -> str:
        return self.name

    def settle(self, pass_rates: Mapping[str, float] | None = None) -> FundSettlement:
        """Clear the fund for given pass rates (default: those of the rule)."""
        if pass_rates is not None:
            pass_rates = _pass_rates(pass_rates, [s.name for s in self.sections], func="PooledFundRule.settle")
        rule = self if pass_rates is None else PooledFundRule(
            self.players, self.contributions, self.allocations, self.fund, self.sections,
            {**dict(self.pass_rates or {}), **pass_rates}, self.name)
        rates = dict(rule.pass_rates or {})
        index = {p: i for i, p in enumerate(rule.players)}
        paid = rule.fund * rule.contributions / rule.contributions.sum()
        given = rule.fund * rule.allocations / rule.allocations.sum()
        deducted = np.zeros(len(rule.players))
        received = np.zeros(len(rule.players))
        for s in rule.sections:
            amount = (1.0 - rates[s.name]) * given[index[s.responsible]]
            deducted[index[s.responsible]] += amount
            for r, w in s.recipients.items():
                received[index[r]] += w * amount
        net = given - deducted + received - paid
        return FundSettlement(net, rule.players, paid, given, deducted, received, MappingProxyType(rates))

    def net_transfers(self) -> FloatVector:
        return self.settle().net

    def parameters(self) -> dict[str, Any]:
        return {"contributions": self.contributions.tolist(), "allocations": self.allocations.tolist(),
                "fund": self.fund, "pass_rates": dict(self.pass_rates or {})}


# ---------------------------------------------------------------------------------------------- tax-base pool
@dataclass(frozen=True, eq=False)
class TaxBasePoolRule(_TransferRule):
    """Metropolitan tax-base sharing (Minneapolis-St Paul Fiscal Disparities type).

    Each member puts ``p = 40%`` of the growth of its commercial-industrial
    tax base (since the base year) into a pool; the pool is shared in
    proportion to the index ``population_i · (average fiscal capacity /
    fiscal capacity_i)`` (Minn. Stat. 473F.07) [S-I01, S-I03]. Net position:
    ``D_i - p·G_i``, times ``tax_rate`` to express it as revenue.

    Because the shares are normalised, the average fiscal capacity cancels:
    ``D_i / Pool = (Pop_i / FC_i) / Σ_j (Pop_j / FC_j)``. The exponents
    ``population_exponent`` and ``capacity_exponent`` generalise the statute
    (both 1 reproduce it) [M, literature/MODELS.md BM8].

    Examples
    --------
    Two cities, equal populations; the richer one (capacity 2) grew by 10:

    >>> rule = TaxBasePoolRule(["rich", "poor"], growth=[10, 0], population=[1, 1], fiscal_capacity=[2, 1])
    >>> rule.net_transfers().round(6).tolist()
    [-2.666667, 2.666667]
    """

    players: tuple[str, ...]
    growth: np.ndarray
    population: np.ndarray
    fiscal_capacity: np.ndarray
    pool_share: float = 0.4
    tax_rate: float = 1.0
    population_exponent: float = 1.0
    capacity_exponent: float = 1.0

    def __post_init__(self) -> None:
        func = "TaxBasePoolRule"
        players = check_labels(self.players, _length(self.players, func=func), func=func, what="member")
        n = len(players)
        g = _vector(self.growth, func=func, name="growth", size=n, nonneg=False)
        pop = _vector(self.population, func=func, name="population", size=n)
        fc = _vector(self.fiscal_capacity, func=func, name="fiscal_capacity", size=n)
        if np.any(fc <= 0) or pop.sum() <= 0:
            raise InvalidParameterError(f"{func}(): fiscal_capacity must be > 0 and population not all 0")
        for name, lo, hi in (("pool_share", 0.0, 1.0), ("tax_rate", 0.0, None), ("population_exponent", None, None),
                             ("capacity_exponent", None, None)):
            object.__setattr__(self, name, check_real(getattr(self, name), func=func, name=name, minimum=lo,
                                                      maximum=hi))
        if self.population_exponent < 0 and np.any(pop == 0):
            raise InvalidParameterError(f"{func}(): population_exponent must be >= 0 when a population is 0 "
                                        f"(0 to a negative power); got {self.population_exponent!r}")
        object.__setattr__(self, "players", players)
        object.__setattr__(self, "growth", frozen(np.maximum(g, 0.0)))  # only growth is pooled
        object.__setattr__(self, "population", pop)
        object.__setattr__(self, "fiscal_capacity", fc)

    @property
    def label(self) -> str:
        return f"tax-base pool {self.pool_share:.0%}"

    def distribution_index(self) -> FloatVector:
        """``Pop_i^β · (FC_avg / FC_i)^γ``, FC_avg the areawide capacity per head ``Σ FC_j Pop_j / Σ Pop_j``.

        The average is the area's (value over population) [S-I01]; any common
        factor cancels in the shares, so only the index's scale depends on it.
        """
        pop, fc = self.population, self.fiscal_capacity
        fc_avg = float(np.sum(fc * (pop / pop.sum())))      # shares first: no overflow of Σ FC·Pop
        # in log space (0 ** β is 0 for β > 0, 1 for β = 0): large exponents overflow to a typed error, not inf
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            log_pop = np.where(pop > 0, self.population_exponent * np.log(np.where(pop > 0, pop, 1.0)),
                               -np.inf if self.population_exponent > 0 else 0.0)
            index = np.exp(log_pop + self.capacity_exponent * (np.log(fc_avg) - np.log(fc)))
        if not (np.all(np.isfinite(index)) and index.sum() > 0 and np.isfinite(index.sum())):
            raise InvalidParameterError(f"TaxBasePoolRule.distribution_index(): the index Pop^β (FC_avg/FC)^γ is "
                                        f"not finite and positive for population_exponent={self.population_exponent!r} "
                                        f"and capacity_exponent={self.capacity_exponent!r}; use smaller exponents")
        return index

    def pool(self) -> float:
        """Size of the pool: ``p · Σ G_i``."""
        return float(self.pool_share * self.growth.sum())

    def contributions(self) -> FloatVector:
        """What each member pays into the pool: ``p · G_i`` (tax base)."""
        return self.pool_share * self.growth

    def distribution(self) -> FloatVector:
        """What each member draws from the pool: ``Pool · I_i / Σ I`` (tax base)."""
        index = self.distribution_index()
        return self.pool() * index / index.sum()

    def net_transfers(self) -> FloatVector:
        """``tax_rate · (D_i − p · G_i)``: received minus paid in, as revenue; sums to 0."""
        return self.tax_rate * (self.distribution() - self.contributions())

    def parameters(self) -> dict[str, Any]:
        return {"pool_share": self.pool_share, "tax_rate": self.tax_rate, "growth": self.growth.tolist(),
                "population": self.population.tolist(), "fiscal_capacity": self.fiscal_capacity.tolist()}


# ---------------------------------------------------------------------------------------------- JJJ relocation
@dataclass(frozen=True, eq=False)
class RelocationSchedule(Result):
    """Year-by-year sharing of a relocated firm's taxes.

    Attributes
    ----------
    out_region_share : ndarray
        ``O_t``, paid to the region the firm left, per post-move year.
    in_region_share : ndarray
        ``τ_t - O_t``, kept by the receiving region.
    eligible : bool
        Pre-move average tax at or above the threshold.
    cap : float
        Out-region's cumulative cap: the firm's total tax in the 3 pre-move years.
    extended : bool
        The cap was not reached in the first years, so sharing ran on.
    cap_reached : bool
    central_subsidy : float
        One-time subsidy owed by the centre to the out-region when the cap was
        never reached (its amount is a parameter: the rule says "appropriate").
    present_value_out : float
        Discounted total of ``O_t``.
    parameters : dict
        The contract's terms.
    players : tuple of str
        ``(out_region, in_region)``.
    """

    out_region_share: FloatVector
    in_region_share: FloatVector
    eligible: bool
    cap: float
    extended: bool
    cap_reached: bool
    central_subsidy: float
    present_value_out: float
    parameters: dict[str, Any] = field(default_factory=dict)
    players: tuple[str, ...] = ()

    _headline = ("eligible", "cap", "extended", "cap_reached", "present_value_out", "players")

    def summary(self) -> Summary:
        """Per-year shares and the contract's flags."""
        rows = tuple((str(t + 1), o + i, o, i)
                     for t, (o, i) in enumerate(zip(self.out_region_share, self.in_region_share)))
        facts = (("eligible", str(self.eligible)), ("cap", self.cap),
                 ("extended", str(self.extended)), ("cap reached", str(self.cap_reached)),
                 ("central subsidy", self.central_subsidy),
                 ("present value to out-region", self.present_value_out))
        return Summary("Relocation tax sharing", facts, ("year", "tax", "out-region", "in-region"), rows)


@dataclass(frozen=True, eq=False)
class RelocationTaxRule(_TransferRule):
    """Beijing-Tianjin-Hebei relocation tax sharing (财预〔2015〕92号) [S-R01].

    For a government-led relocation whose firm paid on average at least
    ``threshold`` (0.2 亿元) a year of local-retained VAT, enterprise income
    tax and business tax in the 3 years before moving, those taxes are split
    ``share`` (50%) to the region the firm left for the first ``years`` (3)
    years after it reaches production. The out-region's cumulative take is
    capped at the firm's total tax of the 3 pre-move years; if the cap is not
    reached, sharing is extended by ``extension_years`` (2); after that the
    centre pays the out-region a one-time subsidy of unspecified size
    (``central_subsidy``, a parameter) [S-R01]. Critics note the single
    ratio and period for every kind of firm [S-R02].

    As a fund rule, the discounted total of ``O_t`` moves from ``in_region``
    to ``out_region``; the central subsidy comes from outside and is reported
    by :meth:`schedule` only.

    Parameters
    ----------
    out_region, in_region : str
        Player labels of the region the firm leaves and the one it moves to.
    pre_move_taxes : array_like, shape (3,)
        Taxes of the 3 years before the move (亿元 for the default threshold).
    post_move_taxes : array_like
        Taxes ``τ_1, τ_2, ...`` of the years after the firm reaches production.
    share, years, extension_years, threshold, central_subsidy, discount_rate
        The contract's terms; defaults are the 2015 rule's [S-R01] (the
        subsidy and discount rate are [M]).

    Examples
    --------
    A firm that paid 0.3 亿 a year before moving (cap 0.9) and 0.4 a year after:
    the out-region takes 0.2 a year, reaches 0.6 < 0.9 in 3 years, so sharing
    runs 2 more years and stops at the cap.

    >>> rule = RelocationTaxRule("Beijing", "Hebei", [0.3, 0.3, 0.3], [0.4] * 6)
    >>> s = rule.schedule()
    >>> s.out_region_share.round(6).tolist(), s.extended, s.cap_reached
    ([0.2, 0.2, 0.2, 0.2, 0.1, 0.0], True, True)
    """

    out_region: str
    in_region: str
    pre_move_taxes: np.ndarray
    post_move_taxes: np.ndarray
    share: float = 0.5
    years: int = 3
    extension_years: int = 2
    threshold: float = 0.2
    central_subsidy: float = 0.0
    discount_rate: float = 0.0

    def __post_init__(self) -> None:
        func = "RelocationTaxRule"
        check_name(self.out_region, func=func, name="out_region")
        check_name(self.in_region, func=func, name="in_region")
        pre = _vector(self.pre_move_taxes, func=func, name="pre_move_taxes", size=3)
        post = _vector(self.post_move_taxes, func=func, name="post_move_taxes")
        for name, lo in (("share", 0.0), ("threshold", 0.0), ("central_subsidy", 0.0)):
            object.__setattr__(self, name, check_real(getattr(self, name), func=func, name=name, minimum=lo,
                                                      maximum=1.0 if name == "share" else None))
        object.__setattr__(self, "discount_rate", check_real(self.discount_rate, func=func, name="discount_rate",
                                                             minimum=-1.0, strict_minimum=True))
        for name in ("years", "extension_years"):
            object.__setattr__(self, name, check_count(getattr(self, name), func=func, name=name))
        if self.out_region == self.in_region:
            raise InvalidParameterError(f"{func}(): out_region and in_region must differ; got {self.out_region!r}")
        object.__setattr__(self, "pre_move_taxes", pre)
        object.__setattr__(self, "post_move_taxes", post)

    @property
    def players(self) -> tuple[str, ...]:  # type: ignore[override]
        return (self.out_region, self.in_region)

    @property
    def label(self) -> str:
        return f"relocation tax {self.share:.0%} to {self.out_region}"

    def schedule(self) -> RelocationSchedule:
        """The year-by-year split of the post-move taxes.

        Vectorised: the out-region's receipts are the running sum of
        ``share · τ_t`` capped at the pre-move total, over the first ``years``
        years, or ``years + extension_years`` when the cap was not reached
        in the first ``years``; once the cap binds the increments are zero.
        """
        tau = self.post_move_taxes
        eligible = bool(self.pre_move_taxes.mean() >= self.threshold)
        cap = float(self.pre_move_taxes.sum())
        slack = 1e-12 * cap  # relative: the same verdict in 亿元 and in yuan
        out, extended = time_limited_receipts(self.pre_move_taxes, tau, self.share, self.years,
                                              self.extension_years, self.threshold)
        cap_reached = bool(eligible and out.sum() >= cap - slack)
        horizon_done = tau.shape[0] >= self.years + (self.extension_years if extended else 0)
        subsidy = self.central_subsidy if (eligible and not cap_reached and horizon_done) else 0.0
        return RelocationSchedule(out, tau - out, eligible, cap, extended, cap_reached,
                                  float(subsidy), present_value(out, self.discount_rate), self.parameters(), self.players)

    def net_transfers(self) -> FloatVector:
        pv = self.schedule().present_value_out
        return np.array([pv, -pv])

    def parameters(self) -> dict[str, Any]:
        return {"share": self.share, "years": self.years, "extension_years": self.extension_years,
                "threshold": self.threshold, "central_subsidy": self.central_subsidy,
                "discount_rate": self.discount_rate, "pre_move_taxes": self.pre_move_taxes.tolist(),
                "post_move_taxes": self.post_move_taxes.tolist()}

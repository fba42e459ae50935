"""Model kinds as plain data: which parameters each kind takes, their shapes and ranges.

The schema (:mod:`coopgame.models.schema`) validates a model file against this
table; the builders (:mod:`coopgame.models.builders`) turn a validated model
into game objects. Parsing a file therefore never imports a builder or a
solver. Adding a model kind means one entry here and one builder function
registered in :data:`coopgame.models.builders.BUILDERS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["KINDS", "KindSpec", "ParamSpec"]


# ---------------------------------------------------------------------------------------------------- specs
def _nonneg(v: np.ndarray) -> str:
    return "" if np.all(v >= 0) else "non-negative numbers"


def _positive(v: np.ndarray) -> str:
    return "" if np.all(v > 0) else "positive numbers"


def _unit(v: np.ndarray) -> str:
    return "" if np.all((v >= 0) & (v <= 1)) else "numbers in [0, 1]"


def _quota(v: np.ndarray) -> str:
    return "" if np.all((v > 0) & (v <= 1)) else "a share of the votes in (0, 1]"


def _at_least_one(v: np.ndarray) -> str:
    return "" if np.all(v >= 1) else "numbers >= 1 (a perception factor inflates perceived costs)"


def _zero_diag_nonneg(v: np.ndarray) -> str:
    if np.any(v < 0):
        return "non-negative numbers"
    diag = np.diagonal(v, axis1=-2, axis2=-1)
    return "" if np.all(diag == 0) else "a matrix with a zero diagonal (no self-effects)"


def _recipient_rows(v: np.ndarray) -> str:
    problem = _zero_diag_nonneg(v)
    if problem:
        return problem
    sums = v.sum(axis=-1)
    return "" if np.all(np.isclose(sums, 0.0) | np.isclose(sums, 1.0)) else "rows summing to 1 (or 0: no section)"


@dataclass(frozen=True)
class ParamSpec:
    """Shape and range of one parameter of a kind; shape tokens: ``"n"``, ``"2**n"`` or an int."""

    shape: tuple[Any, ...]
    what: str
    required: bool = True
    layered: bool = False
    check: Callable[[np.ndarray], str] | None = None

    def shape_for(self, n: int) -> tuple[int, ...]:
        return tuple(n if s == "n" else 2**n if s == "2**n" else int(s) for s in self.shape)


@dataclass(frozen=True)
class KindSpec:
    """A model kind: its parameters, fixed player count (if any), whether issue layers are allowed."""

    params: Mapping[str, ParamSpec]
    doc: str
    n_players: int | None = None
    layered: bool = False


# ---------------------------------------------------------------------------------------------------- registry
_N = ("n",)
_NN = ("n", "n")
_S: tuple[Any, ...] = ()

_NCITY_PARAMS: dict[str, ParamSpec] = {
    "cost": ParamSpec(_N, "cost of cooperating c_i", layered=True, check=_nonneg),
    "base": ParamSpec(_N, "base payoff b_i", required=False, layered=True),
    "reward": ParamSpec(_N, "central reward W_i", required=False, layered=True, check=_nonneg),
    "penalty": ParamSpec(_N, "central penalty F_i", required=False, layered=True, check=_nonneg),
    "spillover": ParamSpec(_NN, "spillover matrix e_ij", required=False, layered=True, check=_zero_diag_nonneg),
    "synergy": ParamSpec(_NN, "synergy matrix s_ij", required=False, layered=True, check=_zero_diag_nonneg),
    "siphon": ParamSpec(_NN, "siphon matrix f_ij", required=False, layered=True, check=_zero_diag_nonneg),
    "deadweight": ParamSpec(_S, "deadweight share δ", required=False, check=_unit),
    "perception": ParamSpec(_N, "perception factor β_i", required=False, layered=True, check=_at_least_one),
    "initial": ParamSpec(_N, "initial cooperation shares", required=False, layered=True, check=_unit),
}

KINDS: dict[str, KindSpec] = {
    "cost_game": KindSpec(
        {"costs": ParamSpec(("2**n",), "coalition costs C(S) in bitmask order", check=_nonneg),
         "flows": ParamSpec(_N, "a per-player weight (e.g. flow) for proportional splits", required=False)},
        "TU cost game from explicit coalition costs; savings game v(S) = Σ C({i}) − C(S)"),
    "airport": KindSpec(
        {"costs": ParamSpec(_N, "facility cost each player needs alone", check=_nonneg)},
        "airport game: C(S) = max_{i∈S} c_i (Littlechild–Owen)"),
    "two_city": KindSpec(
        {"cost": ParamSpec((2,), "cost of cooperating C_i", check=_positive),
         "synergy": ParamSpec(_S, "joint gain ΔR under (C, C)", check=_nonneg),
         "alpha": ParamSpec(_S, "city A's share α of ΔR", check=_unit),
         "free_ride_gain": ParamSpec((2,), "free-riding gain E_i", check=_nonneg),
         "lone_loss": ParamSpec((2,), "lone cooperator's loss L_i", check=_nonneg),
         "reward": ParamSpec((2,), "central reward W_i", check=_nonneg),
         "penalty": ParamSpec((2,), "central penalty F_i", check=_nonneg),
         "base": ParamSpec((2,), "base revenue R_i", required=False),
         "initial": ParamSpec((2,), "initial cooperation shares", required=False, check=_unit)},
        "BM1 two-city cooperation with central incentives", n_players=2),
    "water_bet": KindSpec(
        {name: ParamSpec(_S, what, check=_nonneg) for name, what in (
            ("protection_cost", "upstream protection and opportunity cost C_U"),
            ("cobenefit", "upstream's own benefit of protection b_U"),
            ("subsidy", "central subsidy S to the upstream"),
            ("stake_to_upstream", "downstream pays M if the standard is met"),
            ("stake_to_downstream", "upstream pays M' if it is missed"),
            ("downstream_benefit", "downstream's benefit B_D of clean inflow"),
            ("downstream_loss", "downstream's loss Ls_D if upstream neglects"),
            ("penalty_upstream", "central penalty F_U"),
            ("penalty_downstream", "central penalty F_D"))}
        | {"initial": ParamSpec((2,), "initial shares", required=False, check=_unit)},
        "BM2 upstream–downstream water-quality bet", n_players=2),
    "graded_contract": KindSpec(
        {"price_per_class": ParamSpec(_S, "transfer per water-quality class", check=_nonneg),
         "price_per_point": ParamSpec(_S, "transfer per percentage point of the pollutant index", check=_nonneg),
         "cap": ParamSpec(_S, "cap on the index part", check=_nonneg),
         "class_change": ParamSpec((2,), "classes better than base under (high, low) effort"),
         "index_change": ParamSpec((2,), "pollutant-index change (pp) under (high, low) effort"),
         "effort_cost": ParamSpec((2,), "upstream cost of (high, low) effort", check=_nonneg),
         "downstream_value_per_class": ParamSpec(_S, "downstream's value of one class of water quality",
                                                 check=_nonneg),
         "renewal_reward": ParamSpec(_S, "central reward to the downstream for keeping the contract", check=_nonneg)},
        "BM3 graded water-quality transfer in an effort/renewal game", n_players=2),
    "relocation": KindSpec(
        {"pre_move_tax": ParamSpec((3,), "the firm's shared taxes in the 3 years before moving", check=_nonneg),
         "post_move_tax": ParamSpec((5,), "its shared taxes in years 1–5 after production starts", check=_nonneg),
         "share": ParamSpec(_S, "out-region share of each year's tax", check=_unit),
         "threshold": ParamSpec(_S, "eligibility: minimum mean pre-move tax", check=_nonneg),
         "base_years": ParamSpec(_S, "sharing period", check=_positive),
         "extension_years": ParamSpec(_S, "extension if the cap is not reached", check=_nonneg),
         "discount_rate": ParamSpec(_S, "discount rate", check=_nonneg),
         "central_subsidy": ParamSpec(_S, "one-off central subsidy if the cap is never reached", check=_nonneg),
         "relief_benefit": ParamSpec(_S, "out-region's decongestion benefit of the move", check=_nonneg),
         "support_cost": ParamSpec(_S, "in-region's cost of supporting the move (land, services)", check=_nonneg),
         "poaching_cost": ParamSpec(_S, "in-region's cost of taking the firm outside the rule", check=_nonneg)},
        "BM5 relocation tax sharing: contract schedule and lead/support game", n_players=2),
    "fund": KindSpec(
        {"contributions": ParamSpec(_N, "what each member pays into the fund (or dues_rate x dues_base)",
                                    required=False, check=_nonneg),
         "dues_base": ParamSpec(_N, "what the dues are levied on (GDP, budget revenue or fixed ratios)",
                                required=False, check=_nonneg),
         "dues_rate": ParamSpec(_S, "dues per unit of dues_base (0.001 = 0.1 %)", required=False, check=_nonneg),
         "project_cost": ParamSpec(_NN, "yearly cost to the fund of the joint project of i and j "
                                   "([i, j] + [j, i]); makes the fund a mechanism", required=False,
                                   check=_zero_diag_nonneg),
         "withholding": ParamSpec(_S, "probability that the centre withholds an unpaid member's dues",
                                  required=False, check=_unit),
         "withholding_penalty": ParamSpec(_N, "penalty charged with withheld dues", required=False, check=_nonneg),
         "conference_quota": ParamSpec(_S, "share of the conference's votes that adopts the plan (1 = unanimity)",
                                       required=False, check=_quota),
         "years": ParamSpec(_S, "horizon of the fund in years", required=False, check=_positive),
         "discount_rate": ParamSpec(_S, "discount rate for present values", required=False, check=_nonneg),
         "allocations": ParamSpec(_N, "what the negotiated rule pays out to each", required=False, check=_nonneg),
         "own_benefit": ParamSpec(_N, "what a member gains from its own participation", required=False),
         "cost": ParamSpec(_N, "member's cost of taking part", check=_nonneg),
         "spillover": ParamSpec(_NN, "benefit to i when j takes part", required=False, check=_zero_diag_nonneg),
         "synergy": ParamSpec(_NN, "joint gain of i when i and j both take part", required=False,
                              check=_zero_diag_nonneg),
         "section_recipients": ParamSpec(_NN, "row i: who receives i's allocation when i's section fails",
                                         required=False, check=_recipient_rows),
         "section_pass": ParamSpec(_N, "pass rate of the section each party answers for (1 = passed)",
                                   required=False, check=_unit)},
        "cooperation fund: structured TU game of joint gains plus the negotiated pay-in/pay-out rule"),
    "enclave": KindSpec(
        {"land": ParamSpec(_N, "land brought to the zone", check=_nonneg),
         "capital": ParamSpec(_N, "capital brought", check=_nonneg),
         "management": ParamSpec(_N, "management / brand input", check=_nonneg),
         "elasticities": ParamSpec((3,), "Cobb–Douglas exponents of land, capital, management", check=_nonneg),
         "productivity": ParamSpec(_S, "scale factor of zone revenue", check=_positive),
         "baseline": ParamSpec(_N, "each party's existing (stock) revenue", check=_nonneg),
         "increment_share": ParamSpec(_N, "each party's share of the increment", check=_unit)},
        "BM6 co-built zone: Cobb–Douglas coalition revenue and the stock/increment split"),
    "tax_base_pool": KindSpec(
        {"growth": ParamSpec(_N, "growth of each member's tax base", check=_nonneg),
         "population": ParamSpec(_N, "population", check=_positive),
         "fiscal_capacity": ParamSpec(_N, "fiscal capacity per head", check=_positive),
         "pool_share": ParamSpec(_S, "share of growth pooled", check=_unit),
         "population_exponent": ParamSpec(_S, "exponent β on population", required=False),
         "capacity_exponent": ParamSpec(_S, "exponent γ on relative capacity", required=False)},
        "BM8 metropolitan tax-base pool (Minneapolis–St Paul type)"),
    "tripartite": KindSpec(
        {"supervision_cost": ParamSpec(_S, "centre's cost of supervising C_g", check=_nonneg),
         "supervision_benefit": ParamSpec(_S, "centre's gain from supervising whatever the cities do G",
                                          required=False, check=_nonneg),
         "reward": ParamSpec((2,), "reward R_i to a cooperating city under supervision", check=_nonneg),
         "penalty": ParamSpec((2,), "penalty P_i on a defecting city under supervision", check=_nonneg),
         "social_benefit": ParamSpec((2,), "centre's benefit B_i when city i cooperates", check=_nonneg),
         "reputation_loss": ParamSpec((2,), "centre's loss L_i when city i defects unsupervised", check=_nonneg),
         "cost": ParamSpec((2,), "city's cost of cooperating c_i", check=_nonneg),
         "base": ParamSpec((2,), "city's base payoff b_i", required=False),
         "spillover": ParamSpec((2, 2), "spillover e_ij", required=False, check=_zero_diag_nonneg),
         "synergy": ParamSpec((2, 2), "synergy s_ij", required=False, check=_zero_diag_nonneg),
         "siphon": ParamSpec((2, 2), "siphon f_ij", required=False, check=_zero_diag_nonneg),
         "deadweight": ParamSpec(_S, "deadweight share δ", required=False, check=_unit),
         "perception": ParamSpec((2,), "city's perception factor β_i", required=False, check=_at_least_one),
         "initial": ParamSpec((3,), "initial (supervision, cooperation, cooperation) shares", required=False,
                              check=_unit)},
        "tripartite evolutionary game: the centre supervises two local governments", n_players=3),
    "ncity": KindSpec(_NCITY_PARAMS, "n-city cooperation game (DESIGN §2.1), optional issue layers",
                      layered=True),
    "ncity_dense": KindSpec(
        {**_NCITY_PARAMS,
         "demand": ParamSpec(_N, "each city's demand on a shared facility", check=_nonneg),
         "infra_scale": ParamSpec(_S, "facility cost scale K", check=_nonneg),
         "infra_exponent": ParamSpec(_S, "scale-economy exponent θ", check=_positive)},
        "n-city game plus a shared facility with scale economies: dense TU game"),
}

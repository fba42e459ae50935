"""Named parameter sets of the evolutionary models, read from the built-in model files.

The presets are scenarios of ``models/two_city_coop.toml`` (MODELS.md BM1)
and ``models/xinanjiang_bet.toml`` (BM2, one scenario per round of the Xin'an
River bet): the numbers, and the source of each, live in those files only.
These functions give them the short names of the literature's notation
(``dR, alpha, C_A, ...`` and ``b_U, C_U, S, M, M_prime, ...``), accept
overrides by those names, and build the game through the model's builder.

Each source tag starts with ``[S-...]`` (the literature keys of the seed
fact, see ``seeds/``), ``[D]`` (derived from sourced numbers by a rule of the
model file) or ``[M]`` (a modeling choice, with the model file's reason).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from coopgame._validation import check_real
from coopgame.errors import InvalidParameterError
from coopgame.models.catalog import load_model
from coopgame.models.schema import ModelSpec, ProvenanceItem
from coopgame.models.seeds import seed_store
from coopgame.results import Result, Summary

__all__ = ["BM1_CASES", "XINAN_ROUNDS", "EvolutionaryPreset", "bm1_preset", "xinan_preset"]


@dataclass(frozen=True, eq=False)
class EvolutionaryPreset(Result):
    """A named parameter set of a built-in evolutionary model, with the source of every number.

    Attributes
    ----------
    values : dict
        Parameter name (literature notation) -> value.
    name : str
    method : str
        The model kind whose builder makes the game (``"two_city"`` or ``"water_bet"``).
    sources : dict
        Parameter name -> provenance tag (``[S-R14] ...``, ``[D] ...``, ``[M] ...``).
    notes : tuple of str
    spec : ModelSpec
        The model scenario the values were read from (with any overrides applied).
    game : PairwiseGame
        The numeric 2×2 game, built from ``spec`` by the model's builder
        (action 0 = cooperate / protect / honour).
    """

    values: dict[str, float]
    name: str
    method: str
    sources: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    spec: ModelSpec | None = field(default=None, repr=False)
    game: Any = field(default=None, repr=False, kw_only=True)

    @property
    def parameters(self) -> dict[str, float]:
        """Same as ``values`` (the result-family field name)."""
        return self.values

    def summary(self) -> Summary:
        """Each parameter with its value and source."""
        rows = tuple((k, v, self.sources.get(k, "")) for k, v in self.values.items())
        facts = (("model", self.spec.slug + (f" (scenario {self.spec.active_scenario})"
                                             if self.spec.active_scenario else "")), ("kind", self.method))
        return Summary(title=f"Preset: {self.name}", facts=facts, columns=("parameter", "value", "source"),
                       rows=rows, notes=self.notes)


def _tag(item: ProvenanceItem) -> str:
    """A provenance item as a short tag: [S-keys] fact, [D] rule, [M] reason."""
    if item.label == "source":
        _, fact = seed_store().fact_value(item.reference)
        return f"[{', '.join(fact.sources)}] {item.reference}"
    if item.label == "data":
        return f"[S] {item.reference}"
    if item.label == "derived":
        return f"[D] {item.reference}"
    based = f" (based on {item.reference})" if item.reference else ""
    return f"[M] {item.detail}{based}"


def _read(spec: ModelSpec, names: dict[str, tuple[str, int | None]]) -> tuple[dict[str, float], dict[str, str]]:
    """Values and tags of the literature names, each mapped to (model parameter, element or None)."""
    items = {(it.parameter, it.index): it for it in spec.provenance().items}
    values, sources = {}, {}
    for short, (param, i) in names.items():
        value = spec[param]
        values[short] = float(value if i is None else value[i])
        item = items.get((param, "" if i is None else f"[{i}]"), items.get((param, "")))
        if item is None:  # element-wise provenance listed under another index form
            item = next(it for (p, _), it in items.items() if p == param)
        sources[short] = _tag(item)
    return values, sources


def _override(spec: ModelSpec, names: dict[str, tuple[str, int | None]], overrides: dict[str, Any],
              func: str) -> tuple[ModelSpec, set[str]]:
    changes: dict[str, np.ndarray] = {}
    for key, value in overrides.items():
        if key not in names:
            raise InvalidParameterError(f"{func}(): unknown parameter {key!r}; valid names are {sorted(names)}")
        number = check_real(value, func=func, name=key)  # refuses strings, bools, complex, NaN and inf
        param, i = names[key]
        arr = np.array(changes.get(param, spec[param]), dtype=np.float64)
        if i is None:
            arr = np.asarray(number)
        else:
            arr[i] = number
        changes[param] = arr
    for param, arr in changes.items():  # the kind's range, in an error naming the caller (not the model file)
        try:
            spec.check_values(param, arr[None], func=func)
        except InvalidParameterError as err:
            keys = ", ".join(k for k in overrides if names[k][0] == param)
            raise InvalidParameterError(f"{func}(): {keys}: {str(err).removeprefix(f'{func}(): ')}") from None
    return (spec.with_values(**changes) if changes else spec), set(overrides)


def _preset(spec: ModelSpec, names: dict[str, tuple[str, int | None]], overrides: dict[str, Any], *, func: str,
            name: str, notes: tuple[str, ...]) -> EvolutionaryPreset:
    _, sources = _read(spec, names)  # provenance as the model file states it
    spec, changed = _override(spec, names, overrides, func)
    values, _ = _read(spec, names)
    for key in changed:
        sources[key] = "[M] user override"
    return EvolutionaryPreset(values=values, name=name, method=spec.kind, sources=sources, notes=notes, spec=spec,
                              game=spec.build().pairwise)


# ---------------------------------------------------------------------------------------------- BM1
_BM1_NAMES: dict[str, tuple[str, int | None]] = {
    "dR": ("synergy", None), "alpha": ("alpha", None),
    "C_A": ("cost", 0), "C_B": ("cost", 1), "E_A": ("free_ride_gain", 0), "E_B": ("free_ride_gain", 1),
    "L_A": ("lone_loss", 0), "L_B": ("lone_loss", 1), "W_A": ("reward", 0), "W_B": ("reward", 1),
    "F_A": ("penalty", 0), "F_B": ("penalty", 1),
}

BM1_CASES: dict[str, str] = {"worked": "no_central_incentives", "asymmetric": "asymmetric"}
"""Case name of :func:`bm1_preset` -> scenario of ``models/two_city_coop.toml``."""


def bm1_preset(case: str = "worked", **overrides: float) -> EvolutionaryPreset:
    """The two-city game with central incentives (MODELS.md BM1): a scenario of ``two_city_coop``.

    Parameters
    ----------
    case : {"worked", "asymmetric"}
        ``"worked"`` (scenario ``no_central_incentives``): ΔR = 6, α = 0.5,
        C = 4, E = 2, L = 1 for both cities, W = F = 0 (override
        ``W_A``/``W_B``/``F_A``/``F_B`` to reproduce the four rows of the
        worked check). ``"asymmetric"`` (scenario ``asymmetric``): α = 0.7,
        C = (3, 3), E = (1, 2.5), L = (0.5, 1.5), W = (0, 1), F = (1, 1).
    **overrides : float
        Any of ``dR, alpha, C_A, C_B, E_A, E_B, L_A, L_B, W_A, W_B, F_A, F_B``;
        overridden values are tagged ``[M] user override``.

    Examples
    --------
    >>> p = bm1_preset("worked", W_A=2, W_B=2, F_A=1.5, F_B=1.5)
    >>> p.game.row_payoffs.tolist()
    [[1.0, -3.0], [0.5, -1.5]]
    """
    if not isinstance(case, str) or case not in BM1_CASES:
        raise InvalidParameterError(f"bm1_preset(): case must be one of {sorted(BM1_CASES)}; got {case!r}")
    spec = load_model("two_city_coop").scenario(BM1_CASES[case])
    return _preset(spec, _BM1_NAMES, overrides, func="bm1_preset", name=f"BM1 two-city ({case})",
                   notes=("Money in 亿元/yr (normalised). Base revenues R_i cancel in the dynamics.",))


# ---------------------------------------------------------------------------------------------- BM2
_XINAN_NAMES: dict[str, tuple[str, int | None]] = {
    "b_U": ("cobenefit", None), "C_U": ("protection_cost", None), "S": ("subsidy", None),
    "M": ("stake_to_upstream", None), "M_prime": ("stake_to_downstream", None),
    "F_U": ("penalty_upstream", None), "F_D": ("penalty_downstream", None),
    "B_D": ("downstream_benefit", None), "Ls_D": ("downstream_loss", None),
}

XINAN_ROUNDS: dict[int, dict[str, Any]] = {
    1: {"years": "2012-2014", "scenarios": ("",)},
    2: {"years": "2015-2017", "scenarios": ("round2_2015", "round2_2016", "round2_2017")},
    3: {"years": "2018-2020 (extended to 2022)", "scenarios": ("round3",)},
}
"""Round of the Xin'an bet -> its years and its scenario(s) of ``models/xinanjiang_bet.toml`` (one per year
in round 2; ``""`` is the model's default, round 1)."""


def xinan_preset(round: int = 1, year: int = 1, **overrides: float) -> EvolutionaryPreset:
    """The Xin'an River upstream-downstream bet in one of its three funded rounds: a scenario of ``xinanjiang_bet``.

    Parameters
    ----------
    round : {1, 2, 3}
        Round 1 (2012-14): central subsidy S = 3, stake M = M' = 1. Round 2
        (2015-17): S = 4, 3, 2 by year, M = M' = 2. Round 3 (2018-): S = 0,
        M = M' = 2.
    year : int, default 1
        Year within round 2 (1, 2 or 3); ignored in rounds 1 and 3.
    **overrides : float
        Any of ``b_U, C_U, S, M, M_prime, F_U, F_D, B_D, Ls_D``; tagged
        ``[M] user override``.

    Notes
    -----
    ``C_U = 21`` 亿/yr is Huangshan's investment of 126 亿 over rounds 1-2
    spread over their six years [D from S-R47]. Its own co-benefit
    ``b_U = 16.5`` is a modeling choice: it puts the net protection cost
    ``C_U - b_U = 4.5`` between the round-3 stakes (M + M' = 4) and the
    round-1 transfers (S + M + M' = 5), so the model's upstream protects
    while the centre pays and stops when it exits; the conclusion flips at
    ``C_U - b_U - F_U = M + M'``. No source gives central penalties, so
    ``F_U = F_D = 0``: with no penalty on the downstream (``F_D < M``) the
    rounds with a subsidy cycle. ``B_D = 22`` is the lower end of the 2015
    compensation standard [S-R21]; ``Ls_D = 0`` because ``B_D`` already
    values clean against polluted inflow. Neither enters the dynamics. The
    numbers, with these reasons, are those of ``models/xinanjiang_bet.toml``.

    Examples
    --------
    >>> p = xinan_preset(1)
    >>> p.game.row_payoffs.tolist()
    [[-0.5, -4.5], [-1.0, 0.0]]
    >>> p.sources["S"]
    '[S-R13, S-R14] xinan.central_subsidy_round1'
    """
    if isinstance(round, bool) or not isinstance(round, (int, np.integer)) or round not in XINAN_ROUNDS:
        raise InvalidParameterError(f"xinan_preset(): round must be 1, 2 or 3; got {round!r}")
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)) or (round == 2 and year not in (1, 2, 3)):
        raise InvalidParameterError(f"xinan_preset(): year must be an integer, 1, 2 or 3 in round 2; got {year!r}")
    info = XINAN_ROUNDS[round]
    scenario = info["scenarios"][year - 1 if round == 2 else 0]
    spec = load_model("xinanjiang_bet")
    spec = spec.scenario(scenario) if scenario else spec
    label = f"round {round} ({info['years']})" + (f", year {year}" if round == 2 else "")
    return _preset(spec, _XINAN_NAMES, overrides, func="xinan_preset", name=f"Xin'an River bet, {label}",
                   notes=("Money in 亿元/yr. B_D and Ls_D do not enter the dynamics.",))

"""Real-case presets for the evolutionary models: the BM1 two-city game and the Xin'an River bet (BM2).

Every number carries its provenance: a literature key ``[S-...]`` (see the
project's ``literature/SOURCES.md`` and ``seeds/``), ``[D]`` for a value
derived from sourced ones, or ``[M]`` for a modeling choice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from coopgame.errors import InvalidParameterError
from coopgame.games.pairwise import PairwiseGame
from coopgame.results import Result, Summary, format_number

__all__ = ["XINAN_ROUNDS", "EvolutionaryPreset", "bm1_preset", "xinan_payoffs", "xinan_preset"]


@dataclass(frozen=True, eq=False)
class EvolutionaryPreset(Result):
    """A named parameter set with the source of every number.

    Attributes
    ----------
    values : dict
        Parameter name -> value.
    name : str
    method : str
        Which payoff construction the values feed (``"two_city"`` or ``"xinan_bet"``).
    sources : dict
        Parameter name -> provenance tag (``[S-R14]``, ``[D] ...``, ``[M] ...``).
    notes : tuple of str
    """

    values: dict[str, float]
    name: str
    method: str
    sources: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def parameters(self) -> dict[str, float]:
        """Same as ``values`` (the result-family field name)."""
        return self.values

    def game(self) -> PairwiseGame:
        """The numeric 2×2 game (action 0 = cooperate / protect / join)."""
        if self.method == "two_city":
            v = self.values
            return PairwiseGame.from_two_city(
                cost=(v["C_A"], v["C_B"]), synergy=v["dR"], alpha=v["alpha"],
                free_ride_gain=(v["E_A"], v["E_B"]), lone_loss=(v["L_A"], v["L_B"]),
                reward=(v["W_A"], v["W_B"]), penalty=(v["F_A"], v["F_B"]))
        A, B = xinan_payoffs(**self.values)
        return PairwiseGame(A, B, players=("Anhui (upstream)", "Zhejiang (downstream)"),
                            actions=(("P", "N"), ("A", "R")))

    def summary(self) -> Summary:
        """Each parameter with its value and source."""
        rows = tuple((k, format_number(v), self.sources.get(k, "")) for k, v in self.values.items())
        return Summary(title=f"Preset: {self.name}", facts=(("model", self.method),),
                       columns=("parameter", "value", "source"), rows=rows, notes=self.notes)


_BM1_CASES: dict[str, tuple[dict[str, float], str]] = {
    # literature/01 §1.5 "illustrative normalised parameter set" and MODELS.md BM1 worked check
    "worked": ({"dR": 6.0, "alpha": 0.5, "C_A": 4.0, "C_B": 4.0, "E_A": 2.0, "E_B": 2.0, "L_A": 1.0, "L_B": 1.0,
                "W_A": 0.0, "W_B": 0.0, "F_A": 0.0, "F_B": 0.0},
               "[M] illustrative normalised set (literature 01 §1.5; MODELS.md BM1 worked check)"),
    # literature/01 §1.5 asymmetric core-periphery example
    "asymmetric": ({"dR": 6.0, "alpha": 0.7, "C_A": 3.0, "C_B": 3.0, "E_A": 1.0, "E_B": 2.5, "L_A": 0.5,
                    "L_B": 1.5, "W_A": 0.0, "W_B": 1.0, "F_A": 1.0, "F_B": 1.0},
                   "[M] core A / periphery B more exposed to siphoning (literature 01 §1.5)"),
}


def bm1_preset(case: str = "worked", **overrides: float) -> EvolutionaryPreset:
    """The two-city game with central incentives (MODELS.md BM1) with named parameter sets.

    Parameters
    ----------
    case : {"worked", "asymmetric"}
        ``"worked"``: ΔR = 6, α = 0.5, C = 4, E = 2, L = 1 for both cities,
        W = F = 0 (override ``W_A``/``W_B``/``F_A``/``F_B`` to reproduce the
        four rows of the worked check). ``"asymmetric"``: α = 0.7,
        C = (3, 3), E = (1, 2.5), L = (0.5, 1.5), W = (0, 1), F = (1, 1).
    **overrides : float
        Any of ``dR, alpha, C_A, C_B, E_A, E_B, L_A, L_B, W_A, W_B, F_A, F_B``;
        overridden values are tagged ``[M] user``.

    Examples
    --------
    >>> p = bm1_preset("worked", W_A=2, W_B=2, F_A=1.5, F_B=1.5)
    >>> p.game().row_payoffs.tolist()
    [[1.0, -3.0], [0.5, -1.5]]
    """
    if case not in _BM1_CASES:
        raise InvalidParameterError(f"bm1_preset(): case must be one of {sorted(_BM1_CASES)}; got {case!r}")
    base, tag = _BM1_CASES[case]
    values = dict(base)
    sources = {k: tag for k in values}
    sources["alpha"] = tag + "; a 50:50 split is the JJJ relocation rule [S-R01]" if values["alpha"] == 0.5 else tag
    _apply(values, sources, overrides, "bm1_preset")
    return EvolutionaryPreset(values=values, name=f"BM1 two-city ({case})", method="two_city", sources=sources,
                              notes=("Money in 亿元/yr (normalised). Base revenues R_i cancel in the dynamics.",))


XINAN_ROUNDS: dict[int, dict[str, Any]] = {
    1: {"years": "2012-2014", "S": (3.0,), "M": 1.0,
        "S_source": "[S-R13, S-R14] central 3 亿/yr to Anhui",
        "M_source": "[S-R14] Zhejiang pays Anhui 1 亿 if the border section meets the standard, else Anhui pays 1 亿"},
    2: {"years": "2015-2017", "S": (4.0, 3.0, 2.0), "M": 2.0,
        "S_source": "[S-R15] central 4, 3, 2 亿 over the three years (S-R16 reports 3 unchanged: uncertain)",
        "M_source": "[M] each province's 2 亿/yr contribution [S-R15] read as its stake"},
    3: {"years": "2018-2020 (extended to 2022)", "S": (0.0,), "M": 2.0,
        "S_source": "[S-R15] central funding withdrawn",
        "M_source": "[M] each province's 2 亿/yr contribution [S-R15, S-R47] read as its stake"},
}


def xinan_payoffs(*, b_U: float, C_U: float, S: float, M: float, M_prime: float, F_U: float, F_D: float,
                  B_D: float, Ls_D: float) -> tuple[np.ndarray, np.ndarray]:
    """Payoff matrices of the water-quality bet (MODELS.md BM2, deterministic version).

    Rows: upstream U protects (P) or not (N); columns: downstream D joins and
    honours the agreement (A) or refuses (R).
    """
    A = np.array([[b_U - C_U + M + S, b_U - C_U], [-F_U - M_prime, -F_U]])
    B = np.array([[B_D - M, B_D - F_D], [-Ls_D + M_prime, -Ls_D]])
    return A, B


def xinan_preset(round: int = 1, year: int = 1, **overrides: float) -> EvolutionaryPreset:
    """The Xin'an River upstream-downstream bet in one of its three funded rounds.

    Parameters
    ----------
    round : {1, 2, 3}
        Round 1 (2012-14): central subsidy S = 3, stake M = M' = 1. Round 2
        (2015-17): S = 4, 3, 2 by year, M = M' = 2. Round 3 (2018-): S = 0,
        M = M' = 2.
    year : int, default 1
        Year within round 2 (1, 2 or 3); ignored in rounds 1 and 3.
    **overrides : float
        Any of ``b_U, C_U, S, M, M_prime, F_U, F_D, B_D, Ls_D``.

    Notes
    -----
    ``C_U = 21`` 亿/yr is Huangshan's investment of 126 亿 over rounds 1-2 spread
    over six years [S-R47]. Its own co-benefit ``b_U = 16.5`` is a modeling
    choice: it puts the net protection cost ``C_U - b_U = 4.5`` between the
    round-3 stakes (M + M' = 4) and the round-1 transfers (S + M + M' = 5),
    so the model's upstream protects while the centre pays and stops when it
    exits; the conclusion flips at ``C_U - b_U = M + M'``. No source gives
    central penalties, so ``F_U = F_D = 0``: with no penalty on the downstream
    (``F_D < M``) the rounds with a subsidy cycle.

    Examples
    --------
    >>> p = xinan_preset(1)
    >>> p.game().row_payoffs.tolist()
    [[-0.5, -4.5], [-1.0, 0.0]]
    """
    if round not in XINAN_ROUNDS:
        raise InvalidParameterError(f"xinan_preset(): round must be 1, 2 or 3; got {round!r}")
    info = XINAN_ROUNDS[round]
    subsidies = info["S"]
    if round == 2 and year not in (1, 2, 3):
        raise InvalidParameterError(f"xinan_preset(): year must be 1, 2 or 3 in round 2; got {year!r}")
    S = subsidies[year - 1] if round == 2 else subsidies[0]
    values = {"b_U": 16.5, "C_U": 21.0, "S": S, "M": info["M"], "M_prime": info["M"], "F_U": 0.0, "F_D": 0.0,
              "B_D": 22.0, "Ls_D": 3.0}
    sources = {
        "b_U": "[M] upstream co-benefit (tourism, green industry); sets C_U - b_U = 4.5",
        "C_U": "[D] 126 亿 invested by Huangshan over rounds 1-2 / 6 years [S-R47]",
        "S": info["S_source"],
        "M": info["M_source"],
        "M_prime": info["M_source"],
        "F_U": "[M] no central penalty figure in the sources",
        "F_D": "[M] no central penalty figure in the sources",
        "B_D": "[S-R21] lower end of the 2015 compensation standard (22.00-77.98 亿)",
        "Ls_D": "[M] literature 01 §1.4 V1 illustrative value",
    }
    _apply(values, sources, overrides, "xinan_preset")
    label = f"round {round} ({info['years']})" + (f", year {year}" if round == 2 else "")
    return EvolutionaryPreset(values=values, name=f"Xin'an River bet, {label}", method="xinan_bet",
                              sources=sources,
                              notes=("Money in 亿元/yr. B_D and Ls_D do not enter the dynamics.",))


def _apply(values: dict[str, float], sources: dict[str, str], overrides: dict[str, float], func: str) -> None:
    for key, value in overrides.items():
        if key not in values:
            raise InvalidParameterError(f"{func}(): unknown parameter {key!r}; valid names are {sorted(values)}")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise InvalidParameterError(f"{func}(): {key} must be a number; got {value!r}") from None
        if not np.isfinite(number):
            raise InvalidParameterError(f"{func}(): {key} must be finite; got {value!r}")
        values[key] = number
        sources[key] = "[M] user override"

"""Bankruptcy rules: dividing an estate among claims that exceed it.

A bankruptcy problem is an estate ``E >= 0`` and claims ``c_i >= 0`` with
``E <= sum(c)`` (O'Neill 1982). A rule gives each claimant an award
``0 <= x_i <= c_i`` with ``sum(x) = E``; the loss is ``c_i - x_i``.

* **proportional**: ``x_i = c_i E / sum(c)``;
* **constrained equal awards** (CEA): ``x_i = min(c_i, λ)``, equal awards
  capped by the claims;
* **constrained equal losses** (CEL): ``x_i = max(0, c_i - μ)``, equal
  losses capped by the claims;
* **Talmud** (Aumann & Maschler 1985): when ``E <= sum(c)/2``, CEA on the
  half-claims; otherwise each gets half its claim and the rest,
  ``E - sum(c)/2``, is divided by CEL on the half-claims. It is the
  nucleolus of the bankruptcy game :meth:`TUGame.bankruptcy
  <coopgame.games.tu.TUGame.bankruptcy>`, and the only rule consistent with
  the contested-garment division of every pair.

The levels ``λ`` and ``μ`` are solved exactly from the sorted claims (one
sort, prefix sums and a count: ``O(n log n)``, no iteration), so a problem of
``10**5`` claimants takes milliseconds. Every rule is homogeneous: the
problem is divided by a power of two near its largest claim (exact) and the
awards multiplied back, so scaling every number scales the awards.

:class:`BankruptcyRule` is the :class:`~coopgame.policy.rules.SharingRule`
form: it divides the worth ``v(N)`` of the game it is given among fixed
claims.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from coopgame._typing import FloatVector
from coopgame._validation import check_players, check_real, frozen, label_sequence
from coopgame.errors import InvalidParameterError
from coopgame.games.tu import TUGame, bankruptcy_claims
from coopgame.policy.rules import SharingRule, _check_game
from coopgame.results import AllocationResult, Summary
from coopgame.tolerances import DEFAULT_TOL, power_of_two_below

__all__ = [
    "BANKRUPTCY_RULES",
    "BankruptcyResult",
    "BankruptcyRule",
    "bankruptcy_awards",
    "constrained_equal_awards",
    "constrained_equal_losses",
    "proportional_division",
    "talmud_rule",
]

BANKRUPTCY_RULES: tuple[str, ...] = ("cea", "cel", "proportional", "talmud")
"""Names of the bankruptcy rules (``rule=`` of :func:`bankruptcy_awards` and :class:`BankruptcyRule`)."""

_CONCEPT = {"proportional": "proportional", "cea": "constrained equal awards",
            "cel": "constrained equal losses", "talmud": "talmud"}
_LEVEL = {"proportional": "award per unit claimed", "cea": "lambda (equal award)", "cel": "mu (equal loss)",
          "talmud": "level on half-claims (lambda of CEA or mu of CEL)"}


@dataclass(frozen=True, eq=False)
class BankruptcyResult(AllocationResult):
    """Awards of a bankruptcy rule: an :class:`~coopgame.results.AllocationResult` with the claims.

    Attributes
    ----------
    allocation : ndarray, shape (n,)
        The awards (also :attr:`awards`); ``0 <= x_i <= c_i``, adding up to the estate.
    players, concept, method, parameters, efficiency_gap
        As in :class:`~coopgame.results.AllocationResult`; ``concept`` is the
        rule's name (``"talmud"``, ``"constrained equal awards"`` ...) and
        ``efficiency_gap`` is ``sum(awards) - estate`` (rounding only).
    claims : ndarray, shape (n,)
    estate : float
    rule : str
        One of :data:`BANKRUPTCY_RULES`.
    level : float
        The rule's parameter: ``λ`` of CEA, ``μ`` of CEL, ``E / sum(c)`` of
        the proportional rule, and for the Talmud rule the ``λ`` or ``μ`` of
        the half-claims problem (which one: ``E <= sum(c)/2`` or not).
    """

    claims: FloatVector | None = None
    estate: float = 0.0
    rule: str = ""
    level: float = math.nan

    _headline = ("rule", "estate", "allocation", "players", "level")

    @property
    def awards(self) -> FloatVector:
        """What each claimant receives (the ``allocation``)."""
        return self.allocation

    @property
    def losses(self) -> FloatVector:
        """``claims - awards``: what each claimant does not get."""
        return frozen(np.asarray(self.claims) - self.allocation)

    def summary(self) -> Summary:
        """Each claimant's claim, award, loss and the share of the claim paid."""
        losses = self.losses
        rows = tuple((p, c, x, d,
                      f"{x / c:.1%}" if c > 0 else "n/a")
                     for p, c, x, d in zip(self.players, self.claims, self.allocation, losses))
        total = float(np.sum(self.claims))
        facts = (("rule", self.concept), ("estate", self.estate),
                 ("total claim", total), ("players", str(len(self.players))),
                 (_LEVEL.get(self.rule, "level"), self.level),
                 ("efficiency gap", f"{self.efficiency_gap:.1e}"))
        return Summary(f"{self.concept.capitalize()} division of a bankruptcy estate", facts=facts,
                       columns=("player", "claim", "award", "loss", "paid"), rows=rows)

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["losses"] = self.losses.tolist()
        out["by_player"] = {p: {"claim": float(c), "award": float(x), "loss": float(c - x)}
                            for p, c, x in zip(self.players, self.claims, self.allocation)}
        return out


# ---------------------------------------------------------------------------------------------- public rules
def bankruptcy_awards(estate: float, claims: ArrayLike, *, rule: str = "talmud",
                      players: Any = None) -> BankruptcyResult:
    """Divide ``estate`` among ``claims`` by a bankruptcy rule.

    Parameters
    ----------
    estate : real
        ``0 <= estate <= sum(claims)``; an estate above the total claim
        (beyond a relative ``1e-9`` for rounding) is not a bankruptcy
        problem and is refused.
    claims : array_like, shape (n,)
        Finite, non-negative claims, any ``n >= 1``.
    rule : {'talmud', 'proportional', 'cea', 'cel'}, default 'talmud'
        See the module docstring.
    players : sequence of str, optional
        Labels; default ``('1', ..., 'n')``.

    Returns
    -------
    BankruptcyResult

    Raises
    ------
    InvalidParameterError
        Claims not a non-empty 1-D array of finite reals >= 0, estate not a
        finite real in ``[0, sum(claims)]``, or an unknown ``rule``.
    InvalidGameError
        Bad player labels.

    Examples
    --------
    The Babylonian Talmud's estates of 100, 200 and 300 among claims of
    100, 200 and 300 (Aumann & Maschler 1985):

    >>> [bankruptcy_awards(e, [100, 200, 300]).awards.round(2).tolist() for e in (100, 200, 300)]
    [[33.33, 33.33, 33.33], [50.0, 75.0, 75.0], [50.0, 100.0, 150.0]]
    >>> bankruptcy_awards(200, [100, 200, 300], rule="cel").awards.tolist()
    [0.0, 50.0, 150.0]
    """
    func = "bankruptcy_awards"
    rule = _check_rule(rule, func=func)
    return _result(estate, claims, rule, players, func=func)


def proportional_division(estate: float, claims: ArrayLike, players: Any = None) -> BankruptcyResult:
    """Awards proportional to the claims, ``x_i = c_i E / sum(c)`` (see :func:`bankruptcy_awards`).

    Examples
    --------
    >>> proportional_division(300, [100, 200, 300]).awards.tolist()
    [50.0, 100.0, 150.0]
    """
    return _result(estate, claims, "proportional", players, func="proportional_division")


def constrained_equal_awards(estate: float, claims: ArrayLike, players: Any = None) -> BankruptcyResult:
    """Equal awards capped by the claims, ``x_i = min(c_i, λ)`` with ``sum(x) = E`` (see :func:`bankruptcy_awards`).

    Examples
    --------
    >>> r = constrained_equal_awards(200, [50, 100, 300])
    >>> r.awards.tolist(), r.level
    ([50.0, 75.0, 75.0], 75.0)
    """
    return _result(estate, claims, "cea", players, func="constrained_equal_awards")


def constrained_equal_losses(estate: float, claims: ArrayLike, players: Any = None) -> BankruptcyResult:
    """Equal losses capped by the claims, ``x_i = max(0, c_i - μ)`` with ``sum(x) = E`` (see :func:`bankruptcy_awards`).

    Examples
    --------
    >>> r = constrained_equal_losses(200, [50, 100, 300])
    >>> r.awards.tolist(), r.losses.tolist(), r.level
    ([0.0, 0.0, 200.0], [50.0, 100.0, 100.0], 100.0)
    """
    return _result(estate, claims, "cel", players, func="constrained_equal_losses")


def talmud_rule(estate: float, claims: ArrayLike, players: Any = None) -> BankruptcyResult:
    """The Talmud rule of Aumann & Maschler (1985) (see :func:`bankruptcy_awards`).

    CEA on the half-claims while the estate is at most half the total claim;
    above that, half of each claim plus CEL on the half-claims of the rest.
    It equals the nucleolus of :meth:`TUGame.bankruptcy <coopgame.games.tu.TUGame.bankruptcy>`.

    Examples
    --------
    The contested garment (Mishnah, Bava Metzia 2a): one claims all of it,
    the other half; they get 3/4 and 1/4.

    >>> talmud_rule(1, [0.5, 1]).awards.tolist()
    [0.25, 0.75]
    """
    return _result(estate, claims, "talmud", players, func="talmud_rule")


# ---------------------------------------------------------------------------------------------- as a sharing rule
@dataclass(frozen=True, eq=False)
class BankruptcyRule(SharingRule):
    """Divide the worth ``v(N)`` of a game among fixed claims by a bankruptcy rule.

    ``allocate(game, status_quo)`` treats the grand coalition's worth as the
    estate and returns the awards of ``rule`` for the claims given here; the
    other coalitions' worths and the status quo are not used (a bankruptcy
    rule sees only the estate and the claims). ``v(N)`` must lie in
    ``[0, sum(claims)]``. For the game :meth:`TUGame.bankruptcy(E, claims)
    <coopgame.games.tu.TUGame.bankruptcy>` the Talmud rule gives the
    nucleolus.

    Parameters
    ----------
    claims : array_like, shape (n,)
        Finite, non-negative claims, one per player of the games it allocates on.
    rule : {'talmud', 'proportional', 'cea', 'cel'}, default 'talmud'

    Examples
    --------
    >>> g = TUGame.bankruptcy(200, [100, 200, 300])
    >>> BankruptcyRule([100, 200, 300]).allocate(g, np.zeros(3)).tolist()
    [50.0, 75.0, 75.0]
    >>> BankruptcyRule([100, 200, 300], rule="cea").label
    'constrained equal awards (bankruptcy rule)'
    """

    claims: np.ndarray
    rule: str = "talmud"

    def __post_init__(self) -> None:
        func = "BankruptcyRule"
        c = bankruptcy_claims(self.claims, func=func)
        _check_rule(self.rule, func=func)
        object.__setattr__(self, "claims", frozen(c))

    @property
    def label(self) -> str:
        return f"{_CONCEPT[self.rule]} (bankruptcy rule)"

    def allocate(self, game: TUGame, status_quo: np.ndarray) -> np.ndarray:
        func = "BankruptcyRule.allocate"
        game = _check_game(game, func=func)
        if self.claims.shape[0] != game.n_players:
            raise InvalidParameterError(f"{func}(): claims must have one entry per player ({game.n_players}); "
                                        f"got {self.claims.shape[0]}")
        e, c, scale = _problem(game.grand_value, self.claims, func=func, estate_name="the estate v(N)")
        return _divide(e, c, self.rule)[0] * scale

    def parameters(self) -> dict[str, Any]:
        return {"claims": self.claims.tolist(), "rule": self.rule}


# ---------------------------------------------------------------------------------------------- kernels
def _result(estate: Any, claims: Any, rule: str, players: Any, *, func: str) -> BankruptcyResult:
    players = label_sequence(players, func=func)
    e, c, scale = _problem(estate, claims, func=func)
    labels = check_players(players, c.shape[0], func=func)
    awards, level = _divide(e, c, rule)
    awards *= scale
    claims_out = c * scale
    estate_out = float(e) * scale
    level = float(level) if rule == "proportional" else float(level) * scale
    gap = math.fsum(awards.tolist()) - estate_out
    return BankruptcyResult(awards, labels, _CONCEPT[rule], "closed-form", {"rule": rule},
                            efficiency_gap=gap, claims=claims_out, estate=estate_out, rule=rule, level=level)


def _check_rule(rule: Any, *, func: str) -> str:
    if not isinstance(rule, str) or rule not in BANKRUPTCY_RULES:
        raise InvalidParameterError(f"{func}(): rule must be one of {list(BANKRUPTCY_RULES)}; got {rule!r}")
    return rule


def _problem(estate: Any, claims: Any, *, func: str,
             estate_name: str = "estate") -> tuple[float, np.ndarray, float]:
    """The validated problem divided by a power of two near the largest claim: ``(E / s, c / s, s)``.

    Dividing by a power of two is exact, so the kernels see numbers near 1
    (their sums cannot overflow) and the answer scales with the problem.
    """
    c = bankruptcy_claims(claims, func=func)
    e = check_real(estate, func=func, name=estate_name, minimum=0.0)
    top = float(c.max())
    scale = float(power_of_two_below(top)) if top > 0 else float(power_of_two_below(e))
    c /= scale
    e /= scale
    total = math.fsum(c.tolist())
    if e > total * (1.0 + DEFAULT_TOL):
        raise InvalidParameterError(f"{func}(): {estate_name} must be <= the total claim {total * scale:g} (a "
                                    f"larger estate pays every claim: not a bankruptcy problem); got {estate!r}")
    return min(e, total), c, scale


def _divide(e: float, c: np.ndarray, rule: str) -> tuple[np.ndarray, float]:
    """Awards and level of ``rule`` on a validated problem (claims in any order)."""
    if rule == "proportional":
        total = math.fsum(c.tolist())
        ratio = e / total if total > 0 else 0.0
        return c * ratio, ratio
    if rule == "cea":
        return _cea(e, c)
    if rule == "cel":
        return _cel(e, c)
    half = c * 0.5   # exact
    total_half = math.fsum(half.tolist())
    if e <= total_half:
        return _cea(e, half)
    rest, mu = _cel(e - total_half, half)
    return half + rest, mu


def _cea(e: float, c: np.ndarray) -> tuple[np.ndarray, float]:
    """``min(c_i, λ)`` with ``Σ min(c_i, λ) = e``, λ in closed form from the sorted claims.

    With ``s`` sorted increasingly and ``P_k = s_0 + ... + s_{k-1}``, the
    total award at ``λ = s_k`` is ``F_k = P_k + (n - k) s_k``, non-decreasing
    in ``k``. If ``k`` claims have ``F < e``, then ``λ`` lies in
    ``[s_{k-1}, s_k]``: the ``k`` smallest are paid in full and the others
    share ``e - P_k`` equally.
    """
    n = c.shape[0]
    s = np.sort(c)
    prefix = np.concatenate(([0.0], np.cumsum(s)))
    reached = prefix[:-1] + (n - np.arange(n)) * s
    k = int(np.count_nonzero(reached < e))
    if k == n:   # the estate covers every claim
        return c.copy(), float(s[-1])
    lam = (e - prefix[k]) / (n - k)
    lam = min(max(lam, float(s[k - 1]) if k else 0.0), float(s[k]))   # rounding only
    return np.minimum(c, lam), lam


def _cel(e: float, c: np.ndarray) -> tuple[np.ndarray, float]:
    """``max(0, c_i - μ)`` with ``Σ max(0, c_i - μ) = e``, μ in closed form from the sorted claims.

    With ``s`` sorted increasingly and ``Q_k = s_k + ... + s_{n-1}``, the
    total award at ``μ = s_k`` is ``G_k = Q_k - (n - k) s_k``, non-increasing
    in ``k``. If ``a`` claims have ``G >= e``, then ``μ`` lies in
    ``[s_{a-1}, s_a]``: the ``a`` smallest get nothing and the others lose
    ``μ = (Q_a - e) / (n - a)`` each.
    """
    n = c.shape[0]
    s = np.sort(c)
    suffix = np.cumsum(s[::-1])[::-1]
    reached = suffix - (n - np.arange(n)) * s
    a = int(np.count_nonzero(reached >= e))
    if a == n:   # nothing to divide
        return np.zeros_like(c), float(s[-1])
    mu = (float(suffix[a]) - e) / (n - a)
    mu = min(max(mu, float(s[a - 1]) if a else 0.0), float(s[a]))   # rounding only
    return np.maximum(c - mu, 0.0), mu


"""Critical discount factors of grim-trigger cooperation in the infinitely repeated n-city game.

Every city cooperates as long as everyone has; after any defection all play
the punishment profile ``P`` forever (Friedman 1971, Nash reversion). With
per-period payoffs ``R_i = u_i(1_N)`` (everyone cooperates), ``T_i`` (city i's
best one-shot deviation while the others cooperate) and ``P_i = u_i(P)``,
cooperating forever is worth ``R_i / (1 − δ)`` and deviating
``T_i + δ P_i / (1 − δ)``, so city i keeps cooperating iff

    δ >= δ_i* = (T_i − R_i) / (T_i − P_i).

Decisions use the *perceived* payoffs (``NCityGame.payoffs(..., perceived=True)``,
DESIGN §2.1): a city's perception factor on its own costs is what it weighs
when it considers defecting.

Punishment. The threat must be credible, so ``P`` is a pure Nash equilibrium
of the stage game, and the default is the *least* one (fewest cooperators):
``0_N`` when protecting everywhere is an equilibrium, else the least pure
equilibrium found by :func:`coopgame.pure_equilibria`. The n-city game has
non-negative synergies (supermodular) and non-negative effects of others'
cooperation on each city (positive spillovers), so the least equilibrium is
the worst equilibrium for *every* city at once (Milgrom & Roberts 1990): it
gives each city its lowest credible ``P_i`` and hence every city's lowest
``δ_i*`` simultaneously. The result records the profile and checks that
claim on the computed equilibria.

Issue layers do not interact, so with K layers each layer can carry its own
trigger (``per_layer``, shape (K, n)); ``delta`` treats all issues as one
linked trigger: a deviating city defects on the issues where defecting pays,
and punishment reverts every layer. Linking can sustain cooperation on an issue
that cannot sustain it alone (multimarket contact, Bernheim & Whinston 1990).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from coopgame._validation import check_tol
from coopgame.equilibrium.pure import pure_equilibria
from coopgame.errors import InvalidGameError, InvalidParameterError
from coopgame.games.ncity import NCityGame
from coopgame.results import Result, Summary
from coopgame.tolerances import EQUILIBRIUM_TOL

__all__ = ["CriticalDiscountResult", "critical_discount_factors", "grim_trigger_thresholds"]


@dataclass(frozen=True, eq=False)
class CriticalDiscountResult(Result):
    """Critical discount factors of grim-trigger cooperation, per city and for the group.

    Attributes
    ----------
    delta : ndarray, shape (n,)
        ``δ_i*``: city i keeps cooperating iff ``δ >= δ_i*``; 0 when cooperating
        is already a stage-game best response, ``inf`` when defecting pays
        and the punishment does not hurt (cooperation is never sustained).
    group_delta : float
        ``max_i δ_i*``: full cooperation is sustained iff ``δ >= group_delta``
        (and ``group_delta < 1``; values in [1, inf) are never reached by a discount factor below 1).
    players : tuple of str
    punishment : ndarray of int64, shape (K,)
        The punishment profile, one bitmask per issue layer (bit i set iff
        city i cooperates in it).
    punishment_rule : str
        ``"least pure equilibrium"`` (default) or ``"given"``.
    punishment_is_equilibrium : bool
        Whether the punishment is a stage-game Nash equilibrium (a credible threat).
    cooperation_payoff, deviation_payoff, punishment_payoff : ndarray, shape (n,)
        ``R_i``, ``T_i``, ``P_i`` (perceived payoffs, summed over issues).
    per_layer : ndarray, shape (K, n)
        ``δ_i*`` when each issue layer carries its own trigger.
    method : str
    parameters : dict
    notes : tuple of str
    """

    delta: np.ndarray
    group_delta: float
    players: tuple[str, ...]
    punishment: np.ndarray
    punishment_rule: str
    punishment_is_equilibrium: bool
    cooperation_payoff: np.ndarray
    deviation_payoff: np.ndarray
    punishment_payoff: np.ndarray
    per_layer: np.ndarray
    method: str = "grim trigger"
    parameters: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    _headline = ("delta", "group_delta", "players", "punishment")

    def sustained(self, discount: float) -> np.ndarray:
        """Which cities keep cooperating at discount factor ``discount`` (bool, shape (n,))."""
        return np.asarray(self.delta <= float(discount))

    def summary(self) -> Summary:
        """One row per city: R, T, P and its critical discount factor."""
        rows = tuple((p, r, t, q, _delta_text(d))
                     for p, r, t, q, d in zip(self.players, self.cooperation_payoff, self.deviation_payoff,
                                              self.punishment_payoff, self.delta))
        facts = (("group critical delta", _delta_text(self.group_delta)),
                 ("punishment", "; ".join(_profile_text(int(m), self.players) for m in self.punishment)
                  + f" ({self.punishment_rule})"),
                 ("credible (stage Nash)", "yes" if self.punishment_is_equilibrium else "no"))
        return Summary(title="Critical discount factors (grim trigger)", facts=facts,
                       columns=("city", "R (cooperate)", "T (deviate)", "P (punished)", "delta*"), rows=rows,
                       notes=self.notes)


def _profile_text(mask: int, players: tuple[str, ...]) -> str:
    coop = [p for i, p in enumerate(players) if (mask >> i) & 1]
    return "all protect" if not coop else "cooperate: " + ", ".join(coop)


def _delta_text(d: float) -> str | float:
    return "never" if not np.isfinite(d) else float(d)


def grim_trigger_thresholds(cooperate: ArrayLike, deviate: ArrayLike, punished: ArrayLike, *,
                            tol_abs: float = 0.0) -> np.ndarray:
    """``δ* = (T − R) / (T − P)`` elementwise, 0 when ``T <= R``, inf when ``T > R`` but ``P >= R``.

    Parameters
    ----------
    cooperate, deviate, punished : array_like
        ``R``, ``T`` and ``P``, broadcast together.
    tol_abs : float, default 0
        Absolute tolerance on the differences ``T − R`` and ``R − P``.

    Examples
    --------
    The repeated prisoner's dilemma with T = 5, R = 3, P = 1:

    >>> grim_trigger_thresholds(3.0, 5.0, 1.0).tolist()
    0.5
    """
    R, T, P = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (cooperate, deviate, punished)))
    gain = T - R
    loss = R - P
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(gain <= tol_abs, 0.0, np.where(loss <= tol_abs, np.inf, gain / (gain + loss)))
    return out


def critical_discount_factors(game: NCityGame, *, punishment: ArrayLike | None = None,
                              tol: float = EQUILIBRIUM_TOL) -> CriticalDiscountResult:
    """Discount factors above which grim-trigger strategies sustain full cooperation in the repeated game.

    Parameters
    ----------
    game : NCityGame
        The stage game, played every period; one issue layer or several.
    punishment : int or array_like of int, optional
        The profile played forever after a defection, as a bitmask (one per
        issue layer). Default: the least pure Nash equilibrium of the stage
        game (``0_N`` when protecting everywhere is one), the worst credible
        threat for every city. A given profile that is not a stage equilibrium
        is used but flagged (``punishment_is_equilibrium`` False).
    tol : float, default 1e-9
        Relative tolerance (times the game's payoff scale) for ties: a
        deviation gain within it of 0 gives ``δ* = 0``, a punishment loss
        within it of 0 gives ``inf``.

    Returns
    -------
    CriticalDiscountResult

    Raises
    ------
    InvalidGameError
        If ``game`` is not an NCityGame.
    InvalidParameterError
        On a punishment profile of the wrong shape or out of range.

    Notes
    -----
    Only perceived payoffs enter (they drive decisions). The thresholds do not
    change when every payoff is rescaled. ``δ_i*`` depends on ``T_i``,
    ``R_i`` and ``P_i`` only; the "sucker" payoff does not enter.

    Examples
    --------
    Three cities; cooperating costs 7, 8 and 10; each cooperating neighbour
    brings 4 to every city and 3 more to a cooperating one. All-protect is a
    stage equilibrium, R_i = 14 − c_i, T_i = 8, P_i = 0, so δ_i* = (c_i − 6) / 8.

    >>> import numpy as np
    >>> from coopgame import NCityGame
    >>> off = 1 - np.eye(3)
    >>> g = NCityGame(cost=[7.0, 8.0, 10.0], spillover=4 * off, synergy=3 * off)
    >>> res = critical_discount_factors(g)
    >>> res.delta.tolist(), res.group_delta, res.punishment.tolist()
    ([0.125, 0.25, 0.5], 0.5, [0])
    """
    func = "critical_discount_factors"
    if not isinstance(game, NCityGame):
        raise InvalidGameError(f"{func}(): game must be an NCityGame; got {type(game).__name__}")
    tol = check_tol(tol, func=func)
    n, K = game.n_players, game.n_layers
    tol_abs = tol * game.payoff_scale
    full = (1 << n) - 1
    layers = [game.layer(k) for k in range(K)] if K > 1 else [game]

    # Stage equilibria per layer (layers separate): the credibility check and the default punishment.
    eq_masks = [np.asarray(pure_equilibria(layer, tol=tol).profiles, dtype=np.int64) for layer in layers]
    notes: list[str] = ["Decisions use perceived payoffs (costs and own siphon losses times the perception "
                        "factor), as in the stage game's equilibria."]
    if punishment is None:
        chosen, worst_for_all = [], True
        for layer, masks in zip(layers, eq_masks):
            u = layer.payoffs(masks, perceived=True)                     # (E, n)
            # lowest total payoff, then fewest cooperators: the least equilibrium under positive spillovers
            popcount = np.array([bin(int(v)).count("1") for v in masks])
            best = int(np.lexsort((masks, popcount, u.sum(axis=1)))[0])
            chosen.append(int(masks[best]))
            worst_for_all &= bool(np.all(u[best] <= u.min(axis=0) + tol_abs))
        P_masks = np.array(chosen, dtype=np.int64)
        rule = "least pure equilibrium"
        credible = True
        if np.any(P_masks != 0):
            notes.append("Protecting everywhere (0_N) is not a stage equilibrium on every issue: the punishment is "
                         "the least pure equilibrium instead.")
        if not worst_for_all:  # pragma: no cover - excluded by the game's positive spillovers (Milgrom-Roberts)
            notes.append("The chosen punishment is not the worst equilibrium for every city.")
    else:
        P_masks = np.atleast_1d(np.asarray(punishment))
        if P_masks.dtype.kind not in "iu" or P_masks.shape != (K,) or np.any(P_masks < 0) or np.any(P_masks > full):
            raise InvalidParameterError(f"{func}(): punishment must be {K} bitmask(s) in [0, 2**{n}) (one per issue "
                                        f"layer); got {np.asarray(punishment).tolist()!r}")
        P_masks = P_masks.astype(np.int64)
        rule = "given"
        credible = all(bool(np.any(masks == p)) for masks, p in zip(eq_masks, P_masks))
        if not credible:
            notes.append("The given punishment is not a stage-game Nash equilibrium: the threat is not credible "
                         "(cities would not carry it out).")

    # Per layer: R, T (i defects alone) and P for every city; deviations vectorised over the cities.
    deviations = np.int64(full) ^ (np.int64(1) << np.arange(n, dtype=np.int64))   # 1_N without city i
    R_l = np.empty((K, n))
    T_l = np.empty((K, n))
    P_l = np.empty((K, n))
    for k, layer in enumerate(layers):
        u = layer.payoffs(np.concatenate([[full, P_masks[k]], deviations]), perceived=True)
        R_l[k], P_l[k] = u[0], u[1]
        T_l[k] = np.diagonal(u[2:])
    per_layer = grim_trigger_thresholds(R_l, T_l, P_l, tol_abs=tol_abs)
    # Linked trigger: the deviator defects where defecting pays (layers add up).
    R, P = R_l.sum(axis=0), P_l.sum(axis=0)
    T = R + np.maximum(T_l - R_l, 0.0).sum(axis=0)
    delta = grim_trigger_thresholds(R, T, P, tol_abs=tol_abs)
    if np.any(np.isinf(delta)):
        notes.append("'never': defecting pays and the punishment does not hurt that city (P_i >= R_i), so no "
                     "discount factor sustains its cooperation.")
    return CriticalDiscountResult(delta=delta, group_delta=float(delta.max()), players=game.players,
                                  punishment=P_masks, punishment_rule=rule, punishment_is_equilibrium=credible,
                                  cooperation_payoff=R, deviation_payoff=T, punishment_payoff=P,
                                  per_layer=per_layer, parameters={"tol": tol, "perceived": True},
                                  notes=tuple(notes), game=game)

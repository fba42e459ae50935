"""Outside options of the n-city game (DESIGN §2.1): what each city has without the agreement.

Every stability verdict is measured against three payoffs of each city ``i``:

* **status quo** ``u_i(1_N)``: everyone cooperates on every issue (no transfers);
* **stand-alone** ``max(u_i(1_{i}), u_i(0))`` per issue layer, summed over
  layers: the best a city can do on its own while the others protect — the
  ``v({i})`` of the ``"alpha"`` cooperative game;
* **free-ride** ``u_i(0_i, 1_{N∖i})``: i protects on every issue while the
  others cooperate (it pays no dues and receives no transfer).

Each is given in **true** payoffs (welfare and fairness: the attributes
``status_quo``, ``stand_alone``, ``free_ride``) and in **perceived** payoffs
(decisions: ``perceived_status_quo`` ...; a city's own cost and siphon losses
times its perception factor ``β_i``), in total and per issue layer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np

from coopgame._typing import FloatVector
from coopgame._validation import as_float_array, frozen
from coopgame.errors import InvalidGameError, InvalidParameterError
from coopgame.games.ncity import MAX_PROFILE_PLAYERS, PARAMETER_NAMES, NCityGame, payoffs_of_states
from coopgame.games.pairwise import PairwiseGame
from coopgame.results import Result, Summary
from coopgame.tolerances import DEFAULT_TOL, payoff_scale

__all__ = ["OutsideOptions", "OptionSet", "outside_options", "option_stack", "package_bounds", "welfare_status_quo",
           "optimum_gap", "OPTION_NAMES"]

OPTION_NAMES = ("status_quo", "stand_alone", "free_ride")
"""The three outside options, in the order of every table."""


class OptionSet(NamedTuple):
    """The three payoffs of each city in one currency (true or perceived), shape (n,) or (K, n) each."""

    status_quo: np.ndarray
    stand_alone: np.ndarray
    free_ride: np.ndarray


@dataclass(frozen=True, eq=False)
class OutsideOptions(Result):
    """Each city's status quo, stand-alone and free-riding payoff, true and perceived.

    Attributes
    ----------
    status_quo, stand_alone, free_ride : ndarray, shape (n,)
        **True** payoffs, summed over issue layers: ``u_i(1_N)``, the best
        stand-alone payoff (``v({i})`` of the alpha game) and ``u_i(0_i, 1_{N∖i})``.
        True payoffs measure welfare and fairness.
    perceived_status_quo, perceived_stand_alone, perceived_free_ride : ndarray, shape (n,)
        The same in **perceived** payoffs (own cost and siphon losses times
        ``β_i``): what drives a city's decision. Equal to the true ones when β = 1.
    players : tuple of str
    issues : tuple of str
        Issue labels (one per layer; ``("1",)`` for a single issue).
    by_issue : dict of str -> ndarray, shape (K, n)
        Per issue layer: the six arrays above under the same names.
    method, parameters
    """

    status_quo: FloatVector
    stand_alone: FloatVector
    free_ride: FloatVector
    perceived_status_quo: FloatVector
    perceived_stand_alone: FloatVector
    perceived_free_ride: FloatVector
    players: tuple[str, ...]
    issues: tuple[str, ...] = ("1",)
    by_issue: Mapping[str, np.ndarray] = field(default_factory=dict)
    method: str = "closed form"
    parameters: Mapping[str, Any] = field(default_factory=dict)

    _headline = ("status_quo", "stand_alone", "free_ride", "players")

    @property
    def true(self) -> OptionSet:
        """The three options in true payoffs (welfare, fairness)."""
        return OptionSet(self.status_quo, self.stand_alone, self.free_ride)

    @property
    def perceived(self) -> OptionSet:
        """The three options in perceived payoffs (decisions)."""
        return OptionSet(self.perceived_status_quo, self.perceived_stand_alone, self.perceived_free_ride)

    @property
    def free_ride_gain(self) -> np.ndarray:
        """Perceived gain from free-riding rather than cooperating, ``ũ_i(0_i, 1_{N∖i}) − ũ_i(1_N)``."""
        return self.perceived_free_ride - self.perceived_status_quo

    @property
    def free_ride_gain_by_issue(self) -> np.ndarray:
        """Perceived gain from protecting on one issue, the others cooperating, ``d_ik``, shape (K, n)."""
        by = self.by_issue
        if "perceived_free_ride" in by and "perceived_status_quo" in by:
            return np.asarray(by["perceived_free_ride"], dtype=float) - np.asarray(by["perceived_status_quo"],
                                                                                   dtype=float)
        return self.free_ride_gain[None, :]

    @property
    def deviation_bounds(self) -> np.ndarray:
        """``L_i``: each city's best perceived gain from deviating on some non-empty set of issues.

        The package bound :func:`package_bounds` of :attr:`free_ride_gain_by_issue`: the least
        transfer (paid for cooperating on every issue) that keeps city i cooperating.
        Equal to :attr:`free_ride_gain` with one issue, or whenever a city's per-issue gains share a sign.
        """
        return package_bounds(self.free_ride_gain_by_issue)

    @property
    def free_riders(self) -> tuple[str, ...]:
        """Cities that would rather deviate (on some set of issues) than cooperate with no transfer.

        Those with :attr:`deviation_bounds` > 0 (perceived payoffs), the same test as
        :func:`~coopgame.policy.transfers.self_enforcing_transfers`' lower bounds.
        """
        atol = float(self.parameters.get("atol", 0.0))
        return tuple(p for p, g in zip(self.players, self.deviation_bounds) if g > atol)

    def summary(self) -> Summary:
        """One row per city: the three options in true and in perceived payoffs, and the free-ride gain."""
        cols = ("city", "status quo (true)", "stand-alone (true)", "free-ride (true)", "status quo (perceived)",
                "stand-alone (perceived)", "free-ride (perceived)", "free-ride gain (perceived)")
        rows = tuple((p, *(a[i] for a in (*self.true, *self.perceived)),
                      self.free_ride_gain[i]) for i, p in enumerate(self.players))
        riders = ", ".join(self.free_riders) or "none"
        facts = (("cities", str(len(self.players))), ("issues", ", ".join(self.issues)),
                 ("would free-ride without transfers (perceived)", riders))
        notes = ("True payoffs measure welfare and fairness; perceived payoffs (own cost and siphon losses "
                 "times the perception factor) drive decisions.",
                 "status quo: everyone cooperates on every issue; stand-alone: the best payoff alone, "
                 "cooperating alone or protecting per issue (v({i}) of the alpha game); free-ride: the city "
                 "protects on every issue while the others cooperate.")
        return Summary(title="Outside options", facts=facts, columns=cols, rows=rows, notes=notes)


def outside_options(game: NCityGame | PairwiseGame) -> OutsideOptions:
    """Each city's status quo, stand-alone and free-riding payoff, in true and in perceived terms.

    Parameters
    ----------
    game : NCityGame or PairwiseGame
        An n-city game (any number of issue layers, n <= 62), or a 2×2
        bimatrix game in the cooperation convention (action 0 = cooperate).
        A bimatrix's payoffs are the perceived ones and its ``true_game`` the
        true ones (the same game unless it carries a true twin, as
        ``NCityGame.to_pairwise()`` gives when a perception factor matters).

    Returns
    -------
    OutsideOptions
        ``.status_quo``, ``.stand_alone``, ``.free_ride`` in true payoffs,
        ``.perceived_*`` in perceived ones, ``.by_issue`` per layer.

    Raises
    ------
    InvalidGameError
        For another type of game, a bimatrix that is not 2×2, or more than 62 cities.

    Examples
    --------
    Three cities; a joint project pays each pair 3 in synergy, cooperation costs 4:

    >>> g = NCityGame(cost=4.0, synergy=3.0 * (1 - np.eye(3)), players=["A", "B", "C"])
    >>> oo = outside_options(g)
    >>> oo.status_quo.tolist(), oo.stand_alone.tolist(), oo.free_ride.tolist()
    ([2.0, 2.0, 2.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0])
    """
    func = "outside_options"
    if isinstance(game, NCityGame):
        true = _ncity_options(game, perceived=False, func=func)
        perc = _ncity_options(game, perceived=True, func=func)
        players, issues = game.players, game.issues
    elif isinstance(game, PairwiseGame):
        perc = _pairwise_options(game, func=func)
        true_game = getattr(game, "true_game", game)  # a perceived bimatrix carries its true twin
        true = perc if true_game is game else _pairwise_options(true_game, func=func)
        players, issues = game.players, ("1",)
    else:
        raise InvalidGameError(f"{func}(): game must be an NCityGame or a 2x2 PairwiseGame; "
                               f"got {type(game).__name__}")
    # the scale of the payoffs compared (not the game's parameters, which mix in dimensionless factors)
    scale = payoff_scale(*true, *perc)
    by_issue = {name: frozen(np.array(a)) for name, a in zip(OPTION_NAMES, true)}
    by_issue |= {f"perceived_{name}": frozen(np.array(a)) for name, a in zip(OPTION_NAMES, perc)}
    tot_t = [a.sum(axis=0) for a in true]   # frozen by Result
    tot_p = [a.sum(axis=0) for a in perc]
    return OutsideOptions(*tot_t, *tot_p, players=tuple(players), issues=tuple(issues),
                          by_issue=MappingProxyType(by_issue),
                          parameters={"atol": DEFAULT_TOL * scale}, game=game)


def welfare_status_quo(game: NCityGame) -> tuple[np.ndarray, np.ndarray | None]:
    """The payoffs without transfers that the alpha game's allocations are compared with (true payoffs).

    ``u_i(1_N)`` (everyone cooperates on every issue) when that is the grand coalition's best choice;
    otherwise the payoffs at the welfare optimum (:meth:`NCityGame.welfare_optimum`), the profile whose
    welfare is the alpha game's ``v(N)``. They add up to ``v(N)`` either way.

    Returns
    -------
    status_quo : ndarray, shape (n,)
    optimum : ndarray of int64 or None
        The optimum's cooperating masks (one per layer) when full cooperation is not optimal, else None.

    Examples
    --------
    Cooperation costs 4 and pays each pair 3: full cooperation is optimal.

    >>> sq, optimum = welfare_status_quo(NCityGame(cost=4.0, synergy=3.0 * (1 - np.eye(3))))
    >>> sq.tolist(), optimum
    ([2.0, 2.0, 2.0], None)
    """
    gap = optimum_gap(game)
    if gap is None:
        return np.asarray(game.status_quo(), dtype=float), None
    optimum = gap[2]
    profile = optimum.reshape(1, -1)
    sq = np.asarray(game.payoffs(profile if game.n_layers > 1 else profile[:, 0]), dtype=float)[0]
    return sq, optimum


def optimum_gap(game: NCityGame) -> tuple[float, float, np.ndarray] | None:
    """``(welfare of full cooperation, optimal welfare, optimal masks)`` when full cooperation is not optimal, else None.

    Examples
    --------
    >>> print(optimum_gap(NCityGame(cost=4.0, synergy=3.0 * (1 - np.eye(3)))))
    None
    """
    full = np.asarray(game.status_quo(), dtype=float)
    masks, best = game.welfare_optimum()
    # relative to the payoffs themselves (no floor at 1: the verdict must not depend on the money unit);
    # a per-city scale, as the total may cancel to ~0 while single payoffs are large
    scale = max(abs(float(best)), float(np.max(np.abs(full), initial=0.0)))
    if float(best) - float(full.sum()) <= DEFAULT_TOL * scale:
        return None
    return float(full.sum()), float(best), np.atleast_1d(np.asarray(masks, dtype=np.int64))


def package_bounds(d: np.ndarray) -> np.ndarray:
    """``L_i = max over non-empty issue sets D of Σ_{k∈D} d_ik``, for gains ``d`` of shape (..., K, n).

    The sum of the positive entries of a column, or its largest entry when none is positive.

    Examples
    --------
    >>> package_bounds(np.array([[2.0, -1.0, -3.0], [-1.0, -2.0, 4.0]])).tolist()
    [2.0, -1.0, 4.0]
    """
    d = as_float_array(d, func="package_bounds", name="d", error=InvalidParameterError)
    if d.ndim < 2 or d.shape[-2] == 0:
        raise InvalidParameterError(f"package_bounds(): d must have shape (..., K, n) with at least one issue; "
                                    f"got shape {d.shape}")
    pos = np.where(d > 0, d, 0.0).sum(axis=-2)
    return np.where(np.any(d > 0, axis=-2), pos, d.max(axis=-2))


def _ncity_options(game: NCityGame, *, perceived: bool, func: str) -> OptionSet:
    """The three options per layer, shape (K, n) each, from ``payoffs`` of 2n + 2 explicit profiles per layer."""
    n = game.n_players
    if n > MAX_PROFILE_PLAYERS:
        raise InvalidGameError(f"{func}(): at most {MAX_PROFILE_PLAYERS} cities (profiles are int64 bitmasks); "
                               f"got {n}")
    params = {name: game.parameter(name)[None] for name in PARAMETER_NAMES}
    return OptionSet(*(a[0] for a in option_stack(params, perceived=perceived)))


def option_stack(params: Mapping[str, np.ndarray], *, perceived: bool) -> OptionSet:
    """The three options of ``G`` stacked n-city games at once, shape (G, K, n) each.

    ``params`` as :func:`coopgame.games.ncity.payoffs_of_states` takes them
    (each :meth:`NCityGame.parameter` with a leading axis of ``G`` games).
    The payoffs of ``2n + 2`` profiles per layer: everyone cooperates,
    nobody does, each city protects alone, each city cooperates alone (issue
    layers are independent, so one profile serves every layer). The one
    computation of the outside options: :func:`outside_options` calls it with
    ``G = 1``, an uncertainty analysis with one game per draw.
    """
    g, k, n = params["cost"].shape
    idx = np.arange(n)
    eye = np.eye(n)
    states = np.concatenate([np.ones((1, n)), np.zeros((1, n)), 1.0 - eye, eye])   # (2n + 2, n)
    x = np.broadcast_to(states[None, :, None, :], (1, 2 * n + 2, k, n))
    u = payoffs_of_states(params, x, perceived=perceived)                       # (G, 2n + 2, K, n)
    status_quo = u[:, 0]
    free_ride = u[:, 2 + idx, :, idx].transpose(1, 2, 0)                          # i protects, others cooperate
    alone = np.maximum(u[:, 2 + n + idx, :, idx].transpose(1, 2, 0), u[:, 1])    # cooperate alone, or protect
    return OptionSet(status_quo, alone, free_ride)


def _pairwise_options(game: PairwiseGame, *, func: str) -> OptionSet:
    """A 2×2 bimatrix in the cooperation convention: row/column action 0 = cooperate, 1 = protect."""
    if game.shape != (2, 2):
        raise InvalidGameError(f"{func}(): a PairwiseGame must be 2x2 (action 0 = cooperate, 1 = protect); "
                               f"got shape {game.shape}")
    A, B = game.row_payoffs, game.col_payoffs
    sq = np.array([[A[0, 0], B[0, 0]]])
    free = np.array([[A[1, 0], B[0, 1]]])
    alone = np.array([[max(A[0, 1], A[1, 1]), max(B[1, 0], B[1, 1])]])
    return OptionSet(sq, alone, free)

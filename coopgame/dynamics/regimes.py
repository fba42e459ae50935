"""Name the evolutionary regime of a cooperation game from its stable rest points."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from coopgame._validation import check_tol
from coopgame.dynamics._systems import BinarySystem, as_system
from coopgame.dynamics.local_stability import RestPointsResult, rest_points
from coopgame.errors import InvalidGameError
from coopgame.games.regimes import (
    PROFILES_2X2,
    REGIME_CODES,
    Regime,
    regime_of_profiles,
    regime_codes,
    stable_profiles_2x2,
)
from coopgame.results import Result, Summary
from coopgame.tolerances import DYNAMICS_TOL

__all__ = ["REGIMES", "RegimeResult", "evolutionary_regime"]

REGIMES = {regime.value: regime.description for regime in REGIME_CODES}
"""Each :class:`~coopgame.games.regimes.Regime` (by its text) with what it means."""


@dataclass(frozen=True, eq=False)
class RegimeResult(Result):
    """The evolutionary regime of a game with two-action populations.

    Attributes
    ----------
    regime : Regime
        ``cooperation dominant``, ``defection dominant``, ``bistable``,
        ``selective cooperation``, ``anti-coordination``, ``cycling``,
        ``no stable profile`` or ``degenerate`` (see :class:`~coopgame.games.regimes.Regime`).
    description : str
    ess : tuple of tuple of int
        The stable pure profiles in cooperation coordinates: entry i is the
        share of population i that cooperates (1 = cooperate, i.e. action 0),
        the coordinates of :func:`coopgame.rest_points` and
        :func:`coopgame.replicator_dynamics`.
    stable_profiles : tuple of tuple of str
        The same profiles labelled with the game's action names (``("C", "C")``,
        ``("protect", "honour")``), as :meth:`NashEquilibriaResult.pure_profiles`
        labels pure equilibria: comparable without any coordinate convention.
    method : str
    parameters : dict
    rest_points : RestPointsResult
        The Friedman table the regime was read from.
    """

    regime: Regime
    description: str
    ess: tuple[tuple[int, ...], ...]
    stable_profiles: tuple[tuple[str, ...], ...] = ()
    method: str = "rest-point analysis"
    parameters: dict[str, Any] = field(default_factory=dict)
    rest_points: RestPointsResult | None = field(default=None, repr=False)

    def summary(self) -> Summary:
        """The regime with the Friedman table beneath it."""
        table = self.rest_points.friedman_table() if self.rest_points is not None else None
        facts = (("regime", self.regime), ("meaning", self.description),
                 ("ESS", ", ".join("(" + ", ".join(p) + ")" for p in self.stable_profiles) or "none"))
        if table is None:
            return Summary(title="Evolutionary regime", facts=facts)
        return Summary(title="Evolutionary regime", facts=facts + table.facts[:1], columns=table.columns,
                       rows=table.rows, notes=table.notes)


def evolutionary_regime(game: Any, *, tol: float = DYNAMICS_TOL) -> RegimeResult:
    """Classify the replicator dynamics of a cooperation game.

    Parameters
    ----------
    game : PairwiseGame (2×2), (A, B) pair of 2×2 arrays, or NCityGame
        Every population must have two actions, action 0 = cooperate.
    tol : float, default DYNAMICS_TOL
        Relative tolerance for zero eigenvalues (see :func:`rest_points`).

    Returns
    -------
    RegimeResult

    Raises
    ------
    InvalidGameError
        For bimatrix games with more than two actions per player.

    Notes
    -----
    The regime is read from the set of ESS vertices (for a 2×2 game, its strict
    pure Nash equilibria, by :func:`coopgame.games.regimes.regimes_2x2`, the
    classifier :meth:`PairwiseGame.classify` and sweeps use too): {all
    cooperate} → cooperation dominant; {all defect} → defection dominant; both
    → bistable; exactly one vertex mixing cooperators and defectors →
    selective cooperation, several → anti-coordination; none → cycling when
    the interior point is a centre (always so in a 2×2 game without ties),
    otherwise "no stable profile". A vertex with a zero eigenvalue (a payoff
    tie within ``tol`` times the payoff scale) makes the game ``degenerate``.

    Examples
    --------
    >>> import coopgame
    >>> g = coopgame.PairwiseGame.from_two_city(cost=4, synergy=6, alpha=0.5, free_ride_gain=2,
    ...                                         lone_loss=1, reward=3, penalty=3)
    >>> print(coopgame.evolutionary_regime(g).regime)
    cooperation dominant
    """
    func = "evolutionary_regime"
    tol = check_tol(tol, func=func)
    system = as_system(game, func=func)
    if not isinstance(system, BinarySystem):
        raise InvalidGameError(f"{func}(): every population needs exactly two actions (cooperate, defect); "
                               f"got a {system.A.shape[0]}x{system.A.shape[1]} game")
    rp = rest_points(game, tol=tol)
    if system.kind == "pairwise":
        A, B = (game.row_payoffs, game.col_payoffs) if hasattr(game, "row_payoffs") else game
        # Classify the game divided by its payoff scale: a tie within tol is then relative whatever the
        # money unit (no floor at 1), and differences near the float maximum cannot overflow.
        norm = system.norm
        with np.errstate(under="ignore"):
            A, B = np.asarray(A, dtype=float) / norm, np.asarray(B, dtype=float) / norm
        stable, degenerate = stable_profiles_2x2(A, B, tol=tol)
        ess = [p for p, s in zip(PROFILES_2X2, stable[0]) if s]
        regime = REGIME_CODES[int(regime_codes(stable, degenerate)[0])]
    else:
        vertices = [p for p in rp.points if p.kind == "vertex"]
        ess = [tuple(int(v) for v in np.rint(p.state)) for p in vertices if p.is_ess]
        regime = regime_of_profiles(ess, system.dim,
                                    degenerate=any(p.label == "non-hyperbolic" for p in vertices),
                                    centre=any(p.label == "centre" for p in rp.points if p.kind == "interior"))
    ess = sorted(ess, reverse=True)
    actions = _action_labels(game, system.dim)
    labelled = tuple(tuple(actions[i][0 if c else 1] for i, c in enumerate(profile)) for profile in ess)
    return RegimeResult(regime=regime, description=regime.description, ess=tuple(ess), stable_profiles=labelled,
                        parameters={"tol": tol}, rest_points=rp, game=game)


def _action_labels(game: Any, populations: int) -> tuple[tuple[str, str], ...]:
    """(cooperate, defect) names of each population: the pairwise game's own actions, else C and D."""
    actions = getattr(game, "actions", None)
    if hasattr(game, "advantage_table") and isinstance(actions, tuple):  # a BinaryActionGame: (action 0, action 1)
        return ((str(actions[1]), str(actions[0])),) * populations
    if isinstance(actions, tuple) and len(actions) == populations and all(
            isinstance(a, tuple) and len(a) == 2 for a in actions):
        return tuple((str(a[0]), str(a[1])) for a in actions)
    return (("C", "D"),) * populations

"""Name the evolutionary regime of a cooperation game from its stable rest points."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from coopgame._validation import check_tol
from coopgame.dynamics._systems import BinarySystem, as_system
from coopgame.dynamics.local_stability import RestPointsResult, rest_points
from coopgame.errors import InvalidGameError
from coopgame.results import Result, Summary
from coopgame.tolerances import DYNAMICS_TOL

__all__ = ["REGIMES", "RegimeResult", "evolutionary_regime"]

REGIMES = {
    "cooperation dominant": "full cooperation is the only ESS: it attracts the interior",
    "defection dominant": "mutual defection is the only ESS: cooperation dies out",
    "bistable": "full cooperation and mutual defection are both ESS (stag hunt): initial willingness decides",
    "anti-coordination": "the stable profiles are one-sided: some cities cooperate, others defect",
    "cycling": "no stable vertex; the interior point is a centre and shares cycle around it",
    "no stable vertex": "no vertex is stable; trajectories stay in the interior (cycles or slow drift)",
    "degenerate": "a payoff advantage is zero at a vertex: the linearisation does not decide",
}


@dataclass(frozen=True, eq=False)
class RegimeResult(Result):
    """The evolutionary regime of a game with two-action populations.

    Attributes
    ----------
    regime : str
        One of :data:`REGIMES`: ``cooperation dominant``, ``defection
        dominant``, ``bistable``, ``anti-coordination``, ``cycling``,
        ``no stable vertex``, ``degenerate``.
    description : str
    ess : tuple of tuple of int
        The stable pure profiles (1 = cooperate).
    method : str
    parameters : dict
    rest_points : RestPointsResult
        The Friedman table the regime was read from.
    """

    regime: str
    description: str
    ess: tuple[tuple[int, ...], ...]
    method: str = "rest-point analysis"
    parameters: dict[str, Any] = field(default_factory=dict)
    rest_points: RestPointsResult | None = field(default=None, repr=False)

    def summary(self) -> Summary:
        """The regime with the Friedman table beneath it."""
        table = self.rest_points.friedman_table() if self.rest_points is not None else None
        facts = (("regime", self.regime), ("meaning", self.description),
                 ("ESS", ", ".join(str(e) for e in self.ess) or "none"))
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
    The regime is read from the set of ESS vertices: {all cooperate} →
    cooperation dominant; {all defect} → defection dominant; both → bistable;
    any stable vertex mixing cooperators and defectors → anti-coordination;
    none → cycling when a 2×2 game's interior point is a centre, otherwise
    "no stable vertex". Any vertex with a zero eigenvalue and no other ESS
    makes the game ``degenerate``.

    Examples
    --------
    >>> import coopgame
    >>> g = coopgame.PairwiseGame.from_two_city(cost=4, synergy=6, alpha=0.5, free_ride_gain=2,
    ...                                         lone_loss=1, reward=3, penalty=3)
    >>> coopgame.evolutionary_regime(g).regime
    'cooperation dominant'
    """
    func = "evolutionary_regime"
    tol = check_tol(tol, func=func)
    system = as_system(game, func=func)
    if not isinstance(system, BinarySystem):
        raise InvalidGameError(f"{func}(): every population needs exactly two actions (cooperate, defect); "
                               f"got a {system.A.shape[0]}x{system.A.shape[1]} game")
    rp = rest_points(game, tol=tol)
    vertices = [p for p in rp.points if p.kind == "vertex"]
    ess = [tuple(int(v) for v in np.rint(p.state)) for p in vertices if p.is_ess]
    P = system.dim
    all_c, all_d = (1,) * P, (0,) * P
    degenerate = any(p.label == "non-hyperbolic" for p in vertices)
    if set(ess) == {all_c}:
        regime = "cooperation dominant"
    elif set(ess) == {all_d}:
        regime = "defection dominant"
    elif set(ess) == {all_c, all_d}:
        regime = "bistable"
    elif ess and not degenerate:
        regime = "anti-coordination"
    elif degenerate:
        regime = "degenerate"
    elif any(p.label == "centre" for p in rp.points if p.kind == "interior"):
        regime = "cycling"
    else:
        regime = "no stable vertex"
    return RegimeResult(regime=regime, description=REGIMES[regime], ess=tuple(sorted(ess, reverse=True)),
                        parameters={"tol": tol}, rest_points=rp)

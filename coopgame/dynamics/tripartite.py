"""The stability table of a tripartite evolutionary game (centre and two local governments), as papers print it."""

from __future__ import annotations

from typing import Any

import numpy as np

from coopgame._validation import check_tol
from coopgame.dynamics.local_stability import rest_points
from coopgame.errors import InvalidGameError
from coopgame.games.tripartite import TripartiteGame
from coopgame.results import Summary
from coopgame.tolerances import DYNAMICS_TOL, power_of_two_below

__all__ = ["tripartite_stability_table", "VERDICTS"]

VERDICTS = {"ESS": "ESS", "saddle": "saddle point", "source": "unstable point",
            "non-hyperbolic": "undetermined", "centre": "undetermined"}
"""Stability verdicts as the papers print them, by :func:`coopgame.rest_points` label."""


def tripartite_stability_table(game: Any, *, tol: float = DYNAMICS_TOL) -> Summary:
    """The stability table of the eight pure rest points (Friedman 1991; Lyapunov's first method).

    At a vertex the Jacobian of the replicator field is diagonal: ``λ1`` is
    the centre's entry, ``λ2`` and ``λ3`` the cities', each ``(1 − 2 x_p)``
    times the advantage of action 1 (see :class:`~coopgame.games.tripartite.TripartiteGame`). The point is an
    ESS when all three are negative, an unstable point when all are
    positive, a saddle point otherwise; an eigenvalue within ``tol`` times
    the payoff scale of 0 leaves it undetermined.

    Examples
    --------
    >>> from coopgame.games.tripartite import TripartiteGame
    >>> g = TripartiteGame(supervision_cost=2, reward=0.5, penalty=3, social_benefit=6, reputation_loss=1,
    ...                    cost=4, synergy=[[0, 5], [5, 0]])
    >>> t = tripartite_stability_table(g)
    >>> t.columns
    ('point', 'profile', 'λ1', 'λ2', 'λ3', 'signs', 'stability')
    >>> t.rows[1]
    ('E2 (1, 0, 0)', '(supervise, defect, defect)', -6.0, -0.5, -0.5, '(-, -, -)', 'ESS')
    """
    if not isinstance(game, TripartiteGame):
        raise InvalidGameError("tripartite_stability_table(): game must be a TripartiteGame; "
                               f"got {type(game).__name__}")
    tol = check_tol(tol, func="tripartite_stability_table")
    res = rest_points(game, tol=tol)
    zero = tol * power_of_two_below(game.payoff_scale)
    rows = []
    for k, p in enumerate(res.points):
        lam = np.diag(p.jacobian)
        signs = ["0" if abs(v) <= zero else "+" if v > 0 else "-" for v in lam]
        rows.append((f"E{k + 1} {p.name()}", game.profile_name(k), *(float(v) + 0.0 for v in lam),
                     "(" + ", ".join(signs) + ")", VERDICTS[p.label]))
    ess = [f"E{k + 1} {game.profile_name(k)}" for k, p in enumerate(res.points) if p.is_ess]
    facts = (("state", f"(z, x_A, x_B): P({game.players[0]} supervises), shares of cooperating "
                       f"{game.players[1]}, {game.players[2]}"),
             ("ESS", "; ".join(ess) or "none"))
    return Summary(title="Tripartite game: stability of the pure rest points (Friedman 1991)", facts=facts,
                   columns=("point", "profile", "λ1", "λ2", "λ3", "signs", "stability"), rows=tuple(rows),
                   notes=("At a vertex the Jacobian is diagonal: its eigenvalues are the signed payoff "
                          "advantages of switching, λ1 the centre's, λ2 and λ3 the cities'.",
                          "Mixed rest points are never asymptotically stable in multi-population "
                          "replicator dynamics (Ritzberger & Weibull 1995), so the ESS list is complete."))


"""Efficiency of the n-city game's equilibria (price of anarchy / stability) and best-response dynamics."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from coopgame._bitmask import member_labels
from coopgame._validation import check_method, check_positive_int, check_tol, make_rng
from coopgame._typing import RNGLike
from coopgame.equilibrium.pure import perceived_payoffs_differ, pure_equilibria
from coopgame.errors import InvalidGameError, InvalidParameterError
from coopgame.games.ncity import NCityGame
from coopgame.results import Result, Summary, format_number
from coopgame.tolerances import EQUILIBRIUM_TOL

__all__ = ["price_of_anarchy", "EfficiencyResult", "best_response_dynamics", "BestResponsePath"]


@dataclass(frozen=True, eq=False)
class EfficiencyResult(Result):
    """Welfare optimum against the best and worst pure equilibria.

    Attributes
    ----------
    price_of_anarchy : float
        ``optimal welfare / worst equilibrium welfare``; NaN when some of these
        welfares is not positive (the ratio is then meaningless) or there is
        no pure equilibrium.
    price_of_stability : float
        ``optimal welfare / best equilibrium welfare`` (same caveats).
    method, parameters
    optimum_profile, optimum_welfare
        A welfare-maximising profile (bitmask, one per layer) and its welfare.
    worst_welfare, best_welfare : float
        Welfare of the worst and best pure equilibria (NaN if none).
    anarchy_gap, stability_gap : float
        ``optimum − worst`` and ``optimum − best``: meaningful whatever the sign.
    n_equilibria : int
    """

    price_of_anarchy: float
    price_of_stability: float
    method: str
    parameters: Mapping[str, Any]
    optimum_profile: np.ndarray
    optimum_welfare: float
    worst_welfare: float
    best_welfare: float
    anarchy_gap: float
    stability_gap: float
    n_equilibria: int

    _headline = ("price_of_anarchy", "price_of_stability", "n_equilibria", "method")

    def summary(self) -> Summary:
        """Optimum, best and worst equilibrium welfare and the two prices."""
        rows = (("welfare optimum", self.optimum_welfare),
                ("best equilibrium", self.best_welfare),
                ("worst equilibrium", self.worst_welfare))
        facts = (("price of anarchy", self.price_of_anarchy),
                 ("price of stability", self.price_of_stability),
                 ("pure equilibria", str(self.n_equilibria)))
        notes = ("Ratios need positive welfare; the gaps (optimum − equilibrium) are given as well: "
                 f"anarchy gap {format_number(self.anarchy_gap)}, stability gap {format_number(self.stability_gap)}.",)
        perceived = perceived_payoffs_differ(self.game)
        notes += ("Welfare is the sum of the true payoffs; the equilibria are those of the perceived payoffs (the "
                  "ones decisions use)." if perceived else
                  "Welfare is the sum of the true payoffs; decisions use the same payoffs (perception factor 1).",)
        return Summary("Price of anarchy and stability", facts=facts,
                       columns=("profile", "welfare (true)" if perceived else "welfare"), rows=rows, notes=notes)


def price_of_anarchy(game: NCityGame, *, tol: float = EQUILIBRIUM_TOL) -> EfficiencyResult:
    """Price of anarchy and of stability of the n-city game's pure equilibria.

    Equilibria use the perceived (decision) payoffs; welfare the true ones.

    Examples
    --------
    >>> import numpy as np
    >>> from coopgame import NCityGame
    >>> g = NCityGame(cost=4.0, synergy=3.0 * (1 - np.eye(3)))
    >>> res = price_of_anarchy(g)
    >>> res.optimum_welfare, res.worst_welfare, res.price_of_stability
    (6.0, 0.0, 1.0)
    """
    _check_ncity(game, func="price_of_anarchy")
    tol = check_tol(tol, func="price_of_anarchy")
    eq = pure_equilibria(game, tol=tol)
    profile, optimum = game.welfare_optimum()
    if eq.n_equilibria:
        worst, best = float(eq.welfare.min()), float(eq.welfare.max())
    else:
        worst = best = float("nan")
    poa = optimum / worst if optimum > 0 and worst > 0 else float("nan")
    pos = optimum / best if optimum > 0 and best > 0 else float("nan")
    return EfficiencyResult(price_of_anarchy=poa, price_of_stability=pos, method="exhaustive",
                            parameters={"tol": tol}, optimum_profile=profile, optimum_welfare=optimum,
                            worst_welfare=worst, best_welfare=best, anarchy_gap=optimum - worst,
                            stability_gap=optimum - best, n_equilibria=eq.n_equilibria, game=game)


@dataclass(frozen=True, eq=False)
class BestResponsePath(Result):
    """A path of best-response dynamics in a single-issue n-city game.

    Attributes
    ----------
    final_profile : int
        Bitmask where the path stopped.
    method, parameters
    path : ndarray of int64
        Every profile visited, start first.
    converged : bool
        True when the final profile is a pure equilibrium (no city wants to switch).
    cycled : bool
        True when a profile repeated (the dynamics cycles; no convergence).
    steps : int
    """

    final_profile: int
    method: str
    parameters: Mapping[str, Any]
    path: np.ndarray
    converged: bool
    cycled: bool
    steps: int
    players: tuple[str, ...] = ()

    def summary(self) -> Summary:
        """Outcome and the visited profiles (first 20)."""
        rows = tuple((str(k), ", ".join(member_labels(m, self.players)) or "none")
                     for k, m in enumerate(self.path[:20]))
        facts = (("method", self.method), ("steps", str(self.steps)), ("converged", str(self.converged)),
                 ("cycled", str(self.cycled)))
        return Summary("Best-response dynamics", facts=facts, columns=("step", "cooperating"), rows=rows)


def best_response_dynamics(game: NCityGame, start: int = 0, *, method: str = "max-gain",
                           max_steps: int = 10_000, tol: float = EQUILIBRIUM_TOL,
                           rng: RNGLike = None) -> BestResponsePath:
    """Asynchronous best-response dynamics from a pure profile, one city switching per step.

    Parameters
    ----------
    game : NCityGame
        A single-issue game (use ``game.layer(k)``; issues do not interact).
    start : int
        Starting profile as a bitmask (default: every city protects).
    method : {"max-gain", "round-robin", "random"}
        Which unhappy city switches: the one with the largest perceived gain,
        the next in index order, or a uniformly random one (``rng``).
    max_steps : int, default 10000
    tol : float
        A switch must gain more than ``tol × payoff scale``.
    rng : None, int, sequence of int, SeedSequence, BitGenerator or Generator, optional
        Randomness for ``method='random'``: anything ``numpy.random.default_rng`` takes; ``None``
        means a fixed default seed (same call, same answer). The result records
        the seed used in ``parameters["seed"]``.

    Examples
    --------
    >>> import numpy as np
    >>> from coopgame import NCityGame
    >>> g = NCityGame(cost=1.0, synergy=3.0 * (1 - np.eye(3)), reward=[2.0, 0.0, 0.0])
    >>> best_response_dynamics(g, 0).path.tolist()     # city 1 leads, then the others join
    [0, 1, 3, 7]
    """
    func = "best_response_dynamics"
    _check_ncity(game, func=func)
    method = check_method(method, ("max-gain", "round-robin", "random"), func=func)
    tol = check_tol(tol, func=func)
    max_steps = check_positive_int(max_steps, func=func, name="max_steps")
    if game.n_layers != 1:
        raise InvalidParameterError(f"{func}(): needs a single-issue game; got {game.n_layers} layers "
                                    "(issues do not interact: use game.layer(k))")
    n = game.n_players
    start = check_positive_int(start, func=func, name="start", minimum=0, maximum=2**n - 1)
    generator, seed = make_rng(rng, func=func)
    h, S = game.gain_terms(perceived=True)
    h, S = h[0], S[0]
    t = tol * game.payoff_scale
    x = np.array([(start >> i) & 1 for i in range(n)], dtype=float)
    mask = start
    path = [mask]
    seen = {mask}
    cursor = 0
    cycled = converged = False
    for _ in range(max_steps):
        g = h + S @ x
        want = np.where(x == 1.0, -g, g)         # gain from switching
        unhappy = np.flatnonzero(want > t)
        if unhappy.size == 0:
            converged = True
            break
        if method == "max-gain":
            i = int(unhappy[np.argmax(want[unhappy])])
        elif method == "round-robin":
            later = unhappy[unhappy >= cursor]
            i = int(later[0] if later.size else unhappy[0])
            cursor = (i + 1) % n
        else:
            i = int(generator.choice(unhappy))
        x[i] = 1.0 - x[i]
        mask ^= 1 << i
        path.append(mask)
        if method != "random" and mask in seen:
            cycled = True
            break
        seen.add(mask)
    return BestResponsePath(final_profile=mask, method=method,
                            parameters={"start": start, "max_steps": max_steps, "tol": tol, "seed": seed},
                            path=np.array(path, dtype=np.int64), converged=converged, cycled=cycled,
                            steps=len(path) - 1, players=game.players, game=game)


def _check_ncity(game: object, *, func: str) -> None:
    """Refuse anything but an n-city game, naming the function and what to use for a bimatrix game."""
    if not isinstance(game, NCityGame):
        hint = (" (a bimatrix game: use coopgame.nash_equilibria or coopgame.pure_equilibria, or build the "
                "two-city NCityGame it comes from)") if type(game).__name__ == "PairwiseGame" else ""
        raise InvalidGameError(f"{func}(): game must be an NCityGame (the n-city model); "
                               f"got {type(game).__name__}{hint}")

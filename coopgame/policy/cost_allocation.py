"""Classic cost-allocation methods of water-resources engineering: SCRB and alternative cost avoided.

For a joint project with cost ``C(S)`` (a game built with
:meth:`TUGame.from_costs <coopgame.games.tu.TUGame.from_costs>` or
:meth:`StructuredGame.from_costs <coopgame.games.structured.StructuredGame.from_costs>`):

* the **separable cost** of ``i`` is what it adds when it joins last,
  ``SC_i = C(N) - C(N \\ {i})``;
* its **justifiable** (alternative) cost is ``A_i = min(b_i, C({i}))``: no
  one pays more than its benefit ``b_i`` or its cost alone;
* its **remaining benefit** is ``RB_i = A_i - SC_i``;
* the **non-separable cost** ``NSC = C(N) - Σ SC_i`` is divided in
  proportion to the remaining benefits:
  ``share_i = SC_i + NSC · RB_i / Σ_j RB_j``.

That is the separable costs–remaining benefits (SCRB) method of the US
Federal Inter-Agency River Basin Committee (1950), studied as a cost
allocation rule by Young, Okada & Hashimoto (1982, Water Resources Research
18(3)). Without benefits (``A_i = C({i})``) it is the **alternative cost
avoided** method: the non-separable cost is split in proportion to
``C({i}) - SC_i``. In savings terms that method gives each player
``v(N) · M_i / Σ_j M_j``, with ``M_i = v(N) - v(N \\ {i})`` its marginal
contribution to the savings game.

Both read only ``n + 1`` coalitions (``N`` and every ``N \\ {i}``) besides
the stand-alone costs, so they run at any ``n`` on a structured game.

Two cases the formula leaves open, decided here:

* a negative remaining benefit (``SC_i > A_i``: the purpose does not cover
  its own separable cost, so by the method's premise it does not belong in
  the project; Young et al. 1982) is refused with a typed error, beyond a
  relative rounding tolerance (within it, it counts as 0);
* when every remaining benefit is 0 there is no key to divide ``NSC``:
  if ``NSC`` is 0 too, each pays its separable cost; otherwise refused.

The methods are not core selections in general (Young et al. 1982 show a
four-player case): check with :func:`coopgame.core`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from coopgame._typing import FloatVector
from coopgame._validation import as_float_array, check_tol
from coopgame.errors import InvalidGameError, InvalidParameterError
from coopgame.games.structured import StructuredGame
from coopgame.games.tu import TUGame
from coopgame.results import AllocationResult, Summary
from coopgame.tolerances import DEFAULT_TOL, payoff_scale

__all__ = ["CostAllocationResult", "alternative_cost_avoided", "scrb"]


@dataclass(frozen=True, eq=False)
class CostAllocationResult(AllocationResult):
    """An SCRB or alternative-cost-avoided allocation with the table engineers read it from.

    ``allocation`` is each player's saving ``C({i}) - share_i`` and
    ``cost_shares`` its share of ``C(N)``, as for every concept on a cost
    game; the other fields are the columns of the method's table.

    Attributes
    ----------
    separable_costs : ndarray, shape (n,)
        ``SC_i = C(N) - C(N \\ {i})``.
    justifiable_costs : ndarray, shape (n,)
        ``A_i = min(b_i, C({i}))`` (``C({i})`` without benefits).
    remaining_benefits : ndarray, shape (n,)
        ``RB_i = A_i - SC_i`` (the division key of ``NSC``).
    nonseparable_cost : float
        ``NSC = C(N) - Σ SC_i``.
    total_cost : float
        ``C(N)``.
    """

    separable_costs: FloatVector | None = None
    justifiable_costs: FloatVector | None = None
    remaining_benefits: FloatVector | None = None
    nonseparable_cost: float = 0.0
    total_cost: float = 0.0

    _headline = ("concept", "cost_shares", "players", "nonseparable_cost")

    def summary(self) -> Summary:
        """The method's table: separable cost, justifiable cost, remaining benefit, cost share and saving."""
        rows = tuple((p, sc, a, rb, c, x)
                     for p, sc, a, rb, c, x in zip(self.players, self.separable_costs, self.justifiable_costs,
                                                   self.remaining_benefits, self.cost_shares, self.allocation))
        facts = (("method", self.concept), ("players", str(len(self.players))),
                 ("total cost C(N)", self.total_cost),
                 ("non-separable cost", self.nonseparable_cost),
                 ("efficiency gap", f"{self.efficiency_gap:.1e}"))
        return Summary(f"{self.concept.upper() if self.concept == 'scrb' else self.concept.capitalize()} "
                       "cost allocation", facts=facts,
                       columns=("player", "separable", "justifiable", "remaining", "cost share", "saving"),
                       rows=rows)

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["by_player"] = {p: {"cost_share": float(c), "saving": float(x), "separable_cost": float(sc),
                                "remaining_benefit": float(rb)}
                            for p, c, x, sc, rb in zip(self.players, self.cost_shares, self.allocation,
                                                       self.separable_costs, self.remaining_benefits)}
        return out


def scrb(game: TUGame | StructuredGame, benefits: ArrayLike | None = None, *,
         tol: float = DEFAULT_TOL) -> CostAllocationResult:
    """Separable costs–remaining benefits allocation of a cost game (see the module docstring).

    Parameters
    ----------
    game : TUGame or StructuredGame
        Built from costs (``from_costs``); any other game is refused.
    benefits : array_like, shape (n,), optional
        Each player's benefit ``b_i`` from the project (finite); the
        justifiable cost is ``min(b_i, C({i}))``. Without it,
        ``A_i = C({i})`` (the alternative cost avoided method).
    tol : float, default 1e-9
        Relative tolerance (times the cost scale) under which a negative
        remaining benefit counts as zero.

    Returns
    -------
    CostAllocationResult
        ``concept="scrb"``; ``cost_shares`` add up to ``C(N)``,
        ``allocation`` (savings) to ``v(N)``.

    Raises
    ------
    InvalidGameError
        The game was not built from costs, a player's separable cost exceeds
        its stand-alone cost, or every remaining benefit is 0 while ``NSC``
        is not.
    InvalidParameterError
        ``benefits`` not ``n`` finite reals, or a benefit below the player's
        separable cost.

    Examples
    --------
    Three towns sharing a wastewater plant (literature/03 §3.2): separable
    costs 191, 96 and 206 leave 63 to divide 39 : 64 : 24.

    >>> towns = TUGame.from_costs([0, 230, 160, 350, 230, 460, 365, 556])
    >>> r = scrb(towns)
    >>> r.separable_costs.tolist(), r.nonseparable_cost
    ([191.0, 96.0, 206.0], 63.0)
    >>> r.cost_shares.round(2).tolist()
    [210.35, 127.75, 217.91]
    >>> scrb(towns, benefits=[200, 300, 215]).cost_shares.round(2).tolist()
    [197.91, 145.17, 212.91]
    """
    return _allocate(game, benefits, tol, func="scrb", concept="scrb",
                     method="separable costs-remaining benefits")


def alternative_cost_avoided(game: TUGame | StructuredGame, *, tol: float = DEFAULT_TOL) -> CostAllocationResult:
    """Alternative cost avoided: ``share_i = SC_i + NSC · (C({i}) - SC_i) / Σ_j (C({j}) - SC_j)``.

    :func:`scrb` without benefits (see there for the arguments and errors).
    In savings terms each player gets ``v(N) · M_i / Σ_j M_j``, its share of
    the marginal contributions ``M_i = v(N) - v(N \\ {i})``.

    Examples
    --------
    >>> towns = TUGame.from_costs([0, 230, 160, 350, 230, 460, 365, 556])
    >>> r = alternative_cost_avoided(towns)
    >>> r.concept, r.allocation.round(3).tolist()
    ('alternative cost avoided', [19.654, 32.252, 12.094])
    """
    return _allocate(game, None, tol, func="alternative_cost_avoided", concept="alternative cost avoided",
                     method="separable costs-alternative costs")


def _allocate(game: Any, benefits: Any, tol: Any, *, func: str, concept: str, method: str) -> CostAllocationResult:
    tol = check_tol(tol, func=func)
    if not isinstance(game, (TUGame, StructuredGame)):
        raise InvalidGameError(f"{func}(): game must be a TUGame or StructuredGame built from costs; "
                               f"got {type(game).__name__}")
    if not game.is_cost_game:
        raise InvalidGameError(f"{func}(): game must be built from costs (TUGame.from_costs or "
                               f"StructuredGame.from_costs): the method divides the joint cost C(N); got a game "
                               f"without stand-alone costs")
    n = game.n_players
    alone = np.asarray(game.standalone_costs, dtype=np.float64)
    grand = float(game.grand_value)
    marginal = grand - _values_without_each(game)        # M_i = v(N) - v(N \ {i}) = C({i}) - SC_i
    separable = alone - marginal
    total_cost = math.fsum(alone.tolist()) - grand
    scale = payoff_scale(alone, [total_cost, grand], marginal)
    justifiable = alone.copy()
    if benefits is not None:
        b = as_float_array(benefits, func=func, name="benefits", shape=(n,), error=InvalidParameterError)
        justifiable = np.minimum(b, alone)
        scale = max(scale, payoff_scale(b))
    remaining = justifiable - separable
    atol = tol * scale
    bad = np.flatnonzero(remaining < -atol)
    if bad.size:
        i = int(bad[0])
        who = game.players[i]
        if justifiable[i] < alone[i]:
            raise InvalidParameterError(
                f"{func}(): benefits[{i}] = {justifiable[i]:g} of player {who!r} is below its separable cost "
                f"C(N) - C(N \\ {{i}}) = {separable[i]:g}: the purpose does not cover the cost it adds, so SCRB "
                f"assumes it is left out of the project (raise the benefit or drop the player)")
        raise InvalidGameError(
            f"{func}(): the separable cost C(N) - C(N \\ {{i}}) = {separable[i]:g} of player {who!r} exceeds its "
            f"stand-alone cost {alone[i]:g} (the costs are not subadditive there): the method needs "
            f"C({{i}}) >= SC_i for every player")
    remaining = np.maximum(remaining, 0.0)
    nonseparable = total_cost - math.fsum(separable.tolist())
    key_total = math.fsum(remaining.tolist())
    if key_total <= atol:
        if abs(nonseparable) > atol:
            raise InvalidGameError(
                f"{func}(): every remaining benefit is 0 (each player's justifiable cost equals its separable "
                f"cost), so there is no key to divide the non-separable cost {nonseparable:g}")
        shares = separable.copy()
        remaining = np.zeros(n)
    else:
        shares = separable + nonseparable * (remaining / key_total)
    savings = alone - shares
    gap = math.fsum(savings.tolist()) - grand
    return CostAllocationResult(savings, game.players, concept, method,
                                {"benefits": None if benefits is None else b.tolist(), "tol": tol},
                                efficiency_gap=gap, cost_shares=shares, game=game, separable_costs=separable,
                                justifiable_costs=justifiable, remaining_benefits=remaining,
                                nonseparable_cost=nonseparable, total_cost=total_cost)


def _values_without_each(game: TUGame | StructuredGame) -> np.ndarray:
    """``v(N \\ {i})`` for every player: ``n`` coalitions, never the dense game of a structured one."""
    n = game.n_players
    if isinstance(game, TUGame):
        full = (1 << n) - 1
        return np.asarray(game.values[full ^ (1 << np.arange(n, dtype=np.int64))], dtype=np.float64)
    return np.asarray(game.value_of_members(~np.eye(n, dtype=bool)), dtype=np.float64)

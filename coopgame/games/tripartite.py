"""The tripartite evolutionary game of the Chinese inter-government cooperation literature.

A central government chooses whether to supervise the cooperation of two local
governments, and each local government whether to cooperate (中央政府—地方政府
三方演化博弈). With two actions each it is a three-player
:class:`~coopgame.games.binary.BinaryActionGame`: the replicator dynamics,
the eight pure rest points and their Jacobians come from the package's one
implementation (:func:`coopgame.replicator_dynamics`,
:func:`coopgame.rest_points`); this module writes the payoff table in the
parameters the papers use, and :func:`coopgame.dynamics.tripartite_stability_table`
prints their stability table (Friedman 1991: Lyapunov's first method at each vertex).

The local governments' payoffs are the n-city payoffs of
:class:`~coopgame.games.ncity.NCityGame` with two cities; under supervision the
centre's reward ``R_i`` and penalty ``P_i`` enter them as its ``reward`` and
``penalty`` terms, without supervision they are absent. The formula of a
city's payoff is therefore written once, in ``NCityGame``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from coopgame._validation import _describe, as_float_array, label_sequence
from coopgame.errors import InvalidParameterError
from coopgame.games.binary import BinaryActionGame
from coopgame.games.ncity import NCityGame, payoffs_of_states
from coopgame.results import Summary

__all__ = ["TripartiteGame", "CENTRE_ACTIONS", "LOCAL_ACTIONS", "payoff_stack"]

CENTRE_ACTIONS = ("lax", "supervise")
"""The centre's actions 0 and 1."""

LOCAL_ACTIONS = ("defect", "cooperate")
"""A local government's actions 0 and 1."""

_CITY_PARAMS = ("reward", "penalty", "social_benefit", "reputation_loss")


class TripartiteGame(BinaryActionGame):
    """Centre supervising two local governments: a 3-player two-action game in the literature's parameters.

    Players are ``(centre, city A, city B)``; bit 0 of a profile is set iff
    the centre supervises, bit 1 (2) iff city A (B) cooperates. The state of
    the replicator dynamics is ``(z, x_A, x_B)``: the probability that the
    centre supervises and the shares of cooperating local governments.

    Parameters
    ----------
    supervision_cost : float
        ``C_g >= 0``, the centre's cost of supervising.
    supervision_benefit : float, default 0
        ``G >= 0``, what supervising brings the centre whatever the cities do
        (credibility, a superior's appraisal); many papers omit it.
    reward : float or array_like of shape (2,), default 0
        ``R_i >= 0``, paid by the centre to a cooperating city under supervision.
    penalty : float or array_like of shape (2,), default 0
        ``P_i >= 0``, collected by the centre from a defecting city under supervision.
    social_benefit : float or array_like of shape (2,), default 0
        ``B_i >= 0``, the centre's benefit when city i cooperates (supervised or not).
    reputation_loss : float or array_like of shape (2,), default 0
        ``L_i >= 0``, the centre's loss (reputation, accountability) when city i
        defects and the centre did not supervise.
    cost, base, spillover, synergy, siphon, deadweight, perception
        The local governments' n-city terms with n = 2 (see
        :class:`~coopgame.games.ncity.NCityGame`): cost ``c_i``, base payoff
        ``b_i``, spillover ``e_ij`` (received whatever i does: the free-rider's
        gain), synergy ``s_ij``, siphon ``f_ij`` with deadweight ``δ``, and
        perception factor ``β_i`` (on a city's own cost and siphon losses).
    players : sequence of 3 str, default ("centre", "city A", "city B")

    Notes
    -----
    The payoff matrix, with ``u_i^0`` city i's n-city payoff without central
    incentives (``NCityGame`` with reward = penalty = 0; ``b_i`` base,
    ``e_ij`` spillover, ``s_ij`` synergy, ``f_ij`` siphon, ``δ`` deadweight,
    ``β_i`` perception factor on the city's own losses):

    ====================  ===============================================  ====================  ====================
    (centre, A, B)        centre                                           city A                city B
    ====================  ===============================================  ====================  ====================
    (supervise, C, C)     B_A + B_B + G − C_g − R_A − R_B                  u_A^0(C, C) + R_A     u_B^0(C, C) + R_B
    (supervise, C, D)     B_A + G − C_g − R_A + P_B                        u_A^0(C, D) + R_A     u_B^0(C, D) − P_B
    (supervise, D, C)     B_B + G − C_g + P_A − R_B                        u_A^0(D, C) − P_A     u_B^0(D, C) + R_B
    (supervise, D, D)     G − C_g + P_A + P_B                              u_A^0(D, D) − P_A     u_B^0(D, D) − P_B
    (lax, C, C)           B_A + B_B                                        u_A^0(C, C)           u_B^0(C, C)
    (lax, C, D)           B_A − L_B                                        u_A^0(C, D)           u_B^0(C, D)
    (lax, D, C)           B_B − L_A                                        u_A^0(D, C)           u_B^0(D, C)
    (lax, D, D)           −L_A − L_B                                       u_A^0(D, D)           u_B^0(D, D)
    ====================  ===============================================  ====================  ====================

    with (for city A; B symmetric, and ``β = 1`` in the true payoffs)

    * ``u_A^0(C, C) = b_A − β_A (c_A + f_BA) + e_AB + s_AB + (1 − δ) f_AB``
    * ``u_A^0(C, D) = b_A − β_A (c_A + f_BA)``
    * ``u_A^0(D, C) = b_A + e_AB + (1 − δ) f_AB``
    * ``u_A^0(D, D) = b_A``

    The table holds the decision (perceived) payoffs, which drive the
    dynamics; they equal the true ones when ``β = 1``. The advantages of
    action 1, whose signs decide the stability of each vertex, are

    * centre: ``G − C_g − x_A R_A − x_B R_B + (1 − x_A)(P_A + L_A) + (1 − x_B)(P_B + L_B)``
    * city A: ``z (R_A + P_A) − β_A (c_A + f_BA) + s_AB x_B``

    and at a vertex the Jacobian is diagonal with entries ``(1 − 2 x_p)`` times
    them (:func:`coopgame.dynamics.tripartite_stability_table`).

    Examples
    --------
    Supervision costs 2, rewards 0.5, penalties 3, reputation loss 1; cooperating
    costs each city 4 and pays 5 in synergy when both do:

    >>> g = TripartiteGame(supervision_cost=2, reward=0.5, penalty=3, social_benefit=6, reputation_loss=1,
    ...                    cost=4, synergy=[[0, 5], [5, 0]])
    >>> g.payoffs([0b111, 0b001]).tolist()     # (supervise, C, C) and (supervise, D, D)
    [[9.0, 1.5, 1.5], [4.0, -3.0, -3.0]]
    >>> import coopgame
    >>> [p.name() for p in coopgame.rest_points(g).points if p.is_ess]
    ['(1, 0, 0)', '(0, 1, 1)']
    """

    __slots__ = ("_parameters", "_local", "_local_true")

    def __init__(self, *, supervision_cost: float, supervision_benefit: float = 0.0, reward: ArrayLike = 0.0,
                 penalty: ArrayLike = 0.0, social_benefit: ArrayLike = 0.0, reputation_loss: ArrayLike = 0.0, cost: ArrayLike,
                 base: ArrayLike = 0.0, spillover: ArrayLike | None = None, synergy: ArrayLike | None = None,
                 siphon: ArrayLike | None = None, deadweight: float = 0.0, perception: ArrayLike = 1.0,
                 players: Sequence[str] | None = None) -> None:
        func = "TripartiteGame"
        players = label_sequence(players, func=func)
        if players is None:
            players = ("centre", "city A", "city B")
        elif len(players) != 3:
            raise InvalidParameterError(f"{func}(): players must be 3 labels (centre, city A, city B); "
                                        f"got {len(players)}: {list(players)!r}")
        params: dict[str, Any] = {}
        for name, value in (("supervision_cost", supervision_cost), ("supervision_benefit", supervision_benefit)):
            arr = as_float_array(value, func=func, name=name, error=InvalidParameterError)
            if arr.ndim != 0 or not arr >= 0:
                raise InvalidParameterError(f"{func}(): {name} must be a non-negative number; got {_describe(value)}")
            params[name] = float(arr)
        for name, value in zip(_CITY_PARAMS, (reward, penalty, social_benefit, reputation_loss)):
            arr = as_float_array(value, func=func, name=name, error=InvalidParameterError)
            if arr.ndim > 1 or (arr.ndim == 1 and arr.shape != (2,)):
                raise InvalidParameterError(f"{func}(): {name} must be a number or one per city, shape (2,); "
                                            f"got shape {arr.shape}")
            if np.any(arr < 0):
                raise InvalidParameterError(f"{func}(): {name} must be non-negative; got {arr.tolist()}")
            params[name] = np.broadcast_to(arr, (2,)).astype(np.float64)
        cities = list(players[1:])
        local_terms = {"cost": cost, "base": base, "spillover": spillover, "synergy": synergy, "siphon": siphon,
                       "deadweight": deadweight, "perception": perception}
        # one n-city game per centre action: supervision brings the reward and the penalty, laxity neither
        try:
            lax = NCityGame(**local_terms, players=cities)
        except InvalidParameterError as err:  # the n-city game names the term; say whose call it was
            raise InvalidParameterError(f"{func}(): the local governments' terms (2 cities, one issue): "
                                        f"{err}") from None
        if lax.n_layers != 1:
            raise InvalidParameterError(f"{func}(): the local terms must describe 2 cities on one issue; got "
                                        f"{lax.n_layers} issue layers")
        local = NCityGame(**local_terms, reward=params["reward"], penalty=params["penalty"], players=cities)
        table = _payoff_table(params, lax, local, perceived=True)
        super().__init__(table, players=players, actions=("0: lax / defect", "1: supervise / cooperate"))
        set_ = object.__setattr__
        for arr in params.values():
            if isinstance(arr, np.ndarray):
                arr.setflags(write=False)
        set_(self, "_parameters", params)
        set_(self, "_local", (lax, local))
        set_(self, "_local_true", _payoff_table(params, lax, local, perceived=False))
        self._local_true.setflags(write=False)

    def __repr__(self) -> str:
        return f"TripartiteGame(players={list(self.players)!r})"

    def _repr_html_(self) -> str:
        """Jupyter shows the payoff matrix (:meth:`summary`)."""
        from coopgame._display import html_of

        return html_of(self, TripartiteGame.summary)

    # ------------------------------------------------------------------ parameters
    @property
    def parameters(self) -> dict[str, Any]:
        """The centre's parameters: ``supervision_cost``, ``supervision_benefit`` (floats) and the per-city
        arrays ``reward``, ``penalty``, ``social_benefit``, ``reputation_loss`` of shape (2,)."""
        return dict(self._parameters)

    @property
    def local_games(self) -> tuple[NCityGame, NCityGame]:
        """The two local governments' n-city games: ``(without supervision, under supervision)``."""
        return self._local

    @property
    def true_payoff_table(self) -> np.ndarray:
        """The payoff table with the true local payoffs (perception factor 1), for welfare."""
        return self._local_true

    def player_actions(self) -> tuple[tuple[str, str], ...]:
        """Each player's (action 0, action 1) names."""
        return (CENTRE_ACTIONS, LOCAL_ACTIONS, LOCAL_ACTIONS)

    def profile_name(self, mask: int) -> str:
        """A pure profile in words, e.g. ``"(supervise, cooperate, defect)"``."""
        acts = self.player_actions()
        return "(" + ", ".join(acts[p][(int(mask) >> p) & 1] for p in range(3)) + ")"

    # ------------------------------------------------------------------ tables
    def payoff_matrix(self) -> Summary:
        """The payoff matrix the papers print: each of the 8 profiles with the three payoffs.

        Examples
        --------
        >>> g = TripartiteGame(supervision_cost=2, penalty=3, cost=4, synergy=[[0, 5], [5, 0]])
        >>> print(g.payoff_matrix().rows[0])
        ('(lax, defect, defect)', 0.0, 0.0, 0.0)
        """
        rows = tuple((self.profile_name(m), *(float(v) for v in self.payoff_table[m]))
                     for m in range(8))
        return Summary(title="Tripartite game: payoff matrix", facts=(("players", ", ".join(self.players)),),
                       columns=("profile", *self.players), rows=rows,
                       notes=("Local payoffs as the cities perceive them (perception factor on own costs); "
                              "equal to the true payoffs when it is 1.",))

    def eigenvalue_formulas(self) -> Summary:
        """The eigenvalues at the eight vertices as expressions in the parameters, as the papers print them.

        Symbols: ``C_g`` supervision cost, ``G`` supervision benefit, ``R_A``,
        ``P_A``, ``L_A`` reward, penalty and reputation loss of city A,
        ``c_A`` its cost, ``β_A`` its perception factor, ``f_BA`` what
        B draws from A when A opens, ``s_AB`` A's synergy with B. Terms whose
        parameters are zero in this game (and a perception factor of 1) are
        left out; :func:`coopgame.dynamics.tripartite_stability_table` gives the values.

        Examples
        --------
        >>> g = TripartiteGame(supervision_cost=2, reward=0.5, penalty=3, reputation_loss=1, cost=4,
        ...                    synergy=[[0, 5], [5, 0]])
        >>> g.eigenvalue_formulas().rows[0]
        ('E1 (0, 0, 0)', 'P_A + L_A + P_B + L_B - C_g', '-c_A', '-c_B')
        >>> g.eigenvalue_formulas().rows[7]
        ('E8 (1, 1, 1)', 'R_A + R_B + C_g', '-R_A - P_A + c_A - s_AB', '-R_B - P_B + c_B - s_BA')
        """
        rows = []
        for mask in range(8):
            v = [(mask >> p) & 1 for p in range(3)]
            exprs = [self._advantage_terms(p, v) for p in range(3)]
            rows.append((f"E{mask + 1} ({v[0]}, {v[1]}, {v[2]})",
                         *(_signed(terms, negate=bool(v[p])) for p, terms in enumerate(exprs))))
        return Summary(title="Tripartite game: eigenvalues of the Jacobian at the pure rest points",
                       facts=(("symbols", "C_g, G centre's supervision cost and benefit; R_i, P_i, L_i reward, "
                                          "penalty, reputation loss of city i; c_i, β_i, f_ji, s_ij the city's "
                                          "cost, perception factor, siphon loss and synergy"),
                              ("cities", f"A = {self.players[1]}, B = {self.players[2]}")),
                       columns=("point", "λ1", "λ2", "λ3"), rows=tuple(rows))

    def _advantage_terms(self, p: int, v: list[int]) -> list[tuple[int, str]]:
        """Signed terms ``(±1, symbol)`` of player p's advantage of action 1 at vertex ``v`` (zero terms dropped)."""
        q = self._parameters
        names = ("A", "B")
        if p == 0:
            terms = [(1, "G")] if q["supervision_benefit"] else []
            for i in range(2):
                if v[1 + i]:
                    terms += [(-1, f"R_{names[i]}")] if q["reward"][i] else []
                else:
                    terms += [(1, f"{sym}_{names[i]}") for sym, key in (("P", "penalty"), ("L", "reputation_loss"))
                              if q[key][i]]
            return terms + ([(-1, "C_g")] if q["supervision_cost"] else [])
        i, j = p - 1, 2 - p
        lax, supervised = self._local
        me, other = names[i], names[j]
        terms = []
        if v[0]:
            terms += [(1, f"R_{me}")] if q["reward"][i] else []
            terms += [(1, f"P_{me}")] if q["penalty"][i] else []
        own = [f"c_{me}"] if lax.cost[0, i] else []
        own += [f"f_{other}{me}"] if lax.siphon[0, j, i] else []
        if own:
            inner = own[0] if len(own) == 1 else "(" + " + ".join(own) + ")"
            terms.append((-1, f"β_{me} {inner}" if lax.perception[0, i] != 1 else inner))
        if v[1 + j] and lax.synergy[0, i, j]:
            terms.append((1, f"s_{me}{other}"))
        return terms

    def summary(self) -> Summary:
        """The payoff matrix (:meth:`payoff_matrix`); the stability table is
        :func:`coopgame.dynamics.tripartite_stability_table`."""
        return self.payoff_matrix()


def _signed(terms: list[tuple[int, str]], *, negate: bool) -> str:
    """``terms`` as a flat expression, every sign flipped when the vertex has the player at action 1."""
    if not terms:
        return "0"
    flip = -1 if negate else 1
    text = ""
    for k, (sign, sym) in enumerate(terms):
        positive = sign * flip > 0
        text += (sym if positive else "-" + sym) if k == 0 else (" + " if positive else " - ") + sym
    return text


def _payoff_table(params: dict[str, Any], lax: NCityGame, supervised: NCityGame, *, perceived: bool) -> np.ndarray:
    """The (8, 3) table: :func:`payoff_stack` of this one game."""
    from coopgame.games.ncity import PARAMETER_NAMES

    centre = {k: np.asarray(v)[None] for k, v in params.items()}
    return payoff_stack(centre, {k: lax.parameter(k)[None] for k in PARAMETER_NAMES},
                        {k: supervised.parameter(k)[None] for k in PARAMETER_NAMES}, perceived=perceived)[0]


def payoff_stack(centre: Mapping[str, np.ndarray], lax: Mapping[str, np.ndarray],
                 supervised: Mapping[str, np.ndarray], *, perceived: bool) -> np.ndarray:
    """The payoff tables of ``G`` stacked tripartite games at once, shape (G, 8, 3): the one place they are written.

    The centre's payoff in closed form (the table of :class:`TripartiteGame`), the cities' from the n-city payoff
    formula (:func:`coopgame.games.ncity.payoffs_of_states`) of their game without and with supervision. No
    validation: the games' constructors (or the model file's checks) did it.

    Parameters
    ----------
    centre : mapping of str to ndarray
        ``supervision_cost``, ``supervision_benefit`` of shape (G,); ``reward``, ``penalty``, ``social_benefit``,
        ``reputation_loss`` of shape (G, 2).
    lax, supervised : mapping of str to ndarray
        The local governments' two-city games (:meth:`NCityGame.parameter` of each name in
        :data:`~coopgame.games.ncity.PARAMETER_NAMES`, with a leading axis of ``G`` games, one issue layer):
        without supervision, and under it (the centre's reward and penalty as the n-city ``reward`` and
        ``penalty`` terms).
    perceived : bool
        Decision payoffs (the cities' perception factor on their own losses) or true ones.

    Returns
    -------
    ndarray, shape (G, 8, 3)
        Row = profile bitmask (bit 0 the centre supervises, bits 1 and 2 the cities cooperate).

    Examples
    --------
    >>> g = TripartiteGame(supervision_cost=2, reward=0.5, penalty=3, cost=4, synergy=[[0, 5], [5, 0]])
    >>> lax, sup = g.local_games
    >>> from coopgame.games.ncity import PARAMETER_NAMES
    >>> centre = {k: np.asarray(v)[None] for k, v in g.parameters.items()}
    >>> t = payoff_stack(centre, {k: lax.parameter(k)[None] for k in PARAMETER_NAMES},
    ...                  {k: sup.parameter(k)[None] for k in PARAMETER_NAMES}, perceived=True)
    >>> t.shape, bool(np.array_equal(t[0], g.payoff_table))
    ((1, 8, 3), True)
    """
    masks = np.arange(8)
    z = (masks & 1).astype(float)                                              # (8,) the centre supervises
    x = np.stack([(masks >> 1) & 1, (masks >> 2) & 1], axis=1).astype(float)  # (8, 2) cooperating cities
    R, P, B, L = (np.asarray(centre[k], dtype=float) for k in _CITY_PARAMS)   # (G, 2) each
    gain = np.asarray(centre["supervision_benefit"], dtype=float) - np.asarray(centre["supervision_cost"],
                                                                                dtype=float)
    boss = (B @ x.T + z * (gain[:, None] - R @ x.T + P @ (1.0 - x).T)
            - (1.0 - z) * (L @ (1.0 - x).T))                                   # (G, 8)
    states = x[::2][None, :, None, :]                                          # the 4 city profiles, (1, 4, 1, 2)
    u = [payoffs_of_states(p, states, perceived=perceived)[:, :, 0, :] for p in (lax, supervised)]  # (G, 4, 2)
    city = masks >> 1
    local = np.where(z[None, :, None] == 1.0, u[1][:, city], u[0][:, city])    # (G, 8, 2)
    return np.concatenate([boss[..., None], local], axis=2) + 0.0

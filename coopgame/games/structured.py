"""Structured TU games: additive + pairwise + cost terms, never stored densely.

The TU game of the n-city model is quadratic in membership (DESIGN §2.2),
possibly plus the cost of joint projects:

    v(S) = Σ_{i∈S} a_i + Σ_{i,j∈S, i≠j} M_ij − Σ_k C_k(S)

Shapley is linear in ``v``, so each part is valued on its own: the quadratic
part by the closed form ``φ_i = a_i + ½ Σ_j (M_ij + M_ji)`` (exact at any n),
an airport cost term by the Littlechild–Owen formula, other cost terms by exact
enumeration when n is small or by sampling otherwise. The dense vector is
produced only on request (:meth:`StructuredGame.to_tu`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from coopgame._bitmask import additive_values, membership_matrix, quadratic_values
from coopgame._memory import ensure_dense_fits
from coopgame._pickling import ReadOnlyState
from coopgame._typing import FloatMatrix, FloatVector
from coopgame._validation import _describe, as_float_array, check_players, check_real, label_sequence
from coopgame.errors import InvalidGameError, InvalidParameterError
from coopgame.games.tu import Sealed, TUGame, as_masks, seal

__all__ = ["StructuredGame", "CostTerm", "AirportCost", "ScaleEconomyCost", "as_dense_game"]

_CHUNK = 1 << 16  # coalitions per evaluation chunk: bounds temporary memory


class CostTerm(Sealed, ReadOnlyState):
    """Base class of the cost of a joint project, ``C(S)`` with ``C(∅) = 0``.

    Subclasses implement :meth:`cost_of_members`; they may override
    :meth:`cost_along_orders` with a faster prefix formula and
    :meth:`shapley_cost_shares` / :meth:`banzhaf_cost_shares` with closed forms
    (``None`` means there is none, and solvers fall back to enumeration or sampling).
    """

    __slots__ = ()
    __hash__ = None  # type: ignore[assignment]

    @property
    def n_players(self) -> int:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def cost_of_members(self, member: np.ndarray) -> FloatVector:  # pragma: no cover - abstract
        """``C(S)`` for each row of a boolean membership matrix of shape (K, n)."""
        raise NotImplementedError

    def cost_along_orders(self, orders: np.ndarray) -> FloatMatrix:
        """``out[p, k] = C(first k players of order p)`` for k = 0..n, shape (P, n + 1)."""
        n_orders, n = orders.shape
        out = np.zeros((n_orders, n + 1))
        member = np.zeros((n_orders, n), dtype=bool)
        rows = np.arange(n_orders)
        for k in range(n):  # n prefix steps, each vectorised over all orders
            member[rows, orders[:, k]] = True
            out[:, k + 1] = self.cost_of_members(member)
        return out

    def dense_costs(self, out: np.ndarray | None = None) -> FloatVector:
        """``C(S)`` for all ``2**n`` masks in bitmask order, written into ``out`` when given.

        Evaluated in chunks of masks, so the temporary membership matrices stay
        small; subclasses may override with a doubling formula. Size checks are
        the caller's (:func:`~coopgame._memory.ensure_dense_fits`).
        """
        n = self.n_players
        if out is None:
            out = np.empty(1 << n)
        for start in range(0, out.size, _CHUNK):
            masks = np.arange(start, min(out.size, start + _CHUNK), dtype=np.int64)
            out[start:start + masks.size] = self.cost_of_members(membership_matrix(masks, n))
        return out

    @property
    def standalone(self) -> FloatVector:
        """``C({i})`` for every player."""
        return self.cost_of_members(np.eye(self.n_players, dtype=bool))

    def shapley_cost_shares(self) -> FloatVector | None:
        """Closed-form Shapley cost shares, or ``None`` when there is none."""
        return None

    def banzhaf_cost_shares(self) -> FloatVector | None:
        """Closed-form Banzhaf cost shares, or ``None`` when there is none."""
        return None


class AirportCost(CostTerm):
    """``C(S) = max_{i∈S} c_i``: a facility sized for its most demanding member (Littlechild–Owen 1973).

    Parameters
    ----------
    costs : array_like, shape (n,)
        Non-negative cost of the facility each player needs alone.

    Examples
    --------
    Runways for four aircraft types (literature/05 §5.4):

    >>> AirportCost([8, 11, 13, 18]).shapley_cost_shares().tolist()
    [2.0, 3.0, 4.0, 9.0]
    """

    __slots__ = ("_costs",)
    _sealed = frozenset(__slots__)

    def __init__(self, costs: ArrayLike) -> None:
        c = as_float_array(costs, func="AirportCost", name="costs", ndim=1)
        if c.size < 1 or np.any(c < 0):
            raise InvalidGameError(f"AirportCost(): costs must be a non-empty vector of numbers >= 0; got {c.tolist()}")
        object.__setattr__(self, "_costs", seal(c))

    @property
    def costs(self) -> FloatVector:
        """``c_i`` (read-only)."""
        return self._costs

    @property
    def n_players(self) -> int:
        return self._costs.shape[0]

    def cost_of_members(self, member: np.ndarray) -> FloatVector:
        member = _members(member, self.n_players, func="AirportCost.cost_of_members")
        return np.where(member, self._costs, 0.0).max(axis=1, initial=0.0)

    @property
    def standalone(self) -> FloatVector:
        """``C({i}) = c_i`` (no n × n membership matrix: airport games have thousands of players)."""
        return seal(np.array(self._costs, copy=True))

    def cost_along_orders(self, orders: np.ndarray) -> FloatMatrix:
        out = np.zeros((orders.shape[0], orders.shape[1] + 1))
        np.maximum.accumulate(self._costs[orders], axis=1, out=out[:, 1:])
        return out

    def _increments(self) -> tuple[np.ndarray, np.ndarray]:
        # C = Σ_j (c_(j) − c_(j−1)) [S holds someone of rank ≥ j]: one term per cost step.
        order = np.argsort(self._costs, kind="stable")
        steps = np.diff(self._costs[order], prepend=0.0)
        return order, steps

    def shapley_cost_shares(self) -> FloatVector:
        """Each cost step is split equally among the players who need it (Littlechild–Owen)."""
        order, steps = self._increments()
        n = self.n_players
        shares = np.empty(n)
        shares[order] = np.cumsum(steps / (n - np.arange(n)))
        return shares

    def banzhaf_cost_shares(self) -> FloatVector:
        """A step needed by m players costs each of them ``step / 2**(m−1)`` (pivotal when the others are out)."""
        order, steps = self._increments()
        n = self.n_players
        shares = np.empty(n)
        shares[order] = np.cumsum(steps * np.exp2(-(n - 1 - np.arange(n))))
        return shares

    def __repr__(self) -> str:
        costs = self._costs.tolist()
        if len(costs) <= 8:
            return f"AirportCost(costs={costs})"
        return f"AirportCost(n_players={len(costs)}, max_cost={max(costs):g})"   # one short line for long lists


class ScaleEconomyCost(CostTerm):
    """``C(S) = K (Σ_{i∈S} q_i)**θ``: a shared plant with scale economies (θ < 1) or diseconomies (θ > 1).

    Parameters
    ----------
    quantities : array_like, shape (n,)
        ``q_i >= 0``, each player's demand.
    scale : float
        ``K >= 0``, cost of one unit of capacity.
    exponent : float
        ``θ > 0``.

    Examples
    --------
    >>> term = ScaleEconomyCost([1.0, 3.0], scale=10.0, exponent=0.5)
    >>> term.cost_of_members(np.array([[True, False], [True, True]])).tolist()
    [10.0, 20.0]
    """

    __slots__ = ("_q", "_scale", "_exponent")
    _sealed = frozenset(__slots__)

    def __init__(self, quantities: ArrayLike, *, scale: float, exponent: float) -> None:
        q = as_float_array(quantities, func="ScaleEconomyCost", name="quantities", ndim=1)
        if q.size < 1 or np.any(q < 0):
            raise InvalidGameError(f"ScaleEconomyCost(): quantities must be a non-empty vector >= 0; got {q.tolist()}")
        try:   # game data: refused as InvalidGameError, like the quantities
            k = check_real(scale, func="ScaleEconomyCost", name="scale", minimum=0.0)
            theta = check_real(exponent, func="ScaleEconomyCost", name="exponent", minimum=0.0, strict_minimum=True)
        except InvalidParameterError as exc:
            raise InvalidGameError(str(exc)) from None
        object.__setattr__(self, "_q", seal(q))
        object.__setattr__(self, "_scale", k)
        object.__setattr__(self, "_exponent", theta)

    @property
    def quantities(self) -> FloatVector:
        """``q_i`` (read-only)."""
        return self._q

    @property
    def scale(self) -> float:
        """``K``."""
        return self._scale

    @property
    def exponent(self) -> float:
        """``θ``."""
        return self._exponent

    @property
    def n_players(self) -> int:
        return self._q.shape[0]

    def cost_of_members(self, member: np.ndarray) -> FloatVector:
        member = _members(member, self.n_players, func="ScaleEconomyCost.cost_of_members")
        return self._scale * (member.astype(np.float64) @ self._q) ** self._exponent

    @property
    def standalone(self) -> FloatVector:
        """``C({i}) = K q_i^θ``, without an n × n membership matrix."""
        return seal(self._scale * self._q ** self._exponent)

    def cost_along_orders(self, orders: np.ndarray) -> FloatMatrix:
        out = np.zeros((orders.shape[0], orders.shape[1] + 1))
        np.cumsum(self._q[orders], axis=1, out=out[:, 1:])
        return self._scale * out ** self._exponent

    def dense_costs(self, out: np.ndarray | None = None) -> FloatVector:
        """``K (Σ_{i∈S} q_i)^θ`` for all masks: the pooled demand by doubling, then one power, in place."""
        out = additive_values(self._q, out=out)
        np.power(out, self._exponent, out=out)
        out *= self._scale
        return out

    def __repr__(self) -> str:
        return f"ScaleEconomyCost(n_players={self.n_players}, scale={self._scale:g}, exponent={self._exponent:g})"


class StructuredGame(Sealed, ReadOnlyState):
    """A TU game ``v(S) = Σ_{i∈S} a_i + Σ_{i≠j∈S} M_ij − Σ_k C_k(S)`` kept in structured form.

    Parameters
    ----------
    additive : array_like, shape (n,)
        ``a_i``, what player i brings alone.
    pairwise : array_like, shape (n, n), optional
        ``M_ij`` for ordered pairs, earned when both i and j are in S. The
        diagonal must be zero. Default: no pairwise terms.
    players : sequence of str, optional
        Labels.
    costs : CostTerm or sequence of CostTerm, optional
        Joint-project costs subtracted from the worth of every coalition.
        For the savings game of a pure cost game use :meth:`from_costs`.

    Examples
    --------
    >>> g = StructuredGame([1.0, 2.0, 0.0], [[0, 1, 0], [1, 0, 0], [0, 0, 0]])
    >>> g.value_of_masks(np.array([3, 7])).tolist()
    [5.0, 5.0]
    >>> g.to_tu().values.tolist()
    [0.0, 1.0, 2.0, 5.0, 0.0, 1.0, 2.0, 5.0]
    """

    __slots__ = ("_additive", "_pairwise", "_players", "_costs", "_standalone_costs")
    __hash__ = None  # type: ignore[assignment]
    _sealed = frozenset(__slots__)

    def __init__(self, additive: ArrayLike, pairwise: ArrayLike | None = None,
                 players: Sequence[str] | None = None, *,
                 costs: CostTerm | Sequence[CostTerm] = ()) -> None:
        players = label_sequence(players, func="StructuredGame")
        a = as_float_array(additive, func="StructuredGame", name="additive", ndim=1)
        n = a.shape[0]
        if n < 1:
            raise InvalidGameError("StructuredGame(): additive must have at least one entry; got 0")
        if pairwise is None:
            m = np.zeros((n, n))
        else:
            m = as_float_array(pairwise, func="StructuredGame", name="pairwise", shape=(n, n))
            if np.any(np.diag(m) != 0):
                raise InvalidGameError(
                    f"StructuredGame(): pairwise must have a zero diagonal; got {np.diag(m).tolist()}")
        terms = _cost_terms(costs, func="StructuredGame")
        for term in terms:
            if not isinstance(term, CostTerm):
                raise InvalidGameError(f"StructuredGame(): costs must be CostTerm objects; got {type(term).__name__}")
            if term.n_players != n:
                raise InvalidGameError(
                    f"StructuredGame(): every cost term must have {n} players; got {term!r}")
        set_ = object.__setattr__
        set_(self, "_additive", seal(a))
        set_(self, "_pairwise", seal(m))
        set_(self, "_players", check_players(players, n, func="StructuredGame"))
        set_(self, "_costs", terms)
        set_(self, "_standalone_costs", None)

    @classmethod
    def from_costs(cls, costs: CostTerm | Sequence[CostTerm], players: Sequence[str] | None = None) -> StructuredGame:
        """The savings game ``v(S) = Σ_{i∈S} C({i}) − C(S)`` of a structured cost ``C = Σ_k C_k``.

        Like :meth:`TUGame.from_costs`, the game remembers the stand-alone
        costs, so solvers report cost shares ``C({i}) − x_i``.

        Examples
        --------
        >>> g = StructuredGame.from_costs(AirportCost([8, 11, 13, 18]))
        >>> g.standalone_costs.tolist(), g.grand_value
        ([8.0, 11.0, 13.0, 18.0], 32.0)
        """
        terms = _cost_terms(costs, func="StructuredGame.from_costs")
        if not terms:
            raise InvalidGameError("StructuredGame.from_costs(): give at least one cost term")
        standalone = sum(term.standalone for term in terms)
        game = cls(standalone, None, players, costs=terms)
        object.__setattr__(game, "_standalone_costs", seal(np.array(standalone, dtype=np.float64)))
        return game

    @property
    def additive(self) -> FloatVector:
        """``a_i`` (read-only)."""
        return self._additive

    @property
    def pairwise(self) -> FloatMatrix:
        """``M_ij`` (read-only), zero diagonal."""
        return self._pairwise

    @property
    def cost_terms(self) -> tuple[CostTerm, ...]:
        """The cost terms ``C_k`` subtracted from every coalition's worth."""
        return self._costs

    @property
    def players(self) -> tuple[str, ...]:
        """Player labels."""
        return self._players

    @property
    def n_players(self) -> int:
        """Number of players."""
        return self._additive.shape[0]

    @property
    def standalone_costs(self) -> FloatVector | None:
        """``C({i})`` when built with :meth:`from_costs`, else ``None``."""
        return self._standalone_costs

    @property
    def is_cost_game(self) -> bool:
        """Whether the game is the savings game of a cost game."""
        return self._standalone_costs is not None

    def cost_shares(self, allocation: ArrayLike) -> FloatVector:
        """Convert a savings allocation into cost shares ``C({i}) − x_i`` (games built by :meth:`from_costs`)."""
        if self._standalone_costs is None:
            raise InvalidGameError("StructuredGame.cost_shares(): the game was not built from costs (use from_costs)")
        x = as_float_array(allocation, func="StructuredGame.cost_shares", name="allocation", shape=(self.n_players,))
        return self._standalone_costs - x

    @property
    def grand_value(self) -> float:
        """v(N)."""
        everyone = np.ones((1, self.n_players), dtype=bool)
        return float(self._additive.sum() + self._pairwise.sum()
                     - sum(float(t.cost_of_members(everyone)[0]) for t in self._costs))

    def status_quo(self) -> FloatVector:
        """Each player's payoff with everyone cooperating and no transfers (DESIGN §2.1).

        ``a_i + Σ_j M_ij``: ``M_ij`` is what i earns from pairing with j, so in
        the grand coalition i keeps its own term and its row of the pairwise
        matrix. The entries add up to ``v(N)``. This is the convention of
        :meth:`NCityGame.tu_game` and of the ``fund`` model kind; a game built
        with another convention must supply its status quo itself.

        Raises
        ------
        InvalidGameError
            When the game has cost terms: a joint cost ``C(N)`` has no natural
            split among the players without a transfer rule, so there is no
            status quo to read off the game.

        Examples
        --------
        >>> g = StructuredGame([1.0, 2.0], [[0.0, 3.0], [1.0, 0.0]])
        >>> g.status_quo().tolist(), g.grand_value
        ([4.0, 3.0], 7.0)
        """
        if self._costs:
            raise InvalidGameError(
                "StructuredGame.status_quo(): defined only without cost terms (a joint cost has no natural "
                f"split without a transfer rule); got {len(self._costs)} cost term(s)")
        return seal(self._additive + self._pairwise.sum(axis=1))

    def value_of_members(self, member: ArrayLike) -> FloatVector:
        """v(S) for each row of a boolean membership matrix of shape (K, n) (any n)."""
        m = _members(member, self.n_players, func="StructuredGame.value_of_members")
        x = m.astype(np.float64)
        out = x @ self._additive + np.einsum("ki,ij,kj->k", x, self._pairwise, x)
        for term in self._costs:
            out -= term.cost_of_members(m)
        return out

    def value_of_masks(self, masks: ArrayLike) -> FloatVector:
        """v(S) for an array of bitmasks (n up to 62; no dense vector)."""
        if self.n_players > 62:
            raise InvalidGameError(
                f"StructuredGame.value_of_masks(): int64 masks hold at most 62 players; got {self.n_players} "
                "(use value_of_members)")
        masks = as_masks(masks, self.n_players, func="StructuredGame.value_of_masks")
        flat = masks.ravel()
        out = np.concatenate([self.value_of_members(membership_matrix(flat[k:k + _CHUNK], self.n_players))
                              for k in range(0, max(flat.size, 1), _CHUNK)])[:flat.size]
        return out.reshape(masks.shape)

    def quadratic_part(self) -> StructuredGame:
        """The same game without its cost terms."""
        return StructuredGame(self._additive, self._pairwise, self._players)

    def to_tu(self) -> TUGame:
        """The dense :class:`~coopgame.TUGame` (refused, before allocating, when it would not fit)."""
        n = self.n_players
        ensure_dense_fits(n, func="StructuredGame.to_tu", arrays=4)  # values, cost buffer, checked + sealed copies
        # v = additive part + Σ over ordered pairs, built by doubling over players, in place.
        values = quadratic_values(self._additive, self._pairwise)
        buffer = None
        for term in self._costs:
            buffer = term.dense_costs(out=buffer)
            values -= buffer
        del buffer
        return TUGame._with_costs(TUGame(values, self._players), self._standalone_costs)

    def __repr__(self) -> str:
        extra = f", costs={list(self._costs)!r}" if self._costs else ""
        if len(extra) > 100:
            extra = f", costs=<{len(self._costs)} terms>"
        return f"StructuredGame(n_players={self.n_players}, v(N)={self.grand_value:g}{extra})"

    def _repr_html_(self) -> str:
        """Jupyter shows a compact summary table (:mod:`coopgame._display`), never all 2**n values of a big game."""
        from coopgame._display import html_of, tu_summary

        return html_of(self, tu_summary)


def _members(member: ArrayLike, n: int, *, func: str) -> np.ndarray:
    """A boolean (K, n) membership matrix; integer 0/1 matrices are read as booleans, anything else refused."""
    m = member if isinstance(member, np.ndarray) else np.asarray(member)
    if m.dtype.kind not in "biu" or m.ndim != 2 or m.shape[1] != n:
        got = _describe(member) if m.ndim == 0 else f"an array of dtype {m.dtype} and shape {m.shape}"
        raise InvalidParameterError(f"{func}(): member must be a boolean matrix of shape (K, {n}); got {got}")
    return m if m.dtype == bool else m != 0


def _cost_terms(costs: object, *, func: str) -> tuple[CostTerm, ...]:
    """One cost term or a list/tuple of them, as a tuple of CostTerm objects."""
    if isinstance(costs, CostTerm):
        return (costs,)
    if costs is None:   # no joint-project costs
        return ()
    if not isinstance(costs, (list, tuple)):
        bad: object = costs
    else:
        bad = next((term for term in costs if not isinstance(term, CostTerm)), None)
    if bad is not None or (isinstance(costs, (list, tuple)) and None in costs):
        raise InvalidGameError(f"{func}(): costs must be a CostTerm or a list of CostTerm objects; "
                               f"got {_describe(bad)}")
    return tuple(costs)


def as_dense_game(game: object, *, func: str, arrays: float = 4.0) -> TUGame:
    """The dense :class:`TUGame` behind ``game``: a StructuredGame is expanded (if it fits), a TUGame returned as is.

    ``func`` names the caller in the error raised for any other type, or when
    ``arrays`` arrays of ``2**n`` floats would not fit in memory.

    Examples
    --------
    >>> as_dense_game(StructuredGame([1.0, 2.0], [[0.0, 1.0], [0.0, 0.0]]), func="demo").values.tolist()
    [0.0, 1.0, 2.0, 4.0]
    """
    if isinstance(game, StructuredGame):
        ensure_dense_fits(game.n_players, func=func, arrays=max(arrays, 4.0))  # named after the caller
        return game.to_tu()
    if not isinstance(game, TUGame):
        raise InvalidGameError(f"{func}(): game must be a TUGame or StructuredGame; got {type(game).__name__}")
    ensure_dense_fits(game.n_players, func=func, arrays=arrays)
    return game

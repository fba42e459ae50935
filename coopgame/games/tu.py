"""Transferable-utility (TU) games stored densely, one value per coalition."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from coopgame._bitmask import additive_values, member_labels
from coopgame._memory import ensure_dense_fits
from coopgame._pickling import ReadOnlyState
from coopgame._typing import CoalitionValues, FloatVector
from coopgame._validation import (
    _describe,
    as_coalition_vector,
    as_float_array,
    check_players,
    check_positive_int,
    check_real,
    check_tol,
    frozen,
    label_sequence,
)
from coopgame.errors import InvalidGameError, InvalidParameterError
from coopgame.tolerances import DEFAULT_TOL, payoff_scale

__all__ = ["TUGame", "as_masks", "bankruptcy_claims", "seal", "Sealed", "VotingWeights", "voting_weights"]

_FUNCTION_CHUNK = 1 << 20  # masks per call of a user value function: bounds temporary memory


def seal(arr: np.ndarray) -> np.ndarray:
    """A read-only copy of ``arr`` (``coopgame._validation.frozen``) that nothing can make writeable again.

    The copy lives in an immutable ``bytes`` buffer, so neither the array nor
    anything reachable through ``.base`` can be made writeable. Callers pass
    arrays they own and drop them, so the peak is two copies of the data.

    Examples
    --------
    >>> v = seal(np.zeros(3))
    >>> v.setflags(write=True)
    Traceback (most recent call last):
    ...
    ValueError: cannot set WRITEABLE flag to True of this array
    >>> v.base.setflags(write=True)
    Traceback (most recent call last):
    ...
    AttributeError: 'bytes' object has no attribute 'setflags'
    """
    return frozen(arr)


class Sealed:
    """Mixin: the attributes named in ``_sealed`` cannot be reassigned or deleted once the object exists.

    Constructors set them with ``object.__setattr__`` (as unpickling and
    copying do, see :class:`~coopgame._pickling.ReadOnlyState`). Other
    attributes, e.g. those of a user's subclass, are left alone.
    """

    __slots__ = ()
    _sealed: frozenset[str] = frozenset()

    def __setattr__(self, name: str, value: Any) -> None:
        if name in type(self)._sealed:
            raise AttributeError(f"{type(self).__name__} is immutable; cannot set {name!r}")
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        if name in type(self)._sealed:
            raise AttributeError(f"{type(self).__name__} is immutable; cannot delete {name!r}")
        object.__delattr__(self, name)


class TUGame(Sealed, ReadOnlyState):
    """A TU game as a dense vector of coalition values in bitmask order.

    ``values[mask]`` is the worth v(S) of the coalition S whose members are the
    set bits of ``mask``: bit ``i`` set iff player ``i`` belongs to S. The
    empty coalition is worth zero.

    Parameters
    ----------
    values : array_like, shape (2**n,)
        Coalition values. Copied; the game's array is a read-only view that
        cannot be made writeable, and the game's attributes cannot be
        reassigned: a game never changes after it is built.
    players : sequence of str, optional
        Player labels; default ``('1', ..., 'n')``. A number, a string, a set
        or a mapping is refused (:class:`InvalidGameError`).

    Raises
    ------
    InvalidGameError
        If ``values`` is not one-dimensional, its length is not a power of two
        (at least 2), it holds NaN or infinities, or ``values[0] != 0``.
    GameTooLargeError
        Never from here (the array already exists); the ``from_*``
        constructors refuse sizes that would not fit, before allocating.

    See Also
    --------
    TUGame.from_dict, TUGame.from_function, TUGame.from_costs, TUGame.from_cost_function

    Examples
    --------
    The glove game: player 1 owns a left glove, players 2 and 3 a right one;
    a pair is worth 1.

    >>> g = TUGame([0, 0, 0, 1, 0, 1, 0, 1], players=["L", "R1", "R2"])
    >>> g.n_players, g.value(["L", "R2"]), g.grand_value
    (3, 1.0, 1.0)
    """

    __slots__ = ("_values", "_players", "_n", "_standalone_costs")
    __hash__ = None  # type: ignore[assignment]
    _sealed = frozenset(__slots__)

    def __init__(self, values: ArrayLike, players: Sequence[str] | None = None) -> None:
        players = label_sequence(players, func="TUGame")
        arr, n = as_coalition_vector(values, func="TUGame", name="values", empty="be worth 0")
        labels = check_players(players, n, func="TUGame")
        self._init(seal(arr), labels, None)

    def _init(self, values: np.ndarray, players: tuple[str, ...], standalone: np.ndarray | None) -> None:
        """Set the sealed state (``values`` and ``standalone`` already read-only views)."""
        set_ = object.__setattr__
        set_(self, "_values", values)
        set_(self, "_players", players)
        set_(self, "_n", values.shape[0].bit_length() - 1)
        set_(self, "_standalone_costs", standalone)

    @classmethod
    def _with_costs(cls, game: TUGame, standalone: np.ndarray | None) -> TUGame:
        """``game`` with stand-alone costs attached (a new object: games never change)."""
        out = cls.__new__(cls)
        TUGame._init(out, game._values, game._players, None if standalone is None else seal(
            np.array(standalone, dtype=np.float64)))
        return out

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_dict(cls, worths: Mapping[Any, float], players: Sequence[str] | None = None, *,
                  n_players: int | None = None, fill: float | None = None) -> TUGame:
        """Build a game from a mapping of coalitions to values.

        Parameters
        ----------
        worths : mapping
            Keys are coalitions: an iterable of player labels or indices
            (``("A", "B")``, ``frozenset({0, 2})``, ``()`` for the empty one),
            or a single label or index for a singleton. Values are worths.
        players : sequence of str, optional
            Labels; needed when keys use labels.
        n_players : int, optional
            Number of players when no labels are given.
        fill : float, optional
            Worth of every coalition missing from ``worths``. By default a
            missing coalition is an error (the empty one is always 0).

        Raises
        ------
        InvalidGameError
            If ``worths`` is not a mapping, a worth or ``fill`` is not a
            finite real number (strings, complex numbers, booleans, NaN and
            infinities are refused, never converted or filled), a key names an
            unknown player, one coalition is given twice with different
            worths, or coalitions are missing and no ``fill`` is given.

        Examples
        --------
        >>> g = TUGame.from_dict({"A": 1, "B": 1, ("A", "B"): 3}, players=["A", "B"])
        >>> g.values.tolist()
        [0.0, 1.0, 1.0, 3.0]
        """
        func = "TUGame.from_dict"
        if not isinstance(worths, Mapping):
            raise InvalidGameError(f"{func}(): worths must be a mapping (dict) of coalitions to worths; "
                                   f"got {_describe(worths)}")
        players = label_sequence(players, func=func)
        if players is None and n_players is None:
            raise InvalidGameError(f"{func}(): give players (labels) or n_players")
        n = len(players) if players is not None else check_positive_int(n_players, func=func, name="n_players")
        labels = check_players(players, n, func=func)
        fill_value = None if fill is None else _real(fill, func=func, name="fill")
        ensure_dense_fits(n, func=func, arrays=3.2)   # values, given-mask, checked copy, sealed copy
        index = {p: i for i, p in enumerate(labels)}
        values = np.zeros(2**n)
        given = np.zeros(2**n, dtype=bool)   # which worths were given (a NaN is refused, never a marker)
        given[0] = True
        for key, worth in worths.items():   # one entry per coalition the user wrote down
            mask = _mask_of(key, index, n, func=func)
            x = _real(worth, func=func, name=f"the worth of coalition {key!r}")
            if given[mask] and mask and values[mask] != x:
                raise InvalidGameError(f"{func}(): coalition {member_labels(mask, labels)} is given twice, "
                                       f"with worths {values[mask]!r} and {x!r}")
            values[mask] = x
            given[mask] = True
        if not given.all():
            if fill_value is None:
                first = int(np.flatnonzero(~given)[0])
                raise InvalidGameError(
                    f"{func}(): {int((~given).sum())} of {2**n} coalitions have no value "
                    f"(first: {member_labels(first, labels)}); give them or pass fill="
                )
            values[~given] = fill_value
        return cls(values, labels)

    @classmethod
    def from_function(cls, func: Callable[[np.ndarray], ArrayLike], players: Sequence[str] | None = None, *,
                      n_players: int | None = None) -> TUGame:
        """Build a game from a vectorised value function of coalition masks.

        Parameters
        ----------
        func : callable
            ``func(masks) -> values``: takes an ``int64`` array of bitmasks and
            returns one worth per mask. It is called on chunks of at most
            2**20 masks, so temporary memory stays bounded. ``func`` must give
            0 for the empty coalition (mask 0).
        players, n_players
            Labels, or the number of players.

        Examples
        --------
        A majority game on 3 players (any two win):

        >>> from coopgame._bitmask import popcounts
        >>> g = TUGame.from_function(lambda m: popcounts(3)[m] >= 2, n_players=3)
        >>> g.values.tolist()
        [0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0]
        """
        players = label_sequence(players, func="TUGame.from_function")
        n = _count_players(players, n_players, func="TUGame.from_function")
        ensure_dense_fits(n, func="TUGame.from_function", arrays=3)   # the values, the checked copy, the sealed copy
        values = _evaluate(func, n, name="TUGame.from_function")
        return cls(values, check_players(players, n, func="TUGame.from_function"))

    @classmethod
    def from_costs(cls, costs: ArrayLike, players: Sequence[str] | None = None) -> TUGame:
        """The savings game of a cost game: ``v(S) = sum_{i in S} C({i}) - C(S)``.

        The game remembers the stand-alone costs, so allocations can be read
        back as cost shares (``C({i}) - x_i``); see :meth:`cost_shares`.

        Parameters
        ----------
        costs : array_like, shape (2**n,)
            ``costs[mask]`` is the cost C(S) of serving coalition S alone;
            ``costs[0]`` must be 0.

        Examples
        --------
        Three towns sharing a wastewater plant (literature/03 §3.2):

        >>> C = [0, 230, 160, 350, 230, 460, 365, 556]
        >>> g = TUGame.from_costs(C, players=["town1", "town2", "town3"])
        >>> g.values.tolist()
        [0.0, 0.0, 0.0, 40.0, 0.0, 0.0, 25.0, 64.0]
        """
        cost, n = as_coalition_vector(costs, func="TUGame.from_costs", name="costs", empty="cost 0")
        standalone = cost[1 << np.arange(n)]
        return cls._with_costs(cls(additive_values(standalone) - cost, players), standalone)

    @classmethod
    def from_cost_function(cls, func: Callable[[np.ndarray], ArrayLike], players: Sequence[str] | None = None,
                           *, n_players: int | None = None) -> TUGame:
        """The savings game of a cost function given on masks (see :meth:`from_costs`).

        Examples
        --------
        The airport game: a runway long enough for the largest plane in S.

        >>> runway = np.array([8.0, 11.0, 13.0, 18.0])
        >>> def cost(masks):
        ...     member = (masks[:, None] >> np.arange(4)) & 1
        ...     return (member * runway).max(axis=1)
        >>> TUGame.from_cost_function(cost, n_players=4).standalone_costs.tolist()
        [8.0, 11.0, 13.0, 18.0]
        """
        players = label_sequence(players, func="TUGame.from_cost_function")
        n = _count_players(players, n_players, func="TUGame.from_cost_function")
        ensure_dense_fits(n, func="TUGame.from_cost_function", arrays=4)
        return cls.from_costs(_evaluate(func, n, name="TUGame.from_cost_function"), players)

    @classmethod
    def weighted_voting(cls, weights: ArrayLike, quota: float, players: Sequence[str] | None = None) -> TUGame:
        """The weighted voting game ``[quota; w_1, ..., w_n]``: ``v(S) = 1`` if ``w(S) >= quota``, else 0.

        A simple game, stored densely (``2**n`` values; refused before
        allocating when it would not fit). The comparison is exact: weights
        and quota are read as exact rationals (a float at its exact binary
        value) and compared in integers, never rounded sums. The power
        indices of such a game, at any ``n``, without the dense form:
        :func:`coopgame.cooperative.power_indices`.

        Parameters
        ----------
        weights : array_like, shape (n,)
            Finite, non-negative real weights (ints, floats, ``Fraction``); a
            weight of 0 makes a dummy.
        quota : real
            Votes needed to win, with ``0 < quota <= sum(weights)``: at
            ``quota = sum(weights)`` only coalitions holding every positive
            weight win (unanimity); ``quota <= 0`` would make the empty
            coalition win and ``quota > sum(weights)`` no coalition, so both
            are refused.
        players : sequence of str, optional
            Labels; default ``('1', ..., 'n')``.

        Raises
        ------
        InvalidParameterError
            Weights not a non-empty 1-D array of finite non-negative reals, or
            quota not a real in ``(0, sum(weights)]``.
        InvalidGameError
            Bad player labels.
        GameTooLargeError
            The dense game would not fit in memory.

        Examples
        --------
        The EEC Council of Ministers in 1958 (France, Germany, Italy 4 votes,
        Belgium, Netherlands 2, Luxembourg 1; 12 of 17 votes to pass):

        >>> eec = TUGame.weighted_voting([4, 4, 4, 2, 2, 1], 12, players=["F", "D", "I", "B", "N", "L"])
        >>> eec.value(["F", "D", "I"]), eec.value(["F", "D", "B", "L"]), eec.value(["F", "D", "B", "N"])
        (1.0, 0.0, 1.0)
        """
        func = "TUGame.weighted_voting"
        players = label_sequence(players, func=func)
        exact = voting_weights(weights, quota, func=func)
        n = len(exact.weights)
        labels = check_players(players, n, func=func)
        ensure_dense_fits(n, func=func, arrays=3)   # the coalition weights, the 0/1 values, the sealed copy
        fits_int64 = sum(exact.weights) < 2**62
        sums = np.zeros(1, dtype=np.int64 if fits_int64 else object)
        for w in exact.weights:   # doubling: the coalitions without player i, then the same with w_i added
            sums = np.concatenate((sums, sums + w))
        return cls((sums >= exact.threshold).astype(np.float64), labels)

    @classmethod
    def bankruptcy(cls, estate: float, claims: ArrayLike, players: Sequence[str] | None = None) -> TUGame:
        """O'Neill's (1982) bankruptcy game: ``v(S) = max(0, E - sum_{j not in S} c_j)``.

        A coalition is worth what is left of the estate ``E`` once every
        claimant outside it has been paid in full (nothing when that is
        negative). The game is convex (Curiel, Maschler & Tijs 1987), and its
        nucleolus is the Talmud rule of Aumann & Maschler (1985); the rules
        themselves, at any ``n`` and without the dense game, are in
        :mod:`coopgame.policy.bankruptcy`.

        Parameters
        ----------
        estate : real
            What there is to divide, ``0 <= estate <= sum(claims)`` (an
            estate above the total claim, beyond a relative ``1e-9`` for
            rounding, is not a bankruptcy problem and is refused).
        claims : array_like, shape (n,)
            Finite, non-negative claims, one per player.
        players : sequence of str, optional
            Labels; default ``('1', ..., 'n')``.

        Raises
        ------
        InvalidParameterError
            Claims not a non-empty 1-D array of finite reals >= 0; estate not
            a finite real in ``[0, sum(claims)]``.
        InvalidGameError
            Bad player labels.
        GameTooLargeError
            The dense game would not fit in memory.

        Examples
        --------
        The Talmud's estate of 200 among claims of 100, 200 and 300:

        >>> g = TUGame.bankruptcy(200, [100, 200, 300])
        >>> g.values.tolist()
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 100.0, 200.0]
        """
        func = "TUGame.bankruptcy"
        players = label_sequence(players, func=func)
        c = bankruptcy_claims(claims, func=func)
        e = check_real(estate, func=func, name="estate", minimum=0.0)
        try:
            total = math.fsum(c.tolist())
        except OverflowError:
            total = math.inf
        if not math.isfinite(total):
            raise InvalidParameterError(f"{func}(): the total claim must be finite; got {total!r}")
        if e > total + DEFAULT_TOL * total:
            raise InvalidParameterError(f"{func}(): estate must be <= the total claim {total:g} (a larger estate "
                                        f"pays every claim: not a bankruptcy problem); got {estate!r}")
        n = c.shape[0]
        labels = check_players(players, n, func=func)
        ensure_dense_fits(n, func=func, arrays=3)   # the complement sums, the values, the sealed copy
        outside = additive_values(c)[::-1]          # c(N \ S): the complement of mask m is mask (2**n - 1) - m
        values = np.maximum(e - outside, 0.0)
        del outside
        values[0] = 0.0                             # exact, also for an estate a rounding above the total claim
        return cls(values, labels)

    # ------------------------------------------------------------------ accessors
    @property
    def values(self) -> CoalitionValues:
        """Read-only coalition values, ``values[mask] = v(S)``."""
        return self._values

    @property
    def players(self) -> tuple[str, ...]:
        """Player labels."""
        return self._players

    @property
    def n_players(self) -> int:
        """Number of players n."""
        return self._n

    @property
    def n_coalitions(self) -> int:
        """``2**n``, including the empty coalition."""
        return self._values.shape[0]

    @property
    def grand_value(self) -> float:
        """v(N), the worth of the grand coalition."""
        return float(self._values[-1])

    @property
    def singleton_values(self) -> FloatVector:
        """v({i}) for each player."""
        return seal(self._values[1 << np.arange(self._n)])

    @property
    def standalone_costs(self) -> FloatVector | None:
        """C({i}) when the game was built from costs, else ``None``."""
        return self._standalone_costs

    @property
    def is_cost_game(self) -> bool:
        """Whether the game is the savings game of a cost game."""
        return self._standalone_costs is not None

    @property
    def total_cost(self) -> float | None:
        """C(N) for a savings game built from costs, else ``None``."""
        if self._standalone_costs is None:
            return None
        return float(self._standalone_costs.sum() - self.grand_value)

    def cost_shares(self, allocation: ArrayLike) -> FloatVector:
        """Convert a savings allocation into cost shares ``C({i}) - x_i``.

        Raises
        ------
        InvalidGameError
            If the game was not built from costs.
        """
        if self._standalone_costs is None:
            raise InvalidGameError("TUGame.cost_shares(): the game was not built from costs (use from_costs)")
        x = as_float_array(allocation, func="TUGame.cost_shares", name="allocation", shape=(self._n,))
        return self._standalone_costs - x

    def mask(self, coalition: Any) -> int:
        """Bitmask of a coalition given by labels, indices or an int mask."""
        if isinstance(coalition, (int, np.integer)) and not isinstance(coalition, bool) \
                and str(coalition) not in self._players:
            mask = int(coalition)
            if not 0 <= mask < self.n_coalitions:
                raise InvalidGameError(f"TUGame.mask(): mask must be in [0, {self.n_coalitions}); got {mask}")
            return mask
        return _mask_of(coalition, {p: i for i, p in enumerate(self._players)}, self._n, func="TUGame.mask")

    def value(self, coalition: Any) -> float:
        """v(S) for a coalition given by labels (``["A", "C"]``), indices or a mask."""
        return float(self._values[self.mask(coalition)])

    def members(self, mask: int) -> tuple[str, ...]:
        """Labels of the members of coalition ``mask``."""
        mask = check_positive_int(mask, func="TUGame.members", name="mask", minimum=0,
                                  maximum=self.n_coalitions - 1)
        return member_labels(mask, self._players)

    def is_efficient(self, allocation: ArrayLike, *, tol: float = DEFAULT_TOL) -> bool:
        """Whether ``sum(allocation) == v(N)`` up to ``tol`` times the payoff scale."""
        tol = check_tol(tol, func="TUGame.is_efficient")
        x = as_float_array(allocation, func="TUGame.is_efficient", name="allocation", shape=(self._n,))
        return bool(abs(x.sum() - self.grand_value) <= tol * payoff_scale(self._values))

    def excesses(self, allocation: ArrayLike) -> FloatVector:
        """``e(S, x) = v(S) - x(S)`` for every coalition (dense, length 2**n)."""
        x = as_float_array(allocation, func="TUGame.excesses", name="allocation", shape=(self._n,))
        ensure_dense_fits(self._n, func="TUGame.excesses", arrays=2)
        return self._values - additive_values(x)

    def with_players(self, players: Sequence[str]) -> TUGame:
        """The same game with new labels."""
        labels = check_players(label_sequence(players, func="TUGame.with_players"), self._n,
                               func="TUGame.with_players")
        game = TUGame.__new__(TUGame)
        game._init(self._values, labels, self._standalone_costs)   # the read-only arrays are shared, not copied
        return game

    # ------------------------------------------------------------------ dunder
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TUGame):
            return NotImplemented
        return self._players == other._players and np.array_equal(self._values, other._values)

    def __repr__(self) -> str:
        kind = ", cost game" if self.is_cost_game else ""
        return f"TUGame(n_players={self._n}, players={list(self._players)!r}{kind}, v(N)={self.grand_value:g})"

    def _repr_html_(self) -> str:
        """Jupyter shows a compact summary table (:mod:`coopgame._display`), never all 2**n values of a big game."""
        from coopgame._display import html_of, tu_summary

        return html_of(self, tu_summary)


def as_masks(masks: ArrayLike, n: int, *, func: str) -> np.ndarray:
    """``masks`` as an int64 array of coalition bitmasks of ``n`` players, each in ``[0, 2**n)``.

    Integer arrays only (a float, bool, complex or string array is refused,
    never truncated or cast); refused with :class:`InvalidParameterError`.
    """
    arr = np.asarray(masks) if not isinstance(masks, np.ndarray) else masks
    if arr.dtype.kind not in "iu" and not (arr.dtype.kind == "f" and arr.size == 0):
        raise InvalidParameterError(f"{func}(): masks must be an array of integer bitmasks; got "
                                    f"{_describe(masks) if arr.ndim == 0 else f'an array of dtype {arr.dtype}'}")
    if arr.size and (int(arr.min()) < 0 or int(arr.max()) >> n):
        raise InvalidParameterError(f"{func}(): masks must lie in [0, 2**{n}); got values in "
                                    f"[{int(arr.min())}, {int(arr.max())}]")
    return arr.astype(np.int64, copy=False)


class VotingWeights(NamedTuple):
    """Weights and quota of a weighted voting game as integers: ``w(S) >= quota`` iff ``sum(weights[S]) >= threshold``.

    ``weights`` are the given weights times ``scale`` (the least common
    denominator of the weights as exact rationals), ``threshold`` is
    ``ceil(quota * scale)``, so ``1 <= threshold <= sum(weights)``.
    """

    weights: tuple[int, ...]
    threshold: int
    scale: int
    given: tuple[int | Fraction, ...]
    """The weights as exact numbers (ints, or Fractions where not integral)."""
    quota: int | Fraction


def bankruptcy_claims(claims: Any, *, func: str) -> np.ndarray:
    """The claims of a bankruptcy problem: a non-empty 1-D array of finite reals >= 0 (no booleans).

    Refused with :class:`InvalidParameterError` naming ``func``.

    Examples
    --------
    >>> bankruptcy_claims([100, 200, 300], func="f").tolist()
    [100.0, 200.0, 300.0]
    """
    if np.asarray(claims).dtype.kind == "b":
        raise InvalidParameterError(f"{func}(): claims must be numbers, not booleans; got {_describe(claims)}")
    c = as_float_array(claims, func=func, name="claims", ndim=1, error=InvalidParameterError)
    if c.shape[0] == 0:
        raise InvalidParameterError(f"{func}(): claims must hold one claim per player (at least one); got []")
    if np.any(c < 0):
        i = int(np.argmax(c < 0))
        raise InvalidParameterError(f"{func}(): claims must be >= 0; got {float(c[i])!r} at index {i}")
    return c


def voting_weights(weights: Any, quota: Any, *, func: str, integral: bool = False) -> VotingWeights:
    """Check the weights and quota of a weighted voting game and turn them into exact integers.

    Weights: a non-empty 1-D array of finite, non-negative reals (ints,
    floats, ``Fraction``; no booleans). With ``integral=True`` a float must
    be a whole number (``Fraction`` values stay allowed, exact rationals).
    Quota: a real with ``0 < quota <= sum(weights)``. Refused with
    :class:`InvalidParameterError` naming ``func``.

    Examples
    --------
    >>> voting_weights([1, 0.5, Fraction(1, 3)], 1, func="f")[:3]
    ((6, 3, 2), 6, 6)
    """
    as_float_array(weights, func=func, name="weights", ndim=1, error=InvalidParameterError)  # shape, type, finite
    raw = np.asarray(weights)
    items = raw.tolist()
    if raw.dtype.kind == "b" or any(isinstance(x, (bool, np.bool_)) for x in items):
        raise InvalidParameterError(f"{func}(): weights must be numbers, not booleans; got {_describe(weights)}")
    if not items:
        raise InvalidParameterError(f"{func}(): weights must hold one weight per player (at least one); got []")
    exact: list[Fraction] = []
    for i, x in enumerate(items):
        value = Fraction(x) if isinstance(x, numbers.Rational) else Fraction(float(x))
        if value < 0:
            raise InvalidParameterError(f"{func}(): weights must be >= 0; got {x!r} at index {i}")
        if integral and value.denominator != 1 and not isinstance(x, numbers.Rational):
            raise InvalidParameterError(
                f"{func}(): weights must be integers or fractions.Fraction values (exact rationals); got {x!r} at "
                f"index {i}: scale the weights and the quota to integers (e.g. times 10**d), or pass Fractions")
        exact.append(value)
    check_real(quota, func=func, name="quota", minimum=0.0, strict_minimum=True)
    q = Fraction(quota) if isinstance(quota, numbers.Rational) else Fraction(float(quota))
    total = sum(exact, Fraction(0))
    if q > total:
        raise InvalidParameterError(f"{func}(): quota must be <= the total weight {total} (else no coalition wins); "
                                    f"got {quota!r}")
    scale = math.lcm(*(f.denominator for f in exact))
    ints = tuple(int(f * scale) for f in exact)
    threshold = math.ceil(q * scale)
    given = tuple(int(f) if f.denominator == 1 else f for f in exact)
    return VotingWeights(ints, threshold, scale, given, int(q) if q.denominator == 1 else q)


def _real(value: Any, *, func: str, name: str) -> float:
    """A worth as a float: int, float, Fraction or numpy scalar; strings, complex, bools and NaN refused."""
    try:
        return check_real(value, func=func, name=name)
    except InvalidParameterError as exc:
        raise InvalidGameError(str(exc)) from None


def _count_players(players: Sequence[str] | None, n_players: int | None, *, func: str) -> int:
    if players is not None:
        return len(players)
    if n_players is None:
        raise InvalidGameError(f"{func}(): give players (labels) or n_players")
    return check_positive_int(n_players, func=func, name="n_players")


def _evaluate(func: Callable[[np.ndarray], ArrayLike], n: int, *, name: str) -> np.ndarray:
    if not callable(func):
        raise InvalidGameError(f"{name}(): func must be callable; got {type(func).__name__}")
    size = 2**n
    values = np.empty(size)
    for start in range(0, size, _FUNCTION_CHUNK):
        masks = np.arange(start, min(size, start + _FUNCTION_CHUNK), dtype=np.int64)
        # strings and complex numbers are refused, never coerced; finiteness is checked by the constructor
        chunk = as_float_array(func(masks), func=name, name="the values func returned")
        if chunk.shape != masks.shape:
            raise InvalidGameError(
                f"{name}(): func must return one value per mask (shape {masks.shape}); got shape {chunk.shape}"
            )
        values[start:start + masks.shape[0]] = chunk
    return values


def _mask_of(key: Any, index: Mapping[str, int], n: int, *, func: str) -> int:
    if isinstance(key, (str, int, np.integer)):
        key = (key,)
    if not isinstance(key, Iterable):
        raise InvalidGameError(f"{func}(): a coalition must be an iterable of players; got {key!r}")
    mask = 0
    for member in key:
        if isinstance(member, str) and member in index:
            i = index[member]
        elif isinstance(member, (int, np.integer)) and not isinstance(member, bool) and 0 <= int(member) < n:
            i = int(member)
        else:
            raise InvalidGameError(f"{func}(): unknown player {member!r}; players are {list(index)}")
        mask |= 1 << i
    return mask



"""Boundary checks shared by every public function.

Each helper takes the *name of the calling function* and of the argument, so
that errors read ``"shapley_value(): method must be one of [...]; got 'x'"``
instead of surfacing as a numpy traceback from deep inside a kernel.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from coopgame._typing import RNGLike
from coopgame.errors import InvalidGameError, InvalidParameterError, UnknownMethodError
from coopgame.tolerances import DEFAULT_SEED

__all__ = [
    "as_coalition_vector",
    "as_float_array",
    "as_readonly",
    "check_method",
    "check_positive_int",
    "check_real",
    "check_tol",
    "frozen",
    "check_probability_vector",
    "check_players",
    "label_sequence",
    "make_rng",
]


def as_float_array(
    value: ArrayLike,
    *,
    func: str,
    name: str,
    ndim: int | None = None,
    shape: tuple[int | None, ...] | None = None,
    error: type[Exception] = InvalidGameError,
    allow_nan: bool = False,
) -> np.ndarray:
    """Copy ``value`` into a new float64 array after checking shape and finiteness.

    ``shape`` may hold ``None`` for free axes. The result never aliases the input.
    """
    if isinstance(value, (str, bytes)):
        raise error(f"{func}(): {name} must be an array of real numbers; got the string {_short(value)}")
    try:
        raw = np.asarray(value)
        kind = raw.dtype.kind
        if kind == "O":  # a list of Fractions, Decimals or mixed objects: every entry must be a real number
            flat = raw.ravel()
            if any(isinstance(v, bool) or not isinstance(v, numbers.Real) for v in flat):  # None too
                raise TypeError
        elif kind not in "biuf":  # complex, strings, bytes, dates, structured: refused, never coerced
            raise TypeError
        arr = np.array(raw, dtype=np.float64, copy=True)
    except (TypeError, ValueError, OverflowError):
        raise error(f"{func}(): {name} must be an array of real numbers; got {_describe(value)}") from None
    if ndim is not None and arr.ndim != ndim:
        raise error(f"{func}(): {name} must be {ndim}-dimensional; got shape {arr.shape}")
    if shape is not None:
        if arr.ndim != len(shape) or any(s is not None and s != a for s, a in zip(shape, arr.shape)):
            want = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ")"
            raise error(f"{func}(): {name} must have shape {want}; got {arr.shape}")
    if not allow_nan and not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))[0]
        where = tuple(int(i) for i in bad) if arr.ndim else ()
        raise error(
            f"{func}(): {name} must contain only finite numbers; got {float(arr[tuple(bad)])!r} at index {where}"
        )
    return arr


def as_coalition_vector(value: ArrayLike, *, func: str, name: str, empty: str) -> tuple[np.ndarray, int]:
    """Copy a per-coalition vector (bitmask order) and return it with its number of players n.

    The length must be ``2**n`` for some ``n >= 1`` and the empty coalition's entry zero;
    ``empty`` completes the message "the empty coalition must ...", e.g. ``"be worth 0"``.
    """
    arr = as_float_array(value, func=func, name=name, ndim=1)
    size = arr.shape[0]
    if size < 2 or size & (size - 1):
        raise InvalidGameError(
            f"{func}(): {name} must have length 2**n for n >= 1 players (bitmask order); got length {size}")
    if arr[0] != 0.0:
        raise InvalidGameError(f"{func}(): the empty coalition must {empty} ({name}[0] == 0); got {arr[0]!r}")
    return arr, size.bit_length() - 1


def as_readonly(arr: np.ndarray) -> np.ndarray:
    """Mark ``arr`` read-only and return it (for arrays held by frozen objects)."""
    arr.setflags(write=False)
    return arr


def frozen(arr: np.ndarray) -> np.ndarray:
    """A read-only copy of ``arr`` that nothing can make writeable again.

    The copy lives in an immutable ``bytes`` buffer, so ``setflags(write=True)``
    is refused on the array and there is no writeable base to reach through
    ``.base``; no caller holds a writeable alias. Arrays that are already frozen
    this way are returned as they are. (Object arrays, which cannot live in a
    byte buffer, get a read-only view of a private copy instead.)

    Examples
    --------
    >>> x = np.array([1.0, 2.0])
    >>> y = frozen(x)
    >>> y.flags.writeable, y is x, type(y.base).__name__
    (False, False, 'bytes')
    >>> y.setflags(write=True)
    Traceback (most recent call last):
    ...
    ValueError: cannot set WRITEABLE flag to True of this array
    >>> frozen(y) is y
    True
    """
    if not arr.flags.writeable and _frozen_base(arr):
        return arr
    if arr.dtype.hasobject:
        private = np.array(arr, copy=True)
        private.setflags(write=False)
        view = private.view()
        view.setflags(write=False)
        return view
    buffer = np.frombuffer(np.ascontiguousarray(arr).tobytes(), dtype=arr.dtype)
    return buffer if buffer.shape == arr.shape else buffer.reshape(arr.shape)


def _frozen_base(arr: np.ndarray) -> bool:
    """Whether ``arr`` ultimately views an immutable ``bytes`` buffer."""
    base = arr.base
    while isinstance(base, np.ndarray):
        base = base.base
    return isinstance(base, bytes)


def check_method(method: Any, valid: Iterable[str], *, func: str) -> str:
    """Return ``method`` if it is one of ``valid``, else raise :class:`UnknownMethodError`."""
    options = sorted(valid)
    if not isinstance(method, str) or method not in options:
        raise UnknownMethodError(f"{func}(): method must be one of {options}; got {method!r}")
    return method


def check_positive_int(value: Any, *, func: str, name: str, minimum: int = 1, maximum: int | None = None) -> int:
    """Return ``value`` as ``int`` if it is an integer in ``[minimum, maximum]``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InvalidParameterError(f"{func}(): {name} must be an integer; got {value!r}")
    value = int(value)
    if value < minimum or (maximum is not None and value > maximum):
        upper = "" if maximum is None else f" and <= {maximum}"
        raise InvalidParameterError(f"{func}(): {name} must be >= {minimum}{upper}; got {value}")
    return value


def check_tol(tol: Any, *, func: str, name: str = "tol") -> float:
    """Return ``tol`` as a float if it is a finite real number >= 0 (``Fraction`` and numpy scalars too)."""
    return check_real(tol, func=func, name=name, minimum=0.0)


def check_real(value: Any, *, func: str, name: str, minimum: float | None = None, maximum: float | None = None,
               strict_minimum: bool = False, allow_inf: bool = False) -> float:
    """Return ``value`` as a float if it is a real number (int, float, ``Fraction``, ``Decimal``-free numpy
    scalar) within the bounds; strings, complex numbers, booleans and NaN are refused.

    Examples
    --------
    >>> from fractions import Fraction
    >>> check_real(Fraction(1, 4), func="f", name="rate", minimum=0)
    0.25
    >>> check_real("0.1", func="f", name="rate")
    Traceback (most recent call last):
    ...
    coopgame.errors.InvalidParameterError: f(): rate must be a real number; got '0.1' (str)
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise InvalidParameterError(f"{func}(): {name} must be a real number; got {_describe(value)}")
    try:
        x = float(value)
    except (OverflowError, ValueError, TypeError):
        raise InvalidParameterError(f"{func}(): {name} must be a real number that fits a float; "
                                    f"got {_short(value)}") from None
    if x != x or (not allow_inf and not np.isfinite(x)):
        raise InvalidParameterError(f"{func}(): {name} must be a finite number; got {value!r}")
    if minimum is not None and (x < minimum or (strict_minimum and x == minimum)):
        op = ">" if strict_minimum else ">="
        raise InvalidParameterError(f"{func}(): {name} must be {op} {minimum:g}; got {value!r}")
    if maximum is not None and x > maximum:
        raise InvalidParameterError(f"{func}(): {name} must be <= {maximum:g}; got {value!r}")
    return x


def check_probability_vector(value: ArrayLike, *, func: str, name: str, size: int | None = None,
                             tol: float = 1e-9) -> np.ndarray:
    """Return ``value`` as a float vector on the probability simplex."""
    arr = as_float_array(value, func=func, name=name, ndim=1, error=InvalidParameterError)
    if size is not None and arr.shape[0] != size:
        raise InvalidParameterError(f"{func}(): {name} must have length {size}; got {arr.shape[0]}")
    if np.any(arr < -tol) or abs(arr.sum() - 1.0) > tol * max(1, arr.size):
        raise InvalidParameterError(
            f"{func}(): {name} must be non-negative and sum to 1; got {np.array2string(arr, precision=4)}"
        )
    return arr


def label_sequence(players: Any, *, func: str) -> list[Any] | None:
    """``players`` as a list (or None), refusing what cannot be an ordered sequence of labels.

    A number, a string, bytes, a set (its order changes between runs) or a
    mapping is refused with :class:`InvalidGameError` naming ``func``; the
    labels themselves are checked by :func:`check_players` (count, distinctness).
    """
    if players is None:
        return None
    if isinstance(players, (str, bytes, set, frozenset, Mapping)) or not isinstance(players, Iterable):
        raise InvalidGameError(f"{func}(): players must be a sequence of labels, one per player (e.g. "
                               f"['A', 'B']); got {_describe(players)}")
    return list(players)


def check_players(players: Sequence[Any] | None, n_players: int, *, func: str) -> tuple[str, ...]:
    """Default labels ``('1', ..., 'n')`` or validated, distinct string labels."""
    players = label_sequence(players, func=func)
    if players is None:
        return tuple(str(i + 1) for i in range(n_players))
    labels = tuple(str(p) for p in players)
    if len(labels) != n_players:
        raise InvalidGameError(f"{func}(): players must have {n_players} labels; got {len(labels)}")
    if len(set(labels)) != len(labels):
        dupes = sorted({p for p in labels if labels.count(p) > 1})
        raise InvalidGameError(f"{func}(): player labels must be distinct; repeated {dupes}")
    return labels


def make_rng(rng: RNGLike, *, func: str) -> tuple[np.random.Generator, Any]:
    """A numpy Generator from anything ``numpy.random.default_rng`` takes, and the seed to record.

    ``None`` means :data:`DEFAULT_SEED`. The seed recorded (for a result's
    ``parameters["seed"]``) repeats the run when passed back as ``rng``: the
    integer or list of integers given, a ``SeedSequence``'s entropy (with its
    spawn key), or for a generator or bit generator its state on entry (a
    dict: ``np.random.default_rng().bit_generator.state = seed`` restores it).

    Examples
    --------
    >>> make_rng(None, func="f")[1] == DEFAULT_SEED, make_rng([1, 2], func="f")[1]
    (True, [1, 2])
    >>> gen, seed = make_rng(np.random.default_rng(5), func="f")
    >>> seed["bit_generator"]
    'PCG64'
    >>> again, _ = make_rng(seed, func="f")   # a recorded state repeats the draws
    >>> bool(again.random() == np.random.default_rng(5).random())
    True
    """
    if rng is None:
        rng = DEFAULT_SEED
    if isinstance(rng, dict):  # a seed recorded by an earlier result
        rng = _recorded_seed(rng, func=func)
    if isinstance(rng, bool) or (isinstance(rng, numbers.Integral) and int(rng) < 0):
        raise InvalidParameterError(f"{func}(): rng must be what numpy.random.default_rng accepts (a non-negative "
                                    f"int, a sequence of them, a SeedSequence, a BitGenerator or a Generator); "
                                    f"got {rng!r}")
    if isinstance(rng, np.random.Generator):
        return rng, rng.bit_generator.state
    if isinstance(rng, np.random.BitGenerator):
        return np.random.Generator(rng), rng.state
    if isinstance(rng, numbers.Integral):
        return np.random.default_rng(int(rng)), int(rng)
    if isinstance(rng, np.random.SeedSequence):
        record: Any = rng.entropy if not rng.spawn_key else {"entropy": rng.entropy, "spawn_key": list(rng.spawn_key)}
        return np.random.default_rng(rng), record
    try:
        gen = np.random.default_rng(rng)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"{func}(): rng must be what numpy.random.default_rng accepts (a non-negative "
                                    f"int, a sequence of them, a SeedSequence, a BitGenerator or a Generator); "
                                    f"got {rng!r}") from None
    return gen, [int(v) for v in np.asarray(rng).ravel()]


def _recorded_seed(record: dict[str, Any], *, func: str) -> np.random.SeedSequence | np.random.BitGenerator:
    """The seed sequence or bit generator a recorded seed dict (see :func:`make_rng`) stands for."""
    if set(record) == {"entropy", "spawn_key"}:
        return np.random.SeedSequence(record["entropy"], spawn_key=tuple(record["spawn_key"]))
    name = record.get("bit_generator")
    bit_generator = getattr(np.random, name, None) if isinstance(name, str) else None
    if not (isinstance(bit_generator, type) and issubclass(bit_generator, np.random.BitGenerator)):
        raise InvalidParameterError(f"{func}(): a seed dict must be one recorded by a result (a SeedSequence's "
                                    f"entropy and spawn_key, or a bit generator's state); got {_short(record)}")
    restored = bit_generator()
    try:
        restored.state = record
    except (TypeError, ValueError, KeyError):
        raise InvalidParameterError(f"{func}(): not a valid {name} state; got {_short(record)}") from None
    return restored


def _describe(value: Any) -> str:
    """``'0.1' (str)``: the short repr of a value and its type, for messages."""
    return f"{_short(value)} ({type(value).__name__})"


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."

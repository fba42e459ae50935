"""Pickling and copying of immutable objects that hold read-only arrays.

Two defaults get in the way of ``pickle``, ``copy.copy`` and ``copy.deepcopy``
(which multiprocessing and joblib sweeps rely on):

* the default protocol restores an object's attributes with ``setattr``, which
  the immutable classes refuse;
* numpy unpickles (and deep-copies) every array writeable, and
  ``types.MappingProxyType`` cannot be pickled at all.

:class:`ReadOnlyState` fixes both for any class that derives from it: its state
is written with read-only arrays and mapping proxies replaced by small
stand-ins that rebuild them read-only, and it is restored with
``object.__setattr__``. Anything else in the state pickles as usual, so a game
wrapping a lambda fails with pickle's own error for the lambda.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import numpy as np

__all__ = ["ReadOnlyState"]


def _readonly_array(arr: np.ndarray) -> np.ndarray:
    """Unpickling helper: the restored (writeable) array, made read-only again, for good."""
    from coopgame._validation import frozen  # late: _validation's imports reach the pickling mixin's users

    arr.setflags(write=False)  # other references to this very array in the same pickle (its memo) stay read-only
    return frozen(arr)


def _mapping_proxy(mapping: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    """Unpickling helper: a read-only view of the restored mapping."""
    return MappingProxyType(mapping)


class _Frozen:
    """Stand-in for a read-only array or a mapping proxy inside a pickled state.

    Pickling and deep-copying go through :meth:`__reduce__`, which rebuilds the
    value read-only; a shallow copy passes the stand-in itself to
    ``__setstate__``, which takes ``value`` back unchanged.
    """

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        if isinstance(self.value, np.ndarray):
            return _readonly_array, (self.value,)
        return _mapping_proxy, (_pack(dict(self.value)),)


def _pack(value: Any) -> Any:
    """``value`` with every read-only array and mapping proxy (also inside tuples, lists, dicts) wrapped."""
    if isinstance(value, np.ndarray):
        return value if value.flags.writeable else _Frozen(value)
    if isinstance(value, MappingProxyType):
        return _Frozen(value)
    kind = type(value)
    if kind is tuple or kind is list:
        return kind(_pack(v) for v in value)
    if kind is dict:
        return {k: _pack(v) for k, v in value.items()}
    return value


def _unpack(value: Any) -> Any:
    """Undo :func:`_pack` where a shallow copy left the stand-ins in place."""
    if isinstance(value, _Frozen):
        return value.value
    kind = type(value)
    if kind is tuple or kind is list:
        return kind(_unpack(v) for v in value)
    if kind is dict:
        return {k: _unpack(v) for k, v in value.items()}
    return value


def _slot_names(cls: type) -> list[str]:
    names = []
    for klass in cls.__mro__:
        slots = klass.__dict__.get("__slots__", ())
        names += [slots] if isinstance(slots, str) else [s for s in slots if s not in ("__dict__", "__weakref__")]
    return names


class ReadOnlyState:
    """Mixin: ``pickle``, ``copy.copy`` and ``copy.deepcopy`` work and keep the object read-only.

    Works for ``__slots__`` classes and (frozen) dataclasses alike; arrays that
    were read-only in the original are read-only in the copy.

    Examples
    --------
    >>> import copy, pickle
    >>> from coopgame import PairwiseGame
    >>> g = pickle.loads(pickle.dumps(PairwiseGame([[3, 0], [5, 1]], [[3, 5], [0, 1]])))
    >>> g.row_payoffs.tolist(), g.row_payoffs.flags.writeable
    ([[3.0, 0.0], [5.0, 1.0]], False)
    >>> copy.deepcopy(g).classify().name
    "prisoner's dilemma"
    """

    __slots__ = ()

    def __getstate__(self) -> dict[str, Any]:
        state = dict(getattr(self, "__dict__", {}))
        for name in _slot_names(type(self)):
            try:
                state[name] = object.__getattribute__(self, name)
            except AttributeError:  # an unset slot stays unset
                pass
        return {name: _pack(value) for name, value in state.items()}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, _unpack(value))

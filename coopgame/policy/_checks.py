"""Boundary checks of the policy layer that :mod:`coopgame._validation` does not cover.

Every helper takes the name of the public function (or class) the user
called, so that a bad argument reads ``"payment_flows(): players must ..."``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from coopgame._validation import _describe, check_players, check_real
from coopgame.errors import InvalidGameError, InvalidParameterError

__all__ = ["check_labels", "check_name", "check_weights", "check_count"]


def check_labels(players: Any, n: int, *, func: str, name: str = "players", what: str = "entry") -> tuple[str, ...]:
    """``n`` distinct string labels from a sequence (refused: one string, a non-sequence, the wrong length).

    Examples
    --------
    >>> check_labels(["a", "b"], 2, func="f")
    ('a', 'b')
    >>> check_labels("ab", 2, func="f")
    Traceback (most recent call last):
    ...
    coopgame.errors.InvalidParameterError: f(): players must be a sequence of labels, one per player ...; got 'ab' (str)
    """
    if players is None or isinstance(players, (bytes, Mapping)) or not hasattr(players, "__iter__"):
        raise InvalidParameterError(f"{func}(): {name} must be a sequence of {n} labels (one per {what}); "
                                    f"got {_describe(players)}")
    try:
        return check_players(players, n, func=func)
    except InvalidGameError as err:  # the same message, as a parameter error
        raise InvalidParameterError(str(err).replace("players", name, 1)) from None


def check_name(value: Any, *, func: str, name: str) -> str:
    """A non-empty string (a label, a basis, a section name)."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidParameterError(f"{func}(): {name} must be a non-empty string; got {_describe(value)}")
    return value


def check_weights(mapping: Any, *, func: str, name: str, minimum: float | None = 0.0,
                  maximum: float | None = None) -> dict[str, float]:
    """A mapping of string keys to real numbers within the bounds (``check_real`` on each value)."""
    if not isinstance(mapping, Mapping):
        raise InvalidParameterError(f"{func}(): {name} must be a mapping of names to numbers; "
                                    f"got {_describe(mapping)}")
    out: dict[str, float] = {}
    for key, value in mapping.items():
        if not isinstance(key, str):
            raise InvalidParameterError(f"{func}(): the keys of {name} must be strings; got {_describe(key)}")
        out[key] = check_real(value, func=func, name=f"{name}[{key!r}]", minimum=minimum, maximum=maximum)
    return out


def check_count(value: Any, *, func: str, name: str) -> int:
    """A non-negative integer (bools, floats and strings refused)."""
    import numbers

    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < 0:
        raise InvalidParameterError(f"{func}(): {name} must be an integer >= 0; got {_describe(value)}")
    return int(value)

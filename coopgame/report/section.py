"""One part of a model's analysis: a table, its data, an optional figure."""

from __future__ import annotations

from collections.abc import Callable, Mapping
import numbers
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from coopgame._pickling import ReadOnlyState
from coopgame._validation import frozen
from coopgame.errors import InvalidParameterError
from coopgame.results import Summary

__all__ = ["Section"]


@dataclass(frozen=True, eq=False)
class Section(ReadOnlyState):
    """One part of a model's analysis.

    Attributes
    ----------
    key : str
        Short identifier (``"allocations"``, ``"equilibria"`` ...), also the stem of the figure file.
    summary : Summary
        The table a reader sees.
    data : dict
        JSON-ready numbers behind the table.
    elapsed : float
        Seconds spent computing it.
    figure : callable or None
        Draws the section's figure (a matplotlib ``Figure``) on demand.
    caption : str
        What the figure shows.
    """

    key: str
    summary: Summary
    data: Mapping[str, Any] = field(default_factory=dict)
    elapsed: float = 0.0
    figure: Callable[[], Any] | None = field(default=None, repr=False)
    caption: str = ""

    def __post_init__(self) -> None:
        func = "Section"
        if not isinstance(self.key, str) or not self.key:
            raise InvalidParameterError(f"{func}(): key must be a non-empty str; got {self.key!r}")
        if not isinstance(self.summary, Summary):
            raise InvalidParameterError(f"{func}(): summary must be a coopgame.results.Summary; got "
                                        f"{type(self.summary).__name__}")
        if not isinstance(self.data, Mapping):
            raise InvalidParameterError(f"{func}(): data must be a mapping; got {type(self.data).__name__}")
        if isinstance(self.elapsed, bool) or not isinstance(self.elapsed, numbers.Real):
            raise InvalidParameterError(f"{func}(): elapsed must be a real number of seconds; got {self.elapsed!r}")
        if self.figure is not None and not callable(self.figure):
            raise InvalidParameterError(f"{func}(): figure must be a callable returning a figure, or None; got "
                                        f"{type(self.figure).__name__}")
        if not isinstance(self.caption, str):
            raise InvalidParameterError(f"{func}(): caption must be a str; got {type(self.caption).__name__}")
        # read-only all the way down: dicts become mapping proxies, arrays frozen views of private copies
        object.__setattr__(self, "data", _read_only(self.data))


def _read_only(value: Any) -> Any:
    """``value`` with every dict (nested in dicts, lists, tuples) a read-only mapping and every array frozen."""
    if isinstance(value, np.ndarray):
        # a read-only array (a game's own) is kept as it is: the figure's partial shares it, so a pickled
        # analysis restores both as one read-only array; a writeable one becomes a frozen private copy
        return value if not value.flags.writeable else frozen(value)
    if isinstance(value, Mapping):
        return MappingProxyType({k: _read_only(v) for k, v in value.items()})
    if type(value) in (list, tuple):
        return type(value)(_read_only(v) for v in value)
    return value

"""One part of a model's analysis: a table, its data, an optional figure."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from coopgame._pickling import ReadOnlyState
from coopgame._validation import frozen
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

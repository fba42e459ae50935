"""One part of a model's analysis: a table, its data, an optional figure."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from coopgame._pickling import ReadOnlyState
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

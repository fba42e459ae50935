"""A minimal progress bar for long work (sweeps, large exact games), written to standard error.

Standard output carries results only, so the bar never goes there. On a
terminal it redraws one line in place; elsewhere (a log file, a CI job, a
test's captured stream) it prints at most one line per tenth of the work, so
logs stay short.
"""

from __future__ import annotations

import sys
import time
from typing import IO

__all__ = ["Progress"]


class Progress:
    """Count units of work done out of ``total`` and show it on ``stream``.

    Parameters
    ----------
    total : int
        Units of work expected (grid points, coalitions ...).
    label : str
        Shown before the bar.
    enabled : bool
        ``False`` makes every call a no-op (library use without a bar).
    stream : file, optional
        Default ``sys.stderr``, looked up at construction.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> with Progress(4, "grid", stream=out) as bar:
    ...     for _ in range(4):
    ...         bar.advance(1)
    >>> out.getvalue().splitlines()[-1].startswith("grid [##############################] 4/4")
    True
    """

    width = 30

    def __init__(self, total: int, label: str = "", *, enabled: bool = True, stream: IO[str] | None = None) -> None:
        self.total = max(int(total), 1)
        self.label = label
        self.enabled = enabled
        self.stream = sys.stderr if stream is None else stream
        self.done = 0
        self._tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last_decile = -1
        self._start = time.perf_counter()

    def advance(self, units: int) -> None:
        """Record ``units`` more units of work done."""
        self.done = min(self.done + int(units), self.total)
        if not self.enabled:
            return
        decile = (10 * self.done) // self.total
        if self._tty or decile != self._last_decile:
            self._last_decile = decile
            self._draw(end="\r" if self._tty and self.done < self.total else "\n")

    def _draw(self, end: str) -> None:
        filled = (self.width * self.done) // self.total
        elapsed = time.perf_counter() - self._start
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"{self.label} [{bar}] {self.done}/{self.total} {elapsed:.1f}s{end}")
        self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled and self._tty and self.done < self.total:
            self.stream.write("\n")

"""Memory guard for dense 2**n computations.

Dense TU games double in size with every player. Before allocating, the
solvers ask :func:`ensure_dense_fits` whether the arrays they are about to
create fit in the memory this machine has free; if not, they refuse with a
:class:`~coopgame.errors.GameTooLargeError` that names the estimate and the
ways around it, instead of letting the machine swap or the process die.
"""

from __future__ import annotations

import os

from coopgame.errors import GameTooLargeError

__all__ = ["ensure_dense_fits", "available_memory_bytes", "format_bytes", "MEMORY_FRACTION", "MAX_DENSE_PLAYERS"]

MEMORY_FRACTION: float = 0.6
"""Share of the currently available memory a single dense computation may claim."""

MAX_DENSE_PLAYERS: int = 40
"""Hard ceiling on ``n`` for anything dense, whatever the memory (2**40 coalitions)."""

_ALTERNATIVES = (
    "use a structured game (coopgame.StructuredGame: additive + pairwise + cost terms, exact at any n) "
    "or sampling from a value function (coopgame.ValueFunctionGame with shapley_value(..., "
    "method='permutation' or 'stratified') or banzhaf_value(..., method='sampling'))"
)


def available_memory_bytes() -> int:
    """Bytes of memory available to this process now (``MemAvailable``), or a safe fallback."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return 4 * 1024**3


def format_bytes(n_bytes: float) -> str:
    """Human-readable size, e.g. ``'1.5 GiB'``."""
    size = float(n_bytes)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if size < 1024 or unit == "PiB":
            return f"{size:.1f} {unit}" if unit != "B" else f"{int(size)} B"
        size /= 1024
    raise AssertionError  # pragma: no cover


def ensure_dense_fits(n_players: int, *, func: str, arrays: float = 1.0, itemsize: int = 8,
                      batch: int = 1) -> int:
    """Refuse, before allocating, a dense computation that would not fit in memory.

    Parameters
    ----------
    n_players : int
        Number of players; the dense arrays have ``2**n_players`` entries.
    func : str
        Name of the public function asking, for the message.
    arrays : float, default 1.0
        How many such arrays the computation holds at its peak.
    itemsize : int, default 8
        Bytes per entry.
    batch : int, default 1
        Number of games held at once.

    Returns
    -------
    int
        The estimated peak in bytes.

    Raises
    ------
    GameTooLargeError
        When the estimate exceeds :data:`MEMORY_FRACTION` of the available memory.

    Examples
    --------
    >>> ensure_dense_fits(10, func="demo") > 0
    True
    >>> ensure_dense_fits(45, func="demo")
    Traceback (most recent call last):
    ...
    coopgame.errors.GameTooLargeError: demo(): a dense game with 45 players needs 2**45 coalition values...
    """
    estimate = int(float(2**n_players) * itemsize * arrays * batch)
    if n_players > MAX_DENSE_PLAYERS:
        raise GameTooLargeError(
            f"{func}(): a dense game with {n_players} players needs 2**{n_players} coalition values "
            f"(~{format_bytes(estimate)}), beyond the limit of {MAX_DENSE_PLAYERS} players; {_ALTERNATIVES}"
        )
    budget = MEMORY_FRACTION * available_memory_bytes()
    if estimate > budget:
        raise GameTooLargeError(
            f"{func}(): a dense computation with {n_players} players needs about {format_bytes(estimate)} "
            f"but only {format_bytes(budget)} may be used ({MEMORY_FRACTION:.0%} of available memory); "
            f"{_ALTERNATIVES}"
        )
    return estimate

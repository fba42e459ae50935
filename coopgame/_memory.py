"""Memory guard for dense 2**n computations.

Dense TU games double in size with every player. Before allocating, the
solvers ask :func:`ensure_dense_fits` whether the arrays they are about to
create fit in the memory this machine has free; if not, they refuse with a
:class:`~coopgame.errors.GameTooLargeError` that names the estimate and the
ways around it, instead of letting the machine swap or the process die.
"""

from __future__ import annotations

import math
import os

from coopgame.errors import GameTooLargeError

__all__ = ["ensure_dense_fits", "ensure_fits", "available_memory_bytes", "format_bytes", "MEMORY_FRACTION",
           "MAX_DENSE_PLAYERS"]

MEMORY_FRACTION: float = 0.6
"""Share of the currently available memory a single dense computation may claim."""

MAX_DENSE_PLAYERS: int = 40
"""Hard ceiling on ``n`` for anything dense, whatever the memory (2**40 coalitions)."""

_ALTERNATIVES = (
    "use a structured game (coopgame.StructuredGame: additive + pairwise + cost terms, exact at any n) "
    "or sampling from a value function (coopgame.ValueFunctionGame with shapley_value(..., "
    "method='permutation' or 'stratified') or banzhaf_value(..., method='sampling'))"
)


def _meminfo_available() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return None


def _read_int(path: str) -> int | None:
    """The integer in a one-line control file (``None`` when absent, unlimited or unreadable)."""
    try:
        with open(path, encoding="ascii") as fh:
            text = fh.read(64).strip()
    except OSError:
        return None
    try:
        return int(text)
    except ValueError:  # "max": no limit
        return None


def _cgroup_headroom() -> int | None:
    """Bytes this process's cgroup may still allocate (v2 ``memory.max``, else v1), or ``None``."""
    limit, usage = _read_int("/sys/fs/cgroup/memory.max"), _read_int("/sys/fs/cgroup/memory.current")
    if limit is None:
        limit = _read_int("/sys/fs/cgroup/memory/memory.limit_in_bytes")
        usage = _read_int("/sys/fs/cgroup/memory/memory.usage_in_bytes")
        if limit is not None and limit >= 1 << 60:  # v1 writes "no limit" as a huge number
            limit = None
    if limit is None:
        return None
    return max(0, limit - (usage or 0))


def _address_space_headroom() -> int | None:
    """Bytes of address space left under ``ulimit -v`` (``RLIMIT_AS``), or ``None`` when unlimited."""
    try:
        import resource
    except ImportError:  # pragma: no cover - non-POSIX
        return None
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY or soft < 0:
        return None
    used = 0
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    used = int(line.split()[1]) * 1024
                    break
    except (OSError, ValueError, IndexError):
        pass
    return max(0, soft - used)


def available_memory_bytes() -> int:
    """Bytes this process may allocate now: the least of ``MemAvailable``, the headroom under
    ``ulimit -v`` (``RLIMIT_AS``) and the headroom under a cgroup memory limit.

    Falls back to 4 GiB where the system reports nothing.

    Examples
    --------
    >>> available_memory_bytes() > 0
    True
    """
    known = [b for b in (_meminfo_available(), _address_space_headroom(), _cgroup_headroom()) if b is not None]
    return min(known) if known else 4 * 1024**3


def format_bytes(n_bytes: float) -> str:
    """Human-readable size, e.g. ``'1.5 GiB'``."""
    if n_bytes >= 1024**6:  # beyond PiB: say it in powers of two (no float overflow for huge ints)
        return f"2**{math.log2(n_bytes):.1f} B"
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
    if n_players > MAX_DENSE_PLAYERS:
        if n_players < 1 << 60:
            size = f"2**{n_players + math.log2(max(itemsize * arrays * batch, 1e-300)):.1f} B"
        else:  # a count the user typed may be an int of any size: never turned into a float
            size = f"2**(10**{len(str(n_players)) - 1}) B"
        shown, power = ((n_players, f"2**{n_players}") if n_players < 10**12
                        else (f"about 10**{len(str(n_players)) - 1}", "2**n"))
        raise GameTooLargeError(
            f"{func}(): a dense game with {shown} players needs {power} coalition values "
            f"(~{size}), beyond the limit of {MAX_DENSE_PLAYERS} players; {_ALTERNATIVES}"
        )
    estimate = 2.0**n_players * itemsize * arrays * batch
    return ensure_fits(estimate, func=func, what=f"a dense computation with {n_players} players",
                       remedy=_ALTERNATIVES)


def ensure_fits(n_bytes: float, *, func: str, what: str, remedy: str) -> int:
    """Refuse, before allocating, any computation whose memory grows with a user parameter.

    Parameters
    ----------
    n_bytes : float
        Estimated peak in bytes; may be a huge ``int`` or ``inf`` (compared in log space, never overflows).
    func : str
        Name of the public function asking, for the message.
    what : str
        What needs the memory, e.g. ``"n_samples=10**12 draws of 2 shares"``.
    remedy : str
        What the caller can do instead, e.g. ``"pass fewer samples"``.

    Returns
    -------
    int
        The estimate in bytes (when it fits).

    Raises
    ------
    GameTooLargeError
        When the estimate exceeds :data:`MEMORY_FRACTION` of the available memory.

    Examples
    --------
    >>> ensure_fits(1e3, func="demo", what="a small table", remedy="none needed")
    1000
    >>> ensure_fits(10**30, func="demo", what="a grid of 10**29 points", remedy="use a coarser grid")
    Traceback (most recent call last):
    ...
    coopgame.errors.GameTooLargeError: demo(): a grid of 10**29 points needs about 2**99.7 B ...
    """
    budget = MEMORY_FRACTION * available_memory_bytes()
    if not n_bytes <= budget:  # also refuses NaN and inf
        log2_bytes = math.log2(n_bytes) if n_bytes == n_bytes and n_bytes > 0 else float("inf")
        size = format_bytes(n_bytes) if log2_bytes < 60 else f"2**{log2_bytes:.1f} B"
        raise GameTooLargeError(
            f"{func}(): {what} needs about {size} but only {format_bytes(budget)} may be used "
            f"({MEMORY_FRACTION:.0%} of available memory); {remedy}"
        )
    return int(n_bytes)

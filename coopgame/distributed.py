"""Connect to a Dask cluster for ``executor=``: an address, a scheduler file, or a local cluster.

The kernels that scale out take ``executor=`` (see ``coopgame._executor``);
this module only helps get a ``distributed.Client`` with the settings that
matter for them:

* workers start with ``MALLOC_TRIM_THRESHOLD_=2**30`` and
  ``MALLOC_MMAP_THRESHOLD_=2**25``. The Dask nanny sets
  ``MALLOC_TRIM_THRESHOLD_=65536``; setting either variable turns off glibc's
  dynamic mmap threshold, so every 8 MiB temporary of a block kernel is
  mapped, page-faulted in and unmapped again: measured 2.7–4x slower on the
  streamed Shapley kernel (16x in the issue's measurement). With both set,
  the temporaries are reused from the heap, as in a plain process. glibc
  reads them when a process starts, so they are set before the workers spawn
  (``distributed.nanny.pre-spawn-environ``);
* one thread per worker (the kernels are numpy loops holding the GIL).

Dask is imported only when :func:`connect` is called; without it the call
raises an ``ImportError`` naming the ``distributed`` extra.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from coopgame.errors import CoopgameWarning, InvalidParameterError

__all__ = ["connect", "WORKER_MALLOC", "worker_malloc_settings"]

WORKER_MALLOC: Mapping[str, int] = MappingProxyType({"MALLOC_TRIM_THRESHOLD_": 2**30,
                                                     "MALLOC_MMAP_THRESHOLD_": 2**25})
"""glibc settings for workers :func:`connect` starts: keep up to 1 GiB of freed heap, and serve blocks up to
32 MiB (glibc's largest mmap threshold, above a 2**20-mask chunk's 8 MiB arrays) from the heap."""

_MIN_MMAP = 2**23
_VARS = tuple(WORKER_MALLOC)

_INSTALL = ("coopgame.distributed needs Dask's distributed scheduler: pip install 'coopgame[distributed]' "
            "(or pip install 'dask[distributed]')")


def worker_malloc_settings() -> dict[str, str | None]:
    """The glibc malloc variables of the calling process (``None`` when unset).

    Run on the workers by :func:`connect` (``client.run``) to warn about a cluster whose workers would page-fault
    every block's temporaries.

    Examples
    --------
    >>> sorted(worker_malloc_settings())
    ['MALLOC_MMAP_THRESHOLD_', 'MALLOC_TRIM_THRESHOLD_']
    """
    return {name: os.environ.get(name) for name in _VARS}


def _slow(settings: dict[str, str | None]) -> bool:
    """Static mmap threshold below a chunk's arrays: either variable set (no dynamic threshold), mmap small."""
    if all(value is None for value in settings.values()):
        return False  # glibc's dynamic threshold: fine
    try:
        mmap = int(settings.get("MALLOC_MMAP_THRESHOLD_") or 128 * 1024)
    except ValueError:
        return True
    return mmap < _MIN_MMAP


def connect(address: str | None = None, *, scheduler_file: str | os.PathLike[str] | None = None,
            n_workers: int | None = None, threads_per_worker: int = 1,
            worker_malloc: Mapping[str, int] | None = WORKER_MALLOC, check_workers: bool = True,
            **cluster_kwargs: Any) -> Any:
    """A ``distributed.Client`` to pass as ``executor=``: to a running scheduler, or on a new local cluster.

    Parameters
    ----------
    address : str, optional
        A running scheduler, e.g. ``"tcp://10.0.0.5:8786"``.
    scheduler_file : path, optional
        The JSON file a scheduler writes (``dask scheduler --scheduler-file``,
        dask-mpi, dask-jobqueue's ``SLURMCluster`` via its scheduler): the
        usual way to meet a scheduler started by a batch job.
    n_workers : int, optional
        Start a ``LocalCluster`` of this many worker processes (when neither
        ``address`` nor ``scheduler_file`` is given; with none of the three, a
        ``LocalCluster`` of Dask's default size).
    threads_per_worker : int, default 1
        Threads per local worker.
    worker_malloc : mapping or None, default :data:`WORKER_MALLOC`
        glibc variables for local workers (``None``: keep Dask's nanny
        setting, or what this process exports). Workers of a running cluster
        must have been started with them exported.
    check_workers : bool, default True
        For a running cluster, warn (:class:`~coopgame.errors.CoopgameWarning`)
        when its workers run with settings that page-fault every block (see
        ``docs/distributed.md``).
    **cluster_kwargs
        Passed to ``distributed.LocalCluster``.

    Returns
    -------
    distributed.Client
        Close it when done (``client.close()``, or use it as a context
        manager); a local cluster it started closes with it.

    Raises
    ------
    ImportError
        When ``dask.distributed`` is not installed (the ``distributed`` extra).
    InvalidParameterError
        When more than one of ``address``, ``scheduler_file``, ``n_workers``
        is given, or a count is not a positive integer.

    Examples
    --------
    >>> connect("tcp://h:8786", scheduler_file="s.json")  # doctest: +SKIP
    Traceback (most recent call last):
    ...
    coopgame.errors.InvalidParameterError: connect(): give one of address, scheduler_file or n_workers; got ...
    """
    from coopgame._validation import check_positive_int

    given = [name for name, value in (("address", address), ("scheduler_file", scheduler_file),
                                      ("n_workers", n_workers)) if value is not None]
    if len(given) > 1:
        raise InvalidParameterError(
            f"connect(): give one of address, scheduler_file or n_workers; got {' and '.join(given)}")
    if n_workers is not None:
        n_workers = check_positive_int(n_workers, func="connect", name="n_workers")
    threads_per_worker = check_positive_int(threads_per_worker, func="connect", name="threads_per_worker")
    if worker_malloc is not None:
        if not isinstance(worker_malloc, Mapping) or not all(isinstance(k, str) for k in worker_malloc):
            raise InvalidParameterError(f"connect(): worker_malloc must be a mapping of environment variable names to "
                                        f"integers, or None; got {worker_malloc!r}")
        worker_malloc = {k: check_positive_int(v, func="connect", name=f"worker_malloc[{k!r}]", minimum=0)
                         for k, v in worker_malloc.items()}
    try:
        import dask
        from distributed import Client
    except ImportError as exc:
        raise ImportError(_INSTALL) from exc
    if address is not None or scheduler_file is not None:
        client = Client(address, scheduler_file=None if scheduler_file is None
                        else os.path.expanduser(os.fspath(scheduler_file)))
        if check_workers:
            _warn_slow_workers(client)
        return client
    if worker_malloc is None:
        return Client(n_workers=n_workers, threads_per_worker=threads_per_worker, processes=True, **cluster_kwargs)
    # The nanny takes an exported variable over its config, and a local nanny exports its own settings into
    # this process (so an earlier LocalCluster here would impose its 65536). Set both while the workers start
    # (the nanny reads them then, before spawning), and restore this process's environment after.
    previous = {name: os.environ.get(name) for name in worker_malloc}
    os.environ.update({name: str(value) for name, value in worker_malloc.items()})
    try:
        config = {f"distributed.nanny.pre-spawn-environ.{name}": str(v) for name, v in worker_malloc.items()}
        with dask.config.set(config):
            # a Client given cluster keywords starts its own LocalCluster and closes it with itself
            return Client(n_workers=n_workers, threads_per_worker=threads_per_worker, processes=True,
                          **cluster_kwargs)
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _warn_slow_workers(client: Any) -> None:
    try:
        found = client.run(worker_malloc_settings)
    except Exception:  # workers without coopgame, or gone: nothing to check  # noqa: BLE001
        return
    slow = sorted(w for w, settings in found.items() if _slow(settings))
    if slow:
        exports = " ".join(f"{k}={v}" for k, v in WORKER_MALLOC.items())
        warnings.warn(
            f"connect(): {len(slow)} of {len(found)} workers run with {found[slow[0]]} (e.g. {slow[0]}): glibc then "
            f"maps and unmaps every block's temporaries, and block kernels run several times slower. Start the "
            f"workers with `export {exports}` in their environment (an exported value overrides Dask's nanny "
            "setting; with dask-jobqueue: job_script_prologue=['export ...'])", CoopgameWarning, stacklevel=3)

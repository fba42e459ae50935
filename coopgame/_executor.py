"""Run a fixed list of tasks somewhere and get the results back in task order.

The kernels that scale out (exact streamed Shapley/Banzhaf, sampling, sweeps,
equilibrium and excess scans) cut their work into a *block plan* that depends
on the problem only (:func:`block_plan`, :func:`spawn_seeds`), never on who
runs it. A :class:`Runner` then evaluates the tasks of that plan — in this
process, in a local process pool, on any ``concurrent.futures`` executor
(``mpi4py.futures`` included) or on a Dask cluster — and hands the results
back in plan order, so the caller combines them in the same order whatever
ran them: results are bit-identical across executors.

Dask is never imported here unless the caller passed a Dask ``Client``
(recognised by its type's module, without importing anything).
"""

from __future__ import annotations

import os

import numbers
import pickle
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from typing import Any

import numpy as np

from coopgame.errors import InvalidParameterError, NotShippableError

__all__ = ["ExecutorLike", "Runner", "resolve_executor", "block_plan", "spawn_seeds", "EXECUTOR_DOC"]

ExecutorLike = Any
"""``None`` (this process), an ``int`` (a local process pool of that many workers), a
``concurrent.futures.Executor``, or a ``distributed.Client``."""

EXECUTOR_DOC = (
    "None (in this process, the default), an int n >= 1 (a local pool of n processes, closed afterwards), "
    "a concurrent.futures.Executor (e.g. mpi4py.futures.MPIPoolExecutor) or a dask distributed.Client"
)
"""What ``executor=`` accepts, for docstrings and error messages."""

_REMEDY = ("define the game's function (and anything it refers to) at module level in an importable module, "
           "not as a lambda or a local function, or pass executor=None to run in this process")


def _is_dask_client(obj: Any) -> bool:
    """A ``distributed.Client`` (or a subclass), recognised without importing dask."""
    for klass in type(obj).__mro__:
        if klass.__name__ == "Client" and klass.__module__.split(".")[0] == "distributed":
            return True
    return False


class Runner:
    """Evaluate ``fn`` on each task of a fixed list, somewhere; results in task order.

    Build one with :func:`resolve_executor`; use it as a context manager (a
    pool it created is shut down on exit).

    Attributes
    ----------
    in_process : bool
        ``True`` when the tasks run in this process, one after the other
        (nothing is pickled).
    kind : str
        ``'serial'``, ``'processes'`` (a pool this runner owns), ``'threads'``,
        ``'executor'`` (a user's ``concurrent.futures`` executor) or ``'dask'``.

    Examples
    --------
    >>> with resolve_executor(None, func="demo") as runner:
    ...     runner.map(abs, [-1, 2, -3])
    [1, 2, 3]
    """

    def __init__(self, backend: Any, *, kind: str, func: str, owned: bool = False) -> None:
        self._backend = backend
        self.kind = kind
        self.func = func
        self._owned = owned
        self.in_process = kind == "serial"

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Shut down a pool this runner created (a user's executor or client is left alone)."""
        if self._owned and self._backend is not None:
            self._backend.shutdown(wait=True, cancel_futures=True)
            self._backend = None

    def __repr__(self) -> str:
        return f"Runner(kind={self.kind!r})"

    def map(self, fn: Callable[[Any], Any], tasks: Sequence[Any], *,
            progress: Callable[[int], None] | None = None) -> list[Any]:
        """``[fn(t) for t in tasks]``, evaluated by this runner's executor, in task order.

        Parameters
        ----------
        fn : callable
            A picklable callable of one task (a module-level function, or a
            ``functools.partial`` of one), unless the runner is in-process.
        tasks : sequence
            The tasks, in plan order.
        progress : callable, optional
            Called with the number of tasks just completed (1 each time), as
            they complete, in completion order (``Progress.advance`` fits).

        Returns
        -------
        list
            ``fn(task)`` for each task, in the order of ``tasks`` whatever the
            completion order.

        Raises
        ------
        NotShippableError
            When ``fn`` or a task cannot be pickled for another process.
        """
        tasks = list(tasks)
        if self.in_process:
            out = []
            for task in tasks:
                out.append(fn(task))
                if progress is not None:
                    progress(1)
            return out
        if not tasks:
            return []
        if self.kind != "threads":
            self._check_shippable(fn, tasks[0])
        if self.kind == "dask":
            return self._map_dask(fn, tasks, progress)
        return self._map_futures(fn, tasks, progress)

    def _check_shippable(self, fn: Callable[[Any], Any], task: Any) -> None:
        dumps = pickle.dumps
        if self.kind == "dask":  # dask ships with cloudpickle (lambdas pass; locks, files, generators do not)
            import cloudpickle

            dumps = cloudpickle.dumps
        for what, obj in (("the work (its game or function)", fn), ("a task", task)):
            try:
                dumps(obj)
            except Exception as exc:  # pickle raises PicklingError, AttributeError or TypeError
                raise NotShippableError(
                    f"{self.func}(): executor= runs the work in other processes, but {what} cannot be pickled "
                    f"({type(exc).__name__}: {exc}); {_REMEDY}") from exc

    def _map_futures(self, fn: Callable[[Any], Any], tasks: list[Any],
                     progress: Callable[[int], None] | None) -> list[Any]:
        futures = [self._backend.submit(fn, task) for task in tasks]
        try:
            for future in as_completed(futures):
                future.result()  # re-raise a task's error at once
                if progress is not None:
                    progress(1)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
        return [future.result() for future in futures]

    def _map_dask(self, fn: Callable[[Any], Any], tasks: list[Any],
                  progress: Callable[[int], None] | None) -> list[Any]:
        from distributed import as_completed as dask_completed  # the caller passed a Client: dask is there

        client = self._backend
        futures = client.map(fn, tasks, pure=False)
        try:
            for future in dask_completed(futures):
                if future.status == "error":
                    future.result()
                if progress is not None:
                    progress(1)
            return client.gather(futures)
        finally:
            client.cancel(futures)


MAX_LOCAL_WORKERS: int = 4 * (os.cpu_count() or 1)
"""Most processes ``executor=<int>`` starts (a process pool forks all of them at its first task)."""


def resolve_executor(executor: ExecutorLike, *, func: str) -> Runner:
    """The :class:`Runner` for an ``executor=`` argument.

    Parameters
    ----------
    executor : None, int, concurrent.futures.Executor or distributed.Client
        ``None``: in this process, serially. An ``int`` n >= 1: a local
        ``ProcessPoolExecutor(n)``, created here and shut down when the runner
        closes. An ``Executor``: used as is (``mpi4py.futures`` works). A Dask
        ``Client``: ``client.map`` / ``client.gather``.
    func : str
        The public function asking, for messages.

    Raises
    ------
    InvalidParameterError
        For anything else (the message says what is accepted).

    Examples
    --------
    >>> resolve_executor(None, func="demo").in_process
    True
    >>> resolve_executor("cluster", func="demo")
    Traceback (most recent call last):
    ...
    coopgame.errors.InvalidParameterError: demo(): executor must be None (in this process, the default), ...
    """
    if executor is None:
        return Runner(None, kind="serial", func=func)
    if isinstance(executor, numbers.Integral) and not isinstance(executor, bool):
        if int(executor) < 1:
            raise InvalidParameterError(f"{func}(): executor must be {EXECUTOR_DOC}; got the int {int(executor)}")
        if int(executor) > MAX_LOCAL_WORKERS:   # a pool starts all its processes at once: refuse before forking
            raise InvalidParameterError(f"{func}(): executor must be at most {MAX_LOCAL_WORKERS} local processes "
                                        f"(4 per core); got "
                                        + (str(executor) if len(str(executor)) <= 20
                                           else f"an int of {len(str(executor))} digits"))
        return Runner(ProcessPoolExecutor(int(executor)), kind="processes", func=func, owned=True)
    if isinstance(executor, ThreadPoolExecutor):
        return Runner(executor, kind="threads", func=func)
    if isinstance(executor, Executor):
        return Runner(executor, kind="executor", func=func)
    if _is_dask_client(executor):
        return Runner(executor, kind="dask", func=func)
    shown = repr(executor) if isinstance(executor, (bool, str, float)) else f"a {type(executor).__name__}"
    raise InvalidParameterError(f"{func}(): executor must be {EXECUTOR_DOC}; got {shown}")


def block_plan(total: int, block: int) -> list[tuple[int, int]]:
    """Contiguous ``[lo, hi)`` ranges covering ``range(total)``, each ``block`` long (the last may be shorter).

    Depends only on ``(total, block)``, never on the number of workers: the
    same problem always gets the same plan, so partial results combined in
    plan order are bit-identical whoever evaluated them.

    Examples
    --------
    >>> block_plan(10, 4)
    [(0, 4), (4, 8), (8, 10)]
    >>> block_plan(0, 4)
    []
    """
    for name, value, low in (("total", total, 0), ("block", block, 1)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < low:
            raise InvalidParameterError(f"block_plan(): {name} must be an integer >= {low}; got {value!r}")
    total, block = int(total), int(block)
    return [(lo, min(lo + block, total)) for lo in range(0, total, block)]


def spawn_seeds(seed_or_rng: Any, n_blocks: int) -> list[np.random.SeedSequence]:
    """``n_blocks`` independent child seeds (``SeedSequence.spawn``), one per sampling block.

    Parameters
    ----------
    seed_or_rng : None, int, sequence of int, SeedSequence, BitGenerator or Generator
        ``None`` means :data:`coopgame._validation.DEFAULT_SEED`. A
        ``SeedSequence`` is not modified (its children are spawned from a
        copy), so the same seed always gives the same children. A
        ``Generator`` or ``BitGenerator`` gives a root seed drawn from it (it
        advances, as any use of a generator does).
    n_blocks : int
        Number of children.

    Examples
    --------
    >>> a = spawn_seeds(7, 3)
    >>> [s.spawn_key for s in a]
    [(0,), (1,), (2,)]
    >>> bool(np.random.default_rng(a[1]).random() == np.random.default_rng(spawn_seeds(7, 3)[1]).random())
    True
    """
    from coopgame._validation import DEFAULT_SEED

    if isinstance(n_blocks, bool) or not isinstance(n_blocks, numbers.Integral) or int(n_blocks) < 0:
        raise InvalidParameterError(f"spawn_seeds(): n_blocks must be an integer >= 0; got {n_blocks!r}")
    if seed_or_rng is None:
        seed_or_rng = DEFAULT_SEED
    if isinstance(seed_or_rng, np.random.SeedSequence):
        root = np.random.SeedSequence(seed_or_rng.entropy, spawn_key=seed_or_rng.spawn_key,
                                      pool_size=seed_or_rng.pool_size,
                                      n_children_spawned=seed_or_rng.n_children_spawned)
    elif isinstance(seed_or_rng, (np.random.Generator, np.random.BitGenerator)):
        gen = seed_or_rng if isinstance(seed_or_rng, np.random.Generator) else np.random.Generator(seed_or_rng)
        root = np.random.SeedSequence([int(x) for x in gen.integers(0, 2**63, size=4, dtype=np.int64)])
    else:
        try:
            root = np.random.SeedSequence(seed_or_rng)
        except (TypeError, ValueError) as exc:
            raise InvalidParameterError(
                "spawn_seeds(): seed_or_rng must be None, a non-negative int or sequence of them, a SeedSequence, "
                f"a BitGenerator or a Generator; got {seed_or_rng!r}") from exc
    return root.spawn(int(n_blocks))

"""Policy parameter sweeps: evaluate a model over a grid of parameter values.

A model from :func:`coopgame.load_model` is validated once, when it is loaded.
Each swept parameter's values are checked once, vectorised, against the
kind's parameter table (:meth:`ModelSpec.check_values`); then the games of the
whole grid are built as arrays (:mod:`coopgame.models.batch`, for the kinds it
batches, with the same payoff functions as the single-game builders) or point
by point from the validated model (:meth:`ModelSpec.with_arrays`, no
re-parse), and the solvers evaluate the grid in vectorised form:

* 2×2 pairwise games: every extreme Nash equilibrium by
  :func:`coopgame.batch_equilibria_2x2`, and the long-run regime, a
  :class:`~coopgame.games.regimes.Regime`, by
  :func:`coopgame.games.regimes.regimes_2x2` — the classifier
  :meth:`PairwiseGame.classify` and :func:`coopgame.evolutionary_regime` use;
* cooperative games: the Shapley value by :func:`coopgame.shapley_values`
  (dense games) or by the structured path of :func:`coopgame.shapley_value`
  over the stack (:func:`coopgame.cooperative.structured_shapley_values`, cost
  terms included), and the smallest individual-rationality margin
  ``min_i (phi_i - v({i}))`` with ``v({i})`` read from each game.

Examples
--------
The worked check of MODELS.md BM1 over a grid of central reward W and penalty F:

>>> import numpy as np
>>> from coopgame import PairwiseGame
>>> def two_city(reward, penalty):
...     return PairwiseGame.from_two_city(cost=4, synergy=6, alpha=0.5, free_ride_gain=2,
...                                       lone_loss=1, reward=reward, penalty=penalty)
>>> res = parameter_sweep(two_city, {"reward": [0, 2, 3], "penalty": [0, 1.5, 3]})
>>> res.outputs["regime"].shape
(3, 3)
>>> [res.categories["regime"][k] for k in np.diagonal(res.outputs["regime"])]  # (W, F) = (0, 0), (2, 1.5), (3, 3)
['defection dominant', 'bistable', 'cooperation dominant']

A model file is swept the same way, its per-city ``reward`` set for both cities by the plain name:

>>> import coopgame
>>> res = parameter_sweep(coopgame.load_model("two_city_coop"), {"reward": [0, 4], "penalty": [0, 4]})
>>> res.method, res.outputs["cooperation_ess"].tolist()
('batched', [[False, True], [True, True]])

The same sweep with its blocks evaluated in a pool of two processes (or on a Dask ``Client``): the same bits.

>>> same = parameter_sweep(coopgame.load_model("two_city_coop"), {"reward": [0, 4], "penalty": [0, 4]}, executor=2)
>>> all(np.array_equal(same.outputs[k], v) for k, v in res.outputs.items())
True
"""

from __future__ import annotations

import math
import numbers
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from types import MappingProxyType
from typing import Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike

from coopgame._memory import ensure_fits
from coopgame._progress import Progress
from coopgame._validation import as_float_array, check_positive_int, check_tol, frozen
from coopgame.errors import InvalidParameterError
from coopgame.games.regimes import REGIME_CODES
from coopgame.results import Result, Summary, format_number
from coopgame.tolerances import EQUILIBRIUM_TOL

__all__ = ["parameter_sweep", "SweepResult", "parse_grid_spec", "pairwise_outcomes", "cooperative_outcomes",
           "quadratic_outcomes", "REGIME_NAMES"]

REGIME_NAMES: tuple[str, ...] = tuple(r.value for r in REGIME_CODES)
"""The text of each regime code of a sweep's ``regime`` output (the values of :class:`~coopgame.games.regimes.Regime`)."""

_MAX_POINTS = 2_000_000
_MAX_PER_POINT = 10_000
"""Sweeps that build a game at every point (about 10 ms each for a 13-city model) stop at this many points: the
batched path takes up to _MAX_POINTS."""
_BATCH_CHUNK = 1 << 17       # grid points per vectorised block: bounds temporary memory (a few MiB per array)
_DENSE_BYTES = 1 << 27       # dense coalition values held at once in the per-point path (128 MiB)


def parse_grid_spec(spec: str) -> tuple[str, np.ndarray]:
    """Parse ``NAME=START:STOP:NUM`` into ``(NAME, numpy.linspace(START, STOP, NUM))``.

    Examples
    --------
    >>> name, values = parse_grid_spec("reward=0:3:4")
    >>> name, values.tolist()
    ('reward', [0.0, 1.0, 2.0, 3.0])
    """
    func = "parse_grid_spec"
    if not isinstance(spec, str):
        raise InvalidParameterError(f"{func}(): spec must be a string NAME=START:STOP:NUM; got {spec!r} "
                                    f"({type(spec).__name__})")
    name, sep, rng = spec.partition("=")
    parts = rng.split(":")
    if not sep or not name.strip() or len(parts) != 3:
        raise InvalidParameterError(f"{func}(): a grid must read NAME=START:STOP:NUM; got {spec!r}")
    try:
        start, stop = float(parts[0]), float(parts[1])
        num = int(parts[2])
    except ValueError:
        raise InvalidParameterError(
            f"{func}(): START and STOP must be numbers and NUM an integer in NAME=START:STOP:NUM; got {spec!r}"
        ) from None
    if num < 1 or not (np.isfinite(start) and np.isfinite(stop)):
        raise InvalidParameterError(f"{func}(): NUM must be >= 1 and START, STOP finite; got {spec!r}")
    # before numpy.linspace allocates NUM floats (compared in log space: NUM may be any integer)
    shown = str(num) if num < 10**15 else f"~10**{len(str(num)) - 1}"
    ensure_fits(num * 8, func=func, what=f"a grid of NUM={shown} points", remedy="pass a smaller NUM")
    if num > _MAX_POINTS:
        raise InvalidParameterError(f"{func}(): NUM must be <= {_MAX_POINTS} (a sweep evaluates at most "
                                    f"{_MAX_POINTS} points); got {num}")
    return name.strip(), np.linspace(start, stop, num)


@dataclass(frozen=True, eq=False)
class SweepResult(Result):
    """Outcomes over a parameter grid.

    Attributes
    ----------
    outputs : dict of str -> ndarray
        Each outcome as an array of the grid's shape (one axis per swept
        parameter, in the order of ``grid``); per-player outcomes have one more
        trailing axis of length ``n``.
    grid : dict of str -> ndarray
        The values of each swept parameter.
    kind : str
        ``"pairwise"`` or ``"cooperative"``: which outcomes were evaluated.
    method : str
        ``"batched"`` (the grid's games built as arrays at once) or how they were built point by point.
    parameters : dict
        Fixed settings of the run.
    categories : dict of str -> tuple of str
        For categorical outputs (integer codes), the name of each code.
    players : tuple of str
    elapsed : float
        Wall time of the sweep in seconds.
    """

    outputs: Mapping[str, np.ndarray]
    grid: Mapping[str, np.ndarray]
    kind: str
    method: str = "batched"
    parameters: Mapping[str, Any] = field(default_factory=dict)
    categories: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    players: tuple[str, ...] = ()
    elapsed: float = 0.0

    def __post_init__(self) -> None:
        # the mappings are read-only views and every array in them a frozen view of a private copy
        for name in ("outputs", "grid"):
            object.__setattr__(self, name, MappingProxyType({k: frozen(np.asarray(v))
                                                             for k, v in getattr(self, name).items()}))
        object.__setattr__(self, "categories", MappingProxyType({k: tuple(v) for k, v in self.categories.items()}))
        object.__setattr__(self, "parameters", MappingProxyType(dict(self.parameters)))

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(v.size for v in self.grid.values())

    @property
    def headline(self) -> str:
        """The outcome a heat map of this sweep shows."""
        return "regime" if self.kind == "pairwise" else "ir_margin_min"

    def summary(self, max_rows: int = 40) -> Summary:
        """One row per grid point (the first ``max_rows``), with the scalar outcomes."""
        max_rows = check_positive_int(max_rows, func="SweepResult.summary", name="max_rows", minimum=0)
        names = list(self.grid)
        scalars = [k for k, v in self.outputs.items() if v.shape == self.shape]
        mesh = np.meshgrid(*self.grid.values(), indexing="ij")
        flat = [m.ravel() for m in mesh]
        rows = []
        total = int(np.prod(self.shape))
        for g in range(min(total, max_rows)):
            cells = [f[g] for f in flat]
            for k in scalars:
                value = self.outputs[k].ravel()[g]
                if k in self.categories:
                    cells.append(self.categories[k][int(value)])
                elif self.outputs[k].dtype == bool:
                    cells.append("yes" if value else "no")
                else:
                    cells.append(value)
            rows.append(tuple(cells))
        facts = [("kind", self.kind), ("grid", " x ".join(f"{n} ({v.size})" for n, v in self.grid.items())),
                 ("points", str(total)), ("method", self.method), ("time", f"{self.elapsed:.3f} s")]
        notes = []
        if total > max_rows:
            notes.append(f"First {max_rows} of {total} grid points shown; use --json for all.")
        for k in scalars:
            if k in self.categories:
                codes, counts = np.unique(self.outputs[k], return_counts=True)
                shares = ", ".join(f"{self.categories[k][int(c)]} {n / total:.0%}" for c, n in zip(codes, counts))
                notes.append(f"{k} over the grid: {shares}.")
        return Summary(title="Parameter sweep", facts=tuple(facts), columns=tuple(names + scalars),
                       rows=tuple(rows), notes=tuple(notes))

    def to_frame(self) -> Any:
        """One row per grid point (indexed by the swept values), one column per scalar outcome; categorical
        outcomes (the regime) as pandas categoricals (needs pandas)."""
        from coopgame.results import pandas_module

        pd = pandas_module("SweepResult.to_frame")
        mesh = np.meshgrid(*self.grid.values(), indexing="ij")
        index = pd.MultiIndex.from_arrays([m.ravel() for m in mesh], names=list(self.grid))
        cols: dict[str, Any] = {}
        for k, v in self.outputs.items():
            if v.shape != self.shape:
                continue
            flat = v.ravel()
            cols[k] = (pd.Categorical.from_codes(flat.astype(int), categories=list(self.categories[k]))
                       if k in self.categories else flat)
        return pd.DataFrame(cols, index=index)

    def to_xarray(self) -> Any:
        """The sweep as an :class:`xarray.Dataset` (needs xarray, the optional ``frames`` extra).

        One dimension per swept parameter (its values as coordinates, in the
        order of ``grid``), and ``player`` for per-player outcomes; one data
        variable per outcome. A categorical outcome (the regime) holds its
        labels, with every label in the variable's ``categories`` attribute.

        Examples
        --------
        >>> import coopgame
        >>> game = lambda reward: coopgame.PairwiseGame.from_two_city(cost=4, synergy=6, reward=reward)
        >>> ds = coopgame.parameter_sweep(game, {"reward": [0, 3, 5]}).to_xarray()
        >>> ds["regime"].values.tolist()
        ['defection dominant', 'bistable', 'cooperation dominant']
        >>> ds["welfare_cc"].dims, ds["welfare_cc"].values.tolist()
        (('reward',), [-2.0, 4.0, 8.0])
        """
        try:
            import xarray as xr
        except ImportError:
            raise ImportError("SweepResult.to_xarray() needs xarray, an optional dependency: "
                              "pip install 'coopgame[frames]' (or pip install xarray)") from None
        dims = tuple(self.grid)
        coords: dict[str, Any] = {k: np.asarray(v) for k, v in self.grid.items()}
        if self.players:
            coords["player"] = list(self.players)
        data: dict[str, Any] = {}
        for k, v in self.outputs.items():
            extra = v.shape[len(dims):]
            tail = (("player",) if extra == (len(self.players),) and self.players
                    else tuple(f"{k}_axis{j}" for j in range(len(extra))))
            if k in self.categories:
                data[k] = (dims + tail, np.asarray(self.categories[k])[v.astype(np.intp)],
                           {"categories": list(self.categories[k])})
            else:
                data[k] = (dims + tail, np.asarray(v))
        return xr.Dataset(data, coords=coords,
                          attrs={"kind": self.kind, "method": self.method, "elapsed_seconds": float(self.elapsed)})

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["shape"] = list(self.shape)
        return out


def parameter_sweep(
    model: Any,
    grid: Mapping[str, ArrayLike],
    *,
    progress: bool = False,
    chunk_size: int = 2048,
    issue: str | int | None = None,
    tol: float = EQUILIBRIUM_TOL,
    executor: Any = None,
) -> SweepResult:
    """Evaluate a model's outcomes over the Cartesian grid of parameter values.

    Parameters
    ----------
    model : ModelSpec or callable
        An object from :func:`coopgame.load_model` (validated once; a grid
        name ``cost[1]`` sets one element of a per-city parameter — ``synergy[0,1]``
        one entry of a matrix, ``reward[0,1]`` city 1 on issue 0: one index
        per axis —, a plain ``cost`` sets all of them; two axes may not set the
        same element), or a
        function ``f(**parameters) -> game``. The game swept is the model's
        2×2 pairwise game (two cities; one issue layer at a time), else its
        cooperative game (:class:`~coopgame.TUGame` or
        :class:`~coopgame.StructuredGame`); a callable may return either, an
        :class:`~coopgame.NCityGame` or a built model.
    grid : mapping name -> 1-D array_like
        Values of each swept parameter; the grid is their Cartesian product.
    progress : bool, default False
        Show a progress bar on standard error.
    chunk_size : int, default 2048
        Grid points built per block on the point-by-point path (bounds memory).
    issue : str or int, optional
        For an n-city game with issue layers: sweep this issue's game alone
        (layers do not interact). Required when a two-city game has layers.
    tol : float, default 1e-9
        Relative tolerance for payoff ties (times each game's payoff scale),
        as in :func:`coopgame.batch_equilibria_2x2` and :meth:`PairwiseGame.classify`.
    executor : None, int, concurrent.futures.Executor or dask.distributed.Client, optional
        Where the grid's blocks are evaluated: ``None`` in this process, an
        int ``n`` a local pool of ``n`` processes, any ``concurrent.futures``
        executor (``mpi4py.futures`` works) or a Dask ``Client``. The blocks
        (2**17 points on the batched path, ``chunk_size`` on the
        point-by-point path) depend only on the grid and the model, never on
        the workers; each block is one task and the outputs are joined in
        grid order, so the result is bit-identical to ``executor=None``. The
        model (a callable too) must be picklable: a function defined at
        module level, not a lambda (a Dask client also ships lambdas).

    Returns
    -------
    SweepResult
        Pairwise sweeps: ``regime`` (codes into ``categories["regime"]``, the
        :class:`~coopgame.games.regimes.Regime` values), ``cooperation_ess``,
        ``n_equilibria``, ``n_pure_equilibria``, ``degenerate`` (decisions:
        perceived payoffs where a perception factor applies), ``welfare_cc``
        (welfare of full cooperation, true payoffs: independent of the
        perception factor). Cooperative sweeps: ``shapley`` (one trailing axis per
        player), ``stand_alone`` (``v({i})``), ``ir_margin_min``.

    Raises
    ------
    InvalidParameterError
        On an empty grid, a non-numeric or empty axis, more than two million
        points, an unknown parameter, a swept value out of the parameter's range
        (naming the parameter and the value), or a model without a pairwise or
        cooperative game to sweep.
    """
    func = "parameter_sweep"
    tol = check_tol(tol, func=func)
    chunk_size = check_positive_int(chunk_size, func=func, name="chunk_size")
    if not isinstance(progress, (bool, np.bool_)):
        raise InvalidParameterError(f"{func}(): progress must be True or False; got {progress!r}")
    if issue is not None and (isinstance(issue, bool) or not isinstance(issue, (str, numbers.Integral))):
        raise InvalidParameterError(f"{func}(): issue must be an issue label (str), a layer index (int) or None; "
                                    f"got {issue!r} ({type(issue).__name__})")
    axes = _axes(grid, func=func)
    shape = tuple(a.size for a in axes.values())
    total = math.prod(shape)  # Python ints: many long axes cannot wrap around as an int64 product would
    if total > _MAX_POINTS:
        raise InvalidParameterError(f"{func}(): the grid has {total} points; at most {_MAX_POINTS} are allowed")
    start = time.perf_counter()
    fixed: dict[str, Any] = {"tol": tol}
    if issue is not None:
        fixed["issue"] = issue
    if _is_spec(model):
        plan = _SpecPlan(model, axes, issue)
    elif callable(model):
        plan = _CallablePlan(model, axes, issue)
    else:
        raise InvalidParameterError(f"{func}(): model must be a model spec (coopgame.load_model) or a callable "
                                    f"returning a game; got {type(model).__name__}")
    if plan.method != "batched" and total > _MAX_PER_POINT:
        raise InvalidParameterError(
            f"{func}(): the grid has {total} points, but this sweep builds its games one point at a time "
            f"({plan.method}), which is limited to {_MAX_PER_POINT} points; sweep parameters the model builds "
            f"in batches, or split the grid into several sweeps")
    pieces: list[dict[str, np.ndarray]] = []
    blocks = plan.blocks(total, chunk_size)
    with Progress(total, "sweep", enabled=progress) as bar:
        if executor is None:
            for lo, hi in blocks:
                pieces.append(plan.evaluate(_columns(axes, shape, lo, hi), tol=tol))
                bar.advance(hi - lo)
        else:  # the same blocks as tasks; a completed task advances the bar by one block (clamped at the end)
            from coopgame._executor import resolve_executor

            step = blocks[0][1] - blocks[0][0]
            with resolve_executor(executor, func=func) as runner:
                pieces = runner.map(partial(_evaluate_block, plan, axes, shape, tol), blocks,
                                    progress=lambda done: bar.advance(done * step))
    outputs = {k: _sealed(np.concatenate([p[k] for p in pieces])).reshape(shape + pieces[0][k].shape[1:])
               for k in pieces[0]}
    categories = {"regime": REGIME_NAMES} if plan.kind == "pairwise" else {}
    if plan.method != "batched":
        fixed["chunk_size"] = chunk_size
    return SweepResult(outputs=outputs, grid=axes, kind=plan.kind, method=plan.method, categories=categories,
                       players=plan.players, parameters=fixed, elapsed=time.perf_counter() - start, game=model)


def _evaluate_block(plan: Any, axes: Mapping[str, np.ndarray], shape: tuple[int, ...], tol: float,
                    block: tuple[int, int]) -> dict[str, np.ndarray]:
    """One task of a sweep: the outcomes at flat grid points ``block[0] .. block[1] - 1``."""
    return plan.evaluate(_columns(axes, shape, *block), tol=tol)


def _sealed(arr: np.ndarray) -> np.ndarray:
    """``arr``, which this module alone holds, made read-only in place: its views are then frozen without a copy."""
    arr.setflags(write=False)
    return arr


# ---------------------------------------------------------------------------------------------- the grid
def _axes(grid: Mapping[str, ArrayLike], *, func: str) -> dict[str, np.ndarray]:
    if not isinstance(grid, Mapping):
        raise InvalidParameterError(f"{func}(): grid must be a mapping of parameter names to 1-D arrays of values; "
                                    f"got {type(grid).__name__}")
    if not grid:
        raise InvalidParameterError(f"{func}(): grid must name at least one parameter; got an empty grid")
    axes: dict[str, np.ndarray] = {}
    for name, values in grid.items():
        if not isinstance(name, str) or not name.strip():
            raise InvalidParameterError(f"{func}(): grid keys must be parameter names (non-empty strings); "
                                        f"got {name!r}")
        arr = np.atleast_1d(as_float_array(values, func=func, name=f"grid[{name!r}]", error=InvalidParameterError))
        if arr.ndim != 1 or arr.size == 0:
            raise InvalidParameterError(f"{func}(): grid[{name!r}] must be a non-empty 1-D array of finite numbers; "
                                        f"got shape {arr.shape}")
        axes[name] = frozen(arr)
    return axes


def _columns(axes: Mapping[str, np.ndarray], shape: tuple[int, ...], lo: int, hi: int) -> list[np.ndarray]:
    """Each swept parameter's value at flat grid points ``lo..hi-1`` (C order: the last axis varies fastest)."""
    index = np.unravel_index(np.arange(lo, hi), shape)
    return [axis[i] for axis, i in zip(axes.values(), index)]


@runtime_checkable
class SweepableModel(Protocol):
    """What a sweep needs of a validated model (:class:`~coopgame.models.schema.ModelSpec` offers it)."""

    slug: str
    kind: str

    def check_values(self, name: str, values: Any, *, func: str = ...) -> np.ndarray: ...

    def with_arrays(self, **values: Any) -> Any: ...

    def can_batch(self, names: Sequence[str]) -> bool: ...

    def batch_games(self, values: Mapping[str, np.ndarray]) -> Any: ...

    def build(self) -> Any: ...


def _is_spec(model: Any) -> bool:
    return isinstance(model, SweepableModel)


def _model_name(spec: Any) -> str:
    """``'slug' (file PATH)``: the model as the user gave it (a copy of a built-in model keeps its slug)."""
    path = getattr(spec, "path", None)
    return f"{spec.slug!r}" + (f" (file {path})" if path else "")


def _with_file(message: str, spec: Any) -> str:
    """``message`` with the model named by its file too (see :func:`_model_name`)."""
    plain = f"model {spec.slug!r}"
    named = f"model {_model_name(spec)}"
    if plain in message:
        return message.replace(plain, named, 1)
    return f"{message} (model {_model_name(spec)})"


def _parse_key(spec: Any, key: str, *, func: str) -> tuple[str, int | None]:
    """``"cost"`` -> ("cost", None); ``"cost[1]"`` -> ("cost", 1); ``"synergy[0,1]"`` -> ("synergy", flat index)."""
    name, bracket, rest = key.partition("[")
    name = name.strip()
    if name not in spec.parameters:
        raise InvalidParameterError(f"{func}(): model {_model_name(spec)} has no parameter {name!r}; "
                                    f"parameters: {', '.join(spec.parameters)}")
    if not bracket:
        return name, None
    shape = spec[name].shape
    try:
        if not rest.endswith("]"):
            raise ValueError
        index = tuple(int(i) for i in rest[:-1].split(","))
        if len(index) != len(shape):  # one index per axis: "reward[1]" on a (layers, cities) array would be ambiguous
            raise ValueError
        flat = int(np.ravel_multi_index(index, shape))
    except ValueError:
        raise InvalidParameterError(f"{func}(): {key!r} does not index parameter {name!r} of shape {shape}: give "
                                    f"{len(shape)} index(es) within the shape, or the plain name to set every "
                                    "element") from None
    return name, flat


def _refuse_overlaps(keys: Sequence[tuple[str, int | None]], labels: Sequence[str], *, func: str) -> None:
    """Two grid axes may not set the same element: one would silently overwrite the other."""
    seen: dict[tuple[str, int | None], str] = {}
    for (name, index), label in zip(keys, labels):
        clashes = [other for (n, i), other in seen.items() if n == name and (i is None or index is None or i == index)]
        if clashes:
            raise InvalidParameterError(f"{func}(): grid axes {clashes[0]!r} and {label!r} both set parameter "
                                        f"{name!r}; sweep each element on one axis only")
        seen[(name, index)] = label


# ---------------------------------------------------------------------------------------------- plans
class _SpecPlan:
    """A validated model: swept values checked once per axis, games built in blocks (batched or point by point)."""

    def __init__(self, spec: Any, axes: Mapping[str, np.ndarray], issue: str | int | None) -> None:
        func = "parameter_sweep"
        self.spec = spec
        self.issue = issue
        self.keys = [_parse_key(spec, key, func=func) for key in axes]
        _refuse_overlaps(self.keys, list(axes), func=func)
        # Check every swept value once, vectorised: one stack per axis, the other parameters at the model's values.
        for (name, index), values in zip(self.keys, axes.values()):
            try:
                spec.check_values(name, self._stack(name, [(index, values)], values.size), func=func)
            except InvalidParameterError as err:  # say which file: a user's copy and a built-in share the slug
                raise InvalidParameterError(_with_file(str(err), spec)) from None
        self.names = list(dict.fromkeys(name for name, _ in self.keys))
        self.choice = _FormChoice(spec.build(), issue)  # the game at the model's own values: which kind of sweep
        form = self.choice.first
        self.kind = form.kind
        self.players = tuple(form.game.players)
        self.batched = issue is None and spec.can_batch(self.names)
        self.method = "batched" if self.batched else "per point (ModelSpec.with_arrays)"
        self._dense_n = form.game.n_players if _is_dense(form.game) else 0
        # cooperative stacks hold (points, layers, n, n) temporaries: bound them to about 32 MiB each
        n = len(self.players)
        self._batch_step = _BATCH_CHUNK if self.kind == "pairwise" else max(
            1, (1 << 22) // (n * n * max(len(getattr(spec, "layers", ())), 1)))

    def _stack(self, name: str, settings: Sequence[tuple[int | None, np.ndarray]], size: int) -> np.ndarray:
        base = self.spec[name]
        out = np.empty((size, *base.shape))
        out[...] = base
        for index, col in settings:
            if index is None:
                out[...] = col.reshape((size,) + (1,) * base.ndim)
            else:
                out.reshape(size, -1)[:, index] = col
        return out

    def blocks(self, total: int, chunk_size: int) -> list[tuple[int, int]]:
        step = self._batch_step if self.batched else _point_chunk(chunk_size, self._dense_n)
        return [(lo, min(total, lo + step)) for lo in range(0, total, step)]

    def stacks(self, columns: Sequence[np.ndarray]) -> dict[str, np.ndarray]:
        size = columns[0].size
        return {name: self._stack(name, [(index, col) for (n, index), col in zip(self.keys, columns) if n == name],
                                  size) for name in self.names}

    def evaluate(self, columns: Sequence[np.ndarray], *, tol: float) -> dict[str, np.ndarray]:
        values = self.stacks(columns)
        if self.batched:
            stack = self.spec.batch_games(values)
            if stack.kind == "pairwise":
                return pairwise_outcomes(stack.A, stack.B, tol=tol, true_payoffs=stack.true_payoffs)
            return quadratic_outcomes(stack.additive, stack.pairwise)
        games = [self.choice(self.spec.with_arrays(**{k: v[g] for k, v in values.items()}).build()).game
                 for g in range(columns[0].size)]
        return _evaluate_games(self.kind, games, tol=tol)


class _CallablePlan:
    """A function of the parameters returning a game: built and validated at every point."""

    method = "per point (callable)"

    def __init__(self, model: Callable[..., Any], axes: Mapping[str, np.ndarray], issue: str | int | None) -> None:
        self.model = model
        self.names = list(axes)
        self.issue = issue
        first = self._game({k: float(v[0]) for k, v in axes.items()})
        self.kind = first.kind
        self.players = tuple(first.game.players)
        self._dense_n = first.game.n_players if _is_dense(first.game) else 0

    def _game(self, point: Mapping[str, float]) -> Any:
        try:
            built = self.model(**point)
        except TypeError as err:  # most often a grid name the function does not take
            where = ", ".join(f"{k}={format_number(v)}" for k, v in point.items())
            raise InvalidParameterError(f"parameter_sweep(): the model function failed at {where} with TypeError: "
                                        f"{err}; the grid names must be keyword arguments of the model "
                                        f"function") from err
        return _sweep_game(built, self.issue)

    def blocks(self, total: int, chunk_size: int) -> list[tuple[int, int]]:
        step = _point_chunk(chunk_size, self._dense_n)
        return [(lo, min(total, lo + step)) for lo in range(0, total, step)]

    def evaluate(self, columns: Sequence[np.ndarray], *, tol: float) -> dict[str, np.ndarray]:
        games = []
        for g in range(columns[0].size):
            form = self._game({k: float(c[g]) for k, c in zip(self.names, columns)})
            if form.kind != self.kind:
                point = ", ".join(f"{k}={format_number(c[g])}" for k, c in zip(self.names, columns))
                raise InvalidParameterError(f"parameter_sweep(): at {point} the model built a {form.kind} game; "
                                            f"the first grid point built a {self.kind} one")
            games.append(form.game)
        return _evaluate_games(self.kind, games, tol=tol)


def _point_chunk(chunk_size: int, dense_n: int) -> int:
    step = max(1, int(chunk_size))
    if dense_n:
        step = min(step, max(1, _DENSE_BYTES // (8 << dense_n)))
    return step


def _is_dense(game: Any) -> bool:
    from coopgame.games.tu import TUGame

    return isinstance(game, TUGame)


def _sweep_game(obj: Any, issue: str | int | None, name: str = "the model") -> Any:
    """The form a sweep evaluates: :func:`coopgame.policy.concepts.sweep_form` (the registry decides)."""
    from coopgame.policy.concepts import sweep_form

    try:
        return sweep_form(obj, issue=issue)
    except InvalidParameterError as err:
        raise InvalidParameterError(f"parameter_sweep(): {name} cannot be swept: "
                                    f"{str(err).removeprefix('sweep_form(): ')}") from None


class _FormChoice:
    """Which of a built model's game forms the registry sweeps, decided once and replayed at every grid point.

    :func:`~coopgame.policy.concepts.sweep_form` of the model at its own
    values names the form; at each point the same form of the rebuilt model
    is converted by ``sweep_form`` of the game itself (typed dispatch on the
    game's class, no protocol check per point).
    """

    def __init__(self, built: Any, issue: str | int | None) -> None:
        spec = built.spec
        self.name = f"model {spec.slug!r} (kind {spec.kind!r})"
        self.first = _sweep_game(built, issue, self.name)
        forms = [game for _, game in built.games()]
        self.index = next((i for i, game in enumerate(forms) if game is self.first.game), 0)
        self.issue = issue if self.index == 0 else None

    def __getstate__(self) -> dict[str, Any]:
        # shipped to executor workers without the first form (its game may hold closures; workers rebuild games)
        return {k: v for k, v in self.__dict__.items() if k != "first"}

    def __call__(self, built: Any) -> Any:
        forms = built.games()
        for _ in range(self.index):
            next(forms)
        return _sweep_game(next(forms)[1], self.issue, self.name)


# ---------------------------------------------------------------------------------------------- evaluation
def _evaluate_games(kind: str, games: list[Any], *, tol: float) -> dict[str, np.ndarray]:
    if kind == "pairwise":
        # decisions on each game's payoffs (perceived, for an n-city game with β ≠ 1); welfare on its true payoffs
        true = None
        if any(g.is_perceived for g in games):
            true = (np.stack([g.true_game.row_payoffs for g in games]),
                    np.stack([g.true_game.col_payoffs for g in games]))
        return pairwise_outcomes(np.stack([g.row_payoffs for g in games]), np.stack([g.col_payoffs for g in games]),
                                 tol=tol, true_payoffs=true)
    return cooperative_outcomes(games)


def pairwise_outcomes(A: np.ndarray, B: np.ndarray, *, tol: float = EQUILIBRIUM_TOL,
                      true_payoffs: tuple[np.ndarray, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """Outcomes of a stack of 2×2 cooperation games (action 0 = cooperate), from the solvers.

    ``A`` and ``B`` are the payoffs decisions use; when they are perceived
    payoffs (an n-city game with perception β ≠ 1, DESIGN §2.1),
    ``true_payoffs`` gives the true ``(A, B)`` stacks, which ``welfare_cc``
    is computed from (so it does not depend on β). Omitted: ``A`` and ``B``
    are the true payoffs.

    Equilibria come from :func:`coopgame.batch_equilibria_2x2`; the regime
    and whether full cooperation is an ESS (a strict equilibrium: a stable
    vertex of the replicator dynamics) from
    :func:`coopgame.games.regimes.regimes_2x2` (its two steps,
    :func:`~coopgame.games.regimes.stable_profiles_2x2` and
    :func:`~coopgame.games.regimes.regime_codes`).

    Returns
    -------
    dict of str -> ndarray, shape (G,)
        ``regime`` (int8 codes into :data:`REGIME_NAMES`), ``cooperation_ess``,
        ``n_equilibria``, ``n_pure_equilibria``, ``degenerate`` (all from the
        decision payoffs), ``welfare_cc`` (true welfare of full cooperation).

    Examples
    --------
    >>> A = np.array([[[3, 0], [5, 1]]], dtype=float)  # prisoner's dilemma
    >>> out = pairwise_outcomes(A, A.transpose(0, 2, 1))
    >>> REGIME_NAMES[out["regime"][0]], bool(out["cooperation_ess"][0]), int(out["n_equilibria"][0])
    ('defection dominant', False, 1)
    """
    from coopgame.equilibrium.batch2x2 import batch_equilibria_2x2
    from coopgame.games.regimes import regime_codes, stable_profiles_2x2

    func = "pairwise_outcomes"
    tol = check_tol(tol, func=func)
    A = as_float_array(A, func=func, name="A", shape=(None, 2, 2), error=InvalidParameterError)
    B = as_float_array(B, func=func, name="B", shape=A.shape, error=InvalidParameterError)
    if true_payoffs is None:
        true_A, true_B = A, B
    else:
        if not isinstance(true_payoffs, (tuple, list)) or len(true_payoffs) != 2:
            raise InvalidParameterError(f"{func}(): true_payoffs must be a pair (A, B) of payoff stacks or None; "
                                        f"got {type(true_payoffs).__name__}")
        true_A, true_B = (as_float_array(t, func=func, name=f"true_payoffs[{i}]", error=InvalidParameterError)
                          for i, t in enumerate(true_payoffs))
    eq = batch_equilibria_2x2(A, B, tol=tol)
    stable, degenerate = stable_profiles_2x2(A, B, tol=tol)
    if true_A.shape != np.shape(A) or true_B.shape != np.shape(B):
        raise InvalidParameterError(f"pairwise_outcomes(): true_payoffs must have the payoffs' shape {np.shape(A)}; "
                                    f"got {true_A.shape} and {true_B.shape}")
    return {"regime": regime_codes(stable, degenerate), "cooperation_ess": stable[:, 0],
            "n_equilibria": eq.counts, "n_pure_equilibria": eq.flags[:, :4].sum(axis=1),
            "degenerate": eq.degenerate, "welfare_cc": true_A[:, 0, 0] + true_B[:, 0, 0]}


def quadratic_outcomes(additive: np.ndarray, pairwise: np.ndarray) -> dict[str, np.ndarray]:
    """:func:`cooperative_outcomes` of a stack of quadratic games (no cost terms), without building them.

    Shapley values from :func:`coopgame.cooperative.quadratic_shapley_values`
    (the structured closed form); ``v({i}) = a_i`` (the pairwise terms have zero diagonals).

    Examples
    --------
    >>> out = quadratic_outcomes(np.array([[1.0, 2.0]]), np.array([[[0.0, 3.0], [1.0, 0.0]]]))
    >>> out["shapley"].tolist(), out["ir_margin_min"].tolist()
    ([[3.0, 4.0]], [2.0])
    """
    from coopgame.cooperative.batch import quadratic_shapley_values

    func = "quadratic_outcomes"
    additive = as_float_array(additive, func=func, name="additive", ndim=2, error=InvalidParameterError)
    g, n = additive.shape
    pairwise = as_float_array(pairwise, func=func, name="pairwise", shape=(g, n, n), error=InvalidParameterError)
    phi = np.array(quadratic_shapley_values(additive, pairwise).allocations)
    return {"shapley": phi, "stand_alone": additive, "ir_margin_min": (phi - additive).min(axis=1)}


def cooperative_outcomes(games: Sequence[Any]) -> dict[str, np.ndarray]:
    """Shapley values and individual-rationality margins of games of one size, from the solvers.

    Structured games go through :func:`coopgame.cooperative.structured_shapley_values`
    (the structured path of :func:`coopgame.shapley_value`, cost terms
    included); dense ones through :func:`coopgame.shapley_values`; value-function
    games (an alpha game beyond 20 cities) through :func:`coopgame.shapley_value`
    one by one (sampled, with its fixed default seed). ``v({i})``
    is read from each game.

    Returns
    -------
    dict of str -> ndarray
        ``shapley`` and ``stand_alone`` of shape (G, n), ``ir_margin_min`` of shape (G,).

    Examples
    --------
    >>> from coopgame import StructuredGame
    >>> from coopgame.games.structured import AirportCost
    >>> out = cooperative_outcomes([StructuredGame.from_costs(AirportCost([8, 11, 13, 18]))])
    >>> out["shapley"].tolist(), out["ir_margin_min"].tolist()
    ([[6.0, 8.0, 9.0, 9.0]], [6.0])
    """
    from coopgame.cooperative.batch import shapley_values, structured_shapley_values
    from coopgame.games.function_game import ValueFunctionGame
    from coopgame.games.structured import StructuredGame
    from coopgame.games.tu import TUGame

    func = "cooperative_outcomes"
    if isinstance(games, (str, bytes)) or not hasattr(games, "__iter__"):
        raise InvalidParameterError(f"{func}(): games must be a sequence of cooperative games; "
                                    f"got {type(games).__name__}")
    games = list(games)
    kinds = (TUGame, StructuredGame, ValueFunctionGame)
    bad = next((g for g in games if not isinstance(g, kinds)), None)
    if not games or bad is not None:
        raise InvalidParameterError(f"{func}(): games must be a non-empty sequence of TUGame, StructuredGame or "
                                    f"ValueFunctionGame; got " + (f"an entry of type {type(bad).__name__}"
                                                                  if games else "an empty sequence"))
    n = games[0].n_players
    if any(g.n_players != n for g in games):
        raise InvalidParameterError(f"{func}(): every game must have the same number of players; got "
                                    f"{sorted({g.n_players for g in games})}")
    if any(isinstance(g, ValueFunctionGame) for g in games):
        # coalition by coalition (the alpha game beyond ALPHA_DENSE_MAX_PLAYERS cities): the Shapley value as
        # coopgame.shapley_value gives it (exact up to 20 players; sampled with a fixed seed above)
        from coopgame.cooperative import shapley_value

        phi = np.stack([shapley_value(g).allocation for g in games])
        singles = np.stack([g.value_of_masks(1 << np.arange(n)) for g in games])
    elif all(isinstance(g, StructuredGame) for g in games):
        phi = np.array(structured_shapley_values(games).allocations)
        singles = np.stack([g.value_of_members(np.eye(n, dtype=bool)) for g in games])
    else:
        dense = [g.to_tu() if isinstance(g, StructuredGame) else g for g in games]
        values = dense[0].values[None] if len(dense) == 1 else np.stack([g.values for g in dense])
        phi = np.array(shapley_values(values).allocations)
        singles = values[:, 1 << np.arange(n)]
    return {"shapley": phi, "stand_alone": singles, "ir_margin_min": (phi - singles).min(axis=1)}

"""Policy parameter sweeps: evaluate a model over a grid of parameter values.

A sweep rebuilds the model's game at each grid point (cheap, and every point
is validated like a single run), stacks the games into arrays, and evaluates
the outcomes for the whole grid at once:

* pairwise 2×2 games: which corners are evolutionarily stable (the long-run
  outcome of the replicator dynamics), whether full cooperation is an ESS, and
  the number of pure equilibria, from closed forms over a ``(G, 2, 2)`` stack;
* TU games: the Shapley value of every point from one batched call over a
  ``(G, 2**n)`` stack (or the closed form for structured games), and the
  smallest individual-rationality margin ``min_i (phi_i - v({i}))``
  (dense games through :func:`coopgame.shapley_values`).

Examples
--------
The worked check of MODELS.md BM1 over a grid of central reward W and penalty F:

>>> import numpy as np
>>> from coopgame import PairwiseGame
>>> def two_city(reward, penalty):
...     return PairwiseGame.from_two_city(cost=4, synergy=6, alpha=0.5, free_ride_gain=2,
...                                       lone_loss=1, reward=reward, penalty=penalty)
>>> res = parameter_sweep(two_city, {"reward": [0, 2, 3], "penalty": [0, 1.5, 3]})
>>> res.outputs["outcome"].shape
(3, 3)
>>> [res.categories["outcome"][k] for k in np.diagonal(res.outputs["outcome"])]  # (W, F) = (0, 0), (2, 1.5), (3, 3)
['mutual defection', 'bistable', 'full cooperation']
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from coopgame._progress import Progress
from coopgame.errors import CoopgameError, InvalidParameterError
from coopgame.results import Result, Summary, format_number

__all__ = ["parameter_sweep", "SweepResult", "parse_grid_spec", "OUTCOMES"]

OUTCOMES = (
    "full cooperation",
    "mutual defection",
    "bistable",
    "row city alone cooperates",
    "column city alone cooperates",
    "anti-coordination",
    "no stable corner",
)
"""Long-run outcomes of a 2×2 replicator system, by its set of stable corners."""

_MAX_POINTS = 2_000_000


def parse_grid_spec(spec: str) -> tuple[str, np.ndarray]:
    """Parse ``NAME=START:STOP:NUM`` into ``(NAME, numpy.linspace(START, STOP, NUM))``.

    Examples
    --------
    >>> name, values = parse_grid_spec("reward=0:3:4")
    >>> name, values.tolist()
    ('reward', [0.0, 1.0, 2.0, 3.0])
    """
    func = "parse_grid_spec"
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
    method: str = "rebuild-then-batch"
    parameters: Mapping[str, Any] = field(default_factory=dict)
    categories: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    players: tuple[str, ...] = ()
    elapsed: float = 0.0

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(v.size for v in self.grid.values())

    @property
    def headline(self) -> str:
        """The outcome a heat map of this sweep shows."""
        return "outcome" if self.kind == "pairwise" else "ir_margin_min"

    def summary(self, max_rows: int = 40) -> Summary:
        """One row per grid point (the first ``max_rows``), with the scalar outcomes."""
        names = list(self.grid)
        scalars = [k for k, v in self.outputs.items() if v.shape == self.shape]
        mesh = np.meshgrid(*self.grid.values(), indexing="ij")
        flat = [m.ravel() for m in mesh]
        rows = []
        total = int(np.prod(self.shape))
        for g in range(min(total, max_rows)):
            cells = [format_number(f[g]) for f in flat]
            for k in scalars:
                value = self.outputs[k].ravel()[g]
                if k in self.categories:
                    cells.append(self.categories[k][int(value)])
                elif self.outputs[k].dtype == bool:
                    cells.append("yes" if value else "no")
                else:
                    cells.append(format_number(value))
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
) -> SweepResult:
    """Evaluate a model's outcomes over the Cartesian grid of parameter values.

    Parameters
    ----------
    model : callable or model spec
        A function ``f(**parameters) -> game`` or an object from
        :func:`coopgame.load_model` (rebuilt at each point with
        ``with_values(...)``; a grid name ``cost[1]`` sets one element of a
        per-city parameter, a plain ``cost`` sets all of them). The
        game must be a 2×2 :class:`~coopgame.PairwiseGame`, a
        :class:`~coopgame.TUGame` or a :class:`~coopgame.StructuredGame`, or
        offer ``to_pairwise()`` or ``tu_game()`` (an n-city game: two cities
        sweep as a pairwise game, more as the cooperative game).
    grid : mapping name -> 1-D array_like
        Values of each swept parameter; the grid is their Cartesian product.
    progress : bool, default False
        Show a progress bar on standard error.
    chunk_size : int, default 2048
        Grid points built and evaluated per batch (bounds memory).
    issue : str or int, optional
        For an n-city game with issue layers: sweep this issue's game alone
        (layers do not interact). Required when a two-city game has layers.

    Returns
    -------
    SweepResult

    Raises
    ------
    InvalidParameterError
        On an empty grid, a non-numeric or empty axis, or more than two
        million points.
    """
    func = "parameter_sweep"
    if not grid:
        raise InvalidParameterError(f"{func}(): grid must name at least one parameter; got an empty grid")
    axes: dict[str, np.ndarray] = {}
    for name, values in grid.items():
        try:
            arr = np.atleast_1d(np.asarray(values, dtype=float))
        except (TypeError, ValueError):
            raise InvalidParameterError(f"{func}(): grid[{name!r}] must hold numbers; got {values!r}") from None
        if arr.ndim != 1 or arr.size == 0 or not np.all(np.isfinite(arr)):
            raise InvalidParameterError(f"{func}(): grid[{name!r}] must be a non-empty 1-D array of finite numbers; "
                                        f"got {values!r}")
        axes[str(name)] = arr
    shape = tuple(a.size for a in axes.values())
    total = int(np.prod(shape))
    if total > _MAX_POINTS:
        raise InvalidParameterError(f"{func}(): the grid has {total} points; at most {_MAX_POINTS} are allowed")
    build = _builder(model)
    flat = np.stack([m.ravel() for m in np.meshgrid(*axes.values(), indexing="ij")], axis=1)
    names = list(axes)

    start = time.perf_counter()
    pieces: list[dict[str, np.ndarray]] = []
    kind = None
    players: tuple[str, ...] = ()
    with Progress(total, "sweep", enabled=progress) as bar:
        for lo in range(0, total, chunk_size):
            games = [_as_sweepable(_pick_issue(build({k: float(v) for k, v in zip(names, row)}), issue), names, row)
                     for row in flat[lo:lo + chunk_size]]
            chunk_kind = _kind_of(games[0])
            if kind is None:
                kind, players = chunk_kind, tuple(games[0].players)
            pieces.append(_evaluate(kind, games))
            bar.advance(len(games))
    outputs = {k: np.concatenate([p[k] for p in pieces]).reshape(shape + pieces[0][k].shape[1:])
               for k in pieces[0]}
    categories = {"outcome": OUTCOMES} if kind == "pairwise" else {}
    fixed: dict[str, Any] = {"chunk_size": chunk_size}
    if issue is not None:
        fixed["issue"] = issue
    return SweepResult(outputs=outputs, grid=axes, kind=kind or "", categories=categories, players=players,
                       parameters=fixed, elapsed=time.perf_counter() - start)


# ---------------------------------------------------------------------------------------------- building
def _builder(model: Any) -> Callable[[dict[str, float]], Any]:
    if hasattr(model, "with_values") and hasattr(model, "parameters"):
        return lambda overrides: _unwrap(model.with_values(**_spec_overrides(model, overrides)).build())
    if callable(model):
        return lambda overrides: model(**overrides)
    raise InvalidParameterError(
        f"parameter_sweep(): model must be a callable returning a game or a model spec with build(); got {type(model).__name__}")


def _spec_overrides(spec: Any, overrides: Mapping[str, float]) -> dict[str, np.ndarray]:
    """Turn ``{"cost": 3.0, "reward[1]": 2.0}`` into full parameter arrays of the model.

    A plain name sets every element of the parameter; ``name[i]`` sets element ``i`` only.
    """
    out: dict[str, np.ndarray] = {}
    for key, value in overrides.items():
        name, _, index = key.partition("[")
        if name not in spec.parameters:
            raise InvalidParameterError(f"parameter_sweep(): model {spec.slug!r} has no parameter {name!r}; "
                                        f"parameters: {', '.join(spec.parameters)}")
        arr = out.get(name, np.array(spec[name], dtype=float, copy=True))
        if index:
            try:
                arr.reshape(-1)[int(index.rstrip("]"))] = value
            except (ValueError, IndexError):
                raise InvalidParameterError(f"parameter_sweep(): {key!r} does not index parameter {name!r} of shape "
                                            f"{arr.shape}") from None
        else:
            arr = np.full_like(arr, value)
        out[name] = arr
    return out


def _unwrap(built: Any) -> Any:
    """The game to sweep from a built model: its n-city game, else its pairwise game, else its TU game."""
    for name in ("ncity", "pairwise"):
        game = getattr(built, name, None)
        if game is not None:
            return game
    if getattr(built, "has_tu", False):
        return built.tu
    return built


def _pick_issue(game: Any, issue: str | int | None) -> Any:
    """One issue layer of a layered n-city game (or the game itself)."""
    layers = getattr(game, "n_layers", 1)
    if layers == 1 or not hasattr(game, "layer"):
        if issue is not None and layers == 1 and hasattr(game, "layer"):
            raise InvalidParameterError(f"parameter_sweep(): issue={issue!r} given but the game has no issue layers")
        return game
    if issue is None:
        if game.n_players == 2:
            raise InvalidParameterError("parameter_sweep(): this two-city game has issue layers; choose one with "
                                        f"issue= (--issue): {', '.join(map(repr, game.issues))}")
        return game
    if isinstance(issue, str) and issue in game.issues:
        return game.layer(game.issues.index(issue))
    if isinstance(issue, int) and 0 <= issue < layers:
        return game.layer(issue)
    raise InvalidParameterError(f"parameter_sweep(): issue must be one of {list(game.issues)} or an index below "
                                f"{layers}; got {issue!r}")


def _as_sweepable(game: Any, names: Sequence[str], row: np.ndarray) -> Any:
    from coopgame.games.pairwise import PairwiseGame
    from coopgame.games.structured import StructuredGame
    from coopgame.games.tu import TUGame

    if isinstance(game, (PairwiseGame, TUGame, StructuredGame)):
        return game
    for convert in ("to_pairwise", "tu_game", "to_structured", "to_tu"):
        if hasattr(game, convert):
            try:
                return getattr(game, convert)()
            except CoopgameError:
                continue
    point = ", ".join(f"{n}={format_number(v)}" for n, v in zip(names, row))
    raise InvalidParameterError(f"parameter_sweep(): at {point} the model built a {type(game).__name__}, which has no "
                                "pairwise or cooperative form to sweep")


def _kind_of(game: Any) -> str:
    from coopgame.games.pairwise import PairwiseGame

    if isinstance(game, PairwiseGame):
        if game.shape != (2, 2):
            raise InvalidParameterError(f"parameter_sweep(): pairwise sweeps need 2x2 games; got shape {game.shape}")
        return "pairwise"
    return "cooperative"


def _evaluate(kind: str, games: list[Any]) -> dict[str, np.ndarray]:
    if kind == "pairwise":
        A = np.stack([g.row_payoffs for g in games])
        B = np.stack([g.col_payoffs for g in games])
        return pairwise_outcomes(A, B)
    from coopgame.cooperative.batch import shapley_values
    from coopgame.games.structured import StructuredGame

    if all(isinstance(g, StructuredGame) for g in games):
        add = np.stack([g.additive for g in games])
        pair = np.stack([g.pairwise for g in games])
        phi = add + 0.5 * (pair.sum(axis=2) + pair.sum(axis=1))
        singles = add
    else:
        values = np.stack([(g.to_tu() if isinstance(g, StructuredGame) else g).values for g in games])
        n = values.shape[1].bit_length() - 1
        phi = shapley_values(values).allocations
        singles = values[:, 1 << np.arange(n)]
    return {"shapley": phi, "ir_margin_min": (phi - singles).min(axis=1)}


# ---------------------------------------------------------------------------------------------- kernels
def pairwise_outcomes(A: np.ndarray, B: np.ndarray) -> dict[str, np.ndarray]:
    """Vectorized outcomes of a stack of 2×2 cooperation games (action 0 = cooperate).

    A corner of the two-population replicator system is asymptotically stable
    exactly when it is a strict Nash equilibrium, so the long-run outcome is
    read off four pairs of strict inequalities.

    Examples
    --------
    >>> A = np.array([[[3, 0], [5, 1]]], dtype=float)  # prisoner's dilemma
    >>> out = pairwise_outcomes(A, A.transpose(0, 2, 1))
    >>> OUTCOMES[out["outcome"][0]], bool(out["cooperation_ess"][0])
    ('mutual defection', False)
    """
    # Strict best-response comparisons of each player's two actions against each opponent action.
    row_c_vs_c = A[:, 0, 0] > A[:, 1, 0]   # row prefers C when column plays C
    row_d_vs_c = A[:, 1, 0] > A[:, 0, 0]
    row_c_vs_d = A[:, 0, 1] > A[:, 1, 1]
    row_d_vs_d = A[:, 1, 1] > A[:, 0, 1]
    col_c_vs_c = B[:, 0, 0] > B[:, 0, 1]
    col_d_vs_c = B[:, 0, 1] > B[:, 0, 0]
    col_c_vs_d = B[:, 1, 0] > B[:, 1, 1]
    col_d_vs_d = B[:, 1, 1] > B[:, 1, 0]
    cc = row_c_vs_c & col_c_vs_c
    dd = row_d_vs_d & col_d_vs_d
    cd = row_c_vs_d & col_d_vs_c
    dc = row_d_vs_c & col_c_vs_d
    outcome = np.full(A.shape[0], OUTCOMES.index("no stable corner"), dtype=np.int64)
    outcome[cd & ~dc] = OUTCOMES.index("row city alone cooperates")
    outcome[dc & ~cd] = OUTCOMES.index("column city alone cooperates")
    outcome[cd & dc] = OUTCOMES.index("anti-coordination")
    outcome[dd] = OUTCOMES.index("mutual defection")
    outcome[cc] = OUTCOMES.index("full cooperation")
    outcome[cc & dd] = OUTCOMES.index("bistable")
    weak_ne = ((A[:, 0, 0] >= A[:, 1, 0]) & (B[:, 0, 0] >= B[:, 0, 1])).astype(int) \
        + ((A[:, 1, 1] >= A[:, 0, 1]) & (B[:, 1, 1] >= B[:, 1, 0])).astype(int) \
        + ((A[:, 0, 1] >= A[:, 1, 1]) & (B[:, 0, 1] >= B[:, 0, 0])).astype(int) \
        + ((A[:, 1, 0] >= A[:, 0, 0]) & (B[:, 1, 0] >= B[:, 1, 1])).astype(int)
    welfare_cc = A[:, 0, 0] + B[:, 0, 0]
    return {"outcome": outcome, "cooperation_ess": cc, "n_pure_equilibria": weak_ne, "welfare_cc": welfare_cc}

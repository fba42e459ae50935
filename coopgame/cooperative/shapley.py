"""The Shapley value of TU games: exact dense, structured closed forms, sampled."""

from __future__ import annotations

import numpy as np

from coopgame._executor import ExecutorLike, resolve_executor
from coopgame._typing import RNGLike
from coopgame._validation import check_method, make_rng
from coopgame.cooperative._dense_sums import member_sums, shapley_size_weights
from coopgame.cooperative._dispatch import (
    AUTO_EXACT_MAX,
    AnyGame,
    allocation_result,
    check_game,
    check_samples,
    dense_values,
    resolve_method,
)
from coopgame.cooperative._scaling import scaled_rows
from coopgame.cooperative._streaming import check_stream_size, sampled_moments, streamed_member_sums
from coopgame.cooperative._structured_path import structured_value
from coopgame.cooperative.sampling import (
    DEFAULT_SAMPLES,
    check_sample_work,
    shapley_permutation,
)
from coopgame.games.function_game import ValueFunctionGame
from coopgame.games.structured import StructuredGame
from coopgame.results import AllocationResult

__all__ = ["shapley_rows", "shapley_value"]

_METHODS = ("auto", "exact", "structured", "permutation", "stratified")
_SAMPLERS = ("permutation", "stratified")


def shapley_value(game: AnyGame, *, method: str = "auto", n_samples: int = DEFAULT_SAMPLES,
                  rng: RNGLike = None, executor: ExecutorLike = None) -> AllocationResult:
    """The Shapley value: each player's average marginal contribution over all orders of arrival.

    Parameters
    ----------
    game : TUGame, StructuredGame or ValueFunctionGame
        A dense game, a structured one (additive + pairwise + cost terms), or
        a value function of coalition masks.
    method : {'auto', 'exact', 'structured', 'permutation', 'stratified'}
        * ``'exact'``: from the 2**n values in O(2**n) time, one pass over
          memory. A value-function game is streamed: its function is called
          on blocks of 2**20 coalitions and never more than one block is
          held (n = 28 in well under 256 MiB), up to 34 players; a structured
          game is first evaluated densely (refused with
          :class:`~coopgame.errors.GameTooLargeError` when that would not fit).
        * ``'structured'``: closed forms of a :class:`StructuredGame`:
          ``a_i + ½ Σ_j (M_ij + M_ji)`` for the quadratic part,
          Littlechild–Owen for :class:`AirportCost`; a cost term with no
          closed form is enumerated exactly when n <= 20 and sampled by
          permutations otherwise (the result's ``method`` says which).
        * ``'permutation'``: Monte Carlo over random orders of arrival.
        * ``'stratified'``: Monte Carlo stratified by coalition size.
        * ``'auto'`` (default): ``'structured'`` for structured games,
          ``'exact'`` for dense ones, and for value-function games ``'exact'``
          (streamed) up to 20 players, ``'permutation'`` above (ask ``'exact'`` to stream up to 34).
    n_samples : int, default 2000
        Sampled marginal contributions per player (orders for
        ``'permutation'``; spread evenly over the n coalition sizes for
        ``'stratified'``). Used only when something is sampled. Memory stays
        bounded (draws are streamed in chunks); a request above the work
        budget :data:`~coopgame.cooperative.sampling.MAX_SAMPLE_WORK`
        (2e8 coalition evaluations, about half a minute; 100 times more,
        :data:`~coopgame.cooperative.sampling.MAX_DISTRIBUTED_SAMPLE_WORK`,
        with an ``executor``) is refused before any work.
    rng : None, int, sequence of int, SeedSequence, BitGenerator or Generator, optional
        Randomness for sampling: anything ``numpy.random.default_rng`` takes; ``None``
        means a fixed default seed (same call, same answer). The result records
        the seed used in ``parameters["seed"]``. Draws come in blocks of
        2**14 with seeds spawned from it (``SeedSequence.spawn``), so the
        answer does not depend on ``executor``.
    executor : None, int, concurrent.futures.Executor or distributed.Client, optional
        Where the blocks of a streamed exact value-function game or of a
        sample run: ``None`` (this process), an int (a local pool of that
        many processes), any ``concurrent.futures`` executor (e.g.
        ``mpi4py.futures``), or a Dask ``Client`` (see
        :func:`coopgame.distributed.connect`). The block plan depends only on
        the problem, so every executor gives the same bits. Dense games are
        computed in this process. The game must pickle (a function defined at
        module level, not a lambda).

    Returns
    -------
    AllocationResult
        ``allocation`` (shape (n,)); ``standard_errors`` when sampled;
        ``cost_shares`` for games built from costs.

    Raises
    ------
    UnknownMethodError
        If ``method`` is not one of the names above.
    InvalidGameError
        If ``game`` is not a game.
    GameTooLargeError
        If ``'exact'`` would need a dense array that does not fit in memory.
    InvalidParameterError
        If ``n_samples`` is not an integer >= 2, or asks for more work than
        :data:`~coopgame.cooperative.sampling.MAX_SAMPLE_WORK`, or if ``executor``
        is none of the accepted kinds.
    NotShippableError
        If ``executor`` runs elsewhere and the game cannot be pickled.

    See Also
    --------
    shapley_values : many dense games of the same size in one call.
    banzhaf_value

    Notes
    -----
    Exact dense: ``φ_i = Σ_{S∋i} v(S) g(|S|) − c`` with ``g(s) = w(s−1) + w(s)``,
    ``w(s) = s!(n−1−s)!/n!``; the member sums come from one blocked pass over
    the array (see ``coopgame.cooperative._dense_sums``) and the constant ``c``
    from efficiency, ``Σ_i φ_i = v(N)``.

    Examples
    --------
    The glove game: the owner of the scarce left glove gets 2/3.

    >>> from coopgame import TUGame
    >>> g = TUGame([0, 0, 0, 1, 0, 1, 0, 1], players=["L", "R1", "R2"])
    >>> shapley_value(g).allocation.round(4).tolist()
    [0.6667, 0.1667, 0.1667]

    Sampled, with standard errors:

    >>> r = shapley_value(g, method="permutation", n_samples=4000, rng=1)
    >>> bool(abs(r.allocation[0] - 2 / 3) < 3 * r.standard_errors[0])
    True
    """
    func = "shapley_value"
    check_method(method, _METHODS, func=func)
    game = check_game(game, func=func)
    n_samples = check_samples(n_samples, func=func)
    n = game.n_players
    method = resolve_method(method, game, sampler="permutation", func=func)
    with resolve_executor(executor, func=func) as runner:
        if method == "structured":
            return _structured(game, n_samples, rng)
        if method in _SAMPLERS:
            check_sample_work(n_samples, n, method, func=func, distributed=not runner.in_process)
            generator, seed = make_rng(rng, func=func)
            estimate, errors = sampled_moments(game, method, n_samples, generator, runner)
            return allocation_result(game, estimate, concept="shapley", method=method,
                                     parameters={"n_samples": n_samples, "seed": seed}, standard_errors=errors)
        if isinstance(game, ValueFunctionGame):
            check_stream_size(n, func=func)
            phi = _streamed(game, runner)
            if np.all(np.isfinite(phi)) or n > AUTO_EXACT_MAX:
                return allocation_result(game, phi, concept="shapley", method="exact")
    values = dense_values(game, func=func)  # dense games; streamed values beyond the float range: rescaled
    phi = scaled_rows(shapley_rows, values[None, :], n, func=func, concept="Shapley")[0]
    return allocation_result(game, phi, concept="shapley", method="exact")


def shapley_rows(values: np.ndarray, n: int) -> np.ndarray:
    """Exact Shapley values of each row of a (B, 2**n) array, shape (B, n). Reads ``values`` only."""
    _, g = shapley_size_weights(n)
    sums, _ = member_sums(values, n, g)
    return _from_sums(sums, values[:, -1], n)


def _from_sums(sums: np.ndarray, grand: np.ndarray, n: int) -> np.ndarray:
    """Shapley values from the member sums ``A_i = Σ_{S∋i} v(S) g(|S|)`` (rows) and ``v(N)`` of each row."""
    constant = (sums.sum(axis=1) - grand) / n  # efficiency fixes Σ_S v(S) w(|S|)
    return sums - constant[:, None]


def _streamed(game: ValueFunctionGame, runner: object) -> np.ndarray:
    """Exact Shapley value of a value-function game, streamed over the fixed block plan (never 2**n values)."""
    n = game.n_players
    _, g = shapley_size_weights(n)
    with np.errstate(over="ignore", invalid="ignore"):
        sums, _ = streamed_member_sums(game, g, runner)
        return _from_sums(sums[None, :], np.array([game.grand_value]), n)[0]


def _structured(game: StructuredGame, n_samples: int, rng: RNGLike) -> AllocationResult:
    return structured_value(game, concept="shapley", closed_form="shapley_cost_shares", exact_rows=shapley_rows,
                            sampler=shapley_permutation, sampler_name="permutation sampling", n_samples=n_samples, rng=rng)

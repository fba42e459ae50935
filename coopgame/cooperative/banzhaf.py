"""The Banzhaf value of TU games: exact dense, structured closed forms, sampled."""

from __future__ import annotations

import numpy as np

from coopgame._executor import ExecutorLike, resolve_executor
from coopgame._typing import RNGLike
from coopgame._validation import check_method, make_rng
from coopgame.cooperative._dense_sums import member_sums
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
from coopgame.cooperative.sampling import DEFAULT_SAMPLES, banzhaf_sampling, check_sample_work
from coopgame.games.function_game import ValueFunctionGame
from coopgame.games.structured import StructuredGame
from coopgame.results import AllocationResult

__all__ = ["banzhaf_rows", "banzhaf_value"]

_METHODS = ("auto", "exact", "structured", "sampling")


def banzhaf_value(game: AnyGame, *, method: str = "auto", n_samples: int = DEFAULT_SAMPLES,
                  rng: RNGLike = None, executor: ExecutorLike = None) -> AllocationResult:
    """The (raw, non-normalised) Banzhaf value: each player's average marginal contribution over all coalitions.

    ``β_i = 2**-(n−1) Σ_{S ⊆ N∖{i}} (v(S ∪ {i}) − v(S))``. It is not
    efficient in general: ``efficiency_gap`` reports ``Σ β_i − v(N)``.

    Parameters
    ----------
    game : TUGame, StructuredGame or ValueFunctionGame
    method : {'auto', 'exact', 'structured', 'sampling'}
        * ``'exact'``: O(2**n), one pass over the dense values; a
          value-function game is streamed in blocks (as for
          :func:`shapley_value`), up to 34 players.
        * ``'structured'``: closed forms: ``a_i + ½ Σ_j (M_ij + M_ji)`` for
          the quadratic part (as for Shapley), ``Σ_{j≤rank(i)} Δc_j / 2**(n−j)``
          for an :class:`AirportCost`; other cost terms exact when n <= 20,
          sampled above.
        * ``'sampling'``: marginal contributions to uniformly random coalitions.
        * ``'auto'``: structured, exact, or (value-function games above 20
          players) sampling.
    n_samples : int, default 2000
        Random coalitions drawn (each gives one marginal contribution per player).
        Streamed in chunks (bounded memory); refused above the work budget
        :data:`~coopgame.cooperative.sampling.MAX_SAMPLE_WORK`, as for
        :func:`shapley_value`.
    rng : None, int, sequence of int, SeedSequence, BitGenerator or Generator, optional
        Randomness for sampling: anything ``numpy.random.default_rng`` takes; ``None``
        means a fixed default seed (same call, same answer). The result records
        the seed used in ``parameters["seed"]``. Drawn in blocks seeded by
        ``SeedSequence.spawn``, as for :func:`shapley_value`.
    executor : None, int, concurrent.futures.Executor or distributed.Client, optional
        Where the blocks of a streamed exact value-function game or of a
        sample run, as for :func:`shapley_value`: the same bits whatever runs them.

    Returns
    -------
    AllocationResult

    Raises
    ------
    UnknownMethodError, InvalidGameError, GameTooLargeError, InvalidParameterError, NotShippableError
        As for :func:`shapley_value`.

    Examples
    --------
    In the glove game the left-glove owner is pivotal in 3 of the 4
    coalitions of the others:

    >>> from coopgame import TUGame
    >>> g = TUGame([0, 0, 0, 1, 0, 1, 0, 1], players=["L", "R1", "R2"])
    >>> banzhaf_value(g).allocation.tolist()
    [0.75, 0.25, 0.25]
    """
    func = "banzhaf_value"
    check_method(method, _METHODS, func=func)
    game = check_game(game, func=func)
    n_samples = check_samples(n_samples, func=func)
    n = game.n_players
    method = resolve_method(method, game, sampler="sampling", func=func)
    with resolve_executor(executor, func=func) as runner:
        if method == "structured":
            return _structured(game, n_samples, rng)
        if method == "sampling":
            check_sample_work(n_samples, n, "sampling", func=func, distributed=not runner.in_process)
            generator, seed = make_rng(rng, func=func)
            estimate, errors = sampled_moments(game, "sampling", n_samples, generator, runner)
            return allocation_result(game, estimate, concept="banzhaf", method=method,
                                     parameters={"n_samples": n_samples, "seed": seed}, standard_errors=errors)
        if isinstance(game, ValueFunctionGame):
            check_stream_size(n, func=func)
            with np.errstate(over="ignore", invalid="ignore"):
                sums, total = streamed_member_sums(game, np.ones(n + 1), runner)
                beta = _from_sums(sums[None, :], np.array([total]), n)[0]
            if np.all(np.isfinite(beta)) or n > AUTO_EXACT_MAX:
                return allocation_result(game, beta, concept="banzhaf", method="exact")
    beta = scaled_rows(banzhaf_rows, dense_values(game, func=func)[None, :], n, func=func, concept="Banzhaf")[0]
    return allocation_result(game, beta, concept="banzhaf", method="exact")


def banzhaf_rows(values: np.ndarray, n: int) -> np.ndarray:
    """Exact Banzhaf values of each row of a (B, 2**n) array, shape (B, n). Reads ``values`` only."""
    # Σ_{S∌i} v(S) = total − Σ_{S∋i} v(S), so β_i = (2 Σ_{S∋i} v(S) − Σ_S v(S)) / 2**(n−1).
    sums, totals = member_sums(values, n, np.ones(n + 1))
    return _from_sums(sums, totals, n)


def _from_sums(sums: np.ndarray, totals: np.ndarray, n: int) -> np.ndarray:
    """Banzhaf values from the member sums ``Σ_{S∋i} v(S)`` (rows) and the totals ``Σ_S v(S)``."""
    return (2.0 * sums - totals[:, None]) * 2.0 ** (1 - n)


def _structured(game: StructuredGame, n_samples: int, rng: RNGLike) -> AllocationResult:
    return structured_value(game, concept="banzhaf", closed_form="banzhaf_cost_shares", exact_rows=banzhaf_rows,
                            sampler=banzhaf_sampling, sampler_name="sampling", n_samples=n_samples, rng=rng)

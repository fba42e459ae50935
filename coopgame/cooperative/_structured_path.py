"""The structured path shared by the Shapley and Banzhaf values: closed forms term by term."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from coopgame._typing import RNGLike
from coopgame._validation import make_rng
from coopgame.cooperative._dispatch import AUTO_EXACT_MAX, allocation_result, cost_term_values
from coopgame.cooperative._evaluators import evaluator_for
from coopgame.cooperative.sampling import check_sample_work
from coopgame.games.structured import StructuredGame
from coopgame.results import AllocationResult

__all__ = ["structured_value", "structured_values", "quadratic_value"]


def quadratic_value(additive: np.ndarray, pairwise: np.ndarray) -> np.ndarray:
    """Shapley (= Banzhaf) value of the quadratic part, ``a_i + ½ Σ_j (M_ij + M_ji)``; stacks on leading axes."""
    return additive + 0.5 * (pairwise.sum(axis=-1) + pairwise.sum(axis=-2))


def structured_value(game: StructuredGame, *, concept: str, closed_form: str,
                     exact_rows: Callable[[np.ndarray, int], np.ndarray],
                     sampler: Callable[..., tuple[np.ndarray, np.ndarray]], sampler_name: str,
                     n_samples: int, rng: RNGLike) -> AllocationResult:
    """A linear value (Shapley or Banzhaf) of a structured game, term by term.

    Both values agree on the quadratic part, ``a_i + ½ Σ_j (M_ij + M_ji)``.
    Each cost term then uses its own closed form when it has one (the term's
    method named by ``closed_form``), exact dense rows when n is small, and
    sampling otherwise; the result's ``method`` lists the path each term took.
    """
    value, paths, errors, parameters = structured_values(
        [game], concept=concept, closed_form=closed_form, exact_rows=exact_rows, sampler=sampler,
        sampler_name=sampler_name, n_samples=n_samples, rng=rng)
    return allocation_result(game, value[0], concept=concept, method="structured: " + "; ".join(paths[0]),
                             parameters=parameters, standard_errors=None if errors is None else errors[0])


def structured_values(games: Sequence[StructuredGame], *, concept: str, closed_form: str,
                      exact_rows: Callable[[np.ndarray, int], np.ndarray],
                      sampler: Callable[..., tuple[np.ndarray, np.ndarray]], sampler_name: str,
                      n_samples: int, rng: RNGLike,
                      ) -> tuple[np.ndarray, list[list[str]], np.ndarray | None, dict[str, object]]:
    """:func:`structured_value` of many games of the same size: the quadratic parts in one vectorised step.

    Returns ``(values (G, n), paths per game, standard errors (G, n) or None, parameters)``.
    """
    func = f"{concept}_value"
    if len(games) == 1:   # views, no copy: the n × n pairwise matrix is 1.5 GB at n = 13,572
        value = quadratic_value(games[0].additive[None, :], games[0].pairwise[None, :, :])
    else:
        value = quadratic_value(np.stack([g.additive for g in games]), np.stack([g.pairwise for g in games]))
    n = value.shape[1]
    paths = [["closed form (additive + pairwise)"] for _ in games]
    variance = None
    parameters: dict[str, object] = {}
    generator = None
    for k, game in enumerate(games):
        for term in game.cost_terms:
            name = type(term).__name__
            shares = getattr(term, closed_form)()
            if shares is not None:
                value[k] -= shares
                paths[k].append(f"{name}: closed form")
            elif n <= AUTO_EXACT_MAX:
                value[k] += exact_rows(cost_term_values(term, func=func)[None, :], n)[0]
                paths[k].append(f"{name}: exact dense")
            else:
                check_sample_work(n_samples, n, "permutation" if concept == "shapley" else "sampling", func=func)
                if generator is None:
                    generator, seed = make_rng(rng, func=func)
                estimate, errors = sampler(evaluator_for(term, func=func), n_samples, generator)
                value[k] += estimate
                if variance is None:
                    variance = np.zeros_like(value)
                variance[k] += errors**2
                paths[k].append(f"{name}: {sampler_name}")
                parameters.update(n_samples=n_samples, seed=seed)
    return value, paths, None if variance is None else np.sqrt(variance), parameters

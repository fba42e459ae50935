"""The structured path shared by the Shapley and Banzhaf values: closed forms term by term."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from coopgame._typing import SeedLike
from coopgame._validation import make_rng
from coopgame.cooperative._dispatch import AUTO_EXACT_MAX, allocation_result, cost_term_values
from coopgame.cooperative._evaluators import evaluator_for
from coopgame.games.structured import StructuredGame
from coopgame.results import AllocationResult

__all__ = ["structured_value"]


def structured_value(game: StructuredGame, *, concept: str, closed_form: str,
                     exact_rows: Callable[[np.ndarray, int], np.ndarray],
                     sampler: Callable[..., tuple[np.ndarray, np.ndarray]], sampler_name: str,
                     n_samples: int, seed: SeedLike) -> AllocationResult:
    """A linear value (Shapley or Banzhaf) of a structured game, term by term.

    Both values agree on the quadratic part, ``a_i + ½ Σ_j (M_ij + M_ji)``.
    Each cost term then uses its own closed form when it has one (the term's
    method named by ``closed_form``), exact dense rows when n is small, and
    sampling otherwise; the result's ``method`` lists the path each term took.
    """
    func = f"{concept}_value"
    m = game.pairwise
    value = game.additive + 0.5 * (m.sum(axis=1) + m.sum(axis=0))
    paths = ["closed form (additive + pairwise)"]
    variance = None
    parameters: dict[str, object] = {}
    rng = None
    n = game.n_players
    for term in game.cost_terms:
        name = type(term).__name__
        shares = getattr(term, closed_form)()
        if shares is not None:
            value = value - shares
            paths.append(f"{name}: closed form")
        elif n <= AUTO_EXACT_MAX:
            value = value + exact_rows(cost_term_values(term, func=func)[None, :], n)[0]
            paths.append(f"{name}: exact dense")
        else:
            rng = rng or make_rng(seed, func=func)
            estimate, errors = sampler(evaluator_for(term, func=func), n_samples, rng)
            value = value + estimate
            variance = errors**2 if variance is None else variance + errors**2
            paths.append(f"{name}: {sampler_name}")
            parameters.update(n_samples=n_samples, seed=seed)
    errors = None if variance is None else np.sqrt(variance)
    return allocation_result(game, value, concept=concept, method="structured: " + "; ".join(paths),
                             parameters=parameters, standard_errors=errors)

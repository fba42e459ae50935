"""Module-level value functions for the scale-out tests: they pickle, so any executor can run them."""

from __future__ import annotations

import numpy as np

from coopgame import ValueFunctionGame


class RandomCities:
    """``v(S) = (Σ_{i∈S} w_i)^1.5 + |S| sin(Σ_{i∈S} u_i)``: no closed-form Shapley value, v(∅) = 0.

    Members are read bit by bit (one vectorised pass per player over the masks).
    """

    def __init__(self, n: int, seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        self.n = n
        self.w = rng.random(n)
        self.u = rng.normal(size=n)

    def __call__(self, masks: np.ndarray) -> np.ndarray:
        weight = np.zeros(masks.shape)
        phase = np.zeros(masks.shape)
        size = np.zeros(masks.shape)
        member = np.empty(masks.shape)
        for i in range(self.n):  # one vectorised pass per player
            np.bitwise_and(np.right_shift(masks, i), 1, out=member, casting="unsafe")
            weight += member * self.w[i]
            phase += member * self.u[i]
            size += member
        return weight**1.5 + size * np.sin(phase)


class WeightedSum:
    """``v(S) = (Σ_{i∈S} w_i)^2``: cheap (one pass per player), for large n."""

    def __init__(self, n: int, seed: int = 0) -> None:
        self.n = n
        self.w = np.random.default_rng(seed).random(n)

    def __call__(self, masks: np.ndarray) -> np.ndarray:
        total = np.zeros(masks.shape)
        member = np.empty(masks.shape)
        for i in range(self.n):
            np.bitwise_and(np.right_shift(masks, i), 1, out=member, casting="unsafe")
            total += member * self.w[i]
        return total * total


def weighted_game(n: int, seed: int = 0) -> ValueFunctionGame:
    """A picklable :class:`ValueFunctionGame` of ``n`` players (``(Σ w)^2``)."""
    return ValueFunctionGame(WeightedSum(n, seed), n_players=n)


def cities_game(n: int, seed: int = 0) -> ValueFunctionGame:
    """A picklable :class:`ValueFunctionGame` of ``n`` players (:class:`RandomCities`)."""
    return ValueFunctionGame(RandomCities(n, seed), n_players=n)

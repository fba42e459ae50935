"""Independent brute-force references, written straight from the definitions (slow; small n only)."""

from __future__ import annotations

import itertools
import math

import numpy as np


def shapley_by_permutations(values) -> np.ndarray:
    """Average marginal contribution over all n! orders of arrival."""
    n = len(values).bit_length() - 1
    phi = np.zeros(n)
    for order in itertools.permutations(range(n)):
        mask = 0
        for player in order:
            phi[player] += values[mask | 1 << player] - values[mask]
            mask |= 1 << player
    return phi / math.factorial(n)


def banzhaf_by_subsets(values) -> np.ndarray:
    """Average marginal contribution over all 2**(n-1) coalitions of the others."""
    n = len(values).bit_length() - 1
    beta = np.zeros(n)
    for i in range(n):
        others = [j for j in range(n) if j != i]
        for r in range(n):
            for subset in itertools.combinations(others, r):
                mask = sum(1 << j for j in subset)
                beta[i] += values[mask | 1 << i] - values[mask]
    return beta / 2 ** (n - 1)


def dividends_by_definition(values) -> np.ndarray:
    """d(S) = Σ_{T ⊆ S} (-1)^{|S|-|T|} v(T), summing over submasks."""
    size = len(values)
    out = np.zeros(size)
    for s in range(size):
        t = s
        while True:
            out[s] += (-1) ** (bin(s).count("1") - bin(t).count("1")) * values[t]
            if t == 0:
                break
            t = (t - 1) & s
    return out

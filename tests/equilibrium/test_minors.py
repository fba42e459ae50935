"""Vertex enumeration by tables of minors: checked against LAPACK determinants and batched solves."""

from itertools import combinations

import numpy as np
import pytest

from coopgame.equilibrium import _vertex
from coopgame.equilibrium._minors import minor_tables, signed_minors


def same_equilibrium_sets(ours, theirs, atol):
    return len(ours) == len(theirs) and all(
        any(np.allclose(x, u, atol=atol) and np.allclose(y, v, atol=atol) for u, v in ours) for x, y in theirs)


@pytest.mark.parametrize("r, c", [(2, 2), (3, 3), (2, 4), (4, 3), (6, 6)])
def test_every_minor_equals_numpy_det(r, c):
    rng = np.random.default_rng(r * 10 + c)
    Mt = np.ones((1, r + 1, c))
    Mt[0, :r] = 1.0 + rng.random((r, c))
    D = signed_minors(Mt.reshape(1, -1), minor_tables(r, c))[0]
    T = minor_tables(r, c).n_minors
    pos = 0
    for k in range(1, min(r + 1, c) + 1):
        for R in combinations(range(r + 1), k):
            for C in combinations(range(c), k):
                assert D[pos] == pytest.approx(np.linalg.det(Mt[0][np.ix_(R, C)]), abs=1e-12)
                assert D[T + pos] == -D[pos]
                pos += 1
    assert pos == T and D[2 * T] == 0.0


@pytest.mark.parametrize("m, n", [(2, 3), (3, 3), (3, 4), (4, 4), (4, 5), (5, 5), (6, 6)])
def test_minor_enumeration_equals_per_basis_solves(m, n, monkeypatch):
    """Same extreme equilibria and degeneracy flag as the LAPACK path, degenerate games included."""
    rng = np.random.default_rng(m * n)
    games = []
    for trial in range(12):
        if trial % 2:
            games.append((rng.integers(-2, 3, size=(m, n)).astype(float), rng.integers(-2, 3, size=(m, n)).astype(float)))
        else:
            games.append((rng.normal(size=(m, n)), rng.normal(size=(m, n))))
    fast = [_vertex.extreme_equilibria(A, B, 1e-9 * max(1, abs(A).max(), abs(B).max())) for A, B in games]
    monkeypatch.setattr(_vertex, "MAX_MINOR_BASES", 0)  # force the batched-solve path
    slow = [_vertex.extreme_equilibria(A, B, 1e-9 * max(1, abs(A).max(), abs(B).max())) for A, B in games]
    for (e1, d1), (e2, d2) in zip(fast, slow):
        assert d1 == d2 and same_equilibrium_sets(e1, e2, atol=1e-9)

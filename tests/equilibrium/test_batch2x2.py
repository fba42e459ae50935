"""batch_equilibria_2x2 equals nash_equilibria exactly, game by game."""

import numpy as np
import pytest
from hypothesis import given

from coopgame import PairwiseGame, batch_equilibria_2x2, nash_equilibria
from coopgame.errors import InvalidGameError
from tests.strategies import bimatrix_2x2_stack


def _suite(n_games: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Half random floats, half small integers (mostly degenerate)."""
    rng = np.random.default_rng(seed)
    half = n_games // 2
    A = np.concatenate((rng.normal(size=(half, 2, 2)), rng.integers(-1, 2, size=(n_games - half, 2, 2))))
    B = np.concatenate((rng.normal(size=(half, 2, 2)), rng.integers(-1, 2, size=(n_games - half, 2, 2))))
    return A.astype(float), B.astype(float)


@pytest.mark.slow  # about 2 s: 10^5 games through nash_equilibria one by one
def test_batch_equals_default_method_on_100000_games():
    A, B = _suite(100_000, seed=11)
    res = batch_equilibria_2x2(A, B)
    assert res.degenerate.sum() > 30_000
    mismatches = 0
    for g in range(A.shape[0]):
        ref = nash_equilibria(PairwiseGame(A[g], B[g]))
        got = res.equilibria(g)
        same = (len(got) == ref.n_equilibria and ref.degenerate == bool(res.degenerate[g])
                and all(np.array_equal(x, u) and np.array_equal(y, v) for (x, y), (u, v) in zip(got, ref.equilibria)))
        mismatches += not same
    assert mismatches == 0


@given(bimatrix_2x2_stack())
def test_batch_equals_default_method_on_any_stack(AB):
    A, B = AB
    res = batch_equilibria_2x2(A, B)
    for g in range(A.shape[0]):
        ref = nash_equilibria(PairwiseGame(A[g], B[g]))
        assert ref.degenerate == bool(res.degenerate[g])
        got = res.equilibria(g)
        assert len(got) == ref.n_equilibria
        assert all(np.array_equal(x, u) and np.array_equal(y, v) for (x, y), (u, v) in zip(got, ref.equilibria))


def test_padded_strategies_have_zero_regret():
    A, B = _suite(2000, seed=5)
    X, Y, counts = batch_equilibria_2x2(A, B).strategies()
    valid = np.arange(X.shape[1]) < counts[:, None]
    ay = np.einsum("gij,gkj->gki", A, np.nan_to_num(Y))
    xb = np.einsum("gki,gij->gkj", np.nan_to_num(X), B)
    u = np.einsum("gki,gki->gk", np.nan_to_num(X), ay)
    w = np.einsum("gkj,gkj->gk", xb, np.nan_to_num(Y))
    regret = np.maximum(ay.max(-1) - u, xb.max(-1) - w)
    assert np.all(regret[valid] <= 1e-9) and np.all(counts >= 1)


def test_shapes_are_checked():
    with pytest.raises(InvalidGameError, match=r"\(N, 2, 2\)"):
        batch_equilibria_2x2(np.zeros((3, 2, 3)), np.zeros((3, 2, 3)))
    with pytest.raises(InvalidGameError, match="finite"):
        batch_equilibria_2x2(np.full((1, 2, 2), np.nan), np.zeros((1, 2, 2)))

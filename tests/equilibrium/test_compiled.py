"""The numba kernel gives exactly the numpy path's extreme equilibria, degeneracy flag and certificates."""

import os
import subprocess
import sys

import numpy as np
import pytest

from coopgame import PairwiseGame, nash_equilibria
from coopgame.equilibrium import _compiled
from tests.equilibrium.reference import same_equilibrium_sets

# Only the tests that compare the two paths need numba; the fallbacks, the size guard and the
# merge sort (plain Python without numba) run everywhere.
needs_kernel = pytest.mark.skipif(
    _compiled.kernel() is None or not _compiled.ENABLED,
    reason="numba is not installed" if _compiled.kernel() is None
    else "the compiled kernel is switched off (COOPGAME_DISABLE_NUMBA)")

SHAPES = [(2, 3), (3, 2), (3, 3), (2, 5), (3, 4), (4, 3), (4, 4), (5, 5), (4, 6), (6, 6)]


def _both_paths(game):
    """(compiled, numpy) results of the default method on the same game."""
    assert _compiled.ENABLED
    fast = nash_equilibria(game)
    _compiled.ENABLED = False
    try:
        slow = nash_equilibria(game)
    finally:
        _compiled.ENABLED = True
    # "exact": the kernel found floating point in doubt and handed the game to the numpy path.
    assert fast.parameters["backend"] in ("numba", "exact") and slow.parameters["backend"] == "numpy"
    return fast, slow


def _assert_same(fast, slow):
    assert fast.degenerate == slow.degenerate
    assert same_equilibrium_sets(fast.equilibria, slow.equilibria, atol=1e-9)
    # Both list the canonical order, so the certificates line up row by row.
    for (x, y), (u, v) in zip(fast.equilibria, slow.equilibria):
        assert np.allclose(x, u, rtol=0, atol=1e-9) and np.allclose(y, v, rtol=0, atol=1e-9)
    scale = max(1.0, np.abs(fast.game.A).max(), np.abs(fast.game.B).max())
    assert np.allclose(fast.payoffs, slow.payoffs, rtol=0, atol=1e-9 * scale)
    assert np.allclose(fast.regrets, slow.regrets, rtol=0, atol=1e-9 * scale)


@needs_kernel
@pytest.mark.parametrize("m, n", SHAPES)
def test_compiled_equals_numpy_on_random_and_degenerate_games(m, n):
    rng = np.random.default_rng(1000 * m + n)
    count = {"float": 0, "degenerate": 0, "numba": 0}
    for trial in range(240):
        kind = trial % 4
        if kind == 0:       # generic float games
            A, B = rng.normal(size=(m, n)), rng.normal(size=(m, n))
        elif kind == 1:     # small integers: ties everywhere, mostly degenerate
            A, B = (rng.integers(-2, 3, size=(2, m, n)) * 1.0)
        elif kind == 2:     # 0/1 payoffs: heavily degenerate
            A, B = (rng.integers(0, 2, size=(2, m, n)) * 1.0)
        else:               # integer games at a large payoff scale (relative tolerances)
            A, B = (rng.integers(-3, 4, size=(2, m, n)) * 1.0e6 + rng.integers(0, 2, size=(2, m, n)) * 0.25)
        fast, slow = _both_paths(PairwiseGame(A, B))
        _assert_same(fast, slow)
        count["degenerate" if fast.degenerate else "float"] += 1
        count["numba"] += fast.parameters["backend"] == "numba"
    assert count["degenerate"] >= 40 and count["float"] >= 40   # both regimes really exercised
    assert count["numba"] >= 40                                 # the kernel's own answers compared


@needs_kernel
@pytest.mark.parametrize("m, n", SHAPES)
def test_kernel_hands_over_exactly_the_games_the_numpy_path_confirms_exactly(m, n, monkeypatch):
    # Same doubt rule in both: the kernel gives up (-1) iff the numpy path sends a polytope to the
    # exact enumeration; otherwise both agree (the test above).
    from coopgame.equilibrium import _vertex
    from coopgame.equilibrium.nash import _PROB_TOL
    calls = []
    original = _vertex.exact_vertices
    monkeypatch.setattr(_vertex, "exact_vertices", lambda *a: calls.append(1) or original(*a))
    assert _compiled._ROUNDING == _vertex.ROUNDING and _compiled._ACCURACY == _vertex.ACCURACY
    rng = np.random.default_rng(77 * m + n)
    kernel, tab_p, tab_q = _compiled.kernel(), *_compiled.tables_for(m, n)
    seen = set()
    for trial in range(120):
        # Generic floats (never in doubt), exact small integers (never in doubt: exact minors) and
        # small integers / 3 (ties in float: singular bases in doubt, so the exact path decides).
        A, B = (rng.normal(size=(2, m, n)), rng.integers(-2, 3, size=(2, m, n)) * 1.0,
                rng.integers(-2, 3, size=(2, m, n)) / 3.0)[trial % 3]
        code = kernel(A, B, 1e-9, _PROB_TOL, tab_p, tab_q, np.empty((64, m + n + 4)))
        calls.clear()
        _vertex.extreme_equilibrium_arrays(A, B, 1e-9, _PROB_TOL, relative=True)
        assert (code < 0) == bool(calls), (A, B)
        seen.add(code < 0)
    assert seen == {True, False}


@needs_kernel
def test_compiled_handles_column_major_input():
    rng = np.random.default_rng(5)
    A, B = rng.normal(size=(2, 4, 5))
    f = nash_equilibria(PairwiseGame(np.asfortranarray(A), np.asfortranarray(B)))
    c = nash_equilibria(PairwiseGame(A, B))
    assert f.parameters["backend"] == "numba"
    assert same_equilibrium_sets(f.equilibria, c.equilibria, atol=0.0)


def test_shapes_outside_the_minor_tables_fall_back_to_numpy():
    assert _compiled.packed_tables(9, 9) is None          # C(18, 9) bases: the batched-solve path
    rng = np.random.default_rng(6)
    res = nash_equilibria(PairwiseGame(*rng.normal(size=(2, 9, 9))))
    assert res.parameters["backend"] == "numpy" and res.max_regret <= 1e-9


def test_environment_variable_disables_the_kernel():
    code = ("import numpy as np, coopgame; "
            "print(coopgame.nash_equilibria(coopgame.PairwiseGame(np.eye(3), np.eye(3))).parameters['backend'])")
    env = dict(os.environ, COOPGAME_DISABLE_NUMBA="1")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "numpy"


def test_games_with_more_than_62_actions_are_refused_clearly():
    from coopgame.errors import GameTooLargeError
    rng = np.random.default_rng(7)
    with pytest.raises(GameTooLargeError, match="62 actions"):
        nash_equilibria(PairwiseGame(*rng.normal(size=(2, 2, 70))))


@pytest.mark.parametrize("size", [0, 1, 2, 3, 7, 64, 65, 1000, 4097])
def test_keep_first_matches_numpy_unique(size):
    # The hand-written merge sort must keep, per label in increasing order, the FIRST vertex
    # carrying it (np.unique's return_index), also for lengths that are not powers of two.
    rng = np.random.default_rng(size)
    for spread in (2, 50, 2**40):
        labels = rng.integers(0, spread, size=size).astype(np.int64)
        _, first = np.unique(labels, return_index=True)
        assert np.array_equal(_compiled._keep_first(labels), first)

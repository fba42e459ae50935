"""Hostile inputs for the cooperative and stability solvers and the TU game classes (issue 12).

Each case asserts the error type AND that the message names the public
function that was called and the argument at fault; expected numbers come
from hand computation (stated in the test), never from the code under test.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import coopgame as cg
from coopgame.errors import GameTooLargeError, InvalidGameError, InvalidParameterError

# --------------------------------------------------------------------------- overflow near the float maximum
BIG = [0.0, 1e308, 1e308, 1.7e308]   # v1 = v2 = 1e308, v12 = 1.7e308


def test_shapley_and_banzhaf_near_the_float_maximum() -> None:
    """n = 2: φ1 = (v1 + v12 - v2) / 2 = 0.85e308 = φ2; Banzhaf equals Shapley for two players."""
    g = cg.TUGame(BIG)
    for res in (cg.shapley_value(g), cg.banzhaf_value(g), cg.shapley_values([BIG]), cg.banzhaf_values([BIG])):
        alloc = np.asarray(getattr(res, "allocation", None) if hasattr(res, "allocation") else res.allocations[0])
        assert np.allclose(alloc, [0.85e308, 0.85e308], rtol=1e-15, atol=0.0)
        assert np.all(np.isfinite(alloc))
    r = cg.shapley_value(g)
    assert abs(r.efficiency_gap) <= 1e-15 * 1.7e308


@pytest.mark.parametrize("method", ["permutation", "stratified"])
def test_sampled_shapley_near_the_float_maximum_is_finite(method: str) -> None:
    """Every marginal contribution of player 1 is 1e308 (alone) or 0.7e308 (second): the mean lies between."""
    r = cg.shapley_value(cg.TUGame(BIG), method=method, n_samples=400)
    assert np.all(np.isfinite(r.allocation)) and np.all(np.isfinite(r.standard_errors))
    assert np.all((r.allocation >= 0.7e308 * (1 - 1e-12)) & (r.allocation <= 1e308 * (1 + 1e-12)))
    b = cg.banzhaf_value(cg.TUGame(BIG), method="sampling", n_samples=400)
    assert np.all(np.isfinite(b.allocation)) and np.all((b.allocation >= 0.7e308 * (1 - 1e-12)))


def test_value_beyond_the_float_range_is_a_typed_error() -> None:
    """v = (0, 1.7e308, -1.7e308, 1.7e308): φ1 = (v1 + v12 - v2) / 2 = 2.55e308, beyond the float maximum."""
    g = cg.TUGame([0.0, 1.7e308, -1.7e308, 1.7e308])
    with pytest.raises(InvalidGameError, match=r"^shapley_value\(\).*float64 range"):
        cg.shapley_value(g)
    with pytest.raises(InvalidGameError, match=r"^banzhaf_value\(\).*float64 range"):
        cg.banzhaf_value(g)


def test_nucleolus_and_core_near_the_float_maximum() -> None:
    """v1 = v2 = 5e307, v12 = 1.7e308: the nucleolus splits the surplus equally, x = (8.5e307, 8.5e307);
    the core is the segment x_i >= 5e307 (non-empty). In BIG the singletons add up to 2e308 > v12."""
    g = cg.TUGame([0.0, 5e307, 5e307, 1.7e308])
    res = cg.nucleolus(g)
    assert np.allclose(res.allocation, [8.5e307, 8.5e307], rtol=1e-12, atol=0.0) and res.kohlberg_passed
    assert not cg.core(g).is_empty
    assert cg.core(cg.TUGame(BIG)).is_empty
    with pytest.raises(InvalidGameError, match=r"^nucleolus\(\): the imputation set is empty .*2e\+308"):
        cg.nucleolus(cg.TUGame(BIG))
    pre = cg.nucleolus(cg.TUGame(BIG), domain="preimputations")   # symmetric: (0.85e308, 0.85e308)
    assert np.allclose(pre.allocation, [0.85e308, 0.85e308], rtol=1e-12, atol=0.0)


def test_properties_near_the_float_maximum() -> None:
    """v1 + v2 - v12 = 0.3e308 > 0: neither superadditive nor convex (n = 2: the same inequality)."""
    g = cg.TUGame(BIG)
    for check in (cg.check_superadditivity(g), cg.check_convexity(g)):
        assert not check.passed and np.isclose(check.worst_violation, 0.3e308, rtol=1e-12)


def test_structured_game_with_13572_players_refuses_dense_solvers() -> None:
    g = cg.StructuredGame.from_costs(cg.AirportCost(np.arange(1, 13573, dtype=float)))
    for func in (cg.nucleolus, cg.core, cg.least_core):
        with pytest.raises(GameTooLargeError, match=rf"^{func.__name__}\(\): a dense game with 13572 players"):
            func(g)
    # the closed forms still work: the Littlechild-Owen share of the cheapest plane is 1/13572
    assert np.isclose(cg.shapley_value(g).cost_shares[0], 1 / 13572, rtol=1e-12)


def test_from_function_under_an_address_space_limit_is_a_typed_error() -> None:
    """29 players need 4 GiB of values; under ulimit -v 3 GiB that is GameTooLargeError, not MemoryError."""
    code = textwrap.dedent("""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))
        import numpy as np, coopgame as cg
        try:
            cg.TUGame.from_function(lambda m: np.zeros(m.shape), n_players=29)
        except cg.errors.GameTooLargeError as exc:
            print("typed:", exc)
        except MemoryError:
            print("raw MemoryError")
    """)
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert out.stdout.startswith("typed: TUGame.from_function(): a dense computation with 29 players"), \
        out.stdout + out.stderr


@pytest.mark.parametrize("func,method", [(cg.shapley_value, "permutation"), (cg.shapley_value, "stratified"),
                                         (cg.banzhaf_value, "sampling")])
def test_huge_n_samples_is_refused_before_any_work(func, method: str) -> None:
    g = cg.TUGame([0, 1, 1, 3, 1, 3, 3, 6.0])
    start = time.perf_counter()
    with pytest.raises(InvalidParameterError,
                       match=rf"^{func.__name__}\(\): n_samples=1000000000 with 3 players needs about .* "
                             r"coalition evaluations"):
        func(g, method=method, n_samples=10**9)
    assert time.perf_counter() - start < 1.0


def test_huge_n_samples_for_a_sampled_cost_term_is_refused() -> None:
    """A scale-economy cost term has no closed form; above 20 players it is sampled, under the same budget."""
    g = cg.StructuredGame.from_costs(cg.ScaleEconomyCost(np.ones(30), scale=1.0, exponent=0.5))
    with pytest.raises(InvalidParameterError, match=r"^shapley_value\(\): n_samples=100000000 with 30 players"):
        cg.shapley_value(g, n_samples=10**8)

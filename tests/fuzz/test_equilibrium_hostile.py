"""Hostile input at the boundary of the equilibrium solvers and bimatrix games (issue 12, items 6, 7, 9).

Each case asserts the package's typed error AND that its message names the public function that was
called and the argument at fault; tolerances given as ``Fraction`` or numpy scalars are accepted
by every solver (and give the float answer); game and result arrays cannot be made writeable.
"""

from __future__ import annotations

import pickle
from fractions import Fraction

import numpy as np
import pytest

from coopgame import (NCityGame, PairwiseGame, batch_equilibria_2x2, best_response_dynamics, nash_equilibria,
                      price_of_anarchy, pure_equilibria)
from coopgame.equilibrium import _compiled
from coopgame.errors import InvalidGameError, InvalidParameterError, UnknownMethodError
from coopgame.games.regimes import regimes_2x2, stable_profiles_2x2

PD = ([[3, 0], [5, 1]], [[3, 5], [0, 1]])
STAG = ([[4, 0], [3, 2]], [[4, 3], [0, 2]])


def _city():
    return NCityGame(cost=4.0, synergy=3.0 * (1 - np.eye(3)))


def _raises(error, call, *words):
    """``call()`` raises ``error`` whose message contains every one of ``words``."""
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    for word in words:
        assert word in message, (word, message)
    return message


# ------------------------------------------------------------------ wrong game type


@pytest.mark.parametrize("func, name", [(best_response_dynamics, "best_response_dynamics"),
                                        (price_of_anarchy, "price_of_anarchy")])
def test_ncity_solvers_refuse_a_pairwise_game_by_name(func, name):
    # Was: AttributeError: 'PairwiseGame' object has no attribute 'n_layers'.
    msg = _raises(InvalidGameError, lambda: func(PairwiseGame(*PD)), f"{name}():", "NCityGame", "PairwiseGame")
    assert "nash_equilibria" in msg   # says what to use instead
    _raises(InvalidGameError, lambda: func("game"), f"{name}():", "NCityGame", "str")


def test_nash_equilibria_refuses_non_games_by_name():
    _raises(InvalidGameError, lambda: nash_equilibria("PD"), "nash_equilibria():", "game", "str")
    _raises(InvalidGameError, lambda: nash_equilibria(_city()), "nash_equilibria():", "two-player")
    _raises(UnknownMethodError, lambda: nash_equilibria(PairwiseGame(*PD), method="lemke"),
            "nash_equilibria():", "method", "lemke")


# ------------------------------------------------------------------ strategies off the simplex


@pytest.mark.parametrize("method", ["regret", "expected_payoffs"])
@pytest.mark.parametrize("x, fragment", [([2, -1], "x must be non-negative and sum to 1"),
                                         ([0.5, 0.4], "x must be non-negative and sum to 1"),
                                         ([1, 0, 0], "x must have length 2"),
                                         ([np.nan, 1], "x must contain only finite numbers"),
                                         ([1 + 0j, 0], "x must be an array of real numbers"),
                                         ("10", "x must be an array of real numbers")])
def test_strategies_off_the_simplex_are_refused(method, x, fragment):
    # Was: regret([2, -1], ...) returned numbers.
    g = PairwiseGame(*PD)
    _raises(InvalidParameterError, lambda: getattr(g, method)(x, [1, 0]), f"PairwiseGame.{method}():", fragment)
    _raises(InvalidParameterError, lambda: getattr(g, method)([1, 0], x), f"PairwiseGame.{method}():",
            fragment.replace("x must", "y must"))


# ------------------------------------------------------------------ tolerances


def _tol_calls(tol):
    """Every equilibrium solver (and PairwiseGame method) taking tol=, called with ``tol``, and its answer."""
    pd, g3 = PairwiseGame(*PD), PairwiseGame(np.eye(3), np.eye(3))
    A, B = np.array([PD[0], STAG[0]], dtype=float), np.array([PD[1], STAG[1]], dtype=float)
    return {
        "nash 2x2": lambda: [(x.tolist(), y.tolist()) for x, y in nash_equilibria(pd, tol=tol).equilibria],
        "nash 3x3": lambda: [(x.tolist(), y.tolist()) for x, y in nash_equilibria(g3, tol=tol).equilibria],
        "nash nashpy": lambda: len(nash_equilibria(g3, method="nashpy-support", tol=tol).equilibria),
        "batch": lambda: batch_equilibria_2x2(A, B, tol=tol).flags.tolist(),
        "pure pairwise": lambda: pure_equilibria(pd, tol=tol).profiles.tolist(),
        "pure ncity": lambda: pure_equilibria(_city(), tol=tol).profiles.tolist(),
        "price_of_anarchy": lambda: price_of_anarchy(_city(), tol=tol).optimum_welfare,
        "best_response_dynamics": lambda: best_response_dynamics(_city(), tol=tol).path.tolist(),
        "regimes_2x2": lambda: regimes_2x2(A, B, tol=tol).tolist(),
        "stable_profiles_2x2": lambda: stable_profiles_2x2(A, B, tol=tol)[0].tolist(),
        "classify": lambda: pd.classify(tol=tol).name,
        "social_optimum": lambda: pd.social_optimum(tol=tol),
        "pareto_efficient": lambda: pd.pareto_efficient(tol=tol).tolist(),
    }


@pytest.mark.parametrize("tol", [Fraction(1, 10**9), np.float64(1e-9), np.float32(1e-9), 0, Fraction(0)])
def test_every_solver_accepts_fraction_and_numpy_tolerances(tol):
    # Was: tol=Fraction(1, 10**9) -> TypeError: ufunc 'isfinite' not supported.
    plain = {name: call() for name, call in _tol_calls(1e-9 if tol else 0.0).items()}
    for name, call in _tol_calls(tol).items():
        assert call() == plain[name], name


_FUNC_OF = {"nash 2x2": "nash_equilibria", "nash 3x3": "nash_equilibria", "nash nashpy": "nash_equilibria",
            "batch": "batch_equilibria_2x2", "pure pairwise": "pure_equilibria", "pure ncity": "pure_equilibria",
            "price_of_anarchy": "price_of_anarchy", "best_response_dynamics": "best_response_dynamics",
            "regimes_2x2": "regimes_2x2", "stable_profiles_2x2": "stable_profiles_2x2",
            "classify": "PairwiseGame.classify", "social_optimum": "PairwiseGame.social_optimum",
            "pareto_efficient": "PairwiseGame.pareto_efficient"}


@pytest.mark.parametrize("tol, fragment", [("1e-9", "tol must be a real number"),
                                           (1e-9 + 0j, "tol must be a real number"),
                                           (True, "tol must be a real number"),
                                           (float("nan"), "tol must be a finite number"),
                                           (float("inf"), "tol must be a finite number"),
                                           (-1e-9, "tol must be >= 0"),
                                           (Fraction(-1, 3), "tol must be >= 0")])
def test_every_solver_refuses_bad_tolerances_by_name(tol, fragment):
    for name, call in _tol_calls(tol).items():
        _raises(InvalidParameterError, call, f"{_FUNC_OF[name]}():", fragment)


# ------------------------------------------------------------------ payoffs


_BAD_PAYOFFS = [(np.array([[1 + 2j, 0], [0, 1]]), "real numbers"),
                ([["3", "0"], ["5", "1"]], "real numbers"),
                ("[[3, 0], [5, 1]]", "string"),
                ([[np.nan, 0], [5, 1]], "finite"),
                ([[np.inf, 0], [5, 1]], "finite"),
                ([[None, 0], [5, 1]], "must")]


@pytest.mark.parametrize("bad, fragment", _BAD_PAYOFFS)
def test_bad_payoffs_are_refused_by_the_function_called(bad, fragment):
    ok = np.array(PD[1], dtype=float)
    _raises(InvalidGameError, lambda: PairwiseGame(bad, ok), "PairwiseGame():", "row_payoffs", fragment)
    _raises(InvalidGameError, lambda: PairwiseGame(ok, bad), "PairwiseGame():", "col_payoffs", fragment)
    _raises(InvalidGameError, lambda: PairwiseGame.from_arrays(bad), "PairwiseGame.from_arrays():", fragment)
    # An (A, B) pair handed to the solver is reported against the solver, not the game class.
    _raises(InvalidGameError, lambda: nash_equilibria((bad, ok)), "nash_equilibria():", "game[0]", fragment)
    _raises(InvalidGameError, lambda: nash_equilibria((ok, bad)), "nash_equilibria():", "game[1]", fragment)
    stack = np.array([PD[0]], dtype=float)
    bad3 = [bad] if not isinstance(bad, str) else bad
    _raises(InvalidGameError, lambda: batch_equilibria_2x2(bad3, stack), "batch_equilibria_2x2():", "A", fragment)
    _raises(InvalidGameError, lambda: batch_equilibria_2x2(stack, bad3), "batch_equilibria_2x2():", "B", fragment)
    _raises(InvalidGameError, lambda: regimes_2x2(bad, ok), "regimes_2x2():", "A", fragment)
    _raises(InvalidGameError, lambda: stable_profiles_2x2(ok, bad), "stable_profiles_2x2():", "B", fragment)


@pytest.mark.parametrize("name, value, fragment", [("cost", "4", "real numbers"), ("cost", 4 + 1j, "real numbers"),
                                                   ("cost", float("nan"), "finite"), ("synergy", "6", "real numbers"),
                                                   ("alpha", float("nan"), "finite"),
                                                   ("penalty", [1, "x"], "real numbers")])
def test_two_city_parameters_refuse_strings_complex_and_nan(name, value, fragment):
    kwargs = {"cost": 4.0, name: value}
    _raises(InvalidParameterError, lambda: PairwiseGame.from_two_city(**kwargs), "PairwiseGame.from_two_city():",
            name, fragment)


def test_mismatched_pair_is_refused_by_the_solver():
    _raises(InvalidGameError, lambda: nash_equilibria((np.eye(2), np.eye(3))), "nash_equilibria():", "same")


# ------------------------------------------------------------------ immutability


def _assert_frozen(arr):
    assert isinstance(arr, np.ndarray) and not arr.flags.writeable
    with pytest.raises(ValueError):
        arr.setflags(write=True)


def test_pairwise_game_arrays_and_attributes_cannot_be_changed():
    g = PairwiseGame(*PD)
    for arr in (g.row_payoffs, g.col_payoffs, g.A, g.B):
        _assert_frozen(arr)
        with pytest.raises(ValueError):
            arr[0, 0] = 99.0
    for name in ("_A", "_B", "_players", "_entries_2x2", "row_payoffs", "extra"):
        with pytest.raises(AttributeError):
            setattr(g, name, np.zeros((2, 2)))
    with pytest.raises(AttributeError):
        del g._A
    assert g.row_payoffs.tolist() == [[3.0, 0.0], [5.0, 1.0]]
    again = pickle.loads(pickle.dumps(g))          # pickling still works, and stays read-only
    assert again == g and nash_equilibria(again).pure() == [(1, 1)]
    _assert_frozen(again.row_payoffs)
    with pytest.raises(AttributeError):
        again._A = np.zeros((2, 2))


def _results():
    """Equilibrium results from every path: 2x2 (pure, mixed, ties), kernel, numpy, exact, nashpy."""
    out = [nash_equilibria(PairwiseGame(*PD)), nash_equilibria(PairwiseGame(*STAG)),
           nash_equilibria(PairwiseGame([[1, 1], [0, 2]], [[1, 1], [0, 2]])),
           nash_equilibria(PairwiseGame(np.eye(3), np.eye(3))),
           # Payoffs near the float maximum: the kernel hands the game to the exact-confirming path.
           nash_equilibria(PairwiseGame.from_arrays(np.array([[0, -1, 1], [1, 0, -1], [-1, 1, 0.0]]) * 1e308)),
           nash_equilibria(PairwiseGame(np.eye(3), np.eye(3)), method="nashpy-support")]
    before = _compiled.ENABLED
    _compiled.ENABLED = False
    try:
        out.append(nash_equilibria(PairwiseGame(*np.random.default_rng(3).normal(size=(2, 4, 3)))))
    finally:
        _compiled.ENABLED = before
    return out


def test_equilibrium_strategies_and_certificates_are_read_only():
    backends = set()
    for res in _results():
        backends.add(res.parameters.get("backend", res.method))
        for x, y in res.equilibria:
            _assert_frozen(x)
            _assert_frozen(y)
        _assert_frozen(res.payoffs)
        _assert_frozen(res.regrets)
    assert {"closed form", "numpy", "exact"} <= backends
    # The pure unit vectors are shared by every 2x2 result: they must stay intact.
    assert nash_equilibria(PairwiseGame(*PD)).equilibria[0][0].tolist() == [0.0, 1.0]


def test_batch_pure_and_dynamics_arrays_are_read_only():
    A, B = np.array([PD[0], STAG[0]], dtype=float), np.array([PD[1], STAG[1]], dtype=float)
    batch = batch_equilibria_2x2(A, B)
    for arr in (batch.flags, batch.p, batch.q, batch.degenerate, batch.counts):
        _assert_frozen(arr)
    for res in (pure_equilibria(PairwiseGame(*STAG)), pure_equilibria(_city())):
        for arr in (res.profiles, res.payoffs, res.welfare):
            _assert_frozen(arr)
    _assert_frozen(best_response_dynamics(_city()).path)
    stable, ties = stable_profiles_2x2(A, B)   # fresh arrays handed to the caller: theirs to change
    assert stable.shape == (2, 4) and ties.shape == (2,)

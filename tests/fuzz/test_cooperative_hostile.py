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
    for func in (cg.core, cg.least_core):
        with pytest.raises(GameTooLargeError, match=rf"^{func.__name__}\(\): a dense game with 13572 players"):
            func(g)
    # the closed forms still work: the Littlechild-Owen share of the cheapest plane is 1/13572
    assert np.isclose(cg.shapley_value(g).cost_shares[0], 1 / 13572, rtol=1e-12)
    # and the nucleolus is Littlechild's (1974): the cheapest plane pays min_k c_k / (k + 1) = 1/2 (k = 1), all
    # shares add up to the runway's cost 13572 and grow with the plane's
    nuc = cg.nucleolus(g)
    assert nuc.method == "littlechild-1974"
    assert nuc.cost_shares[0] == pytest.approx(0.5) and nuc.cost_shares.sum() == pytest.approx(13572.0)
    assert np.all(np.diff(nuc.cost_shares) >= 0)
    with pytest.raises(GameTooLargeError, match=r"^nucleolus\(\): a dense game with 13572 players"):
        cg.nucleolus(g, method="dense")


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
    with pytest.raises(InvalidParameterError,
                       match=rf"^{func.__name__}\(\): n_samples=1000000000 with 3 players needs about .* "
                             r"coalition evaluations"):
        func(g, method=method, n_samples=10**9)


def test_huge_n_samples_for_a_sampled_cost_term_is_refused() -> None:
    """A scale-economy cost term has no closed form; above 20 players it is sampled, under the same budget."""
    g = cg.StructuredGame.from_costs(cg.ScaleEconomyCost(np.ones(30), scale=1.0, exponent=0.5))
    with pytest.raises(InvalidParameterError, match=r"^shapley_value\(\): n_samples=100000000 with 30 players"):
        cg.shapley_value(g, n_samples=10**8)


# --------------------------------------------------------------------------- boundary errors
MAJORITY = [0, 0, 0, 1, 0, 1, 1, 1.0]


@pytest.mark.parametrize("players", [3, 1.5, 1j, True, {"a", "b", "c"}, b"abc"])
def test_players_that_are_not_a_sequence_of_labels(players) -> None:
    with pytest.raises(InvalidGameError, match=r"^TUGame\(\): players must be a sequence of labels.*got "):
        cg.TUGame(MAJORITY, players=players)
    with pytest.raises(InvalidGameError, match=r"^StructuredGame\(\): players must be a sequence"):
        cg.StructuredGame([1.0, 2.0, 3.0], players=players)
    with pytest.raises(InvalidGameError, match=r"^ValueFunctionGame\(\): players must be a sequence"):
        cg.ValueFunctionGame(lambda m: m * 0.0, players=players)
    with pytest.raises(InvalidGameError, match=r"^TUGame.from_dict\(\): players must be a sequence"):
        cg.TUGame.from_dict({}, players=players)
    with pytest.raises(InvalidGameError, match=r"^NCityGame\(\): players must be a sequence"):
        cg.NCityGame(cost=[1.0, 2.0, 3.0], players=players)
    with pytest.raises(InvalidGameError, match=r"^shapley_values\(\): players must be a sequence"):
        cg.shapley_values([MAJORITY], players=players)


def test_players_given_as_a_generator_or_tuple_still_work() -> None:
    g = cg.TUGame(MAJORITY, players=(p for p in "abc"))
    assert g.players == ("a", "b", "c")


@pytest.mark.parametrize("worths", [[1, 2, 3], "A:1", None, 3.0, ((("A",), 1),)])
def test_from_dict_refuses_what_is_not_a_mapping(worths) -> None:
    with pytest.raises(InvalidGameError, match=r"^TUGame.from_dict\(\): worths must be a mapping"):
        cg.TUGame.from_dict(worths, players=["A"])


@pytest.mark.parametrize("worth", ["1", 1j, float("nan"), float("inf"), None, [1.0], True])
def test_from_dict_refuses_worths_that_are_not_finite_reals(worth) -> None:
    with pytest.raises(InvalidGameError, match=r"^TUGame.from_dict\(\): the worth of coalition 'A' must be"):
        cg.TUGame.from_dict({"A": worth, "B": 0, ("A", "B"): 1}, players=["A", "B"])


def test_from_dict_never_replaces_nan_by_the_fill_value() -> None:
    """Before, a NaN worth was read as 'missing' and silently replaced by fill."""
    with pytest.raises(InvalidGameError, match=r"^TUGame.from_dict\(\): the worth of coalition 'A' must be a finite"):
        cg.TUGame.from_dict({"A": float("nan")}, players=["A", "B"], fill=0.0)
    with pytest.raises(InvalidGameError, match=r"^TUGame.from_dict\(\): fill must be a real number; got '0'"):
        cg.TUGame.from_dict({"A": 1.0}, players=["A", "B"], fill="0")
    g = cg.TUGame.from_dict({"A": 1.0}, players=["A", "B"], fill=0.5)   # fill for the missing ones only
    assert g.values.tolist() == [0.0, 1.0, 0.5, 0.5]


def test_from_dict_refuses_one_coalition_given_twice_with_different_worths() -> None:
    with pytest.raises(InvalidGameError, match=r"^TUGame.from_dict\(\): coalition \('A', 'B'\) is given twice"):
        cg.TUGame.from_dict({"A": 0, "B": 0, ("A", "B"): 1, ("B", "A"): 2}, players=["A", "B"])


def test_value_functions_returning_complex_or_strings_are_refused() -> None:
    with pytest.raises(InvalidGameError, match=r"^TUGame.from_function\(\): the values func returned must be"):
        cg.TUGame.from_function(lambda m: m * 1j, n_players=2)
    with pytest.raises(InvalidGameError, match=r"^ValueFunctionGame\(\): the values func returned must be"):
        cg.ValueFunctionGame(lambda m: np.where(m > 0, "1", "0"), n_players=2)
    with pytest.raises(InvalidGameError, match=r"^TUGame\(\): values must be an array of real numbers"):
        cg.TUGame(np.array([0, 1, 1, 2]) * (1 + 0j))
    with pytest.raises(InvalidGameError, match=r"^shapley_values\(\): values must be an array of real numbers"):
        cg.shapley_values([[0, 1j, 1, 2]])


@pytest.mark.parametrize("name", ["cost", "base", "reward", "penalty", "perception", "deadweight"])
@pytest.mark.parametrize("bad,expect", [(None, "must be a number or an array"), ("1", "real numbers"),
                                        (1 + 2j, "real numbers")])
def test_ncity_parameters_refuse_none_strings_and_complex(name: str, bad, expect: str) -> None:
    kwargs = {"cost": 1.0, "players": ["a", "b"], name: bad}
    with pytest.raises(InvalidParameterError, match=rf"^NCityGame\(\): {name} .*{expect}"):
        cg.NCityGame(**kwargs)


def test_ncity_issues_must_be_a_sequence() -> None:
    with pytest.raises(InvalidParameterError, match=r"^NCityGame\(\): issues must be a sequence of labels"):
        cg.NCityGame(cost=1.0, players=["a", "b"], issues=7)


def test_structured_game_costs_and_scale_economy_parameters() -> None:
    with pytest.raises(InvalidGameError, match=r"^StructuredGame\(\): costs must be a CostTerm or a list.*\(dict\)"):
        cg.StructuredGame([1.0, 2.0], costs={})
    with pytest.raises(InvalidGameError, match=r"^StructuredGame.from_costs\(\): costs must be .*'x' \(str\)"):
        cg.StructuredGame.from_costs([cg.AirportCost([1.0, 2.0]), "x"])
    with pytest.raises(InvalidGameError, match=r"^ScaleEconomyCost\(\): exponent must be a real number"):
        cg.ScaleEconomyCost([1.0, 2.0], scale=1.0, exponent="0.5")
    with pytest.raises(InvalidGameError, match=r"^ScaleEconomyCost\(\): scale must be >= 0"):
        cg.ScaleEconomyCost([1.0, 2.0], scale=-1.0, exponent=0.5)


def test_fraction_tolerances_work_in_every_solver() -> None:
    """tol = Fraction(1, 10**9) gives the answers of tol = 1e-9 (the majority game: core empty, ε = 1/3)."""
    from fractions import Fraction

    from coopgame.stability.kohlberg import kohlberg_check

    tol = Fraction(1, 10**9)
    g = cg.TUGame(MAJORITY)
    assert cg.core(g, tol=tol).is_empty
    assert cg.core(g).contains([1 / 3] * 3, tol=tol) is False
    assert abs(cg.least_core(g, tol=tol).epsilon - 1 / 3) < 1e-12
    assert cg.least_core(g, tol=tol).parameters["tol"] == 1e-9
    assert np.allclose(cg.nucleolus(g, tol=tol).allocation, 1 / 3)
    assert np.allclose(cg.nucleolus(g, tol=tol, domain="preimputations").allocation, 1 / 3)
    assert cg.is_convex(g, tol=tol) is False and cg.is_superadditive(g, tol=tol) is True
    assert cg.check_convexity(g, tol=tol).passed is False and cg.check_superadditivity(g, tol=tol).passed
    assert g.is_efficient([1 / 3] * 3, tol=tol)
    assert kohlberg_check(np.array(MAJORITY), np.full(3, 1 / 3), lower=None, tol=tol).passed


@pytest.mark.parametrize("bad", ["1e-9", 1e-9j, float("nan"), -1.0, None])
def test_bad_tolerances_name_the_function_called(bad) -> None:
    g = cg.TUGame(MAJORITY)
    for name, call in [("is_convex", lambda: cg.is_convex(g, tol=bad)),
                       ("is_superadditive", lambda: cg.is_superadditive(g, tol=bad)),
                       ("check_convexity", lambda: cg.check_convexity(g, tol=bad)),
                       ("core", lambda: cg.core(g, tol=bad)), ("least_core", lambda: cg.least_core(g, tol=bad)),
                       ("nucleolus", lambda: cg.nucleolus(g, tol=bad)),
                       ("TUGame.is_efficient", lambda: g.is_efficient([1 / 3] * 3, tol=bad)),
                       ("CoreResult.contains", lambda: cg.core(g).contains([1 / 3] * 3, tol=bad))]:
        with pytest.raises(InvalidParameterError, match=rf"^{name}\(\): tol must be"):
            call()


def test_core_result_methods_name_themselves() -> None:
    c = cg.core(cg.TUGame(MAJORITY))
    with pytest.raises(InvalidParameterError, match=r"^CoreResult.contains\(\): allocation must have shape \(3\)"):
        c.contains([1.0, 2.0])
    with pytest.raises(InvalidParameterError, match=r"^CoreResult.largest_violation\(\): allocation must be an "
                                                    r"array of real numbers"):
        c.largest_violation("1,2,3")


# --------------------------------------------------------------------------- immutability
def _any_member(masks: np.ndarray) -> np.ndarray:   # module level: picklable
    return (masks > 0).astype(float)


def _games():
    tu = cg.TUGame.from_costs([0, 230, 160, 350, 230, 460, 365, 556])
    sg = cg.StructuredGame.from_costs([cg.AirportCost([8.0, 11.0, 13.0]),
                                       cg.ScaleEconomyCost([1.0, 2.0, 3.0], scale=2.0, exponent=0.5)])
    vf = cg.ValueFunctionGame(_any_member, n_players=3)
    nc = cg.NCityGame(cost=1.0, synergy=3.0 * (1 - np.eye(3)))
    return tu, sg, vf, nc


def _arrays(game) -> list[np.ndarray]:
    if isinstance(game, cg.TUGame):
        return [game.values, game.singleton_values, game.standalone_costs]
    if isinstance(game, cg.StructuredGame):
        return [game.additive, game.pairwise, game.standalone_costs, game.cost_terms[0].costs,
                game.cost_terms[1].quantities]
    if isinstance(game, cg.NCityGame):
        return [game.parameter(name) for name in ("base", "cost", "reward", "penalty", "perception", "spillover",
                                                  "synergy", "siphon", "deadweight")]
    return []


@pytest.mark.parametrize("copier", ["none", "pickle", "copy", "deepcopy"])
def test_game_arrays_cannot_be_made_writeable(copier: str) -> None:
    import copy
    import pickle

    make = {"none": lambda g: g, "pickle": lambda g: pickle.loads(pickle.dumps(g)), "copy": copy.copy,
            "deepcopy": copy.deepcopy}[copier]
    for original in _games():
        game = make(original)
        for arr in _arrays(game):
            with pytest.raises(ValueError):
                arr.setflags(write=True)
            with pytest.raises(ValueError):
                arr[...] = 0.0
            base = arr.base   # no way back to a writeable array through .base either
            while isinstance(base, np.ndarray):
                with pytest.raises(ValueError):
                    base.setflags(write=True)
                base = base.base
    tu = make(_games()[0])
    assert tu == _games()[0] and tu.standalone_costs.tolist() == [230.0, 160.0, 230.0]


@pytest.mark.parametrize("name", ["_values", "_players", "_n", "_standalone_costs"])
def test_tugame_internals_cannot_be_reassigned_or_deleted(name: str) -> None:
    g = cg.TUGame([0, 1, 1, 3.0])
    with pytest.raises(AttributeError, match=rf"TUGame is immutable; cannot set '{name}'"):
        setattr(g, name, np.zeros(4))
    with pytest.raises(AttributeError, match=rf"TUGame is immutable; cannot delete '{name}'"):
        delattr(g, name)
    assert g.values.tolist() == [0.0, 1.0, 1.0, 3.0]


def test_other_game_internals_cannot_be_reassigned() -> None:
    tu, sg, vf, nc = _games()
    for obj, name in [(sg, "_additive"), (sg, "_costs"), (sg.cost_terms[0], "_costs"), (sg.cost_terms[1], "_q"),
                      (sg.cost_terms[1], "_scale"), (vf, "_func"), (vf, "_players"), (nc, "_params"),
                      (nc, "_scale")]:
        with pytest.raises(AttributeError, match="is immutable; cannot set"):
            setattr(obj, name, None)
    with pytest.raises(TypeError):
        nc._params["cost"] = np.zeros((1, 3))   # a read-only mapping
    with pytest.raises(ValueError):   # a fresh array, but read-only like every array a game hands out
        sg.quadratic_part().status_quo().setflags(write=True)


def test_alpha_worths_behind_a_value_function_game_are_read_only() -> None:
    vf = cg.NCityGame(cost=1.0, synergy=3.0 * (1 - np.eye(3))).tu_game(form="function")
    func = vf._func
    for arr in [func.const, *(getattr(layer, name) for layer in func.layers for name in ("a", "pair", "spill_lo"))]:
        with pytest.raises(ValueError):
            arr.setflags(write=True)


def test_a_user_subclass_may_still_add_its_own_attributes() -> None:
    class Labelled(cg.TUGame):
        pass

    g = Labelled([0, 1, 1, 3.0])
    g.note = "mine"          # not one of TUGame's sealed slots
    assert g.note == "mine"
    with pytest.raises(AttributeError):
        g._values = np.zeros(4)

    class MyCost(cg.CostTerm):
        def __init__(self, n: int) -> None:
            self.n = n       # user cost terms set their own attributes as usual

        @property
        def n_players(self) -> int:
            return self.n

        def cost_of_members(self, member):
            return member.sum(axis=1).astype(float)

    assert cg.shapley_value(cg.StructuredGame.from_costs(MyCost(3))).cost_shares.tolist() == [1.0, 1.0, 1.0]


def test_result_arrays_are_read_only() -> None:
    g = cg.TUGame.from_costs([0, 230, 160, 350, 230, 460, 365, 556])
    res = cg.nucleolus(g)
    with pytest.raises(ValueError):
        res.allocation[0] = 99
    arrays = [res.allocation, res.cost_shares, res.stage_levels, cg.core(g).point, cg.least_core(g).allocation,
              cg.least_core(g).cost_shares, cg.shapley_value(g).allocation, cg.banzhaf_value(g).allocation,
              cg.shapley_value(g, method="permutation", n_samples=50).standard_errors,
              cg.harsanyi_dividends(g).dividends, cg.shapley_values([g.values]).allocations,
              cg.shapley_values([g.values]).efficiency_gaps]
    for arr in arrays:
        with pytest.raises(ValueError):
            arr.setflags(write=True)


# --------------------------------------------------------------------------- methods of the game classes
@pytest.mark.parametrize("masks", [np.array([1.5]), np.array([1j]), ["1"], [True, False], [-1], [8], 2**70])
def test_value_of_masks_refuses_what_is_not_a_bitmask(masks) -> None:
    sg = cg.StructuredGame([1.0, 2.0, 0.0])
    vf = cg.ValueFunctionGame(_any_member, n_players=3)
    for name, call in [("StructuredGame.value_of_masks", sg.value_of_masks),
                       ("ValueFunctionGame.value_of_masks", vf.value_of_masks)]:
        with pytest.raises(InvalidParameterError, match=rf"^{name}\(\): masks must"):
            call(masks)
    assert sg.value_of_masks([0, 3, 7]).tolist() == [0.0, 3.0, 3.0]   # v({1,2}) = 1 + 2


@pytest.mark.parametrize("member", ["abc", 1.0, np.ones((2, 2), dtype=bool), np.ones((2, 3)) * 0.5, [[1j, 0, 0]]])
def test_membership_matrices_are_checked(member) -> None:
    sg = cg.StructuredGame([1.0, 2.0, 0.0])
    with pytest.raises(InvalidParameterError, match=r"^StructuredGame.value_of_members\(\): member must be a "
                                                    r"boolean matrix of shape \(K, 3\)"):
        sg.value_of_members(member)
    with pytest.raises(InvalidParameterError, match=r"^AirportCost.cost_of_members\(\): member must be"):
        cg.AirportCost([1.0, 2.0, 3.0]).cost_of_members(member)
    assert cg.AirportCost([1.0, 2.0, 3.0]).cost_of_members(np.array([[1, 0, 1]])).tolist() == [3.0]


@pytest.mark.parametrize("flag", ["yes", None, 1, np.array([True, False])])
def test_ncity_perceived_must_be_a_bool(flag) -> None:
    g = cg.NCityGame(cost=1.0, reward=2.0, players=["A", "B"])
    for name, call in [("NCityGame.payoff_gain", lambda: g.payoff_gain([1.0, 1.0], perceived=flag)),
                       ("NCityGame.payoffs", lambda: g.payoffs([3], perceived=flag)),
                       ("NCityGame.expected_payoffs", lambda: g.expected_payoffs([1.0, 1.0], perceived=flag)),
                       ("NCityGame.payoff_table", lambda: g.payoff_table(perceived=flag)),
                       ("NCityGame.to_pairwise", lambda: g.to_pairwise(perceived=flag)),
                       ("NCityGame.gain_terms", lambda: g.gain_terms(perceived=flag))]:
        with pytest.raises(InvalidParameterError, match=rf"^{name}\(\): perceived must be True or False"):
            call()


def test_ncity_names_must_be_strings() -> None:
    g = cg.NCityGame(cost=1.0, players=["A", "B"])
    with pytest.raises(InvalidParameterError, match=r"^NCityGame.parameter\(\): name must be one of"):
        g.parameter(["cost"])
    with pytest.raises(InvalidParameterError, match=r"^NCityGame.tu_game\(\): convention must be one of"):
        g.tu_game(np.array(["alpha", "members"]))


def test_absurd_player_counts_and_work() -> None:
    with pytest.raises(GameTooLargeError, match=r"^TUGame.from_function\(\): a dense game with about 10\*\*400"):
        cg.TUGame.from_function(_any_member, n_players=10**400)
    with pytest.raises(GameTooLargeError, match=r"^TUGame.from_dict\(\): a dense game with 45 players"):
        cg.TUGame.from_dict({}, n_players=45)
    from coopgame.games.generators import random_convex_game, random_game

    with pytest.raises(GameTooLargeError, match=r"^random_game\(\): a dense game with about 10\*\*400"):
        random_game(10**400)
    with pytest.raises(InvalidParameterError, match=r"^random_convex_game\(\): pieces must be >= 1 and <= 1000"):
        random_convex_game(3, pieces=10**9)
    with pytest.raises(InvalidParameterError, match=r"^TUGame.members\(\): mask must be >= 0 and <= 7; got 8"):
        cg.TUGame(MAJORITY).members(8)


def test_core_membership_near_the_float_maximum() -> None:
    """v1 = v2 = 5e307, v12 = 1.7e308: (8.5e307, 8.5e307) is in the core, (1e308, 1e308) is not efficient
    (sum 2e308, which overflows in plain float), and in a 3-player game x = (1e308, 1e308, -1e308) leaves
    {3} an excess of 0 - (-1e308) = 1e308 (x(S) for S = {1, 2} alone would overflow)."""
    c = cg.core(cg.TUGame([0, 5e307, 5e307, 1.7e308]))
    assert c.contains([8.5e307, 8.5e307]) and not c.contains([1e308, 1e308])
    assert c.largest_violation([1.2e308, 0.5e308]).amount == 0.0
    g = cg.TUGame([0, 1e308, 1e308, 1.7e308, 0, 1e308, 1e308, 1.7e308])
    worst = cg.largest_core_violation(g, [1e308, 1e308, -1e308])
    assert worst.amount == 1e308
    assert np.isclose(worst.efficiency_gap, 1e308 - 1.7e308, rtol=1e-15)   # x(N) = 1e308


def test_dividends_near_the_float_maximum() -> None:
    """d({1}) = d({2}) = 1e308, d({1,2}) = 1.7e308 - 2e308 = -0.3e308 (the partial sum 2e308 overflows);
    v = (0, 1.7e308, 1.7e308, -1.7e308) has d({1,2}) = -5.1e308, beyond the float range."""
    d = cg.harsanyi_dividends(cg.TUGame(BIG)).dividends
    assert np.allclose(d, [0.0, 1e308, 1e308, -0.3e308], rtol=1e-12, atol=0.0)
    assert np.allclose(cg.game_from_dividends(d).values, BIG, rtol=1e-12, atol=0.0)
    with pytest.raises(InvalidGameError, match=r"^harsanyi_dividends\(\): the dividends exceed the float64 range"):
        cg.harsanyi_dividends(cg.TUGame([0, 1.7e308, 1.7e308, -1.7e308]))
    with pytest.raises(InvalidGameError, match=r"^game_from_dividends\(\): the coalition values exceed"):
        cg.game_from_dividends([0, 1.7e308, 1.7e308, 1.7e308])


def test_shapley_of_subnormal_payoffs() -> None:
    """v = (0, 1, 1, 3) x 1e-310 (subnormal, below the rescaling threshold 2**-900): φ = (1.5, 1.5) x 1e-310,
    and a 3-player game at 1e-312 agrees with the brute-force value of the unscaled game, rescaled."""
    v = np.array([0, 1, 1, 3.0]) * 1e-310
    assert np.allclose(cg.shapley_value(cg.TUGame(v)).allocation, [1.5e-310, 1.5e-310], rtol=1e-12, atol=0.0)
    w = np.array([0, 1, 2, 4, 3, 5, 6, 9.0]) * 1e-312   # reference: brute force on the unscaled game, rescaled
    from tests.cooperative.reference import shapley_by_permutations

    assert np.allclose(cg.shapley_value(cg.TUGame(w)).allocation, shapley_by_permutations(w / 1e-312) * 1e-312,
                       rtol=1e-12, atol=0.0)

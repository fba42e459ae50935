"""Hostile inputs against the policy layer (issue 12): fund, sharing rules, sweeps, transfers, outside options.

Every bad argument must end in the package's typed error whose message names
the public function (or class) the user called and the argument; nothing may
hang (the fuzz suite's 30 s timeout per test), and the verdicts must not
depend on the money unit.
"""

from __future__ import annotations

import re
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import coopgame as cg
from coopgame.errors import CoopgameError, GameTooLargeError, InvalidGameError, InvalidParameterError
from coopgame.policy import concepts
from coopgame.policy.fund import payment_flows
from coopgame.policy.real_rules import (
    FundSection, PooledFundRule, RelocationTaxRule, StockIncrementRule, TaxBasePoolRule, graded_transfer,
    present_value)
from coopgame.policy.rules import EqualSplitRule, NucleolusRule, ProportionalRule
from coopgame.policy.sweep import (
    cooperative_outcomes, pairwise_outcomes, parameter_sweep, parse_grid_spec, quadratic_outcomes)
from coopgame.policy.transfers import project_capped_simplex, self_enforcing_transfers


def _raises(error: type[Exception], func: str, arg: str):
    """``pytest.raises`` for ``error`` whose message starts with ``func(): `` and names ``arg``."""
    return pytest.raises(error, match=rf"^{re.escape(func)}\(\): .*{re.escape(arg)}")


# ---------------------------------------------------------------------------------------------- 1. hangs
@pytest.mark.parametrize("atol", [-1, -1e-300, float("nan"), float("-inf"), float("inf"), "0.1", 1j, None, True])
def test_payment_flows_refuses_a_bad_tolerance_at_once(atol):
    # issue 12 reproducer 3: a negative tolerance looped forever (no position ever fell to <= atol)
    with _raises(InvalidParameterError, "payment_flows", "atol"):
        payment_flows([1.0, -1.0, 0.0], list("abc"), atol=atol)


@pytest.mark.parametrize("net", [[np.inf, -np.inf, 0.0], [np.nan, 0.0, 0.0], [1.0, -1.0, 1j], ["1", "-1", "0"]])
def test_payment_flows_refuses_non_finite_or_non_real_net(net):
    with _raises(InvalidParameterError, "payment_flows", "net"):
        payment_flows(net, list("abc"))


@pytest.mark.parametrize("players", ["abc", ["a", "b"], ["a", "a", "b"], 3, None])
def test_payment_flows_refuses_bad_players(players):
    with _raises(InvalidParameterError, "payment_flows", "player"):
        payment_flows([1.0, -1.0, 0.0], players)


def test_payment_flows_accepts_fraction_and_numpy_tolerances():
    want = (cg.policy.fund.Flow("b", "a", 1.0),)
    assert payment_flows([1.0, -1.0, 0.0], list("abc"), atol=Fraction(1, 10**9)) == want
    assert payment_flows([1.0, -1.0, 0.0], list("abc"), atol=np.float32(1e-9)) == want


def test_payment_flows_near_the_float_maximum():
    # the balance test must not overflow: 1e308 + 1e308 is inf in floating point
    flows = payment_flows([1e308, 1e308, -1e308, -1e308], list("abcd"))
    assert sorted((f.payer, f.receiver, f.amount) for f in flows) == [("c", "a", 1e308), ("d", "b", 1e308)]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=12),
       st.floats(0, 1e3, allow_nan=False))
def test_payment_flows_terminate_with_at_most_n_minus_1_flows(xs, atol):
    # any tolerance >= 0 (also one larger than every position): a bounded number of flows, each a real payment
    net = np.array(xs + [-float(np.sum(xs))])
    flows = payment_flows(net, [f"c{i}" for i in range(net.size)], atol=atol)
    assert len(flows) <= net.size - 1
    assert all(f.amount > 0 for f in flows)
    # every position is met to within the tolerance allowed for each of the at most n - 1 steps
    settled = np.zeros(net.size)
    for f in flows:
        settled[int(f.payer[1:])] -= f.amount
        settled[int(f.receiver[1:])] += f.amount
    slack = (net.size + 1) * (atol + 1e-9 * max(1.0, float(np.abs(net).max())))
    assert np.all(np.abs(settled - net) <= slack)


# ---------------------------------------------------------------------------------------------- 2. the boundary
_SECTION = FundSection("s", "a", {"b": 1.0})
# (class or function, valid keyword arguments)
_RULES = {
    "ProportionalRule": (ProportionalRule, dict(weights=[1.0, 2.0], basis="GDP", of="worth")),
    "EqualSplitRule": (EqualSplitRule, dict(of="worth")),
    "NucleolusRule": (NucleolusRule, dict(domain="imputations")),
    "StockIncrementRule": (StockIncrementRule, dict(baseline=[3.0, 2.0], shares=[0.5, 0.5])),
    "FundSection": (FundSection, dict(name="s", responsible="a", recipients={"b": 1.0})),
    "PooledFundRule": (PooledFundRule, dict(players=("a", "b"), contributions=[1.0, 1.0], allocations=[1.0, 2.0],
                                            fund=2.0, sections=(_SECTION,), pass_rates={"s": 1.0}, name="f")),
    "TaxBasePoolRule": (TaxBasePoolRule, dict(players=("r", "p"), growth=[10.0, 0.0], population=[1.0, 1.0],
                                              fiscal_capacity=[2.0, 1.0], pool_share=0.4, tax_rate=1.0,
                                              population_exponent=1.0, capacity_exponent=1.0)),
    "RelocationTaxRule": (RelocationTaxRule, dict(out_region="B", in_region="H", pre_move_taxes=[0.3, 0.3, 0.3],
                                                  post_move_taxes=[0.4] * 6, share=0.5, years=3, extension_years=2,
                                                  threshold=0.2, central_subsidy=0.0, discount_rate=0.0)),
    "present_value": (present_value, dict(stream=[1.0, 1.0], rate=0.1)),
    "graded_transfer": (graded_transfer, dict(class_change=[1.0, 0.0], index_change=[-10.0, 50.0],
                                              price_per_class=0.6, price_per_point=0.01, cap=0.4)),
}
# arguments that may legitimately be negative (a discount rate above -1, a price, a revenue change)
_MAY_BE_NEGATIVE = {("TaxBasePoolRule", "growth"), ("TaxBasePoolRule", "population_exponent"),
                    ("TaxBasePoolRule", "capacity_exponent"), ("RelocationTaxRule", "discount_rate"),
                    ("present_value", "rate"), ("present_value", "stream"), ("graded_transfer", "class_change"),
                    ("graded_transfer", "index_change"), ("graded_transfer", "price_per_class"),
                    ("graded_transfer", "price_per_point")}
_HOSTILE = {"a string": "0.5", "complex": 0.5 + 1j, "NaN": float("nan"), "negative": -0.5, "None": None,
            "a bool": True}


def _hostile(value, valid):
    """The hostile stand-in for one valid argument: element-wise for arrays and mappings."""
    if isinstance(valid, dict):
        return {k: value for k in valid}
    if isinstance(valid, list):
        return [value] * len(valid)
    return value


_CASES = [(rule, arg, what) for rule, (_, kw) in _RULES.items() for arg in kw for what in _HOSTILE
          if not (what == "negative" and ((rule, arg) in _MAY_BE_NEGATIVE or isinstance(kw[arg], str)))
          and not (what == "a string" and isinstance(kw[arg], str))                        # labels are strings
          and not (what == "a bool" and isinstance(kw[arg], list))                         # a 0/1 array is numbers
          and not (what == "None" and rule == "StockIncrementRule" and arg == "shares")     # None: equal shares
          and not (what == "None" and rule == "PooledFundRule" and arg == "pass_rates")]   # None: all pass


@pytest.mark.parametrize("rule, arg, what", _CASES)
def test_every_rule_parameter_refuses_strings_complex_nan_and_negatives(rule, arg, what):
    # issue 12 reproducers 6 and 7: string parameters gave raw TypeErrors, NaN passed the range checks
    cls, kw = _RULES[rule]
    bad = _hostile(_HOSTILE[what], kw[arg])
    with pytest.raises(CoopgameError, match=rf"^{rule}\(\): ") as info:
        cls(**{**kw, arg: bad})
    assert isinstance(info.value, (InvalidParameterError, InvalidGameError))
    assert arg in str(info.value) or arg.rstrip("s") in str(info.value) or "player" in str(info.value)


@pytest.mark.parametrize("rule", list(_RULES))
def test_every_rule_accepts_fraction_and_numpy_parameters(rule):
    cls, kw = _RULES[rule]
    exotic = {k: (Fraction(v).limit_denominator(1000) if isinstance(v, float) and k != "years" else v)
              for k, v in kw.items()}
    exotic = {k: (np.asarray(v) if isinstance(v, list) else v) for k, v in exotic.items()}
    want, got = cls(**kw), cls(**exotic)
    if isinstance(want, float):
        assert got == pytest.approx(want, rel=1e-12)
    elif isinstance(want, np.ndarray):
        np.testing.assert_allclose(got, want, rtol=1e-12)
    elif isinstance(want, FundSection):
        assert got == want
    else:
        assert got.label == want.label and got.parameters() == want.parameters()  # 1/2, 2/5 ... are exact


def test_nan_no_longer_passes_the_range_checks_of_the_real_rules():
    with _raises(InvalidParameterError, "TaxBasePoolRule", "pool_share"):
        TaxBasePoolRule(("r", "p"), [10, 0], [1, 1], [2, 1], pool_share=float("nan"))
    with _raises(InvalidParameterError, "RelocationTaxRule", "share"):
        RelocationTaxRule("B", "H", [0.3] * 3, [0.4] * 6, share=float("nan"))
    with _raises(InvalidParameterError, "FundSection", "recipients"):
        FundSection("s", "a", {"b": float("nan")})
    with _raises(InvalidParameterError, "StockIncrementRule", "shares"):
        StockIncrementRule([3.0, 2.0], shares=[float("nan"), 0.5])
    with _raises(InvalidParameterError, "PooledFundRule", "pass_rates"):
        PooledFundRule.chishui(pass_rates={"清水铺": float("nan")})


def test_rules_refuse_a_game_of_the_wrong_type():
    for rule in (ProportionalRule([1, 2]), EqualSplitRule(), StockIncrementRule([1.0, 2.0]), cg.policy.rules.ShapleyRule()):
        name = type(rule).__name__
        with _raises(InvalidGameError, f"{name}.allocate", "game"):
            rule.allocate([0, 1, 1, 3], np.zeros(2))
    with _raises(InvalidGameError, "PooledFundRule.allocate", "game"):
        PooledFundRule.chishui().allocate(None, np.zeros(3))


def test_relocation_years_must_be_integers():
    # float('inf') years sliced a numpy array (raw TypeError); 2.5 years is no contract term
    for bad in (float("inf"), 2.5, "3"):
        with _raises(InvalidParameterError, "RelocationTaxRule", "years"):
            RelocationTaxRule("B", "H", [0.3] * 3, [0.4] * 6, years=bad)


def _bm1(reward, penalty):
    return cg.PairwiseGame.from_two_city(cost=4, synergy=6, alpha=0.5, free_ride_gain=2, lone_loss=1,
                                         reward=reward, penalty=penalty)


_GRID = {"reward": [0.0, 2.0], "penalty": [0.0, 1.0]}


@pytest.mark.parametrize("chunk_size", [0, -1, 2.5, "16", None, True, float("nan")])
def test_parameter_sweep_refuses_a_bad_chunk_size(chunk_size):
    with _raises(InvalidParameterError, "parameter_sweep", "chunk_size"):
        parameter_sweep(_bm1, _GRID, chunk_size=chunk_size)


@pytest.mark.parametrize("kw, arg", [(dict(tol=-1), "tol"), (dict(tol="1e-9"), "tol"), (dict(progress="yes"), "progress"),
                                     (dict(issue=1.5), "issue"), (dict(grid="reward=0:1:3"), "grid"),
                                     (dict(grid={"reward": [1j]}), "grid['reward']"),
                                     (dict(grid={3: [0.0]}), "grid keys")])
def test_parameter_sweep_refuses_bad_arguments(kw, arg):
    with _raises(InvalidParameterError, "parameter_sweep", arg):
        parameter_sweep(_bm1, **{"grid": _GRID, **kw})


def test_parameter_sweep_names_the_grid_point_when_the_model_function_does_not_take_a_name():
    with _raises(InvalidParameterError, "parameter_sweep", "subsidy=0"):
        parameter_sweep(_bm1, {"subsidy": [0.0, 1.0]})


@pytest.mark.parametrize("spec", ["reward=0:1:10000000000000", "reward=0:1:" + "9" * 400])
def test_a_huge_grid_spec_is_refused_before_linspace_runs(spec):
    # issue 12 reproducer 5: `coopgame sweep --grid reward=0:1:10000000000000` allocated before the cap
    with pytest.raises(GameTooLargeError, match=r"^parse_grid_spec\(\): .*NUM"):
        parse_grid_spec(spec)


@pytest.mark.parametrize("spec", [None, 5, ["reward=0:1:3"], b"reward=0:1:3", "reward=0:1:3000000"])
def test_parse_grid_spec_refuses_non_strings_and_too_many_points(spec):
    with pytest.raises(InvalidParameterError, match=r"^parse_grid_spec\(\): "):
        parse_grid_spec(spec)


def test_many_long_axes_do_not_wrap_the_point_count():
    # 70,000**4 = 2.4e19 points wraps around in int64 (numpy.prod); the count must still be refused
    axes = {name: np.zeros(70_000) for name in ("reward", "penalty", "a", "b")}
    with _raises(InvalidParameterError, "parameter_sweep", "24010000000000000000 points"):
        parameter_sweep(lambda reward, penalty, a, b: _bm1(reward, penalty), axes)


def test_a_sweep_value_error_names_the_users_model_file(tmp_path):
    # issue 12 reproducer 10: a user's copy of a built-in model was reported against the built-in one
    from pathlib import Path
    source = Path(cg.__file__).resolve().parents[1] / "models" / "two_city_coop.toml"
    mine = tmp_path / "my_two_city.toml"
    mine.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    model = cg.load_model(str(mine))
    with pytest.raises(InvalidParameterError, match=r"^parameter_sweep\(\): .*alpha") as info:
        parameter_sweep(model, {"alpha": [0.5, -5.0]})
    assert str(mine) in str(info.value)
    with pytest.raises(InvalidParameterError, match=r"^parameter_sweep\(\): .*nonsense") as info:
        parameter_sweep(model, {"nonsense": [0.5]})
    assert str(mine) in str(info.value)


@pytest.mark.parametrize("call, func, arg", [
    (lambda: pairwise_outcomes(np.zeros((1, 2, 3)), np.zeros((1, 2, 3))), "pairwise_outcomes", "A"),
    (lambda: pairwise_outcomes(np.zeros((1, 2, 2)), "x"), "pairwise_outcomes", "B"),
    (lambda: pairwise_outcomes(np.zeros((1, 2, 2)), np.zeros((1, 2, 2)), true_payoffs=5), "pairwise_outcomes",
     "true_payoffs"),
    (lambda: pairwise_outcomes(np.zeros((1, 2, 2)), np.zeros((1, 2, 2)), tol=float("nan")), "pairwise_outcomes",
     "tol"),
    (lambda: quadratic_outcomes(np.zeros((1, 2)), np.zeros((1, 3, 3))), "quadratic_outcomes", "pairwise"),
    (lambda: cooperative_outcomes("games"), "cooperative_outcomes", "games"),
    (lambda: cooperative_outcomes([]), "cooperative_outcomes", "games"),
    (lambda: cooperative_outcomes([cg.TUGame([0, 1, 1, 3]), cg.TUGame([0] * 8)]), "cooperative_outcomes",
     "same number of players"),
    (lambda: project_capped_simplex("x", [0.0], 1.0), "project_capped_simplex", "r"),
    (lambda: project_capped_simplex([1.0, 2.0], [0.0, 0.0, 0.0], 1.0), "project_capped_simplex", "lower"),
    (lambda: project_capped_simplex([1.0, 2.0], [0.0, 0.0], float("nan")), "project_capped_simplex", "total"),
    (lambda: cg.policy.outside.package_bounds([1j]), "package_bounds", "d"),
    (lambda: present_value([1.0], -1.0), "present_value", "rate"),
    (lambda: present_value([1.0] * 2000, -0.999), "present_value", "overflows"),
    (lambda: self_enforcing_transfers(cg.PairwiseGame([[3, 0], [5, 1]], [[3, 5], [0, 1]]), subsidy_cap="1"),
     "self_enforcing_transfers", "subsidy_cap"),
    (lambda: self_enforcing_transfers(cg.PairwiseGame([[3, 0], [5, 1]], [[3, 5], [0, 1]]), tu_label=3),
     "self_enforcing_transfers", "tu_label"),
    (lambda: cg.fund_analysis(cg.TUGame([0, 1, 1, 3]), status_quo=[1.5, 1.5], rules="shapley"), "fund_analysis",
     "rules"),
    (lambda: cg.fund_analysis(cg.TUGame([0, 1, 1, 3]), status_quo=[1.5, 1.5], rules=5), "fund_analysis", "rules"),
    (lambda: cg.fund_analysis(cg.TUGame([0, 1, 1, 3]), status_quo=["1.5", "1.5"]), "fund_analysis",
     "status_quo"),
    (lambda: cg.fund_analysis(cg.TUGame([0, 1, 1, 3]), status_quo=[1.5, 1.5], tol=Fraction(-1, 2)),
     "fund_analysis", "tol"),
    (lambda: PooledFundRule.chishui().settle({"清水铺 Qingshuipu": "0"}), "PooledFundRule.settle", "pass_rates"),
    (lambda: StockIncrementRule([1.0, 2.0]).split("9"), "StockIncrementRule.split", "revenue"),
    (lambda: concepts.cooperative_form("game"), "cooperative_form", "game"),
    (lambda: concepts.pairwise_forms(None), "pairwise_forms", "game"),
    (lambda: concepts.concept_table(None, name=5), "concept_table", "name"),
    (lambda: concepts.plan(None), "plan", "game"),
    (lambda: concepts.sweep_form(cg.NCityGame(cost=[[1.0, 1.2], [0.8, 1.0]], issues=["x", "y"]), issue=True),
     "sweep_form", "issue"),
    (lambda: parameter_sweep(_bm1, _GRID).summary(max_rows="x"), "SweepResult.summary", "max_rows"),
    (lambda: concepts.plan([0, 1, 1, 2]), "plan", "game"),
])
def test_policy_functions_refuse_bad_arguments_with_their_own_name(call, func, arg):
    with pytest.raises(CoopgameError, match=rf"^{re.escape(func)}\(\): .*{re.escape(arg)}"):
        call()


# ---------------------------------------------------------------------------------------------- 3. unit invariance
_MONEY = dict(cost=[1.0, 1.2, 0.8], base=[0.2, 0.1, 0.3], spillover=[[0, .5, .4], [.5, 0, .3], [.4, .3, 0]],
              synergy=[[0, .3, .2], [.3, 0, .1], [.2, .1, 0]])
_FACTORS = [1e-12, 1e-8, 1e8, 1e12]


def _ncity(f):
    # payoffs are linear in every money parameter; the perception factor is dimensionless
    return cg.NCityGame(**{k: np.asarray(v) * f for k, v in _MONEY.items()}, perception=[1.0, 1.3, 1.0],
                        players=["a", "b", "c"])


def _policy_verdicts(f):
    g = _ncity(f)
    oo = cg.outside_options(g)
    se = cg.self_enforcing_transfers(g)
    capped = cg.self_enforcing_transfers(g, subsidy_cap=2.0 * f)    # Z* = 2.16 in the unit game: short by 0.16
    rules = ["shapley", "nucleolus", "equal", ProportionalRule([1, 2, 3])]
    fa = cg.fund_analysis(g.tu_game(convention="alpha"), outside=oo, rules=rules)
    return {
        "free riders": oo.free_riders,
        "transfers": (se.feasible, se.in_core, se.allocation_in_core, se.recipients, se.payers),
        "capped": (capped.feasible, capped.shortfall > 0),
        "fund": [(o.rule, o.individually_rational, o.in_core, o.self_enforcing, o.free_riders, o.below_stand_alone,
                  [(x.payer, x.receiver) for x in o.flows]) for o in fa.outcomes] + [fa.core_is_empty],
        "amounts": np.concatenate([oo.deviation_bounds, se.transfers, [se.subsidy, capped.shortfall]]) / f,
    }


@pytest.mark.parametrize("factor", _FACTORS)
def test_policy_verdicts_do_not_depend_on_the_money_unit(factor):
    want, got = _policy_verdicts(1.0), _policy_verdicts(factor)
    # the unit game, by hand: every city gains by free-riding (perceived), the centre must pay 2.16
    assert want["free riders"] == ("a", "b", "c") and want["amounts"][6] == pytest.approx(2.16)
    assert want["capped"] == (False, True)
    for key in ("free riders", "transfers", "capped", "fund"):
        assert got[key] == want[key], key
    np.testing.assert_allclose(got["amounts"], want["amounts"], rtol=1e-9)


@pytest.mark.parametrize("factor", _FACTORS)
def test_a_tiny_real_shortfall_below_stand_alone_is_seen_in_every_unit(factor):
    # equal split gives (1, 1); player 1 stands alone at 1 + 1e-6: below stand-alone by 1e-6 (relative 5e-7 of
    # v(N)), far above the relative tolerance 1e-9 - in every unit (a floor at 1 hid it below the unit 1e-3)
    g = cg.TUGame(np.array([0, 1.000001, 0.5, 2.0]) * factor, players=["p", "q"])
    fa = cg.fund_analysis(g, status_quo=np.array([1.0, 1.0]) * factor, rules=["equal"])
    out = fa["equal split"]
    assert (out.individually_rational, out.in_core, out.below_stand_alone) == (False, False, ("p",))
    assert out.ir_shortfall[0] == pytest.approx(1e-6 * factor, rel=1e-6)
    # and a zero margin (q gets exactly 1 > 0.5, p exactly its worth when it stands alone at 1) is no shortfall
    exact = cg.fund_analysis(cg.TUGame(np.array([0, 1.0, 0.5, 2.0]) * factor), status_quo=np.array([1.0, 1.0]) * factor,
                             rules=["equal"])["equal split"]
    assert (exact.individually_rational, exact.in_core) == (True, True)


@pytest.mark.parametrize("factor", _FACTORS)
def test_prisoners_dilemma_transfers_in_every_unit(factor):
    # each city gains 2 by free-riding: the centre pays 2 + 2, and the alpha game's Shapley value is the status quo
    pd = cg.PairwiseGame(np.array([[3, 0], [5, 1.0]]) * factor, np.array([[3, 5], [0, 1.0]]) * factor)
    res = cg.self_enforcing_transfers(pd)
    assert res.subsidy == pytest.approx(4 * factor, rel=1e-12)
    np.testing.assert_allclose(res.transfers, [2 * factor, 2 * factor], rtol=1e-12)
    assert (res.in_core, res.feasible, res.recipients) == (True, True, ("1", "2"))
    assert cg.outside_options(pd).free_riders == ("1", "2")


# ---------------------------------------------------------------------------------------------- 4. immutability
def _arrays(obj, path="", seen=None):
    """Every ndarray reachable from a result or rule through dataclass fields, mappings, tuples and lists."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, np.ndarray):
        yield path, obj
    elif isinstance(obj, (dict, type(type.__dict__))):
        for k, v in obj.items():
            yield from _arrays(v, f"{path}[{k!r}]", seen)
    elif isinstance(obj, (tuple, list)):
        for i, v in enumerate(obj):
            yield from _arrays(v, f"{path}[{i}]", seen)
    elif hasattr(obj, "__dataclass_fields__"):
        for name in obj.__dataclass_fields__:
            if name != "game":
                yield from _arrays(getattr(obj, name), f"{path}.{name}", seen)


def _glove_like(w):
    return cg.TUGame([0, 1, 1, 2 + w])


def _immutable_objects():
    g = _ncity(1.0)
    chishui = PooledFundRule.chishui()
    fa = cg.fund_analysis(cg.TUGame([0, 0.1, 0.5, 1.0, 0.4, 0.6, 1.2, 2.0], players=["Yunnan", "Guizhou", "Sichuan"]),
                          status_quo=[0.0, 1.1, 0.9], rules=["shapley", chishui])
    sweep = parameter_sweep(_bm1, _GRID)
    relocation = RelocationTaxRule("B", "H", [0.3] * 3, [0.4] * 6)
    return {"outside options": cg.outside_options(g), "fund analysis": fa, "transfers": cg.self_enforcing_transfers(g),
            "sweep": sweep, "cooperative sweep": parameter_sweep(_glove_like, {"w": [0, 1]}),
            "ProportionalRule": ProportionalRule([1, 2]), "StockIncrementRule": StockIncrementRule([3.0, 2.0]),
            "PooledFundRule": chishui, "settlement": chishui.settle(),
            "TaxBasePoolRule": TaxBasePoolRule(["r", "p"], growth=[10, 0], population=[1, 1], fiscal_capacity=[2, 1]),
            "RelocationTaxRule": relocation, "schedule": relocation.schedule()}


@pytest.mark.parametrize("name", list(_immutable_objects()))
def test_policy_arrays_are_read_only_for_good(name):
    # issue 12 reproducer 9: fund outcomes, sweep grids and outputs were writeable
    import pickle
    obj = _immutable_objects()[name]
    for copy in (obj, pickle.loads(pickle.dumps(obj))):
        found = list(_arrays(copy, name))
        assert found, "no arrays found: the walk must reach them"
        for path, arr in found:
            assert not arr.flags.writeable, path
            with pytest.raises(ValueError):
                arr.setflags(write=True)


def test_sweep_mappings_cannot_be_changed():
    res = parameter_sweep(_bm1, _GRID)
    for mapping in (res.outputs, res.grid, res.categories):
        with pytest.raises(TypeError):
            mapping["regime"] = np.zeros(1)
    grid = {"reward": np.array([0.0, 2.0]), "penalty": np.array([0.0, 1.0])}
    res = parameter_sweep(_bm1, grid)
    grid["reward"][0] = 99.0                                   # the caller's array is not the result's
    assert res.grid["reward"][0] == 0.0


def test_rules_do_not_alias_the_callers_arrays():
    w = np.array([1.0, 2.0])
    rule = ProportionalRule(w)
    w[0] = 50.0
    assert rule.weights.tolist() == [1.0, 2.0]
    rates = {"清水铺 Qingshuipu": 0.5}
    pooled = PooledFundRule.chishui(pass_rates=rates)
    rates["清水铺 Qingshuipu"] = 0.0
    assert pooled.pass_rates["清水铺 Qingshuipu"] == 0.5
    with pytest.raises(TypeError):
        pooled.pass_rates["清水铺 Qingshuipu"] = 0.0            # type: ignore[index]
    section = FundSection("s", "a", {"b": 1.0})
    with pytest.raises(TypeError):
        section.recipients["b"] = 2.0                          # type: ignore[index]


def test_fund_analysis_near_the_float_maximum_matches_the_unit_game():
    # v = (1, 0.5; 1.7) split from the status quo (1, 0.7): Shapley = nucleolus = (1.1, 0.6) by hand
    # (1 + (1.7 - 1.5) / 2, 0.5 + 0.1), equal split (0.85, 0.85) leaves player 1 below 1
    def verdicts(f):
        fa = cg.fund_analysis(cg.TUGame(np.array([0, 1.0, 0.5, 1.7]) * f), status_quo=np.array([1.0, 0.7]) * f)
        return [(o.rule, o.individually_rational, o.in_core, [(x.payer, x.receiver) for x in o.flows],
                 *np.round(o.allocation / f, 12)) for o in fa.outcomes]
    want = [("Shapley", True, True, [("2", "1")], 1.1, 0.6), ("nucleolus", True, True, [("2", "1")], 1.1, 0.6),
            ("equal split", False, False, [("1", "2")], 0.85, 0.85)]
    assert verdicts(1.0) == want
    assert verdicts(1e308) == want


def test_a_rule_that_cannot_split_the_game_is_reported_by_fund_analysis():
    # v({1}) + v({2}) > v(N): no imputation, so no nucleolus; the error names the function the user called
    with pytest.raises(InvalidGameError, match=r"^fund_analysis\(\): rule 'nucleolus' .*nucleolus\(\): the imputation"):
        cg.fund_analysis(cg.TUGame([0, 1.0, 1.0, 1.7]), status_quo=[0.85, 0.85])


def test_point_by_point_sweep_refuses_more_points_than_it_can_build_in_time():
    """A model that must be rebuilt at every point (bth13's cost_rate: about 10 ms a point) is limited to 10,000
    points: 100,000 would run for many minutes, so they are refused before the first game is built."""
    spec = cg.load_model("bth13")
    with pytest.raises(InvalidParameterError, match=r"parameter_sweep\(\): the grid has 100000 points.*one point "
                                                    r"at a time.*limited to 10000"):
        cg.parameter_sweep(spec, {"cost_rate": np.linspace(0.0, 0.1, 100_000)})
    small = cg.parameter_sweep(spec, {"cost_rate": np.linspace(0.0, 0.1, 3)})  # within the limit: answered
    assert small.method.startswith("per point") and small.shape == (3,)

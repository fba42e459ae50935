"""The cooperation fund as a mechanism: hand-worked funds, brute force over payment profiles, bad input.

Every expected value is worked by hand in the test (arithmetic in comments) or
computed here by plain loops over payment profiles and coalitions that apply
the model's stated rules (dues, eligibility, prefix funding, the alpha and
members cooperative games, settlement against the status quo with the
fallback to the members game, withholding) without the module's helpers
(``funded``, ``_benefits``, ``cooperative_game``, ``settlement``,
``advantages``, ``payment_game``).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import coopgame
from coopgame import ProportionalRule, TUGame
from coopgame.errors import InvalidParameterError
from coopgame.policy.mechanism import Conference, DuesRule, FundMechanism, Project, pair_projects

TOL = 1e-9


# --------------------------------------------------------------------------- independent reference
def _subsets(items):
    items = list(items)
    for r in range(len(items) + 1):
        yield from itertools.combinations(items, r)


class Brute:
    """The model of the module docstring, by plain loops over sets of payers (frozensets of indices)."""

    def __init__(self, dues, projects, participation, withholding, penalty, rule, convention="alpha"):
        self.d = [float(x) for x in dues]
        self.n = n = len(self.d)
        # projects: (cost, benefits list, frozenset of participant indices) in priority order
        self.projects = [(float(c), [float(b) for b in ben], frozenset(p)) for c, ben, p in projects]
        self.a = [float(x) for x in participation]
        self.p = float(withholding)
        self.pen = [float(x) for x in penalty]
        self.N = frozenset(range(n))
        coalitions = [frozenset(S) for S in _subsets(range(n))]
        self.b = {T: self.benefits(T) for T in coalitions}             # b_i(T), the payers T
        own = [self.a[i] - self.d[i] for i in range(n)]
        # members game: every member of S pays, v(S) = Σ_{i∈S} (a_i − d_i + b_i(S))
        self.members = {S: sum(own[i] + self.b[S][i] for i in S) for S in coalitions}
        # alpha game: the members choose the payers T ⊆ S, v(S) = max_T [Σ_{i∈T}(a_i − d_i) + Σ_{i∈S} b_i(T)]
        self.alpha = {}
        for S in coalitions:
            best = -math.inf
            for T in _subsets(sorted(S)):
                T = frozenset(T)
                best = max(best, sum(own[i] for i in T) + sum(self.b[T][i] for i in S))
            self.alpha[S] = best
        self.in_kind = self.b[self.N]
        self.sq = [own[i] + self.in_kind[i] for i in range(n)]          # everyone pays, no settlement
        scale = max([1.0] + [abs(x) for x in self.sq] + [abs(self.alpha[self.N])])
        self.fallback = convention == "alpha" and self.alpha[self.N] > sum(self.sq) + 1e-9 * scale
        self.v = self.members if (convention == "members" or self.fallback) else self.alpha
        self.x = self._allocate(rule, self.v)
        self.s = [self.x[i] - self.sq[i] for i in range(n)]

    def funded(self, Y):
        paid = sum(self.d[i] for i in Y)
        spent, out = 0.0, []
        for k, (cost, _, parts) in enumerate(self.projects):
            if parts <= Y:                       # eligible: all participants paid
                spent += cost
                if spent > paid + 1e-12:         # the first that does not fit ends the list
                    break
                out.append(k)
        return out

    def benefits(self, Y):
        out = [0.0] * self.n
        for k in self.funded(Y):
            for i in range(self.n):
                out[i] += self.projects[k][1][i]
        return out

    def values(self, game):
        """The worths by bitmask (bit i = city i), as TUGame takes them."""
        return [game[frozenset(i for i in range(self.n) if mask >> i & 1)] for mask in range(1 << self.n)]

    def _allocate(self, rule, v):
        n = self.n
        if rule == "equal":
            return [v[self.N] / n] * n
        if rule == "shapley":
            phi = [0.0] * n
            for i in range(n):
                for S in _subsets(set(range(n)) - {i}):
                    S = frozenset(S)
                    weight = math.factorial(len(S)) * math.factorial(n - len(S) - 1) / math.factorial(n)
                    phi[i] += weight * (v[S | {i}] - v[S])
            return phi
        if rule == "nucleolus":   # the package's LP nucleolus on this test's own game
            return list(coopgame.nucleolus(TUGame(self.values(v))).allocation)
        raise AssertionError(rule)

    def u(self, i, Y, p=None):
        p = self.p if p is None else p
        pays = i in Y
        value = (self.a[i] - self.d[i]) if pays else -p * (self.d[i] + self.pen[i])
        value += self.b[Y][i]
        if Y == self.N:
            value += self.s[i]
        return value

    def advantages(self, i, p=None):
        others = set(range(self.n)) - {i}
        return [self.u(i, frozenset(T) | {i}, p) - self.u(i, frozenset(T), p) for T in _subsets(others)]

    def worst(self):
        return np.array([min(self.advantages(i, p=0.0)) for i in range(self.n)])

    def dominant(self, p=None):
        return all(min(self.advantages(i, p)) >= -TOL for i in range(self.n))

    def equilibria(self):
        out = []
        for Y in _subsets(range(self.n)):
            Y = frozenset(Y)
            if all(self.u(i, Y) >= self.u(i, Y ^ {i}) - TOL for i in range(self.n)):
                out.append(tuple(sorted(Y)))
        return sorted(out)


def _least_p(m, stake):
    """max(0, −m)/(d + π), inf above 1 (the closed form of the module docstring)."""
    out = []
    for mi, s in zip(m, stake):
        need = max(0.0, -mi)
        q = 0.0 if need == 0 else (need / s if s > 0 else math.inf)
        out.append(math.inf if q > 1 + 1e-12 else q)
    return np.array(out)


def _least_penalty(m, d, p):
    if p == 0:
        return np.array([math.inf if mi < 0 else 0.0 for mi in m])
    return np.array([max(0.0, -mi / p - di) for mi, di in zip(m, d)])


# --------------------------------------------------------------------------- hand-worked two-city fund
def two_city(**kw):
    # dues 2 each (base 1, rate 2); one project costing 4 that brings 5 to each; a = (−0.5, −1)
    return FundMechanism(["A", "B"], DuesRule([1.0, 1.0], 2.0), [Project("link", 4.0, [5.0, 5.0], ("A", "B"))],
                         participation=[-0.5, -1.0], **kw)


def test_two_city_fund_by_hand():
    m = two_city()
    r = m.analyse(method="enumeration")
    np.testing.assert_allclose(r.dues, [2.0, 2.0])
    assert r.projects_funded == ("link",) and r.plan_cost == pytest.approx(4.0)   # 4 <= 2 + 2
    # a − d = (−2.5, −3); the link runs only when both pay
    # alpha game: v({A}) = max(0, −2.5) = 0, v({B}) = max(0, −3) = 0, v(N) = max(0, −2.5, −3, −5.5 + 10) = 4.5
    np.testing.assert_allclose(m.cooperative_game().values, [0.0, 0.0, 0.0, 4.5])
    # status quo a − d + in kind: A −2.5 + 5 = 2.5, B −3 + 5 = 2 (sum 4.5 = v(N): no fallback)
    np.testing.assert_allclose(r.in_kind, [5.0, 5.0])
    np.testing.assert_allclose(r.status_quo, [2.5, 2.0])
    # Shapley: φ_A = ½ (v(A) − 0) + ½ (v(N) − v(B)) = 0 + 2.25; φ_B = 2.25 likewise
    # transfer = x − sq: 2.25 − 2.5 = −0.25 (A pays), 2.25 − 2 = 0.25 (B receives)
    np.testing.assert_allclose(r.net_position, [2.25, 2.25])
    np.testing.assert_allclose(r.transfer, [-0.25, 0.25])
    assert [(f.payer, f.receiver) for f in r.flows] == [("A", "B")]
    assert r.flows[0].amount == pytest.approx(0.25)
    assert r.parameters["settlement_game"] == "alpha"
    x, s, label = m.settlement()
    np.testing.assert_allclose(x, [2.25, 2.25])
    np.testing.assert_allclose(s, [-0.25, 0.25])
    assert label == "alpha"
    assert not hasattr(r, "share") and not hasattr(m, "returns_game")
    # free-riding: the other pays alone, funds nothing; p = 0 so nothing is withheld
    np.testing.assert_allclose(r.free_ride_payoff, [0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(r.paying_advantage, [2.25, 2.25])        # 2.25 − 0
    assert r.self_enforcing
    # paying alone: a − d = −2.5 (A), −3 (B) against 0; paying last +2.25, +2.25
    np.testing.assert_allclose(r.worst_advantage, [-2.5, -3.0])
    np.testing.assert_allclose(r.lone_advantage, [-2.5, -3.0])
    assert not r.paying_dominant
    np.testing.assert_allclose(r.min_withholding, [0.0, 0.0])            # max(0, −2.25)/2 = 0
    # dominance needs 2.5/2 = 1.25 and 3/2 = 1.5: both above 1, so inf; at p = 0 no penalty suffices
    assert np.all(np.isinf(r.min_withholding_dominant)) and np.all(np.isinf(r.min_penalty_dominant))
    np.testing.assert_allclose(r.min_penalty, [0.0, 0.0])
    # both net positions 2.25 >= 0: unanimity adopts the plan
    assert r.supporters == ("A", "B") and r.plan_adopted
    # payment game at p = 0: u(∅) = (0, 0); u({A}) = (−2.5, 0); u({B}) = (0, −3); u(N) = (2.25, 2.25)
    table = m.payment_game().payoff_table
    np.testing.assert_allclose(table, [[0.0, 0.0], [-2.5, 0.0], [0.0, -3.0], [2.25, 2.25]], atol=1e-12)
    # nobody pays (−2.5 < 0, −3 < 0 to deviate) and all pay (2.25 > 0, 2.25 > 0) are the equilibria
    assert r.equilibria == ((), ("A", "B"))
    assert [int(x) for x in coopgame.pure_equilibria(m.payment_game()).profiles] == [0, 3]


def test_two_city_members_convention_reproduces_the_returns_split():
    m = two_city(convention="members")
    # members game: v({A}) = −2.5 + 0, v({B}) = −3 + 0, v(N) = −5.5 + 10 = 4.5
    g = m.cooperative_game()
    assert not isinstance(g, TUGame)                                  # a pair project both can fund: structured
    np.testing.assert_allclose(_game_values(g, 2), [0.0, -2.5, -3.0, 4.5])
    # Shapley: φ_A = ½ (−2.5) + ½ (4.5 + 3) = 2.5; φ_B = ½ (−3) + ½ (4.5 + 2.5) = 2 = the status quo: no transfer
    r = m.analyse(method="enumeration")
    np.testing.assert_allclose(r.net_position, [2.5, 2.0])
    np.testing.assert_allclose(r.status_quo, [2.5, 2.0])
    np.testing.assert_allclose(r.transfer, [0.0, 0.0], atol=1e-12)
    assert r.flows == () and r.parameters["settlement_game"] == "members"
    np.testing.assert_allclose(r.paying_advantage, [2.5, 2.0])
    assert r.equilibria == ((), ("A", "B"))
    # the default convention asked for explicitly on the same mechanism gives the alpha game
    np.testing.assert_allclose(m.cooperative_game("alpha").values, [0.0, 0.0, 0.0, 4.5])


def test_two_city_fund_with_enforcement_by_hand():
    # p = 0.5, π = 1: withholding costs 0.5 (2 + 1) = 1.5 in expectation; the settlement does not depend on p
    r = two_city(withholding=0.5, penalty=1.0).analyse()
    assert r.method.startswith("closed form")                          # load 4/(2 + 2) = 1 <= 1
    np.testing.assert_allclose(r.net_position, [2.25, 2.25])
    np.testing.assert_allclose(r.free_ride_payoff, [-1.5, -1.5])
    np.testing.assert_allclose(r.paying_advantage, [2.25 + 1.5, 2.25 + 1.5])
    np.testing.assert_allclose(r.worst_advantage, [-2.5, -3.0])           # at p = 0, by definition
    np.testing.assert_allclose(r.lone_advantage, [-2.5 + 1.5, -3.0 + 1.5])
    # least p for dominance: 2.5/(2 + 1) = 5/6 and 3/3 = 1
    np.testing.assert_allclose(r.min_withholding_dominant, [2.5 / 3, 1.0])
    # least penalty at p = 0.5: max(0, 2.5/0.5 − 2) = 3, max(0, 3/0.5 − 2) = 4
    np.testing.assert_allclose(r.min_penalty_dominant, [3.0, 4.0])
    np.testing.assert_allclose(r.min_penalty, [0.0, 0.0])
    assert r.self_enforcing and not r.paying_dominant
    # at p = 1, π = 1 (stake 3): alone −2.5 + 3 = 0.5, −3 + 3 = 0 >= 0; last 2.25 + 3 > 0: paying dominant.
    # ∅: A gains 0.5 by paying; {A}: B pays (2.25 > −3); {B}: A pays (2.25 > −3): only all-pay
    r1 = two_city(withholding=1.0, penalty=1.0).analyse(method="enumeration")
    assert r1.paying_dominant
    assert r1.equilibria == (("A", "B"),)


def test_withholding_needed_when_free_riding_pays_under_the_members_split():
    # same fund, but A's own net payoff of taking part is −4: a − d = (−6, −2), sq = (−6 + 5, −2 + 5) = (−1, 3)
    kw = dict(participation=[-4.0, 0.0], withholding=0.25, penalty=2.0)
    link = [Project("link", 4.0, [5.0, 5.0], ("A", "B"))]
    # members game v = (0, −6, −2, 2): φ_A = ½ (−6) + ½ (2 + 2) = −1, φ_B = ½ (−2) + ½ (2 + 6) = 3 = sq
    m = FundMechanism(["A", "B"], DuesRule([1.0, 1.0], 2.0), link, convention="members", **kw)
    r = m.analyse()
    np.testing.assert_allclose(r.net_position, [-1.0, 3.0])
    np.testing.assert_allclose(r.transfer, [0.0, 0.0], atol=1e-12)
    # paying advantage at p = 0.25: −1 + 0.25 (2 + 2) = 0 for A; 3 + 1 = 4 for B
    np.testing.assert_allclose(r.paying_advantage, [0.0, 4.0], atol=1e-12)
    np.testing.assert_allclose(r.min_withholding, [1 / 4, 0.0])          # max(0, 1)/(2 + 2)
    np.testing.assert_allclose(r.min_penalty, [2.0, 0.0])                # max(0, 1/0.25 − 2) = 4 − 2 = 2 = π
    assert r.self_enforcing
    assert r.supporters == ("B",) and not r.plan_adopted               # unanimity, A loses 1
    # the alpha split: v({A}) = max(0, −6) = 0, v({B}) = max(0, −2) = 0, v(N) = max(0, −6, −2, −8 + 10) = 2
    # = Σ sq = 2 (no fallback); Shapley (1, 1); transfers 1 − (−1) = 2 to A, 1 − 3 = −2 from B
    r = FundMechanism(["A", "B"], DuesRule([1.0, 1.0], 2.0), link, **kw).analyse()
    np.testing.assert_allclose(r.net_position, [1.0, 1.0])
    np.testing.assert_allclose(r.transfer, [2.0, -2.0])
    assert [tuple(f) for f in r.flows] == [("B", "A", pytest.approx(2.0))]
    # free ride 0 − 0.25 · 4 = −1: advantage 1 + 1 = 2 each; no withholding needed; both support the plan
    np.testing.assert_allclose(r.paying_advantage, [2.0, 2.0])
    np.testing.assert_allclose(r.min_withholding, [0.0, 0.0])
    np.testing.assert_allclose(r.min_penalty, [0.0, 0.0])
    assert r.supporters == ("A", "B") and r.plan_adopted


# --------------------------------------------------------------------------- fallback to the members game
def lopsided(**kw):
    # dues 1 each, a = (−2, 0): a − d = (−3, −1). "link" (A, B) costs 2, brings (2, 2); "B" (B alone) costs 1,
    # brings (0, 2). Funding: {A}: nothing eligible; {B}: "B" 1 <= 1 runs, b = (0, 2);
    # N: link 2 <= 2 runs, then "B" 2 + 1 = 3 > 2 ends the list, b = (2, 2)
    return FundMechanism(["A", "B"], DuesRule([1.0, 1.0], 1.0),
                         [Project("link", 2.0, [2.0, 2.0], ("A", "B")), Project("B", 1.0, [0.0, 2.0], ("B",))],
                         participation=[-2.0, 0.0], **kw)


def test_settlement_falls_back_to_the_members_game_when_everyone_paying_is_not_best():
    m = lopsided()
    np.testing.assert_array_equal(m.funded([0b01, 0b10, 0b11]), [[False, False], [False, True], [True, False]])
    # sq = a − d + b(N) = (−3 + 2, −1 + 2) = (−1, 1), Σ sq = 0
    # alpha: v({A}) = max(0, −3) = 0; v({B}) = max(0, −1 + 2) = 1; v(N) = max(0, −3, −1 + 2, −4 + 4) = 1 > 0
    np.testing.assert_allclose(m.cooperative_game().values, [0.0, 0.0, 1.0, 1.0])
    # so the rule splits the members game: v({A}) = −3, v({B}) = −1 + 2 = 1, v(N) = −4 + 4 = 0
    np.testing.assert_allclose(m.cooperative_game("members").values, [0.0, -3.0, 1.0, 0.0])
    # Shapley: φ_A = ½ (−3) + ½ (0 − 1) = −2; φ_B = ½ (1) + ½ (0 + 3) = 2; transfers −2 − (−1) = −1, 2 − 1 = 1
    # (the alpha split would be (0, 1): transfers (1, 0) that do not balance)
    x, s, label = m.settlement()
    np.testing.assert_allclose(x, [-2.0, 2.0])
    np.testing.assert_allclose(s, [-1.0, 1.0])
    assert label.startswith("members (")
    r = m.analyse()
    assert r.method.startswith("enumeration")      # B's load 2/2 + 1/1 = 2 > 1
    assert r.parameters["settlement_game"].startswith("members (")
    np.testing.assert_allclose(r.status_quo, [-1.0, 1.0])
    np.testing.assert_allclose(r.net_position, [-2.0, 2.0])
    assert [tuple(f) for f in r.flows] == [("A", "B", pytest.approx(1.0))]
    # free ride at p = 0: A out → {B} pays, A gets 0; B out → {A}, nothing: advantages −2 − 0, 2 − 0
    np.testing.assert_allclose(r.paying_advantage, [-2.0, 2.0])
    assert not r.self_enforcing
    np.testing.assert_allclose(r.min_withholding, [math.inf, 0.0])     # 2/(1 + 0) = 2 > 1
    assert r.supporters == ("B",) and not r.plan_adopted
    # u(∅) = (0, 0), u({A}) = (−3, 0), u({B}) = (0, 1), u(N) = (−2, 2): only {B} is an equilibrium
    # (∅: B gains 1; {A}: A gains 3 by leaving; N: A gains 2 by leaving; {B}: A would get −2 < 0, B 1 > 0)
    np.testing.assert_allclose(m.payment_game().payoff_table, [[0, 0], [-3, 0], [0, 1], [-2, 2]], atol=1e-12)
    assert r.equilibria == (("B",),)
    # asked for the members game directly: the same split, labelled plainly
    x2, s2, label2 = lopsided(convention="members").settlement()
    np.testing.assert_allclose(x2, [-2.0, 2.0])
    np.testing.assert_allclose(s2, [-1.0, 1.0])
    assert label2 == "members"
    # brute force agrees
    brute = Brute([1.0, 1.0], [(2.0, [2.0, 2.0], [0, 1]), (1.0, [0.0, 2.0], [1])], [-2.0, 0.0], 0.0, [0.0, 0.0],
                  "shapley")
    assert brute.fallback
    np.testing.assert_allclose(brute.x, [-2.0, 2.0])


# --------------------------------------------------------------------------- hand-worked three-city fund
def three_city(**kw):
    # dues 1 each; "A-B" costs 2.5 and brings (4, 2, 0); "B-C" costs 0.5 and brings (0, 1, 1)
    return FundMechanism(["A", "B", "C"], DuesRule([1.0, 1.0, 1.0], 1.0),
                         [Project("A-B", 2.5, [4.0, 2.0, 0.0], ("A", "B")),
                          Project("B-C", 0.5, [0.0, 1.0, 1.0], ("B", "C"))], **kw)


def test_three_city_fund_by_hand():
    m = three_city()
    # {A, B} pay 2 < 2.5: A-B does not run; {B, C} pay 2 >= 0.5; N pays 3 >= 2.5 + 0.5
    assert not m.covers_every_group()                                   # A: 2.5/2 = 1.25 > 1
    # a − d = −1 each. alpha: every T ⊆ S other than {B, C} and N funds nothing (value −|T| <= 0);
    # T = {B, C}: −2 + 1 + 1 = 0, so v({B, C}) = 0; v(N) = max(0, −2 + 2, −3 + 4 + 3 + 1) = 5
    np.testing.assert_allclose(m.cooperative_game().values, [0, 0, 0, 0, 0, 0, 0, 5])   # masks A=1, B=2, C=4
    # members: −|S| + Σ_{i∈S} b_i(S): −1, −1, −2 (A-B does not fit), −1, −2, −2 + 2 = 0, −3 + 8 = 5
    np.testing.assert_allclose(m.cooperative_game("members").values, [0, -1, -1, -2, -1, -2, 0, 5])
    r = m.analyse()
    assert r.projects_funded == ("A-B", "B-C") and r.plan_cost == pytest.approx(3.0)
    np.testing.assert_allclose(r.in_kind, [4.0, 3.0, 1.0])
    # sq = −1 + (4, 3, 1) = (3, 2, 0), Σ 5 = v(N): no fallback
    np.testing.assert_allclose(r.status_quo, [3.0, 2.0, 0.0])
    # the alpha game is symmetric (all proper coalitions 0): Shapley 5/3 each
    np.testing.assert_allclose(r.net_position, [5 / 3] * 3)
    np.testing.assert_allclose(r.transfer, [5 / 3 - 3, 5 / 3 - 2, 5 / 3 - 0])
    # A owes 4/3, B owes 1/3, C is due 5/3
    assert [(f.payer, f.receiver) for f in r.flows] == [("A", "C"), ("B", "C")]
    np.testing.assert_allclose([f.amount for f in r.flows], [4 / 3, 1 / 3])
    # free-riding: A out → B-C runs (A gets 0); B out or C out → nothing runs
    np.testing.assert_allclose(r.free_ride_payoff, [0.0, 0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(r.paying_advantage, [5 / 3] * 3)
    assert r.self_enforcing
    # paying alone costs 1 for everyone; A with B only: A-B does not fit, still −1; B with C only: −1 + 1 = 0
    np.testing.assert_allclose(r.worst_advantage, [-1.0, -1.0, -1.0])
    assert r.method.startswith("enumeration")                           # closed form does not apply
    # {B, C}: A gains 5/3 by paying; every other mixed profile has a payer at −1 who gains by leaving
    assert r.equilibria == ((), ("A", "B", "C"))
    with pytest.raises(InvalidParameterError, match="covers_every_group"):
        m.analyse(method="closed-form")


def test_three_city_members_convention_reproduces_the_returns_split():
    # members Shapley (weights 1/3, 1/6, 1/6, 1/3 for |S| = 0, 1, 1, 2):
    # φ_A = (1/3)(−1) + (1/6)(−2 + 1) + (1/6)(−2 + 1) + (1/3)(5 − 0) = −1/3 − 1/3 + 5/3 = 1
    # φ_B = (1/3)(−1) + (1/6)(−2 + 1) + (1/6)(0 + 1) + (1/3)(5 + 2) = −1/3 + 7/3 = 2;  φ_C = 5 − 3 = 2
    r = three_city(convention="members").analyse()
    np.testing.assert_allclose(r.net_position, [1.0, 2.0, 2.0])
    np.testing.assert_allclose(r.transfer, [1 - 3, 2 - 2, 2 - 0], atol=1e-12)
    assert [(f.payer, f.receiver) for f in r.flows] == [("A", "C")]
    assert r.flows[0].amount == pytest.approx(2.0)
    assert r.parameters["settlement_game"] == "members"


def test_three_city_equal_split_and_nucleolus_by_hand():
    # equal split of v(N) = 5: 5/3 each; the nucleolus of the symmetric alpha game is 5/3 each too
    for rule in ("equal", "nucleolus"):
        r = three_city(rule=rule).analyse()
        np.testing.assert_allclose(r.net_position, [5 / 3] * 3, atol=1e-9)
        np.testing.assert_allclose(r.transfer, [-4 / 3, -1 / 3, 5 / 3], atol=1e-9)


def test_prefix_rule_refuses_a_later_project_that_would_fit():
    # A-B (cost 2.5) comes first; A's own project (cost 0.5, benefit 3 to A) second
    m = FundMechanism(["A", "B", "C"], DuesRule([1.0, 1.0, 1.0], 1.0),
                      [Project("A-B", 2.5, [4.0, 2.0, 0.0], ("A", "B")),
                       Project("A", 0.5, [3.0, 0.0, 0.0], ("A",))])
    # {A, B} pay 2: A-B eligible, 2.5 > 2 ends the list, though "A" (0.5) alone would fit
    np.testing.assert_array_equal(m.funded([0b011])[0], [False, False])
    # {A} pays 1: A-B not eligible, "A" costs 0.5 <= 1
    np.testing.assert_array_equal(m.funded([0b001])[0], [False, True])
    # {A, C} pay 2: same
    np.testing.assert_array_equal(m.funded([0b101])[0], [False, True])
    # N pays 3 = 2.5 + 0.5
    np.testing.assert_array_equal(m.funded([0b111])[0], [True, True])
    table = m.payment_game().payoff_table
    # u_A({A, B}) = 0 − 1 + 0 = −1 (nothing runs); u_A({A}) = 0 − 1 + 3 = 2
    assert table[0b011, 0] == pytest.approx(-1.0)
    assert table[0b001, 0] == pytest.approx(2.0)
    # alpha worth of {A, B}: the best payers are T = {A} (−1 + 3 = 2), not T = {A, B} (−2, nothing runs)
    assert m.cooperative_game().values[0b011] == pytest.approx(2.0)
    assert m.cooperative_game("members").values[0b011] == pytest.approx(-2.0)


# --------------------------------------------------------------------------- dues
def test_fixed_ratio_dues_chishui():
    rule = DuesRule.fixed_ratios([1, 5, 4], total=2)
    np.testing.assert_allclose(rule.dues, [0.2, 1.0, 0.8])            # 2/10 per ratio unit
    assert rule.rate == pytest.approx(0.2)
    assert DuesRule([100.0, 300.0], 0.01).rate_for(8.0) == pytest.approx(8.0 / 400.0)
    np.testing.assert_allclose(rule.at_rate(0.5).dues, [0.5, 2.5, 2.0])
    with pytest.raises(ValueError):
        rule.dues[0] = 1.0


# --------------------------------------------------------------------------- closed form vs enumeration
def _random_case(rng, n, *, covering=True, spill=False, convention="alpha", loss=0.0):
    players = [f"c{i}" for i in range(n)]
    B = rng.uniform(0.0, 3.0, (n, n)) * (rng.random((n, n)) < 0.7)
    K = rng.uniform(0.0, 2.0, (n, n))
    np.fill_diagonal(B, 0.0)
    np.fill_diagonal(K, 0.0)
    projects = pair_projects(B, K, players)
    if spill:   # benefits in kind to cities that do not take part
        projects = tuple(Project(pr.name, pr.cost, pr.benefits + np.where(
            np.isin(players, pr.participants), 0.0, rng.uniform(0.0, 1.5, n) * (rng.random(n) < 0.5)),
            pr.participants) for pr in projects)
    base = rng.uniform(0.5, 3.0, n)
    # the least rate at which every city's dues cover its base-weighted share of its projects
    load = [0.0] * n
    for pr in projects:
        idx = [players.index(c) for c in pr.participants]
        for i in idx:
            load[i] += pr.cost / sum(base[j] for j in idx)
    top = max(load) if projects else 0.1
    rate = top * rng.uniform(1.01, 1.6) if covering else top * rng.uniform(0.3, 1.2)
    a = rng.uniform(-2.0, 1.0, n)
    a[0] -= loss                                  # city c0 loses this much more by taking part
    p = float(rng.uniform(0.0, 1.0))
    pen = rng.uniform(0.0, 2.0, n)
    rule = ["shapley", "nucleolus", "equal"][int(rng.integers(3))]
    m = FundMechanism(players, DuesRule(base, rate), projects, participation=a, rule=rule, withholding=p,
                      penalty=pen, convention=convention)
    brute = Brute(rate * base, [(pr.cost, pr.benefits.tolist(), [players.index(c) for c in pr.participants])
                                for pr in projects], a, p, pen, rule, convention)
    return m, brute


def _check_settlement(r, brute, case):
    np.testing.assert_allclose(r.status_quo, brute.sq, atol=1e-9, err_msg=f"case {case}")
    np.testing.assert_allclose(r.net_position, brute.x, atol=1e-7, err_msg=f"case {case}")
    np.testing.assert_allclose(r.transfer, brute.s, atol=1e-7, err_msg=f"case {case}")
    assert r.parameters["settlement_game"].startswith("members (") == brute.fallback, case
    assert abs(float(np.sum(r.transfer))) <= 1e-7, case                # the transfers balance


def test_closed_form_agrees_with_enumeration_and_brute_force():
    rng = np.random.default_rng(20261201)
    splits = {"alpha": 0, "fallback": 0, "members": 0}
    for case in range(100):
        n = 2 + case % 5
        m, brute = _random_case(rng, n, spill=case % 3 == 2, convention="members" if case % 4 == 3 else "alpha")
        assert m.covers_every_group(), case
        closed, enum = m.analyse(method="closed-form"), m.analyse(method="enumeration")
        for name in ("worst_advantage", "min_withholding_dominant", "min_penalty_dominant", "net_position"):
            np.testing.assert_allclose(getattr(closed, name), getattr(enum, name), atol=1e-9,
                                       err_msg=f"{name}, case {case}")
        worst = brute.worst()
        np.testing.assert_allclose(enum.worst_advantage, worst, atol=1e-9, err_msg=f"case {case}")
        stake = np.array(brute.d) + np.array(brute.pen)
        np.testing.assert_allclose(enum.min_withholding_dominant, _least_p(worst, stake), atol=1e-9)
        np.testing.assert_allclose(enum.min_penalty_dominant, _least_penalty(worst, brute.d, brute.p), atol=1e-9)
        _check_settlement(enum, brute, case)
        splits["fallback" if brute.fallback else m.convention] += 1
        dominant = brute.dominant()
        assert closed.paying_dominant == dominant == enum.paying_dominant, case
        last = [brute.u(i, brute.N) - brute.u(i, brute.N - {i}) for i in range(n)]
        np.testing.assert_allclose(enum.paying_advantage, last, atol=1e-9)
        assert enum.self_enforcing == all(x >= -TOL for x in last)
    assert min(splits.values()) > 0, splits     # alpha split, fallback to members, members asked for


def test_enumeration_matches_brute_force_without_covering_dues():
    rng = np.random.default_rng(7)
    fallbacks = 0
    for case in range(40):
        m, brute = _random_case(rng, 2 + case % 4, covering=False, spill=case % 2 == 1,
                                convention="members" if case % 5 == 4 else "alpha")
        r = m.analyse(method="enumeration")
        _check_settlement(r, brute, case)
        fallbacks += brute.fallback
        np.testing.assert_allclose(r.worst_advantage, brute.worst(), atol=1e-9, err_msg=f"case {case}")
        assert r.paying_dominant == brute.dominant(), case
        got = sorted(tuple(m.players.index(c) for c in e) for e in r.equilibria)
        assert got == brute.equilibria(), case
        np.testing.assert_allclose(m.payment_game().payoff_table[-1], [brute.u(i, brute.N) for i in range(m.n_players)],
                                   atol=1e-7)
    assert fallbacks > 0


# --------------------------------------------------------------------------- enforcement threshold
def test_least_withholding_for_dominance_makes_paying_weakly_dominant():
    rng = np.random.default_rng(11)
    checked = 0
    for _ in range(200):
        m, brute = _random_case(rng, int(rng.integers(2, 6)), covering=bool(rng.integers(2)))
        need = float(np.max(m.analyse(method="enumeration").min_withholding_dominant))
        if not (np.isfinite(need) and need > 0.02):
            continue
        assert brute.dominant(p=need)
        assert not brute.dominant(p=0.99 * need)
        at = FundMechanism(m.players, m.dues, m.projects, participation=m.participation, rule=m.rule,
                           withholding=need, penalty=m.penalty, convention=m.convention).analyse(method="enumeration")
        assert at.paying_dominant
        checked += 1
        if checked == 10:
            break
    assert checked == 10


# --------------------------------------------------------------------------- conference
def test_conference_thresholds():
    assert Conference(quota="unanimity").threshold(1000) == 1000
    assert Conference(quota="simple").threshold(1000) == 501       # 1000 // 2 + 1
    assert Conference(quota="simple").threshold(3) == 2
    assert Conference(quota="two-thirds").threshold(1000) == 667   # ceil(2000/3)
    assert Conference(quota="two-thirds").threshold(3) == 2
    assert Conference(quota="two-thirds").threshold(9) == 6
    assert Conference(quota=0.6).threshold(1000) == 600
    assert Conference(quota=0.6).threshold(7) == 5                 # ceil(4.2)
    assert Conference(quota=0.5).threshold(4) == 2
    assert Conference(quota=1.0).threshold(5) == 5


def test_votes_by_dues_and_voice():
    # Chishui dues (0.2, 1.0, 0.8) of 2: per-mille votes 100, 500, 400
    m = FundMechanism(["Y", "G", "S"], DuesRule.fixed_ratios([1, 5, 4], total=2),
                      [Project("x", 1.0, [1.0, 1.0, 1.0], ("Y", "G", "S"))],
                      conference=Conference(votes="dues", quota="simple"))
    r = m.analyse()
    assert r.votes.tolist() == [100, 500, 400]
    assert r.parameters["votes_needed"] == 501
    # Shapley–Shubik by orderings, quota 501: G is pivotal in YGS, YSG, SYG, SGY; Y in GYS; S in GSY
    np.testing.assert_allclose(r.voice_shapley_shubik, [1 / 6, 4 / 6, 1 / 6])
    power = coopgame.power_indices([100, 500, 400], 501)
    np.testing.assert_allclose(r.voice_shapley_shubik, power.shapley_shubik)
    np.testing.assert_allclose(r.voice_banzhaf, power.banzhaf)
    np.testing.assert_allclose(r.dues_share, [0.1, 0.5, 0.4])


def test_plan_rejected_by_a_losing_city_with_a_veto():
    # members game of the three-city fund: v({i}) = −1 each, v(N) = 5; surplus 5 − (−3) = 8 by weights (1, 0, 0):
    # x = (−1 + 8, −1, −1) = (7, −1, −1) = the net positions
    losing = ProportionalRule([1.0, 0.0, 0.0], of="surplus")
    m = three_city(rule=losing, convention="members")
    r = m.analyse()
    np.testing.assert_allclose(r.net_position, [7.0, -1.0, -1.0])
    np.testing.assert_allclose(r.transfer, [7 - 3, -1 - 2, -1 - 0])    # against sq (3, 2, 0)
    assert r.supporters == ("A",)
    assert not r.plan_adopted                                         # unanimity: B and C veto
    # votes 5, 1, 1 with quota 5/7: A alone carries it (ceil(5/7 · 7) = 5)
    r2 = three_city(rule=losing, convention="members", conference=Conference([5, 1, 1], 5 / 7)).analyse()
    assert r2.plan_adopted and r2.parameters["votes_needed"] == 5
    np.testing.assert_allclose(r2.voice_shapley_shubik, [1.0, 0.0, 0.0])
    # the same weights on the alpha game: v({i}) = 0, so x = (0 + 5, 0, 0); B and C get exactly what no fund
    # gives them (0) and support the plan: adopted under unanimity
    r_alpha = three_city(rule=losing).analyse()
    np.testing.assert_allclose(r_alpha.net_position, [5.0, 0.0, 0.0], atol=1e-12)
    assert r_alpha.supporters == ("A", "B", "C") and r_alpha.plan_adopted
    # equal split of 5: 5/3 each > 0 for all: adopted under unanimity
    r3 = three_city(rule="equal").analyse()
    np.testing.assert_allclose(r3.net_position, [5 / 3] * 3)
    assert r3.plan_adopted and r3.supporters == ("A", "B", "C")
    # Shapley net (5/3, 5/3, 5/3): adopted
    assert three_city().analyse().plan_adopted


def test_equal_votes_unanimity_voice():
    r = three_city().analyse()
    assert r.votes.tolist() == [1, 1, 1] and r.parameters["votes_needed"] == 3
    np.testing.assert_allclose(r.voice_shapley_shubik, [1 / 3] * 3)   # the last in every ordering


# --------------------------------------------------------------------------- rescaling
def _scaled(m, c):
    projects = [Project(p.name, c * p.cost, c * p.benefits, p.participants) for p in m.projects]
    return FundMechanism(m.players, DuesRule(c * m.dues.base, m.dues.rate), projects,
                         participation=c * m.participation, conference=m.conference, rule=m.rule,
                         withholding=m.withholding, penalty=c * m.penalty, convention=m.convention)


@pytest.mark.parametrize("c", [1e-6, 1e6])
def test_rescaling_scales_money_and_keeps_verdicts(c):
    rng = np.random.default_rng(3)
    cases = [three_city(withholding=0.3, penalty=0.5), two_city(withholding=0.5, penalty=1.0),
             three_city(rule=ProportionalRule([1.0, 0.0, 0.0])), two_city(convention="members"),
             lopsided(withholding=0.4)]
    cases += [_random_case(rng, n, covering=bool(n % 2))[0] for n in (3, 4, 5)]
    for m in cases:
        r, s = m.analyse(method="enumeration"), _scaled(m, c).analyse(method="enumeration")
        np.testing.assert_allclose(s.net_position, c * r.net_position, rtol=1e-9, atol=1e-12 * c)
        np.testing.assert_allclose(s.transfer, c * r.transfer, rtol=1e-9, atol=1e-9 * c)
        assert s.parameters["settlement_game"] == r.parameters["settlement_game"]
        assert (s.self_enforcing, s.paying_dominant, s.plan_adopted) == (r.self_enforcing, r.paying_dominant,
                                                                         r.plan_adopted)
        np.testing.assert_allclose(s.min_withholding, r.min_withholding, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(s.min_withholding_dominant, r.min_withholding_dominant, rtol=1e-9, atol=1e-12)
        assert s.projects_funded == r.projects_funded and s.equilibria == r.equilibria


# --------------------------------------------------------------------------- bad input
def test_bad_input_is_refused_with_the_argument_named():
    proj = [Project("link", 4.0, [5.0, 5.0], ("A", "B"))]
    dues = DuesRule([1.0, 1.0], 2.0)
    with pytest.raises(InvalidParameterError, match="rate"):
        DuesRule([1.0, 1.0], -0.1)
    with pytest.raises(InvalidParameterError, match="base"):
        DuesRule([0.0, 0.0], 1.0)
    with pytest.raises(InvalidParameterError, match="base"):
        DuesRule([1.0, -1.0], 1.0)
    with pytest.raises(InvalidParameterError, match="ratios"):
        DuesRule.fixed_ratios([0, 0], total=1.0)
    with pytest.raises(InvalidParameterError, match="participants"):
        FundMechanism(["A", "B"], dues, [Project("link", 4.0, [5.0, 5.0], ("A", "Z"))])
    with pytest.raises(InvalidParameterError, match="benefit"):
        FundMechanism(["A", "B"], dues, [Project("link", 4.0, [5.0, 5.0, 1.0], ("A", "B"))])
    with pytest.raises(InvalidParameterError, match="cost"):
        Project("link", -1.0, [5.0, 5.0], ("A", "B"))
    with pytest.raises(InvalidParameterError, match="participants"):
        Project("link", 1.0, [5.0, 5.0], ())
    with pytest.raises(InvalidParameterError, match="withholding"):
        FundMechanism(["A", "B"], dues, proj, withholding=1.5)
    with pytest.raises(InvalidParameterError, match="penalty"):
        FundMechanism(["A", "B"], dues, proj, penalty=-1.0)
    with pytest.raises(InvalidParameterError, match="years"):
        FundMechanism(["A", "B"], dues, proj, years=0)
    with pytest.raises(InvalidParameterError, match="years"):
        FundMechanism(["A", "B"], dues, proj, years=2.5)
    with pytest.raises(InvalidParameterError, match="dues"):
        FundMechanism(["A", "B"], DuesRule([1.0, 1.0, 1.0], 1.0), proj)
    with pytest.raises(InvalidParameterError, match="method"):
        FundMechanism(["A", "B"], dues, proj).analyse(method="fast")
    with pytest.raises(InvalidParameterError, match="convention"):
        FundMechanism(["A", "B"], dues, proj, convention="beta")
    with pytest.raises(InvalidParameterError, match="convention"):
        FundMechanism(["A", "B"], dues, proj).cooperative_game("beta")
    for q in (0, 1.5, -0.2, "majority"):
        with pytest.raises(InvalidParameterError, match="quota"):
            Conference(quota=q)
    for v in ([1.5, 1.0], [-1, 2], [0, 0], "weighted"):
        with pytest.raises(InvalidParameterError, match="votes"):
            Conference(votes=v)
    with pytest.raises(InvalidParameterError, match="votes"):
        FundMechanism(["A", "B"], dues, proj, conference=Conference(votes=[1, 1, 1])).analyse()
    with pytest.raises(InvalidParameterError, match="benefits"):
        pair_projects([[0, -1], [1, 0]], [[0, 1], [1, 0]], ["A", "B"])


# --------------------------------------------------------------------------- cooperative game
def _game_values(g, n):
    if isinstance(g, TUGame):
        return np.asarray(g.values)
    return np.asarray(g.value_of_masks(np.arange(1 << n)))


def test_cooperative_game_structured_and_best_subset_paths_by_brute_force():
    rng = np.random.default_rng(5)
    for n in (3, 4):
        m, brute = _random_case(rng, n)
        members = m.cooperative_game("members")
        assert not isinstance(members, TUGame)                        # pair projects, every group covered
        np.testing.assert_allclose(_game_values(members, n), brute.values(brute.members), atol=1e-9)
        alpha = m.cooperative_game()
        assert isinstance(alpha, TUGame)
        np.testing.assert_allclose(alpha.values, brute.values(brute.alpha), atol=1e-9)


def test_cooperative_game_with_spillovers_by_brute_force():
    # benefits to non-participants: the alpha worth of S can exceed the best members worth of T ⊆ S
    rng = np.random.default_rng(17)
    differs = 0
    for case in range(12):
        n = 2 + case % 4
        m, brute = _random_case(rng, n, covering=bool(case % 2), spill=True, loss=3.0 * (case % 3 != 0))
        np.testing.assert_allclose(m.cooperative_game().values, brute.values(brute.alpha), atol=1e-9,
                                   err_msg=f"case {case}")
        np.testing.assert_allclose(_game_values(m.cooperative_game("members"), n), brute.values(brute.members),
                                   atol=1e-9, err_msg=f"case {case}")
        best_members = [max(brute.members[frozenset(T)] for T in _subsets(sorted(S))) for S in brute.alpha]
        differs += any(v > b + 1e-9 for v, b in zip(brute.alpha.values(), best_members))
    assert differs > 0


def test_alpha_game_with_spillovers_by_hand():
    # dues 1 each, a = 0: a − d = −1 each. "B" (B alone) costs 1 and brings (1, 1.5, 0): A gains without paying;
    # "A-C" costs 2 and brings (2, 0, 2). Funding: {B}, {A,B}, {B,C}: "B" runs, b = (1, 1.5, 0);
    # {A,C}: "A-C" runs, b = (2, 0, 2); N pays 3 = 1 + 2: both, b = (3, 1.5, 2); {A}, {C}: nothing
    m = FundMechanism(["A", "B", "C"], DuesRule([1.0, 1.0, 1.0], 1.0),
                      [Project("B", 1.0, [1.0, 1.5, 0.0], ("B",)), Project("A-C", 2.0, [2.0, 0.0, 2.0], ("A", "C"))])
    # alpha: v(A) = 0; v(B) = max(0, −1 + 1.5) = 0.5; v(C) = 0;
    # v(AB) = max(0, {A}: −1, {B}: −1 + 1 + 1.5 = 1.5, {A,B}: −2 + 2.5 = 0.5) = 1.5 (A rides on B's project);
    # v(AC) = max(0, −1, −1, −2 + 4) = 2; v(BC) = max(0, {B}: 0.5, {C}: −1, {B,C}: −0.5) = 0.5;
    # v(N) = max(0, 1.5 ({B}), 2 ({A,C}), 0.5, 0.5, −3 + 6.5 = 3.5) = 3.5
    np.testing.assert_allclose(m.cooperative_game().values, [0, 0, 0.5, 1.5, 0, 2, 0.5, 3.5])
    # members: −1, 0.5, {A,B}: −2 + 1 + 1.5 = 0.5, −1, {A,C}: 2, {B,C}: −2 + 1.5 = −0.5, N: 3.5
    np.testing.assert_allclose(m.cooperative_game("members").values, [0, -1, 0.5, 0.5, -1, 2, -0.5, 3.5])
    # sq = −1 + (3, 1.5, 2) = (2, 0.5, 1), Σ 3.5 = v(N): no fallback
    # Shapley: φ_A = (1/3)·0 + (1/6)(1.5 − 0.5) + (1/6)(2 − 0) + (1/3)(3.5 − 0.5) = 1/6 + 2/6 + 1 = 1.5
    #          φ_B = (1/3)(0.5) + (1/6)(1.5 − 0) + (1/6)(0.5 − 0) + (1/3)(3.5 − 2) = 3/6 + 0.5 = 1
    #          φ_C = (1/3)·0 + (1/6)(2 − 0) + (1/6)(0.5 − 0.5) + (1/3)(3.5 − 1.5) = 1/3 + 2/3 = 1
    r = m.analyse()
    assert r.method.startswith("closed form")        # loads 2/2, 1/1, 2/2 <= 1
    np.testing.assert_allclose(r.status_quo, [2.0, 0.5, 1.0])
    np.testing.assert_allclose(r.net_position, [1.5, 1.0, 1.0])
    np.testing.assert_allclose(r.transfer, [-0.5, 0.5, 0.0], atol=1e-12)
    assert r.parameters["settlement_game"] == "alpha"
    # free ride at p = 0: A out → {B, C}: "B" runs, A gets 1; B out → {A, C}: B gets 0; C out → {A, B}: C gets 0
    np.testing.assert_allclose(r.free_ride_payoff, [1.0, 0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(r.paying_advantage, [0.5, 1.0, 1.0])
    brute = Brute([1, 1, 1], [(1.0, [1.0, 1.5, 0.0], [1]), (2.0, [2.0, 0.0, 2.0], [0, 2])], [0, 0, 0], 0.0,
                  [0, 0, 0], "shapley")
    np.testing.assert_allclose(brute.values(brute.alpha), [0, 0, 0.5, 1.5, 0, 2, 0.5, 3.5])
    np.testing.assert_allclose(brute.x, [1.5, 1.0, 1.0])


def test_cooperative_game_dense_path_by_hand_and_brute_force():
    # a 3-participant project (cost 3, brings 2, 2, 2) after a pair project A-B (cost 1, brings 1.5, 0.5, 0)
    projects = [Project("A-B", 1.0, [1.5, 0.5, 0.0], ("A", "B")), Project("all", 3.0, [2.0, 2.0, 2.0], ("A", "B", "C"))]
    m = FundMechanism(["A", "B", "C"], DuesRule([1.0, 1.0, 2.0], 1.0), projects, participation=[0.5, 0.0, -1.0])
    # own terms a − d: A −0.5, B −1, C −3; {A,B} pays 2 >= 1 → A-B runs, b = (1.5, 0.5, 0);
    # N pays 4 >= 1 + 3 → both run, b = (3.5, 2.5, 2); no other coalition makes a project eligible
    members = m.cooperative_game("members")
    assert isinstance(members, TUGame)
    np.testing.assert_allclose(members.values, [0, -0.5, -1, -0.5 - 1 + 2, -3, -0.5 - 3, -1 - 3, -0.5 - 1 - 3 + 8])
    # alpha (benefits reach only participants, so v(S) = max over T ⊆ S of the members worth of T):
    # v(A) = v(B) = v(C) = 0, v(AB) = max(0, −0.5, −1, 0.5) = 0.5, v(AC) = v(BC) = 0, v(N) = 3.5
    alpha = m.cooperative_game()
    np.testing.assert_allclose(alpha.values, [0, 0, 0, 0.5, 0, 0, 0, 3.5])
    # sq = (−0.5 + 3.5, −1 + 2.5, −3 + 2) = (3, 1.5, −1), Σ 3.5 = v(N): no fallback
    # Shapley: φ_A = (1/3)·0 + (1/6)(0.5 − 0) + (1/6)(0 − 0) + (1/3)(3.5 − 0) = 1/12 + 14/12 = 1.25 = φ_B;
    # φ_C = (1/3)·0 + (1/6)·0 + (1/6)·0 + (1/3)(3.5 − 0.5) = 1
    r = m.analyse()
    np.testing.assert_allclose(r.status_quo, [3.0, 1.5, -1.0])
    np.testing.assert_allclose(r.net_position, [1.25, 1.25, 1.0])
    np.testing.assert_allclose(r.transfer, [1.25 - 3, 1.25 - 1.5, 1.0 + 1])
    # nucleolus: by symmetry x = (t, t, 3.5 − 2t); the least largest excess balances −t = −(3.5 − 2t): t = 7/6
    # (AB's excess 0.5 − 7/3 = −11/6 is below −7/6), and Σ_i (−x_i) = −3.5 forces all three singletons to −7/6
    np.testing.assert_allclose(FundMechanism(m.players, m.dues, m.projects, participation=m.participation,
                                             rule="nucleolus").analyse().net_position, [7 / 6] * 3, atol=1e-9)
    # members Shapley: φ_A = (1/3)(−0.5) + (1/6)(0.5 + 1) + (1/6)(−3.5 + 3) + (1/3)(3.5 + 4) = 2.5,
    # φ_B = (1/3)(−1) + (1/6)(0.5 + 0.5) + (1/6)(−4 + 3) + (1/3)(3.5 + 3.5) = 2, φ_C = 3.5 − 4.5 = −1
    rm = FundMechanism(m.players, m.dues, m.projects, participation=m.participation, convention="members").analyse()
    np.testing.assert_allclose(rm.net_position, [2.5, 2.0, -1.0])
    np.testing.assert_allclose(rm.transfer, [-0.5, 0.5, 0.0], atol=1e-12)
    for rule in ("shapley", "nucleolus", "equal"):
        brute = Brute([1.0, 1.0, 2.0], [(1.0, [1.5, 0.5, 0.0], [0, 1]), (3.0, [2.0, 2.0, 2.0], [0, 1, 2])],
                      [0.5, 0.0, -1.0], 0.0, [0.0] * 3, rule)
        np.testing.assert_allclose(alpha.values, brute.values(brute.alpha))
        np.testing.assert_allclose(members.values, brute.values(brute.members))
        got = FundMechanism(m.players, m.dues, m.projects, participation=m.participation, rule=rule).analyse()
        np.testing.assert_allclose(got.net_position, brute.x, atol=1e-9)
        np.testing.assert_allclose(got.transfer, brute.s, atol=1e-9)


# --------------------------------------------------------------------------- time
def test_present_value_over_five_years():
    r = three_city(years=5, discount_rate=0.03).analyse()
    factor = sum(1.03 ** -t for t in range(1, 6))
    np.testing.assert_allclose(r.net_present_value, r.net_position * factor)
    np.testing.assert_allclose(r.net_present_value, np.array([5 / 3] * 3) * factor)
    assert r.parameters["pv_factor"] == pytest.approx(factor)
    # one year at rate 0 (the default): present value is the yearly amount discounted one year at 0
    np.testing.assert_allclose(three_city().analyse().net_present_value, [5 / 3] * 3)


def test_result_renders():
    r = three_city(withholding=0.2, penalty=0.5).analyse()
    text = str(r)
    assert "Cooperation fund mechanism" in text and "A -> C" in text and "B -> C" in text
    assert "alpha game" in text
    assert "conference adopts the plan" in r.headline()
    assert "members (everyone paying is not the best plan) game" in str(lopsided().analyse())

"""Bankruptcy rules at 10**5 claimants (policy/bankruptcy.py): each rule is vectorised (sorting and cumulative sums),
so the target is well under 1 s a rule; correctness at this size is checked in tests/policy/test_bankruptcy.py.
"""

import numpy as np
import pytest

from benchmarks.conftest import sizes
from coopgame import bankruptcy_awards
from coopgame.policy.bankruptcy import BANKRUPTCY_RULES


@pytest.mark.benchmark(group="bankruptcy")
@pytest.mark.parametrize("rule", BANKRUPTCY_RULES)
@pytest.mark.parametrize("n", sizes([10**4, 10**5, 10**6], [10**5]))
def test_bankruptcy_rule(benchmark, rule, n):
    claims = np.random.default_rng(1).uniform(0, 100, size=n)
    estate = 0.3 * claims.sum()
    result = benchmark.pedantic(bankruptcy_awards, args=(estate, claims), kwargs={"rule": rule}, rounds=3,
                                iterations=1)
    assert abs(result.awards.sum() - estate) <= 1e-9 * claims.sum()

"""The fuzz suite: hostile inputs and numerical-robustness properties (DESIGN §5).

Every test here is bounded in time: pytest-timeout ends any test that runs past
:data:`FUZZ_TIMEOUT_S` seconds, so a hang is a failure, never a stuck CI run.
"""

from __future__ import annotations

import pytest

FUZZ_TIMEOUT_S = 30
"""No call in the fuzz suite may run longer than this (the issue's bound)."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/fuzz/" in str(item.fspath).replace("\\", "/") and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(FUZZ_TIMEOUT_S, method="signal"))

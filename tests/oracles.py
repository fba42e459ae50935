"""Optional oracles (pygambit, matplotlib, Chromium): marks that skip a test, with the reason, where one is missing.

A module-level ``pytest.importorskip`` would make the whole module vanish from the run;
a mark keeps every test collected and says, per test, which oracle it waits for.
"""

from __future__ import annotations

import importlib

import pytest

__all__ = ["available", "requires"]


def available(module: str) -> bool:
    """Whether ``module`` imports here (an installed package whose import fails counts as missing)."""
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


#: What to do where an oracle is missing, added to the skip reason.
HINTS = {"pygambit": "pip install '.[oracles]' to run it live; tests/equilibrium/test_gambit_records.py checks "
                     "its recorded answers on every run"}


def requires(module: str) -> pytest.MarkDecorator:
    """Skip the marked tests unless ``module`` imports: ``pytestmark = [pytest.mark.oracle, requires("pygambit")]``."""
    hint = f"; {HINTS[module]}" if module in HINTS else ""
    return pytest.mark.skipif(not available(module),
                              reason=f"{module} is not installed (an optional test oracle){hint}")

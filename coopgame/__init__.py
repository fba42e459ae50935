"""coopgame: cooperation games between cities in China's city clusters and metropolitan circles.

The public names live here; they are imported lazily, on first use, so that
``import coopgame`` stays fast and optional back ends (sympy, matplotlib,
pandas) are loaded only by the functions that need them.

Examples
--------
>>> import coopgame
>>> game = coopgame.TUGame.from_costs([0, 230, 160, 350, 230, 460, 365, 556],
...                                   players=["town1", "town2", "town3"])
>>> coopgame.shapley_value(game).cost_shares.round(2).tolist()
[210.33, 127.83, 217.83]
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it. Keep sorted by module; tests/test_public_api.py checks it.
_PUBLIC: dict[str, str] = {
    # representations
    "TUGame": "coopgame.games.tu",
    "StructuredGame": "coopgame.games.structured",
    "PairwiseGame": "coopgame.games.pairwise",
    "GameClassification": "coopgame.games.pairwise",
    "NCityGame": "coopgame.games.ncity",
    # cooperative values
    "shapley_value": "coopgame.cooperative.shapley",
    # evolutionary dynamics
    "replicator_dynamics": "coopgame.dynamics.replicator",
    "TrajectoryResult": "coopgame.dynamics.replicator",
    # results and errors
    "Summary": "coopgame.results",
    "AllocationResult": "coopgame.results",
    "errors": "coopgame.errors",
}

__all__ = sorted(_PUBLIC) + ["__version__"]


def __getattr__(name: str) -> Any:
    try:
        module_name = _PUBLIC[name]
    except KeyError:
        raise AttributeError(f"module 'coopgame' has no attribute {name!r}") from None
    module = importlib.import_module(module_name)
    value = module if module_name.endswith("." + name) else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

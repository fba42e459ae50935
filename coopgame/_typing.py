"""Documented type aliases shared across coopgame."""

from __future__ import annotations

from typing import Union

import numpy as np
from numpy.typing import NDArray

FloatVector = NDArray[np.float64]
"""1-D float array; an allocation has shape ``(n_players,)``."""

FloatMatrix = NDArray[np.float64]
"""2-D float array, e.g. a payoff matrix of shape ``(n_row_actions, n_col_actions)``."""

CoalitionValues = NDArray[np.float64]
"""Shape ``(2**n_players,)``; entry ``mask`` is v(S), bit i of ``mask`` set iff player i is in S."""

Masks = NDArray[np.int64]
"""Integer coalition bitmasks."""

SeedLike = Union[int, np.random.Generator, None]
"""An integer seed, a ready generator, or ``None`` for :data:`coopgame.tolerances.DEFAULT_SEED`."""

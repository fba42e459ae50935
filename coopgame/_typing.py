"""Documented type aliases shared across coopgame."""

from __future__ import annotations

from collections.abc import Sequence
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

RNGLike = Union[None, int, Sequence[int], np.random.SeedSequence, np.random.BitGenerator, np.random.Generator,
                dict]  # dict: a seed recorded in a result's parameters
"""What ``numpy.random.default_rng`` accepts (a seed, a sequence of seeds, a ``SeedSequence``, a bit
generator or a ready generator); ``None`` means :data:`coopgame.tolerances.DEFAULT_SEED` (same call, same
answer), not fresh entropy."""

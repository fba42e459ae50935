"""Hypothesis strategies for games that stay inside the model's domain."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

finite = st.floats(min_value=-100, max_value=100, allow_nan=False, allow_infinity=False, width=64)


@st.composite
def tu_values(draw, min_players: int = 1, max_players: int = 6):
    """Dense coalition values with v(∅) = 0 for 1..max_players players."""
    n = draw(st.integers(min_players, max_players))
    values = draw(hnp.arrays(np.float64, 2**n, elements=finite))
    values[0] = 0.0
    return values

"""Shared by the report tests: the worked two-city game and PNG checks (no optional package needed)."""

from __future__ import annotations

import base64
import re

from coopgame import PairwiseGame

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def two_city(reward: float = 2.0, penalty: float = 1.5) -> PairwiseGame:
    """MODELS.md BM1 worked check: dR = 6, alpha = 0.5, C = 4, E = 2, L = 1."""
    return PairwiseGame.from_two_city(cost=4, synergy=6, alpha=0.5, free_ride_gain=2, lone_loss=1,
                                      reward=reward, penalty=penalty, players=("Chengdu", "Chongqing"))


def embedded_pngs(page: str) -> list[bytes]:
    """The decoded inline images of an HTML page."""
    return [base64.b64decode(data) for data in re.findall(r'src="data:image/png;base64,([^"]+)"', page)]


def matplotlib_available() -> bool:
    """Whether matplotlib imports here (the report draws figures only then)."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True

"""The arithmetic of the 2015 Beijing-Tianjin-Hebei relocation rule (财预〔2015〕92号) [S-R01], in one place.

Two layers need it: the sharing rule :class:`coopgame.policy.real_rules.RelocationTaxRule`
(its year-by-year :meth:`~coopgame.policy.real_rules.RelocationTaxRule.schedule`) and the
model derivation ``relocation_kept_share``, which runs while a model file is parsed and
so may import no policy code (DESIGN §3). Both call :func:`time_limited_receipts`;
inputs are checked by the callers.
"""

from __future__ import annotations

import numpy as np

__all__ = ["time_limited_receipts"]


def time_limited_receipts(pre: np.ndarray, post: np.ndarray, share: float, years: int, extension_years: int,
                          threshold: float) -> tuple[np.ndarray, bool]:
    """The out-region's receipts ``O_t`` under the rule, and whether sharing was extended.

    ``share`` of each post-move year's tax ``post[t]`` for ``years`` years, ``extension_years`` more when the
    cumulative take after ``years`` is below the cap (the total of the 3 pre-move taxes ``pre``), never
    above the cap; nothing when the pre-move mean is below ``threshold``.

    Examples
    --------
    A firm that paid 0.3 a year before moving (cap 0.9) and 0.4 a year after: 0.2 a year reaches 0.6 < 0.9
    in 3 years, so sharing runs 2 more years and stops at the cap.

    >>> out, extended = time_limited_receipts(np.full(3, 0.3), np.full(6, 0.4), 0.5, 3, 2, 0.2)
    >>> out.round(6).tolist(), extended
    ([0.2, 0.2, 0.2, 0.2, 0.1, 0.0], True)
    """
    cap = float(pre.sum())
    slack = 1e-12 * cap  # relative: the same verdict in 亿元 and in yuan
    out = np.zeros(post.shape[0])
    extended = False
    if pre.mean() >= threshold:
        taken = np.minimum(np.cumsum(share * post[: years + extension_years]), cap)
        after_base = float(taken[years - 1]) if 0 < years <= taken.shape[0] else 0.0
        extended = bool(extension_years > 0 and post.shape[0] > years and after_base < cap - slack)
        horizon = min(years + (extension_years if extended else 0), taken.shape[0])
        out[:horizon] = np.diff(taken[:horizon], prepend=0.0)
    return out, extended

"""Ranges and distributions of a model's modeling choices.

A parameter of a model file whose basis is ``modeling_choice`` may say how far
its author trusts the number (``docs/model-files.md``, "Ranges")::

    [parameters.perception_level]
    value = 1.2
    modeling_choice = "..."
    range = [1.0, 1.5]
    distribution = "triangular"          # uniform (default), triangular, log-uniform, integer-uniform
    range_reason = "why these bounds"
    # range_kind = "factor"              # for an array: one common factor on every entry

The schema (:mod:`coopgame.models.schema`) checks the keys and stores an
:class:`Uncertainty` on :attr:`Parameter.uncertainty`;
:meth:`ModelSpec.uncertain_parameters` lists them. :meth:`Uncertainty.sample`
draws values, vectorised.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from coopgame._pickling import ReadOnlyState
from coopgame._validation import check_positive_int
from coopgame.errors import InvalidParameterError

__all__ = ["DISTRIBUTIONS", "RANGE_KINDS", "RANGE_KEYS", "Uncertainty"]

DISTRIBUTIONS: tuple[str, ...] = ("uniform", "triangular", "log-uniform", "integer-uniform")
"""Values of ``distribution``: uniform on [low, high]; triangular with its mode at the parameter's value
(kind ``"value"``) or at a factor of 1 (kind ``"factor"``); log-uniform (``low > 0``: the logarithm is
uniform); integer-uniform (every integer of [low, high] equally likely; integer bounds and value)."""

RANGE_KINDS: tuple[str, ...] = ("value", "factor")
"""Values of ``range_kind``: ``"value"`` (the default), the bounds are values of a scalar parameter;
``"factor"``, the bounds are a factor (one per draw) that multiplies every entry of the parameter's value."""

RANGE_KEYS: tuple[str, ...] = ("range", "range_kind", "distribution", "range_reason")
"""The keys of a parameter table that describe its range."""


@dataclass(frozen=True, eq=False)
class Uncertainty(ReadOnlyState):
    """How far a modeling choice may be off: a range, a distribution on it, and why.

    Attributes
    ----------
    distribution : str
        One of :data:`DISTRIBUTIONS`.
    low, high : float
        The bounds, ``low < high``: values (kind ``"value"``) or factors (kind ``"factor"``).
    kind : str
        ``"value"`` or ``"factor"`` (:data:`RANGE_KINDS`).
    reason : str
        Why these bounds (the model file's ``range_reason``).
    mode : float or ndarray
        The parameter's value in the model file: the triangular mode for kind
        ``"value"``; for kind ``"factor"`` the (read-only) array the factor
        multiplies (the factor's mode is 1).

    Examples
    --------
    >>> import numpy as np
    >>> u = Uncertainty("triangular", 1.0, 1.5, "value", "no estimate in source 001", 1.2)
    >>> u.describe()
    'triangular on [1, 1.5], mode 1.2'
    >>> draws = u.sample(np.random.default_rng(0), 1000)
    >>> draws.shape, bool(draws.min() >= 1.0), bool(draws.max() <= 1.5)
    ((1000,), True, True)
    >>> f = Uncertainty("uniform", 0.5, 2.0, "factor", "a factor of two either way", np.array([[0.0, 3.0], [3.0, 0.0]]))
    >>> f.describe()
    'value × a factor uniform on [0.5, 2]'
    >>> f.sample(np.random.default_rng(0), 4).shape
    (4, 2, 2)
    """

    distribution: str
    low: float
    high: float
    kind: str
    reason: str
    mode: Any

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape of one value of the parameter."""
        return tuple(np.shape(self.mode))

    def describe(self) -> str:
        """The range in words, e.g. ``'uniform on [1, 1.4]'``."""
        text = f"{self.distribution} on [{_g(self.low)}, {_g(self.high)}]"
        if self.kind == "factor":
            return f"value × a factor {text}"
        if self.distribution == "triangular":
            text += f", mode {_g(float(self.mode))}"
        return text

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` values of the parameter drawn from its distribution, shape ``(size, *shape)``.

        Parameters
        ----------
        rng : numpy.random.Generator
            The generator to draw from (the caller keeps the seed).
        size : int
            Number of draws, >= 0.

        Returns
        -------
        ndarray, shape (size, *shape)
            For kind ``"value"`` the values; for kind ``"factor"`` one factor
            per draw times the parameter's value (every entry scaled alike, so
            a symmetric matrix stays symmetric and zeros stay zero).

        Raises
        ------
        InvalidParameterError
            If ``rng`` is not a ``numpy.random.Generator`` or ``size`` is not
            a non-negative integer.

        Examples
        --------
        >>> import numpy as np
        >>> u = Uncertainty("log-uniform", 0.01, 1.0, "value", "two orders of magnitude", 0.1)
        >>> x = u.sample(np.random.default_rng(1), 20000)
        >>> bool(abs(np.log10(x).mean() + 1.0) < 0.02)   # log10 uniform on [-2, 0]: mean -1
        True
        >>> u.sample(np.random.default_rng(1), 3).tolist() == u.sample(np.random.default_rng(1), 3).tolist()
        True
        """
        func = "Uncertainty.sample"
        if not isinstance(rng, np.random.Generator):
            raise InvalidParameterError(f"{func}(): rng must be a numpy.random.Generator "
                                        f"(numpy.random.default_rng(seed)); got {type(rng).__name__}")
        size = check_positive_int(size, func=func, name="size", minimum=0)
        factor = 1.0 if self.kind == "factor" else float(self.mode)
        if self.distribution == "uniform":
            draws = rng.uniform(self.low, self.high, size)
        elif self.distribution == "triangular":
            draws = rng.triangular(self.low, factor, self.high, size)
        elif self.distribution == "log-uniform":
            draws = np.exp(rng.uniform(math.log(self.low), math.log(self.high), size))
        else:  # integer-uniform
            draws = rng.integers(int(self.low), int(self.high), size, endpoint=True).astype(np.float64)
        if self.kind == "factor":
            base = np.asarray(self.mode, dtype=np.float64)
            return draws.reshape((size,) + (1,) * base.ndim) * base
        return draws


def _g(x: float) -> str:
    return f"{x:g}"

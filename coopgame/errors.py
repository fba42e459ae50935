"""Exceptions and warnings raised by coopgame.

Every error the package raises on purpose derives from :class:`CoopgameError`
and also from the built-in it specialises (``ValueError``, ``RuntimeError``,
``MemoryError``), so ``except ValueError`` keeps working for callers who do not
know coopgame's names.

Messages follow one pattern: ``"function(): what must hold; got <value>"``.
"""

from __future__ import annotations

__all__ = [
    "CoopgameError",
    "InvalidGameError",
    "InvalidParameterError",
    "UnknownMethodError",
    "GameTooLargeError",
    "NotShippableError",
    "ModelSpecError",
    "SolverError",
    "CoopgameWarning",
    "DegenerateGameWarning",
    "ConvergenceWarning",
]


class CoopgameError(Exception):
    """Base class for every error coopgame raises on purpose."""


class InvalidGameError(CoopgameError, ValueError):
    """A game's data violate its definition (shape, NaN, ``v(empty) != 0``, ...)."""


class InvalidParameterError(CoopgameError, ValueError):
    """A keyword argument is out of range or of the wrong shape."""


class UnknownMethodError(CoopgameError, ValueError):
    """``method=`` names no known algorithm; the message lists the valid names."""


class GameTooLargeError(CoopgameError, MemoryError):
    """A dense computation would need more memory than this machine can give.

    Raised *before* anything large is allocated. The message states the
    estimate and the alternatives (a structured game, sampling).
    """


class NotShippableError(InvalidParameterError):
    """Work given to ``executor=`` cannot be sent to another process (it does not pickle).

    Typically a game built on a lambda or a local function; the message names
    the remedy (a module-level function, or ``executor=None``).
    """


class ModelSpecError(CoopgameError, ValueError):
    """A model file is malformed; the message names the file and the key path."""


class SolverError(CoopgameError, RuntimeError):
    """A numerical back end failed; the message names the back end and its status."""


class CoopgameWarning(UserWarning):
    """Base class for coopgame warnings."""


class DegenerateGameWarning(CoopgameWarning):
    """The game is degenerate: some enumerators may miss equilibria."""


class ConvergenceWarning(CoopgameWarning):
    """An iterative method stopped before meeting its tolerance."""

"""The model catalogue: find, load, list and validate model files.

Built-in models live in ``models/<slug>.toml`` (in an installed wheel:
``coopgame/_data/models``); any other TOML file can be loaded by path. The
command line uses these functions: ``coopgame models`` prints
:func:`list_models`, ``coopgame validate FILE`` calls
:func:`validate_model_file`, ``coopgame solve MODEL`` calls
:func:`load_model` and :func:`check_buildable` (the checks of ``validate``),
then ``spec.build()`` and ``spec.provenance()``.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np

from coopgame.models.seeds import data_dir
from coopgame.errors import InvalidParameterError, ModelSpecError
from coopgame.models.schema import MAX_NESTING, ModelSpec, parse_model
from coopgame.results import Result, Summary

__all__ = ["load_model", "list_models", "validate_model_file", "model_path", "ModelCatalog", "MAX_MODEL_FILE_BYTES",
           "check_buildable"]


def model_path(slug: str, *, func: str = "load_model") -> Path:
    """Path of the built-in model file ``slug`` (``ModelSpecError`` listing the slugs if unknown)."""
    path = data_dir("models") / f"{slug}.toml"
    try:
        found = path.is_file()
    except (OSError, ValueError):  # a name too long for the file system, an embedded NUL byte
        found = False
    if not found:
        close = difflib.get_close_matches(str(slug), _slugs(), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ModelSpecError(f"{func}(): no built-in model {_clip(repr(slug), 80)}{hint}; built-in models: "
                             f"{', '.join(_slugs())} (or give the path of a .toml file)")
    return path


def _slugs() -> list[str]:
    return sorted(p.stem for p in data_dir("models").glob("*.toml"))


MAX_MODEL_FILE_BYTES = 4 * 2**20
"""Largest model file read, in bytes (4 MiB; the largest built-in model is under 10 KiB).

A file is read with this bound, never whole, so ``/dev/zero`` or a huge file is
refused at once instead of filling the memory.
"""

_MAX_SLUG_LENGTH = 200


def _read(path: Path, func: str) -> dict[str, Any]:
    shown = str(path)
    where = f"{func}(): {_clip(shown if shown.isprintable() else repr(shown))}"
    try:
        # O_NONBLOCK: opening a FIFO without a writer must not wait; reads block again below
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise ModelSpecError(f"{where}: file not found") from None
    except IsADirectoryError:
        raise ModelSpecError(f"{where}: is a folder, not a model file") from None
    except (OSError, ValueError) as err:  # too long a name, no permission, an embedded NUL byte ...
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        raise ModelSpecError(f"{where}: cannot read the model file ({reason})") from None
    try:
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        with os.fdopen(fd, "rb") as fh:
            fd = -1
            data = fh.read(MAX_MODEL_FILE_BYTES + 1)
    except IsADirectoryError:
        raise ModelSpecError(f"{where}: is a folder, not a model file") from None
    except OSError as err:
        raise ModelSpecError(f"{where}: cannot read the model file ({err.strerror or err})") from None
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > MAX_MODEL_FILE_BYTES:
        raise ModelSpecError(f"{where}: the file is larger than the {MAX_MODEL_FILE_BYTES // 2**20} MiB a model "
                             "file may have (MAX_MODEL_FILE_BYTES)")
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark, as some editors write, is allowed
    except UnicodeDecodeError as err:
        raise ModelSpecError(f"{where}: not UTF-8 text ({err.reason} at byte {err.start})") from None
    if not text.strip():
        raise ModelSpecError(f"{where}: the file is empty (a model file needs schema_version, slug, title, "
                             "kind, players and parameters)")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ModelSpecError(f"{where}: TOML syntax error: {err}") from None
    except ValueError as err:  # an integer of more than sys.get_int_max_str_digits() digits
        raise ModelSpecError(f"{where}: a number in the file cannot be read ({_clip(str(err), 120)})") from None
    except RecursionError:  # tomllib recurses once per nested array or inline table
        raise ModelSpecError(f"{where}: tables and arrays nested too deeply to read (a model file may nest "
                             f"at most {MAX_NESTING} levels)") from None


def _clip(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def load_model(slug_or_path: str | PathLike[str]) -> ModelSpec:
    """Load and validate a model: a built-in slug (``"default"``) or the path of a TOML file.

    Parameters
    ----------
    slug_or_path : str or path-like
        The slug of a built-in model (see :func:`list_models`), or a path to a
        model file (anything containing a path separator or ending in ``.toml``).

    Returns
    -------
    ModelSpec
        The validated model. ``spec.build()`` returns its game objects
        (:class:`~coopgame.models.builders.BuiltModel`: ``.tu``, ``.pairwise``, ``.ncity``, ``.weights``,
        ``.tables``); ``spec.provenance()`` lists where each number comes from.

    Raises
    ------
    ModelSpecError
        If the slug is unknown or the file is malformed; the message names the
        file, the key path (e.g. ``parameters.cost[1]``) and what was expected.

    Examples
    --------
    >>> import coopgame
    >>> spec = coopgame.load_model("default")
    >>> spec.title
    'Three towns share one wastewater plant'
    >>> game = spec.build().tu
    >>> coopgame.shapley_value(game).cost_shares.round(2).tolist()
    [210.33, 127.83, 217.83]
    """
    return _load(slug_or_path, "load_model", "slug_or_path")


def _load(slug_or_path: Any, func: str, argument: str) -> ModelSpec:
    """:func:`load_model`, its errors naming ``func`` (the public function called) and ``argument``."""
    if not isinstance(slug_or_path, (str, PathLike)):
        raise InvalidParameterError(f"{func}(): {argument} must be a model name (str) or a path; got "
                                    f"{_clip(repr(slug_or_path), 80)} ({type(slug_or_path).__name__})")
    try:
        text = os.fspath(slug_or_path)
    except TypeError as err:  # a PathLike whose __fspath__ returns something else
        raise InvalidParameterError(f"{func}(): {argument} must be a model name or a path; {err}") from None
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    is_path = isinstance(slug_or_path, PathLike) or text.endswith(".toml") or "/" in text or "\\" in text
    if not is_path and not (0 < len(text) <= _MAX_SLUG_LENGTH and all(c.isalnum() or c == "_" for c in text)):
        raise ModelSpecError(f"{func}(): {_clip(repr(text), 80)} is not a model name (letters, digits and "
                             f"underscores; built-in models: {', '.join(_slugs())}) nor the path of a .toml file")
    path = Path(text) if is_path else model_path(text, func=func)
    spec = parse_model(_read(path, func), path=path, _func=func)
    if not is_path and spec.slug != text:
        raise ModelSpecError(f"{func}(): {path}: slug: expected {text!r} (the file name); got {spec.slug!r}")
    return spec


def validate_model_file(path: str | PathLike[str]) -> ModelSpec:
    """Check a model file: parse, validate every key and provenance, and build its games.

    Returns the :class:`ModelSpec` when the file is valid; raises one
    :class:`~coopgame.errors.ModelSpecError` naming the file and the key
    otherwise (``coopgame validate FILE`` prints it and exits 1).

    Examples
    --------
    >>> from coopgame.models.catalog import model_path, validate_model_file
    >>> validate_model_file(model_path("default")).slug
    'default'
    """
    func = "validate_model_file"
    if isinstance(path, str):  # a file, even without a separator or the .toml suffix
        path = Path(path)
    spec = _load(path, func, "path")
    check_buildable(spec, func=func)
    return spec


def check_buildable(spec: ModelSpec, *, func: str = "check_buildable") -> None:
    """Build the games of ``spec`` and of each of its scenarios; ``ModelSpecError`` if any is refused.

    The check ``coopgame validate`` adds to :func:`load_model`; ``coopgame solve``
    runs it too, so both accept and refuse the same files with the same message.

    Parameters
    ----------
    spec : ModelSpec
        A loaded model.
    func : str
        The public function named in the error message.
    """
    if not isinstance(spec, ModelSpec):
        raise InvalidParameterError(f"{func}(): spec must be a ModelSpec (from load_model); got "
                                    f"{_clip(repr(spec), 80)} ({type(spec).__name__})")
    where = _clip(str(spec.path)) if spec.path is not None else spec.slug
    try:
        with np.errstate(all="ignore"):  # a non-finite payoff is refused by the game classes, not warned about
            spec.build()
            for name in spec.scenarios:
                spec.scenario(name).build()
    except ModelSpecError as err:  # a scenario's overrides, parsed on the way: name the caller
        message = str(err)
        if message.startswith("load_model(): ") and func != "load_model":
            raise ModelSpecError(f"{func}(): " + message.removeprefix("load_model(): ")) from None
        raise
    except (ValueError, ArithmeticError) as err:  # a game class refused the values
        raise ModelSpecError(f"{func}(): {where}: parameters: the values do not define a valid "
                             f"{spec.kind} game: {_clip(str(err), 300)}") from None


@dataclass(frozen=True, eq=False)
class ModelCatalog(Result):
    """The built-in models: one row each (slug, title, kind, number of players, model id)."""

    entries: tuple[dict[str, Any], ...]
    method: str = "catalogue"

    def summary(self) -> Summary:
        rows = tuple((e["slug"], e["kind"], str(e["n_players"]), e["model_id"] or "", e["title"])
                     for e in self.entries)
        return Summary(title="Built-in models", facts=(("models", str(len(self.entries))),),
                       columns=("slug", "kind", "players", "model", "title"), rows=rows,
                       notes=("coopgame solve SLUG solves one; coopgame validate FILE checks your own file.",))

    def __iter__(self) -> Any:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def slugs(self) -> tuple[str, ...]:
        return tuple(e["slug"] for e in self.entries)


def list_models() -> ModelCatalog:
    """The catalogue of built-in models (``coopgame models``).

    Examples
    --------
    >>> import coopgame
    >>> cat = coopgame.list_models()
    >>> "default" in cat.slugs and "yrd26" in cat.slugs
    True
    >>> [e for e in cat if e["slug"] == "default"][0]["n_players"]
    3
    """
    return ModelCatalog(entries=tuple(load_model(slug).describe() for slug in _slugs()))

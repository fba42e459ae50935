"""The model catalogue: find, load, list and validate model files.

Built-in models live in ``models/<slug>.toml`` (in an installed wheel:
``coopgame/_data/models``); any other TOML file can be loaded by path. The
command line uses these functions: ``coopgame models`` prints
:func:`list_models`, ``coopgame validate FILE`` calls
:func:`validate_model_file`, ``coopgame solve MODEL`` calls
:func:`load_model` and then ``spec.build()`` and ``spec.provenance()``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

from coopgame.models.seeds import data_dir
from coopgame.errors import ModelSpecError
from coopgame.models.schema import ModelSpec, parse_model
from coopgame.results import Result, Summary

__all__ = ["load_model", "list_models", "validate_model_file", "model_path", "ModelCatalog"]


def model_path(slug: str) -> Path:
    """Path of the built-in model file ``slug`` (``ModelSpecError`` listing the slugs if unknown)."""
    path = data_dir("models") / f"{slug}.toml"
    if not path.is_file():
        raise ModelSpecError(f"load_model(): no built-in model {slug!r}; built-in models: "
                             f"{', '.join(_slugs())} (or give the path of a .toml file)")
    return path


def _slugs() -> list[str]:
    return sorted(p.stem for p in data_dir("models").glob("*.toml"))


def _read(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ModelSpecError(f"load_model(): {path}: file not found") from None
    except IsADirectoryError:
        raise ModelSpecError(f"load_model(): {path}: is a folder, not a model file") from None
    except UnicodeDecodeError as err:
        raise ModelSpecError(f"load_model(): {path}: not UTF-8 text ({err.reason})") from None
    except tomllib.TOMLDecodeError as err:
        raise ModelSpecError(f"load_model(): {path}: TOML syntax error: {err}") from None


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
    text = str(slug_or_path)
    is_path = isinstance(slug_or_path, PathLike) or text.endswith(".toml") or "/" in text or "\\" in text
    path = Path(text) if is_path else model_path(text)
    spec = parse_model(_read(path), path=path)
    if not is_path and spec.slug != text:
        raise ModelSpecError(f"load_model(): {path}: slug: expected {text!r} (the file name); got {spec.slug!r}")
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
    spec = load_model(Path(path))
    try:
        built = spec.build()
        for name in spec.scenarios:
            spec.scenario(name).build()
    except (ValueError, ArithmeticError) as err:  # a game class refused the values
        raise ModelSpecError(f"load_model(): {path}: parameters: the values do not define a valid "
                             f"{spec.kind} game: {err}") from None
    del built
    return spec


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

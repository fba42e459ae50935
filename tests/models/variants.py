"""Variants of built-in model files for tests: one text replacement, checked to apply."""

from __future__ import annotations

from pathlib import Path

from coopgame.models.catalog import model_path


def variant_text(slug: str, old: str, new: str) -> str:
    """The text of built-in model ``slug`` with ``old`` replaced by ``new`` (``old`` must occur)."""
    text = model_path(slug).read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in models/{slug}.toml"
    return text.replace(old, new)


def variant_file(directory: Path, slug: str, old: str, new: str, name: str | None = None) -> Path:
    """:func:`variant_text` written to ``directory/<name or slug>.toml``; returns the path."""
    path = Path(directory) / f"{name or slug}.toml"
    path.write_text(variant_text(slug, old, new), encoding="utf-8")
    return path


def convention_variant(directory: Path, slug: str, convention: str) -> Path:
    """Built-in n-city model ``slug`` (whose file states the alpha convention) in another ``convention``."""
    return variant_file(directory, slug, 'convention = "alpha"', f'convention = "{convention}"',
                        name=f"{slug}_{convention}")


ROUND_SPILLOVERS = [[[0, 4], [4, 0]], [[0, 6], [6, 0]], [[0, 1], [1, 0]]]
"""Spillovers of ``chengdu_chongqing`` rounded to 4, 6 and 1 per issue (the model derives about 4.07, 6.11 and
1.02 from the 269 km between the city centres), so that the hand computations of tests stay in round numbers."""


def chengdu_chongqing_round():
    """The built-in ``chengdu_chongqing`` spec with :data:`ROUND_SPILLOVERS`."""
    from coopgame import load_model

    return load_model("chengdu_chongqing").with_arrays(spillover=ROUND_SPILLOVERS)

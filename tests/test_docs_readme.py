"""The README's examples run (docs/*.md are collected by pytest's --doctest-glob; the README sits outside)."""

import doctest
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.mark.skipif(not README.is_file(), reason="README.md is not shipped with an installed package")
def test_readme_examples_run():
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testfile(str(README), module_relative=False, optionflags=flags, verbose=False)
    assert result.attempted > 10
    assert result.failed == 0


def test_readme_keeps_the_two_quick_start_commands():
    text = README.read_text(encoding="utf-8")
    assert "pip install . && coopgame" in text
    assert 'pip install ".[test]" && python -m pytest' in text


@pytest.mark.skipif(not README.is_file(), reason="README.md is not shipped with an installed package")
def test_readme_catalogue_counts_every_models_numbers_by_their_true_basis():
    """The catalogue's basis column is the provenance table's count of each label, for every built-in model."""
    from collections import Counter

    import coopgame

    text = README.read_text(encoding="utf-8")
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0].startswith("`"):
            rows[cells[0].strip("`")] = cells[4]
    assert set(rows) == set(coopgame.list_models().slugs)
    for slug, counts in rows.items():
        c = Counter(item.label for item in coopgame.load_model(slug).provenance().items)
        expected = f"{c['source']} / {c['data']} / {c['derived']} / {c['modeling choice']}"
        assert counts == expected, (slug, counts, expected)

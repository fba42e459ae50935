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

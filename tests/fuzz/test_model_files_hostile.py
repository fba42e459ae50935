"""Hostile model files through load_model, ``coopgame validate`` and ``coopgame solve``.

The files are generated from the built-in models: each built-in file is parsed,
one thing in it is broken (a value of the wrong type at every key, a number out
of range, a misspelt key next to every real one, a required key removed, deep
nesting), and the result is written back as TOML. Every case must give either a
valid model or exactly one ``ModelSpecError`` naming the file and the key path;
never another exception, never a numpy RuntimeWarning, and ``validate`` and
``solve`` must answer alike: the same exit code and the same one error line.

Most cases run in-process (``coopgame.cli.main`` returns the exit code); a
representative sample runs ``python -m coopgame`` in a subprocess with a timeout.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tomllib
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import coopgame
from coopgame.cli import EXIT_INVALID, EXIT_OK, main
from coopgame.errors import ModelSpecError
from coopgame.models.catalog import model_path, validate_model_file
from coopgame.models.schema import MAX_NESTING

# small and fast to build; between them every parameter form (value, source, column, rule with options and
# inputs), scenarios, layers-free n-city and 2-player kinds, and analysis weights / rules / convention
MODELS = ("two_city_coop", "default", "bth13", "xinanjiang_bet", "tax_base_pool", "guangzhou_siphon")

BAD_VALUES: dict[str, Any] = {
    "string": "6",
    "inf string": "inf",
    "list": [1, [2]],
    "table": {"x": 1},
    "bool": True,
    "huge int": 10**400,
    "1.7e308": 1.7e308,
    "nan": math.nan,
    "-inf": -math.inf,
}


# ------------------------------------------------------------------------------------------------ TOML writer
def _key(k: str) -> str:
    return k if k and all(c.isalnum() or c in "_-" for c in k) and k.isascii() else json.dumps(k)


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf") if math.isinf(v) else repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)  # JSON's escapes are TOML basic-string escapes
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(type(v))


def to_toml(doc: dict[str, Any]) -> str:
    """A TOML document holding ``doc``: one line per top-level key, tables inline."""
    return "".join(f"{_key(k)} = {_value(v)}\n" for k, v in doc.items())


def builtin(slug: str) -> dict[str, Any]:
    return tomllib.loads(model_path(slug).read_text(encoding="utf-8"))


# ------------------------------------------------------------------------------------------------ mutations
Path_ = tuple[Any, ...]


def walk(doc: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    yield path, doc
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from walk(v, (*path, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from walk(v, (*path, i))


def copy_with(doc: Any, path: Path_, new: Any) -> Any:
    doc = json.loads(json.dumps(doc))  # a deep copy (the built-in files hold no dates)
    target = doc
    for k in path[:-1]:
        target = target[k]
    target[path[-1]] = new
    return doc


def key_text(path: Path_) -> str:
    out = ""
    for k in path:
        out += f"[{k}]" if isinstance(k, int) else (f".{k}" if out else str(k))
    return out


def typo(key: str) -> str:
    """A near miss of ``key`` (last two letters swapped, or the last one dropped)."""
    return key[:-2] + key[-1] + key[-2] if key[-1] != key[-2] else key[:-1]


def wrong_type_cases(slug: str) -> Iterator[tuple[str, dict[str, Any], Path_]]:
    doc = builtin(slug)
    for path, value in walk(doc):
        if not path or isinstance(value, (dict, list)) and path[-1] not in ("value", "names", "rules", "weights"):
            continue
        for label, bad in BAD_VALUES.items():
            if type(bad) is type(value) and not isinstance(bad, (list, dict)):
                continue  # a string for a string: nothing hostile
            yield f"{key_text(path)}={label}", copy_with(doc, path, bad), path


def unknown_key_cases(slug: str) -> Iterator[tuple[str, dict[str, Any], str, str]]:
    doc = builtin(slug)
    for path, table in walk(doc):
        if not isinstance(table, dict) or path[:1] == ("analysis",) and len(path) > 1:
            continue
        for key in list(table):
            if len(key) < 4 or typo(key) in table:
                continue
            wrong = typo(key)
            new = dict(table)
            new[wrong] = table[key]
            mutated = copy_with(doc, path, new) if path else new
            yield f"{key_text((*path, wrong))}", mutated, key_text((*path, wrong)), key


def _write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    safe = "".join(c if c.isalnum() else "_" for c in name)[:80]
    path = tmp_path / f"{safe}.toml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


# ------------------------------------------------------------------------------------------------ checks
def check_library(path: Path) -> ModelSpecError | None:
    """validate_model_file: a model, or one ModelSpecError naming the file; no other exception, no RuntimeWarning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        try:
            validate_model_file(path)
        except ModelSpecError as err:
            message = str(err)
            assert message.startswith("validate_model_file(): ") and str(path) in message, message
            assert "\n" not in message and len(message) < 2000, message
            return err
    return None


def check_cli(capsys: Any, path: Path, error: ModelSpecError | None, *, solve: bool = True) -> str:
    """``validate`` (and ``solve`` when the file is invalid) exit as the library says, with one clean line."""
    code = main(["validate", str(path)])
    out, err = capsys.readouterr()
    if error is None:
        assert code == EXIT_OK and err == "" and "valid model" in out, err
        return ""
    assert code == EXIT_INVALID and out == ""
    # the command line reports through load_model (solve and validate alike), in the library's words
    expected = " ".join(str(error).split()).replace("validate_model_file(): ", "load_model(): ", 1)
    assert err == f"coopgame: error: {expected}\n", err
    assert "Traceback" not in err and "Warning" not in err
    if solve:
        assert main(["solve", str(path)]) == EXIT_INVALID
        assert capsys.readouterr() == ("", err)  # solve refuses with validate's message
    return err


# ------------------------------------------------------------------------------------------------ tests
@pytest.mark.parametrize("slug", MODELS)
def test_a_wrong_type_at_every_key_is_refused_or_valid(capsys, tmp_path, slug):
    refused = 0
    for i, (name, doc, path) in enumerate(wrong_type_cases(slug)):
        file = _write(tmp_path, f"{i}_{name}", to_toml(doc))
        error = check_library(file)
        # numbers that can never be valid (out of range, not numbers) are refused naming where they are
        label = name.rsplit("=", 1)[1]
        if label in ("huge int", "1.7e308", "nan", "-inf", "table", "bool") and path[0] == "parameters":
            assert error is not None, name
            assert f"parameters.{path[1]}" in str(error), (name, str(error))
        refused += error is not None
        check_cli(capsys, file, error, solve=i % 5 == 0)  # solve on a fifth of them (each is a full start)
    assert refused > 0


@pytest.mark.parametrize("slug", MODELS)
def test_a_misspelt_key_anywhere_is_refused_with_did_you_mean(capsys, tmp_path, slug):
    cases = list(unknown_key_cases(slug))
    assert len(cases) > 10
    for i, (name, doc, key, meant) in enumerate(cases):
        file = _write(tmp_path, f"{i}_{name}", to_toml(doc))
        error = check_library(file)
        assert error is not None, name
        message = str(error)
        # the key path is named (a scenario's overrides are parsed as parameters: the path starts there)
        shown_key = key if not key.startswith("scenarios[") or ".parameters." not in key or key.count(".") < 3 \
            else key[key.index(".parameters.") + 1:]
        assert f": {shown_key}: expected" in message, (name, message)
        assert "(did you mean" in message and repr(meant) in message.split("(did you mean", 1)[1], message
        check_cli(capsys, file, error, solve=i % 4 == 0)


@pytest.mark.parametrize("slug", MODELS)
def test_removing_any_top_level_key_or_parameter_is_valid_or_named(capsys, tmp_path, slug):
    doc = builtin(slug)
    required = {"schema_version", "slug", "title", "kind", "players"}
    removals = [(k,) for k in doc] + [("parameters", p) for p in doc.get("parameters", {})]
    for i, path in enumerate(removals):
        mutated = json.loads(json.dumps(doc))
        target = mutated
        for k in path[:-1]:
            target = target[k]
        del target[path[-1]]
        file = _write(tmp_path, f"{i}_{key_text(path)}", to_toml(mutated))
        error = check_library(file)
        if path[0] in required:
            assert error is not None and f": {path[0]}: expected" in str(error), str(error)
        if error is not None:  # the removed key is named, or where it is missing from (a rule input, a weight)
            assert str(path[-1]) in str(error) and ": expected " in str(error), str(error)
        check_cli(capsys, file, error, solve=False)


@pytest.mark.parametrize("depth", [MAX_NESTING, MAX_NESTING + 2, 400, 10_000])
def test_deep_nesting_in_every_form(capsys, tmp_path, depth):
    text = to_toml(builtin("two_city_coop"))
    cases = {
        "array": text.replace("synergy = { value = 6", "synergy = { value = " + "[" * depth + "6" + "]" * depth),
        "inline table": text.replace("synergy = { value = 6", "synergy = { value = " + "{a=" * depth + "6"
                                     + "}" * depth),
        "dotted table": text + "[zz" + ".a" * depth + "]\n",
        "dotted key": text.replace("synergy = { value = 6", "synergy = { value = 6, " + ".".join("a" * depth)
                                   + " = 1") if depth < 1000 else text + "a" + ".a" * depth + " = 1\n",
    }
    for form, mutated in cases.items():
        file = _write(tmp_path, f"{form}_{depth}", mutated)
        error = check_library(file)
        assert error is not None, form
        check_cli(capsys, file, error)


def test_hostile_files_of_every_kind(capsys, tmp_path):
    good = model_path("two_city_coop").read_text(encoding="utf-8")
    cases: dict[str, str | bytes] = {
        "empty": "",
        "whitespace": "\n\n  \t\n",
        "binary": bytes(range(256)) * 64,
        "utf-16": good.encode("utf-16"),
        "nul bytes": good.replace("title", "ti\x00tle"),
        "not toml": "{ \"json\": true }",
        "a list at the top": "x = [1, 2]\n",
        "long slug": good.replace('slug = "two_city_coop"', 'slug = "' + "s" * 100_000 + '"'),
        "long key": good + "\n" + "k" * 100_000 + " = 1\n",
        "many keys": good + "\n[parameters.cost]\n" + "".join(f"k{i} = {i}\n" for i in range(20_000)),
        "5000-digit int": good.replace("value = 6\n", "value = " + "7" * 5000 + "\n"),
        "duplicate key": good + "\n[players]\nnames = []\n",
        "date": good.replace("value = 6\n", "value = 1979-05-27T07:32:00Z\n"),
        "bad escape": good.replace('title = "', 'title = "\\q'),
        "over 4 MiB": good + "#" + "x" * (4 * 2**20) + "\n",
    }
    for name, text in cases.items():
        file = _write(tmp_path, name, text)
        error = check_library(file)
        assert error is not None, name
        check_cli(capsys, file, error)
    bom = _write(tmp_path, "bom", "\ufeff" + good)
    assert check_library(bom) is None  # an editor's byte-order mark is not hostile
    long_title = _write(tmp_path, "long_title", good.replace('title = "', 'title = "' + "t" * 2_000_000, 1))
    assert check_library(long_title) is None  # long, but under the 4 MiB of a model file


# ------------------------------------------------------------------------------------------------ subprocess
def _cli(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    root = Path(coopgame.__file__).resolve().parent.parent
    env = dict(os.environ, PYTHONPATH=str(root) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               PYTHONWARNINGS="default")  # every warning shown: none may reach the user before an error
    return subprocess.run([sys.executable, "-m", "coopgame", *argv], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=25)


def test_a_sample_through_the_console_script(tmp_path):
    doc = builtin("two_city_coop")
    sample = {
        "huge int": to_toml(copy_with(doc, ("parameters", "cost", "value"), [4, 10**400])),
        "1.7e308": to_toml(copy_with(doc, ("parameters", "synergy", "value"), 1.7e308)),
        "rule list": to_toml(copy_with(doc, ("parameters", "synergy"), {"rule": ["gravity"]})),
        "analysis rule": to_toml(copy_with(doc, ("analysis", "rules"), ["shapely"])),
        "deep": to_toml(doc).replace("synergy = { value = 6", "synergy = { value = " + "[" * 10_000 + "6"
                                     + "]" * 10_000),
        "binary": bytes(range(256)),
    }
    files = [_write(tmp_path, name, text) for name, text in sample.items()]
    files.append(Path("/dev/zero") if os.path.exists("/dev/zero") else files[0])
    for file in files:
        answers = []
        for command in ("validate", "solve"):
            proc = _cli(command, str(file), cwd=tmp_path)
            assert proc.returncode == EXIT_INVALID, (file, proc.stderr)
            assert proc.stdout == ""
            assert "Traceback" not in proc.stderr and "RuntimeWarning" not in proc.stderr
            lines = proc.stderr.splitlines()
            assert len(lines) == 1 and lines[0].startswith(f"coopgame: error: load_model(): {file}"), lines
            answers.append(lines[0])
        assert answers[0] == answers[1]

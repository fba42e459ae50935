"""Seed records and city tables: every citation resolves, records agree with the models, no copied text."""

from __future__ import annotations

import csv
import os
import re
import tomllib
from pathlib import Path

import pytest

import coopgame
from coopgame.models.seeds import CITY_SOURCE_COLUMNS, data_dir, seed_store

SEEDS = data_dir("seeds")
MODELS = data_dir("models")
CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{30,}")
WINDOW = 30


def model_files() -> list[Path]:
    return sorted(MODELS.glob("*.toml"))


def raw_refs(raw: dict) -> list[str]:
    """Every fact key / table reference written in a model file (parameters and scenarios)."""
    blocks = list(raw.get("parameters", {}).values())
    for sc in raw.get("scenarios", []):
        blocks += list(sc.get("parameters", {}).values())
    refs: list[str] = []
    for body in blocks:
        src = body.get("source", [])
        refs += [src] if isinstance(src, str) else list(src)
        refs += list(body.get("based_on", []))
    return refs


def test_every_reference_in_every_model_resolves():
    store = seed_store()
    seen = 0
    for path in model_files():
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        for ref in raw_refs(raw):
            seen += 1
            if ref.startswith("table:"):
                value, source = store.table_cell(ref)
                assert source, f"{path.name}: {ref} has no source text"
            else:
                store.fact_value(ref)  # KeyError on a missing fact
    assert seen > 30


def test_every_city_of_every_model_is_in_its_table():
    store = seed_store()
    for path in model_files():
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        table = raw["players"].get("table")
        if table:
            cities = store.table(table).cities
            missing = [c for c in raw["players"]["names"] if c not in cities]
            assert not missing, f"{path.name}: {missing} not in {table}"


def test_used_by_lists_exactly_the_models_citing_each_record():
    store = seed_store()
    citing: dict[str, set[str]] = {rid: set() for rid in store.records}
    for path in model_files():
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        for ref in raw_refs(raw):
            if not ref.startswith("table:"):
                citing[ref.split(".")[0]].add(raw["slug"])
    for rid, record in store.records.items():
        assert set(record.get("used_by", [])) == citing[rid], f"seed record {rid}: used_by is out of date"


def test_literature_keys_have_references_and_records_have_citations():
    store = seed_store()
    for fact in store.facts.values():
        for key in fact.sources:
            assert key in store.references, f"{fact.key} cites {key}, missing from references.toml"
            assert store.references[key]["citation"]
    for rid, record in store.records.items():
        assert record.get("title"), rid
        assert record.get("sources") or record.get("citation"), rid
        assert record.get("facts"), rid
        for name, fact in record["facts"].items():
            assert fact.get("statement"), f"{rid}.{name} has no statement"


def test_source_document_records_name_their_file():
    names = {tomllib.loads(p.read_text(encoding="utf-8")).get("file") for p in (SEEDS / "sources").glob("*.toml")}
    assert names == {"000_bd6b49ccf8f60867.txt", "001_b4150e6673798075.txt", "002_21f4cac64557a95b.txt",
                     "003_6fb59869cffc6637.txt", "004_f68b2ad48d759016.txt"}


def test_survey_support_shares_of_document_001():
    store = seed_store()
    got = [store.fact_value(f"d001.support_{k}")[0] for k in ("public_services", "infrastructure", "consumption_hub")]
    assert got == [0.69, 0.657, 0.367]
    spec = coopgame.load_model("chengdu_chongqing")
    assert spec["initial"][:, 0].tolist() == got
    assert spec.parameters["initial"].provenance[0].label == "modeling choice"


def test_city_tables_have_a_source_for_every_number():
    for path in sorted((SEEDS / "cities").glob("g*.csv")):
        with open(path, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                for column, source_column in CITY_SOURCE_COLUMNS.items():
                    if row[column].strip():
                        assert row[source_column].strip(), f"{path.name}: {row['city_en']} {column} has no source"


def test_city_tables_are_internally_consistent():
    # The data README states GDP / population is within 5% of the published per-capita GDP for all rows.
    store = seed_store()
    checked = 0
    for table in store.tables.values():
        if table.name == "coordinates":   # no statistics: tests/models/test_distances.py checks it
            continue
        for city in table.cities:
            nums = {c: table.numbers[c].get(city) for c in ("gdp_100m_yuan", "population_10k", "gdp_per_capita_yuan")}
            if None in nums.values():
                continue
            implied = nums["gdp_100m_yuan"] * 1e8 / (nums["population_10k"] * 1e4)
            assert implied == pytest.approx(nums["gdp_per_capita_yuan"], rel=0.05), (table.name, city)
            checked += 1
    assert checked > 75


def test_no_long_cjk_run_in_any_seed_record():
    for path in sorted(SEEDS.rglob("*.toml")) + sorted(SEEDS.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        assert not CJK_RUN.search(text), f"{path}: a run of 30+ Chinese characters (copied text?)"


def _seed_texts_dir() -> Path | None:
    candidates = [os.environ.get("COOPGAME_SEED_TEXTS", ""),
                  str(Path(__file__).resolve().parents[3] / "shared" / "seeds")]
    for c in candidates:
        if c and Path(c).is_dir() and list(Path(c).glob("00*_*.txt")):
            return Path(c)
    return None


def test_no_30_character_passage_of_a_source_text_is_copied_into_seeds():
    texts_dir = _seed_texts_dir()
    if texts_dir is None:
        pytest.skip("source texts not available (set COOPGAME_SEED_TEXTS to their folder)")
    windows: set[str] = set()
    for path in texts_dir.glob("00*_*.txt"):
        text = "".join(path.read_text(encoding="utf-8").split())
        for run in re.findall(r"[\u3400-\u9fff\uf900-\ufaff]{%d,}" % WINDOW, text):
            windows.update(run[i:i + WINDOW] for i in range(len(run) - WINDOW + 1))
    assert windows
    for path in sorted(p for p in SEEDS.rglob("*") if p.is_file()):
        content = "".join(path.read_text(encoding="utf-8").split())
        hits = [content[i:i + WINDOW] for i in range(len(content) - WINDOW + 1) if content[i:i + WINDOW] in windows]
        assert not hits, f"{path}: copies source text, e.g. {hits[0]!r}"

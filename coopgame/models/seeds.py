"""The sourced inputs behind the built-in models: seed records and city tables.

``seeds/`` (shipped in the wheel as ``coopgame/_data/seeds``) holds

- ``sources/*.toml``: one record per source document of the project,
- ``cases/*.toml``: the real rules and published examples the models are
  calibrated on, each fact tagged with its literature key (``S-R22`` ...),
- ``references.toml``: the bibliographic record of every literature key,
- ``cities/*.csv``: 2023 city statistics, one source column per number; ``cities/coordinates.csv``:
  city-centre coordinates from GeoNames (table ``coordinates``, columns ``latitude`` and ``longitude``).

A fact is addressed as ``"<record id>.<fact name>"``, optionally with an index
(``"xinan.central_subsidy_round2[0]"``); a table cell as
``"table:<table>:<city_en>:<column>"``. Model files cite these keys; the
loader checks that every cited fact exists and that the number in the model
equals the number in the record.
"""

from __future__ import annotations

import csv
import functools
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any


from coopgame.errors import ModelSpecError

__all__ = ["Fact", "CityTable", "SeedStore", "data_dir", "seed_store"]

# Numeric columns of the city tables and the column that names each one's source.
CITY_SOURCE_COLUMNS: dict[str, str] = {
    "gdp_100m_yuan": "source_gdp",
    "population_10k": "source_population",
    "budget_revenue_100m_yuan": "source_revenue",
    "gdp_per_capita_yuan": "notes",
}

_FACT_REF = re.compile(r"^(?P<record>[A-Za-z0-9_-]+)\.(?P<fact>[A-Za-z0-9_]+)(?:\[(?P<index>\d+)\])?$")


def data_dir(name: str) -> Path:
    """Folder of package data ``name`` (``"models"`` or ``"seeds"``).

    An installed wheel carries them as ``coopgame/_data/<name>``; a checkout
    has them at the repository's top level, next to the ``coopgame`` package.
    """
    packaged = resources.files("coopgame").joinpath("_data", name)
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[2] / name
    if checkout.is_dir():
        return checkout
    raise ModelSpecError(  # pragma: no cover - only on a broken installation
        f"coopgame: package data folder {name!r} not found (looked in {packaged} and {checkout}); "
        "reinstall coopgame")


@dataclass(frozen=True)
class Fact:
    """One sourced figure: ``value`` (number or list of numbers) with unit and statement."""

    key: str
    value: Any
    unit: str
    statement: str
    sources: tuple[str, ...]
    record: str


@dataclass(frozen=True)
class CityTable:
    """A city statistics table: numeric columns by city (``city_en``) and their sources."""

    name: str
    cities: tuple[str, ...]
    numbers: dict[str, dict[str, float]]   # column -> city -> value (missing cells absent)
    sources: dict[str, dict[str, str]]     # column -> city -> source text
    years: dict[str, int]

    def value(self, city: str, column: str) -> float:
        """The number in ``column`` for ``city``; KeyError naming what is missing."""
        if column not in self.numbers:
            raise KeyError(f"table {self.name!r} has no numeric column {column!r} "
                           f"(columns: {', '.join(self.numbers)})")
        if city not in self.cities:
            raise KeyError(f"table {self.name!r} has no city {city!r} (cities: {', '.join(self.cities)})")
        if city not in self.numbers[column]:
            raise KeyError(f"table {self.name!r}: the cell {city}/{column} is empty (not found by the data survey)")
        return self.numbers[column][city]


class SeedStore:
    """All seed records and city tables, indexed for look-up by key."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.records: dict[str, dict[str, Any]] = {}
        self.record_files: dict[str, Path] = {}
        self.facts: dict[str, Fact] = {}
        self.references: dict[str, dict[str, Any]] = {}
        ref_file = root / "references.toml"
        if ref_file.is_file():
            self.references = _read_toml(ref_file)
        for folder in ("sources", "cases"):
            for path in sorted((root / folder).glob("*.toml")):
                self._add_record(path)
        self.tables: dict[str, CityTable] = {}
        for path in sorted((root / "cities").glob("g*.csv")):
            table = _read_city_table(path)
            self.tables[table.name] = table
        coordinates = root / "cities" / "coordinates.csv"
        if coordinates.is_file():
            self.tables["coordinates"] = _read_coordinates(coordinates)

    def _add_record(self, path: Path) -> None:
        data = _read_toml(path)
        rid = data.get("id")
        if not isinstance(rid, str) or not rid:
            raise ModelSpecError(f"seed record {path}: key 'id' must be a non-empty string; got {rid!r}")
        if rid in self.records:
            raise ModelSpecError(f"seed record {path}: id {rid!r} already used by {self.record_files[rid]}")
        self.records[rid] = data
        self.record_files[rid] = path
        record_sources = tuple(data.get("sources", ()))
        for name, body in data.get("facts", {}).items():
            key = f"{rid}.{name}"
            if not isinstance(body, dict) or "value" not in body:
                raise ModelSpecError(f"seed record {path}: facts.{name}: must be a table with a 'value'; got {body!r}")
            self.facts[key] = Fact(key=key, value=body["value"], unit=str(body.get("unit", "")),
                                   statement=str(body.get("statement", "")),
                                   sources=tuple(body.get("sources", record_sources)), record=rid)

    def fact_value(self, ref: str) -> tuple[Any, Fact]:
        """Resolve ``"record.fact"`` or ``"record.fact[i]"``; KeyError with the reason."""
        match = _FACT_REF.match(ref)
        if match is None:
            raise KeyError(f"{ref!r} is not a fact key of the form 'record.fact' or 'record.fact[i]'")
        key = f"{match['record']}.{match['fact']}"
        if key not in self.facts:
            near = [k for k in self.facts if k.startswith(match["record"] + ".")]
            hint = f" (facts of {match['record']!r}: {', '.join(sorted(near))})" if near else " (no such seed record)"
            raise KeyError(f"no seed fact {key!r}{hint}")
        fact = self.facts[key]
        value = fact.value
        if match["index"] is not None:
            i = int(match["index"])
            if not isinstance(value, list) or i >= len(value):
                raise KeyError(f"seed fact {key!r} has no element [{i}] (value {value!r})")
            value = value[i]
        return value, fact

    def table_cell(self, ref: str) -> tuple[float, str]:
        """Resolve ``"table:<table>:<city>:<column>"`` to (value, source text)."""
        parts = ref.split(":")
        if len(parts) != 4 or parts[0] != "table":
            raise KeyError(f"{ref!r} is not a table reference of the form 'table:<table>:<city>:<column>'")
        _, name, city, column = parts
        table = self.table(name)
        return table.value(city, column), table.sources.get(column, {}).get(city, "")

    def table(self, name: str) -> CityTable:
        if name not in self.tables:
            raise KeyError(f"no city table {name!r} (tables: {', '.join(sorted(self.tables))})")
        return self.tables[name]


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as err:
        raise ModelSpecError(f"{path}: not valid TOML: {err}") from None


def _read_city_table(path: Path) -> CityTable:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    cities = tuple(r["city_en"] for r in rows)
    numbers: dict[str, dict[str, float]] = {}
    sources: dict[str, dict[str, str]] = {}
    for column, source_column in CITY_SOURCE_COLUMNS.items():
        numbers[column] = {r["city_en"]: float(r[column]) for r in rows if r[column].strip()}
        sources[column] = {r["city_en"]: r[source_column] for r in rows}
    years = {r["city_en"]: int(r["year"]) for r in rows}
    return CityTable(name=path.stem, cities=cities, numbers=numbers, sources=sources, years=years)


def _read_coordinates(path: Path) -> CityTable:
    """City-centre coordinates (GeoNames): columns ``latitude`` and ``longitude`` in degrees, one source per city."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    cities = tuple(r["city_en"] for r in rows)
    numbers = {c: {r["city_en"]: float(r[c]) for r in rows} for c in ("latitude", "longitude")}
    sources = {c: {r["city_en"]: r["source"] for r in rows} for c in ("latitude", "longitude")}
    return CityTable(name="coordinates", cities=cities, numbers=numbers, sources=sources, years={})


@functools.lru_cache(maxsize=4)
def _store_at(root: str) -> SeedStore:
    return SeedStore(Path(root))


def seed_store(root: Path | None = None) -> SeedStore:
    """The seed store of this installation (cached)."""
    return _store_at(str(root if root is not None else data_dir("seeds")))

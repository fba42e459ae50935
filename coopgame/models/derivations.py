"""Derivation rules a model file may use to compute a parameter from others.

Each rule is a documented modeling device (DESIGN §2.1: "every derived
default is a documented modeling choice"); a parameter computed by a rule is
labelled ``derived`` in the provenance table, with the rule and its inputs,
and each input carries its own provenance. All rules are vectorized.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from coopgame._relocation import time_limited_receipts

__all__ = ["RULES", "Rule"]


@dataclass(frozen=True)
class Rule:
    inputs: tuple[str, ...]
    doc: str
    func: Callable[[Mapping[str, np.ndarray], Mapping[str, Any], tuple[str, ...]], np.ndarray]
    options: tuple[str, ...] = ()  # the keys ``options`` may hold (any other is refused, "did you mean")


def _vector(x: np.ndarray, n: int, name: str) -> np.ndarray:
    if x.shape != (n,):
        raise ValueError(f"{name} must have one value per player (shape ({n},)); got shape {x.shape}")
    return x


def _scalar(x: np.ndarray, name: str) -> float:
    if x.shape != ():
        raise ValueError(f"{name} must be a single number; got shape {x.shape}")
    return float(x)


def _gravity(args: Mapping[str, np.ndarray], opts: Mapping[str, Any], players: tuple[str, ...]) -> np.ndarray:
    # Gravity without distances (gravity_distance adds the decay): joint gains grow with both
    # sizes; dividing by the group total keeps the pair terms in the unit of x.
    x = _vector(args["x"], len(players), "x")
    out = _scalar(args["scale"], "scale") * np.outer(x, x) / x.sum()
    np.fill_diagonal(out, 0.0)
    return out


EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG), for great-circle distances."""


def _great_circle(args: Mapping[str, np.ndarray], opts: Mapping[str, Any], players: tuple[str, ...]) -> np.ndarray:
    # haversine on the sphere of mean radius: accurate to about 0.5 % against the ellipsoid, far below the
    # uncertainty of a "city centre". The cities are those the coordinates name (all the players, or some of
    # them: a tripartite model's two cities beside the centre)
    n = np.shape(args["latitude"])[0] if np.ndim(args["latitude"]) == 1 else len(players)
    lat = np.radians(_vector(args["latitude"], n, "latitude"))
    lon = np.radians(_vector(args["longitude"], n, "longitude"))
    if np.any(np.abs(args["latitude"]) > 90) or np.any(np.abs(args["longitude"]) > 180):
        raise ValueError("latitude must lie in [-90, 90] and longitude in [-180, 180] degrees")
    half = (np.sin((lat[:, None] - lat[None, :]) / 2) ** 2
            + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin((lon[:, None] - lon[None, :]) / 2) ** 2)
    out = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(half, 0.0, 1.0)))
    np.fill_diagonal(out, 0.0)
    return out


def _gravity_distance(args: Mapping[str, np.ndarray], opts: Mapping[str, Any],
                      players: tuple[str, ...]) -> np.ndarray:
    # Gravity with distance decay (DESIGN §2.1: s_ij ∝ x_i x_j / d_ij^γ). The decay weights are normalised so that
    # the group's total, Σ m_ij, is the one gravity without distances gives at the same scale: the decay moves
    # the gain from far pairs to near ones and scale keeps its meaning (the size of the group's joint gain).
    n = len(players)
    x = _vector(args["x"], n, "x")
    d = args["distance"]
    if d.shape != (n, n):
        raise ValueError(f"distance must be an {n}x{n} matrix; got shape {d.shape}")
    off = ~np.eye(n, dtype=bool)
    if np.any(d[off] <= 0):
        raise ValueError("distance must be positive between distinct cities (two cities at one place?)")
    decay = _scalar(args["decay"], "decay")
    if decay < 0:
        raise ValueError(f"decay must be >= 0; got {decay:g}")
    mass = np.outer(x, x)
    weight = np.zeros((n, n))
    weight[off] = d[off] ** -decay
    weight[off] *= mass[off].sum() / (mass[off] * weight[off]).sum()
    return _scalar(args["scale"], "scale") * mass / x.sum() * weight


def _gravity_commuting(args: Mapping[str, np.ndarray], opts: Mapping[str, Any],
                       players: tuple[str, ...]) -> np.ndarray:
    # gravity_distance inside a commuting circle: pairs farther apart than the cut-off (source 004: a metropolitan
    # circle is a one-hour commuting area) gain nothing, and the group's total is that of the pairs inside it
    n = len(players)
    cutoff = _scalar(args["cutoff"], "cutoff")
    if cutoff <= 0:
        raise ValueError(f"cutoff must be a positive distance; got {cutoff:g}")
    d = args["distance"]
    if d.shape != (n, n):
        raise ValueError(f"distance must be an {n}x{n} matrix; got shape {d.shape}")
    inside = (d <= cutoff) & ~np.eye(n, dtype=bool)
    if not inside.any():
        raise ValueError(f"no pair of cities lies within the cut-off of {cutoff:g}")
    full = _gravity_distance(args, opts, players)
    plain = _gravity({"x": args["x"], "scale": args["scale"]}, opts, players)
    kept = np.where(inside, full, 0.0)
    return kept * (plain[inside].sum() / kept.sum()) if kept.sum() > 0 else kept


def _gravity_scale_for_saving(args: Mapping[str, np.ndarray], opts: Mapping[str, Any],
                              players: tuple[str, ...]) -> np.ndarray:
    # Anchors a gravity term's size on a saving: the group's joint gain Σ_{i≠j} m_ij is the share saved on a
    # spending of rate * x. Gravity at scale a totals a ((Σx)² − Σx²) / Σx, and gravity_distance and
    # gravity_commuting keep that total, so the scale below holds for all three.
    x = _vector(args["x"], len(players), "x")
    share, rate = _scalar(args["share"], "share"), _scalar(args["rate"], "rate")
    if share < 0 or rate < 0:
        raise ValueError(f"share and rate must be >= 0; got {share:g} and {rate:g}")
    total, squares = float(x.sum()), float((x * x).sum())
    if total <= 0 or total * total - squares <= 0:
        raise ValueError("x must be positive for at least two cities")
    return np.asarray(share * rate * total * total / (total * total - squares))


def _exponential_decay(args: Mapping[str, np.ndarray], opts: Mapping[str, Any],
                       players: tuple[str, ...]) -> np.ndarray:
    # literature/04 F2: a spillover decays with distance as s_0 exp(-d / δ); x holds the s_0 (any leading
    # axes, e.g. one matrix per issue layer), distance the n x n matrix of the cities it names (all the players,
    # or some of them: a tripartite model's two cities)
    d, length = args["distance"], _scalar(args["length"], "length")
    n = d.shape[0] if d.ndim == 2 else len(players)
    if d.shape != (n, n):
        raise ValueError(f"distance must be an {n}x{n} matrix; got shape {d.shape}")
    if length <= 0:
        raise ValueError(f"length must be a positive distance; got {length:g}")
    x = args["x"]
    if x.shape[-2:] != (n, n):
        raise ValueError(f"x must end in an {n}x{n} matrix; got shape {x.shape}")
    return x * np.exp(-d / length)


def _proportional(args: Mapping[str, np.ndarray], opts: Mapping[str, Any], players: tuple[str, ...]) -> np.ndarray:
    return _scalar(args["rate"], "rate") * args["x"]


def _ratio(args: Mapping[str, np.ndarray], opts: Mapping[str, Any], players: tuple[str, ...]) -> np.ndarray:
    den = args["den"]
    if np.any(den == 0):
        raise ValueError("den must be non-zero")
    return args["num"] / den


def _per_log_gap(args: Mapping[str, np.ndarray], opts: Mapping[str, Any], players: tuple[str, ...]) -> np.ndarray:
    # A siphon rate per unit of log income gap, anchored on one sourced gap: the share drawn at that gap
    # divided by its log (literature/04 F2: siphoning grows with g = ln(Y_c / Y_p)).
    high, low = _scalar(args["high"], "high"), _scalar(args["low"], "low")
    if not (high > low > 0):
        raise ValueError(f"high and low must be incomes with high > low > 0; got {high:g} and {low:g}")
    return np.asarray(args["share"] / np.log(high / low))


def _siphon_gap(args: Mapping[str, np.ndarray], opts: Mapping[str, Any], players: tuple[str, ...]) -> np.ndarray:
    # literature/04 F2/F3: the flow a stronger city i draws from a weaker j grows with the log development
    # gap g = max(0, ln(y_i / y_j)) and with j's mobile base; only listed core cities siphon when given.
    n = len(players)
    y = _vector(args["y"], n, "y")
    base = _vector(args["base"], n, "base")
    if np.any(y <= 0):
        raise ValueError("y must be positive")
    gap = np.maximum(0.0, np.log(y[:, None] / y[None, :]))
    out = _scalar(args["rate"], "rate") * gap * base[None, :]
    cores = opts.get("cores")
    if cores is not None:
        if not isinstance(cores, list) or not all(isinstance(c, str) for c in cores):
            raise ValueError(f"options.cores must be a list of player names; got {cores!r}")
        unknown = [c for c in cores if c not in players]
        if unknown:
            raise ValueError(f"options.cores names unknown players {unknown}")
        keep = np.isin(np.array(players), np.array(cores))
        out[~keep, :] = 0.0
    np.fill_diagonal(out, 0.0)
    return out


def _siphon_gap_distance(args: Mapping[str, np.ndarray], opts: Mapping[str, Any],
                         players: tuple[str, ...]) -> np.ndarray:
    # literature/04 F2 whole: a periphery's siphon loss h_0 g + h_1 d grows with the log gap and with its remoteness
    # from the drawing city (the h_1 d term), both on j's mobile base; the remoteness term acts where the gap does
    # (a stronger city drawing from a weaker one), so two cities at the same level draw nothing from each other
    n = len(players)
    gap_part = _siphon_gap({k: args[k] for k in ("y", "base", "rate")}, opts, players)
    d = args["distance"]
    if d.shape != (n, n):
        raise ValueError(f"distance must be an {n}x{n} matrix; got shape {d.shape}")
    per_km = _scalar(args["per_distance"], "per_distance")
    if per_km < 0:
        raise ValueError(f"per_distance must be >= 0; got {per_km:g}")
    y = _vector(args["y"], n, "y")
    draws = (y[:, None] > y[None, :]) & (_siphon_gap({"y": y, "base": np.ones(n), "rate": np.asarray(1.0)}, opts,
                                                        players) > 0)
    return gap_part + np.where(draws, per_km * d * _vector(args["base"], n, "base")[None, :], 0.0)


def _fill(args: Mapping[str, np.ndarray], opts: Mapping[str, Any], players: tuple[str, ...]) -> np.ndarray:
    n = len(players)
    v = _scalar(args["value"], "value")
    shape = opts.get("shape", "vector")
    if shape == "vector":
        return np.full(n, v)
    if shape == "matrix":
        out = np.full((n, n), v)
        np.fill_diagonal(out, 0.0)
        return out
    raise ValueError(f"options.shape must be 'vector' or 'matrix'; got {shape!r}")


def _scale(args: Mapping[str, np.ndarray], opts: Mapping[str, Any], players: tuple[str, ...]) -> np.ndarray:
    return _scalar(args["factor"], "factor") * args["x"]


def _relocation_flow(args: Mapping[str, np.ndarray], opts: Mapping[str, Any],
                     players: tuple[str, ...]) -> np.ndarray:
    # Factors released by the cities in options.sources (base_j * rate) go to the other cities in
    # proportion to their attractiveness x_i: f_ij = rate * base_j * x_i / sum_{k not a source} x_k.
    n = len(players)
    x = _vector(args["x"], n, "x")
    base = _vector(args["base"], n, "base")
    sources = opts.get("sources")
    if not isinstance(sources, list) or not sources or any(not isinstance(s, str) or s not in players
                                                            for s in sources):
        raise ValueError(f"options.sources must list players; got {sources!r}")
    is_source = np.isin(np.array(players), np.array(sources))
    weight = np.where(is_source, 0.0, x)
    out = _scalar(args["rate"], "rate") * np.outer(weight / weight.sum(), np.where(is_source, base, 0.0))
    np.fill_diagonal(out, 0.0)
    return out


def _integer(x: np.ndarray, name: str, minimum: int, maximum: int = 10_000) -> int:
    v = _scalar(x, name)
    if not (np.isfinite(v) and v == int(v) and minimum <= v <= maximum):
        raise ValueError(f"{name} must be a whole number from {minimum} to {maximum}; got {v!r}")
    return int(v)


def _relocation_kept_share(args: Mapping[str, np.ndarray], opts: Mapping[str, Any],
                           players: tuple[str, ...]) -> np.ndarray:
    # The 2015 rule (coopgame._relocation.time_limited_receipts) applied to a representative firm paying `tax` a year before and
    # after the move (a constant stream: the cap is then 3 * tax) over `horizon` years: the in-region's share of
    # the present value of the firm's taxes, 1 - PV(O_t) / PV(tax) at `rate`. For a constant stream this is
    # also the annuity equivalent of what the in-region keeps, per unit of the yearly tax.
    tax = _scalar(args["tax"], "tax")
    if not tax > 0:
        raise ValueError(f"tax must be positive; got {tax!r}")
    share, threshold, rate = (_scalar(args[k], k) for k in ("share", "threshold", "rate"))
    if not 0 <= share <= 1:
        raise ValueError(f"share must lie in [0, 1]; got {share!r}")
    if not threshold >= 0:
        raise ValueError(f"threshold must be >= 0; got {threshold!r}")
    if not rate > -1:
        raise ValueError(f"rate must be > -1; got {rate!r}")
    horizon = _integer(args["horizon"], "horizon", 1)
    stream = np.full(horizon, tax)
    out, _ = time_limited_receipts(np.full(3, tax), stream, share, _integer(args["years"], "years", 0),
                                   _integer(args["extension_years"], "extension_years", 0), threshold)
    # discount factors (1 + r)^-t in log space; their common scale cancels in the ratio
    log_factor = -np.arange(1, horizon + 1) * np.log1p(rate)
    weight = np.exp(log_factor - log_factor.max())
    return np.asarray(1.0 - (out @ weight) / (stream @ weight))


RULES: dict[str, Rule] = {
    "relocation_flow": Rule(("x", "base", "rate"),
                            "f_ij = rate * base_j * x_i / sum of x over non-sources, for j in options.sources",
                            _relocation_flow, ("sources",)),
    "relocation_kept_share": Rule(("tax", "share", "years", "extension_years", "threshold", "rate", "horizon"),
                                  "in-region's share 1 - PV(O)/PV(tax) of a firm paying tax a year for horizon "
                                  "years under the 2015 rule (time_limited_receipts: share for years (+ extension_years "
                                  "below the cap of 3 pre-move years), only at or above threshold), at rate",
                                  _relocation_kept_share),
    "gravity": Rule(("x", "scale"), "m_ij = scale * x_i * x_j / sum(x), zero diagonal", _gravity),
    "great_circle": Rule(("latitude", "longitude"), "d_ij = great-circle distance in km (haversine, mean Earth "
                         "radius 6371.0088 km) between city centres given in degrees", _great_circle),
    "gravity_distance": Rule(("x", "scale", "distance", "decay"),
                             "m_ij = scale * x_i * x_j / sum(x) * w_ij, w_ij proportional to d_ij^-decay "
                             "and normalised so that sum m_ij is gravity's without distances (zero diagonal)", _gravity_distance),
    "proportional": Rule(("x", "rate"), "out_i = rate * x_i", _proportional),
    "ratio": Rule(("num", "den"), "out_i = num_i / den_i", _ratio),
    "siphon_gap": Rule(("y", "base", "rate"),
                       "f_ij = rate * max(0, ln(y_i / y_j)) * base_j (rows: options.cores only)", _siphon_gap,
                       ("cores",)),
    "siphon_gap_distance": Rule(("y", "base", "rate", "distance", "per_distance"),
                                "f_ij = (rate * max(0, ln(y_i / y_j)) + per_distance * d_ij) * base_j where y_i > y_j "
                                "(literature/04 F2: the gap and the remoteness terms; rows: options.cores only)",
                                _siphon_gap_distance, ("cores",)),
    "gravity_commuting": Rule(("x", "scale", "distance", "decay", "cutoff"),
                              "gravity_distance for the pairs at most cutoff apart (a commuting circle), 0 beyond; "
                              "the total is gravity's over the pairs inside", _gravity_commuting),
    "per_log_gap": Rule(("share", "high", "low"), "out = share / ln(high / low): a rate per unit of log income gap "
                        "that draws share at the gap between incomes high and low", _per_log_gap),
    "fill": Rule(("value",), "a constant vector, or matrix with zero diagonal (options.shape)", _fill, ("shape",)),
    "scale": Rule(("x", "factor"), "out = factor * x (any shape)", _scale),
    "gravity_scale_for_saving": Rule(("x", "share", "rate"),
                                     "the gravity scale at which the group's joint gain sum m_ij is share * rate * "
                                     "sum(x): a saving of share on a spending of rate * x", _gravity_scale_for_saving),
    "exponential_decay": Rule(("x", "distance", "length"),
                              "out_ij = x_ij * exp(-d_ij / length) (literature/04 F2: spillovers decay with "
                              "distance; x may hold one matrix per issue layer)", _exponential_decay),
}

"""Housing, assets and the welfare model: log per-capita consumption, linear in characteristics.

A household's latent wealth `w` drives its housing and assets (ordered draws, logistic assets), so
they are informative. Log monthly per-capita consumption is then

    log c = INTERCEPT + region effect (sub-district) + sum(COEFFICIENTS[f] * feature f) + e,
    e ~ N(0, NOISE_SD²), independent of everything else,

so the oracle E[log c | x] is exactly the linear part and least squares on a survey recovers it.
The features are functions of the exchange-format household columns plus household size, number of
children under 15, and the head's education and work sector (see `features`).
"""

import numpy as np

INTERCEPT = 13.25  # exp(13.25) ≈ Rp 570,000 per person and month
NOISE_SD = 0.30
REGION_EFFECT_SD = 0.10
COEFFICIENTS = {
    "log_household_size": -0.30,
    "n_children": -0.05,  # members under 15
    "head_education": 0.05,  # EDUCATION code 0-6
    "head_agriculture": -0.06,  # head works in sectors 1-6 (agriculture, fisheries, forestry)
    "fine_floor": 0.10,  # floor 1-4
    "poor_floor": -0.10,  # floor 7-8 (bamboo, earth)
    "non_masonry_wall": -0.08,  # wall other than 1
    "poor_roof": -0.06,  # roof 5-8
    "improved_water": 0.06,  # water 1-3 (bottled, refill, piped)
    "no_metered_power": -0.08,  # lighting other than 1
    "modern_fuel": 0.08,  # cooking fuel 1, 2, 3, 5
    "traditional_fuel": -0.10,  # cooking fuel 7-11
    "no_own_toilet": -0.08,  # toilet other than 1
    "not_owner": -0.03,  # tenure other than 1
    "log_floor_area_pc": 0.08,
    "has_gas_cylinder": 0.08, "has_refrigerator": 0.10, "has_ac": 0.20, "has_motorcycle": 0.08,
    "has_car": 0.30, "has_boat": 0.05, "has_gold": 0.10, "owns_land": 0.06,
    "livestock_capped": 0.03,  # min(livestock, 5)
}

# Ordered categorical draws: codes from poorest to richest, their shares, and how strongly they follow w.
LADDERS = {
    "floor_material": ((8, 7, 5, 6, 4, 2, 3, 1), (0.02, 0.01, 0.08, 0.30, 0.10, 0.47, 0.01, 0.01), 0.75),
    "wall_material": ((6, 4, 5, 3, 2, 1), (0.01, 0.02, 0.01, 0.25, 0.03, 0.68), 0.7),
    "roof_material": ((7, 6, 4, 3, 2, 1), (0.03, 0.02, 0.15, 0.55, 0.22, 0.03), 0.6),
    "water_source": ((9, 6, 5, 4, 3, 2, 1), (0.03, 0.10, 0.25, 0.25, 0.07, 0.25, 0.05), 0.6),
    "lighting": ((4, 3, 2, 1), (0.01, 0.02, 0.07, 0.90), 0.6),
    "cooking_fuel": ((10, 7, 4, 2, 3, 1), (0.08, 0.02, 0.75, 0.07, 0.06, 0.02), 0.7),
    "toilet": ((6, 4, 3, 2, 1), (0.05, 0.03, 0.04, 0.06, 0.82), 0.65),
    "tenure": ((3, 5, 2, 1, 4), (0.10, 0.01, 0.08, 0.80, 0.01), 0.2),
}
# Assets: P(yes) = logistic(a + b * w).
ASSETS = {
    "has_gas_cylinder": (-1.5, 1.2), "has_refrigerator": (0.2, 1.3), "has_ac": (-2.8, 1.5),
    "has_motorcycle": (1.8, 1.0), "has_car": (-3.2, 1.5), "has_boat": (-3.4, 0.2), "has_gold": (-1.0, 1.0),
    "owns_land": (-0.8, 0.6),
}
HOUSING_FIELDS = tuple(LADDERS) + ("floor_area_m2",)
ASSET_FIELDS = tuple(ASSETS) + ("livestock",)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def ordered_draw(rng, w, codes, shares, strength):
    """Draw codes whose shares match `shares`, ranked by strength * w + noise."""
    z = (w - w.mean()) / (w.std() or 1.0)
    s = strength * z + np.sqrt(1 - strength**2) * rng.standard_normal(len(w))
    cuts = np.quantile(s, np.cumsum(shares)[:-1]) if len(w) else np.array([])
    return np.asarray(codes, dtype=np.int16)[np.searchsorted(cuts, s)]


def draw_housing(rng, w, size, fisher) -> dict[str, np.ndarray]:
    """Draw housing and assets of households with latent wealth w, size and a fishing head."""
    out = {field: ordered_draw(rng, w, *spec) for field, spec in LADDERS.items()}
    area = np.exp(3.9 + 0.25 * w + 0.15 * np.log(size) + 0.3 * rng.standard_normal(len(w)))
    out["floor_area_m2"] = np.clip(np.round(area), 9, 600).astype(np.int32)
    for field, (a, b) in ASSETS.items():
        out[field] = (rng.random(len(w)) < _sigmoid(a + b * w)).astype(np.int8)
    out["has_boat"] = np.where(fisher, (rng.random(len(w)) < 0.6), out["has_boat"]).astype(np.int8)
    herd = rng.random(len(w)) < _sigmoid(-3.0 + 0.3 * w)
    out["livestock"] = np.where(herd, 1 + rng.poisson(1.5, len(w)), 0).astype(np.int16)
    return out


def features(hh: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Return the model's features from household columns (+ household_size, n_children, head_*)."""
    f = hh["floor_material"]
    fuel = hh["cooking_fuel"]
    size = hh["household_size"]
    out = {
        "log_household_size": np.log(size),
        "n_children": hh["n_children"],
        "head_education": hh["head_education"],
        "head_agriculture": np.isin(hh["head_work_sector"], (1, 2, 3, 4, 5, 6)),
        "fine_floor": np.isin(f, (1, 2, 3, 4)),
        "poor_floor": np.isin(f, (7, 8)),
        "non_masonry_wall": hh["wall_material"] != 1,
        "poor_roof": np.isin(hh["roof_material"], (5, 6, 7, 8)),
        "improved_water": np.isin(hh["water_source"], (1, 2, 3)),
        "no_metered_power": hh["lighting"] != 1,
        "modern_fuel": np.isin(fuel, (1, 2, 3, 5)),
        "traditional_fuel": np.isin(fuel, (7, 8, 9, 10, 11)),
        "no_own_toilet": hh["toilet"] != 1,
        "not_owner": hh["tenure"] != 1,
        "log_floor_area_pc": np.log(hh["floor_area_m2"] / size),
        "livestock_capped": np.minimum(hh["livestock"], 5),
    }
    out.update({a: hh[a] for a in ASSETS})
    return {k: np.asarray(v, dtype=np.float64) for k, v in out.items()}


def expected_log_consumption(hh: dict[str, np.ndarray], region_effect: np.ndarray) -> np.ndarray:
    """Return the oracle E[log c | x]: intercept + region effect + linear features."""
    feats = features(hh)
    total = INTERCEPT + region_effect
    for name, coef in COEFFICIENTS.items():
        total = total + coef * feats[name]
    return total


def model_description(sub_codes, region_effects) -> dict:
    """Return the welfare model as JSON-ready data (written to truth/welfare_model.json)."""
    return {"outcome": "log monthly per-capita consumption (rupiah)", "intercept": INTERCEPT,
            "noise_sd": NOISE_SD, "coefficients": COEFFICIENTS,
            "region_effects": {str(c): round(float(e), 6) for c, e in zip(sub_codes, region_effects, strict=True)},
            "region_level": "sub-district (first 6 digits of region_code)"}

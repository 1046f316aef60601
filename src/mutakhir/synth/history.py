"""What changed between the registry snapshot and REF_DATE: splits, moves, upgrades, members' work.

The snapshot state starts as a copy of the current state; each event below then makes exactly one kind
of difference, so a household without events is identical in both (what "unchanged" means).
"""

import numpy as np

from . import params as P
from .welfare import ASSET_FIELDS, ASSETS, LADDERS


def choose_splits(rng: np.random.Generator, hh: dict[str, np.ndarray]) -> np.ndarray:
    """Pair young couples with a parents' household they lived in at the snapshot; return parent index or -1."""
    n = len(hh["w"])
    parent = np.full(n, -1, dtype=np.int64)
    married_male_head = ~hh["head_female"] & hh["has_spouse"]
    young = married_male_head & np.isin(hh["htype"], (1, 2)) & (hh["head_age"] < 36) & (
        rng.random(n) < P.EVENT_RATES["split"])
    elder = married_male_head & np.isin(hh["htype"], (2, 4)) & (hh["head_age"] >= 45) & (hh["head_age"] <= 75) & ~young
    for e in range(len(P.ETHNIC)):
        ys = rng.permutation(np.flatnonzero(young & (hh["ethnic"] == e)))
        ps = rng.permutation(np.flatnonzero(elder & (hh["ethnic"] == e)))
        k = min(len(ys), len(ps))
        ys, ps = ys[:k], ps[:k]
        gap = hh["head_age"][ps] - hh["head_age"][ys]
        ok = (gap >= 18) & (gap <= 45)
        parent[ys[ok]] = ps[ok]
    return parent


def _step_down(rng, values, field):
    """Return a different, mostly poorer code of a ladder field (the household upgraded since)."""
    codes = np.asarray(LADDERS[field][0])
    rank = np.zeros(int(codes.max()) + 1, dtype=np.int64)
    rank[codes] = np.arange(len(codes))
    pos = rank[values]
    down = np.where(pos > 0, pos - 1, pos + 1)
    up = np.where(pos < len(codes) - 1, pos + 1, pos - 1)
    return codes[np.where(rng.random(len(values)) < 0.8, down, up)]


def snapshot_households(rng: np.random.Generator, hh: dict[str, np.ndarray], n_villages: int,
                        address: np.ndarray, alt_address: np.ndarray) -> dict[str, np.ndarray]:
    """Return the snapshot copy of household fields and the event flags of each household."""
    n = len(hh["w"])
    y = hh["parent"] >= 0
    rates = P.EVENT_RATES
    s = {"address_change": ~y & (rng.random(n) < rates["address"]),
         "housing_change": ~y & (rng.random(n) < rates["housing"]),
         "assets_change": ~y & (rng.random(n) < rates["assets"])}
    moved = s["address_change"]
    other_village = (hh["village"] + 1 + rng.integers(0, max(n_villages - 1, 1), n)) % max(n_villages, 1)
    s["village"] = np.where(moved & (n_villages > 1), other_village, hh["village"]).astype(np.int32)
    s["address"] = np.where(moved, alt_address, address)
    s["rt"] = hh["rt"].copy()
    s["rw"] = hh["rw"].copy()
    s["rt"][moved] = (s["rt"][moved] % 12) + 1
    for field in tuple(LADDERS) + ("floor_area_m2",) + ASSET_FIELDS:
        s[field] = hh[field].copy()
    fields = tuple(LADDERS) + ("floor_area_m2",)
    which = rng.integers(0, len(fields), n)
    second = rng.random(n) < 0.3
    for k, field in enumerate(fields):
        hit = s["housing_change"] & ((which == k) | (second & ((which + 1) % len(fields) == k)))
        if not hit.any():
            continue
        if field == "floor_area_m2":
            s[field][hit] = np.maximum(9, hh[field][hit] - 6 - rng.integers(0, 20, hit.sum()))
        else:
            s[field][hit] = _step_down(rng, hh[field][hit], field)
    assets = tuple(ASSETS) + ("livestock",)
    which = rng.integers(0, len(assets), n)
    for k, field in enumerate(assets):
        hit = s["assets_change"] & (which == k)
        if field == "livestock":
            s[field][hit] = np.where(hh[field][hit] > 0, hh[field][hit] - 1, 2)
        else:
            s[field][hit] = 1 - hh[field][hit]
    return s

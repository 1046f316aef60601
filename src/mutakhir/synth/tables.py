"""Column helpers: ids, zero-padded text and nullable codes as pyarrow arrays; the exchange columns."""

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .welfare import ASSET_FIELDS, HOUSING_FIELDS

HOUSEHOLD_COLUMNS = ("household_id", "region_code", "address", "rt", "rw", "floor_area_m2", "floor_material",
                     "wall_material", "roof_material", "water_source", "lighting", "cooking_fuel", "toilet", "tenure",
                     "has_gas_cylinder", "has_refrigerator", "has_ac", "has_motorcycle", "has_car", "has_boat",
                     "has_gold", "owns_land", "livestock")
MEMBER_COLUMNS = ("record_id", "household_id", "nik", "kk", "name", "sex", "birth_date", "birth_place", "relation",
                  "education", "work_status", "work_sector", "disability", "chronic_illness", "pregnant")
MEMBER_CODES = ("education", "work_status", "work_sector", "disability", "chronic_illness", "pregnant")
CHARACTERISTICS = HOUSING_FIELDS + ASSET_FIELDS


def padded(values: np.ndarray, width: int) -> pa.Array:
    """Return integers as zero-padded text."""
    return pc.utf8_lpad(pa.array(np.asarray(values, dtype=np.int64)).cast(pa.string()), width=width, padding="0")


def ids(prefix: str, numbers: np.ndarray, width: int = 7) -> pa.Array:
    """Return ids like R0000001 for 1-based numbers."""
    return pc.binary_join_element_wise(pa.scalar(prefix), padded(numbers, width), "")


def sub_ids(parent: pa.Array, numbers: np.ndarray) -> pa.Array:
    """Return member ids like R0000001-01."""
    return pc.binary_join_element_wise(parent, padded(numbers, 2), "-")


def rank_within(groups: np.ndarray) -> np.ndarray:
    """Return 1, 2, 3... within runs of equal, already grouped values."""
    idx = np.arange(len(groups))
    starts = np.r_[True, groups[1:] != groups[:-1]] if len(groups) else np.array([], dtype=bool)
    return idx - np.maximum.accumulate(np.where(starts, idx, 0)) + 1


def numbers_text(values: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    """Return 16-digit numbers (NIK, KK) as text, null where `missing`."""
    text = pa.array(np.asarray(values, dtype=np.int64)).cast(pa.string())
    if missing is None:
        return text
    return pc.if_else(pa.array(missing), pa.scalar(None, pa.string()), text)


def codes(values: np.ndarray) -> pa.Array:
    """Return a nullable integer column (negative = unknown)."""
    values = np.asarray(values)
    return pa.array(values.astype(np.int64), mask=values < 0)


def dates(values: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(values, dtype="datetime64[D]"), type=pa.date32())


def household_columns(state: dict, rows: np.ndarray, village_codes: np.ndarray) -> dict[str, pa.Array]:
    """Return the exchange household columns (without household_id) of `rows` of a state dict."""
    out = {"region_code": pa.array(village_codes[state["village"][rows]]),
           "address": pa.array(state["address"][rows], type=pa.string()),
           "rt": padded(state["rt"][rows], 3), "rw": padded(state["rw"][rows], 3)}
    for field in CHARACTERISTICS:
        out[field] = pa.array(np.asarray(state[field][rows], dtype=np.int64))
    return out

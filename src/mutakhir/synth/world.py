"""Build the whole synthetic district: households and persons now and at the snapshot, ids, welfare."""

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from faker.providers.address.id_ID import Provider as _FakerAddress

from . import names as N
from . import params as P
from .area import Area
from .attributes import draw_attributes
from .history import choose_splits, snapshot_households
from .identity import make_kk, make_nik
from .population import (
    CHILD,
    CINLAW,
    CURRENT_ROLES,
    DEAD_HUSBAND,
    FAMILY,
    GCHILD,
    HEAD,
    HELP,
    MCHILD,
    MOVED_OUT,
    OTHER,
    PARENT,
    REL_S,
    REL_T,
    SPOUSE,
    birth_dates,
    build_households,
    build_persons,
)
from .welfare import NOISE_SD, REGION_EFFECT_SD, draw_housing, expected_log_consumption

OUTSIDE_SUBS = np.array([197101, 197102, 197104, 167101, 167105, 120201, 120206, 337401, 337403, 317101])
OUTSIDE_PLACES = ["Pangkalpinang", "Palembang", "Jakarta", "Medan", "Padang", "Lampung", "Tanjungpandan", "Muntok"]
ORIGIN_PLACES = {N.JAVANESE: ["Semarang", "Yogyakarta", "Klaten", "Wonogiri", "Kebumen", "Surabaya"],
                 N.BATAK: ["Tarutung", "Medan", "Balige", "Sibolga", "Pematangsiantar"]}
DUSUN = ("Air Ruay", "Pangkal Niur", "Sinar Jaya", "Sido Makmur", "Simpang", "Lubuk", "Parit", "Kampung Baru",
         "Tanjung", "Bukit", "Sungai Asam", "Jelutung", "Mapur", "Limang", "Cengkong", "Air Duren", "Rebo",
         "Pasir Putih", "Air Hitam", "Kemuja")
STREETS = tuple(_FakerAddress.streets) + ("Sudirman", "Ahmad Yani", "Depati Amir", "Depati Bahrin", "Batin Tikal",
                                          "Pahlawan 12", "Muhidin", "Raya Sungailiat")


@dataclass
class World:
    area: Area
    hh: dict  # households on REF_DATE (index = household number)
    pp: dict  # persons, sorted by household
    snap: dict  # household fields at the snapshot + event flags
    region_effects: np.ndarray


def _addresses(rng, n):
    kind = rng.random(n) < 0.4
    street = rng.integers(0, len(STREETS), n)
    number = rng.integers(1, 120, n)
    dusun = rng.integers(0, len(DUSUN), n)
    return np.array([f"Jl. {STREETS[s]} No. {k}" if j else f"Dusun {DUSUN[d]}"
                     for j, s, k, d in zip(kind.tolist(), street.tolist(), number.tolist(), dusun.tolist(),
                                           strict=True)], dtype=object)


def _dates_between(rng, start, end, n):
    span = int((end - start).astype(np.int64))
    return start + rng.integers(0, max(span, 1), n).astype("timedelta64[D]")


def build_world(rng: np.random.Generator, n: int, area: Area, step=lambda note: None) -> World:
    """Draw every household and person of the district (see the module docs of each part)."""
    n_sub = len(area.sub_codes)
    sub_shift = 0.25 * rng.standard_normal(n_sub)
    region_effects = np.round(REGION_EFFECT_SD * rng.standard_normal(n_sub), 6)
    hh = build_households(rng, n, len(area.village_codes), sub_shift, area.village_sub)
    hh["parent"] = choose_splits(rng, hh)
    pp = build_persons(rng, hh)
    pp["birth_date"], pp["twin"] = birth_dates(rng, pp)
    step("households and persons")
    h, role = pp["hh"], pp["role"]
    m = len(h)
    y_person = hh["parent"][h] >= 0
    pp["moved_in"] = np.isin(role, (HELP, OTHER)) & ((rng.random(m) < P.EVENT_RATES["moved_in"]) | y_person)
    pp["in_t"] = role < CURRENT_ROLES
    pp["in_s"] = (pp["birth_date"] <= P.SNAPSHOT_DATE) & ~pp["moved_in"]
    pp["newborn_unregistered"] = pp["in_t"] & (pp["birth_date"] > P.REF_DATE - np.timedelta64(120, "D")) & (
        rng.random(m) < P.EVENT_RATES["newborn_unregistered"])
    pp["rel_t"] = REL_T[role]
    rel_s = REL_S[role].copy()
    rel_s[(role == HEAD) & hh["dead_husband"][h]] = 2
    rel_s = np.where(y_person, np.select([role == HEAD, role == SPOUSE], [3, 4], default=5), rel_s)
    pp["rel_s"] = rel_s.astype(np.int8)
    pp["family"] = FAMILY[role]
    birth_year = pp["birth_date"].astype("datetime64[Y]").astype(np.int64) + 1970
    pp.update(draw_attributes(rng, age=pp["age"], male=pp["male"], w=hh["w"][h], is_head=role == HEAD,
                              is_spouse=np.isin(role, (SPOUSE, CINLAW)), birth_year=birth_year))
    change = pp["in_t"] & pp["in_s"] & (pp["age"] >= 18) & (rng.random(m) < P.EVENT_RATES["member_details"] / 2)
    pp["work_status_s"] = np.where(change, np.where(pp["work_status"] == 0, 5, 0), pp["work_status"]).astype(np.int8)
    pp["work_sector_s"] = np.where(change, np.where(pp["work_status"] == 0, 3, -1), pp["work_sector"]).astype(np.int8)
    step("member details")

    cur = pp["in_t"]
    hh["household_size"] = np.bincount(h[cur], minlength=n)
    hh["n_children"] = np.bincount(h[cur & (pp["age"] < 15)], minlength=n)
    head_row = np.searchsorted(h, np.arange(n))
    hh["head_education"] = pp["education"][head_row]
    hh["head_work_sector"] = pp["work_sector"][head_row]
    hh.update(draw_housing(rng, hh["w"], hh["household_size"], hh["head_work_sector"] == 4))
    hh["expected_log_consumption_pc"] = expected_log_consumption(hh, region_effects[area.village_sub[hh["village"]]])
    hh["log_consumption_pc"] = hh["expected_log_consumption_pc"] + NOISE_SD * rng.standard_normal(n)
    hh["address"] = _addresses(rng, n)
    hh["rt"] = rng.integers(1, 16, n).astype(np.int16)
    hh["rw"] = rng.integers(1, 6, n).astype(np.int16)
    step("housing and welfare")

    snap = snapshot_households(rng, hh, len(area.village_codes), hh["address"], _addresses(rng, n))
    y = hh["parent"] >= 0
    snap["village"] = np.where(y, snap["village"][np.maximum(hh["parent"], 0)], snap["village"])
    hh["unit"] = np.where(y, hh["parent"], np.arange(n))
    units = np.flatnonzero(~y)
    score = hh["log_consumption_pc"][units] + P.REGISTRY_NOISE_SD * rng.standard_normal(len(units))
    chosen = units[np.argsort(score, kind="stable")[: round(P.REGISTRY_SHARE * len(units))]]
    order = np.lexsort((rng.random(len(chosen)), snap["village"][chosen]))
    hh["registry_no"] = np.full(n, -1, dtype=np.int64)  # 1-based number of the registry household (unit)
    hh["registry_no"][chosen[order]] = np.arange(1, len(chosen) + 1)
    step("snapshot and registry selection")

    _identity_numbers(rng, hh, pp, snap, area)
    _names_and_places(rng, hh, pp, area, birth_year)
    step("names and identity numbers")
    return World(area=area, hh=hh, pp=pp, snap=snap, region_effects=region_effects)


def _identity_numbers(rng, hh, pp, snap, area):
    n, h = len(hh["w"]), pp["hh"]
    sub_int = area.sub_codes.astype(np.int64)
    y = hh["parent"] >= 0
    sub_s = sub_int[area.village_sub[snap["village"]]]
    sub_t = sub_int[area.village_sub[hh["village"]]]
    old_kk = _dates_between(rng, np.datetime64("2008-01-01"), P.SNAPSHOT_DATE - np.timedelta64(30, "D"), n)
    new_kk = _dates_between(rng, P.SNAPSHOT_DATE + np.timedelta64(30, "D"), P.REF_DATE - np.timedelta64(10, "D"), n)
    helpers = np.flatnonzero(pp["family"] == 2)
    regions = np.concatenate([np.where(y, sub_t, sub_s), sub_s, OUTSIDE_SUBS[rng.integers(0, 10, len(helpers))]])
    dates = np.concatenate([np.where(y, new_kk, old_kk),
                            old_kk + rng.integers(0, 300, n).astype("timedelta64[D]"),
                            _dates_between(rng, np.datetime64("2008-01-01"), P.SNAPSHOT_DATE, len(helpers))])
    kk = make_kk(regions, dates)
    kk_main, kk_second, kk_own = kk[:n], kk[n:2 * n], kk[2 * n:]
    fam = pp["family"]
    kk_t = np.where(fam == 0, kk_main[h], kk_second[h])
    kk_t[helpers] = kk_own
    pp["kk_t"] = kk_t
    pp["kk_s"] = np.where(y[h], kk_main[np.maximum(hh["parent"], 0)][h], kk_t)
    nik_region = np.where(pp["moved_in"], OUTSIDE_SUBS[rng.integers(0, 10, len(h))],
                          np.where(pp["in_s"], sub_s[hh["unit"][h]], sub_t[h]))
    pp["nik"] = make_nik(nik_region, pp["birth_date"], ~pp["male"])


def _names_and_places(rng, hh, pp, area, birth_year):
    h, role, m = pp["hh"], pp["role"], len(pp["hh"])
    tokens = N.household_tokens(rng, hh["ethnic"])
    y = hh["parent"] >= 0
    for key in ("clan", "last"):  # a split-off son carries his father's clan
        tokens[key] = np.where(y, tokens[key][np.maximum(hh["parent"], 0)], tokens[key])
    male = pp["male"]
    patrilineal = (np.isin(role, (CHILD, MCHILD, GCHILD, DEAD_HUSBAND, MOVED_OUT))
                   | (np.isin(role, (HEAD, PARENT)) & male))
    patriarch = ((role == HEAD) & male) | (role == DEAD_HUSBAND)
    bin_form = np.isin(role, (CHILD, MCHILD, MOVED_OUT)) & (rng.random(m) < 0.25)
    pp["name"] = N.person_names(rng, ethnic=hh["ethnic"][h], male=male, birth_year=birth_year,
                                patrilineal=patrilineal, patriarch=patriarch, bin_form=bin_form,
                                clan=tokens["clan"][h], last=tokens["last"][h], father=tokens["patriarch"][h])
    district = area.district_name.removeprefix("Kabupaten ").removeprefix("Kota ")
    pool = [district, *area.sub_names.tolist(), *area.village_names.tolist(), *OUTSIDE_PLACES]
    n_sub, n_vil = len(area.sub_names), len(area.village_names)
    off_out = 1 + n_sub + n_vil
    origin_start = {}
    for e, places in ORIGIN_PLACES.items():
        origin_start[e] = (len(pool), len(places))
        pool += places
    r = rng.random(m)
    village = hh["village"][h]
    local = np.select([r < 0.5, r < 0.75, r < 0.9], [1 + area.village_sub[village], 0, 1 + n_sub + village],
                      default=off_out)
    place = np.where(pp["moved_in"] & (rng.random(m) < 0.8), off_out + rng.integers(0, len(OUTSIDE_PLACES), m), local)
    for e, (start, k) in origin_start.items():
        pick = (hh["ethnic"][h] == e) & (birth_year < 1985) & (rng.random(m) < 0.6)
        place = np.where(pick, start + rng.integers(0, k, m), place)
    pp["birth_place"] = pa.array(pool, type=pa.string()).take(pa.array(place))
    pp["name_upper"] = pc.utf8_upper(pp["name"])
    pp["birth_place_upper"] = pc.utf8_upper(pp["birth_place"])

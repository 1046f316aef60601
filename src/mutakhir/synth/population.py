"""Households and their people on REF_DATE, plus the people who left since the snapshot.

Everything is a dict of equal-length numpy arrays ("columns"); persons point at their household by
index (`hh`). A person's `role` says how it came to be in the household; the people who died or left
the district since the snapshot carry roles that are not part of the household on REF_DATE.
"""

import numpy as np

from . import params as P

HEAD, SPOUSE, CHILD, MCHILD, CINLAW, GCHILD, PARENT, HELP, OTHER, DEAD_HUSBAND, DEAD_PARENT, MOVED_OUT = range(12)
CURRENT_ROLES = 9  # roles below this are in the household on REF_DATE
REL_T = np.array([1, 2, 3, 3, 4, 5, 6, 7, 8, 0, 0, 0], dtype=np.int8)  # relation to head on REF_DATE
REL_S = np.array([1, 2, 3, 3, 4, 5, 6, 7, 8, 1, 6, 3], dtype=np.int8)  # ... at the snapshot
FAMILY = np.array([0, 0, 0, 1, 1, 1, 0, 2, 0, 0, 0, 0], dtype=np.int8)  # 0 main KK, 1 second family, 2 own KK

HEAD_AGE = ((20, 85), (21, 80), (24, 62), (28, 70), (28, 58), (46, 76))  # by household type
FEMALE_HEAD_P = np.array((0.40, 0.03, 0.03, 0.80, 0.05, 0.12))
SPOUSE_TYPES = np.array((False, True, True, False, True, True))


def _u(rng, lo, hi):
    return lo + (hi - lo) * rng.random(len(lo) if np.ndim(lo) else np.broadcast(lo, hi).size)


def build_households(rng: np.random.Generator, n: int, n_villages: int, sub_shift: np.ndarray,
                     village_sub: np.ndarray) -> dict[str, np.ndarray]:
    """Draw village, ethnicity, type, latent wealth and the member counts of n households."""
    size_weights = rng.gamma(2.0, 1.0, n_villages)
    village = np.sort(rng.choice(n_villages, n, p=size_weights / size_weights.sum())).astype(np.int32)
    ethnic = rng.choice(len(P.ETHNIC), n, p=P.ETHNIC_P).astype(np.int8)
    htype = rng.choice(len(P.TYPE_P), n, p=P.TYPE_P).astype(np.int8)
    w = rng.standard_normal(n) + np.asarray(P.ETHNIC_SHIFT)[ethnic] + sub_shift[village_sub[village]]
    lo = np.array([a for a, _ in HEAD_AGE])[htype]
    hi = np.array([b for _, b in HEAD_AGE])[htype]
    head_age = lo + (hi - lo) * rng.random(n)
    old_couple = (htype == 1) & (rng.random(n) < 0.5)
    head_age = np.where(old_couple, 50 + 30 * rng.random(n), np.where(htype == 1, 21 + 11 * rng.random(n), head_age))
    head_female = rng.random(n) < FEMALE_HEAD_P[htype]
    has_spouse = SPOUSE_TYPES[htype] & ~head_female
    spouse_age = np.clip(head_age - 4 + 3 * rng.standard_normal(n), 18, 95)
    mother_age = np.where(has_spouse, spouse_age, head_age - 3 * ~head_female)
    lam = np.array((0, 0, 1.2, 0.8, 1.3, 0.4))[htype]
    n_child = np.where(np.isin(htype, (2, 3)), 1, 0) + rng.poisson(lam)
    n_child = np.where(mother_age < 19, 0, np.minimum(n_child, 7))
    two_fam = htype == 5
    mchild_age = np.clip(mother_age - 20 - 12 * rng.random(n), 20, 45)
    mchild_male = rng.random(n) < 0.5
    cinlaw = two_fam & (rng.random(n) < 0.9)
    cinlaw_age = np.clip(mchild_age + np.where(mchild_male, -3, 3) + 2 * rng.standard_normal(n), 18, 60)
    young_parent = np.where(cinlaw, np.minimum(mchild_age, cinlaw_age), mchild_age)
    n_gchild = np.where(two_fam & (young_parent >= 19), np.minimum(rng.poisson(1.3, n), 5), 0)
    n_parent = np.where(htype == 4, 1 + (rng.random(n) < 0.35), 0)
    r = P.EVENT_RATES
    return {
        "village": village, "ethnic": ethnic, "htype": htype, "w": w, "head_age": head_age,
        "head_female": head_female, "has_spouse": has_spouse, "spouse_age": spouse_age, "mother_age": mother_age,
        "n_child": n_child, "two_fam": two_fam, "mchild_age": mchild_age, "mchild_male": mchild_male,
        "cinlaw": cinlaw, "cinlaw_age": cinlaw_age, "young_parent": young_parent, "n_gchild": n_gchild,
        "n_parent": n_parent,
        "help": rng.random(n) < 1 / (1 + np.exp(-(1.5 * w - 5.5))),
        "other": rng.random(n) < 0.03,
        "dead_parent": (htype == 4) & (rng.random(n) < r["dead_parent"]),
        "dead_husband": head_female & (head_age >= 50) & ~has_spouse & (rng.random(n) < r["dead_husband"]),
        "moved_out": (head_age >= 45) & (head_age <= 75) & (mother_age >= 40) & (rng.random(n) < r["moved_out"]),
    }


def build_persons(rng: np.random.Generator, hh: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Expand household counts into persons with role, sex and age (years on REF_DATE), sorted."""
    n = len(hh["w"])
    counts = {
        HEAD: np.ones(n, dtype=np.int64), SPOUSE: hh["has_spouse"], CHILD: hh["n_child"], MCHILD: hh["two_fam"],
        CINLAW: hh["cinlaw"], GCHILD: hh["n_gchild"], PARENT: hh["n_parent"], HELP: hh["help"],
        OTHER: hh["other"], DEAD_HUSBAND: hh["dead_husband"], DEAD_PARENT: hh["dead_parent"],
        MOVED_OUT: hh["moved_out"],
    }
    idx_parts, role_parts = [], []
    for role, count in counts.items():
        idx = np.repeat(np.arange(n, dtype=np.int64), np.asarray(count, dtype=np.int64))
        idx_parts.append(idx)
        role_parts.append(np.full(len(idx), role, dtype=np.int8))
    h = np.concatenate(idx_parts)
    role = np.concatenate(role_parts)
    m = len(h)
    u = rng.random(m)
    g = {k: v[h] for k, v in hh.items() if k in ("head_age", "spouse_age", "mother_age", "mchild_age",
                                                 "cinlaw_age", "young_parent", "head_female", "mchild_male")}
    age = np.select(
        [role == HEAD, role == SPOUSE, role == CHILD, role == MCHILD, role == CINLAW, role == GCHILD,
         role == PARENT, role == HELP, role == OTHER, role == DEAD_HUSBAND, role == DEAD_PARENT],
        [g["head_age"], g["spouse_age"], u * np.clip(g["mother_age"] - 18, 0, 28), g["mchild_age"],
         g["cinlaw_age"], u * np.clip(g["young_parent"] - 18, 0, 20), np.minimum(g["head_age"] + 20 + 12 * u, 98),
         18 + 32 * u, 8 + 62 * u, g["head_age"] + 8 * u, np.minimum(g["head_age"] + 25 + 10 * u, 100)],
        default=np.clip(19 + 11 * u, 19, g["mother_age"] - 18),  # moved out: an adult child
    )
    coin = rng.random(m) < 0.51
    first_parent = np.r_[True, (h[1:] != h[:-1]) | (role[1:] != role[:-1])]
    male = np.select(
        [role == HEAD, role == SPOUSE, role == MCHILD, role == CINLAW, role == PARENT, role == HELP,
         role == DEAD_HUSBAND],
        [~g["head_female"], g["head_female"], g["mchild_male"], ~g["mchild_male"],
         np.where(first_parent, rng.random(m) < 0.3, True), rng.random(m) < 0.15, True],
        default=coin,
    )
    order = np.lexsort((-age, role, h))
    return {"hh": h[order], "role": role[order], "age": age[order], "male": male[order]}


def birth_dates(rng: np.random.Generator, pp: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Return birth dates from ages, and which children are twins of the child before them (ages updated)."""
    days = np.round(pp["age"] * 365.25).astype(np.int64)
    bd = P.REF_DATE - days.astype("timedelta64[D]")
    h, role = pp["hh"], pp["role"]
    twin = np.r_[False, (h[1:] == h[:-1]) & (role[1:] == CHILD) & (role[:-1] == CHILD)]
    twin &= rng.random(len(h)) < P.EVENT_RATES["twins"]
    # a twin copies its elder sibling's date; chains of three stay rare enough to ignore
    prev = np.r_[bd[:1], bd[:-1]]
    pp["age"] = np.where(twin, np.r_[pp["age"][:1], pp["age"][:-1]], pp["age"])
    # same sex too, so that the twins' NIKs differ only in the serial
    pp["male"] = np.where(twin, np.r_[pp["male"][:1], pp["male"][:-1]], pp["male"])
    return np.where(twin, prev, bd), twin

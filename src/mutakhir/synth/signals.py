"""A synthetic registry with agency extracts and planted contradictions, for the verivali signals benchmark.

`generate()` returns households, members and their desil, four extracts in the layouts of
docs/verivali.md, and the truth: the (household ID, rule) pairs planted as contradictions. Everything
else in the extracts agrees with the registry, including look-alikes that must not be flagged (one
power step up, a motorcycle on record, PBI or class-3 members, large vehicles in high desil). The
extracts also carry what real ones carry: people outside the registry, people of another district,
mistyped NIKs, and duplicate rows.
"""

import random
from dataclasses import dataclass, field

POWER_VA = {1: 450, 2: 900, 3: 1300, 4: 2200, 5: 3500}
TARIFF = {450: "R1", 900: "R1", 1300: "R1", 2200: "R1", 3500: "R2", 5500: "R2", 6600: "R3"}
PLANT = {"power_higher": 0.02, "electrified": 0.005, "power_desil": 0.01, "car": 0.015, "motorcycle": 0.02,
         "vehicle_desil": 0.005, "civil_servant": 0.005, "paid_insurance": 0.01}
NOISE = {"mistyped": 0.01, "duplicate": 0.001, "other_district": 0.02}


@dataclass
class World:
    households: list[tuple] = field(default_factory=list)  # id, village, power, lighting, car, motorcycle
    members: list[tuple] = field(default_factory=list)  # record, household, nik, kk, name, relation, work_status
    desil: dict[str, int] = field(default_factory=dict)
    extracts: dict[str, list[list]] = field(default_factory=dict)
    truth: set[tuple[str, str]] = field(default_factory=set)


class Numbers:
    """Unique 16-digit NIK and KK numbers of a district's sub-districts."""

    def __init__(self, rng: random.Random):
        self.rng, self.used = rng, set()

    def nik(self, sub6: str, female: bool) -> str:
        while True:
            day = self.rng.randint(1, 28) + (40 if female else 0)
            value = f"{sub6}{day:02d}{self.rng.randint(1, 12):02d}{self.rng.randint(0, 99):02d}" \
                    f"{self.rng.randint(1, 9999):04d}"
            if value not in self.used:
                self.used.add(value)
                return value


def _mistype(nik: str, rng: random.Random) -> str:
    i = rng.randint(12, 15)
    return nik[:i] + str((int(nik[i]) + rng.randint(1, 9)) % 10) + nik[i + 1:]


def generate(villages: list[str], members: int, seed: int = 9, outsiders: str = "190201") -> World:
    """Return a registry of about `members` people in `villages` with planted agency contradictions."""
    rng, world = random.Random(seed), World()
    numbers = Numbers(rng)
    plans = {k: [] for k in ("electricity", "vehicle", "payroll", "health")}
    n = 0
    while len(world.members) < members:
        n += 1
        hid, village = f"S{n:07d}", rng.choice(villages)
        power = rng.choice([1, 1, 2, 2, 2, 3, 4])
        lighting = 1 if rng.random() < 0.9 else 2
        car, motorcycle = rng.random() < 0.05, rng.random() < 0.6
        desil = rng.choice([1, 1, 2, 2, 3, 3, 4, 4, 5, 6, 7, 8, 9, 10])
        kk = numbers.nik(village[:6], False)
        size = rng.choice([1, 2, 3, 3, 4, 4, 4, 5, 5, 7])
        people = []
        for i in range(size):
            nik = numbers.nik(village[:6], i % 2 == 1)
            people.append(nik)
            world.members.append((f"{hid}-{i + 1}", hid, nik, kk, f"Warga {n} {i + 1}", 1 if i == 0 else 3,
                                  rng.choice([0, 1, 4, 5])))
        head = people[0]
        planted = {rule for rule, rate in PLANT.items() if rng.random() < rate}
        if "power_desil" in planted:
            planted.discard("power_higher")  # one electricity contradiction per household
        if "power_higher" in planted:
            power = rng.choice([1, 2, 3])
        if "electrified" in planted:
            lighting = 4
        if "power_desil" in planted:
            desil = rng.randint(1, 4)
            power = rng.choice([4, 5])  # recorded high too: only the desil disagrees
        if "vehicle_desil" in planted or "paid_insurance" in planted and rng.random() < 0.5:
            desil = rng.randint(1, 4)
        if "car" in planted or "vehicle_desil" in planted:
            car = "car" not in planted
        if "motorcycle" in planted:
            motorcycle = False
        world.households.append((hid, village, power, lighting, car, motorcycle))
        world.desil[hid] = desil
        world.truth.update((hid, rule) for rule in planted)
        electricity = _electricity(head, kk, power, planted, rng)
        if electricity and electricity[4] >= 3500 and desil <= 4:
            world.truth.add((hid, "power_desil"))  # a planted large connection in a low desil contradicts both
        plans["electricity"].append(electricity)
        plans["vehicle"].append(_vehicle(head, kk, car, motorcycle, desil, planted, rng))
        plans["payroll"].append(_payroll(rng.choice(people), planted, rng))
        plans["health"].append(_health(head, desil, planted, rng))
    for agency, rows in plans.items():
        world.extracts[agency] = _with_noise([r for r in rows if r], numbers, outsiders, agency, rng, world)
    return world


def _electricity(nik, kk, power, planted, rng):
    if not planted & {"power_higher", "electrified", "power_desil"} and rng.random() > 0.7:
        return None
    va = POWER_VA[power] if rng.random() < 0.8 else POWER_VA[min(power + 1, 5)]  # one step up: normal upgrade
    if "power_higher" in planted:
        va = {1: 2200, 2: 3500, 3: 5500, 4: 5500, 5: 6600}[power] if power < 4 else va
    if "electrified" in planted:
        va = max(va, 900)
    if "power_desil" in planted:
        va = rng.choice([5500, 6600])
    if "power_higher" not in planted and power >= 4 and va >= 3500 and "power_desil" not in planted:
        va = POWER_VA[power]
    return [nik, "", f"{rng.randint(10**11, 10**12 - 1)}", TARIFF.get(va, "R2"), va]


def _vehicle(nik, kk, car, motorcycle, desil, planted, rng):
    cars = 1 if car or "car" in planted else 0
    if "vehicle_desil" in planted:
        cars = 2
    motorcycles = rng.randint(1, 2) if motorcycle or "motorcycle" in planted else 0
    if not cars and not motorcycles:
        return None
    car_cc = rng.choice([1000, 1300, 1500]) if cars else ""
    if cars and desil > 4 and rng.random() < 0.3:
        car_cc = 2400  # a large car in a high desil: no contradiction
    return ["", kk, cars, motorcycles, car_cc, rng.choice([110, 125, 150]) if motorcycles else ""]


def _payroll(nik, planted, rng):
    if "civil_servant" not in planted:
        return None
    return [nik, "", "ASN", rng.choice(["II/a", "II/c", "III/a", "III/b"]), "Pemda"]


def _health(nik, desil, planted, rng):
    if "paid_insurance" in planted:
        return [nik, "", rng.choice(["PPU", "PBPU"]), "1", "AKTIF"]
    if rng.random() < 0.5:
        return None
    if desil <= 4:
        return [nik, "", "PBI", "3", "AKTIF"]
    return [nik, "", rng.choice(["PPU", "PBPU"]), rng.choice(["2", "3"]), "AKTIF"]  # paid class 2 above desil 4


def _with_noise(rows, numbers, outsiders, agency, rng, world) -> list[list]:
    """Add people outside the registry and district, mistyped NIKs and duplicate rows."""
    out = []
    for row in rows:
        r = rng.random()
        if row[0] and r < NOISE["mistyped"]:
            row = [_mistype(row[0], rng), *row[1:]]
        out.append(row)
        if r > 1 - NOISE["duplicate"]:
            out.append(list(row))
    template = rows[0] if rows else None
    if template:
        for _ in range(int(len(rows) * 0.6)):  # people the registry does not hold (the agency covers everybody)
            out.append([numbers.nik(rng.choice(world.households)[1][:6], rng.random() < 0.5), "", *template[2:]])
        for _ in range(int(len(rows) * NOISE["other_district"])):
            out.append([numbers.nik(outsiders, rng.random() < 0.5), "", *template[2:]])
    rng.shuffle(out)
    return out

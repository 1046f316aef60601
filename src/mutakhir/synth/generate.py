"""`generate()`: draw a synthetic district and write every dataset of it (no database needed).

Layout of the output folder (each dataset folder has a manifest.json):
  civil/members.csv                       SIAK/Dukcapil extract: everyone living in the district on REF_DATE
  registry/households.csv, members.csv    the registry (BDT/DTKS) snapshot of SNAPSHOT_DATE, poorest ~40%
  registrations/households.csv, members.csv  one update period (+ registration_kind, registered_on)
  survey/households.csv                   SUSENAS-like sample with weight and log_consumption_pc
  truth/households.csv, members.csv       linkage truth (FORMAT.md); errors.csv: every entry error made
  truth/welfare.csv, welfare_model.json   true and expected log per-capita consumption; the model
"""

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from . import params as P
from .area import Area, SynthError, load_area
from .datasets import civil_members, registry, survey, welfare_truth
from .errors import RATES, REGISTRY_RATES
from .registrations import registrations
from .welfare import model_description
from .world import build_world
from .writer import write_dataset, write_json

STEPS = 9
MAX_HOUSEHOLDS = 5_000_000
Progress = Callable[[int, int, str], None]


def generate(households: int, seed: int, out: Path, region: str = "19.01",
             progress: Progress | None = None, registrations_count: int | None = None) -> dict:
    """Generate and write all datasets; return a summary (row counts, seconds).

    `registrations_count` fixes the number of registrations (default: a share of all households).
    """
    area = check_inputs(households, out, region, registrations_count)
    out = Path(out)
    started = time.perf_counter()
    done = [0]

    def step(note: str) -> None:
        done[0] += 1
        if progress:
            progress(done[0], STEPS, note)

    rng = np.random.default_rng(seed)
    world = build_world(rng, households, area, step)
    meta = {"generator": "mutakhir synth", "seed": seed, "households_generated": households,
            "region": area.code, "reference_date": str(P.REF_DATE)}
    civil, civil_no = civil_members(world)
    write_dataset(out / "civil", "civil_registry", {"members": civil}, meta)
    step("civil registry")
    reg_h, reg_m, reg_no = registry(world, rng)
    write_dataset(out / "registry", "registry", {"households": reg_h, "members": reg_m},
                  {**meta, "snapshot_date": str(P.SNAPSHOT_DATE)})
    step("registry snapshot")
    regs = registrations(world, rng, civil_no, reg_no, registrations_count)
    write_dataset(out / "registrations", "registrations",
                  {"households": regs["households"], "members": regs["members"]}, meta)
    step("registrations")
    sample, survey_no = survey(world, rng)
    write_dataset(out / "survey", "survey", {"households": sample}, meta)
    write_dataset(out / "truth", "truth", {
        "households": regs["truth_households"], "members": regs["truth_members"], "errors": regs["errors"],
        "welfare": welfare_truth(world, survey_no)}, {**meta, "error_rates": RATES, "registry_error_rates":
                                                     REGISTRY_RATES, "event_rates": P.EVENT_RATES})
    write_json(out / "truth" / "welfare_model.json", model_description(area.sub_codes, world.region_effects))
    step("survey and truth")
    return {"households": households, "persons": civil.num_rows, "registry_households": reg_h.num_rows,
            "registry_members": reg_m.num_rows, "registrations": regs["households"].num_rows,
            "registration_members": regs["members"].num_rows, "survey_households": sample.num_rows,
            "seconds": round(time.perf_counter() - started, 2)}


def check_inputs(households: int, out: Path | str, region: str, registrations_count: int | None = None) -> Area:
    """Raise SynthError for a bad count, an unknown region or an unwritable folder; return the area."""
    if households < 1:
        raise SynthError(f"--households must be at least 1 (got {households})")
    if households > MAX_HOUSEHOLDS:
        raise SynthError(f"--households must be at most {MAX_HOUSEHOLDS:,} (got {households:,})")
    if registrations_count is not None and not 1 <= registrations_count <= households // 5:
        raise SynthError(f"--registrations must be between 1 and a fifth of --households, {households // 5:,} "
                         f"(got {registrations_count:,})")
    area = load_area(region)
    _check_writable(Path(out))
    return area


def _check_writable(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".synth-write-test"
        probe.write_text("", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        raise SynthError(f"cannot write to {out}: {exc.strerror or exc}") from None

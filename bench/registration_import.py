"""Benchmark bulk registration import against a per-registration service baseline.

    .venv/bin/python bench/registration_import.py [--members 100000] [--backends sqlite,postgresql]

Reuses bench/registry_import.py's generator (about 4 members per household, province 19) and scratch
databases (named mutakhir_regimport / regimport.sqlite3, apart from the registry benchmark's). Prints:
backend, method, households, members, seconds, the importing process's CPU seconds, rows/s (households +
members) and the load average (the machine is shared: wall time moves with the load, CPU time much less).
The baseline enters the first ~1,000 households one by one through check_registration and
do_create_registration, as the form and the API do (validation, duplicate guard, history signals).
The measured children run with DEBUG off, as production does (DEBUG logs every query).
"""

import csv
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from registry_import import ROOT, datasets, import_arguments, run_child, scratch  # noqa: E402


def _setup():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutakhir.config.settings")
    django.setup()
    import datetime as dt

    from mutakhir.accounts.models import Role, User
    from mutakhir.registry.models import UpdatePeriod

    period = UpdatePeriod.objects.create(region_id="19", name="bench", starts_on=dt.date(2025, 1, 1))
    user = User.objects.create(username="bench", role=Role.NATIONAL, region_id=None, is_superuser=True)
    return period, user


def child_import(dataset: str) -> None:
    period, user = _setup()
    from mutakhir.registration.imports import import_registrations
    from mutakhir.registration.models import RegistrationMember

    started, cpu = time.perf_counter(), time.process_time()
    run = import_registrations(dataset, period=period, user=user)
    seconds = time.perf_counter() - started
    print(json.dumps({"households": run.created, "members": RegistrationMember.objects.count(), "seconds": seconds,
                      "cpu": time.process_time() - cpu, "errors": run.errors}))


def child_baseline(dataset: str) -> None:
    period, user = _setup()
    from mutakhir.registration.models import Channel
    from mutakhir.registration.services import check_registration, do_create_registration

    with (Path(dataset) / "households.csv").open(encoding="utf-8") as f:
        households = {row["household_id"]: dict(row, members=[]) for row in csv.DictReader(f)}
    with (Path(dataset) / "members.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            households[row["household_id"]]["members"].append(row)
    started, cpu, nh, nm = time.perf_counter(), time.process_time(), 0, 0
    for data in households.values():
        data = {k: v for k, v in data.items() if v != ""} | {"consent": True, "visit_date": "2025-01-02",
                                                            "members": data["members"]}
        try:
            clean = check_registration(user, data, channel=Channel.PASSIVE, period=period)
        except Exception:  # noqa: BLE001 - a row the services refuse still costs its time
            continue
        do_create_registration(user, clean, confirm_duplicates=True)
        nh, nm = nh + 1, nm + len(clean.members)
    print(json.dumps({"households": nh, "members": nm, "seconds": time.perf_counter() - started,
                      "cpu": time.process_time() - cpu}))


def main() -> None:
    args = import_arguments(__doc__, members=100_000, baseline_members=4_000).parse_args()
    if args.child_import:
        return child_import(args.child_import)
    if args.child_baseline:
        return child_baseline(args.child_baseline)
    data, small = datasets(ROOT / "var" / "bench" / f"registration-{args.members}", args.members,
                           args.baseline_members)
    runs = (("bulk import", "--child-import", data), ("services (base)", "--child-baseline", small))
    rows = []
    for backend in args.backends.split(","):
        for label, flag, dataset in runs:
            print(f"{backend}: {label} ...", file=sys.stderr)
            env = scratch(backend, "regimport") | {"DEBUG": "0", "SECRET_KEY": "bench-only", "MUTAKHIR_HTTPS": "0"}
            r = run_child(env, flag, str(dataset), script=__file__)
            rows.append((backend, label, r["households"], r["members"], r["seconds"], r.get("cpu", 0.0),
                         max(r["households"] + r["members"], 1) / r["seconds"], os.getloadavg()[0]))
    print(f"{'backend':<11} {'method':<16} {'households':>10} {'members':>9} {'seconds':>8} {'cpu s':>6} "
          f"{'rows/s':>8} {'100k rows':>9} {'load 1m':>7}")
    for backend, label, h, m, s, cpu, rps, load in rows:
        print(f"{backend:<11} {label:<16} {h:>10,} {m:>9,} {s:>8.1f} {cpu:>6.1f} {rps:>8,.0f} {100_000 / rps:>8.1f}s "
              f"{load:>7.2f}")
    print(f"load average (1, 5, 15 min) at the end: {os.getloadavg()}; 'cpu s' is the importing process's CPU "
          "time (PostgreSQL's own work is not in it); '100k rows' = 100,000 / rows per second.")


if __name__ == "__main__":
    main()

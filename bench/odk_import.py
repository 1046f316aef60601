"""Benchmark the ODK/Kobo import of a large CSV export: rows, seconds, peak memory, before and after.

    .venv/bin/python bench/odk_import.py [--rows 200000] [--before-rows 20000] [--before REV]

Builds once a synthetic prelist of --rows households (bench/verification.py's world: 4 registry members
each) and the CSV export ODK Central would give for it: `odk.csv` (16 columns: the keys, the visit and the
ten household answers a complete submission needs; KEY is the instance ID) and its members repeat
`odk-members.csv` (4 rows a submission, linked by PARENT_KEY, written in reverse so that they do not come in
the order of the main file). Then imports it in a child process on a copy of that database, once with this
tree's code ("after") and, on the first --before-rows rows, once with the code of git revision --before
("before": by default the parent of the commit that added odk_file_checks.py). Prints a JSON
line per run and a table: rows, applied, flagged, seconds, peak RSS of the child (getrusage: Django and
the import), and the RSS before the import began. SQLite only: each run takes a file copy of the database.
"""

import argparse
import csv
import importlib.util
import io
import itertools
import json
import os
import resource
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from registry_import import ROOT, scratch

HOUSEHOLD = {"address": "Jl. Bench 1", "tenure": 2, "floor_area_m2": 36.0, "floor_material": 8, "wall_material": 4,
             "roof_material": 3, "water_source": 5, "lighting": 4, "cooking_fuel": 10, "toilet": 6}
MAIN = ["KEY", "prelist_id", "form_version", "username", "household", "outcome",
        *(f"hh-{name}" for name in HOUSEHOLD)]
MEMBER = ["ref", "status", "name", "relation", "sex", "birth_date", "nik", "PARENT_KEY", "KEY"]


def _bench_verification():
    """bench/verification.py, loaded by its path: in a test session `verification` names tests/verification."""
    spec = importlib.util.spec_from_file_location("bench_verification", Path(__file__).with_name("verification.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_export(folder: Path, entries) -> Path:
    """Write the CSV export (main file and members repeat) of one complete submission per prelist entry.

    `entries` yields (prelist id, household ID, household number i) as bench/verification.py's world made them.
    """
    members = _bench_verification().members

    folder.mkdir(parents=True, exist_ok=True)
    main, repeat = folder / "odk.csv", folder / "odk-members.csv"
    with main.open("w", newline="") as mf, tempfile.TemporaryFile("w+", newline="") as spool:
        rows, spooled = csv.writer(mf), csv.writer(spool)
        rows.writerow(MAIN)
        for prelist_id, household_id, i in entries:
            key = f"uuid:{i}"
            rows.writerow([key, prelist_id, "1", "tksk", household_id, "verified", *HOUSEHOLD.values()])
            for k, m in enumerate(members(i, 4), start=1):
                spooled.writerow([m["ref"], m["status"], m["name"], m["relation"], m["sex"], m["birth_date"],
                                  m.get("nik", ""), key, f"{key}/members[{k}]"])
        spool.seek(0)
        lines = spool.readlines()
    with repeat.open("w", newline="") as rf:
        csv.writer(rf).writerow(MEMBER)
        rf.writelines(reversed(lines))
    return main


def world_entries(households: int):
    """Create bench/verification.py's world of `households`; yield (prelist id, household ID, i) per entry."""
    from mutakhir.identification.models import PrelistEntry

    _bench_verification()._world(households, 4)
    rows = PrelistEntry.objects.order_by("pk").values_list("prelist_id", "household__household_id")
    for prelist_id, household_id in rows.iterator(chunk_size=5000):
        yield prelist_id, household_id, int(household_id[1:])


def child_setup(rows: int) -> dict:
    path = write_export(ROOT / "var" / "bench" / f"odk-{rows}", world_entries(rows))
    return {"export": str(path)}


def cut(path: Path, rows: int) -> Path:
    """Return an export of the first `rows` submissions of `path` (and their members only)."""
    folder = path.with_name(f"odk-first-{rows}")
    folder.mkdir(exist_ok=True)
    with path.open(newline="") as src, (folder / "odk.csv").open("w", newline="") as out:
        reader, writer = csv.reader(src), csv.writer(out)
        writer.writerow(next(reader))
        keys = set()
        for row in itertools.islice(reader, rows):
            keys.add(row[0])
            writer.writerow(row)
    with path.with_name("odk-members.csv").open(newline="") as src, \
            (folder / "odk-members.csv").open("w", newline="") as out:
        reader, writer = csv.reader(src), csv.writer(out)
        writer.writerow(next(reader))
        writer.writerows(row for row in reader if row[MEMBER.index("PARENT_KEY")] in keys)
    return folder / "odk.csv"


def child_import(path: str) -> dict:
    from mutakhir.verification.odk_import import import_submissions

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    started = time.perf_counter()
    result = import_submissions(path, "1")
    return {"applied": result.applied, "flagged": result.flagged, "seconds": round(time.perf_counter() - started, 1),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, "start_mb": before}


def _source_of(revision: str) -> Path:
    """Extract src/ of a git revision into a temporary folder; return its src path."""
    if not revision:  # the code before the streamed import: the parent of the commit that added its file checks
        added = subprocess.run(["git", "-C", str(ROOT), "log", "--diff-filter=A", "--format=%H", "--",
                                "src/mutakhir/verification/odk_file_checks.py"], check=True, capture_output=True,
                               text=True).stdout.split()
        revision = f"{added[-1]}^"
    folder = Path(tempfile.mkdtemp(prefix="odk-before-"))
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "src"], check=True,
                             capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder / "src"


def _run(env: dict, database: Path, label: str, src: Path, export: Path, rows: int, total: int) -> dict:
    copy = database.with_name(f"{database.stem}-{label}.sqlite3")
    shutil.copy(database, copy)
    env = dict(env, DATABASE_URL=f"sqlite:///{copy}", PYTHONPATH=str(src), DEBUG="0", SECRET_KEY="bench-only")
    path = export if rows == total else cut(export, rows)
    out = subprocess.run([sys.executable, __file__, "--child", "import", "--export", str(path)], env=env,
                         capture_output=True, text=True)
    copy.unlink()
    if out.returncode:
        sys.exit(out.stderr[-3000:])
    return {"code": label, "rows": rows, **json.loads(out.stdout.strip().splitlines()[-1])}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--before-rows", type=int, default=20_000, help="0: no run of the code before")
    parser.add_argument("--before", default="", help="git revision (default: the code before the streamed import)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--export", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutakhir.config.settings")
        django.setup()
        result = child_setup(args.rows) if args.child == "setup" else child_import(args.export)
        print(json.dumps(result))
        return
    env = scratch("sqlite", f"bench_odk_{args.rows}")
    database = Path(env["DATABASE_URL"].removeprefix("sqlite:///"))
    out = subprocess.run([sys.executable, __file__, "--child", "setup", "--rows", str(args.rows)], env=env,
                         capture_output=True, text=True)
    if out.returncode:
        sys.exit(out.stderr[-3000:])
    export = Path(json.loads(out.stdout.strip().splitlines()[-1])["export"])
    print(f"load average before: {os.getloadavg()}", flush=True)
    runs = [("after", ROOT / "src", size) for size in sorted({args.before_rows, args.rows} - {0})]
    if args.before_rows:
        runs.insert(0, ("before", _source_of(args.before), args.before_rows))
    results = []
    for label, src, rows in runs:
        results.append(_run(env, database, label, src, export, rows, args.rows))
        print(json.dumps(results[-1]), f"load {os.getloadavg()[0]:.1f}", flush=True)
    print(f"\nsqlite, load average after: {os.getloadavg()}")
    print(f"{'code':<8}{'rows':>10}{'applied':>10}{'flagged':>9}{'seconds':>9}{'peak MB':>9}{'start MB':>10}")
    for r in results:
        print(f"{r['code']:<8}{r['rows']:>10,}{r['applied']:>10,}{r['flagged']:>9,}{r['seconds']:>9}"
              f"{r['peak_mb']:>9}{r['start_mb']:>10}")


if __name__ == "__main__":
    main()

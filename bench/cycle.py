"""Benchmark the MPM cycle on the demo district, step by step, through the services the web pages call.

    .venv/bin/python bench/cycle.py [--households 50000] [--verify 200] [--home /tmp/bench-cycle]

Builds (or reuses) the demo database exactly as `mutakhir demo --households N` does (default N = 50,000, the
`make demo` size) in a scratch MUTAKHIR_HOME (never the repository's var/), then times one cycle: match run over
the period's registrations, freezing every village's prelist, verifying and accepting `--verify` households of
the demo PSM's village (answers from the prefill), compiling and approving the decree (annex + PDF), sending the
package (export, signature, receipt with its dry run), applying it (merge job), ranking the whole registry and
drawing one program list. Jobs run in this process (Django's immediate task backend), as a worker would.
Prints a table (step, rows, seconds, peak RSS of the process so far) and writes it to bench/cycle_results.txt
(`--out`). The demo data (synthetic files) is reused from a previous run on the same home; the cycle itself
needs a home whose demo period has no decree yet (a fresh --home).
"""

import argparse
import datetime as dt
import os
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
STEPS = ["demo setup", "match run", "freeze prelists", "verify + accept", "compile decree", "approve decree",
         "send package", "apply package", "ranking run", "draw list"]
OBSERVED = {"tenure": 1, "land_title": 6, "floor_area_m2": 36.0, "floor_material": 8, "wall_material": 4,
            "roof_material": 3, "water_source": 5, "lighting": 1, "electricity_power": 1, "cooking_fuel": 4,
            "toilet": 6, "has_motorcycle": True}  # as tests/verification/fixtures.py HOUSEHOLD


def setup_django(home: Path) -> None:
    home.mkdir(parents=True, exist_ok=True)
    os.environ["MUTAKHIR_HOME"] = str(home)
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutakhir.config.settings")
    import django
    from django.conf import settings

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    django.setup()


def peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


class Timer:
    def __init__(self):
        self.rows = []

    def step(self, name, fn):
        start = time.perf_counter()
        rows = fn()
        self.rows.append((name, rows, time.perf_counter() - start, peak_mb()))
        print(f"{name:<18} {rows:>9,} {self.rows[-1][2]:>9.1f}s", flush=True)
        return rows


def run_job(job):
    """Return the job once done (the immediate backend ran it on commit); fail loudly otherwise."""
    job.refresh_from_db()
    if job.state != job.State.DONE:
        raise SystemExit(f"job {job.kind} #{job.pk} {job.state}: {job.error}")
    return job


def demo(households: int) -> int:
    from django.core.management import call_command

    from mutakhir.registry.models import Household

    call_command("demo", households=households)
    return Household.objects.count()


def fresh_period(district: str):
    """Return the demo's open period, refusing one that has been through a cycle already."""
    from mutakhir.decrees.models import Decree
    from mutakhir.registry.models import UpdatePeriod

    period = UpdatePeriod.objects.get(region_id=district, status=UpdatePeriod.Status.OPEN)
    if not Decree.objects.filter(update_period=period).exists():
        return period
    raise SystemExit(f"The demo period of {os.environ['MUTAKHIR_HOME']} has been through a cycle already: "
                     f"use a fresh --home (or delete it).")


def cycle(timer: Timer, district: str, verify: int) -> None:
    from django.db import transaction

    from mutakhir.accounts.models import Role, User
    from mutakhir.decrees.dispatch import do_send
    from mutakhir.decrees.services import do_compile_decree, do_start_approval
    from mutakhir.identification.models import MatchRun, PrelistEntry
    from mutakhir.identification.services import do_freeze_prelists, do_start_match
    from mutakhir.ranking.models import PmtModelVersion, RankingRun
    from mutakhir.ranking.services import do_start_ranking
    from mutakhir.registry.models import PackageSubmission
    from mutakhir.registry.packages.inbox import do_start_apply
    from mutakhir.targeting.models import Program
    from mutakhir.targeting.services import do_start_list
    from mutakhir.verification import services as verification

    users = {u.role: u for u in User.objects.filter(username__startswith="demo-")}
    operator, head, national = users[Role.DISTRICT_OPERATOR], users[Role.DISTRICT_HEAD], users[Role.NATIONAL]
    psm, tksk = users[Role.PSM], users[Role.TKSK]
    period = fresh_period(district)
    state = {}

    def match():
        with transaction.atomic():
            run = do_start_match(operator, period)
        run_job(run.job)
        state["run"] = MatchRun.objects.get(pk=run.pk)
        return state["run"].results.count()

    def freeze():
        return sum(p.entries.count() for p in do_freeze_prelists(operator, state["run"]))

    def verify_accept():
        entries = (PrelistEntry.objects.filter(prelist__update_period=period, prelist__region_id=psm.region_id,
                                               superseded_by__isnull=True)
                   .select_related("household", "registration").order_by("pk")[:verify])
        for entry in entries:
            v = verification.do_assign(entry, psm, actor=operator)
            v = verification.do_save(v, version=v.version, outcome="verified", answers=answers(entry), actor=psm,
                                     submit=True)
            verification.do_review(v, accept=True, actor=tksk)
        return len(entries)

    def compile_decree():
        state["decree"] = do_compile_decree(
            district=district, period=period, number=f"400.9/{period.pk}/DINSOS/BENCH", date=dt.date.today(),
            legal_basis="Permensos 3/2021", signer_name="Bench", signer_title="Bupati", actor=operator)
        return state["decree"].items.count()

    def approve():
        with transaction.atomic():
            job = do_start_approval(state["decree"], actor=head)
        run_job(job)
        state["decree"].refresh_from_db()
        return state["decree"].items.count()

    def send():
        with transaction.atomic():
            do_send(state["decree"], actor=head)
        state["submission"] = PackageSubmission.objects.filter(decree_number=state["decree"].number).latest("pk")
        return state["decree"].items.count()

    def apply():
        with transaction.atomic():
            job = do_start_apply(state["submission"], actor=national)
        run_job(job)
        return sum(v for v in job.result.values() if isinstance(v, int)) - job.result.get("package_import", 0)

    def rank():
        version = PmtModelVersion.objects.order_by("-pk").first()
        with transaction.atomic():
            job = do_start_ranking(national, version)
        run_job(job)
        state["ranking"] = RankingRun.objects.get(pk=job.result["run"])
        return state["ranking"].households

    def draw():
        program = Program.objects.order_by("pk").first()
        with transaction.atomic():
            job = do_start_list(users[Role.PROGRAM_MANAGER], program.current, state["ranking"])
        return run_job(job).result["households"]

    for name, fn in zip(STEPS[1:], (match, freeze, verify_accept, compile_decree, approve, send, apply, rank, draw),
                        strict=True):
        timer.step(name, fn)


def answers(entry) -> dict:
    """The prefill completed as a PSM would at the door: the housing as observed and every member's birth date."""
    from mutakhir.verification.services import prefill

    data = prefill(entry)
    data["household"] = {**data["household"], **OBSERVED}
    for m in data["members"]:
        m.setdefault("birth_date", "1980-01-01" if m.get("relation") == 1 else "2010-01-01")
        if m.get("sex") == 2:
            m.setdefault("pregnant", 0)
    return data


def table(rows, households: int) -> str:
    lines = [f"MPM cycle on the demo district 19.01, {households:,} households "
             f"({os.cpu_count()} CPUs, SQLite, {dt.date.today()})",
             f"{'step':<18} {'rows':>9} {'seconds':>9} {'peak RSS MB':>12}"]
    lines += [f"{name:<18} {rows:>9,} {secs:>9.1f} {mb:>12,}" for name, rows, secs, mb in rows]
    cycle_secs = sum(secs for name, _r, secs, _m in rows if name != "demo setup")
    lines.append(f"{'cycle total':<18} {'':>9} {cycle_secs:>9.1f}")
    return "\n".join(lines) + "\n"


def main(argv=None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=50_000, help="demo size (default 50,000, as make demo)")
    parser.add_argument("--verify", type=int, default=200, help="households verified and accepted (one village)")
    parser.add_argument("--home", type=Path, default=Path("/tmp/bench-cycle"), help="scratch MUTAKHIR_HOME")
    parser.add_argument("--out", type=Path, default=HERE / "cycle_results.txt")
    args = parser.parse_args(argv)
    setup_django(args.home)
    timer = Timer()
    timer.step("demo setup", lambda: demo(args.households))
    cycle(timer, "1901", args.verify)
    text = table(timer.rows, args.households)
    print(text)
    args.out.write_text(text)
    return text


if __name__ == "__main__":
    sys.exit(main() and 0)

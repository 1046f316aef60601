"""Run one piece of real work in its own process, so a test can SIGKILL it mid-run (test_kill.py).

    python kill_driver.py STEP [ARG]    with DATABASE_URL set; KILL_AT=<point> makes it stop at that point

STEP: migrate | setup-match | match | setup-rank | rank | setup-package FILE PUBKEY | merge FILE | inspect |
      sweep (`mutakhir jobs sweep`: a killed job's heartbeat has stopped) | worker (one pass of `mutakhir worker`).
A kill point is `after:<module>:<function>` (the function has returned; its transaction, if any, has
committed) or `bulk_create:<Model>` (inside the writer's transaction, the first batch of that model).
At the point the process prints KILL-POINT and sleeps until the test kills it.
"""

import json
import os
import sys
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(TESTS), str(TESTS / "security")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutakhir.config.settings_test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import QuerySet  # noqa: E402


def stop_here():
    print("KILL-POINT", flush=True)
    time.sleep(600)


def arm(point: str) -> None:
    """Install the kill point named by KILL_AT."""
    kind, _, where = point.partition(":")
    if kind == "after":
        module_name, function = where.rsplit(":", 1)
        module = __import__(module_name, fromlist=[function])
        original = getattr(module, function)

        def wrapped(*args, **kwargs):
            result = original(*args, **kwargs)
            stop_here()
            return result

        setattr(module, function, wrapped)
    elif kind == "bulk_create":
        original = QuerySet.bulk_create

        def bulk_create(self, objs, *args, **kwargs):
            result = original(self, objs, *args, **kwargs)
            if self.model.__name__ == where:
                stop_here()
            return result

        QuerySet.bulk_create = bulk_create
    else:
        raise SystemExit(f"unknown kill point {point}")


def operator():
    from mutakhir.accounts.models import Role, User

    return User.objects.get_or_create(username="operator", defaults={"role": Role.DISTRICT_OPERATOR,
                                                                       "region_id": "1901"})[0]


def migrate():
    from mutakhir.regions.loader import LOKAL_SOURCE, load_regions, lokal_rows

    call_command("migrate", verbosity=0)
    load_regions(lokal_rows("19"), LOKAL_SOURCE)


def setup_match():
    from identification import scenario

    with transaction.atomic():
        scenario.build(operator())


def match():
    """Start a match run as the web page does: refused while another run of the period is in progress."""
    from mutakhir.identification.services import IdentificationError, check_start_match, do_start_match
    from mutakhir.registry.models import UpdatePeriod

    period = UpdatePeriod.objects.get()
    try:
        check_start_match(period)
    except IdentificationError as exc:
        print(json.dumps({"refused": str(exc)}))
        return
    with transaction.atomic():  # the test settings run the task when this commits
        do_start_match(operator(), period)


def sweep():
    call_command("jobs", "sweep", "--stale-seconds", os.environ.get("STALE_SECONDS", "0"))


def worker():
    """Start `mutakhir worker` as a restart would (it sweeps first), with nothing queued: --batch returns."""
    from django.test.utils import override_settings

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        call_command("worker", "--batch", "--no-startup-delay", "--interval", "0")


def setup_rank():
    from ranking.registry import fill_registry, fit_registry_model

    from mutakhir.ranking.services import do_publish_model
    from mutakhir.registry.models import Household, Member

    def make_household(region_code, members, household_id, **fields):
        hh = Household.objects.create(household_id=household_id, region_id=region_code, **fields)
        for i in range(members):
            Member.objects.create(record_id=f"{household_id}-{i}", household=hh, name=f"Warga {household_id} {i}",
                                  relation=1 if i == 0 else 3, sex=1)
        return hh

    model = fit_registry_model(Path(os.environ["WORK_DIR"]) / "survey.csv")
    with transaction.atomic():
        fill_registry(make_household, n=300)
        do_publish_model(model.to_dict(), name="pmt-2025")


def rank():
    from mutakhir.ranking.models import PmtModelVersion
    from mutakhir.ranking.services import do_start_ranking

    with transaction.atomic():
        do_start_ranking(None, PmtModelVersion.objects.get())


def setup_package(path, public_key_file):
    call_command("registry", "import", path, verbosity=0)
    call_command("keys", "trust", "--district", "1901", "--public-key", Path(public_key_file).read_text())


def merge(path):
    from mutakhir.registry.packages.merge import import_package

    import_package(path)


def inspect():
    """Print, as JSON, what a killed run may have left behind."""
    from mutakhir.core.models import JobRun
    from mutakhir.decrees.models import PackageImport
    from mutakhir.identification.models import MatchResult, MatchRun, MemberLink
    from mutakhir.identification.services import latest_runs
    from mutakhir.ranking.models import RankingResult, RankingRun
    from mutakhir.registration.models import Registration
    from mutakhir.registry.models import Household, ImportBatch, Member

    runs = [{"id": r.pk, "state": r.job.state if r.job else None, "results": r.results.count(),
             "links": MemberLink.objects.filter(result__run=r).count()} for r in MatchRun.objects.order_by("pk")]
    rankings = [{"id": r.pk, "state": r.job.state if r.job else None, "households": r.households,
                 "results": r.results.count()} for r in RankingRun.objects.order_by("pk")]
    print(json.dumps({
        "match_runs": runs, "latest_match_runs": sorted(latest_runs().values_list("pk", flat=True)),
        "match_results": MatchResult.objects.count(),
        "registrations": dict(Registration.objects.values_list("status").annotate(n=django.db.models.Count("pk"))),
        "ranking_runs": rankings, "ranking_results": RankingResult.objects.count(),
        "jobs": sorted(JobRun.objects.values_list("state", flat=True)),
        "job_errors": sorted(JobRun.objects.exclude(error="").values_list("error", flat=True)),
        "households": sorted(Household.objects.values_list("household_id", "version", "floor_material", "end_reason")),
        "members": Member.objects.count(), "active_members": Member.objects.filter(ended_at__isnull=True).count(),
        "package_imports": PackageImport.objects.count(),
        "import_batches": sorted(ImportBatch.objects.values_list("status", flat=True)),
    }, default=str))


if __name__ == "__main__":
    if os.environ.get("KILL_AT"):
        arm(os.environ["KILL_AT"])
    step, *args = sys.argv[1:]
    {"migrate": migrate, "setup-match": setup_match, "match": match, "setup-rank": setup_rank, "rank": rank,
     "setup-package": setup_package, "merge": merge, "inspect": inspect, "sweep": sweep,
     "worker": worker}[step](*args)

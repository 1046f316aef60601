"""Targeting services: check_* validates, do_* writes (atomic, no authorisation: views ask `access`)."""

import csv
import tempfile
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mutakhir.core.jobs import start_job
from mutakhir.core.models import JobRun
from mutakhir.regions.models import Region

from .dataset import write_run_dataset
from .lists import run_list
from .models import API_COLUMNS, BeneficiaryList, Entry, Program, ProgramVersion, Unit
from .quotas import QuotaError, read_quota_lines
from .rules import RuleError, parse
from .rules.attributes import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS
from .sql import ListSpec

COMPONENT = ("any(member.pregnant = 1 or member.age < 6 or (member.age between 6 and 18 and "
             "member.school_attendance = 1) or member.age >= 70 or member.disability != 0)")
EXAMPLES = [
    ("PKH", gettext_lazy("Family Hope Program: conditional cash for poor families with a component."),
     f"desil <= 4 and {COMPONENT}", Unit.HOUSEHOLD),
    ("BPNT/Sembako", gettext_lazy("Staple-food assistance."), "desil <= 4", Unit.HOUSEHOLD),
    ("PBI-JK", gettext_lazy("Subsidised health-insurance contributions, per person."), "desil <= 5", Unit.PERSON),
]
BATCH = 5000
JOB_KIND = "targeting-list"
PREVIEW_KIND = "targeting-preview"
PREVIEW_SYNC_HOUSEHOLDS = 250_000  # default of settings.TARGETING_PREVIEW_SYNC_HOUSEHOLDS: larger runs count in a job


class TargetingError(ValueError):
    """A request that cannot be carried out (bad rule, bad quota, nothing to draw from)."""


def check_rule(text: str):
    """Return the parsed rule or raise TargetingError with the parser's message."""
    try:
        return parse(text)
    except RuleError as exc:
        raise TargetingError(exc.message) from exc


@transaction.atomic
def do_add_version(program: Program, rule: str, unit: str, *, actor=None, note: str = "") -> ProgramVersion:
    """Save a new criteria version (the rule must parse); earlier versions stay as they were."""
    check_rule(rule)
    last = program.versions.select_for_update().aggregate(n=Max("number"))["n"] or 0
    return ProgramVersion.objects.create(program=program, number=last + 1, rule=rule.strip(), unit=unit,
                                         note=note, created_by=actor)


@transaction.atomic
def do_create_program(name: str, rule: str, unit: str, *, description: str = "", actor=None) -> Program:
    check_rule(rule)
    program = Program.objects.create(name=name.strip(), description=description, created_by=actor)
    do_add_version(program, rule, unit, actor=actor, note=_("First version"))
    return program


def do_set_api_columns(program: Program, columns: list[str], full_identity: bool) -> Program:
    """Set what the program's system may pull through the API (targeting/pulls.py); unknown names are dropped."""
    program.api_columns = [c for c in API_COLUMNS if c in set(columns)]
    program.api_full_identity = full_identity
    program.save(update_fields=["api_columns", "api_full_identity"])
    return program


def do_seed_programs(actor=None) -> list[Program]:
    """Create the example programs (PKH, BPNT/Sembako, PBI-JK) that do not exist yet."""
    return [do_create_program(name, rule, unit, description=str(text), actor=actor)
            for name, text, rule, unit in EXAMPLES if not Program.objects.filter(name=name).exists()]


def _age(birth, today) -> int | None:
    if birth is None:
        return None
    return today.year - birth.year - ((birth.month, birth.day) > (today.month, today.day))


def household_facts(household, result, size: int) -> dict:
    """Return a household's attributes as a rule sees them (for the Python evaluator)."""
    facts = {name: _plain(getattr(household, name)) for name in HOUSEHOLD_COLUMNS}
    ranks = {k: getattr(result, k) for k in ("desil", "percentile", "region_percentile", "score")} if result else {}
    return {**facts, **ranks, "region_code": household.region_id, "household_size": size}


def member_facts(member, today=None) -> dict:
    facts = {name: _plain(getattr(member, name)) for name in MEMBER_COLUMNS}
    return {**facts, "age": _age(member.birth_date, today or date.today())}


def _plain(value):
    return None if value is None else float(value)


def preview(rule_text: str, unit: str, run, progress=None) -> dict:
    """Return what a rule selects on a ranking run, per district (no quota): households and people."""
    rule = check_rule(rule_text)
    spec = ListSpec(rule, unit=unit, near=0)
    with tempfile.TemporaryDirectory(prefix="mutakhir-preview-") as tmp:
        return run_list(spec, *write_run_dataset(run, Path(tmp), progress, rule=rule))


def preview_in_background(run) -> bool:
    """Return whether a preview on this run is too large to count within a web request."""
    return run.households > getattr(settings, "TARGETING_PREVIEW_SYNC_HOUSEHOLDS", PREVIEW_SYNC_HOUSEHOLDS)


def do_start_preview(user, rule_text: str, unit: str, run) -> JobRun:
    """Start counting what a valid rule selects on a large run; the same preview already under way is reused.

    Nothing starts for an invalid rule, and the rule is not saved: the job only counts.
    """
    from .tasks import preview_task  # tasks import this module

    check_rule(rule_text)
    config = {"rule": rule_text.strip(), "unit": unit, "run": run.pk}
    under_way = JobRun.objects.filter(kind=PREVIEW_KIND, created_by=user, config__rule=config["rule"],
                                      config__unit=unit, config__run=run.pk,
                                      state__in=[JobRun.State.QUEUED, JobRun.State.RUNNING]).first()
    return under_way or start_job(preview_task, PREVIEW_KIND, user=user, region_code=run.region_code, config=config)


def do_preview_job(job, progress) -> dict:
    """Count the job's preview (the task's work) and return the per-region figures the editor shows."""
    from mutakhir.ranking.models import RankingRun

    cfg = job.config
    run = RankingRun.objects.get(pk=cfg["run"])
    summary = preview(cfg["rule"], cfg["unit"], run, lambda note: progress(0, 2, note))
    progress(2, 2, _("Done"))
    return preview_figures(summary, run)


def preview_figures(summary: dict, run) -> dict:
    """Return the part of a list summary the editor shows, JSON-friendly."""
    return {"run": run.pk, "run_label": str(run), "households": summary["households"], "people": summary["people"],
            "regions": [{k: r[k] for k in ("region", "households", "people")} for r in summary["regions"]]}


def _known_regions(codes: list[str]) -> set[str]:
    return set(Region.objects.filter(code__in=codes).values_list("code", flat=True))


def check_list_options(quota_text: str, grace: float) -> dict[str, int] | None:
    """Parse `region_code,quota` lines (no header needed) and the grace band; raise TargetingError."""
    if grace < 0 or grace > 100:
        raise TargetingError(_("The grace band is between 0 and 100 percentile points"))
    try:
        return read_quota_lines(quota_text, _known_regions) or None
    except QuotaError as exc:
        raise TargetingError(str(exc)) from exc


def _entries(blist, path: Path, status: str | None):
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            yield Entry(beneficiary_list=blist, household_id=row["household_id"], record_id=row.get("record_id") or "",
                        region_code=row.get("region_code") or "", status=status or row["status"],
                        score=_num(row.get("score")), percentile=_num(row.get("percentile")),
                        desil=_num(row.get("desil"), int), people=_num(row.get("people"), int) or 0,
                        change=row.get("change") or "", reason=row.get("reason") or "")


def _num(value, kind=float):
    return kind(float(value)) if value not in (None, "") else None


def do_start_list(user, version: ProgramVersion, run, *, quotas=None, grace: float = 0.0, near: int = 20,
                  previous: BeneficiaryList | None = None):
    """Create the list-drawing job (scoped to the run's region); its task starts once the transaction commits."""
    from .tasks import draw_list_task  # tasks import this module

    config = {"version": version.pk, "run": run.pk, "quotas": quotas, "grace": grace, "near": near,
              "previous": previous.pk if previous else None, "program": version.program_id}
    return start_job(draw_list_task, JOB_KIND, user=user, region_code=run.region_code, config=config)


def do_draw_list_job(job, progress) -> dict:
    """Draw the job's list (the task's work) and return what the job page needs to show it."""
    from mutakhir.ranking.models import RankingRun

    cfg = job.config
    previous = BeneficiaryList.objects.get(pk=cfg["previous"]) if cfg.get("previous") else None
    blist = do_build_list(ProgramVersion.objects.get(pk=cfg["version"]), RankingRun.objects.get(pk=cfg["run"]),
                          actor=job.created_by, quotas=cfg.get("quotas"), grace=cfg.get("grace", 0.0),
                          near=cfg.get("near", 20), previous=previous, progress=progress)
    return {"list": blist.pk, "households": blist.summary.get("households", 0),
            "warnings": [str(w) for w in blist.summary.get("warnings", [])]}


def do_build_list(version: ProgramVersion, run, *, actor=None, quotas=None, grace: float = 0.0, near: int = 20,
                  previous: BeneficiaryList | None = None, progress=None) -> BeneficiaryList:
    """Draw a list with a criteria version from a ranking run and store every entry.

    The drawing reads files and writes none of the database, so only storing the list is one transaction:
    a failure at any step leaves no list behind.
    """
    step = progress or (lambda done, total, note: None)
    spec = ListSpec(check_rule(version.rule), unit=version.unit, quotas=quotas, grace=grace, near=near)
    with tempfile.TemporaryDirectory(prefix="mutakhir-list-") as tmp:
        folder = Path(tmp)
        data = write_run_dataset(run, folder, lambda note: step(0, 3, note), rule=spec.rule)
        prev_path = None
        if previous:
            prev_path = folder / "previous.csv"
            ids = previous.entries.filter(status__in=[Entry.Status.SELECTED, Entry.Status.GRACE])
            with open(prev_path, "w", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(["household_id"])
                writer.writerows([h] for h in ids.values_list("household_id", flat=True).distinct())
        step(1, 3, _("Drawing the list"))
        summary = run_list(spec, *data, folder / "out", previous=prev_path)
        step(2, 3, _("Storing the list"))
        blist = _store_list(version, run, folder / "out", summary=summary, actor=actor, previous=previous,
                            options={"quotas": quotas, "grace": grace, "near": near})
    step(3, 3, _("Done"))
    return blist


@transaction.atomic
def _store_list(version, run, out: Path, *, summary: dict, actor, previous, options: dict) -> BeneficiaryList:
    blist = BeneficiaryList.objects.create(version=version, ranking_run=run, previous=previous, created_by=actor,
                                           summary=summary, options=options)
    entries = [*_entries(blist, out / "list.csv", None), *_entries(blist, out / "near.csv", "near")]
    with open(out / "diff.csv", newline="", encoding="utf-8") as fh:
        seen = {e.household_id for e in entries}
        entries += [Entry(beneficiary_list=blist, household_id=r["household_id"],
                          region_code=r["region_code"] or "", status=Entry.Status.EXITED, change="exited",
                          reason=r["reason"] or "") for r in csv.DictReader(fh)
                    if r["change"] == "exited" and r["household_id"] not in seen]
    Entry.objects.bulk_create(entries, batch_size=BATCH)
    return blist

"""Stage 2 actions: start and run a match, record review decisions, freeze prelists (check_* validate, do_* write)."""

import csv
import tempfile
from pathlib import Path

from django.db import transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from mutakhir.core.jobs import start_job
from mutakhir.core.models import JobRun
from mutakhir.registration.models import Registration, RegistrationMember, Status
from mutakhir.registration.services import do_set_status
from mutakhir.registry.models import Household, Member

from . import civil, inputs
from .linkage.run import STEPS, match
from .models import Category, MatchResult, MatchRun, MemberLink, Prelist, PrelistEntry, ReviewDecision
from .supersede import take_over, unsettled

BATCH = 1000


class IdentificationError(Exception):
    """An action the current state does not allow; the message is for the user."""


def check_start_match(period) -> None:
    """Refuse a run while another is queued or running, or when there is nothing to match."""
    busy = MatchRun.objects.filter(update_period=period, job__state__in=[JobRun.State.QUEUED, JobRun.State.RUNNING])
    if busy.exists():
        raise IdentificationError(_("A match run of this update period is already in progress."))
    if not inputs.matchable_registrations(period).exists():
        raise IdentificationError(_("This update period has no submitted registrations to match."))


@transaction.atomic
def do_start_match(user, period, *, engine: str = "duckdb") -> MatchRun:
    """Create the run and its job; the task starts once the transaction commits."""
    from .tasks import run_match_task  # tasks import this module

    extract = civil.latest_extract(period.region_id)
    job = start_job(run_match_task, "match", user=user, region_code=period.region_id,
                    config={"update_period": period.pk, "engine": engine,
                            "civil_sync": extract.pk if extract else None,
                            "civil_extract": extract.extract if extract else None})
    return MatchRun.objects.create(update_period=period, region_id=period.region_id, job=job, engine=engine,
                                   created_by=user)


def review_constraints(period) -> tuple[dict[str, str], set[tuple[str, str]]]:
    """Return (forced, forbidden) household pairs from the accept/reject decisions on the period, latest first."""
    decisions = (ReviewDecision.objects.filter(registration__update_period=period, household__isnull=False,
                                               household__ended_at__isnull=True)
                 .exclude(decision=ReviewDecision.Decision.DEFER).order_by("decided_at", "pk")
                 .values_list("registration_id", "household__household_id", "decision"))
    latest = {}
    for registration_id, household_id, decision in decisions:
        latest[(inputs.registration_key(registration_id), household_id)] = decision
    forced = {reg: hh for (reg, hh), d in latest.items() if d == ReviewDecision.Decision.ACCEPT}
    forbidden = {pair for pair, d in latest.items() if d == ReviewDecision.Decision.REJECT}
    return forced, forbidden


def do_run_match(run: MatchRun, progress) -> dict:
    """Export the inputs, run the linkage engine (with the civil-registry extract known at the start), store the
    results (the task's work)."""
    total = len(STEPS) + 2
    progress(0, total, "exporting")
    forced, forbidden = review_constraints(run.update_period)
    with tempfile.TemporaryDirectory(prefix="mutakhir-match-") as tmp:
        root = Path(tmp)
        inputs.write_registrations(run.update_period, root / "registrations")
        inputs.write_registry(run.update_period, root / "registry")
        progress(1, total, "matching")
        extract = run.job.config.get("civil_extract") if run.job else None
        summary = match(root / "registrations", root / "registry", root / "out", engine=run.engine, civil=extract,
                        progress=lambda done, _total, note: progress(1 + done, total, note),
                        forced=forced, forbidden=forbidden)
        progress(total - 1, total, "storing results")
        store_results(run, root / "out")
    summary["reviewed_pairs"] = len(forced) + len(forbidden)
    summary["civil_sync"] = run.job.config.get("civil_sync") if run.job else None
    run.summary = summary
    run.save(update_fields=["summary"])
    progress(total, total, "done")
    return summary


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _float(text: str) -> float | None:
    return float(text) if text else None


@transaction.atomic
def store_results(run: MatchRun, out: Path) -> None:
    """Store households.csv and members.csv of the engine as results, and move registrations on."""
    rows = _read(out / "households.csv")
    households = dict(Household.objects.filter(household_id__in={r["registry_household_id"] for r in rows})
                      .values_list("household_id", "pk"))
    results = MatchResult.objects.bulk_create([
        MatchResult(run=run, registration_id=int(r["household_id"][1:]),
                    household_id=households.get(r["registry_household_id"]), category=r["category"],
                    match_probability=_float(r["match_probability"]), changes=r["changes"], review=r["review"] == "1")
        for r in rows], batch_size=BATCH)
    by_registration = {r.registration_id: r.pk for r in results}
    member_rows = _read(out / "members.csv")
    members = dict(Member.objects.filter(record_id__in={r["registry_record_id"] for r in member_rows})
                   .values_list("record_id", "pk"))
    owner = dict(RegistrationMember.objects.filter(registration__in=by_registration)
                 .values_list("pk", "registration_id"))
    links = []
    for r in member_rows:
        member_pk = int(r["record_id"][2:])
        links.append(MemberLink(result_id=by_registration[owner[member_pk]], registration_member_id=member_pk,
                                member_id=members.get(r["registry_record_id"]),
                                match_probability=_float(r["match_probability"]),
                                civil_status=r["civil_status"], civil_record_id=r["civil_record_id"]))
    MemberLink.objects.bulk_create(links, batch_size=BATCH)
    note = _("Match run #%(run)s") % {"run": run.pk}
    for registration in Registration.objects.filter(pk__in=by_registration, status=Status.SUBMITTED):
        do_set_status(run.created_by, registration, Status.IN_IDENTIFICATION, note=note)


def latest_runs():
    """Return the finished runs that are the newest of their update period."""
    newest = (MatchRun.objects.filter(job__state=JobRun.State.DONE).values("update_period")
              .annotate(last=Max("pk")).values("last"))
    return MatchRun.objects.filter(pk__in=newest)


def review_queue(results):
    """Return the results of the newest runs that await a person's accept or reject."""
    decided = [ReviewDecision.Decision.ACCEPT, ReviewDecision.Decision.REJECT]
    return (results.to_review().filter(run__in=latest_runs()).exclude(decisions__decision__in=decided)
            .select_related("registration__region", "household").order_by("registration__region_id", "pk"))


def check_review(result: MatchResult, decision: str, note: str, household=None) -> None:
    """Refuse a decision the pair cannot take; `household` is the registry side shown (review.candidate_household)."""
    if not result.review:
        raise IdentificationError(_("This pair does not need review."))
    if decision not in ReviewDecision.Decision.values:
        raise IdentificationError(_("Choose accept, reject or defer."))
    if decision == ReviewDecision.Decision.ACCEPT and household is None:
        raise IdentificationError(_("There is no registry household to accept as the same: reject or defer."))
    if decision != ReviewDecision.Decision.ACCEPT and not note.strip():
        raise IdentificationError(_("Give a note when you reject or defer a pair."))


@transaction.atomic
def do_review(user, result: MatchResult, decision: str, note: str = "", household=None) -> ReviewDecision:
    """Record a decision on a pair (on `household`, the registry side shown, else the run's choice);
    accept and reject bind the next match runs of the period."""
    household_id = household.pk if household is not None else result.household_id
    return ReviewDecision.objects.create(result=result, registration_id=result.registration_id,
                                         household_id=household_id, decision=decision,
                                         note=note.strip()[:2000], decided_by=user)


def villages_of(run: MatchRun) -> list[str]:
    """Return the village codes that have results in a run."""
    return sorted(set(run.results.values_list("registration__region_id", flat=True)))


def check_freeze(run: MatchRun, village: str) -> None:
    if run.job is None or run.job.state != JobRun.State.DONE:
        raise IdentificationError(_("The match run has not finished."))
    if village and village not in villages_of(run):
        raise IdentificationError(_("The match run has no results in this village."))


@transaction.atomic
def do_freeze_prelist(user, run: MatchRun, village: str) -> Prelist:
    """Freeze a village's results of a run as the next prelist version, taking over from the older versions
    (supersede.py: what happens to their entries and verifications)."""
    last = (Prelist.objects.select_for_update().filter(update_period=run.update_period, region_id=village)
            .aggregate(v=Max("version"))["v"])
    prelist = Prelist.objects.create(update_period=run.update_period, region_id=village, version=(last or 0) + 1,
                                     match_run=run, frozen_by=user)
    decided = set(run.results.filter(decisions__decision__in=[ReviewDecision.Decision.ACCEPT,
                                                             ReviewDecision.Decision.REJECT])
                  .values_list("pk", flat=True))
    results = unsettled(run.results.filter(registration__region_id=village), run.update_period)
    results = results.order_by("registration__number")
    PrelistEntry.objects.bulk_create([
        PrelistEntry(prelist=prelist, registration_id=r.registration_id, household_id=r.household_id,
                     category=r.category, match_probability=r.match_probability, changes=r.changes,
                     review=r.review and r.pk not in decided)
        for r in results], batch_size=BATCH)
    take_over(prelist, user)
    return prelist


def freeze_summary(run: MatchRun) -> dict:
    """Return what freezing every village of a run makes: villages, households by category, pairs still to
    review, and villages whose frozen prelist gets a new version."""
    villages = villages_of(run)
    by_category = dict(run.results.values_list("category").annotate(n=Count("pk")).order_by())
    decided = ReviewDecision.objects.filter(result__run=run, decision__in=[ReviewDecision.Decision.ACCEPT,
                                                                          ReviewDecision.Decision.REJECT])
    return {"villages": len(villages), "households": sum(by_category.values()),
            "categories": [(label, by_category[value]) for value, label in Category.choices if value in by_category],
            "unreviewed": run.results.filter(review=True).exclude(pk__in=decided.values("result")).count(),
            "replaced": Prelist.objects.filter(update_period=run.update_period, region_id__in=villages)
                                       .values("region_id").distinct().count()}


def do_freeze_prelists(user, run: MatchRun, village: str = "") -> list[Prelist]:
    """Freeze one village, or every village of the run when `village` is empty."""
    return [do_freeze_prelist(user, run, code) for code in ([village] if village else villages_of(run))]

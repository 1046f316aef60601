"""Where a registration stands: its stage and dated timeline, read from the records each stage leaves.

Nothing is stored twice. The registration and its history, the prelist entries, the verification (and its
history), the decree items, the decree's package dispatch, the ranking results and the newest list of each
program already say, with their dates, what happened to the household; the stage is derived from them on
read. So it cannot disagree with them, needs no back-fill, and no service has to remember to write it.

`progress_of(registrations)` reads a page of registrations in a fixed number of queries (no N+1), and runs
the same queries whatever the data holds: the public status check relies on that (the same work for a
match and a miss, `status.py`). `registry_progress(household_ids)` does the stages after the unified
database for people who are in it without a registration.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F, Max, OuterRef, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mutakhir.decrees.models import Decree, DecreeItem, PackageDispatch
from mutakhir.identification.models import PrelistEntry
from mutakhir.ranking.models import RankingResult, RankingRun
from mutakhir.targeting.models import BeneficiaryList, Entry
from mutakhir.verification.models import Outcome, Verification
from mutakhir.verification.models import Status as VerificationStatus

from .models import Registration, Status

RECENT_RUNS = 12  # a household's desil is read from the newest twelve ranking runs (three years, quarterly)
IN_PROGRAM = (Entry.Status.SELECTED, Entry.Status.GRACE)


class Stage:
    """The stages a registration goes through, in order (a label each, and what the household waits for)."""

    REGISTERED = "registered"
    WITHDRAWN = "withdrawn"
    IN_IDENTIFICATION = "in_identification"
    ON_PRELIST = "on_prelist"
    BEING_VERIFIED = "being_verified"
    VERIFIED = "verified"
    NOT_FOUND = "not_found"
    REJECTED = "rejected"
    IN_DRAFT_DECREE = "in_draft_decree"
    IN_DECREE = "in_decree"
    SENT = "sent"
    PACKAGE_REFUSED = "package_refused"
    APPLIED = "applied"
    IN_REGISTRY = "in_registry"
    RANKED = "ranked"
    IN_PROGRAMS = "in_programs"
    NOT_IN_PROGRAMS = "not_in_programs"


WAITING = {
    Stage.REGISTERED: gettext_lazy("waiting for initial identification by the district"),
    Stage.IN_IDENTIFICATION: gettext_lazy("waiting for the district to freeze the prelist"),
    Stage.ON_PRELIST: gettext_lazy("waiting for field verification"),
    Stage.BEING_VERIFIED: gettext_lazy("waiting for the field verification to be completed and accepted"),
    Stage.VERIFIED: gettext_lazy("waiting for the decree (SK) of the district head"),
    Stage.NOT_FOUND: gettext_lazy("waiting for the decree (SK) of the district head"),
    Stage.REJECTED: gettext_lazy("waiting for the decree (SK) of the district head"),
    Stage.IN_DRAFT_DECREE: gettext_lazy("waiting for the district head to approve the decree"),
    Stage.IN_DECREE: gettext_lazy("waiting for the district to send the data to the national team"),
    Stage.SENT: gettext_lazy("waiting for the national team"),
    Stage.PACKAGE_REFUSED: gettext_lazy("waiting for the district to send the corrected data again"),
    Stage.APPLIED: gettext_lazy("waiting for the national ranking"),
    Stage.IN_REGISTRY: gettext_lazy("waiting for the national ranking"),
    Stage.RANKED: gettext_lazy("waiting for the program lists"),
}
OUTCOME_STAGE = {Outcome.NOT_FOUND: Stage.NOT_FOUND, Outcome.REFUSED: Stage.REJECTED}
# Outcomes after which the household is in the unified database: kept (verified, split) or joined (merged).
CONTINUES = {Outcome.VERIFIED, Outcome.SPLIT, Outcome.MERGED}
# Stages shown to the public only where the district publishes desil and programs.
RANKING_STAGES = {Stage.RANKED, Stage.IN_PROGRAMS, Stage.NOT_IN_PROGRAMS}


@dataclass
class Step:
    stage: str
    text: str
    at: datetime | None = None


@dataclass
class Progress:
    """A registration's (or a registry household's) timeline; the last step is where it stands."""

    steps: list[Step]
    household_id: str = ""  # the unified-database household it became or joined, once applied
    region_code: str = ""
    desil: int | None = None
    programs: list[str] = field(default_factory=list)
    final: bool = False  # no further stage will come (withdrawn, not found, moved away, in or out of lists)

    @property
    def current(self) -> Step:
        return self.steps[-1]

    @property
    def stage(self) -> str:
        return self.current.stage

    @property
    def waiting(self) -> str:
        return "" if self.final else str(WAITING.get(self.stage, ""))


def _status_dates(ids) -> dict:
    """Return {(registration pk, status): when it last entered that status} from the registration's history."""
    rows = (Registration.history.filter(id__in=ids, status__in=[Status.IN_IDENTIFICATION, Status.WITHDRAWN])
            .order_by().values("id", "status").annotate(at=Max("history_date")))
    return {(r["id"], r["status"]): r["at"] for r in rows}


def _assigned_dates(ids) -> dict:
    """Return {verification pk: when it was assigned} (its first history record)."""
    rows = Verification.history.filter(entry__registration_id__in=ids, history_type="+").values_list("id",
                                                                                                   "history_date")
    return dict(rows)


def _rank(verification: Verification, approved: set[int]) -> tuple:
    accepted = verification.status == VerificationStatus.ACCEPTED
    return verification.pk in approved, accepted, verification.status == VerificationStatus.SUBMITTED, verification.pk


def _entry_steps(entries: list[PrelistEntry]) -> list[Step]:
    return [Step(Stage.ON_PRELIST, _("On the prelist of %(village)s (version %(version)s) as “%(category)s”") % {
        "village": e.prelist.region.name, "version": e.prelist.version, "category": e.get_category_display()},
        e.prelist.frozen_at) for e in entries]


def _verification_steps(v: Verification, assigned_at) -> list[Step]:
    steps = [Step(Stage.BEING_VERIFIED, _("Assigned for field verification"), assigned_at)]
    if v.submitted_at and v.status != VerificationStatus.ASSIGNED:
        steps.append(Step(Stage.BEING_VERIFIED, _("Field visit submitted (%(outcome)s)") % {
            "outcome": v.get_outcome_display()}, v.submitted_at))
    if v.status == VerificationStatus.RETURNED:
        steps.append(Step(Stage.BEING_VERIFIED, _("Returned to the verifier: %(reason)s") % {
            "reason": v.return_reason}, v.reviewed_at))
    elif v.status == VerificationStatus.ACCEPTED:
        stage = OUTCOME_STAGE.get(v.outcome, Stage.VERIFIED)
        steps.append(Step(stage, _("Verification accepted: %(outcome)s") % {"outcome": v.get_outcome_display()},
                          v.reviewed_at))
    return steps


def _decree_steps(decree: Decree) -> list[Step]:
    """Return the decree's steps and its package's: sent, then the national team's last answer (the district's
    record of the package, which holds one answer: received, then applied or refused)."""
    steps = [Step(Stage.IN_DRAFT_DECREE, _("In the draft decree %(number)s") % {"number": decree.number},
                  decree.created_at)]
    if not decree.is_approved:
        return steps
    steps.append(Step(Stage.IN_DECREE, _("Decree %(number)s approved") % {"number": decree.number},
                      decree.approved_at))
    dispatch = getattr(decree, "dispatch", None)
    if dispatch is None:
        return steps
    steps.append(Step(Stage.SENT, _("Sent to the national team"), dispatch.sent_at))
    answer = {PackageDispatch.Status.RECEIVED: (Stage.SENT, _("Received by the national team")),
              PackageDispatch.Status.APPLIED: (Stage.APPLIED, _("Applied to the unified database")),
              PackageDispatch.Status.REFUSED: (Stage.PACKAGE_REFUSED, _("Refused by the national team: %(reason)s")
                                               % {"reason": dispatch.reason})}.get(dispatch.status)
    if answer:
        steps.append(Step(*answer, dispatch.answered_at))
    return steps


def _followed_household(reg: Registration, entry: PrelistEntry, v: Verification) -> str:
    """Return the unified-database household the registration's household is after the merge, or ""."""
    if v.outcome == Outcome.MERGED:
        return v.merged_into
    if v.outcome in CONTINUES:  # a new registrant's household takes the registration number (package_export)
        return entry.household.household_id if entry.household_id else reg.number
    return ""


def _latest_decree(items: list[DecreeItem]) -> Decree | None:
    approved = [i.decree for i in items if i.decree.is_approved]
    if approved:
        return max(approved, key=lambda d: (d.approved_at, d.pk))
    return max((i.decree for i in items), key=lambda d: (d.created_at, d.pk), default=None)


def _registration_progress(reg: Registration, entries, items, dates, assigned) -> Progress:
    steps = [Step(Stage.REGISTERED, _("Registered: %(channel)s") % {"channel": reg.get_channel_display()},
                  reg.entered_at)]
    progress = Progress(steps, region_code=reg.region_id)
    if reg.status == Status.WITHDRAWN:
        steps.append(Step(Stage.WITHDRAWN, _("Withdrawn: %(reason)s") % {"reason": reg.status_note},
                          dates.get((reg.pk, Status.WITHDRAWN))))
        progress.final = True
        return progress
    if reg.status == Status.IN_IDENTIFICATION or entries:
        steps.append(Step(Stage.IN_IDENTIFICATION, _("Matched against the unified database and the civil registry"),
                          dates.get((reg.pk, Status.IN_IDENTIFICATION))))
    steps += _entry_steps(entries)
    verifications = [e.verification for e in entries if getattr(e, "verification", None) is not None]
    if not verifications:
        return progress
    approved = {i.verification_id for i in items if i.decree.is_approved}
    verification = max(verifications, key=lambda v: _rank(v, approved))
    steps += _verification_steps(verification, assigned.get(verification.pk))
    if verification.status != VerificationStatus.ACCEPTED:
        return progress
    decree = _latest_decree([i for i in items if i.verification_id == verification.pk])
    if decree is not None:
        steps += _decree_steps(decree)
    if progress.stage == Stage.APPLIED:
        entry = next(e for e in entries if e.pk == verification.entry_id)
        progress.household_id = _followed_household(reg, entry, verification)
        if not progress.household_id:  # not found, refused or moved away: nothing more to come
            progress.final = True
            progress.current.text = _("Applied to the unified database (verification: %(outcome)s)") % {
                "outcome": verification.get_outcome_display()}
    return progress


def progress_of(registrations) -> dict[int, Progress]:
    """Return {registration pk: Progress} for the registrations, in a fixed number of queries."""
    registrations = list(registrations)
    ids = [r.pk for r in registrations] or [0]
    dates, assigned = _status_dates(ids), _assigned_dates(ids)
    entries: dict[int, list] = {}
    for e in (PrelistEntry.objects.filter(registration_id__in=ids)
              .select_related("prelist__region", "household", "verification")
              .order_by("prelist__frozen_at", "pk")):
        entries.setdefault(e.registration_id, []).append(e)
    items: dict[int, list] = {}
    for item in (DecreeItem.objects.filter(verification__entry__registration_id__in=ids)
                 .select_related("decree__dispatch").annotate(registration_id=F("verification__entry__registration_id"))):
        items.setdefault(item.registration_id, []).append(item)
    out = {r.pk: _registration_progress(r, entries.get(r.pk, []), items.get(r.pk, []), dates, assigned)
           for r in registrations}
    add_ranking([p for p in out.values() if p.household_id], applied_only=True)
    return out


def registry_progress(household_id: str, region_code: str) -> Progress:
    """Return the stages after the unified database of a registry household (for people not registered)."""
    progress = Progress([Step(Stage.IN_REGISTRY, _("In the unified database"))], household_id=household_id,
                        region_code=region_code)
    add_ranking([progress])
    return progress


def _latest_lists() -> list[BeneficiaryList]:
    """Return the newest list of each program (with its program and ranking run)."""
    newest = (BeneficiaryList.objects.filter(version__program=OuterRef("version__program"))
              .order_by("-created_at", "-pk").values("pk")[:1])
    return list(BeneficiaryList.objects.filter(pk=Subquery(newest)).select_related("version__program", "ranking_run")
                .order_by("version__program__name"))


def add_ranking(progresses: list[Progress], *, applied_only: bool = False) -> None:
    """Add "ranked, desil D" and "in / not in the program lists" to households in the unified database.

    A ranking counts once it is newer than the package that brought the household's verified data
    (`applied_only`); a program's newest list counts once it is drawn from that ranking or a newer one.
    Always the same three or four queries, whatever the households (see the module's docstring).
    """
    hids = sorted({p.household_id for p in progresses}) or [""]
    recent = RankingRun.objects.order_by("-created_at", "-pk").values("pk")[:RECENT_RUNS]
    results: dict[str, RankingResult] = {}
    for r in (RankingResult.objects.filter(household_id__in=hids, run__in=recent).select_related("run")
              .order_by("run__created_at", "run_id")):
        results[r.household_id] = r  # the newest run wins
    lists = _latest_lists()
    selected: dict[str, set] = {}
    if lists:
        for hid, name in (Entry.objects.filter(beneficiary_list__in=lists, household_id__in=hids, status__in=IN_PROGRAM)
                          .values_list("household_id", "beneficiary_list__version__program__name")):
            selected.setdefault(hid, set()).add(name)
    for p in progresses:
        result = results.get(p.household_id)
        since = p.current.at if applied_only else None
        if result is None or (since and result.run.created_at < since):
            continue
        p.desil = result.desil
        p.steps.append(Step(Stage.RANKED, _("Ranked by the national team: desil %(desil)s") % {"desil": result.desil},
                            result.run.created_at))
        _add_programs(p, [b for b in lists if b.ranking_run.created_at >= result.run.created_at],
                      selected.get(p.household_id, set()))


def _add_programs(p: Progress, lists: list[BeneficiaryList], selected: set) -> None:
    if not lists:
        return
    at = max(b.created_at for b in lists)
    p.programs = sorted(b.version.program.name for b in lists if b.version.program.name in selected)
    p.final = True
    if p.programs:
        p.steps.append(Step(Stage.IN_PROGRAMS, _("In the program lists: %(programs)s") % {
            "programs": ", ".join(p.programs)}, at))
    else:
        p.steps.append(Step(Stage.NOT_IN_PROGRAMS, _("Not in the newest program lists (%(programs)s)") % {
            "programs": ", ".join(b.version.program.name for b in lists)}, at))

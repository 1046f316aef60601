"""One verification per household and update period (issue 15): newer prelist versions take over, the database
refuses a second verification, and the services, the ODK import and the decrees say why."""

import datetime as dt
import importlib
import json
from types import SimpleNamespace

import pytest
from conftest import BANGKA, VILLAGE_IN, VILLAGE_OTHER_SUB
from django.apps import apps
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from mutakhir.accounts.models import Role
from mutakhir.core.models import JobRun
from mutakhir.decrees.services import DecreeError, do_approve_decree, do_compile_decree
from mutakhir.identification.models import Category, MatchResult, MatchRun, Prelist, PrelistEntry
from mutakhir.identification.services import do_freeze_prelists
from mutakhir.registration.models import Channel, Registration
from mutakhir.verification.models import Status, Verification
from mutakhir.verification.odk_import import import_submissions
from mutakhir.verification.services import VerificationError, do_assign, do_save

from .fixtures import accept, answers, make_entry, make_period, make_prelist
from .test_odk import V, submission

ONCE = "once per period"


@pytest.fixture
def head(make_user):
    return make_user(Role.DISTRICT_HEAD, BANGKA)


def compile_decree(operator, number="400/123/DINSOS/2025"):
    return do_compile_decree(district=BANGKA, period=make_period(), number=number, date=dt.date(2025, 3, 1),
                             legal_basis="Permensos 3/2021", signer_name="H. Mulkan", signer_title="Bupati Bangka",
                             actor=operator)


def register(village, user, number):
    return Registration.objects.create(number=number, update_period=make_period(), region_id=village,
                                       channel=Channel.ACTIVE, entered_by=user, address="Jl. Melati 3",
                                       floor_material=8)


def finished_run(user, results) -> MatchRun:
    """Return a finished match run of the period with `results`: (registration, registry household or None)."""
    job = JobRun.objects.create(kind="match", region_code=BANGKA, state=JobRun.State.DONE, created_by=user)
    run = MatchRun.objects.create(update_period=make_period(), region_id=BANGKA, job=job, created_by=user)
    MatchResult.objects.bulk_create([MatchResult(run=run, registration=r, household=h,
                                                 category=Category.CHANGED if h else Category.NEW)
                                     for r, h in results])
    return run


@pytest.fixture
def case(make_household, operator):
    """A registry household re-registered in VILLAGE_IN, a new registrant there and one in another village."""
    household = make_household(VILLAGE_IN, members=2)
    registration = register(VILLAGE_IN, operator, "REG-1901-2025-900001")
    newcomer = register(VILLAGE_IN, operator, "REG-1901-2025-900002")
    elsewhere = register(VILLAGE_OTHER_SUB, operator, "REG-1901-2025-900003")
    run = finished_run(operator, [(registration, household), (newcomer, None), (elsewhere, None)])
    return SimpleNamespace(run=run, registration=registration, household=household, newcomer=newcomer)


def odk_import(tmp_path, rows):
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"value": rows}))
    return import_submissions(path, V)


def test_a_household_verified_and_in_an_approved_decree_is_not_verified_again(case, client, psm, tksk, operator,
                                                                                head, tmp_path):
    """The reported sequence: freeze a village, verify + accept + approve the decree, freeze all villages."""
    first, = do_freeze_prelists(operator, case.run, VILLAGE_IN)
    verified = accept(first.entries.get(registration=case.registration), psm, tksk)
    do_approve_decree(compile_decree(operator), actor=head)
    do_freeze_prelists(operator, case.run)  # "freeze all villages"
    newest = Prelist.objects.filter(region_id=VILLAGE_IN).order_by("-version").first()
    entries = list(PrelistEntry.objects.filter(registration=case.registration))
    for entry in entries:  # the service
        with pytest.raises(VerificationError):
            do_assign(entry, psm, actor=psm)
    client.force_login(psm)  # the work list and the view
    index = client.get(reverse("verification:index")).content.decode()
    assert case.household.household_id not in index
    for entry in entries:
        client.post(reverse("verification:assign", args=[entry.pk]))
    result = odk_import(tmp_path, [submission(SimpleNamespace(prelist_id=p.pk, household=case.household), psm.username,
                                              f"uuid:again-{p.version}") for p in (first, newest)])
    assert result.applied == 0
    assert {r["code"] for r in result.report} == {"unknown_household", "already_submitted"}
    with pytest.raises(DecreeError, match="no accepted"):  # a second decree finds nothing to take
        compile_decree(operator, number="400/124/DINSOS/2025")
    assert list(Verification.objects.filter(entry__registration=case.registration)) == [verified]
    assert newest.version == 2 and not newest.entries.filter(registration=case.registration).exists()


def test_a_refreeze_before_any_verification_moves_the_household_to_the_new_version(case, client, psm, operator):
    first, = do_freeze_prelists(operator, case.run, VILLAGE_IN)
    second, = do_freeze_prelists(operator, case.run, VILLAGE_IN)
    old, new = (p.entries.get(registration=case.registration) for p in (first, second))
    old.refresh_from_db()
    assert old.superseded_by == second and new.superseded_by is None
    assert list(PrelistEntry.objects.current().filter(registration=case.registration)) == [new]
    client.force_login(psm)
    index = client.get(reverse("verification:index"))
    shown = index.content.decode()
    assert reverse("verification:assign", args=[new.pk]) in shown
    assert reverse("verification:assign", args=[old.pk]) not in shown
    (village,), = [row.villages for row in index.context["progress"]]
    assert village.counts["to_visit"] == 2  # the two households of the village, not four
    with pytest.raises(VerificationError, match="Version 2 of the prelist"):
        do_assign(old, psm, actor=psm)
    assert client.post(reverse("verification:assign", args=[old.pk])).status_code == 404
    assert do_assign(new, psm, actor=psm).entry == new


def test_open_work_moves_to_the_new_version_and_submitted_work_stays(case, make_household, psm, operator):
    first, = do_freeze_prelists(operator, case.run, VILLAGE_IN)
    draft = do_assign(first.entries.get(registration=case.registration), psm, actor=psm)
    draft = do_save(draft, version=draft.version, outcome="", answers=answers(), actor=psm)
    submitted = do_assign(first.entries.get(registration=case.newcomer), psm, actor=psm)
    submitted = do_save(submitted, version=submitted.version, outcome="verified", actor=psm, submit=True,
                        answers=answers(nik="1901010105800077"))
    second, = do_freeze_prelists(operator, case.run, VILLAGE_IN)
    draft.refresh_from_db()
    assert draft.entry.prelist == second and draft.status == Status.DRAFT and draft.answers == answers()
    assert not second.entries.filter(registration=case.newcomer).exists()  # verified already: not listed again
    assert PrelistEntry.objects.get(pk=submitted.entry_id).superseded_by is None
    moved_house = make_household(VILLAGE_IN, members=1)  # a new run matches the registration to another household
    third, = do_freeze_prelists(operator, finished_run(operator, [(case.registration, moved_house)]), VILLAGE_IN)
    assert not Verification.objects.filter(pk=draft.pk).exists()  # its answers describe the old household
    assert draft.history.first().history_type == "-"
    assert do_assign(third.entries.get(registration=case.registration), psm, actor=psm).household == moved_house


def test_the_database_and_every_path_refuse_a_second_verification(entry, client, psm, tksk, operator, tmp_path):
    """A second current entry of a verified household (what freezing left before): no way to verify it twice."""
    accept(entry, psm, tksk)
    twin = make_entry(make_prelist(VILLAGE_IN, operator), entry.household)
    with pytest.raises(VerificationError, match=ONCE):
        do_assign(twin, psm, actor=psm)
    with translation.override("id"), pytest.raises(VerificationError, match="sekali per periode"):
        do_assign(twin, psm, actor=psm)
    with pytest.raises(IntegrityError), transaction.atomic():
        Verification.objects.create(entry=twin, region_id=VILLAGE_IN, verifier=psm)
    client.force_login(psm)
    index = client.get(reverse("verification:index")).content.decode()
    assert reverse("verification:assign", args=[twin.pk]) not in index
    assert ONCE in client.post(reverse("verification:assign", args=[twin.pk]), follow=True).content.decode()
    result = odk_import(tmp_path, [submission(twin, psm.username, "uuid:twin")])
    assert result.applied == 0 and ONCE in result.report[0]["message"]
    assert Verification.objects.filter(entry__household=entry.household).count() == 1


def test_a_decree_takes_one_verification_per_household_and_period(entry, psm, tksk, operator, head):
    accept(entry, psm, tksk)
    do_approve_decree(compile_decree(operator), actor=head)
    twin = make_entry(make_prelist(VILLAGE_IN, operator), entry.household)
    # made before the database held one per household: the migration left its keys empty
    Verification.objects.create(entry=twin, region_id=VILLAGE_IN, verifier=psm, status=Status.ACCEPTED,
                                update_period=make_period(), answers=answers())
    with pytest.raises(DecreeError, match="two verifications"):
        compile_decree(operator, number="400/124/DINSOS/2025")


def test_the_migrations_key_the_first_verification_and_retire_replaced_entries(entry, make_household, psm, operator):
    twin = make_entry(make_prelist(VILLAGE_IN, operator), entry.household)
    first = Verification.objects.create(entry=entry, region_id=VILLAGE_IN, verifier=psm, status=Status.ASSIGNED)
    second = Verification.objects.create(entry=twin, region_id=VILLAGE_IN, verifier=psm, status=Status.ACCEPTED,
                                         update_period=make_period())
    Verification.objects.update(registration=None, household=None)
    keys = importlib.import_module("mutakhir.verification.migrations.0002_verification_household_keys")
    keys.fill_keys(apps, None)
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.household, second.household) == (None, entry.household)  # the accepted one keeps the key
    run = finished_run(operator, [])
    old, new = (Prelist.objects.create(update_period=make_period(), region_id=VILLAGE_OTHER_SUB, version=v,
                                       match_run=run, frozen_by=operator) for v in (1, 2))
    stale, worked = (make_entry(old, make_household(VILLAGE_OTHER_SUB)) for _ in range(2))
    Verification.objects.create(entry=worked, region_id=VILLAGE_OTHER_SUB, verifier=psm)
    retire = importlib.import_module("mutakhir.identification.migrations.0005_retire_replaced_prelist_entries")
    retire.retire_replaced(apps, None)
    assert list(PrelistEntry.objects.filter(superseded_by=new)) == [stale]

"""Status follows the household (issue 15.2): one registration walked through every stage with the services,
its stage and dated timeline asserted at each step, on the staff page and in the public status check."""

import html

import pytest
from conftest import VILLAGE_IN
from decrees.test_decrees import compile_decree
from decrees.test_package import complete
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from ranking.registry import fill_registry, fit_registry_model
from verification.fixtures import make_prelist

from mutakhir.accounts.models import Role
from mutakhir.core.models import JobRun
from mutakhir.decrees.dispatch import do_send
from mutakhir.decrees.services import do_approve_decree
from mutakhir.identification.models import Category, PrelistEntry
from mutakhir.ranking.models import RankingResult, RankingRun
from mutakhir.ranking.services import do_publish_model, do_start_ranking
from mutakhir.registration.models import Channel, Registration, Status
from mutakhir.registration.progress import Stage, progress_of
from mutakhir.registration.services import check_registration, do_create_registration, do_set_status
from mutakhir.registration.status import lookup
from mutakhir.registry.models import Household, PackageSubmission
from mutakhir.registry.packages.inbox import do_start_apply
from mutakhir.targeting.services import do_build_list, do_create_program
from mutakhir.verification.services import do_assign, do_review, do_save

from .conftest import HEAD_NIK, payload

HEAD = "Budi Santoso"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def staff(make_user, district_key):
    roles = {"operator": (Role.DISTRICT_OPERATOR, "1901"), "head": (Role.DISTRICT_HEAD, "1901"),
             "psm": (Role.PSM, VILLAGE_IN), "tksk": (Role.TKSK, "190101"), "national": (Role.NATIONAL, None),
             "pm": (Role.PROGRAM_MANAGER, None)}
    return {name: make_user(role, region) for name, (role, region) in roles.items()}


def staff_page(client, number) -> tuple[str, list[str]]:
    """Return the stage the registration page shows, and its timeline rows (date and text)."""
    text = client.get(reverse("registration:detail", args=[number])).text
    stage = html.unescape(text.split('id="stage">')[1].split("<")[0])
    rows = text.split('id="timeline">')[1].split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    return stage, [html.unescape(row) for row in rows]


def expect(client, registration, stage: str, text: str, waiting: str, stages: list[str]):
    """Assert the stage and timeline in the service, on the staff page and in the public check."""
    progress = progress_of([registration])[registration.pk]
    assert [s.stage for s in progress.steps] == stages
    assert progress.stage == stage and text in progress.current.text and progress.waiting == waiting
    assert all(s.at is not None for s in progress.steps), progress.steps  # every step dated
    assert [s.at for s in progress.steps] == sorted(s.at for s in progress.steps)
    shown, rows = staff_page(client, registration.number)
    assert text in shown and len(rows) == len(stages) and text in rows[-1]
    answer = lookup(HEAD_NIK, HEAD)
    assert answer.found and answer.registration_number == registration.number
    assert text in answer.stage and answer.waiting == waiting and answer.stage_at == progress.current.at
    return answer


def test_a_registration_walks_through_every_stage(client, staff, period, settings, django_capture_on_commit_callbacks,
                                                 make_household, tmp_path):
    registrar = staff["operator"]
    client.force_login(staff["operator"])
    registration = do_create_registration(registrar, check_registration(registrar, payload(), channel=Channel.ACTIVE))
    stages = [Stage.REGISTERED]
    expect(client, registration, Stage.REGISTERED, "Registered: Active (at the village office)",
           "waiting for initial identification by the district", stages)

    do_set_status(registrar, registration, Status.IN_IDENTIFICATION, note="Match run #1")
    stages.append(Stage.IN_IDENTIFICATION)
    expect(client, registration, Stage.IN_IDENTIFICATION, "Matched against the unified database",
           "waiting for the district to freeze the prelist", stages)

    entry = PrelistEntry.objects.create(prelist=make_prelist(VILLAGE_IN, staff["operator"]), registration=registration,
                                        category=Category.NEW)
    stages.append(Stage.ON_PRELIST)
    expect(client, registration, Stage.ON_PRELIST, "(version 1) as “New registrant”", "waiting for field verification",
           stages)

    verification = do_assign(entry, staff["psm"], actor=staff["operator"])
    stages.append(Stage.BEING_VERIFIED)
    expect(client, registration, Stage.BEING_VERIFIED, "Assigned for field verification",
           "waiting for the field verification to be completed and accepted", stages)
    verification = do_save(verification, version=verification.version, outcome="verified", answers=complete(entry),
                           actor=staff["psm"], submit=True)
    stages.append(Stage.BEING_VERIFIED)
    expect(client, registration, Stage.BEING_VERIFIED, "Field visit submitted (Verified)",
           "waiting for the field verification to be completed and accepted", stages)
    do_review(verification, accept=True, actor=staff["tksk"])
    stages.append(Stage.VERIFIED)
    expect(client, registration, Stage.VERIFIED, "Verification accepted: Verified",
           "waiting for the decree (SK) of the district head", stages)

    decree = compile_decree(staff["operator"])
    stages.append(Stage.IN_DRAFT_DECREE)
    expect(client, registration, Stage.IN_DRAFT_DECREE, f"In the draft decree {decree.number}",
           "waiting for the district head to approve the decree", stages)
    decree = do_approve_decree(decree, actor=staff["head"])
    stages.append(Stage.IN_DECREE)
    expect(client, registration, Stage.IN_DECREE, f"Decree {decree.number} approved",
           "waiting for the district to send the data to the national team", stages)

    do_send(decree, actor=staff["head"])  # one installation: straight into the national inbox
    stages += [Stage.SENT, Stage.SENT]
    expect(client, registration, Stage.SENT, "Received by the national team", "waiting for the national team", stages)

    with django_capture_on_commit_callbacks(execute=True):
        do_start_apply(PackageSubmission.objects.get(), actor=staff["national"])
    assert JobRun.objects.get(kind="package-apply").state == JobRun.State.DONE
    assert Household.objects.filter(household_id=registration.number).exists()
    stages[-1] = Stage.APPLIED  # the dispatch holds the national team's last answer: applied replaces received
    answer = expect(client, registration, Stage.APPLIED, "Applied to the unified database",
                    "waiting for the national ranking", stages)
    assert answer.in_registry and not answer.shows_desil

    fill_registry(make_household)  # others to rank it among
    version = do_publish_model(fit_registry_model(tmp_path / "survey.csv").to_dict(), name="pmt-2025")
    with django_capture_on_commit_callbacks(execute=True):
        job = do_start_ranking(staff["national"], version)
    job.refresh_from_db()
    assert job.state == JobRun.State.DONE, job.error
    run = RankingRun.objects.get()
    desil = RankingResult.objects.get(run=run, household_id=registration.number).desil
    stages.append(Stage.RANKED)
    progress = progress_of([registration])[registration.pk]
    assert (progress.stage, progress.desil, progress.waiting) == (Stage.RANKED, desil, "waiting for the program lists")
    assert progress.current.text == f"Ranked by the national team: desil {desil}"
    assert staff_page(client, registration.number)[0] == progress.current.text
    answer = lookup(HEAD_NIK, HEAD)  # the district does not publish desil: the stage only
    assert (answer.stage, answer.desil, answer.programs, answer.shows_desil) == ("Ranked by the national team", "",
                                                                               "", False)
    settings.PUBLIC_SHOWS_DESIL = ["1901"]
    answer = lookup(HEAD_NIK, HEAD)
    assert (answer.stage, answer.desil, answer.waiting) == (progress.current.text, str(desil),
                                                            "waiting for the program lists")
    assert answer.programs == "no program list drawn from this ranking yet"

    for name, rule in (("Semua", "desil <= 10"), ("Tak seorang", "desil <= 0")):
        do_build_list(do_create_program(name, rule, "household", actor=staff["pm"]).current, run, actor=staff["pm"])
    stages.append(Stage.IN_PROGRAMS)
    expect(client, registration, Stage.IN_PROGRAMS, "In the program lists: Semua", "", stages)
    answer = lookup(HEAD_NIK, HEAD)
    assert (answer.desil, answer.programs) == (str(desil), "Semua")
    settings.PUBLIC_SHOWS_DESIL = ["1902"]  # another district's choice says nothing about this one
    answer = lookup(HEAD_NIK, HEAD)
    assert (answer.stage, answer.desil, answer.programs) == ("Ranked by the national team", "", "")


def test_the_public_page_shows_the_stage_and_what_it_waits_for(client, staff, period, settings):
    from django.core.cache import cache

    from mutakhir.registration import status as status_checks

    cache.clear()
    settings.PUBLIC_SHOWS_DESIL = []
    status_checks.MIN_SECONDS, floor = 0, status_checks.MIN_SECONDS
    try:
        registrar = staff["operator"]
        registration = do_create_registration(registrar, check_registration(registrar, payload(),
                                                                            channel=Channel.ACTIVE))
        do_set_status(registrar, registration, Status.IN_IDENTIFICATION, note="Match run #1")
        client.logout()
        client.cookies["django_language"] = "en"
        page = client.post(reverse("publik:status"), {"nik": HEAD_NIK, "name": HEAD}).text
    finally:
        status_checks.MIN_SECONDS = floor
    answer = page.split('id="status-answer"')[1]
    assert "Matched against the unified database and the civil registry" in answer.split('id="status-stage">')[1]
    assert "Waiting for the district to freeze the prelist" in answer
    assert "Your district does not show them here" in answer and 'id="status-desil"' not in answer


def test_a_list_of_registrations_shows_each_stage_in_the_same_queries(client, staff, period):
    registrar = staff["operator"]
    client.force_login(registrar)

    def register(nik_serial: int) -> Registration:
        data = payload()
        for m in data["members"]:
            m["nik"] = m["nik"][:12] + f"{nik_serial:04d}"
        data["address"] = f"Jl. Mawar {nik_serial}"
        return do_create_registration(registrar, check_registration(registrar, data, channel=Channel.ACTIVE),
                                      confirm_duplicates=True)

    def list_page():
        with CaptureQueriesContext(connection) as queries:
            text = client.get(reverse("registration:list")).text
        return text, len(queries.captured_queries)

    first = register(11)
    list_page()  # the first request of a session does its own bookkeeping
    _, one = list_page()
    second, third = register(12), register(13)
    do_set_status(registrar, second, Status.IN_IDENTIFICATION)
    PrelistEntry.objects.create(prelist=make_prelist(VILLAGE_IN, registrar), registration=third, category=Category.NEW)
    text, three = list_page()
    assert one == three  # no query per registration
    assert "Registered: Active (at the village office)" in text and "Matched against the unified database" in text
    assert "as “New registrant”" in html.unescape(text) and first.number in text


def sql_of(callable_) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        callable_()
    return [q["sql"].split(" WHERE ")[0] for q in queries.captured_queries]


def test_the_public_check_does_the_same_work_at_any_stage_and_for_a_miss(staff, period, make_household):
    """A registration far along (verified, in a decree, ranked) costs the same queries as a wrong name."""
    registrar = staff["operator"]
    registration = do_create_registration(registrar, check_registration(registrar, payload(), channel=Channel.ACTIVE))
    entry = PrelistEntry.objects.create(prelist=make_prelist(VILLAGE_IN, registrar), registration=registration,
                                        category=Category.NEW)
    v = do_assign(entry, staff["psm"], actor=registrar)
    v = do_save(v, version=v.version, outcome="verified", answers=complete(entry), actor=staff["psm"], submit=True)
    do_review(v, accept=True, actor=staff["tksk"])
    compile_decree(registrar)
    assert lookup(HEAD_NIK, HEAD).stage.startswith("In the draft decree")
    assert sql_of(lambda: lookup(HEAD_NIK, HEAD)) == sql_of(lambda: lookup(HEAD_NIK, "Sri Wahyuni"))


def test_a_ranked_household_outside_the_programs_is_told_so_where_the_district_allows(make_household, settings):
    """A person in the unified database without a registration: ranked, then out of the newest list."""
    household = make_household(VILLAGE_IN, members=1)
    Member = household.members.model
    Member.objects.filter(household=household).update(nik=HEAD_NIK, name=HEAD, name_key="BUDI SANTOSO")
    assert lookup(HEAD_NIK, HEAD).waiting == "waiting for the national ranking"
    run = RankingRun.objects.create(region_code="", model={}, model_sha256="0" * 64, engine="duckdb", source="t",
                                    households=1)
    RankingResult.objects.create(run=run, household_id=household.household_id, score=9.0, percentile=85, desil=9,
                                 region_percentile=85, region="1901", model_region="*")
    do_build_list(do_create_program("Uji", "desil <= 4", "household").current, run)
    settings.PUBLIC_SHOWS_DESIL = ["*"]
    answer = lookup(HEAD_NIK, HEAD)
    assert (answer.registration_number, answer.in_registry, answer.desil, answer.programs, answer.waiting) == (
        "", True, "9", "none", "")
    assert answer.stage == "Not in the newest program lists (Uji)"
    settings.PUBLIC_SHOWS_DESIL = []
    assert (lookup(HEAD_NIK, HEAD).stage, lookup(HEAD_NIK, HEAD).desil) == ("Ranked by the national team", "")


def test_a_household_not_found_ends_when_its_decree_is_applied(client, staff, period,
                                                              django_capture_on_commit_callbacks):
    registrar = staff["operator"]
    client.force_login(registrar)
    registration = do_create_registration(registrar, check_registration(registrar, payload(), channel=Channel.ACTIVE))
    entry = PrelistEntry.objects.create(prelist=make_prelist(VILLAGE_IN, registrar), registration=registration,
                                        category=Category.NEW)
    v = do_assign(entry, staff["psm"], actor=registrar)
    v = do_save(v, version=v.version, outcome="not_found", answers={}, actor=staff["psm"], submit=True)
    do_review(v, accept=True, actor=staff["tksk"])
    progress = progress_of([registration])[registration.pk]
    assert (progress.stage, progress.current.text) == (Stage.NOT_FOUND, "Verification accepted: Not found")
    do_send(do_approve_decree(compile_decree(registrar), actor=staff["head"]), actor=staff["head"])
    with django_capture_on_commit_callbacks(execute=True):
        do_start_apply(PackageSubmission.objects.get(), actor=staff["national"])
    progress = progress_of([registration])[registration.pk]
    assert (progress.stage, progress.waiting, progress.household_id) == (Stage.APPLIED, "", "")
    assert progress.current.text == "Applied to the unified database (verification: Not found)"
    assert not Household.objects.filter(household_id=registration.number).exists()
    answer = lookup(HEAD_NIK, HEAD)
    assert (answer.stage, answer.waiting, answer.in_registry) == (progress.current.text, "", False)
    assert staff_page(client, registration.number)[0] == progress.current.text

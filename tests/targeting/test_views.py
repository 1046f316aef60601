"""Targeting pages: the role × region × endpoint matrix, the editor's check, exports logged."""

import io

import openpyxl
import pytest
from conftest import BANGKA
from django.urls import reverse

from mutakhir.accounts.models import Role
from mutakhir.core.models import JobRun, PersonalDataAccess
from mutakhir.targeting import services

pytestmark = pytest.mark.django_db

RULE = "desil <= 4 and any(member.age < 6 or member.age >= 70)"
BELITUNG = "1902"
MANAGERS = [Role.PROGRAM_MANAGER, Role.NATIONAL]
READERS = [Role.AUDITOR, Role.DISTRICT_OPERATOR, Role.DISTRICT_HEAD]
OUTSIDERS = [Role.REGISTRAR, Role.PSM, Role.TKSK]
LEVEL_REGION = {Role.REGISTRAR: "1901011001", Role.PSM: "1901011001", Role.TKSK: "190101"}
REASON = {"reason": "Penyaluran PKH tahap 2"}  # an export asks why first


@pytest.fixture(autouse=True)
def english_pages(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def blist(ranked):
    program = services.do_create_program("Uji", RULE, "household")
    return services.do_build_list(program.current, ranked)


@pytest.fixture
def job(blist):
    """A finished list-drawing job for the whole country, as the task leaves it."""
    return JobRun.objects.create(kind=services.JOB_KIND, state=JobRun.State.DONE, region_code="",
                                 config={"program": blist.version.program_id}, result={"list": blist.pk})


def login(client, make_user, role, region=None):
    user = make_user(role, region)
    client.force_login(user)
    return user


def endpoints(blist):
    pk, prog = blist.pk, blist.version.program_id
    return [("get", reverse("targeting:index"), {}),
            ("get", reverse("targeting:program", args=[prog]), {}),
            ("get", reverse("targeting:list", args=[pk]), {}),
            ("get", reverse("targeting:export", args=[pk, "csv"]), {}),
            ("post", reverse("targeting:export", args=[pk, "csv"]), REASON),
            ("get", reverse("targeting:why", args=[pk]) + "?household=T1", {}),
            ("post", reverse("targeting:check_rule"), {"rule": "desil <= 4", "unit": "household"}),
            ("post", reverse("targeting:add_version", args=[prog]), {"rule": "desil <= 3", "unit": "household"}),
            ("post", reverse("targeting:build_list", args=[prog]), {"run": blist.ranking_run_id})]


READS = 6  # the first six endpoints read; the rest manage
MANAGER_SCOPES = [(r, g) for r in MANAGERS for g in (None, BANGKA)]


@pytest.mark.parametrize("role", MANAGERS)
def test_it_lets_managers_do_everything(client, make_user, blist, role):
    login(client, make_user, role)
    for method, url, data in endpoints(blist):
        assert getattr(client, method)(url, data).status_code in (200, 302), url


@pytest.mark.parametrize(("role", "region"), [(r, g) for r in READERS for g in (None, BANGKA, BELITUNG)
                                               if g or r == Role.AUDITOR])
def test_it_lets_readers_read_in_their_region_only(client, make_user, blist, role, region):
    login(client, make_user, role, region)
    for i, (method, url, data) in enumerate(endpoints(blist)):
        status = getattr(client, method)(url, data).status_code
        if i >= READS:
            assert status == 403, url
        elif "why" in url:  # T1 lives in Bangka
            assert status == (404 if region == BELITUNG else 200), url
        else:
            assert status == 200, url
    text = client.post(reverse("targeting:export", args=[blist.pk, "csv"]), REASON).content.decode()
    assert ("T1" in text) == (region != BELITUNG) and ("T4" in text) == (region != BANGKA)


@pytest.mark.parametrize("role", OUTSIDERS)
def test_it_refuses_other_roles(client, make_user, blist, role):
    login(client, make_user, role, LEVEL_REGION[role])
    for method, url, data in endpoints(blist):
        assert getattr(client, method)(url, data).status_code in (403, 404), url


def test_it_sends_anonymous_users_to_login(client, blist):
    assert client.get(reverse("targeting:index")).status_code == 302


def test_the_editor_checks_as_you_type(client, make_user, ranked):
    login(client, make_user, Role.PROGRAM_MANAGER)
    bad = client.post(reverse("targeting:check_rule"), {"rule": "desi <= 4", "unit": "household"})
    assert "did you mean &#x27;desil&#x27;?" in bad.content.decode()
    good = client.post(reverse("targeting:check_rule"), {"rule": RULE, "unit": "household"}).content.decode()
    assert "The rule is valid" in good and "1901" in good and "1902" in good


def test_it_creates_programs_and_versions(client, make_user, ranked):
    login(client, make_user, Role.PROGRAM_MANAGER)
    response = client.post(reverse("targeting:create_program"), {"name": "PKH", "rule": RULE, "unit": "household"})
    program = services.Program.objects.get(name="PKH")
    assert response.url == reverse("targeting:program", args=[program.pk])
    client.post(reverse("targeting:add_version", args=[program.pk]), {"rule": "desil <= 3", "unit": "household"})
    assert program.versions.count() == 2
    client.post(reverse("targeting:add_version", args=[program.pk]), {"rule": "desi <= 3", "unit": "household"})
    assert program.versions.count() == 2


def test_it_draws_a_list_in_the_background_with_progress(client, make_user, ranked,
                                                          django_capture_on_commit_callbacks):
    user = login(client, make_user, Role.PROGRAM_MANAGER)
    program = services.do_create_program("Uji", RULE, "household")
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("targeting:build_list", args=[program.pk]),
                               {"run": ranked.pk, "quotas": "1901,9\n1902,1", "grace": "0"})
    job = JobRun.objects.get(kind=services.JOB_KIND)
    assert response["Location"] == reverse("targeting:job", args=[job.pk])
    assert job.state == JobRun.State.QUEUED and job.created_by == user and not services.BeneficiaryList.objects.exists()
    waiting = client.get(reverse("targeting:program", args=[program.pk])).content.decode()
    assert f'hx-get="{reverse("job_status", args=[job.pk])}"' in waiting
    assert 'hx-trigger="every 2s"' in client.get(response["Location"]).content.decode()
    for callback in callbacks:  # the task runs (the test backend runs it at once)
        callback()
    job.refresh_from_db()
    blist = services.BeneficiaryList.objects.get()
    assert job.state == JobRun.State.DONE and job.result["list"] == blist.pk and job.done == job.total == 3
    assert client.get(reverse("job_status", args=[job.pk]), headers={"HX-Request": "true"}).status_code == 286
    page = client.get(response["Location"], follow=True)
    assert page.redirect_chain[-1][0] == reverse("targeting:list", args=[blist.pk])
    assert "larger than its eligible population" in page.content.decode()


def test_a_list_that_fails_keeps_its_error_on_the_job(client, make_user, ranked, django_capture_on_commit_callbacks,
                                                      monkeypatch):
    login(client, make_user, Role.NATIONAL)
    program = services.do_create_program("Uji", RULE, "household")
    def fail(*args, **kwargs):
        raise services.TargetingError("boom")

    monkeypatch.setattr(services, "run_list", fail)
    with django_capture_on_commit_callbacks(execute=True):  # the test backend records the task's failure
        client.post(reverse("targeting:build_list", args=[program.pk]), {"run": ranked.pk})
    job = JobRun.objects.get(kind=services.JOB_KIND)
    assert job.state == JobRun.State.FAILED and "boom" in job.error
    assert not services.BeneficiaryList.objects.exists()
    assert "boom" in client.get(reverse("targeting:job", args=[job.pk])).content.decode()


def test_bad_list_options_start_no_job(client, make_user, ranked):
    login(client, make_user, Role.PROGRAM_MANAGER)
    program = services.do_create_program("Uji", RULE, "household")
    bad = client.post(reverse("targeting:build_list", args=[program.pk]),
                      {"run": ranked.pk, "quotas": "19,9\n1902,1"}, follow=True)
    assert "overlap" in bad.content.decode() and not JobRun.objects.exists()
    unknown = client.post(reverse("targeting:build_list", args=[program.pk]),
                          {"run": ranked.pk, "quotas": "1901,9\n1901070,20"}, follow=True)
    assert "Line 2 (1901070,20): region 1901070 is not in the region list" in unknown.content.decode()
    assert not JobRun.objects.exists()


@pytest.mark.parametrize(("role", "region"), [*MANAGER_SCOPES, *((r, BANGKA) for r in READERS),
                                              *((r, LEVEL_REGION[r]) for r in OUTSIDERS)])
@pytest.mark.parametrize("job_region", ["", BANGKA, BELITUNG])
def test_the_job_page_is_scoped(client, make_user, job, role, region, job_region):
    """Managers follow the jobs of runs inside their region; nobody else sees list-drawing jobs."""
    JobRun.objects.filter(pk=job.pk).update(region_code=job_region, state=JobRun.State.RUNNING)
    login(client, make_user, role, region)
    status = client.get(reverse("targeting:job", args=[job.pk])).status_code
    inside = region is None or job_region.startswith(region)
    if role in MANAGERS:
        assert status == (200 if inside else 404)
    else:
        assert status in (403, 404)
    assert client.get(reverse("job_status", args=[job.pk])).status_code == (200 if inside else 404)


def test_a_finished_job_leads_to_its_list(client, make_user, job):
    login(client, make_user, Role.NATIONAL)
    assert client.get(reverse("targeting:job", args=[job.pk]))["Location"] == reverse("targeting:list",
                                                                                        args=[job.result["list"]])


def test_exports_are_logged_and_formula_safe(client, make_user, blist):
    user = login(client, make_user, Role.NATIONAL)
    blist.entries.filter(household_id="T1").update(reason="=cmd|' /C calc'!A0")
    xlsx = client.post(reverse("targeting:export", args=[blist.pk, "xlsx"]), REASON)
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "=cmd|' /C calc'!A0")
    assert (cell.data_type, cell.quotePrefix) == ("s", True)  # text, never a formula
    assert client.post(reverse("targeting:export", args=[blist.pk, "pdf"]), REASON).content.startswith(b"%PDF")
    assert client.post(reverse("targeting:export", args=[blist.pk, "exe"]), REASON).status_code == 404
    logged = PersonalDataAccess.objects.filter(user=user, action="export", object_type="beneficiarylist")
    assert sorted(logged.values_list("fields", "reason")) == [("pdf", REASON["reason"]), ("xlsx", REASON["reason"])]


def test_why_explains_a_household(client, make_user, blist):
    login(client, make_user, Role.NATIONAL)
    html = client.get(reverse("targeting:why", args=[blist.pk]) + "?household=T5").content.decode()
    assert "does not meet the criteria" in html and "desil &lt;= 4" in html


@pytest.mark.parametrize(("role", "shown"), [(Role.PROGRAM_MANAGER, True), (Role.NATIONAL, True),
                                             (Role.AUDITOR, True), (Role.REGISTRAR, False)])
def test_home_shows_the_programs_card(client, make_user, role, shown):
    """Every role that may read programs finds them on its home page (auditors read, without changing)."""
    login(client, make_user, role, "1901011001" if role == Role.REGISTRAR else None)
    assert (reverse("targeting:index") in client.get(reverse("home")).content.decode()) is shown


@pytest.mark.parametrize(("region", "poor"), [(None, 4), (BANGKA, 3), (BELITUNG, 1)])
def test_the_dashboard_counts_the_users_region(client, make_user, blist, region, poor):
    login(client, make_user, Role.AUDITOR, region)
    html = client.get(reverse("targeting:dashboard")).content.decode()
    assert "<svg" in html and "<script" not in html.split("</head>")[1]
    rows = client.get(reverse("targeting:dashboard_csv")).content.decode().splitlines()
    desil = {r.split(",")[1]: int(r.split(",")[2]) for r in rows if r.startswith("desil,")}
    assert sum(v for k, v in desil.items() if int(k) <= 4) == poor
    coverage = next(r for r in rows if r.startswith("coverage,")).split(",")
    assert coverage[1] == "Uji" and int(coverage[6]) == poor


def test_the_dashboard_is_closed_to_other_roles(client, make_user, blist):
    login(client, make_user, Role.PSM, LEVEL_REGION[Role.PSM])
    assert client.get(reverse("targeting:dashboard")).status_code == 403
    assert client.get(reverse("targeting:dashboard_csv")).status_code == 403


def test_a_small_preview_stays_in_the_request(client, make_user, ranked, settings):
    settings.TARGETING_PREVIEW_SYNC_HOUSEHOLDS = 5  # the run has 5 households
    login(client, make_user, Role.PROGRAM_MANAGER)
    page = client.post(reverse("targeting:check_rule"), {"rule": RULE, "unit": "household"}).content.decode()
    assert "<td>1901</td><td class=\"num\">2</td>" in page and "<td>1902</td><td class=\"num\">1</td>" in page
    assert not JobRun.objects.exists()


@pytest.fixture
def large(settings):
    settings.TARGETING_PREVIEW_SYNC_HOUSEHOLDS = 4  # the run has 5 households: counted in the background


def test_typing_on_a_large_run_starts_nothing(client, make_user, ranked, large):
    login(client, make_user, Role.PROGRAM_MANAGER)
    page = client.post(reverse("targeting:check_rule"), {"rule": RULE, "unit": "household"}).content.decode()
    assert "The rule is valid" in page and "counted per region in the background" in page
    assert 'hx-vals=\'{"background": "1"}\'' in page and "<table" not in page
    bad = client.post(reverse("targeting:check_rule"), {"rule": "desil <= \"x\"", "background": "1"})
    assert "class=\"note error\"" in bad.content.decode()
    assert not JobRun.objects.exists()  # nothing starts, nothing saved, until the rule is valid and asked for


def test_a_large_preview_runs_as_a_job_with_progress(client, make_user, ranked, large,
                                                    django_capture_on_commit_callbacks):
    user = login(client, make_user, Role.PROGRAM_MANAGER)
    form = {"rule": RULE, "unit": "household", "background": "1"}
    with django_capture_on_commit_callbacks() as callbacks:
        page = client.post(reverse("targeting:check_rule"), form).content.decode()
        again = client.post(reverse("targeting:check_rule"), form).content.decode()  # still queued: reused
    job = JobRun.objects.get()
    assert (job.kind, job.state, job.created_by, job.config["run"]) == (services.PREVIEW_KIND, "queued", user,
                                                                          ranked.pk)
    url = reverse("targeting:preview_job", args=[job.pk])
    assert f'hx-get="{url}"' in page and 'hx-trigger="every 2s"' in page and f'hx-get="{url}"' in again
    waiting = client.get(url)
    assert waiting.status_code == 200 and "<progress" in waiting.content.decode()
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert job.state == JobRun.State.DONE and job.result["households"] == 3
    done = client.get(url)
    text = done.content.decode()
    assert done.status_code == 286 and "hx-get" not in text
    assert "<td>1901</td><td class=\"num\">2</td>" in text and "<td>1902</td><td class=\"num\">1</td>" in text
    assert not services.ProgramVersion.objects.exists() and not services.BeneficiaryList.objects.exists()


def test_a_failed_preview_shows_its_error(client, make_user, ranked, large, monkeypatch,
                                         django_capture_on_commit_callbacks):
    login(client, make_user, Role.NATIONAL)

    def fail(*args, **kwargs):
        raise services.TargetingError("boom")

    monkeypatch.setattr(services, "run_list", fail)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("targeting:check_rule"), {"rule": RULE, "unit": "household", "background": "1"})
    job = JobRun.objects.get()
    response = client.get(reverse("targeting:preview_job", args=[job.pk]))
    assert response.status_code == 286 and "The preview failed: TargetingError: boom" in response.content.decode()


@pytest.mark.parametrize(("role", "region"), [(Role.PROGRAM_MANAGER, None), (Role.NATIONAL, BANGKA),
                                              (Role.AUDITOR, None)])
def test_a_preview_job_is_its_owners_only(client, make_user, ranked, large, role, region):
    owner = make_user(Role.PROGRAM_MANAGER)
    job = services.do_start_preview(owner, RULE, "household", ranked)
    url = reverse("targeting:preview_job", args=[job.pk])
    login(client, make_user, role, region)
    assert client.get(url).status_code == 404
    client.force_login(owner)
    assert client.get(url).status_code == 200


def test_the_large_preview_speaks_indonesian_first(client, make_user, ranked, large, settings):
    login(client, make_user, Role.PROGRAM_MANAGER)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    page = client.post(reverse("targeting:check_rule"), {"rule": RULE, "unit": "household"}).content.decode()
    assert "Hitung per wilayah" in page and "dihitung per wilayah di latar belakang" in page

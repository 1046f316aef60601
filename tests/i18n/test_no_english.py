"""Every page, per role, and every export, rendered in Indonesian, shows no English UI word (issue 16.11).

A small synthetic district goes through the stages (registry, registrations, match run, prelists, PMT model,
ranking run, programs, complaint) so that lists and details are not empty; then every URL pattern of the app
is opened by every role (a pattern with arguments once per object the data holds) and every export is read.
A URL pattern whose arguments the data cannot fill fails the test: a new page needs its data here.
"""

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import load_workbook

from mutakhir.accounts.models import Role, User
from mutakhir.core.management.commands.demo import open_demo_period, publish_demo_model
from mutakhir.identification.services import do_freeze_prelists, do_start_match
from mutakhir.ranking.models import PmtSurvey
from mutakhir.ranking.services import do_rank_registry
from mutakhir.regions.loader import LOKAL_SOURCE, load_regions, lokal_rows
from mutakhir.registry.exchange.columns import HOUSEHOLDS, MEMBERS
from mutakhir.targeting.models import ProgramVersion
from mutakhir.targeting.services import do_build_list, do_seed_programs

from .crawl import WORD, english_in, visible_text

DISTRICT = "1901"
# An import template or an exchange-format export names the format's columns (name, sex, ...): they stay.
COLUMNS = frozenset(c.name for c in HOUSEHOLDS + MEMBERS)
SKIPPED_PREFIXES = ("admin/", "i18n/", "api/openapi.json", "static/")  # Django's admin, the language switch
# The fit pages name the uploaded survey's own columns beside their labels: the analyst looks for them in the file.
# A list's reasons quote its program's rule as the program manager wrote it (any, not, member.age): those words stay.
FIT_PAGES = "/ranking/fit/"
ARGUMENTS = {}  # pattern name -> function(data) -> list of kwargs; filled below


def _patterns(resolvers, prefix="", namespace=""):
    for p in resolvers:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _patterns(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), f"{namespace}{p.name}", p


@pytest.fixture
def district(db, django_capture_on_commit_callbacks, tmp_path, settings):
    """A synthetic district of 120 households through registration, matching, prelists, ranking and targeting."""
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    load_regions(lokal_rows("19"), LOKAL_SOURCE)
    data = tmp_path / "demo"
    call_command("synth", households=900, seed=3, out=str(data), region="19.01", registrations=20)
    call_command("registry", "import", str(data / "registry"))
    from mutakhir.accounts.demo import create_demo_users
    create_demo_users(DISTRICT)
    TOTPDevice.objects.all().delete()  # force_login signs in without a second factor
    operator = User.objects.get(username="demo-district-operator")
    with django_capture_on_commit_callbacks(execute=True):
        period = open_demo_period(DISTRICT, data / "registrations")
    with django_capture_on_commit_callbacks(execute=True):
        run = do_start_match(operator, period)
    run.refresh_from_db()
    do_freeze_prelists(operator, run)
    version = publish_demo_model(data / "survey" / "households.csv")
    ranking = do_rank_registry(version)
    programs = do_seed_programs()
    do_build_list(programs[0].versions.order_by("-pk").first(), ranking)
    _complaint(operator)
    _civil_changes(operator)
    _decrees_and_package(period)
    with django_capture_on_commit_callbacks(execute=True):
        _jobs_and_reviews(period, data, ranking)
    return period, data


def _decrees_and_package(period):
    """Two verifications accepted: one in an approved decree whose package is in the national inbox, one in a
    draft decree (the watermarked preview); and an ODK import, so that stage 3's pages have data."""
    import datetime as dt

    from mutakhir.core.management.commands.demo import trust_demo_key
    from mutakhir.decrees.dispatch import do_send
    from mutakhir.decrees.services import do_approve_decree, do_compile_decree
    from mutakhir.identification.models import PrelistEntry
    from mutakhir.verification.models import SubmissionImport
    from mutakhir.verification.services import do_assign, do_review, do_save

    tksk, head, operator = (User.objects.get(username=f"demo-{role}")
                            for role in ("tksk", "district-head", "district-operator"))
    entries = list(PrelistEntry.objects.filter(prelist__region__code__startswith=tksk.region_id).order_by("pk")[:3])
    assert len(entries) == 3, "the synthetic sub-district has fewer than 3 households on its prelists"
    for n, entry in enumerate(entries[:2]):
        v = do_assign(entry, tksk, actor=tksk)
        v = do_save(v, version=v.version, outcome="not_found", answers={}, actor=tksk, submit=True,
                    **(_evidence("photo_front") if n == 0 else {}))  # the photo's page and the annex's counts
        do_review(v, accept=True, actor=operator)
    do_assign(entries[2], tksk, actor=tksk)  # one still to verify

    def compile_(number, verifications):
        return do_compile_decree(district=DISTRICT, period=period, number=number, date=dt.date(2026, 3, 1),
                                 legal_basis="Permensos 3/2021", signer_name="H. Mulkan", signer_title="Bupati Bangka",
                                 actor=operator, verifications=verifications)

    from mutakhir.verification.models import Verification

    first, second = Verification.objects.filter(status="accepted").order_by("pk")
    trust_demo_key(DISTRICT)
    do_send(do_approve_decree(compile_("400.9/1/DINSOS/2026", [first]), actor=head), actor=head)
    compile_("400.9/2/DINSOS/2026", [second])
    SubmissionImport.objects.create(sha256="0" * 64, source="odk.csv", form_version="1", user=tksk, applied=0,
                                    flagged=1, report=[{"row": 1, "instance_id": "uuid:1", "household": "H1",
                                                        "code": "unknown_household", "message": "x"}])


def _jobs_and_reviews(period, data, ranking):
    """A Musdes with its minutes, a duplicate search, a PMT fit, a targeting preview, an agency signal import and a
    verivali selection: the pages of those steps, each run the way its page starts it."""
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile
    from weasyprint import HTML

    from mutakhir.identification.duplicates import do_start_search
    from mutakhir.ranking.columns import default_settings
    from mutakhir.ranking.services import do_start_fit, do_upload_survey
    from mutakhir.registration.models import Musdes
    from mutakhir.targeting.services import do_start_preview
    from mutakhir.verivali.selection.rules import SelectionRules
    from mutakhir.verivali.selection.services import do_commit
    from mutakhir.verivali.signals import services as signals

    registrar, operator, national, manager = (User.objects.get(username=f"demo-{role}") for role in
                                              ("registrar", "district-operator", "national", "program-manager"))
    musdes = Musdes.objects.create(region=registrar.region, update_period=period, held_on=dt.date(2026, 2, 1),
                                   attendance=40, entered_by=registrar)
    minutes = HTML(string="<p>Berita acara musyawarah desa</p>").write_pdf()
    musdes.minutes.save("berita-acara.pdf", SimpleUploadedFile("berita-acara.pdf", minutes))
    _duplicate_cluster(do_start_search(operator, registrar.region.parent.parent))
    survey_file = data / "survey" / "households.csv"
    survey = do_upload_survey(SimpleUploadedFile("survei.csv", survey_file.read_bytes()), actor=national)
    do_start_fit(national, survey, default_settings(survey.columns))
    do_start_preview(manager, "desil <= 4", "household", ranking)
    extract = data / "pln.csv"
    extract.write_text("nik,no_kk,idpel,tarif,daya_va\n1901011111110001,,512345678901,R1,900\n,,,R1,900\n")
    sha = signals.check_import("electricity", extract, DISTRICT)
    signals.do_import(signals.do_create_import(operator, "electricity", extract.name, sha, DISTRICT), extract)
    in_three_years = dt.datetime.now(dt.UTC) + dt.timedelta(days=3 * 365)  # every household's data is then stale
    do_commit(operator, period, SelectionRules(months=24, quota=5), now=in_three_years)


def _duplicate_cluster(run):
    """The synthetic registry holds no duplicates: one cluster of two people, as a search would record it."""
    from mutakhir.identification.models import DuplicateCluster, DuplicateRecord
    from mutakhir.registry.models import Member

    cluster = DuplicateCluster.objects.create(run=run, kind=DuplicateCluster.Kind.PERSON, key="0" * 64,
                                              probability=0.97)
    for member in Member.objects.filter(household__region__pk__startswith=DISTRICT).order_by("pk")[:2]:
        DuplicateRecord.objects.create(cluster=cluster, household=member.household, member=member)


def _evidence(field: str) -> dict:
    """A photo (field -> cleaned JPEG) and a location, as a verification or a complaint stores them."""
    from evidence.photos import jpeg_with_gps

    from mutakhir.core.evidence import clean_photo, parse_location
    return {"photos": {field: clean_photo(jpeg_with_gps())}, "location": parse_location("-1.9", "106.1", "9")}


def _complaint(operator):
    """A complaint assigned, answered and closed, so that its history has every step."""
    from mutakhir.complaints.services import do_answer, do_assign, do_close, do_file_complaint, do_start_review

    village = User.objects.get(username="demo-registrar").region
    complaint, _code = do_file_complaint(region=village, kind="sanggah", text="Kami tidak terdaftar.",
                                         complainant_name="Siti", subject_name="Siti", **_evidence("photo"))
    do_assign(operator, complaint, operator)
    do_start_review(operator, complaint)
    do_answer(operator, complaint, "Sudah diperiksa di lapangan.")
    do_close(operator, complaint)


def _civil_changes(operator):
    """A civil-registry sync that proposes a KK change and a NIK correction for registry members."""
    from mutakhir.registry.models import Member
    from mutakhir.verivali.models import CivilSync, ProposedChange

    sync = CivilSync.objects.create(region_code=DISTRICT, extract="/nonexistent")
    for kind, member in zip((ProposedChange.Kind.KK_CHANGE, ProposedChange.Kind.NIK_CORRECTION),
                            Member.objects.order_by("pk")[:2], strict=True):
        current = member.kk if kind == ProposedChange.Kind.KK_CHANGE else member.nik
        ProposedChange.objects.create(
            sync=sync, kind=kind, member=member, household=member.household, region_id=member.household.region_id,
            exact=True, current_value=current, proposed_value=current[:-4] + "9999", member_version=member.version,
            evidence={"method": "nik", "civil_line": 5})
    from mutakhir.core.models import ApiUpload  # an extract begun by API, so the upload's routes are filled

    ApiUpload.objects.create(kind="civil_extract", filename="members.csv", size=10, sha256="0" * 64,
                             path="/nonexistent", region_code=DISTRICT, created_by=operator)



def _first(model, **filters):
    obj = model.objects.filter(**filters).order_by("pk").first()
    return [{"pk": obj.pk}] if obj else []


def _arguments():
    """Pattern name -> the kwargs lists the data can fill (empty when it holds no such object)."""
    from mutakhir.complaints.models import Complaint
    from mutakhir.core.models import ApiUpload, JobRun
    from mutakhir.decrees.models import Decree
    from mutakhir.identification.models import DedupRun, DuplicateCluster, MatchResult, MatchRun, Prelist, PrelistEntry
    from mutakhir.ranking.models import PmtModelVersion, PmtSurvey, RankingRun
    from mutakhir.registration.models import Musdes, Registration, RegistrationImport
    from mutakhir.registry.models import Household, Member, PackageSubmission, UpdatePeriod
    from mutakhir.targeting.models import BeneficiaryList, Program
    from mutakhir.verification.models import SubmissionImport, Verification
    from mutakhir.verivali.models import CivilSync, ProposedChange, Selection, SignalImport

    registration = Registration.objects.order_by("pk").first()
    complaint = Complaint.objects.order_by("pk").first()
    village = User.objects.get(username="demo-registrar").region_id
    lists = _first(BeneficiaryList)
    return {
        "registry:household": _first(Household, members__isnull=False, region_id=village),
        "registry:edit": _first(Household, members__isnull=False, region_id=village),
        "registry:reveal": _first(Member),
        "registration:detail": [{"number": registration.number}] if registration else [],
        "registration:receipt": [{"number": registration.number}] if registration else [],
        "registration:receipt_pdf": [{"number": registration.number}] if registration else [],
        "identification:dedup_run": _first(DedupRun),
        "identification:cluster": _first(DuplicateCluster),
        "ranking:fit_settings": _first(PmtSurvey),
        "ranking:fit_job": _first(JobRun, kind="pmt_fit"),
        "targeting:preview_job": _first(JobRun, kind="targeting-preview"),
        "verivali:signal_import": _first(SignalImport),
        "verivali:selection_detail": _first(Selection),
        **{f"verivali:outcome_{name}": _first(UpdatePeriod) for name in ("report", "pdf", "xlsx", "sign")},
        "registration:musdes": _first(Musdes),
        "registration:musdes_minutes": _first(Musdes),
        "identification:run": _first(MatchRun),
        "identification:review": _first(MatchResult),
        "identification:prelist": _first(Prelist),
        "identification:prelist_pdf": _first(Prelist),
        "identification:prelist_xlsx": _first(Prelist),
        "notifications:notice": _first(Prelist),
        "ranking:run": _first(RankingRun),
        "ranking:movers": _first(RankingRun),
        "ranking:movers_csv": _first(RankingRun),
        "ranking:cutpoints_publish": _first(RankingRun),
        "targeting:program": _first(Program),
        "targeting:api_columns": _first(Program),
        "complaints:detail": [{"ticket": complaint.ticket}] if complaint else [],
        "job_status": _first(JobRun),
        "registration:import_detail": _first(RegistrationImport),
        "registration:import_report": _first(RegistrationImport),
        "registration:import_job": _first(JobRun),
        "ranking:job": _first(JobRun),
        "targeting:job": _first(JobRun),
        "targeting:list": lists,
        "targeting:why": lists,
        "targeting:export": [{"pk": k["pk"], "fmt": fmt} for k in lists for fmt in ("csv", "xlsx", "pdf")],
        "verivali:sync": _first(CivilSync),
        "identification:freeze": _first(MatchRun),
        "targeting:add_version": _first(Program),
        "targeting:build_list": _first(Program),
        "verivali:change_apply": _first(ProposedChange),
        "verivali:change_reject": _first(ProposedChange),
        **{f"decrees:{name}": _first(Decree, status="approved")
           for name in ("acknowledgement", "annex", "approve", "detail", "package", "pdf", "send", "verify")},
        "decrees:draft_pdf": _first(Decree, status="draft"),
        **{f"registry:{name}": _first(PackageSubmission)
           for name in ("package", "apply_package", "refuse_package", "package_acknowledgement")},
        "verification:edit": _first(Verification),
        "verification:photo": [{"pk": v["pk"], "which": "front"} for v in _first(Verification, photo_front__gt="")],
        "complaints:photo": [{"ticket": complaint.ticket}] if complaint and complaint.photo else [],
        "verification:review": _first(Verification),
        "verification:assign": [{"entry_pk": e["pk"]} for e in _first(PrelistEntry)],
        "verification:odk_form": _first(Prelist),
        "verification:odk_import": _first(SubmissionImport),
        "verification:odk_report": _first(SubmissionImport),
        **{f"cycle:{name}": _first(UpdatePeriod) for name in ("period_edit", "period_open", "period_close")},
        "complaints:reveal_nik": [{"ticket": complaint.ticket}] if complaint else [],
        "complaints:act": [{"ticket": complaint.ticket, "action": "answer"}] if complaint else [],
        "decrees:refresh_dispatch": _first(Decree, status="approved"),
        **{f"api:{name}": _first(PackageSubmission) for name in ("read_package", "apply_package", "refuse_package")},
        **{f"api:{name}": [{"name": m.name, "version": m.version} for m in PmtModelVersion.objects.all()[:1]]
           for name in ("read_model", "read_cutpoints")},
        **{f"api:{name}": _first(ApiUpload) for name in ("read_upload", "write_chunk", "complete_upload")},
        "api:read_job": _first(JobRun),
        **{f"api:{name}": [{"number": registration.number}] if registration else []
           for name in ("read_registration", "correct_registration", "withdraw_registration")},
        **{f"api:{name}": [{"list_id": row["pk"]} for row in lists]
           for name in ("read_list", "list_entries", "list_changes")},
    }


def _with_export(client, url, response):
    """The page, and where it asks why before a download (core/downloads.py), the file it then sends."""
    yield response
    if any(t.name == "core/export_reason.html" for t in response.templates):
        sent = client.post(url, {"reason": "Pemeriksaan bahasa antarmuka"}, HTTP_ACCEPT_LANGUAGE="id")
        assert sent.status_code == 200, f"{url}: the download after a reason answered {sent.status_code}"
        yield sent


def _read(response) -> str:
    """Return the user-visible text of a page or an export (CSV, XLSX, PDF)."""
    kind = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "html" in kind:
        return visible_text(body.decode())
    if "csv" in kind:
        return "\n".join(" ".join(row) for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    if "spreadsheet" in kind:
        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(" ".join(str(v) for v in row if v is not None)
                         for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))
    if "pdf" in kind:
        from pypdf import PdfReader
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    return ""


def test_no_page_or_export_shows_english_in_the_indonesian_interface(district, client):
    arguments = _arguments()
    users = {role: User.objects.get(username=f"demo-{role.value.replace('_', '-')}") for role in Role}
    findings, unfilled, read, statuses = {}, [], 0, []
    survey_columns = frozenset(c["name"] for survey in PmtSurvey.objects.all() for c in survey.columns)
    rule_words = frozenset(WORD.findall(" ".join(ProgramVersion.objects.values_list("rule", flat=True))))
    for route, name, _pattern in _patterns(get_resolver().url_patterns):
        if route.startswith(SKIPPED_PREFIXES):
            continue
        kwarg_lists = [{}] if "<" not in route else arguments.get(name, [])
        if not kwarg_lists:
            unfilled.append(name)
            continue
        for kwargs in kwarg_lists:
            url = "/" + _fill(route, kwargs)
            for role, user in [(None, None), *users.items()]:
                client.logout()
                if user:
                    client.force_login(user)
                response = client.get(url, HTTP_ACCEPT_LANGUAGE="id")
                statuses.append((url, role and role.value, response.status_code))
                if response.status_code != 200:
                    continue
                read += 1
                fit_columns = survey_columns if url.startswith(FIT_PAGES) else rule_words
                for shown in _with_export(client, url, response):
                    page = "html" in shown.get("Content-Type", "")
                    allowed = (frozenset() if page else COLUMNS) | fit_columns
                    for line in english_in(_read(shown), identifiers=page, allowed=allowed):
                        findings.setdefault(line, f"{url} ({role.value if role else 'anonymous'})")
    report = "\n".join(f"{where}: {line}" for line, where in sorted(findings.items(), key=lambda kv: kv[1]))
    assert read > 100, f"only {read} pages and exports read: {statuses}"
    assert not findings, f"English in the Indonesian interface ({len(findings)}):\n{report}"
    assert not unfilled, f"URL patterns without data: add them to _arguments(): {sorted(unfilled)}"


def _fill(route: str, kwargs: dict) -> str:
    """Put kwargs into a route like `households/<int:pk>/`."""
    import re
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), route)

"""Identification pages end to end with the test client: start, progress, review, freeze, downloads."""

import pytest

from mutakhir.core.models import JobRun, PersonalDataAccess
from mutakhir.identification import services
from mutakhir.identification.models import MatchRun, Prelist, ReviewDecision

from . import scenario


@pytest.fixture
def logged_in(client, operator, english):
    client.force_login(operator)
    client.cookies["django_language"] = "en"
    return client


def test_it_starts_a_run_and_shows_its_finished_job(logged_in, period, django_capture_on_commit_callbacks):
    period, _expected = period
    page = logged_in.get("/identification/")
    assert page.status_code == 200 and period.name in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in.post("/identification/runs/start/", {"period": period.pk})
    run = MatchRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/identification/runs/{run.pk}/"
    status = logged_in.get(f"/jobs/{run.job_id}/", headers={"HX-Request": "true"})
    assert status.status_code == 286 and "Finished: show the results" in status.content.decode()
    page = logged_in.get(f"/identification/runs/{run.pk}/").content.decode()
    assert "Freeze prelist" in page and "Old data, changed" in page


def test_a_running_job_keeps_polling(logged_in, operator):
    job = JobRun.objects.create(kind="match", region_code="1901", state=JobRun.State.RUNNING, done=3, total=8)
    response = logged_in.get(f"/jobs/{job.pk}/")
    assert response.status_code == 200 and 'hx-trigger="every 2s"' in response.content.decode()


def test_it_refuses_a_period_without_registrations(logged_in, regions):
    period = scenario.UpdatePeriod.objects.create(region_id="1901", name="Empty", starts_on="2025-01-01")
    response = logged_in.post("/identification/runs/start/", {"period": period.pk}, follow=True)
    assert "no submitted registrations" in response.content.decode()
    assert not MatchRun.objects.exists()


def test_it_reviews_freezes_and_downloads(logged_in, operator, period, start_run):
    period, _expected = period
    scenario.duplicate_registry_household("B00000")
    run = start_run(operator, period)
    result = run.results.get(registration__number="REG-0000")
    queue = logged_in.get("/identification/review/").content.decode()
    assert "REG-0000" in queue
    page = logged_in.get(f"/identification/review/{result.pk}/").content.decode()
    assert "Registry household" in page and "Paired" in page
    refused = logged_in.post(f"/identification/review/{result.pk}/", {"decision": "reject", "note": ""})
    assert refused.status_code == 400 and "Give a note" in refused.content.decode()
    logged_in.post(f"/identification/review/{result.pk}/", {"decision": "accept", "note": "same people"})
    assert ReviewDecision.objects.get().decided_by == operator
    response = logged_in.post(f"/identification/runs/{run.pk}/freeze/", {"village": result.registration.region_id})
    prelist = Prelist.objects.get()
    assert response["Location"] == f"/identification/prelists/{prelist.pk}/"
    assert "REG-0000" in logged_in.get(response["Location"]).content.decode()
    form = logged_in.get(f"/identification/prelists/{prelist.pk}/pdf/")  # asks why first
    assert form["Content-Type"].startswith("text/html") and "Reason for the download" in form.content.decode()
    reason = {"reason": "Kunjungan lapangan TKSK"}
    pdf = logged_in.post(f"/identification/prelists/{prelist.pk}/pdf/", reason)
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    xlsx = logged_in.post(f"/identification/prelists/{prelist.pk}/xlsx/", reason)
    assert xlsx.status_code == 200 and "attachment" in xlsx["Content-Disposition"]
    exports = PersonalDataAccess.objects.filter(action="export", object_type="prelist", object_id=str(prelist.pk))
    assert sorted(exports.values_list("fields", "reason")) == [("pdf", reason["reason"]), ("xlsx", reason["reason"])]


def _uncertain_new_pair(operator, period, probability=0.7):
    """A result the run left to a person with no registry household on the other side (household and links empty)."""
    from mutakhir.identification.models import MatchResult, MemberLink
    from mutakhir.registration.models import Registration

    job = JobRun.objects.create(kind="match", region_code="1901", state=JobRun.State.DONE)
    run = MatchRun.objects.create(update_period=period, region_id="1901", job=job, created_by=operator)
    registration = Registration.objects.get(number="NEW-0000")
    result = MatchResult.objects.create(run=run, registration=registration, category="new", review=True,
                                        match_probability=probability)
    head = registration.members.order_by("position").first()
    MemberLink.objects.create(result=result, registration_member=head, member=None, match_probability=probability)
    return result, head


def test_a_pair_without_a_registry_household_offers_no_same_household_and_says_why(logged_in, operator, period):
    """Nothing on the registry side: no "Accept: same household", and the page says why the pair is uncertain."""
    result, head = _uncertain_new_pair(operator, period[0])
    page = logged_in.get(f"/identification/review/{result.pk}/").content.decode()
    assert 'value="accept"' not in page and "Accept: same household" not in page
    assert 'value="reject"' in page and 'value="defer"' in page
    assert "the strongest pair of people scores 0.70: between 0.50 and 0.95" in page
    assert f"{head.name} resembles a registry person (probability 0.70) but was not linked." in page
    assert "there is nothing to call the same household" in page
    refused = logged_in.post(f"/identification/review/{result.pk}/", {"decision": "accept", "note": ""})
    assert refused.status_code == 400 and "no registry household to accept" in refused.content.decode()
    assert not ReviewDecision.objects.exists()


def test_a_pair_with_several_candidate_households_says_so(logged_in, operator, period, start_run):
    scenario.duplicate_registry_household("B00000")
    result = start_run(operator, period[0]).results.get(registration__number="REG-0000")
    page = logged_in.get(f"/identification/review/{result.pk}/").content.decode()
    assert 'value="accept"' in page and "More than one registry household could be this household." in page


def test_freezing_every_village_asks_first_with_what_it_makes(logged_in, operator, period, start_run):
    """The run page's "all villages" leads to a summary (villages, households, open pairs); only its confirmation
    freezes, and a POST without it (an old form, a double click) freezes nothing."""
    scenario.duplicate_registry_household("B00000")
    run = start_run(operator, period[0])
    villages = len(services.villages_of(run))
    page = logged_in.get(f"/identification/runs/{run.pk}/").content.decode()
    assert f'href="/identification/runs/{run.pk}/freeze/"' in page
    asked = logged_in.post(f"/identification/runs/{run.pk}/freeze/")
    summary = asked.content.decode()
    assert asked.status_code == 200 and not Prelist.objects.exists()
    assert f"{run.results.count()} household(s) go onto the prelists of {villages} villages" in summary
    assert "1 pair still awaits review" in summary
    assert f"Yes, freeze {villages} prelists" in summary
    done = logged_in.post(f"/identification/runs/{run.pk}/freeze/", {"confirmed": "1"})
    assert done["Location"] == "/identification/prelists/" and Prelist.objects.count() == villages
    again = logged_in.get(f"/identification/runs/{run.pk}/freeze/").content.decode()
    assert f"{villages} villages already have a frozen prelist" in again

from django.urls import reverse

from mutakhir.verification.models import Status
from mutakhir.verification.services import do_assign


def form_data(v, client, **over):
    """Return the POST data of the form as the page shows it (prefilled), with overrides."""
    page = client.get(reverse("verification:edit", args=[v.pk]))
    data = {"version": v.version, "outcome": "verified", "visited_on": "2025-02-01"}
    for bf in page.context["rows"]:
        value = bf[0].value()
        data[f"hh-{bf[0].name}"] = "" if value is None else value
    members = page.context["members"]
    data |= {"m-TOTAL_FORMS": len(members.forms), "m-INITIAL_FORMS": members.initial_form_count()}
    for i, form in enumerate(members.forms):
        for name in form.fields:
            value = form[name].value()
            data[f"m-{i}-{name}"] = "" if value is None else value
    return data | over


def test_it_saves_a_draft_then_lists_issues_on_submit(client, entry, psm):
    v = do_assign(entry, psm, actor=psm)
    client.force_login(psm)
    page = client.get(reverse("verification:edit", args=[v.pk]))
    assert page.status_code == 200 and b"hh-tenure" in page.content
    response = client.post(reverse("verification:edit", args=[v.pk]), form_data(v, client, **{"hh-floor_material": 2}))
    assert response.status_code == 302
    v.refresh_from_db()
    assert (v.status, v.answers["household"]["floor_material"]) == (Status.DRAFT, 2)
    response = client.post(reverse("verification:edit", args=[v.pk]), form_data(v, client, submit="1"))
    assert response.status_code == 200
    assert b"This answer is required." in response.content  # birth dates and housing are missing


def test_it_shows_a_conflict_to_the_second_editor(client, entry, psm):
    v = do_assign(entry, psm, actor=psm)
    client.force_login(psm)
    stale = form_data(v, client)
    client.post(reverse("verification:edit", args=[v.pk]), form_data(v, client, **{"hh-address": "first"}))
    response = client.post(reverse("verification:edit", args=[v.pk]), stale | {"hh-address": "second"}, follow=True)
    assert b"Somebody else saved this verification" in response.content
    v.refresh_from_db()
    assert v.answers["household"]["address"] == "first"


def test_it_shows_progress_per_village(client, entry, tksk, psm):
    do_assign(entry, psm, actor=psm)
    client.force_login(tksk)
    page = client.get(reverse("verification:index"))
    sub, = page.context["progress"]
    assert sub.counts == {"to_visit": 1, "visited": 0, "returned": 0, "accepted": 0}
    assert sub.villages[0].region.code == entry.prelist.region_id


def test_it_returns_with_a_reason(client, entry, psm, tksk):
    from mutakhir.verification.services import do_save

    from .fixtures import answers

    v = do_assign(entry, psm, actor=psm)
    do_save(v, version=v.version, outcome="verified", answers=answers(), actor=psm, submit=True)
    client.force_login(tksk)
    client.post(reverse("verification:review", args=[v.pk]), {"decision": "return", "reason": "Wrong roof"})
    v.refresh_from_db()
    assert (v.status, v.return_reason, v.reviewed_by) == (Status.RETURNED, "Wrong roof", tksk)

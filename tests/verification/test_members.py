"""One person (NIK) in two households: the web form refuses to submit it, with the same check as the ODK import."""

import json

import pytest
from conftest import VILLAGE_IN
from django.urls import reverse

from mutakhir.verification.members import member_issues
from mutakhir.verification.models import Status, Verification
from mutakhir.verification.odk_import import import_submissions
from mutakhir.verification.services import Invalid, do_assign, do_save

from .fixtures import accept, answers, make_entry, make_prelist
from .test_odk import V, submission
from .test_views import form_data

NIK = "1901010105800077"


def draft(entry, psm, data):
    v = do_assign(entry, psm, actor=psm)
    return do_save(v, version=v.version, outcome="verified", answers=data, actor=psm)


def test_it_refuses_to_submit_a_member_verified_in_another_household(client, entry, psm, tksk, make_household):
    other = make_entry(entry.prelist, make_household(VILLAGE_IN))
    accept(other, psm, tksk, answers(nik=NIK))
    v = draft(entry, psm, answers(nik=NIK))
    client.force_login(psm)
    response = client.post(reverse("verification:edit", args=[v.pk]), form_data(v, client, submit="1"))
    assert response.status_code == 200
    message = f"Budi (NIK 1901********0077) is listed already in household {other.household.household_id}"
    assert message in response.content.decode()
    assert message in response.context["members"].forms[0].errors["nik"][0]  # under the member's own row
    (issue,) = response.context["issues"]
    assert (issue.code, issue.member, str(issue).startswith("Member 1, NIK:")) == ("member_twice", 0, True)
    saved = Verification.objects.get(pk=v.pk)
    assert (saved.status, saved.version) == (Status.DRAFT, v.version)  # nothing saved


def test_it_checks_open_registry_households_until_their_verification_speaks(client, entry, psm, tksk,
                                                                            make_household):
    neighbour = make_household(VILLAGE_IN)  # Budi is still a member there, per the registry
    nik = neighbour.members.order_by("record_id").first().nik
    v = draft(entry, psm, answers(nik=nik))
    client.force_login(psm)
    url = reverse("verification:edit", args=[v.pk])
    response = client.post(url, form_data(v, client), follow=True)  # a draft is the verifier's own: saved, warned
    assert f"is a member of registry household {neighbour.household_id}" in response.content.decode()
    v.refresh_from_db()
    response = client.post(url, form_data(v, client, submit="1"))
    assert response.status_code == 200
    assert f"Budi (NIK {nik[:4]}********{nik[-4:]}) is a member of registry household {neighbour.household_id}" \
        in response.content.decode()
    assert Verification.objects.get(pk=v.pk).status == Status.DRAFT
    data = answers(nik="1901010105800078")  # the neighbour's verification: Budi moved out
    data["members"].append({"status": "moved", "name": "Budi", "relation": 3, "sex": 1, "birth_date": "1980-05-01",
                            "nik": nik})
    accept(make_entry(entry.prelist, neighbour), psm, tksk, data)
    response = client.post(url, form_data(v, client, submit="1"))
    assert response.status_code == 302
    assert Verification.objects.get(pk=v.pk).status == Status.SUBMITTED


def test_it_counts_only_outcomes_that_list_who_lives_there(entry, psm, tksk, make_household):
    accept(make_entry(entry.prelist, make_household(VILLAGE_IN)), psm, tksk, answers(nik=NIK), outcome="refused")
    merged = make_entry(entry.prelist, make_household(VILLAGE_IN))
    accept(merged, psm, tksk, answers(nik=NIK), outcome="merged", merged_into=entry.household.household_id)
    v = draft(entry, psm, answers(nik=NIK))
    v = do_save(v, version=v.version, outcome="verified", answers=answers(nik=NIK), actor=psm, submit=True)
    assert v.status == Status.SUBMITTED


def test_it_ignores_the_same_registry_household_on_a_later_prelist_version(entry, psm, tksk, operator):
    accept(entry, psm, tksk, answers(nik=NIK))
    again = make_entry(make_prelist(VILLAGE_IN, operator), entry.household)
    assert member_issues(again, answers(nik=NIK), "verified") == []


def test_it_flags_a_nik_listed_twice_in_one_household(entry, psm):
    data = answers(nik=NIK)
    data["members"][2]["nik"] = NIK
    v = draft(entry, psm, data)
    with pytest.raises(Invalid) as refused:
        do_save(v, version=v.version, outcome="verified", answers=data, actor=psm, submit=True)
    (issue,) = refused.value.issues
    assert (issue.member, issue.message) == (2, "NIK 1901********0077 is listed twice in this household (also "
                                                "member 1).")


def test_the_odk_import_shares_the_registry_check(entry, psm, make_household, tmp_path):
    neighbour = make_household(VILLAGE_IN)
    row = submission(entry, psm.username, "uuid:r1")
    row["members"][0]["nik"] = neighbour.members.order_by("record_id").first().nik
    path = tmp_path / "export.json"
    path.write_text(json.dumps([row]))
    result = import_submissions(path, V)
    (flag,) = result.report
    assert (flag["code"], result.applied) == ("member_twice", 0)
    assert f"registry household {neighbour.household_id}" in flag["message"]

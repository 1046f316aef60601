"""The forged member reference (issue 23): a verifier must not reach a person or household outside the one verified.

A village PSM posted the verification form back with a hidden `ref` naming a member of a household in another
sub-district; once accepted, decreed and merged, that person became someone else. Each path that carries such
identifiers (the web form, an ODK import) is replayed here; the package paths are in tests/decrees.
"""

import json

from conftest import VILLAGE_IN, VILLAGE_OTHER_SUB
from django.urls import reverse

from mutakhir.verification.models import Status, Verification
from mutakhir.verification.odk_import import import_submissions
from mutakhir.verification.services import Invalid, do_assign, do_save

from .fixtures import HOUSEHOLD, make_entry
from .test_odk import V, submission
from .test_views import form_data


def complete(client, v, **over):
    """The prefilled form, answered completely enough to be submitted."""
    data = form_data(v, client, submit="1", **over)
    for key, value in HOUSEHOLD.items():
        data[f"hh-{key}"] = {True: "1", False: "0"}.get(value, value)
    for i in range(int(data["m-TOTAL_FORMS"])):
        data[f"m-{i}-birth_date"] = "1980-01-01" if i == 0 else "2010-01-01"
        data[f"m-{i}-pregnant"] = "0"
    return data


def test_the_web_form_refuses_a_member_of_another_household(client, entry, psm, make_household):
    victim = make_household(VILLAGE_OTHER_SUB, members=1).members.get()
    v = do_assign(entry, psm, actor=psm)
    client.force_login(psm)
    forged = complete(client, v, **{"m-1-ref": victim.record_id})
    response = client.post(reverse("verification:edit", args=[v.pk]), forged)
    assert response.status_code == 200
    assert f"Member reference {victim.record_id} is not a member of this household".encode() in response.content
    v.refresh_from_db()
    assert v.status == Status.ASSIGNED and victim.record_id not in json.dumps(v.answers)


def test_a_forged_member_is_refused_in_a_draft_too(entry, psm, make_household):
    victim = make_household(VILLAGE_IN, members=1).members.get()
    v = do_assign(entry, psm, actor=psm)
    answers = dict(v.answers)
    answers["members"] = [*answers["members"], {"ref": victim.record_id, "status": "present", "name": "X"}]
    try:
        do_save(v, version=v.version, outcome="verified", answers=answers, actor=psm)
    except Invalid as exc:
        assert [i.code for i in exc.issues] == ["foreign_member"]
    else:
        raise AssertionError("a draft naming another household's member was saved")


def test_a_household_registered_afresh_has_no_member_references(client, operator, psm, make_household):
    from .fixtures import make_prelist

    entry = make_entry(make_prelist(VILLAGE_IN, operator))  # a new registration: no registry members
    victim = make_household(VILLAGE_IN, members=1).members.get()
    v = do_assign(entry, psm, actor=psm)
    client.force_login(psm)
    forged = complete(client, v, **{"m-0-ref": victim.record_id})
    response = client.post(reverse("verification:edit", args=[v.pk]), forged)
    assert b"is not a member of this household" in response.content
    assert Verification.objects.get(pk=v.pk).status == Status.ASSIGNED


def test_the_web_form_refuses_a_merge_into_a_household_out_of_reach(client, entry, psm, make_household):
    elsewhere = make_household(VILLAGE_OTHER_SUB, members=1)
    v = do_assign(entry, psm, actor=psm)
    client.force_login(psm)
    data = complete(client, v, outcome="merged", merged_into=elsewhere.household_id)
    response = client.post(reverse("verification:edit", args=[v.pk]), data)
    assert f"Household {elsewhere.household_id} is not an open registry household in your region".encode() \
        in response.content
    assert Verification.objects.get(pk=v.pk).status == Status.ASSIGNED
    neighbour = make_household(VILLAGE_IN, members=1)
    response = client.post(reverse("verification:edit", args=[v.pk]),
                           complete(client, v, outcome="merged", merged_into=neighbour.household_id))
    assert response.status_code == 302
    v.refresh_from_db()
    assert (v.status, v.merged_into) == (Status.SUBMITTED, neighbour.household_id)


def test_an_odk_submission_with_a_foreign_member_or_merge_target_is_flagged(entry, psm, make_household,
                                                                          tmp_path):
    victim = make_household(VILLAGE_OTHER_SUB, members=1)
    forged = submission(entry, psm.username, "uuid:forged")
    forged["members"][1]["ref"] = victim.members.get().record_id
    merged = submission(make_entry(entry.prelist, make_household(VILLAGE_IN)), psm.username, "uuid:merged",
                        outcome="merged", merged_into=victim.household_id)
    path = tmp_path / "export.json"
    path.write_text(json.dumps([forged, merged]))
    result = import_submissions(path, V)
    assert (result.applied, result.flagged) == (0, 2)
    assert {(r["row"], r["code"]) for r in result.report} >= {(1, "foreign_member"), (2, "merged_into")}
    assert not Verification.objects.filter(status=Status.SUBMITTED).exists()


def test_an_odk_members_field_that_is_not_a_list_is_reported_on_its_row(entry, psm, tmp_path):
    rows = [submission(entry, psm.username, "uuid:a", members="abc"),
            submission(entry, psm.username, "uuid:b", members=[1, 2])]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(rows))
    result = import_submissions(path, V)
    assert {(r["row"], r["code"]) for r in result.report} >= {(1, "bad_members"), (2, "bad_members")}

import pytest
from conftest import VILLAGE_OTHER_SUB

from mutakhir.verification.checks import check_answers
from mutakhir.verification.models import Status
from mutakhir.verification.services import Conflict, Invalid, VerificationError, do_assign, do_review, do_save, prefill

from .fixtures import answers, make_entry, make_prelist, member


def codes(issues):
    return {i.code for i in issues}


def test_it_accepts_complete_answers():
    assert check_answers(answers(), "verified") == []


def test_it_applies_skip_logic_and_required():
    data = answers(tenure=2)
    data["household"].pop("land_title")
    assert check_answers(data, "verified") == []  # land title asked only of owners
    data["household"]["tenure"] = 1
    assert codes(check_answers(data, "verified")) == {"required"}
    data = answers(lighting=4)
    data["household"].pop("electricity_power")
    assert check_answers(data, "verified") == []


def test_it_asks_pregnancy_of_women_10_to_54_only():
    data = answers()
    data["members"][1].pop("pregnant")
    assert [(i.code, i.field, i.member) for i in check_answers(data, "verified")] == [("required", "pregnant", 1)]
    data["members"].append(member("Nenek", 6, 2, "1940-01-01"))
    assert [i.member for i in check_answers(data, "verified")] == [1]


def test_it_checks_household_rules():
    data = answers(floor_area_m2=0)
    data["members"][2]["birth_date"] = "1970-01-01"  # child older than the head
    data["members"].append(member("Bayi", 3, 1, "2999-01-01"))
    assert {"floor_area", "child_older_than_head", "future_birth"} <= codes(check_answers(data, "verified"))
    data["members"].append(member("Joko", 1, 1, "1960-01-01"))  # a second head
    assert "one_head" in codes(check_answers(data, "verified"))


def test_it_ignores_answers_of_a_household_not_visited():
    assert check_answers({}, "refused") == []


def test_it_prefills_from_the_registry_then_the_registration(entry, operator):
    data = prefill(entry)
    assert [m["ref"] for m in data["members"]] == [m.record_id for m in entry.household.members.all()]
    new = make_entry(entry.prelist)
    assert prefill(new)["members"][0]["name"] == "Rudi"


def test_it_runs_the_whole_flow(entry, psm, tksk):
    v = do_assign(entry, psm, actor=psm)
    assert v.status == Status.ASSIGNED
    v = do_save(v, version=v.version, outcome="verified", answers=answers(), actor=psm)
    assert v.status == Status.DRAFT
    v = do_save(v, version=v.version, outcome="verified", answers=answers(), actor=psm, submit=True)
    assert v.status == Status.SUBMITTED
    with pytest.raises(VerificationError):
        do_review(v, accept=False, reason="", actor=tksk)
    v = do_review(v, accept=False, reason="Birth date of Andi is wrong", actor=tksk)
    assert (v.status, v.return_reason) == (Status.RETURNED, "Birth date of Andi is wrong")
    v = do_save(v, version=v.version, outcome="verified", answers=answers(), actor=psm, submit=True)
    v = do_review(v, accept=True, actor=tksk)
    assert v.status == Status.ACCEPTED
    with pytest.raises(VerificationError):
        do_save(v, version=v.version, outcome="verified", answers=answers(), actor=psm)
    assert v.history.count() >= 6


def test_it_refuses_an_incomplete_submission(entry, psm):
    v = do_assign(entry, psm, actor=psm)
    with pytest.raises(Invalid) as err:
        do_save(v, version=v.version, outcome="verified", answers={"household": {}, "members": []}, actor=psm,
                submit=True)
    assert "one_head" in codes(err.value.issues)


def test_it_detects_a_concurrent_edit(entry, psm):
    v = do_assign(entry, psm, actor=psm)
    opened = v.version
    do_save(v, version=opened, outcome="", answers=answers(), actor=psm)
    with pytest.raises(Conflict, match="Somebody else saved"):
        do_save(v, version=opened, outcome="", answers=answers(address="other"), actor=psm)


def test_it_refuses_a_verifier_outside_the_village(entry, make_user, operator):
    from mutakhir.accounts.models import Role

    stranger = make_user(Role.PSM, VILLAGE_OTHER_SUB)
    with pytest.raises(VerificationError, match="outside"):
        do_assign(entry, stranger, actor=operator)
    with pytest.raises(VerificationError):
        do_assign(make_entry(make_prelist(VILLAGE_OTHER_SUB, operator)), operator, actor=operator)

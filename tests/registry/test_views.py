"""Household search, household page and reveal: masking, logging, pagination, history."""

import pytest
from conftest import SUNGAILIAT, VILLAGE_IN, VILLAGE_OTHER_SUB
from django.urls import reverse
from simple_history.utils import update_change_reason

from mutakhir.accounts.models import Role
from mutakhir.core.models import PersonalDataAccess
from mutakhir.registry.display import mask_id
from mutakhir.registry.models import EndReason, Member
from mutakhir.registry.search import PAGE_SIZE, find_households

SEARCH = reverse("registry:search")
RESULTS_ONLY = {"HX-Request": "true", "HX-Target": "results"}


@pytest.fixture
def operator(make_user, client):
    user = make_user(Role.DISTRICT_OPERATOR, "1901")
    client.force_login(user)
    return user


def test_it_masks_identity_numbers():
    assert mask_id("1901234567890001") == "1901********0001"
    assert mask_id("") == "—"
    assert mask_id("12345") == "*****"


def test_it_finds_a_household_by_name_prefix_ignoring_case_and_punctuation(operator, client, make_household):
    hh = make_household()
    Member.objects.filter(household=hh, relation=1).update(name="Siti Aminah", name_key="SITI AMINAH")
    make_household()
    page = client.get(SEARCH, {"q": "siti, ami"})
    assert page.status_code == 200
    assert list(r.household for r in page.context["page"].rows) == [hh]
    assert b"Siti Aminah" in page.content


def test_it_finds_a_household_by_nik_or_kk_and_shows_them_masked(operator, client, make_household):
    hh = make_household()
    member = hh.members.get(relation=1)
    for q in (member.nik, member.kk):
        page = client.post(SEARCH, {"q": q}, headers=RESULTS_ONLY)  # by POST: the form echoes the query
        assert [r.household for r in page.context["page"].rows] == [hh]
        assert member.nik.encode() not in page.content
        assert mask_id(member.nik).encode() in page.content


def test_it_rejects_a_number_that_is_not_16_digits(operator, client):
    page = client.get(SEARCH, {"q": "1901 2345"})
    assert page.context["page"] is None
    assert "16" in str(page.context["form"].errors["q"])


def test_it_filters_by_region_code_with_or_without_dots(operator, client, make_household):
    inside, other = make_household(VILLAGE_IN), make_household(VILLAGE_OTHER_SUB)
    for code in (SUNGAILIAT, "19.01.01"):
        rows = client.get(SEARCH, {"region": code}).context["page"].rows
        assert [r.household for r in rows] == [inside]
    assert other in [r.household for r in client.get(SEARCH).context["page"].rows]


def test_it_refuses_a_region_outside_the_users_scope(make_user, client, make_household):
    client.force_login(make_user(Role.TKSK, SUNGAILIAT))
    page = client.get(SEARCH, {"region": VILLAGE_OTHER_SUB})
    assert page.context["page"] is None and "region" in page.context["form"].errors


def test_it_pages_by_keyset_without_counting(operator, make_household, django_assert_max_num_queries):
    households = [make_household(members=1) for _ in range(PAGE_SIZE * 2 + 3)]
    first = find_households(operator)
    assert [r.household for r in first.rows] == households[:PAGE_SIZE]
    assert first.prev_before is None and first.next_after == households[PAGE_SIZE - 1].household_id
    with django_assert_max_num_queries(2):  # one page of households, one of their members
        last = find_households(operator, after=households[PAGE_SIZE * 2 - 1].household_id)
    assert [r.household for r in last.rows] == households[PAGE_SIZE * 2:]
    assert last.next_after is None and last.prev_before == households[PAGE_SIZE * 2].household_id
    back = find_households(operator, before=last.prev_before)
    assert [r.household for r in back.rows] == households[PAGE_SIZE:PAGE_SIZE * 2]
    assert back.next_after and back.prev_before


def test_it_returns_only_the_results_partial_to_htmx(operator, client, make_household):
    make_household()
    page = client.get(SEARCH, {"q": "warga"}, headers=RESULTS_ONLY)
    assert b"<html" not in page.content and b"Warga" in page.content


def test_it_shows_a_household_with_labels_masks_and_a_logged_view(operator, client, make_household):
    hh = make_household(floor_material=8, has_motorcycle=True)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("registry:household", args=[hh.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Earth" in html or "Tanah" in html
    member = hh.members.first()
    assert member.nik not in html and mask_id(member.nik) in html
    log = PersonalDataAccess.objects.get()
    assert (log.user, log.action, log.object_id) == (operator, "view", str(hh.pk))


def test_it_shows_history_with_old_and_new_values_and_reason(operator, client, make_household):
    hh = make_household()
    hh.floor_material, hh._change_reason = 2, "verifikasi lapangan"
    hh.save()
    hh.end_reason = EndReason.MOVED
    hh.save()
    update_change_reason(hh, "pindah")
    page = client.get(reverse("registry:household", args=[hh.pk]))
    history = page.context["history"]
    change = next(e for e in history if e.reason == "verifikasi lapangan")
    assert [(c.old, c.new) for c in change.changes] == [("—", "Keramik")]
    assert any(e.reason == "pindah" for e in history)


def test_it_shows_the_end_reason_of_an_ended_household(operator, client, make_household):
    from django.utils import timezone

    hh = make_household(ended_at=timezone.now(), end_reason=EndReason.DUPLICATE)
    html = client.get(reverse("registry:household", args=[hh.pk])).content.decode()
    assert "Data ganda" in html or "Duplicate record" in html


def test_it_reveals_a_full_nik_with_a_reason_and_logs_it(operator, client, make_household):
    member = make_household().members.first()
    url = reverse("registry:reveal", args=[member.pk])
    refused = client.post(url, {"field": "nik", "reason": ""}, headers={"HX-Request": "true"})
    assert member.nik not in refused.content.decode()
    assert not PersonalDataAccess.objects.filter(action="reveal").exists()
    shown = client.post(url, {"field": "nik", "reason": "cek ke Dukcapil"}, headers={"HX-Request": "true"})
    assert member.nik in shown.content.decode() and b"<html" not in shown.content
    log = PersonalDataAccess.objects.get(action="reveal")
    assert (log.fields, log.reason, log.object_type) == ("nik", "cek ke Dukcapil", "member")


def test_it_reveals_a_kk_without_htmx_as_a_full_page(operator, client, make_household):
    member = make_household().members.first()
    page = client.post(reverse("registry:reveal", args=[member.pk]), {"field": "kk", "reason": "cek KK"})
    assert member.kk in page.content.decode() and b"<html" in page.content


def test_it_refuses_reveal_by_get(operator, client, make_household):
    member = make_household().members.first()
    assert client.get(reverse("registry:reveal", args=[member.pk])).status_code == 405


def test_it_lets_an_auditor_read_and_reveal_with_a_reason(make_user, client, make_household):
    client.force_login(make_user(Role.AUDITOR, "1901"))
    member = make_household().members.first()
    assert client.get(reverse("registry:household", args=[member.household_id])).status_code == 200
    page = client.post(reverse("registry:reveal", args=[member.pk]), {"field": "nik", "reason": "audit sampel"})
    assert member.nik in page.content.decode()


def test_it_keeps_program_managers_to_aggregates(make_user, client, make_household):
    client.force_login(make_user(Role.PROGRAM_MANAGER))
    member = make_household().members.first()
    assert client.get(SEARCH).status_code == 403
    assert client.get(reverse("registry:household", args=[member.household_id])).status_code == 404
    assert client.get(reverse("home")).context["figures"].households == 1


def test_it_links_the_next_page_keeping_the_query(operator, client, make_household):
    households = [make_household(members=1) for _ in range(PAGE_SIZE + 1)]
    html = client.get(SEARCH, {"q": "warga"}).content.decode()
    assert f"?q=warga&amp;after={households[PAGE_SIZE - 1].household_id}" in html

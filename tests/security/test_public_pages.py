"""The public pages (citizen status check, complaint follow) share one guard (core/public.py).

Per page: 429 after the limit per client, and for the status check per NIK (not per ticket: ticket numbers
are public); a client already refused does not use up a key's checks; a refusal is answered at once, before
any lookup; a lookup does the same queries and waits for the same floor whether or not the record exists;
nothing about anybody else is shown. The client
is the connecting address: a client's own X-Forwarded-For is ignored unless TRUSTED_PROXIES say otherwise.
"""

import pytest
from conftest import VILLAGE_IN, in_english
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from mutakhir.complaints import public as complaints_public
from mutakhir.complaints.services import do_file_complaint
from mutakhir.core import public
from mutakhir.core.models import PersonalDataAccess
from mutakhir.regions.models import Region
from mutakhir.registration import status as status_checks

pytestmark = pytest.mark.django_db
english = pytest.fixture(autouse=True)(in_english)

NIK = "1901010105800001"  # a valid NIK: Sungailiat, man born 1980-05-01
OTHER_NIK = "1901014506820002"
TICKET_MISSING = "ADU-1901-2025-999999"


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def pads(monkeypatch):
    """Record every padding floor instead of sleeping: the same floor on both paths is the proof."""
    floors = []
    monkeypatch.setattr(public, "pad", lambda started, seconds: floors.append(seconds))
    return floors


@pytest.fixture
def person(make_household):
    household = make_household(VILLAGE_IN, members=2)
    head, other = household.members.order_by("record_id")
    head.nik, head.name = NIK, "Budi Santoso"
    head.save()
    other.nik, other.name = OTHER_NIK, "Sri Wahyuni"
    other.save()
    return head


@pytest.fixture
def complaint(regions):
    complaint, code = do_file_complaint(region=Region.objects.get(code=VILLAGE_IN), kind="objection",
                                        text="Dia punya mobil.", subject_name="Pak Kaya", subject_address="Dusun II",
                                        complainant_name="Siti Aminah", complainant_phone="081234567890")
    return complaint, code


def status_post(client, nik=NIK, name="Budi Santoso", addr="203.0.113.7", **headers):
    return client.post(reverse("publik:status"), {"nik": nik, "name": name}, REMOTE_ADDR=addr,
                       **headers)


def follow_post(client, ticket, code="AAAA-AAAA", addr="203.0.113.7", **headers):
    return client.post(reverse("publik:follow"), {"ticket": ticket, "code": code}, REMOTE_ADDR=addr, **headers)


def answer_section(response, marker):
    return response.text.split(marker)[1].split("</section>")[0] if marker in response.text else ""


# --- per client and per key -------------------------------------------------------------------------------

def test_the_status_check_refuses_a_client_after_20_checks_of_any_nik(client, person, pads):
    codes = [status_post(client, nik=f"19010101058000{i:02d}").status_code for i in range(21)]
    assert codes == [200] * 20 + [429]
    assert status_post(client, addr="203.0.113.8").status_code == 200  # another client is not affected


def test_the_status_check_refuses_a_nik_after_5_checks_from_anywhere(client, person, pads):
    codes = [status_post(client, addr=f"198.51.100.{i}").status_code for i in range(6)]
    assert codes == [200] * 5 + [429]
    assert status_post(client, nik=OTHER_NIK, name="Sri Wahyuni", addr="198.51.100.99").status_code == 200


def test_the_follow_page_refuses_a_client_after_20_lookups_but_never_locks_a_ticket(client, complaint, pads):
    """Tickets are sequential: a limit per ticket let anyone use up a complainant's checks (issue 17.11)."""
    codes = [follow_post(client, f"ADU-1901-2025-{i:06d}").status_code for i in range(100, 121)]
    assert codes == [200] * 20 + [429]
    ticket, code = complaint
    codes = [follow_post(client, ticket.ticket, addr=f"198.51.100.{i}").status_code for i in range(10)]
    assert codes == [200] * 10
    assert follow_post(client, ticket.ticket, code, addr="198.51.100.99").status_code == 200


@pytest.mark.parametrize("page", ["status", "follow"])
def test_a_refused_client_does_not_use_up_the_citizens_own_checks(page, client, person, complaint, pads):
    """A flooder over its own limit keeps hitting one NIK/ticket; its owner can still check it."""
    ticket, code = complaint

    def check(addr, key=None):
        if page == "status":
            return status_post(client, nik=key or NIK, addr=addr)
        return follow_post(client, key or ticket.ticket, code, addr=addr)

    spent = [check("192.0.2.66", f"190101010580{i:04d}" if page == "status" else f"ADU-1901-2025-{i:06d}")
             for i in range(100, 120)]  # the flooder spends its 20 checks on other keys...
    assert {r.status_code for r in spent} == {200}
    assert [check("192.0.2.66").status_code for _ in range(10)] == [429] * 10  # ...then hammers this one
    assert check("203.0.113.50").status_code == 200  # the owner, from home, still gets an answer


@pytest.mark.parametrize("page", ["status", "follow"])
def test_a_refusal_comes_at_once_without_a_lookup_or_padding(page, client, person, complaint, monkeypatch, pads):
    """429 before any query of the registry or complaints, and no sleep: a flood cannot park the threads."""
    monkeypatch.setattr(public, "over_limit", lambda key, limit: True)
    with CaptureQueriesContext(connection) as queries:
        response = status_post(client) if page == "status" else follow_post(client, complaint[0].ticket)
    assert response.status_code == 429 and pads == []
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "registry_member" not in tables and "complaints_complaint" not in tables
    assert "B*** S******" not in response.text and 'id="status-answer"' not in response.text
    assert 'id="follow-answer"' not in response.text and "Terlalu banyak pengecekan" in response.text


# --- constant work whether or not the record exists -------------------------------------------------------

def queries_of(callable_):
    with CaptureQueriesContext(connection) as queries:
        answer = callable_()
    return answer, [q["sql"].split(" WHERE ")[0] for q in queries.captured_queries]


def test_the_status_lookup_does_the_same_work_for_a_match_a_wrong_name_and_an_unknown_nik(client, person, pads):
    found, found_sql = queries_of(lambda: status_checks.lookup(NIK, "Budi Santoso"))
    wrong, wrong_sql = queries_of(lambda: status_checks.lookup(NIK, "Sri Wahyuni"))
    unknown, unknown_sql = queries_of(lambda: status_checks.lookup("1901010105800099", "Budi Santoso"))
    assert found.found and not wrong.found and not unknown.found
    # the same ten queries: the person's registration and registry membership, then the stage of both
    # (registration/progress.py: history, prelist, verification, decree and package, ranking, program lists)
    assert found_sql == wrong_sql == unknown_sql and len(found_sql) == 10
    responses = [status_post(client, nik=n, name=m, addr=f"203.0.113.{i}") for i, (n, m) in
                 enumerate([(NIK, "Budi Santoso"), (NIK, "Sri Wahyuni"), ("1901010105800099", "Budi Santoso")])]
    assert [r.status_code for r in responses] == [200] * 3
    assert pads == [status_checks.MIN_SECONDS] * 3 and status_checks.MIN_SECONDS >= 0.4  # the same floor


def test_the_follow_lookup_does_the_same_work_for_a_match_a_wrong_code_and_an_unknown_ticket(client, complaint,
                                                                                            monkeypatch, pads):
    ticket, code = complaint[0].ticket, complaint[1]
    hashed = []
    original = complaints_public.follow_matches
    monkeypatch.setattr(complaints_public, "follow_matches", lambda *a: hashed.append(a[1]) or original(*a))
    found, found_sql = queries_of(lambda: complaints_public.follow(ticket, code))
    wrong, wrong_sql = queries_of(lambda: complaints_public.follow(ticket, "AAAA-AAAA"))
    missing, missing_sql = queries_of(lambda: complaints_public.follow(TICKET_MISSING, code))
    assert found.found and not wrong.found and not missing.found
    assert found_sql == wrong_sql == missing_sql and len(found_sql) == 1
    assert hashed == [ticket, ticket, TICKET_MISSING]  # the code is hashed and compared on every path
    responses = [follow_post(client, t, c, addr=f"203.0.113.{i}") for i, (t, c) in
                 enumerate([(ticket, code), (ticket, "AAAA-AAAA"), (TICKET_MISSING, code)])]
    assert pads == [complaints_public.MIN_SECONDS] * 3 and complaints_public.MIN_SECONDS >= 0.4
    assert answer_section(responses[1], 'id="follow-answer"') == answer_section(responses[2], 'id="follow-answer"')


def test_pad_sleeps_only_the_rest_of_the_floor(monkeypatch):
    slept, clock = [], iter([10.3, 10.9, 10.9])
    monkeypatch.setattr(public.time, "monotonic", lambda: next(clock))
    monkeypatch.setattr(public.time, "sleep", slept.append)
    public.pad(10.0, 0.4)  # 0.3 s of work: sleep the other 0.1 s
    public.pad(10.0, 0.4)  # 0.9 s of work: no sleep (and a warning that the floor is too low)
    assert slept == [pytest.approx(0.1)]


# --- nothing about other people ---------------------------------------------------------------------------

def test_the_answers_say_nothing_about_anyone_else(client, person, complaint, pads):
    mine = status_post(client)
    assert "B*** S******" in mine.text and "Budi" not in answer_section(mine, "status-answer")
    assert "Sri" not in mine.text and OTHER_NIK not in mine.text and NIK not in answer_section(mine, "status-answer")
    ticket, code = complaint
    followed = follow_post(client, ticket.ticket, code)
    assert "Siti" not in followed.text and "0812" not in followed.text and "Pak Kaya" not in followed.text
    assert not PersonalDataAccess.objects.exists()  # anonymous: nothing to attribute, nothing logged as a view


# --- the client address -------------------------------------------------------------------------------------

def test_a_spoofed_x_forwarded_for_is_ignored_by_default(client, person, pads):
    codes = [status_post(client, nik=f"19010101058000{i:02d}", HTTP_X_FORWARDED_FOR=f"10.9.{i}.1").status_code
             for i in range(21)]
    assert codes == [200] * 20 + [429]  # one client, whatever it claims to forward for
    assert public.client_address({"REMOTE_ADDR": "203.0.113.7", "HTTP_X_FORWARDED_FOR": "10.0.0.1"}) == "203.0.113.7"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_behind_trusted_proxies_the_right_most_untrusted_hop_is_the_client(client, person, pads):
    def address(xff, peer="10.0.0.2"):
        return public.client_address({"REMOTE_ADDR": peer, "HTTP_X_FORWARDED_FOR": xff})
    assert address("198.51.100.1, 203.0.113.9") == "203.0.113.9"  # the client wrote the left one
    assert address("198.51.100.1, 203.0.113.9, 10.1.1.1") == "203.0.113.9"  # two proxies deep
    assert address("203.0.113.9", peer="192.0.2.1") == "192.0.2.1"  # not from a proxy: header ignored
    assert address("") == "10.0.0.2" and address("junk, 10.1.1.1") == "10.1.1.1"
    # Through the proxy, each citizen has their own limit; the spoofed left-hand part changes nothing.
    codes = [status_post(client, nik=f"19010101058000{i:02d}", addr="10.0.0.2",
                         HTTP_X_FORWARDED_FOR=f"1.2.3.{i}, 203.0.113.9").status_code for i in range(21)]
    assert codes == [200] * 20 + [429]
    assert status_post(client, OTHER_NIK, "Sri Wahyuni", addr="10.0.0.2",
                       HTTP_X_FORWARDED_FOR="203.0.113.10").status_code == 200


def test_ipv6_clients_are_limited_by_their_64_block():
    assert public.limit_key("2001:db8:1:2:aaaa::1") == public.limit_key("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"
    assert public.limit_key("2001:db8:1:3::1") != public.limit_key("2001:db8:1:2::1")
    assert public.limit_key("::ffff:203.0.113.7") == "203.0.113.7" == public.limit_key("203.0.113.7")


@override_settings(TRUSTED_PROXIES=["not-an-address"])
def test_a_bad_trusted_proxy_setting_is_refused_clearly():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="MUTAKHIR_TRUSTED_PROXIES"):
        public.client_address({"REMOTE_ADDR": "203.0.113.7"})

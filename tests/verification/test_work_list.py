"""The work list names the household's head and address (a field worker finds the house by them), in few queries;
the supervision page says in words what to check, as the prelist PDF does."""

import re

from conftest import VILLAGE_IN
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mutakhir.verification.services import do_assign

from .fixtures import make_entry, make_prelist


def test_the_work_list_shows_head_address_and_rt_rw_without_n_plus_1(client, psm, operator, make_household,
                                                                      django_assert_max_num_queries):
    prelist = make_prelist(VILLAGE_IN, operator)
    for n in range(6):
        household = make_household(VILLAGE_IN, address=f"Jl. Melati {n}", rt="003", rw="007")
        do_assign(make_entry(prelist, household), psm, actor=operator)
    make_entry(prelist)  # a registration, unassigned: the PSM may take it
    client.force_login(psm)
    client.get(reverse("verification:index"))  # warm the session and the caches
    with django_assert_max_num_queries(30):
        page = client.get(reverse("verification:index")).text
    for n in range(6):
        assert f"Jl. Melati {n} RT 003 RW 007" in page
    assert "Warga " in page and "Rudi" in page and "Jl. Baru 1" in page
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("verification:index"))
    for n in range(6):
        household = make_household(VILLAGE_IN, address=f"Jl. Mawar {n}", rt="001", rw="002")
        do_assign(make_entry(prelist, household), psm, actor=operator)
    with django_assert_max_num_queries(len(first)):  # twice the households, no more queries
        assert "Jl. Mawar 5 RT 001 RW 002" in client.get(reverse("verification:index")).text


def test_the_supervision_page_says_what_to_check_in_words(client, psm, tksk, operator, make_household):
    household = make_household(VILLAGE_IN, members=2)
    gone = household.members.get(relation=3)
    entry = make_entry(make_prelist(VILLAGE_IN, operator), household)
    entry.changes = f"has_gas_cylinder;member_gone:{gone.record_id}"
    entry.save()
    verification = do_assign(entry, psm, actor=operator)
    client.force_login(tksk)
    page = client.get(reverse("verification:edit", args=[verification.pk])).text
    line = re.search(r"What to check: ([^<]*)<", page).group(1)
    assert line == f"gas cylinder ≥ 5.5 kg; member gone: {gone.name}"  # the prelist PDF's words, no codes

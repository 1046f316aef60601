"""Role × in/out of region × every verification and decree endpoint."""

import pytest
from conftest import BANGKA, SUNGAILIAT, VILLAGE_IN
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mutakhir.accounts.models import Role
from mutakhir.decrees.services import do_approve_decree
from mutakhir.verification.services import do_assign, do_save

from .fixtures import accept, answers, make_entry, make_prelist

HOME = {Role.PSM: VILLAGE_IN, Role.REGISTRAR: VILLAGE_IN, Role.TKSK: SUNGAILIAT, Role.DISTRICT_OPERATOR: BANGKA,
        Role.DISTRICT_HEAD: BANGKA, Role.AUDITOR: BANGKA, Role.NATIONAL: None, Role.PROGRAM_MANAGER: None}
AWAY = {Role.PSM: "1902012003", Role.REGISTRAR: "1902012003", Role.TKSK: "190201", Role.DISTRICT_OPERATOR: "1902",
        Role.DISTRICT_HEAD: "1902", Role.AUDITOR: "1902"}
V_READ = {Role.PSM, Role.TKSK, Role.DISTRICT_OPERATOR, Role.DISTRICT_HEAD, Role.NATIONAL, Role.AUDITOR}
D_READ = {Role.DISTRICT_OPERATOR, Role.DISTRICT_HEAD, Role.NATIONAL, Role.AUDITOR}


def expected(role, inside):
    """Return {endpoint: status} for a user of `role` inside or outside the data's region."""
    hidden_v = 404 if not (role in V_READ and inside) else None
    hidden_d = 404 if not (role in D_READ and inside) else None
    return {
        "v_index": 200 if role in V_READ else 403,
        "v_edit_get": hidden_v or 200,
        "v_edit_post": hidden_v or (302 if role == Role.PSM else 403),
        "v_review": hidden_v or (302 if role in (Role.TKSK, Role.DISTRICT_OPERATOR) else 403),
        "v_assign": hidden_v or (302 if role in (Role.PSM, Role.TKSK, Role.DISTRICT_OPERATOR) else 403),
        "d_index": 200 if role in D_READ else 403,
        "d_detail": hidden_d or 200,
        "d_pdf": hidden_d or 200,
        "d_annex": hidden_d or 200,
        "d_verify": hidden_d or 200,
        "d_approve": hidden_d or (302 if role == Role.DISTRICT_HEAD else 403),
    }


CASES = [(r, True) for r in HOME] + [(r, False) for r in AWAY]


@pytest.mark.parametrize(("role", "inside"), CASES, ids=[f"{r}-{'in' if i else 'out'}" for r, i in CASES])
def test_it_scopes_every_endpoint(role, inside, client, make_user, make_household):
    from decrees.test_decrees import compile_decree

    operator, head = make_user(Role.DISTRICT_OPERATOR, BANGKA), make_user(Role.DISTRICT_HEAD, BANGKA)
    verifier, tksk = make_user(Role.PSM, VILLAGE_IN), make_user(Role.TKSK, SUNGAILIAT)
    prelist = make_prelist(VILLAGE_IN, operator)
    accept(make_entry(prelist, make_household()), verifier, tksk, answers(nik="1901010105800011"))
    approved = do_approve_decree(compile_decree(operator, number="A/1"), actor=head)
    accept(make_entry(prelist, make_household()), verifier, tksk, answers(nik="1901010105800012"))
    draft = compile_decree(operator, number="D/2")
    user = make_user(role, HOME[role] if inside else AWAY[role])
    mine = verifier if role != Role.PSM or not inside else user
    v = do_assign(make_entry(prelist, make_household()), mine, actor=mine)
    submitted = do_assign(make_entry(prelist, make_household()), verifier, actor=verifier)
    do_save(submitted, version=submitted.version, outcome="verified", answers=answers(nik="1901010105800013"),
            actor=verifier, submit=True)
    free = make_entry(prelist, make_household())
    client.force_login(user)
    got = {
        "v_index": client.get(reverse("verification:index")),
        "v_edit_get": client.get(reverse("verification:edit", args=[v.pk])),
        "v_edit_post": client.post(reverse("verification:edit", args=[v.pk]),
                                   {"version": v.version, "outcome": "", "m-TOTAL_FORMS": 0, "m-INITIAL_FORMS": 0}),
        "v_review": client.post(reverse("verification:review", args=[submitted.pk]), {"decision": "accept"}),
        "v_assign": client.post(reverse("verification:assign", args=[free.pk])),
        "d_index": client.get(reverse("decrees:index")),
        "d_detail": client.get(reverse("decrees:detail", args=[approved.pk])),
        "d_pdf": client.post(reverse("decrees:pdf", args=[approved.pk]), {"reason": "Audit BPK 2025"}),
        "d_annex": client.post(reverse("decrees:annex", args=[approved.pk]), {"reason": "Audit BPK 2025"}),
        "d_verify": client.post(reverse("decrees:verify", args=[approved.pk]),
                                {"file": SimpleUploadedFile("sk.xlsx", bytes(approved.annex))}),
        "d_approve": client.post(reverse("decrees:approve", args=[draft.pk])),
    }
    assert {k: r.status_code for k, r in got.items()} == expected(role, inside)
    if expected(role, inside)["d_verify"] == 200:
        assert b"approved annex (SHA-256 matches)" in got["d_verify"].content
        assert got["d_annex"]["Content-Type"].startswith("application/vnd.openxmlformats")

"""Scope matrix: every verivali signals/selection/outcomes page and action × role × in/out of the region."""

import pytest
from conftest import BANGKA, SUNGAILIAT, VILLAGE_IN

from mutakhir.accounts.models import Role
from mutakhir.verivali.models import SelectionItem, SignalFlag, SignalImport
from mutakhir.verivali.selection import services as selection
from mutakhir.verivali.selection.rules import SelectionRules

from .signals_data import ELECTRICITY, flag, open_period, write_csv

BELITUNG, BELITUNG_VILLAGE = "1902", "1902012003"
READ = {Role.DISTRICT_OPERATOR, Role.DISTRICT_HEAD, Role.NATIONAL, Role.AUDITOR}
IMPORT = {Role.DISTRICT_OPERATOR, Role.NATIONAL}
WORK = {Role.DISTRICT_OPERATOR}
SIGN = {Role.DISTRICT_HEAD}
REGION = {Role.REGISTRAR: (VILLAGE_IN, BELITUNG_VILLAGE), Role.PSM: (VILLAGE_IN, BELITUNG_VILLAGE),
          Role.TKSK: (SUNGAILIAT, "190201"), Role.DISTRICT_OPERATOR: (BANGKA, BELITUNG),
          Role.DISTRICT_HEAD: (BANGKA, BELITUNG), Role.AUDITOR: (BANGKA, BELITUNG),
          Role.NATIONAL: (None, None), Role.PROGRAM_MANAGER: (None, None)}


@pytest.fixture
def objects(make_household, make_user):
    period = open_period()
    chosen, left = make_household(household_id="H-CHOSEN"), make_household(household_id="H-OPEN")
    flag(chosen)
    open_flag = flag(left)
    selected = selection.do_commit(make_user(Role.DISTRICT_OPERATOR, BANGKA), period,
                                   SelectionRules(months=0, quota=1))
    return {"period": period, "import": SignalImport.objects.first(), "flag": open_flag, "selection": selected}


def reads(o):
    """(url, marker shown only in scope, is a list)"""
    p = o["period"].pk
    preview = f"/verivali/selection/?period={p}&months=0&signals=on&jump=0&quota=5"
    return [("/verivali/signals/", "t.csv", True), (f"/verivali/signals/{o['import'].pk}/", None, False),
            ("/verivali/flags/", "H-OPEN", True), (preview, VILLAGE_IN, True),
            (f"/verivali/selection/{o['selection'].pk}/", None, False), ("/verivali/outcomes/", "MPM Bangka", True),
            (f"/verivali/outcomes/{p}/", None, False), (f"/verivali/outcomes/{p}/pdf/", None, False),
            (f"/verivali/outcomes/{p}/xlsx/", None, False)]


@pytest.mark.parametrize("inside", [True, False], ids=["in", "out"])
@pytest.mark.parametrize("role", list(REGION))
def test_scope_matrix(client, make_user, objects, role, inside, tmp_path, django_capture_on_commit_callbacks):
    user = make_user(role, REGION[role][0 if inside else 1])
    sees = inside or REGION[role][1] is None  # national accounts see every region
    client.force_login(user)
    for url, marker, is_list in reads(objects):
        response = client.get(url)
        if role not in READ:
            assert response.status_code in (403, 404), (url, response.status_code)
        elif sees or not is_list:
            assert response.status_code == (200 if sees else 404), (url, response.status_code)
            if marker:
                assert marker in response.content.decode(), url
        else:
            assert response.status_code == 200 and marker not in response.content.decode(), url

    decide = client.post("/verivali/flags/decide/", {"flag": objects["flag"].pk, "action": "send"})
    assert decide.status_code == (302 if role in WORK else 403)
    assert SignalFlag.objects.get(pk=objects["flag"].pk).status == ("sent" if role in WORK and sees else "open")

    commit = client.post("/verivali/selection/commit/", {"period": objects["period"].pk, "months": 0, "signals": "on",
                                                         "jump": 0, "quota": 5})
    assert commit.status_code == (302 if role in WORK else 403)
    assert SelectionItem.objects.count() == (2 if role in WORK and sees else 1)

    sign = client.post(f"/verivali/outcomes/{objects['period'].pk}/sign/")
    assert sign.status_code == (302 if role in SIGN and sees else 404 if role in SIGN else 403)

    path = write_csv(tmp_path / "pln.csv", ELECTRICITY, [["1901011111110001", "", "", "R1", "900"]])
    with path.open("rb") as f, django_capture_on_commit_callbacks(execute=True):
        upload = client.post("/verivali/signals/", {"agency": "electricity", "file": f})
    assert upload.status_code == (302 if role in IMPORT else 403)
    if role in IMPORT:
        assert SignalImport.objects.filter(created_by=user, region_id=user.region_id).get().status == "done"

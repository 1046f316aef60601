import csv
import json

import pytest
from conftest import SUNGAILIAT, VILLAGE_IN, VILLAGE_OTHER_DISTRICT
from django.core.management import call_command
from pyxform.xls2xform import convert

from mutakhir.accounts.models import Role
from mutakhir.core.models import PersonalDataAccess
from mutakhir.verification.models import Status, Verification
from mutakhir.verification.odk_import import import_submissions
from mutakhir.verification.xlsform import write_xlsform

from .fixtures import HOUSEHOLD, make_entry

V = "2025011501"


def test_it_writes_an_xlsform_valid_per_pyxform(entry, tmp_path):
    form, attachment = write_xlsform(entry.prelist, tmp_path / "form.xlsx", V)
    warnings = []
    xform = convert(str(form), warnings=warnings).xform
    assert warnings == []
    assert f'jr://file-csv/prelist_{VILLAGE_IN}.csv' in xform
    assert "pulldata('prelist_" in xform
    assert "relevant=\"( /data/hh/tenure  = '1')\"" in xform
    assert 'version="2025011501"' in xform
    rows = list(csv.DictReader(attachment.open()))
    assert rows[0]["name"] == entry.household.household_id


def submission(entry, username, iid, **over):
    members = [{"ref": "", "status": "present", "name": "Budi", "relation": "1", "sex": "1", "birth_date": "1980-05-01",
                "nik": "1901010105800001"},
               {"ref": "", "status": "present", "name": "Siti", "relation": "2", "sex": "2",
                "birth_date": "1982-06-05", "pregnant": "0"}]
    hh = {k: ("1" if v is True else str(v)) for k, v in HOUSEHOLD.items()}
    data = {"prelist_id": str(entry.prelist_id), "form_version": V, "username": username,
            "household": entry.household.household_id, "outcome": "verified", "visited_on": "2025-02-01",
            "hh": hh, "members": members, "meta": {"instanceID": iid}}
    for key, value in over.items():
        if key in hh:
            data["hh"][key] = value
        else:
            data[key] = value
    return data


@pytest.fixture
def entries(entry, make_household):
    return [entry, *(make_entry(entry.prelist, make_household(VILLAGE_IN)) for _ in range(7))]


def test_it_imports_and_flags_row_by_row(entries, psm, make_user, operator, tmp_path):
    other_psm = make_user(Role.PSM, VILLAGE_IN, username="psm-b")
    far = make_user(Role.PSM, VILLAGE_OTHER_DISTRICT, username="psm-far")
    tksk = make_user(Role.TKSK, SUNGAILIAT, username="tksk-a")
    e = entries
    rows = [
        submission(e[0], psm.username, "uuid:ok"),
        submission(e[1], psm.username, "uuid:ok"),  # duplicate instance
        submission(e[2], psm.username, "uuid:old", form_version="2024"),
        submission(e[3], psm.username, "uuid:code", floor_material="42"),
        submission(e[4], far.username, "uuid:far"),
        submission(e[5], psm.username, "uuid:a1"),
        submission(e[5], other_psm.username, "uuid:a2", roof_material="2"),  # two verifiers disagree
        submission(e[6], tksk.username, "uuid:missing", tenure="", floor_area_m2="0"),
        submission(e[7], psm.username, "uuid:twice"),  # Budi's NIK again, in another household
    ]
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"value": rows}))
    result = import_submissions(path, V)
    codes = {(r["row"], r["code"]) for r in result.report}
    assert {(2, "duplicate"), (3, "form_version"), (4, "unknown_code"), (5, "outside_region"), (6, "disagreement"),
            (7, "disagreement"), (8, "required"), (8, "floor_area"), (9, "member_twice"),
            (1, "member_twice")} <= codes
    assert result.applied == 0  # the only clean one shares a member with row 9
    assert Verification.objects.count() == 0  # nothing half-applied


def test_it_applies_a_clean_csv_export_with_its_repeat(entry, psm, tmp_path):
    data = submission(entry, psm.username, "uuid:c1")
    main = tmp_path / "form.csv"
    top = {k: v for k, v in data.items() if k not in ("hh", "members", "meta")}
    fields = {**top, **{f"hh-{k}": v for k, v in data["hh"].items()}, "meta-instanceID": "uuid:c1", "KEY": "uuid:c1"}
    with main.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(fields))
        w.writeheader()
        w.writerow(fields)
    with (tmp_path / "form-members.csv").open("w", newline="") as fh:
        cols = ["ref", "status", "name", "relation", "sex", "birth_date", "nik", "pregnant", "PARENT_KEY", "KEY"]
        w = csv.DictWriter(fh, fieldnames=cols, extrasaction="ignore")
        w.writeheader()
        for i, m in enumerate(data["members"]):
            w.writerow({**m, "PARENT_KEY": "uuid:c1", "KEY": f"uuid:c1/members[{i + 1}]"})
    call_command("verification", "import", str(main), "--form-version", V)
    v = Verification.objects.get()
    assert (v.status, v.source, v.instance_id, v.verifier) == (Status.SUBMITTED, "odk", "uuid:c1", psm)
    assert [m["name"] for m in v.answers["members"]] == ["Budi", "Siti"]
    with pytest.raises(SystemExit):  # the same export again: a duplicate, flagged
        call_command("verification", "import", str(main), "--form-version", V)


def test_it_generates_the_docs_and_the_form_by_command(entry, tmp_path):
    call_command("verification", "docs", "--out", str(tmp_path / "q.md"))
    assert "`land_title`" in (tmp_path / "q.md").read_text()
    call_command("verification", "xlsform", "--prelist", str(entry.prelist_id), "--out", str(tmp_path / "f.xlsx"))
    assert (tmp_path / f"prelist_{VILLAGE_IN}.csv").exists()
    access = PersonalDataAccess.objects.get(object_type="prelist")  # names and NIKs left for the field
    assert (access.action, access.object_id, access.fields) == ("export", str(entry.prelist_id), "xlsform")

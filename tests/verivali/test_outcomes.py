"""Outcome figures on a constructed period: selected, visited, confirmed, corrected, removed, desil change;
the PDF and XLSX; the sign-off with the decree of the period."""

import datetime as dt
import io

import pytest
from conftest import BANGKA, VILLAGE_IN, in_english
from django.core.management import call_command

from mutakhir.decrees.models import Decree
from mutakhir.verification.models import Verification
from mutakhir.verivali.models import OutcomeSignoff, SelectionItem
from mutakhir.verivali.outcomes import exports, figures, services
from mutakhir.verivali.selection import services as selection
from mutakhir.verivali.selection.rules import SelectionRules

from .signals_data import flag, open_period, ranking_run

english = pytest.fixture(autouse=True)(in_english)
KINDS = ("confirmed", "corrected", "moved", "not_found", "died", "refused", "pending", "split")


@pytest.fixture
def period(regions):
    return open_period()


@pytest.fixture
def scenario(make_household, make_user, period):
    """Eight flagged households selected and visited with every outcome; a ranking run before and after."""
    operator, psm = make_user("district_operator", BANGKA), make_user("psm", VILLAGE_IN)
    h = {kind: make_household(VILLAGE_IN, household_id=f"H-{kind}", has_car=False) for kind in KINDS}
    for household in h.values():
        flag(household)
    ranking_run({household: 2 for household in h.values()})
    selection.do_commit(operator, period, SelectionRules(months=0, quota=30))
    items = {i.household.household_id[2:]: i for i in SelectionItem.objects.select_related("household", "entry")}

    def visit(kind, outcome, answers=None, status="accepted"):
        item = items[kind]
        Verification.objects.create(entry=item.entry, region_id=VILLAGE_IN, verifier=psm, status=status,
                                    outcome=outcome, answers=answers if answers is not None else item.baseline)

    visit("confirmed", "verified")
    baseline = items["corrected"].baseline
    corrected = baseline | {"household": baseline["household"] | {"has_car": True}}
    visit("corrected", "verified", corrected)
    visit("moved", "moved")
    visit("not_found", "not_found", status="submitted")
    died = {"household": {}, "members": [m | {"status": "died"} for m in items["died"].baseline["members"]]}
    visit("died", "verified", died)
    visit("refused", "refused")
    visit("split", "split")
    Verification.objects.create(entry=items["pending"].entry, region_id=VILLAGE_IN, verifier=psm, status="draft",
                                outcome="verified", answers={})
    ranking_run({h["confirmed"]: 2, h["corrected"]: 6, h["split"]: 1, h["refused"]: 9})
    return {"households": h, "operator": operator, "items": items}


def test_the_figures_count_every_outcome(scenario, period):
    report = figures.figures(period, SelectionItem.objects.all())
    assert report["totals"] == {"selected": 8, "visited": 7, "confirmed": 1, "corrected": 2, "removed": 3,
                                "died": 1, "moved": 1, "not_found": 1, "refused": 1, "pending": 1}
    assert report["villages"] == [{"code": VILLAGE_IN, "name": report["villages"][0]["name"], **report["totals"]}]


def test_the_desil_change_compares_the_run_before_with_the_newest(scenario, period):
    desil = figures.figures(period, SelectionItem.objects.all())["desil"]
    # confirmed 2->2, corrected 2->6, split 2->1; refused is not compared, the removed ones are not ranked again
    assert {k: desil[k] for k in ("compared", "up", "down", "same", "left_low", "entered_low", "mean_change")} == {
        "compared": 3, "up": 1, "down": 1, "same": 1, "left_low": 1, "entered_low": 0, "mean_change": 1.0}
    assert desil["matrix"][1][5] == 1 and desil["matrix"][1][1] == 1 and desil["matrix"][1][0] == 1


def test_without_a_newer_run_nothing_is_compared(make_household, make_user, period):
    household = make_household(has_car=False)
    flag(household)
    ranking_run({household: 3})
    selection.do_commit(make_user("district_operator", BANGKA), period, SelectionRules(months=0))
    report = figures.figures(period, SelectionItem.objects.all())
    assert report["run_after"] is None and report["desil"]["compared"] == 0


@pytest.mark.parametrize(("baseline", "answers", "changed"), [
    ({"household": {"floor_area_m2": 36.0}, "members": [{"ref": "M1", "status": "present", "education": 1}]},
     {"household": {"floor_area_m2": 36}, "members": [{"ref": "M1", "status": "present", "education": 1}]}, False),
    ({"household": {}, "members": [{"ref": "M1", "status": "present"}]},
     {"household": {}, "members": [{"ref": "M1", "status": "present"}, {"ref": "", "status": "new"}]}, True),
    ({"household": {}, "members": [{"ref": "M1", "status": "present", "education": 1}]},
     {"household": {}, "members": [{"ref": "M1", "status": "present", "education": 3}]}, True),
    ({"household": {"roof_material": 2}, "members": []}, {"household": {}, "members": []}, True)])
def test_a_verification_is_a_correction_when_any_answer_differs(baseline, answers, changed):
    assert figures.changed(baseline, answers) is changed


def test_the_pdf_and_xlsx_hold_the_figures(scenario, period):
    report = figures.figures(period, SelectionItem.objects.all())
    assert exports.pdf(report, period).startswith(b"%PDF")
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(exports.xlsx(report, period)))
    rows = list(book["Outcomes"].iter_rows(values_only=True))
    assert rows[3][:4] == ("Village", "Code", "Selected", "Visited")
    assert rows[-1][:5] == ("Total", None, 8, 7, 1)
    assert list(book["Desil"].iter_rows(values_only=True))[0][:2] == ("Households compared", 3)


def test_sign_off_needs_the_approved_decree_of_the_period_and_happens_once(scenario, period, make_user):
    head = make_user("district_head", BANGKA)
    with pytest.raises(services.OutcomeError, match="no approved decree"):
        services.do_signoff(head, period)
    decree = Decree.objects.create(region_id=BANGKA, update_period=period, number="SK/1/2026", date=dt.date(2026, 7, 1),
                                   legal_basis="Permensos 3/2021", signer_name="Bupati", signer_title="Bupati Bangka",
                                   status="approved", created_by=scenario["operator"])
    signoff = services.do_signoff(head, period)
    assert signoff.decree == decree and signoff.figures["totals"]["confirmed"] == 1
    assert bytes(signoff.pdf).startswith(b"%PDF") and len(signoff.pdf_sha256) == 64
    with pytest.raises(services.OutcomeError, match="already signed off"):
        services.do_signoff(head, period)
    assert OutcomeSignoff.objects.count() == 1


def test_the_command_prints_the_report_and_writes_files(scenario, period, tmp_path, capsys):
    call_command("verivali", "outcomes", "--period", str(period.pk), "--pdf", str(tmp_path / "r.pdf"), "--xlsx",
                 str(tmp_path / "r.xlsx"))
    out = capsys.readouterr().out
    assert "Confirmed (unchanged)\t1" in out and "Desil: 3 compared, 1 up, 1 down, 1 same." in out
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF") and (tmp_path / "r.xlsx").stat().st_size > 0

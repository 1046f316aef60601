"""Shared pieces of the signals, selection and outcomes tests: CSV extracts, ranking runs, periods."""

import csv
import datetime as dt

from conftest import BANGKA

from mutakhir.ranking.models import RankingResult, RankingRun
from mutakhir.registry.models import UpdatePeriod

ELECTRICITY = ["nik", "no_kk", "idpel", "tarif", "daya_va"]
VEHICLE = ["nik", "no_kk", "jumlah_mobil", "jumlah_motor", "cc_mobil_terbesar", "cc_motor_terbesar"]
PAYROLL = ["nik", "no_kk", "jenis", "golongan", "instansi"]
HEALTH = ["nik", "no_kk", "segmen", "kelas", "status"]


def write_csv(path, header, rows, delimiter=","):
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def nik_of(household) -> str:
    return household.members.order_by("pk").first().nik


def kk_of(household) -> str:
    return household.members.order_by("pk").first().kk


def ranking_run(desil: dict, region: str = "") -> RankingRun:
    """Store a ranking run giving each household (object) its desil."""
    run = RankingRun.objects.create(region_code=region, model={}, model_sha256="0" * 64, engine="duckdb",
                                    source="test", households=len(desil), inputs_sha256="1" * 64)
    RankingResult.objects.bulk_create([
        RankingResult(run=run, household_id=h.household_id, score=float(d), percentile=d * 10.0 - 5, desil=d,
                      region_percentile=50.0, region=h.region_id[:4], model_region=h.region_id[:4],
                      household_region=h.region_id)
        for h, d in desil.items()])
    return run


def open_period(**fields) -> UpdatePeriod:
    return UpdatePeriod.objects.create(region_id=BANGKA, name=fields.pop("name", "MPM Bangka 2026"),
                                       starts_on=fields.pop("starts_on", dt.date(2026, 1, 1)), **fields)


def flag(household, rule="car", status="open", **fields):
    """Store a flag (with its import and signal) on a household."""
    from mutakhir.verivali.models import Signal, SignalFlag, SignalImport

    imp = SignalImport.objects.create(agency="vehicle", source="t.csv", sha256="f" * 64, region_id=BANGKA,
                                      status="done")
    signal = Signal.objects.create(signal_import=imp, household=household, region_id=household.region_id, row=2,
                                   data={"jumlah_mobil": 1, "jumlah_motor": 0})
    return SignalFlag.objects.create(household=household, region_id=household.region_id, signal=signal, rule=rule,
                                     evidence={"cars": 1, "recorded": False}, status=status, **fields)


def complaint_with_reverification(household, period, user):
    from django.utils import timezone

    from mutakhir.complaints.models import Complaint
    from mutakhir.registration.models import Registration

    n = Complaint.objects.count() + 1
    registration = Registration.objects.create(number=f"REG-C{n}", update_period=period, region_id=household.region_id,
                                               channel="complaint", entered_by=user)
    return Complaint.objects.create(ticket=f"ADU-1901-2026-{n:06d}", follow_hash="x", kind="objection",
                                    region_id=household.region_id, text="Punya mobil.", household=household,
                                    registration=registration, due_on=timezone.localdate())


def verified(household, period, verifier, outcome="verified", status="accepted", answers=None, village=None):
    """Put a household on a prelist of `period` and store its verification."""
    from mutakhir.identification.models import Prelist
    from mutakhir.verification.models import Verification

    village = village or household.region_id
    prelist = Prelist.objects.filter(update_period=period, region_id=village).first() or Prelist.objects.create(
        update_period=period, region_id=village, version=1, frozen_by=verifier)
    entry = prelist.entries.create(household=household, category="unchanged")
    return Verification.objects.create(entry=entry, region_id=village, verifier=verifier, status=status,
                                       outcome=outcome, answers=answers or {}, visited_on=dt.date(2025, 3, 1))

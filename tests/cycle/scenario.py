"""A district part-way through its cycle: registrations in two sub-districts of Bangka, one matched, put on a
prelist, verified, decreed, sent and applied, a ranking run, and a neighbouring district's registration."""

import datetime as dt

from conftest import BANGKA, VILLAGE_IN, VILLAGE_OTHER_DISTRICT, VILLAGE_OTHER_SUB

from mutakhir.accounts.models import Role
from mutakhir.decrees.models import Decree, DecreeItem, PackageDispatch
from mutakhir.identification.models import MatchResult, MatchRun, Prelist
from mutakhir.ranking.models import RankingResult, RankingRun
from mutakhir.registration.models import Registration
from mutakhir.registry.models import UpdatePeriod
from mutakhir.verification.models import Verification

OTHER_DISTRICT = VILLAGE_OTHER_DISTRICT[:4]


def register(period, owner, village, channels):
    start = Registration.objects.count()
    return [Registration.objects.create(number=f"REG-{start + i}", update_period=period, region_id=village,
                                        channel=channel, entered_by=owner) for i, channel in enumerate(channels)]


def _ranking(villages_desil):
    run = RankingRun.objects.create(region_code="", model={}, model_sha256="0" * 64, engine="duckdb", source="t",
                                    households=len(villages_desil))
    RankingResult.objects.bulk_create(
        RankingResult(run=run, household_id=f"H{i}", score=i, percentile=i, desil=desil, region_percentile=50.0,
                      region=village[:4], model_region="*", household_region=village)
        for i, (village, desil) in enumerate(villages_desil))
    return run


def build(make_user) -> dict:
    owner = make_user(Role.DISTRICT_OPERATOR, BANGKA)
    period = UpdatePeriod.objects.create(region_id=BANGKA, name="MPM Bangka 2026", starts_on=dt.date(2026, 1, 1),
                                         registration_deadline=dt.date(2026, 2, 15))
    regs = register(period, owner, VILLAGE_IN, ["aktif", "aktif", "pasif"])
    register(period, owner, VILLAGE_OTHER_SUB, ["musdes"])
    other = UpdatePeriod.objects.create(region_id=OTHER_DISTRICT, name="MPM Belitung", starts_on=dt.date(2026, 1, 1))
    register(other, owner, VILLAGE_OTHER_DISTRICT, ["aktif"] * 5)
    run = MatchRun.objects.create(update_period=period, region_id=BANGKA, created_by=owner)
    MatchResult.objects.create(run=run, registration=regs[0], category="new")
    MatchResult.objects.create(run=run, registration=regs[1], category="changed")
    prelist = Prelist.objects.create(update_period=period, region_id=VILLAGE_IN, version=1, match_run=run,
                                     frozen_by=owner)
    entry = prelist.entries.create(registration=regs[0], category="new")
    prelist.entries.create(registration=regs[1], category="changed")
    verification = Verification.objects.create(entry=entry, region_id=VILLAGE_IN, verifier=owner,
                                               status="accepted", outcome="verified")
    decree = Decree.objects.create(region_id=BANGKA, update_period=period, number="400/1/2026", date=period.starts_on,
                                   legal_basis="-", signer_name="Bupati", signer_title="Bupati Bangka",
                                   status=Decree.Status.APPROVED, created_by=owner)
    DecreeItem.objects.create(decree=decree, verification=verification)
    PackageDispatch.objects.create(decree=decree, sha256="1" * 64, status=PackageDispatch.Status.APPLIED, sent_by=owner)
    ranking = _ranking([(VILLAGE_IN, 1), (VILLAGE_IN, 1), (VILLAGE_OTHER_SUB, 3), (VILLAGE_OTHER_DISTRICT, 2)])
    return {"period": period, "other": other, "owner": owner, "run": ranking, "decree": decree}

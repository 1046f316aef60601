"""A match run from the database: export, engine, stored results, review decisions, prelists."""

import io

from openpyxl import load_workbook

from mutakhir.identification import prelists, services
from mutakhir.identification.models import MatchResult, MemberLink, Prelist, ReviewDecision
from mutakhir.registration.models import Registration, Status

from . import scenario


def categories(run) -> dict:
    return {r.registration.number: (r.household.household_id if r.household else None, r.category)
            for r in run.results.select_related("registration", "household")}


def test_it_matches_a_period_and_stores_the_results(operator, period, start_run):
    period, expected = period
    run = start_run(operator, period)
    assert categories(run) == expected
    assert run.summary["categories"] == {"new": 10, "unchanged": 16, "changed": 4}
    assert run.job.done == run.job.total and run.job.result["categories"] == run.summary["categories"]
    assert not Registration.objects.filter(update_period=period).exclude(status=Status.IN_IDENTIFICATION).exists()
    changed = run.results.get(registration__number="REG-0001")
    assert changed.changes == "has_motorcycle"
    linked = MemberLink.objects.filter(result__run=run, member__isnull=False)
    assert linked.count() == MemberLink.objects.filter(result__category__in=["changed", "unchanged"],
                                                       result__run=run).count()
    assert all(link.member.name == link.registration_member.name for link in linked.select_related(
        "member", "registration_member"))


def test_it_refuses_a_second_run_while_one_is_queued(operator, period):
    period, _expected = period
    services.do_start_match(operator, period)  # not committed in this test: stays queued
    try:
        services.check_start_match(period)
    except services.IdentificationError as exc:
        assert "already in progress" in str(exc)
    else:
        raise AssertionError("a second run was allowed")


def test_review_decisions_bind_the_next_run(operator, period, start_run):
    period, _expected = period
    scenario.duplicate_registry_household("B00000")
    run = start_run(operator, period)
    result = run.results.get(registration__number="REG-0000")
    assert result.review and result.household.household_id in {"B00000", "DB00000"}
    assert list(services.review_queue(MatchResult.objects.all())) == [result]
    other = "DB00000" if result.household.household_id == "B00000" else "B00000"
    services.check_review(result, "reject", "the copy is a duplicate")
    services.do_review(operator, result, "reject", "the copy is a duplicate")
    assert list(services.review_queue(MatchResult.objects.all())) == []
    second = start_run(operator, period).results.get(registration__number="REG-0000")
    assert second.household.household_id == other and second.category == "unchanged"
    services.do_review(operator, second, "accept")
    forced, forbidden = services.review_constraints(period)
    assert forced == {f"R{result.registration_id}": other}
    assert forbidden == {(f"R{result.registration_id}", result.household.household_id)}
    assert ReviewDecision.objects.count() == 2


def test_it_freezes_prelists_as_versions_and_prints_them(operator, period, start_run):
    period, expected = period
    run = start_run(operator, period)
    villages = services.villages_of(run)
    frozen = services.do_freeze_prelists(operator, run)
    assert [p.region_id for p in frozen] == villages
    again = services.do_freeze_prelist(operator, run, villages[0])
    assert again.version == 2 and Prelist.objects.filter(region_id=villages[0]).count() == 2
    assert sum(p.entries.count() for p in frozen) == len(expected)
    rows = prelists.rows(again)
    assert all(r.checks == ["motorcycle"] for r in rows if r.entry.category == "changed")
    assert all("*" in nik for r in rows for _name, nik in r.members)
    assert prelists.pdf(again).startswith(b"%PDF")
    book = load_workbook(io.BytesIO(prelists.xlsx(again)))
    sheet = book.active
    assert sheet.max_row == len(rows) + 2


def test_it_needs_a_finished_run_to_freeze(operator, period):
    period, _expected = period
    run = services.do_start_match(operator, period)
    try:
        services.check_freeze(run, "")
    except services.IdentificationError:
        pass
    else:
        raise AssertionError("froze an unfinished run")

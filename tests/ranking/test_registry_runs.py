"""Ranking the registry in the app: model versions, runs through the task, snapshots, movers, the CLI."""

import hashlib
import json

import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.utils import timezone

from mutakhir.core.models import JobRun
from mutakhir.ranking.compare import explain_moves, movers, previous_run
from mutakhir.ranking.model import ModelError
from mutakhir.ranking.models import ImmutableError, PmtModelVersion, RankingResult, RankingRun
from mutakhir.ranking.services import RankingError, do_publish_model, do_rank_registry, do_start_ranking
from mutakhir.ranking.snapshot import snapshot_path
from mutakhir.registry.models import Household

from .registry import fill_registry, fit_registry_model, make_poor, make_rich


@pytest.fixture(scope="module")
def registry_model(tmp_path_factory):
    return fit_registry_model(tmp_path_factory.mktemp("survey") / "survey.csv")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def version(db, registry_model):
    return do_publish_model(registry_model.to_dict(), name="pmt-2025")


@pytest.fixture
def households(make_household):
    return fill_registry(make_household)


def rank(version, capture, user=None) -> RankingRun:
    with capture(execute=True):
        job = do_start_ranking(user, version)
    job.refresh_from_db()
    assert job.state == JobRun.State.DONE, job.error
    return RankingRun.objects.get(pk=job.result["run"])


def test_it_publishes_numbered_immutable_versions(version, registry_model):
    second = do_publish_model(json.loads(json.dumps(registry_model.to_dict())), name="pmt-2025", note="again")
    assert (version.version, second.version) == (1, 2) and second.sha256 == version.sha256
    with pytest.raises(ModelError, match="format"):
        do_publish_model({"format": "other"}, name="pmt-2025")
    version.note = "changed"
    for attempt in (version.save, version.delete, lambda: PmtModelVersion.objects.update(note="x")):
        with pytest.raises(ImmutableError):
            attempt()


def test_it_ranks_the_active_registry_through_the_task(version, households, django_capture_on_commit_callbacks):
    Household.objects.filter(pk=households[0].pk).update(ended_at=timezone.now(), end_reason="moved")
    run = rank(version, django_capture_on_commit_callbacks)
    assert run.pmt_model == version and run.households == 29 and run.persons_weighted and run.job.kind == "ranking"
    path = snapshot_path(run.inputs_sha256)
    assert hashlib.sha256(open(path, "rb").read()).hexdigest() == run.inputs_sha256  # noqa: PTH123,SIM115
    snapshot = {r["household_id"]: r for r in pq.read_table(path).to_pylist()}
    assert "R0000" not in snapshot and snapshot["R0001"]["household_size"] == households[1].members.count()
    assert "address" not in snapshot["R0001"]
    results = RankingResult.objects.filter(run=run)
    assert results.count() == 29 and results.get(household_id="R0001").household_region == households[1].region_id
    assert {r.region for r in results} == {"1901", "1902"}
    with pytest.raises(ImmutableError):
        results.first().save()
    with pytest.raises(ImmutableError):
        run.save()


def test_a_rerun_is_a_new_run_on_the_same_snapshot(version, households, django_capture_on_commit_callbacks):
    first = rank(version, django_capture_on_commit_callbacks)
    second = rank(version, django_capture_on_commit_callbacks)
    assert second.pk != first.pk and second.inputs_sha256 == first.inputs_sha256
    assert previous_run(second) == first and previous_run(first) is None
    assert not movers(RankingResult.objects.filter(run=second), first).exists()


def test_it_refuses_an_empty_registry(version, regions):
    with pytest.raises(RankingError):
        do_rank_registry(version)


def test_it_says_who_moved_and_why(version, households, django_capture_on_commit_callbacks):
    first = rank(version, django_capture_on_commit_callbacks)
    before = {r.household_id: r.desil for r in first.results.all()}
    poorest = min(before, key=before.get)
    richest = max(before, key=before.get)
    make_rich(Household.objects.get(household_id=poorest))
    make_poor(Household.objects.get(household_id=richest))
    second = rank(version, django_capture_on_commit_callbacks)
    moved = movers(RankingResult.objects.filter(run=second), first)
    assert {poorest, richest} <= set(moved.values_list("household_id", flat=True))
    ups = movers(RankingResult.objects.filter(run=second), first, "up")
    assert poorest in ups.values_list("household_id", flat=True)
    assert richest not in ups.values_list("household_id", flat=True)
    move = next(m for m in explain_moves(list(moved), second, first) if m.result.household_id == poorest)
    assert move.change > 0 and move.result.old_desil == before[poorest]
    changed = {name for name, _old, _new in move.changed_inputs}
    assert {"floor_area_m2", "floor_material", "has_car"} <= changed
    assert move.top_contributions() and move.top_contributions()[0][3] > 0


def test_the_cli_publishes_and_ranks(tmp_path, registry_model, households, capsys):
    path = tmp_path / "model.json"
    registry_model.save(path)
    call_command("pmt", "publish", str(path), "--name", "pmt-cli")
    version = PmtModelVersion.objects.get(name="pmt-cli")
    call_command("ranking", "run", "--model", str(version.pk))
    run = RankingRun.objects.get()
    assert run.pmt_model == version and run.results.count() == 30 and run.job is None
    assert f"Run {run.pk}: 30 households ranked" in capsys.readouterr().out

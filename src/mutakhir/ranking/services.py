"""Fit and publish PMT models; rank the registry or a file with one and store the run and every result immutably."""

import hashlib
import json
import tempfile
from pathlib import Path

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from mutakhir.core.jobs import start_job
from mutakhir.engines.duckdb import DuckDBEngine
from mutakhir.ranking import cutpoints
from mutakhir.ranking.columns import read_columns
from mutakhir.ranking.fit import fit_pmt
from mutakhir.ranking.model import PmtModel
from mutakhir.ranking.models import CutPointSet, PmtModelVersion, PmtSurvey, RankingResult, RankingRun
from mutakhir.ranking.score import score_households
from mutakhir.ranking.snapshot import REGION_COLUMN, SIZE_COLUMN, snapshot_path, write_snapshot
from mutakhir.ranking.survey import FitError, FitSettings
from mutakhir.ranking.validate import validate_model

BATCH = 5000
JOB_KIND = "ranking"
FIT_JOB_KIND = "pmt_fit"
SURVEY_SUFFIXES = (".csv", ".parquet")
FIELDS = ["household_id", "score", "percentile", "desil", "region_percentile", "region", "model_region", "flags",
          "household_region"]


class RankingError(ValueError):
    """A ranking that cannot run (nothing to rank)."""


def model_sha256(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


@transaction.atomic
def do_publish_model(data, *, name: str, note: str = "", actor=None) -> PmtModelVersion:
    """Validate a model file's contents and store it as the next version of `name` (ModelError if invalid)."""
    content = validate_model(data).to_dict()
    last = PmtModelVersion.objects.filter(name=name).aggregate(v=Max("version"))["v"] or 0
    return PmtModelVersion.objects.create(name=name, version=last + 1, content=content,
                                          sha256=model_sha256(content), note=note, uploaded_by=actor)


def do_upload_survey(upload, *, actor=None) -> PmtSurvey:
    """Store an uploaded survey file (CSV or Parquet) with its columns; FitError when it cannot be read."""
    name = Path(upload.name).name
    if Path(name).suffix.lower() not in SURVEY_SUFFIXES:
        raise FitError(_("The survey file must be a .csv or .parquet file"))
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    survey = PmtSurvey(name=name[:255], sha256=digest.hexdigest(), rows=0, uploaded_by=actor)
    survey.file.save(name, upload, save=False)
    try:
        survey.rows, survey.columns = read_columns(survey.file.path)
    except FitError:
        survey.file.delete(save=False)
        raise
    survey.save()
    return survey


def do_start_fit(user, survey: PmtSurvey, settings: FitSettings):
    """Create the fitting job (the same fit as `mutakhir pmt fit`); its task starts once the transaction commits."""
    from .tasks import run_fit_task  # tasks import this module

    return start_job(run_fit_task, FIT_JOB_KIND, user=user,
                     config={"survey": survey.pk, "settings": settings.to_dict()})


def do_run_fit_job(job, progress) -> dict:
    """Fit the job's survey with its settings (the task's work); the model file goes in the job's result."""
    survey = PmtSurvey.objects.get(pk=job.config["survey"])
    notes = {"read": _("Reading the survey"), "plan": _("Planning the regional models"),
             "cross-validate": _("Cross-validating"), "fit": _("Fitting the final models"), "done": _("Done")}
    model = fit_pmt(survey.file.path, FitSettings.from_dict(job.config["settings"]),
                    progress=lambda done, total, note: progress(done, total, notes.get(note, note)))
    model.survey["file"] = survey.name
    return {"model": model.to_dict()}


def do_publish_fit(job, *, name: str, note: str = "", actor=None) -> PmtModelVersion:
    """Publish the model a finished fitting job produced as the next version of `name`."""
    return do_publish_model(job.result["model"], name=name, note=note, actor=actor)


def do_start_ranking(user, version: PmtModelVersion, *, engine: str = "duckdb", cutpoint_set=None):
    """Create the ranking job; its task starts once the transaction commits.

    CutPointsError, before any job, when the cut-points belong to another model.
    """
    from .tasks import run_ranking_task  # tasks import this module

    cutpoints.check_model(version.sha256, cutpoint_set)
    return start_job(run_ranking_task, JOB_KIND, user=user, config={
        "pmt_model": version.pk, "engine": engine, "cutpoints": cutpoint_set.pk if cutpoint_set else None})


def do_run_ranking_job(job, progress) -> dict:
    """Run a ranking job (the task's work): rank the registry with the job's model version."""
    version = PmtModelVersion.objects.get(pk=job.config["pmt_model"])
    cutpoint_set = CutPointSet.objects.get(pk=job.config["cutpoints"]) if job.config.get("cutpoints") else None
    run = do_rank_registry(version, engine=job.config.get("engine", "duckdb"), actor=job.created_by, job=job,
                           progress=progress, cutpoint_set=cutpoint_set)
    return {"run": run.pk, "households": run.households}


def do_rank_registry(version: PmtModelVersion, *, engine: str = "duckdb", actor=None, job=None,
                     progress=None, cutpoint_set=None) -> RankingRun:
    """Snapshot the registry's active households, score and rank them, and store the run.

    With a `cutpoint_set` (national cut-points of the same model), desil are national, else relative.
    """
    step = progress or (lambda done, total, note="": None)
    cutpoints.check_model(version.sha256, cutpoint_set)
    step(0, 5, _("Snapshot of the registry"))
    digest, count = write_snapshot(lambda n: step(0, 5, _("Snapshot: %(n)s households") % {"n": n}))
    if not count:
        raise RankingError(_("The registry has no active households to rank."))
    inputs = snapshot_path(digest)
    model = PmtModel.from_dict(version.content)
    with tempfile.TemporaryDirectory(prefix="mutakhir-rank-") as tmp:
        out = Path(tmp) / "scores.parquet"
        summary = score_households(model, inputs, out, engine=engine, region_column=REGION_COLUMN,
                                   persons_column=SIZE_COLUMN,
                                   cutpoints=cutpoints.of_set(cutpoint_set) if cutpoint_set else None,
                                   progress=lambda done, total, note: step(1 + done, 5, note))
        step(4, 5, _("Storing the results"))
        run = do_record_ranking(model, out, summary=summary, source=f"registry {digest[:12]}", actor=actor,
                                persons_weighted=True, pmt_model=version, job=job, inputs_path=inputs,
                                inputs_sha256=digest, cutpoint_set=cutpoint_set)
    step(5, 5, _("Done"))
    return run


def do_rank(model: PmtModel, data_path, *, engine: str = "duckdb", id_column: str = "household_id",
            region_column: str | None = None, persons_column: str | None = None, actor=None,
            region_code: str = "", progress=None, pmt_model=None, cutpoint_set=None) -> RankingRun:
    """Score and rank the households of `data_path` and store the run with its results.

    `pmt_model`: the published version `model` is (a run of it can publish national cut-points);
    `cutpoint_set`: national cut-points of the same model to assign desil by.
    """
    cutpoints.check_model(pmt_model.sha256 if pmt_model else model_sha256(model.to_dict()), cutpoint_set)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "scores.parquet"
        summary = score_households(model, data_path, out, engine=engine, id_column=id_column,
                                   region_column=region_column, persons_column=persons_column,
                                   cutpoints=cutpoints.of_set(cutpoint_set) if cutpoint_set else None,
                                   progress=progress)
        return do_record_ranking(model, out, summary=summary, source=Path(data_path).name, actor=actor,
                                 region_code=region_code, persons_weighted=bool(persons_column),
                                 pmt_model=pmt_model, cutpoint_set=cutpoint_set)


@transaction.atomic
def do_record_ranking(model: PmtModel, scores_path, *, summary: dict, source: str, actor=None,
                      region_code: str = "", persons_weighted: bool = False, pmt_model=None, job=None,
                      inputs_path=None, inputs_sha256: str = "", cutpoint_set=None) -> RankingRun:
    """Store a run and the rows of a scores file (as `mutakhir pmt score` writes it).

    With `inputs_path` (a registry snapshot), each result also records the household's village code.
    """
    data = model.to_dict()
    run = RankingRun.objects.create(
        region_code=region_code, model=data, engine=summary["engine"], source=source[:255],
        model_sha256=model_sha256(data), persons_weighted=persons_weighted, households=summary["households"],
        summary=summary, created_by=actor, pmt_model=pmt_model, job=job, inputs_sha256=inputs_sha256,
        cutpoints=cutpoint_set)
    engine = DuckDBEngine()
    try:
        engine.load("scores", str(scores_path))
        village = "''"
        if inputs_path:
            engine.load("inputs", str(inputs_path))
            village = "(SELECT i.region_code FROM inputs i WHERE i.household_id = CAST(s.household_id AS VARCHAR))"
        columns = ", ".join(f"s.{f}" for f in FIELDS[:-1])
        cursor = engine.con.execute(f"SELECT {columns}, {village} FROM scores s ORDER BY percentile")  # noqa: S608
        while rows := cursor.fetchmany(BATCH):
            RankingResult.objects.bulk_create(
                RankingResult(run=run, **dict(zip(FIELDS, _typed(row), strict=True))) for row in rows)
    finally:
        engine.close()
    return run


def _typed(row: tuple) -> tuple:
    hid, score, pct, desil, rpct, region, model_region, flags, village = row
    return (hid, float(score), float(pct), int(desil), float(rpct), region or "", model_region, flags or "",
            village or "")

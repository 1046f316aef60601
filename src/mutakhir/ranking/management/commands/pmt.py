"""`mutakhir pmt fit|score|explain|publish`: fit the PMT, score and rank households, explain one, publish a model."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from mutakhir.core import jsoninput
from mutakhir.core.progress import progress_bar
from mutakhir.engines import EngineError
from mutakhir.ranking.design import explain
from mutakhir.ranking.fit import fit_pmt
from mutakhir.ranking.model import ModelError, PmtModel
from mutakhir.ranking.score import ScoreError, score_households
from mutakhir.ranking.survey import FitError, FitSettings


def names(text: str | None) -> list[str]:
    return [n.strip() for n in (text or "").split(",") if n.strip()]


class Command(BaseCommand):
    help = "Proxy-means test: fit a model on a survey, score and rank households, explain a score."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        fit = sub.add_parser("fit", help="Fit a PMT model on survey data (CSV or Parquet).")
        fit.add_argument("--data", required=True, help="Survey file: one row per household.")
        fit.add_argument("--target", required=True, help="Column to predict, e.g. log_consumption_pc.")
        fit.add_argument("--weight", help="Survey weight column.")
        fit.add_argument("--categorical", help="Coded columns, comma-separated: one dummy per category.")
        fit.add_argument("--log", help="Columns used as log(x + offset), comma-separated.")
        fit.add_argument("--interact", help="Products of two numeric columns: A:B,C:D.")
        fit.add_argument("--region-column", help="Region code column (district; province = first 2 digits).")
        fit.add_argument("--area-column", help="Small-area code column (e.g. village code): one empirical-Bayes "
                         "offset per area, applied through the scoring region column.")
        fit.add_argument("--area-digits", type=int, help="An area is the first N characters of the area column "
                         "(6: sub-district of a village code).")
        fit.add_argument("--id-column", default="household_id", help="Identifier column (not a variable).")
        fit.add_argument("--ignore", help="Columns that are not variables, comma-separated.")
        fit.add_argument("--folds", type=int, default=5, help="Cross-validation folds (default 5).")
        fit.add_argument("--min-obs", type=int, default=30, help="Fewest rows for a region's own model.")
        fit.add_argument("--boosting", action="store_true", help="Also cross-validate gradient boosting.")
        fit.add_argument("--seed", type=int, default=0)
        fit.add_argument("--out", required=True, help="Model file to write (JSON).")
        score = sub.add_parser("score", help="Score and rank households with a model.")
        score.add_argument("--model", required=True)
        score.add_argument("--data", required=True, help="Household file (CSV or Parquet).")
        score.add_argument("--out", required=True, help="Scores file (.csv or .parquet).")
        score.add_argument("--id-column", default="household_id")
        score.add_argument("--region-column", help="Region column, if not the model's (e.g. region_code).")
        score.add_argument("--persons-column", help="Household size: desil become equal shares of people.")
        score.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
        why = sub.add_parser("explain", help="Show each variable's contribution to one household's score.")
        why.add_argument("--model", required=True)
        why.add_argument("--data", required=True)
        why.add_argument("--household", required=True, help="The household's id.")
        why.add_argument("--id-column", default="household_id")
        why.add_argument("--region-column", help="Region column, if not the model's.")
        publish = sub.add_parser("publish", help="Store a model file as the next version of a named model.")
        publish.add_argument("model", help="Model file (JSON).")
        publish.add_argument("--name", required=True, help="Model name; each publication is its next version.")
        publish.add_argument("--note", default="")

    def handle(self, *args, action, **opts):
        try:
            getattr(self, action)(opts)
        except (FitError, ModelError, ScoreError, EngineError, OSError) as exc:
            raise CommandError(str(exc)) from exc

    def fit(self, opts):
        pairs = [pair.split(":") for pair in names(opts["interact"])]
        if any(len(pair) != 2 for pair in pairs):
            raise CommandError(_("--interact takes pairs like A:B"))
        settings = FitSettings(target=opts["target"], weight=opts["weight"], categorical=names(opts["categorical"]),
                               log=names(opts["log"]), interactions=pairs, region_column=opts["region_column"],
                               area_column=opts["area_column"], area_digits=opts["area_digits"],
                               id_column=opts["id_column"], ignore=names(opts["ignore"]), folds=opts["folds"],
                               min_obs=opts["min_obs"], boosting=opts["boosting"], seed=opts["seed"])
        with progress_bar(_("Fitting the PMT"), total=4) as advance:
            model = fit_pmt(opts["data"], settings, progress=lambda done, total, note: advance(done))
        model.save(opts["out"])
        info, cv = model.survey, model.validation
        self.stdout.write(_("%(used)s of %(rows)s survey rows used; %(target)s rows dropped without a target, "
                            "%(weight)s without a positive weight.") % {
            "used": info["rows_used"], "rows": info["rows"], "target": info["dropped_no_target"],
            "weight": info["dropped_bad_weight"]})
        for item in info["dropped_variables"]:
            self.stdout.write(_("Variable %(name)s dropped: %(reason)s.") % item)
        for m in model.models:
            if not m.fitted:
                self.stdout.write(_("Region %(region)s uses model %(uses)s: %(reason)s.") % {
                    "region": m.region, "uses": m.uses, "reason": m.reason})
        self.stdout.write(_("Cross-validated (%(folds)s folds), ridge λ = %(lam)s:") % {
            "folds": cv["folds"], "lam": cv["ridge_lambda"]})
        for name in ("regional", "with_areas", "pooled", "boosting"):
            if name in cv:
                self.stdout.write(_("  %(name)-9s RMSE %(rmse).4f  R² %(r2).4f  exclusion error at 40%% %(ee).1f%%")
                                  % {"name": name, "rmse": cv[name]["rmse"], "r2": cv[name]["r2"],
                                     "ee": 100 * cv[name]["exclusion_error_40"]})
        if model.areas:
            shrunk = sorted(o.gamma for o in model.areas.offsets)
            self.stdout.write(_("Area effects: %(n)s areas, between-area variance %(between).5f, within %(within).5f,"
                                " shrinkage factor %(low).2f–%(high).2f.") % {
                "n": len(shrunk), "between": model.areas.between, "within": model.areas.within, "low": shrunk[0],
                "high": shrunk[-1]})
        self.stdout.write(self.style.SUCCESS(_("Model written to %(path)s.") % {"path": opts["out"]}))

    def score(self, opts):
        model = PmtModel.load(opts["model"])
        with progress_bar(_("Scoring and ranking"), total=3) as advance:
            result = score_households(model, opts["data"], opts["out"], engine=opts["engine"],
                                      id_column=opts["id_column"], region_column=opts["region_column"],
                                      persons_column=opts["persons_column"],
                                      progress=lambda done, total, note: advance(done))
        if result["absent_variables"]:
            self.stdout.write(_("Not in the household file, imputed for everyone: %(names)s.") % {
                "names": ", ".join(result["absent_variables"])})
        self.stdout.write(_("%(n)s households scored in %(seconds)s s (%(engine)s); %(flagged)s flagged, "
                            "%(fallback)s on a fallback model.") % {
            "n": result["households"], "seconds": result["seconds"], "engine": result["engine"],
            "flagged": result["flagged"], "fallback": result["fallback"]})
        self.stdout.write(self.style.SUCCESS(_("Scores written to %(path)s.") % {"path": opts["out"]}))

    def explain(self, opts):
        from mutakhir.engines.duckdb import DuckDBEngine

        model = PmtModel.load(opts["model"])
        engine = DuckDBEngine()
        try:
            columns = engine.load("households", opts["data"])
            where = f"CAST({engine.dialect.ident(opts['id_column'])} AS VARCHAR) = ?"
            rows = engine.fetch(f"SELECT * FROM households WHERE {where} LIMIT 1", [opts["household"]])  # noqa: S608
        finally:
            engine.close()
        if not rows:
            raise CommandError(_("Household %(id)s is not in the file") % {"id": opts["household"]})
        why = explain(model, dict(zip(columns, rows[0], strict=True)), opts["region_column"])
        self.stdout.write(json.dumps(why, indent=1, ensure_ascii=False, default=str))

    def publish(self, opts):
        from mutakhir.ranking.services import do_publish_model

        try:
            data = jsoninput.loads(Path(opts["model"]).read_bytes())
        except jsoninput.JsonInputError as exc:
            raise CommandError(_("Model file is not valid JSON: %(error)s") % {"error": exc}) from exc
        version = do_publish_model(data, name=opts["name"], note=opts["note"])
        self.stdout.write(self.style.SUCCESS(_("Published %(model)s (ID %(id)s).") % {
            "model": version, "id": version.pk}))

"""`mutakhir ranking run --model ID`: snapshot the registry, rank it with a published model and store the run."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from mutakhir.core.progress import progress_bar
from mutakhir.engines import EngineError
from mutakhir.ranking.models import PmtModelVersion
from mutakhir.ranking.score import ScoreError
from mutakhir.ranking.services import RankingError, do_rank_registry


class Command(BaseCommand):
    help = "Rank the registry's active households with a published PMT model version."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="Snapshot, score and rank the registry; store the run.")
        run.add_argument("--model", type=int, required=True, help="ID of the model version (mutakhir pmt publish).")
        run.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")

    def handle(self, *args, action, model, engine, **opts):
        version = PmtModelVersion.objects.filter(pk=model).first()
        if version is None:
            raise CommandError(_("No model version with ID %(id)s.") % {"id": model})
        try:
            with progress_bar(_("Ranking with %(model)s") % {"model": version}, total=5) as advance:
                run = do_rank_registry(version, engine=engine,
                                       progress=lambda done, total, note="": advance(done, total))
        except (RankingError, ScoreError, EngineError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(_("Run %(id)s: %(n)s households ranked, inputs snapshot %(sha)s.") % {
            "id": run.pk, "n": run.households, "sha": run.inputs_sha256}))

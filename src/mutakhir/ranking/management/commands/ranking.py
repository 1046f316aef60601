"""`mutakhir ranking run|publish-cutpoints|import-cutpoints|national-key`: rank the registry; national desil.

run --model ID [--cutpoints ID]              snapshot the registry, rank it with a published model, store the run
publish-cutpoints --run ID --out FILE        on the national server: the run's desil cut-points, signed
import-cutpoints FILE                        on a district server: check and store them (ranking/cutpoints.py)
national-key create|show                     on the national server: its signing key (var/keys/national.ed25519)
national-key trust --public-key K            on a district server: trust the national team's public key
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from mutakhir.core import signing
from mutakhir.core.progress import progress_bar
from mutakhir.engines import EngineError
from mutakhir.ranking import cutpoints
from mutakhir.ranking.models import CutPointSet, PmtModelVersion, RankingRun
from mutakhir.ranking.score import ScoreError
from mutakhir.ranking.services import RankingError, do_rank_registry


class Command(BaseCommand):
    help = "Rank the registry with a published PMT model version; publish and import national desil cut-points."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="Snapshot, score and rank the registry; store the run.")
        run.add_argument("--model", type=int, required=True, help="ID of the model version (mutakhir pmt publish).")
        run.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
        run.add_argument("--cutpoints", type=int, help="ID of imported national cut-points (else relative desil).")
        publish = sub.add_parser("publish-cutpoints", help="Write a run's desil cut-points, signed.")
        publish.add_argument("--run", type=int, required=True)
        publish.add_argument("--out", required=True)
        sub.add_parser("import-cutpoints", help="Check and store a signed cut-points file.").add_argument("file")
        key = sub.add_parser("national-key", help="The national team's signing key.")
        key.add_argument("key_action", choices=["create", "show", "trust"])
        key.add_argument("--public-key", help="trust: the national team's public key (base64).")

    def handle(self, *args, action, **opts):
        try:
            getattr(self, action.replace("-", "_"))(opts)
        except (RankingError, ScoreError, EngineError, cutpoints.CutPointsError, signing.SigningError,
                OSError) as exc:
            raise CommandError(str(exc)) from exc

    def run(self, opts):
        version = PmtModelVersion.objects.filter(pk=opts["model"]).first()
        if version is None:
            raise CommandError(_("No model version with ID %(id)s.") % {"id": opts["model"]})
        points = None
        if opts["cutpoints"]:
            points = CutPointSet.objects.filter(pk=opts["cutpoints"]).first()
            if points is None:
                raise CommandError(_("No imported cut-points with ID %(id)s.") % {"id": opts["cutpoints"]})
        with progress_bar(_("Ranking with %(model)s") % {"model": version}, total=5) as advance:
            run = do_rank_registry(version, engine=opts["engine"], cutpoint_set=points,
                                   progress=lambda done, total, note="": advance(done, total))
        self.stdout.write(self.style.SUCCESS(_("Run %(id)s: %(n)s households ranked, inputs snapshot %(sha)s.") % {
            "id": run.pk, "n": run.households, "sha": run.inputs_sha256}))

    def publish_cutpoints(self, opts):
        run = RankingRun.objects.filter(pk=opts["run"]).select_related("pmt_model").first()
        if run is None:
            raise CommandError(_("No ranking run with ID %(id)s.") % {"id": opts["run"]})
        Path(opts["out"]).write_bytes(cutpoints.publish(run))
        self.stdout.write(self.style.SUCCESS(_("Cut-points of run %(id)s written to %(path)s.") % {
            "id": run.pk, "path": opts["out"]}))

    def import_cutpoints(self, opts):
        imported = cutpoints.import_cutpoints(Path(opts["file"]).read_bytes())
        self.stdout.write(self.style.SUCCESS(_("Imported %(cutpoints)s (ID %(id)s).") % {
            "cutpoints": imported, "id": imported.pk}))

    def national_key(self, opts):
        if opts["key_action"] == "trust":
            if not opts["public_key"]:
                raise CommandError(_("Give the national team's public key with --public-key."))
            key = cutpoints.trust_national_key(opts["public_key"])
            self.stdout.write(f"trusted {key.fingerprint}")
            return
        if opts["key_action"] == "create":
            public = signing.create_key(cutpoints.NATIONAL_KEY)
        else:
            public = signing.public_key(cutpoints.NATIONAL_KEY)
        self.stdout.write(f"{public}\nfingerprint {signing.fingerprint(public)}")

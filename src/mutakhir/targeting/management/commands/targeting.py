"""`mutakhir targeting run|check|seed-programs`: draw a beneficiary list, check a rule, create example programs."""

import json
import tempfile
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from mutakhir.core.models import PersonalDataAccess
from mutakhir.core.progress import progress_bar
from mutakhir.ranking.models import RankingRun
from mutakhir.targeting.lists import ListError, dataset_files, run_list
from mutakhir.targeting.models import Program
from mutakhir.targeting.quotas import QuotaError, read_quota_csv
from mutakhir.targeting.rules import RuleError, parse
from mutakhir.targeting.services import do_seed_programs, write_run_dataset
from mutakhir.targeting.sql import ListSpec


class Command(BaseCommand):
    help = "Program targeting: draw beneficiary lists from a ranking, check rules, seed example programs."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="Draw a program's beneficiary list from a ranking.")
        which = run.add_mutually_exclusive_group(required=True)
        which.add_argument("--program", help="Program name: its latest criteria version.")
        which.add_argument("--rule", help="A rule instead of a program's criteria.")
        run.add_argument("--unit", choices=["household", "person"], default="household", help="With --rule.")
        run.add_argument("--ranking", required=True, help="Ranking run id, or a scores file (CSV/Parquet).")
        run.add_argument("--data", help="Dataset folder (households, members) for a scores file.")
        run.add_argument("--out", required=True, help="Output folder.")
        run.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
        quota = run.add_mutually_exclusive_group()
        quota.add_argument("--quota", help="Quota file: region_code,quota.")
        quota.add_argument("--national-total", type=int, help="Share this many by people in the target desil.")
        run.add_argument("--level", type=int, default=4, choices=[2, 4, 6, 10], help="Code digits of quota regions.")
        run.add_argument("--target-desil", type=int, default=4, help="Highest desil counted for shares.")
        run.add_argument("--previous", help="Previous list (CSV with household_id).")
        run.add_argument("--grace", type=float, default=0.0, help="Grace band in percentile points.")
        run.add_argument("--near", type=int, default=20, help="Households just outside to explain, per region.")
        run.add_argument("--as-of", type=date.fromisoformat, help="Date ages are taken at (YYYY-MM-DD).")
        run.add_argument("--formats", default="csv,xlsx,pdf", help="Comma-separated: csv, xlsx, pdf.")
        check = sub.add_parser("check", help="Check a rule and print its canonical form.")
        check.add_argument("rule")
        sub.add_parser("seed-programs", help="Create PKH, BPNT/Sembako and PBI-JK if missing.")

    def handle(self, *args, action, **o):
        if action == "seed-programs":
            made = do_seed_programs()
            self.stdout.write(_("Created: %(names)s") % {"names": ", ".join(p.name for p in made) or "-"})
            return
        if action == "check":
            from mutakhir.targeting.rules.ast import to_text

            try:
                self.stdout.write(to_text(parse(o["rule"])))
            except RuleError as exc:
                raise CommandError(exc.message) from exc
            return
        self.run(o)

    def run(self, o):
        if o["program"]:
            program = Program.objects.filter(name=o["program"]).first()
            if not program or not program.current:
                raise CommandError(_("No program named %(name)s") % {"name": o["program"]})
            rule_text, unit = program.current.rule, program.current.unit
        else:
            rule_text, unit = o["rule"], o["unit"]
        try:
            spec = ListSpec(parse(rule_text), unit=unit, grace=o["grace"], near=o["near"], as_of=o["as_of"],
                            quotas=read_quota_csv(Path(o["quota"])) if o["quota"] else None)
            with tempfile.TemporaryDirectory() as tmp:
                if o["ranking"].isdigit():
                    run = RankingRun.objects.filter(pk=int(o["ranking"])).first()
                    if run is None:
                        raise CommandError(_("No ranking run %(id)s") % {"id": o["ranking"]})
                    scores, households, members = write_run_dataset(run, Path(tmp))
                    PersonalDataAccess.record_command(PersonalDataAccess.Action.EXPORT, "rankingrun", run.pk,
                                                      fields="list")
                else:
                    if not o["data"]:
                        raise CommandError(_("--data is required with a scores file"))
                    scores, (households, members) = Path(o["ranking"]), dataset_files(Path(o["data"]))
                with progress_bar(_("Drawing the list"), None) as advance:
                    summary = run_list(spec, scores, households, members, Path(o["out"]), engine=o["engine"],
                                       previous=Path(o["previous"]) if o["previous"] else None,
                                       national_total=o["national_total"], level=o["level"],
                                       target_desil=o["target_desil"], formats=tuple(o["formats"].split(",")),
                                       progress=lambda done, total, note: advance(done, total))
        except (RuleError, QuotaError, ListError) as exc:
            raise CommandError(getattr(exc, "message", str(exc))) from exc
        for warning in summary["warnings"]:
            self.stderr.write(warning)
        self.stdout.write(json.dumps({k: summary[k] for k in ("households", "people", "grace", "entered", "exited",
                                                              "seconds")}))

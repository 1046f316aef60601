"""`mutakhir synth --households N --seed S --out DIR [--region 19.01]`: write a synthetic district.

Pure files, no database: runs before migrations. Layout and rates: `mutakhir/synth/generate.py`,
`mutakhir/synth/errors.py`, `mutakhir/synth/params.py`.
"""

from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from mutakhir.core.progress import progress_bar
from mutakhir.synth import SynthError, generate
from mutakhir.synth.generate import STEPS, check_inputs


class Command(BaseCommand):
    help = ("Generate a synthetic district: civil registry, stale registry snapshot, registrations with entry "
            "errors, a consumption survey and the ground truth (exchange format, CSV).")
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=10_000, help="Households in the district.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed: the same seed gives identical files.")
        parser.add_argument("--out", required=True, help="Output folder (created if missing).")
        parser.add_argument("--region", default="19.01",
                            help="District (or sub-district) code whose villages to use; default Kabupaten Bangka.")
        parser.add_argument("--registrations", type=int, default=None,
                            help="Registrations of the update period (default 7%% of the households).")

    def handle(self, *args, households, seed, out, region, registrations, **opts):
        try:
            check_inputs(households, out, region, registrations)
            with progress_bar(_("Synthesizing"), total=STEPS) as advance:
                summary = generate(households, seed, out, region, progress=lambda done, total, note: advance(done),
                                   registrations_count=registrations)
        except SynthError as exc:
            raise CommandError(str(exc)) from exc
        counts = {k: intcomma(v) for k, v in summary.items() if isinstance(v, int)}
        self.stdout.write(self.style.SUCCESS(
            _("%(households)s households, %(persons)s persons; registry %(registry_households)s households; "
              "%(registrations)s registrations; survey %(survey_households)s; %(seconds)s s -> %(out)s")
            % {**counts, "seconds": summary["seconds"], "out": out}))

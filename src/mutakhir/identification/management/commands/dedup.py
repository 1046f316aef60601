"""`mutakhir dedup --out DIR [--registry DIR] [--region CODE]`: likely duplicates in the registry."""

import json
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mutakhir.core.models import PersonalDataAccess
from mutakhir.identification.dedup import find_duplicates
from mutakhir.identification.linkage.io import InputError
from mutakhir.registry.exchange.exporter import export_dataset


class Command(BaseCommand):
    help = ("Find clusters of likely duplicate people and households in the registry with the linkage model; "
            "write people.csv and households.csv (cluster_id, record ids, probability) for review.")

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="output folder")
        parser.add_argument("--registry", help="a registry dataset folder or .zip (default: this database)")
        parser.add_argument("--region", default="", help="limit the database export to a region code")

    def handle(self, *args, out, registry, region, **opts):
        try:
            if registry:
                counts = find_duplicates(registry, out)
            else:
                with tempfile.TemporaryDirectory(prefix="mutakhir-dedup-") as tmp:
                    export_dataset(Path(tmp), region=region)
                    counts = find_duplicates(tmp, out)
                PersonalDataAccess.record_command(PersonalDataAccess.Action.EXPORT, "region", region or "all",
                                                  fields="duplicates")
        except InputError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(json.dumps(counts))

"""`mutakhir serve [--port N] [--host H] [--threads N] [--no-worker]`: serve the app with waitress."""

import subprocess
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Mutakhir over HTTP (waitress), with a background-task worker beside it."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-worker", action="store_true", help="Do not start the task worker.")

    def handle(self, *args, host, port, threads, no_worker, **opts):
        from waitress import serve

        from mutakhir.config.wsgi import application

        worker = None if no_worker else subprocess.Popen([sys.executable, "-m", "mutakhir", "db_worker"])
        self.stdout.write(self.style.SUCCESS(f"Mutakhir: http://{host}:{port}/  (Ctrl+C untuk berhenti / to stop)"))
        try:
            serve(application, host=host, port=port, threads=threads, ident="mutakhir")
        finally:
            if worker:
                worker.terminate()
                worker.wait(timeout=10)

"""`mutakhir serve [--port N] [--host H] [--threads N] [--no-worker]`: serve the app with waitress.

Waitress reads a whole request before a thread sees it, so slow clients cost connections, not threads.
Connections are bounded (SERVE_CONNECTION_LIMIT) and one silent for SERVE_CHANNEL_TIMEOUT seconds is
closed, so a flood of slow or idle clients cannot hold every socket and file descriptor
(docs/security.md). The task worker beside it is `mutakhir worker`, which sweeps jobs of dead processes.
"""

import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand


def waitress_options(threads: int) -> dict:
    """Return waitress's limits from the settings; idle connections are looked at twice per timeout."""
    timeout = settings.SERVE_CHANNEL_TIMEOUT
    return {"threads": threads, "connection_limit": settings.SERVE_CONNECTION_LIMIT, "channel_timeout": timeout,
            "cleanup_interval": max(1, min(30, timeout // 2)), "ident": "mutakhir"}


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

        worker = None if no_worker else subprocess.Popen([sys.executable, "-m", "mutakhir", "worker"])
        self.stdout.write(self.style.SUCCESS(f"Mutakhir: http://{host}:{port}/  (Ctrl+C untuk berhenti / to stop)"))
        try:
            serve(application, host=host, port=port, **waitress_options(threads))
        finally:
            if worker:
                worker.terminate()
                worker.wait(timeout=10)

"""`mutakhir serve [--port N] [--host H] [--threads N]`: serve the app with waitress."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Mutakhir over HTTP (waitress, a production WSGI server that runs on any OS)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, host, port, threads, **opts):
        from waitress import serve

        from mutakhir.config.wsgi import application

        self.stdout.write(self.style.SUCCESS(f"Mutakhir: http://{host}:{port}/  (Ctrl+C untuk berhenti / to stop)"))
        serve(application, host=host, port=port, threads=threads, ident="mutakhir")

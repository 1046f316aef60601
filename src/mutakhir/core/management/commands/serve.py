"""`mutakhir serve [--port N] [--host H] [--threads N] [--no-worker]`: serve the app with waitress.

Waitress reads a whole request before a thread sees it, so slow clients cost connections, not threads.
Connections are bounded (SERVE_CONNECTION_LIMIT) and one silent for SERVE_CHANNEL_TIMEOUT seconds is
closed, so a flood of slow or idle clients cannot hold every socket and file descriptor
(docs/security.md). The task worker beside it is `mutakhir worker`, which sweeps jobs of dead processes.

The worker ends with the server, however the server ends: SIGTERM or Ctrl+C stop it in turn, and on Linux
the kernel sends it SIGTERM when the server dies (PR_SET_PDEATHSIG), even by SIGKILL, so a restart never
adds a second worker beside an orphaned one. In production run the worker as its own service instead
(`--no-worker`; docs/security.md has systemd units).
"""

import ctypes
import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand


def waitress_options(threads: int) -> dict:
    """Return waitress's limits from the settings; idle connections are looked at twice per timeout.

    `max_request_body_size` bounds what waitress buffers before the app can refuse it (core/bodylimit.py).
    """
    timeout = settings.SERVE_CHANNEL_TIMEOUT
    return {"threads": threads, "connection_limit": settings.SERVE_CONNECTION_LIMIT, "channel_timeout": timeout,
            "cleanup_interval": max(1, min(30, timeout // 2)), "max_request_body_size": settings.SERVE_MAX_REQUEST_BODY,
            "ident": "mutakhir"}


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(parent: int):
    """Return the child's pre-exec hook: on Linux, be sent SIGTERM when `parent` dies (None elsewhere).

    The setting survives exec. A parent that died before the hook ran is caught by comparing parent ids.
    """
    if not sys.platform.startswith("linux"):
        return None

    def hook():
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:
            os._exit(1)
    return hook


def start_worker() -> subprocess.Popen:
    """Start `mutakhir worker` as a child that ends with this process."""
    return subprocess.Popen([sys.executable, "-m", "mutakhir", "worker"], preexec_fn=die_with_parent(os.getpid()))


def stop_on_sigterm(signum, frame):
    """Turn SIGTERM into SystemExit, so `serve`'s `finally` stops the worker (Python's default just dies)."""
    raise SystemExit(128 + signum)


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

        worker = None if no_worker else start_worker()
        signal.signal(signal.SIGTERM, stop_on_sigterm)
        self.stdout.write(self.style.SUCCESS(f"Mutakhir: http://{host}:{port}/  (Ctrl+C untuk berhenti / to stop)"))
        try:
            serve(application, host=host, port=port, **waitress_options(threads))
        finally:
            if worker:
                worker.terminate()
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:  # busy with a job: the sweep marks it interrupted, to run again
                    worker.kill()

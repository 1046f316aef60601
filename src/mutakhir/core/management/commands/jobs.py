"""`mutakhir jobs sweep [--stale-seconds N]`: mark jobs whose process died as interrupted (core/jobs.py)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from mutakhir.core.jobs import stale_jobs, sweep_stale_jobs


class Command(BaseCommand):
    help = "Background jobs: `sweep` marks running jobs whose process stopped beating as interrupted."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        sweep = actions.add_parser("sweep", help="Mark running jobs without a recent heartbeat as interrupted.")
        sweep.add_argument("--stale-seconds", type=float, default=None,
                           help=f"Seconds without a heartbeat (default {settings.JOB_STALE_SECONDS}).")
        sweep.add_argument("--dry-run", action="store_true", help="List them; change nothing.")

    def handle(self, *args, action, stale_seconds, dry_run, **opts):
        stale = stale_jobs(stale_seconds)
        if dry_run:
            for job in stale:
                self.stdout.write(f"{job} heartbeat {job.heartbeat_at or job.started_at:%Y-%m-%d %H:%M:%S}")
            self.stdout.write(f"{stale.count()} tugas akan ditandai terhenti / jobs would be marked interrupted.")
            return
        count = sweep_stale_jobs(stale_seconds)
        self.stdout.write(f"{count} tugas ditandai terhenti / jobs marked interrupted.")

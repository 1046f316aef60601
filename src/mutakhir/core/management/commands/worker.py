"""`mutakhir worker [db_worker options]`: the background-task worker, sweeping jobs of dead processes.

django-tasks-db's `db_worker`, plus: at start it marks running jobs whose process stopped beating as
interrupted (a restart after a kill is when they are found), then keeps sweeping every minute, so a job
killed under another worker is also found while this one runs. It also sends the citizens' messages
(notifications/sweep.py): due outbox rows every NOTIFY_EVERY seconds, new stages and late complaints less often.
"""

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from mutakhir.core.jobs import Sweeper, sweep_stale_jobs
from mutakhir.core.secret import require_secret_key
from mutakhir.notifications.sweep import NotificationSweeper

SWEEP_EVERY = 60  # seconds
NOTIFY_EVERY = 30  # seconds between rounds of the citizens' messages (notifications/sweep.py)


class Command(DbWorkerCommand):
    help = "Run the background-task worker; first mark jobs whose process died as interrupted."

    def handle(self, *args, **options):
        require_secret_key()  # the jobs it runs may sign or hash: refuse at start, not halfway
        swept = sweep_stale_jobs()
        if swept:
            self.stdout.write(f"{swept} tugas ditandai terhenti / jobs marked interrupted.")
        sweeper = Sweeper(SWEEP_EVERY)
        sweeper.start()
        notifier = NotificationSweeper(NOTIFY_EVERY)
        notifier.start()
        try:
            return super().handle(*args, **options)
        finally:
            sweeper.stopped.set()
            notifier.stop()

"""The `mutakhir` console command: Django's management commands under one name."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command, e.g. `mutakhir synth ...` or `mutakhir nik check`.

    A configuration error (SECRET_KEY not set, a bad DATABASE_URL) ends the command with one line on
    stderr saying what to set, not a traceback. Every file a command creates (exports, lists, reports,
    the SQLite database, the server's uploads) is readable by the app's user only: they hold NIKs.
    """
    os.umask(0o077)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutakhir.config.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["mutakhir", *(sys.argv[1:] if argv is None else argv)])
    except ImproperlyConfigured as exc:
        from mutakhir.core.secret import explain

        sys.stderr.write(f"mutakhir: {explain(exc)}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()

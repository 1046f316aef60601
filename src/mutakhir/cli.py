"""The `mutakhir` console command: Django's management commands under one name."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command, e.g. `mutakhir synth ...` or `mutakhir nik check`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutakhir.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["mutakhir", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()

"""`mutakhir verivali ...`: civil-registry sync, administrative signals, re-verification selection, outcomes.

Each part registers its own actions in its `cli` module (a dict of name -> (add_arguments, handle)),
so the parts stay in their own files.
"""

from importlib import import_module

from django.core.management.base import BaseCommand

PARTS = ("sync", "signals", "selection")


def actions() -> dict:
    """Return every part's actions: {name: (add_arguments(parser), handle(command, options))}."""
    found = {}
    for part in PARTS:
        found.update(import_module(f"mutakhir.verivali.{part}_cli").ACTIONS)
    return found


class Command(BaseCommand):
    help = "Verivali: keep the existing registry true (civil-registry sync, signals, re-verification)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name, (add_arguments, handle) in actions().items():
            add_arguments(sub.add_parser(name, help=(handle.__doc__ or "").strip().splitlines()[0]))

    def handle(self, *args, action, **options):
        actions()[action][1](self, options)

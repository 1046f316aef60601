"""`mutakhir nik check [--kk]`: validate NIKs (or KK numbers) read one per line from stdin.

Writes one JSON object per line, as each line is read (flushed), so it can sit in a pipe:
`{"nik", "valid", "errors": [codes], "region_code", "birth_date", "sex"}`, or with `--kk`
`{"kk", "valid", "errors", "warnings", "region_code", "issue_date"}`. Blank lines are skipped and
surrounding whitespace is trimmed. No database is used.
"""

import json
import sys
from datetime import date

from django.core.management.base import BaseCommand

from mutakhir.core.kk import parse_kk
from mutakhir.core.nik import parse_nik


class Command(BaseCommand):
    help = "Check NIKs (or KK numbers) read one per line from stdin; write JSON lines."
    requires_system_checks = []  # a pure filter: start fast, touch nothing
    stealth_options = ("stdin",)  # call_command(..., stdin=io.StringIO(...)) in tests

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="Validate one number per line of stdin, write JSON lines.")
        check.add_argument("--kk", action="store_true", help="The lines are family card (KK) numbers.")
        check.add_argument("--today", type=date.fromisoformat, default=None,
                           help="Reference date for 2-digit years (YYYY-MM-DD; default today).")

    def handle(self, *args, action, **opts):
        stdin = opts.get("stdin") or sys.stdin
        parse = parse_kk if opts["kk"] else parse_nik
        today = opts["today"] or date.today()
        out = self.stdout._out  # raw stream: OutputWrapper's styling costs time per line
        dumps = json.dumps
        for line in iter(stdin.readline, ""):
            value = line.strip()
            if not value:
                continue
            out.write(dumps(parse(value, today=today).as_dict()) + "\n")
            out.flush()

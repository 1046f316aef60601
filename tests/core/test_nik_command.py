"""`mutakhir nik check`: JSON lines from stdin, streamed."""

import io
import json
import os
import selectors
import subprocess
import sys

from django.core.management import call_command


def run(text: str, *args) -> list[dict]:
    out = io.StringIO()
    call_command("nik", "check", *args, stdin=io.StringIO(text), stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_it_writes_one_json_object_per_non_blank_line():
    rows = run("1901015205880003\n\n   \n  1901011205880000 \r\nabc\n", "--today", "2025-06-15")
    assert rows == [
        {"nik": "1901015205880003", "valid": True, "errors": [], "region_code": "190101",
         "birth_date": "1988-05-12", "sex": 2},
        {"nik": "1901011205880000", "valid": False, "errors": ["zero_serial"], "region_code": "190101",
         "birth_date": "1988-05-12", "sex": 1},
        {"nik": "abc", "valid": False, "errors": ["not_16_digits", "non_digit"], "region_code": None,
         "birth_date": None, "sex": None},
    ]


def test_it_checks_kk_numbers():
    [row] = run("1901015503120007\n", "--kk", "--today", "2025-06-15")
    assert row["valid"] and row["warnings"] == ["invalid_issue_date", "looks_like_nik"]


def test_it_checks_many_lines():
    rows = run("9901013213880000\n" * 5000)
    assert len(rows) == 5000
    assert rows[-1]["errors"] == ["unknown_province", "invalid_birth_date", "zero_serial"]


def test_it_streams_each_answer_before_the_input_ends():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mutakhir.config.settings_test"}
    env.pop("PYTHONUNBUFFERED", None)  # the command must flush by itself
    proc = subprocess.Popen([sys.executable, "-m", "mutakhir", "nik", "check"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, env=env)
    try:
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stdout, selectors.EVENT_READ)
            for nik in ("1901015205880003", "1901011205880000"):
                proc.stdin.write(nik + "\n")
                proc.stdin.flush()  # stdin stays open: an answer now proves line-by-line output
                assert sel.select(timeout=20), "no answer while stdin is still open"
                assert json.loads(proc.stdout.readline())["nik"] == nik
        proc.stdin.close()
        assert proc.wait(timeout=30) == 0
    finally:
        proc.kill()

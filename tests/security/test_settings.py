"""Production settings: `check --deploy` is clean with DEBUG off; http only where asked (demo, LAN install)."""

import json
import os
import subprocess
import sys

import pytest

SECRET = "k" * 20 + "-production-like-secret-key-0123456789-abcdef"  # long, varied: passes security.W009
PROBE = ("import json, django; from django.conf import settings; django.setup(); print(json.dumps({k: getattr("
         "settings, k) for k in ('SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
         "'SECURE_HSTS_SECONDS', 'REQUIRE_2FA')}))")


def run(args, stdin: str = "", **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("MUTAKHIR_", "DEBUG", "SECRET_KEY", "DJANGO_"))}
    return subprocess.run(args, env={**base, "DJANGO_SETTINGS_MODULE": "mutakhir.config.settings", **env},
                          input=stdin, capture_output=True, text=True, timeout=120, check=False)


def settings_with(**env) -> dict:
    result = run([sys.executable, "-c", PROBE], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.slow
def test_it_passes_the_deployment_check_with_debug_off():
    result = run([sys.executable, "-m", "mutakhir", "check", "--deploy", "--fail-level", "WARNING"],
                 DEBUG="0", SECRET_KEY=SECRET)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_is_https_only_and_asks_for_2fa_by_default_in_production():
    values = settings_with(DEBUG="0", SECRET_KEY=SECRET)
    assert values == {"SECURE_SSL_REDIRECT": True, "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True,
                      "SECURE_HSTS_SECONDS": 31_536_000, "REQUIRE_2FA": True}


def test_it_serves_plain_http_for_the_demo_and_a_lan_install_that_says_so():
    for env in ({"DEBUG": "1"}, {"DEBUG": "0", "SECRET_KEY": SECRET, "MUTAKHIR_HTTPS": "0"}):
        values = settings_with(**env)
        assert not values["SECURE_SSL_REDIRECT"] and not values["SESSION_COOKIE_SECURE"]
        assert values["SECURE_HSTS_SECONDS"] == 0 and values["REQUIRE_2FA"]


def test_without_a_secret_key_a_command_that_signs_nothing_runs():
    result = run([sys.executable, "-m", "mutakhir", "nik", "check"], DEBUG="0", stdin="3201014501900001\n")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["nik"] == "3201014501900001"


@pytest.mark.parametrize("command", [["serve", "--no-worker", "--port", "1"], ["worker"]])
def test_without_a_secret_key_the_server_and_worker_say_in_one_line_what_to_set(command):
    result = run([sys.executable, "-m", "mutakhir", *command], DEBUG="0")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr, result.stderr  # (whitenoise may warn of a missing var/static first)
    assert result.stderr.splitlines()[-1].startswith("mutakhir: SECRET_KEY belum diatur: setel variabel lingkungan")


def test_without_a_secret_key_no_wsgi_server_can_load_the_app():
    result = run([sys.executable, "-c", "import mutakhir.config.wsgi"], DEBUG="0")
    assert result.returncode != 0 and "SECRET_KEY belum diatur" in result.stderr

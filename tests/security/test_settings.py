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


def run(args, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("MUTAKHIR_", "DEBUG", "SECRET_KEY", "DJANGO_"))}
    return subprocess.run(args, env={**base, "DJANGO_SETTINGS_MODULE": "mutakhir.config.settings", **env},
                          capture_output=True, text=True, timeout=120, check=False)


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


def test_it_refuses_to_start_without_a_secret_key_in_production():
    result = run([sys.executable, "-c", PROBE], DEBUG="0")
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr

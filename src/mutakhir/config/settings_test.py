"""Test settings: the normal settings with a fixed key, fast password hashing, plain http and no 2FA gate.

The test client speaks plain http, so HTTPS redirects are off here; tests/security checks the production
values. Most view tests log in with `force_login` as any role, so the second-factor requirement is off
here and tests/security/test_two_factor.py switches it on.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-key-not-secret")
os.environ.setdefault("MUTAKHIR_HTTPS", "0")

from mutakhir.config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
REQUIRE_2FA = False

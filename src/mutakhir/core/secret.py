"""SECRET_KEY: the one line that says what to set, and the check of the processes that cannot run without it.

Settings leave SECRET_KEY empty when it is not set (and DEBUG is off); Django raises ImproperlyConfigured
when something reads it (sessions, CSRF, keyed hashes). Commands that sign or hash nothing therefore run
without it; `mutakhir` turns the error into NO_KEY_MESSAGE (cli.py). The web server and the worker
check it at start (`require_secret_key`), so they never run half-configured.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Shown in a terminal before translations can be relied on: Indonesian, then English.
NO_KEY_MESSAGE = ("SECRET_KEY belum diatur: setel variabel lingkungan SECRET_KEY (mis. SECRET_KEY=$(python3 -c "
                  "'import secrets; print(secrets.token_urlsafe(50))')), atau DEBUG=1 hanya untuk demo. / "
                  "SECRET_KEY is not set: set the SECRET_KEY environment variable, or DEBUG=1 for the demo only.")


def require_secret_key() -> None:
    """Raise ImproperlyConfigured (with NO_KEY_MESSAGE) unless SECRET_KEY is set."""
    try:
        settings.SECRET_KEY  # noqa: B018  (Django checks it when it is read)
    except ImproperlyConfigured as exc:
        raise ImproperlyConfigured(NO_KEY_MESSAGE) from exc


def explain(exc: ImproperlyConfigured) -> str:
    """Return the one line to print for a configuration error: NO_KEY_MESSAGE for the secret key."""
    return NO_KEY_MESSAGE if "SECRET_KEY" in str(exc) else str(exc)

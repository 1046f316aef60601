"""WSGI entry point (served by `mutakhir serve`, or any WSGI server): refuses to load without SECRET_KEY."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutakhir.config.settings")
application = get_wsgi_application()

from mutakhir.core.secret import require_secret_key  # noqa: E402  (needs the settings loaded above)

require_secret_key()

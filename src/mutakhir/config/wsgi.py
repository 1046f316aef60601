"""WSGI entry point (served by `mutakhir serve`, or any WSGI server)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutakhir.config.settings")
application = get_wsgi_application()

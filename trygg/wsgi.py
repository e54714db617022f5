"""WSGI entry point for production servers (gunicorn via `trygg serve`, uWSGI, mod_wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygg.settings")
application = get_wsgi_application()

from trygg.web.checks import require_secret_key  # noqa: E402  (needs the settings loaded)

require_secret_key()

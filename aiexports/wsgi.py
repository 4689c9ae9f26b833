"""WSGI entry point (gunicorn aiexports.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aiexports.settings.base")
application = get_wsgi_application()

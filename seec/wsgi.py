"""WSGI entry point: `gunicorn seec.wsgi` in production."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seec.settings")
application = get_wsgi_application()

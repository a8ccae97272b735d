"""Settings follow the environment.

``DJANGO_SETTINGS_MODULE=finemanwest.settings`` (the default of manage.py, wsgi and celery) picks
``development`` unless ``DJANGO_DEBUG=false``, in which case it picks ``production``, which refuses to
start without its required variables. Tests use ``finemanwest.settings.test``.
"""

import environ

if environ.Env().bool("DJANGO_DEBUG", default=True):
    from .development import *  # noqa: F403
else:
    from .production import *  # noqa: F403

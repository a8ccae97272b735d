"""Settings of the Celery worker that the fault tests start: the test settings, with django-ses pointed at
the test's SES fake (FAULT_SES_ENDPOINT) and the beat schedule's reconcilers run every second."""

import os

from finemanwest.settings.test import *  # noqa: F403

EMAIL_BACKEND = "django_ses.SESBackend"
AWS_SES_REGION_NAME = "us-east-1"
AWS_SES_REGION_ENDPOINT_URL = os.environ["FAULT_SES_ENDPOINT"]
AWS_SES_REGION_ENDPOINT = AWS_SES_REGION_ENDPOINT_URL.split("://", 1)[1]
AWS_SES_ACCESS_KEY_ID = AWS_SES_SECRET_ACCESS_KEY = "testing"
AWS_SES_SESSION_TOKEN = AWS_SESSION_PROFILE = None
AWS_SES_CONFIGURATION_SET = "collections"
CELERY_TASK_ALWAYS_EAGER = False
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}  # noqa: F405

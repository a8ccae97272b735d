"""Production settings pass Django's deployment checks and refuse to start half-configured."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "Zq3v8KpL2mX9wR7tY4uN6bH1cJ5dF0gS8aE2iO7pU3lK9zXcVbNm4QwE6rT1yU",
    "ALLOWED_HOSTS": "collections.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://collections.example.com",
    "DATABASE_URL": "postgres://finemanwest@db.internal:5432/finemanwest",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "AWS_SES_REGION_NAME": "eu-west-1",
    "DEFAULT_FROM_EMAIL": "Collections <ar@example.com>",
}


def _manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(  # noqa: S603  (our own interpreter and manage.py)
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "missing",
    ["DJANGO_SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "AWS_SES_REGION_NAME", "DEFAULT_FROM_EMAIL"],
)
def test_production_refuses_to_start_and_names_the_missing_variable(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr.splitlines()[-1]


def test_production_refuses_sqlite():
    result = _manage("check", env={**PRODUCTION_ENV, "DATABASE_URL": "sqlite:///tmp/prod.sqlite3"})
    assert result.returncode != 0
    assert "DATABASE_URL must point at PostgreSQL" in result.stderr


def test_without_any_configuration_the_embedded_mode_starts():
    result = _manage("check", env={})
    assert result.returncode == 0, result.stderr


def test_default_claude_model_is_a_current_sonnet_the_sdk_does_not_deprecate():
    from anthropic._data.deprecated_models import DEPRECATED_MODELS
    from anthropic.types.model import Model

    known_models = Model.__args__[0].__args__
    assert settings.ANTHROPIC_MODEL in known_models
    assert "sonnet" in settings.ANTHROPIC_MODEL
    assert settings.ANTHROPIC_MODEL not in DEPRECATED_MODELS

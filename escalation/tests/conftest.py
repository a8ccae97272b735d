"""Fixtures of the escalation tests."""

import pytest

from escalation.tests.writers import honest_writer


@pytest.fixture
def claude(settings, fake_anthropic):
    """Claude mode, the SDK pointed at the contract-keeping fake, answered by a well-behaved writer."""
    settings.ANTHROPIC_API_KEY = "test-key"
    settings.AI_MODE = "claude"
    settings.ANTHROPIC_BASE_URL = fake_anthropic.base_url
    settings.ANTHROPIC_MAX_RETRIES = 2
    settings.ANTHROPIC_TIMEOUT_SECONDS = 2
    settings.ANTHROPIC_MODEL = "claude-sonnet-5-5"
    fake_anthropic.json_responder = honest_writer
    return fake_anthropic

import pytest

from devtools.ses_inbound import INBOUND_TOPIC_ARN


@pytest.fixture
def inbound(sns, settings):
    """The inbound webhook verifying devtools' signed notifications; replies go to replies.riverbend.example."""
    settings.INBOUND_DOMAIN = "replies.riverbend.example"
    settings.AWS_SNS_INBOUND_TRUSTED_TOPIC_ARNS = [INBOUND_TOPIC_ARN]
    return sns


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")

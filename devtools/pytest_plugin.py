"""Pytest fixtures for the fakes in ``devtools``. Register with ``pytest_plugins = ["devtools.pytest_plugin"]``.

``fake_anthropic`` is function-scoped: every test gets its own server on a fresh port. Starting and stopping one
costs about 10 ms, and a fresh server is the simplest way to guarantee isolation: a ``Fault.hang`` or ``Fault.delay``
still sleeping when a test ends is cut short when that test's server stops instead of lingering into the next test,
and no keep-alive connection, queued fault, recorded request, prompt-cache entry or replaced responder can leak
between tests.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devtools.fake_anthropic import FakeAnthropic


@pytest.fixture
def fake_anthropic() -> Iterator[FakeAnthropic]:
    """A running :class:`~devtools.fake_anthropic.FakeAnthropic`; point the SDK at ``fake_anthropic.base_url``.

    It enforces each model's documented rules (a forced ``tool_choice`` on Sonnet 5.5 is a 400) and each model's
    minimum cacheable prompt; batches stay ``in_progress`` until ``fake_anthropic.batches_complete()``. For a test
    that needs another setup, start one yourself: ``with FakeAnthropic(min_cacheable_tokens=0, ...) as fake:``.
    """
    with FakeAnthropic() as fake:
        yield fake


# ----------------------------------------------------------------------------------------------- SES and SNS fakes
# moto, boto3 and django-ses are imported inside the fixtures, so collecting tests that don't use them stays fast.
from typing import TYPE_CHECKING  # noqa: E402

if TYPE_CHECKING:
    from devtools.fake_ses import FakeSES
    from devtools.sns_events import CertificateServer


@pytest.fixture
def fake_ses(settings) -> Iterator[FakeSES]:
    """A running :class:`~devtools.fake_ses.FakeSES` (moto behind a fault-injecting proxy) with django-ses pointed at
    it through pytest-django's ``settings`` (``EMAIL_BACKEND = "django_ses.SESBackend"``, ``AWS_SES_*``; restored
    after the test). botocore's retries are left at their defaults, as in production; for one attempt per send call
    ``fake_ses.apply(settings, max_attempts=1)`` in the test."""
    from devtools.fake_ses import FakeSES

    with FakeSES() as fake:
        fake.apply(settings)
        yield fake


@pytest.fixture
def sns(settings, monkeypatch) -> Iterator[CertificateServer]:
    """Make django-ses's SNS webhook accept :mod:`devtools.sns_events` notifications with signature checks on.

    Yields the process-wide :class:`~devtools.sns_events.CertificateServer` (the HTTPS server on 127.0.0.1 that serves
    the signing certificate; ``sns.requests`` lists what was fetched during the test). Sets ``sns_settings()`` through
    ``settings`` and ``REQUESTS_CA_BUNDLE`` through ``monkeypatch``, and empties django-ses's certificate cache before
    and after the test, so each test downloads (and checks) the certificate again.
    """
    from django_ses.utils import clear_cert_cache

    from devtools import sns_events

    server = sns_events.certificate_server()
    server.clear_requests()
    for name, value in sns_events.sns_environ(server).items():
        monkeypatch.setenv(name, value)
    for name, value in sns_events.sns_settings(server).items():
        setattr(settings, name, value)
    clear_cert_cache()
    yield server
    clear_cert_cache()

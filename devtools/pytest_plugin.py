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
    """A running :class:`~devtools.fake_anthropic.FakeAnthropic`; point the SDK at ``fake_anthropic.base_url``."""
    with FakeAnthropic() as fake:
        yield fake

"""The one place that talks to the Anthropic API (through the official SDK).

Timeouts and retries with backoff on 429/5xx/overload are the SDK's (max_retries); what is still failing
after them is a WriterUnavailable, which the Celery task retries later. Output that is not the forced tool
call with a string subject and body is a WriterOutputError, which the caller feeds back once.
"""

import time
from dataclasses import dataclass
from decimal import Decimal

import anthropic
from django.conf import settings

from .limiter import NoWriterSlot, writer_slot
from .prompt import EMAIL_TOOL

# USD per million tokens: input, output, cache write, cache read (Anthropic's list prices for the family).
PRICES = {
    "opus": (Decimal("15"), Decimal("75"), Decimal("18.75"), Decimal("1.50")),
    "sonnet": (Decimal("3"), Decimal("15"), Decimal("3.75"), Decimal("0.30")),
    "haiku": (Decimal("1"), Decimal("5"), Decimal("1.25"), Decimal("0.10")),
}


class WriterUnavailable(Exception):
    """The API could not be reached or kept failing; try again later."""


class WriterOutputError(Exception):
    """The API answered, but not with a usable email."""


@dataclass(frozen=True)
class WriterResult:
    subject: str
    body: str
    model: str
    input_tokens: int
    output_tokens: int
    cache_creation_tokens: int
    cache_read_tokens: int
    latency_ms: int

    @property
    def cost_usd(self) -> Decimal:
        family = next((name for name in PRICES if name in self.model), "sonnet")
        rate_in, rate_out, rate_write, rate_read = PRICES[family]
        total = (
            self.input_tokens * rate_in
            + self.output_tokens * rate_out
            + self.cache_creation_tokens * rate_write
            + self.cache_read_tokens * rate_read
        )
        return (total / Decimal(1_000_000)).quantize(Decimal("0.000001"))


_clients: dict[tuple, anthropic.Anthropic] = {}


def _client() -> anthropic.Anthropic:
    """One client per configuration and process: it keeps its HTTP connections open between drafts."""
    config = (settings.ANTHROPIC_API_KEY, settings.ANTHROPIC_BASE_URL or None, settings.ANTHROPIC_TIMEOUT_SECONDS,
              settings.ANTHROPIC_MAX_RETRIES)  # fmt: skip
    if config not in _clients:
        api_key, base_url, timeout, max_retries = config
        _clients[config] = anthropic.Anthropic(
            api_key=api_key, base_url=base_url, timeout=timeout, max_retries=max_retries
        )
    return _clients[config]


def claude_write(*, system: str, user: str, model: str | None = None) -> WriterResult:
    model = model or settings.ANTHROPIC_MODEL
    started = time.monotonic()
    try:
        with writer_slot():
            response = _client().messages.create(
                model=model,
                max_tokens=settings.ANTHROPIC_MAX_TOKENS,
                # The system prompt is the same for every draft of a template version: cache it.
                system=[{"type": "text", "text": system, "cache_control": {"type": "ephemeral"}}],
                messages=[{"role": "user", "content": user}],
                tools=[EMAIL_TOOL],
                tool_choice={"type": "tool", "name": EMAIL_TOOL["name"]},
            )
    except NoWriterSlot as exc:
        raise WriterUnavailable(str(exc)) from exc
    except (anthropic.APITimeoutError, anthropic.APIConnectionError, anthropic.RateLimitError,
            anthropic.InternalServerError) as exc:  # fmt: skip
        raise WriterUnavailable(f"{type(exc).__name__}: {exc}") from exc
    except anthropic.APIStatusError as exc:
        if exc.status_code >= 500:
            raise WriterUnavailable(f"HTTP {exc.status_code}") from exc
        raise WriterOutputError(f"the API refused the request: HTTP {exc.status_code}") from exc
    except anthropic.APIResponseValidationError as exc:
        raise WriterOutputError("the API answer could not be read") from exc
    except ValueError as exc:  # a body that is not JSON
        raise WriterOutputError(f"the API answer could not be read: {exc}") from exc
    latency_ms = int((time.monotonic() - started) * 1000)
    if not hasattr(response, "content"):  # the SDK hands back a bare string for a non-JSON answer
        raise WriterOutputError("the API answer was not a message")

    tool_calls = [block for block in response.content if block.type == "tool_use"]
    if not tool_calls:
        raise WriterOutputError("the answer did not call write_collection_email")
    payload = tool_calls[0].input if isinstance(tool_calls[0].input, dict) else {}
    subject, body = payload.get("subject"), payload.get("body")
    if not isinstance(subject, str) or not isinstance(body, str) or not subject.strip() or not body.strip():
        raise WriterOutputError("the tool call must have a non-empty string subject and body")
    usage = response.usage
    return WriterResult(
        subject=subject.strip(),
        body=body.strip(),
        model=response.model or model,
        input_tokens=usage.input_tokens or 0,
        output_tokens=usage.output_tokens or 0,
        cache_creation_tokens=getattr(usage, "cache_creation_input_tokens", 0) or 0,
        cache_read_tokens=getattr(usage, "cache_read_input_tokens", 0) or 0,
        latency_ms=latency_ms,
    )

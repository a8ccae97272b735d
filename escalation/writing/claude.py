"""The one place that talks to the Anthropic API (through the official SDK): single messages and message batches.

The request is the one each model accepts (``model_profiles``): structured output (``output_config.format``, a JSON
schema) instead of a forced tool, which Claude Sonnet 5.5 and Opus 5.5 refuse; the least thinking the model allows
and low effort. The answer's ``thinking`` blocks are skipped: only its text block is read, as JSON.

Timeouts and retries with backoff on 429/5xx/overload are the SDK's (max_retries); what is still failing after them
is a WriterUnavailable, which the Celery task retries later. An answer that is not the JSON asked for, or a request
the API refuses (a 4xx), is a WriterOutputError: the caller feeds it back once, then falls back to the template.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import anthropic
from django.conf import settings

from finemanwest.metrics import external_call

from .limiter import NoWriterSlot, writer_slot
from .model_profiles import model_profile
from .prompt import output_format


class WriterUnavailable(Exception):
    """The API could not be reached or kept failing; try again later."""


class WriterOutputError(Exception):
    """The API answered, but not with a usable email (or refused the request)."""


@dataclass(frozen=True)
class WriterResult:
    answer: dict  # the JSON the model returned (EmailParts fields), not yet checked
    model: str
    input_tokens: int
    output_tokens: int
    cache_creation_tokens: int
    cache_read_tokens: int
    latency_ms: int
    batch: bool = False

    @property
    def cost_usd(self) -> Decimal:
        return model_profile(self.model).cost_usd(
            input_tokens=self.input_tokens, output_tokens=self.output_tokens,
            cache_creation_tokens=self.cache_creation_tokens, cache_read_tokens=self.cache_read_tokens,
            batch=self.batch,
        )  # fmt: skip


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


def message_params(*, system: list[dict], user: str, model: str, output: dict | None = None) -> dict:
    """The Messages API parameters of one draft (the same for a single call and a batch request); ``output``:
    another structured-output format than the email's (the reading of a reply)."""
    options = model_profile(model).request_options()
    output_config = {**options.pop("output_config", {}), "format": output or output_format()}
    return {
        "model": model,
        "system": system,
        "messages": [{"role": "user", "content": user}],
        "output_config": output_config,
        **options,
    }


def _result(message, *, model: str, latency_ms: int, batch: bool = False) -> WriterResult:
    if not hasattr(message, "content"):  # the SDK hands back a bare string for a non-JSON answer
        raise WriterOutputError("the API answer was not a message")
    if getattr(message, "stop_reason", None) == "max_tokens":
        raise WriterOutputError("the answer was cut off at max_tokens")
    if getattr(message, "stop_reason", None) == "refusal":
        raise WriterOutputError("the model declined to write this email")
    # Thinking blocks (adaptive thinking) come first and carry no answer: read the text blocks only.
    text = "".join(block.text for block in message.content if getattr(block, "type", "") == "text")
    try:
        answer = json.loads(text)
    except ValueError as exc:
        raise WriterOutputError("the answer was not the JSON object asked for") from exc
    if not isinstance(answer, dict):
        raise WriterOutputError("the answer was not a JSON object")
    usage = message.usage
    return WriterResult(
        answer=answer,
        model=getattr(message, "model", None) or model,
        input_tokens=usage.input_tokens or 0,
        output_tokens=usage.output_tokens or 0,
        cache_creation_tokens=getattr(usage, "cache_creation_input_tokens", 0) or 0,
        cache_read_tokens=getattr(usage, "cache_read_input_tokens", 0) or 0,
        latency_ms=latency_ms,
        batch=batch,
    )


def claude_write(*, system: list[dict], user: str, model: str | None = None) -> WriterResult:
    return _create(system=system, user=user, model=model or settings.ANTHROPIC_MODEL, output=None)


def claude_read(*, system: list[dict], user: str, schema: dict, model: str | None = None) -> WriterResult:
    """Read a text we were given (a customer's reply) into the JSON ``schema``: the same request, limits and errors
    as an email's, with another structured output. The answer is a proposal: the caller validates it."""
    output = {"type": "json_schema", "schema": schema}
    return _create(system=system, user=user, model=model or settings.ANTHROPIC_MODEL, output=output)


def _create(*, system: list[dict], user: str, model: str, output: dict | None) -> WriterResult:
    started = time.monotonic()
    try:
        with writer_slot(), external_call("claude", "messages"):
            message = _client().messages.create(**message_params(system=system, user=user, model=model,
                                                                 output=output))  # fmt: skip
    except NoWriterSlot as exc:
        raise WriterUnavailable(str(exc)) from exc
    except (anthropic.APITimeoutError, anthropic.APIConnectionError, anthropic.RateLimitError,
            anthropic.InternalServerError) as exc:  # fmt: skip
        raise WriterUnavailable(f"{type(exc).__name__}: {exc}") from exc
    except anthropic.APIStatusError as exc:
        if exc.status_code >= 500:
            raise WriterUnavailable(f"HTTP {exc.status_code}") from exc
        raise WriterOutputError(f"the API refused the request: HTTP {exc.status_code}: {_error_message(exc)}") from exc
    except anthropic.APIResponseValidationError as exc:
        raise WriterOutputError("the API answer could not be read") from exc
    except ValueError as exc:  # a body that is not JSON
        raise WriterOutputError(f"the API answer could not be read: {exc}") from exc
    return _result(message, model=model, latency_ms=int((time.monotonic() - started) * 1000))


def _error_message(exc: anthropic.APIStatusError) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error") if isinstance(body.get("error"), dict) else {}
    return str(error.get("message") or exc.message)[:300]


# --- message batches ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchOutcome:
    custom_id: str
    result: WriterResult | None  # None: the request did not succeed (see ``problem``)
    problem: str = ""  # "errored: ...", "expired", "canceled", or why the answer was unusable


def claude_batch_submit(*, requests: list[tuple[str, dict]]) -> str:
    """Submit ``(custom_id, params)`` pairs as one Message Batch; its id. WriterUnavailable when it cannot."""
    try:
        with external_call("claude", "batches"):
            batch = _client().messages.batches.create(
                requests=[{"custom_id": custom_id, "params": params} for custom_id, params in requests]
            )
    except (anthropic.APIConnectionError, anthropic.RateLimitError, anthropic.InternalServerError) as exc:
        raise WriterUnavailable(f"{type(exc).__name__}: {exc}") from exc
    except anthropic.APIStatusError as exc:
        raise WriterUnavailable(f"the batch was refused: HTTP {exc.status_code}: {_error_message(exc)}") from exc
    return batch.id


def claude_batch_status(*, batch_id: str) -> str:
    """``in_progress``, ``canceling`` or ``ended``."""
    try:
        return _client().messages.batches.retrieve(batch_id).processing_status
    except anthropic.APIError as exc:
        raise WriterUnavailable(f"{type(exc).__name__}: {exc}") from exc


def claude_batch_results(*, batch_id: str, model: str) -> Iterator[BatchOutcome]:
    """The outcome of every request of an ended batch (in no particular order: match by custom_id)."""
    try:
        results = _client().messages.batches.results(batch_id)
    except anthropic.APIError as exc:
        raise WriterUnavailable(f"{type(exc).__name__}: {exc}") from exc
    for entry in results:
        kind = entry.result.type
        if kind != "succeeded":
            detail = ""
            if kind == "errored":
                error = getattr(entry.result, "error", None)
                inner = getattr(error, "error", None)
                detail = f": {getattr(inner, 'message', '') or getattr(inner, 'type', '')}"
            yield BatchOutcome(entry.custom_id, None, f"{kind}{detail}")
            continue
        try:
            yield BatchOutcome(entry.custom_id, _result(entry.result.message, model=model, latency_ms=0, batch=True))
        except WriterOutputError as exc:
            yield BatchOutcome(entry.custom_id, None, str(exc))

"""A local fake of the Anthropic API that keeps the real contract, for testing code that uses the real ``anthropic``
SDK offline.

Start it on 127.0.0.1 (a free port) and point the SDK at it::

    with FakeAnthropic() as fake:
        client = anthropic.Anthropic(api_key="test-key", base_url=fake.base_url, max_retries=0, timeout=2)
        fake.enqueue(Fault.status(429, retry_after=1))  # the next request is rate limited
        message = client.messages.create(...)
        assert fake.requests[-1].body["model"] == "claude-sonnet-5-5"

What it checks, per model (``models.MODELS``, each rule citing its documentation page): the model exists (else a
404 ``not_found_error``), ``max_tokens`` within the model's limit, sampling parameters, ``thinking`` types and their
effort limits, ``output_config.effort``, forced ``tool_choice``, assistant prefill, the structured-output JSON schema,
at most 4 cache breakpoints. Every refusal has the real shape ``{"type": "error", "error": {"type", "message"},
"request_id"}`` and a ``request-id`` header.

Endpoints:

* ``POST /v1/messages`` - non-streaming. Adaptive thinking, when on, puts a ``thinking`` block (empty text, a
  signature) before the answer. The answer is: for ``output_config.format`` a ``text`` block holding JSON from
  ``fake.json_responder(request_json, schema)`` (checked against the schema); for a forced tool (models that accept
  one, with thinking off) a ``tool_use`` block from ``fake.responder(request_json)``; else ``text`` from
  ``fake.text_responder(request_json)``.
* ``POST /v1/messages/count_tokens`` - ``{"input_tokens": N}``, with the same model checks.
* ``/v1/messages/batches`` - create, list, retrieve, results (JSONL), cancel, delete; see :mod:`.batches`.
* Anything else - 404 in Anthropic's error shape.

Credentials: the installed SDK sends ``api_key`` as ``Authorization: Bearer <key>``; the documented HTTP API uses
``x-api-key``. Both are accepted; neither is a 401 ``authentication_error``.

Prompt caching and token estimates: see :mod:`.caching` (the model's minimum cacheable prompt is enforced unless
``min_cacheable_tokens`` overrides it; ``fake.advance_clock(301)`` expires 5-minute entries).

Faults: ``fake.enqueue(Fault.status(529), Fault.hang(), ...)`` - each ``POST /v1/messages`` consumes the next queued
fault, in order. Transport and status faults (``status``, ``hang``, ``drop_connection``, ``malformed_json``,
``json_response``) act before the request is validated; content faults (``delay``, ``text_instead_of_tool``,
``tool_input``) answer a valid request, so a request that fails validation still consumes them. ``count_tokens`` and
batch requests do not consume faults; a batch request is failed with ``fake.fail_batch_request(custom_id, kind)``.
"""

from .caching import CHARS_PER_TOKEN, estimate_tokens
from .fake import THINKING_TOKENS, FakeAnthropic
from .faults import ERROR_TYPES, Fault
from .models import MODELS, ModelRules, cost_usd
from .records import RecordedRequest, RequestLog
from .responders import collection_email_responder, default_text_responder, minimal_json_responder
from .rules import FORCED_TOOL_MESSAGE, ApiError
from .schema import SchemaError, check_schema, instance_problem, minimal_instance
from .server import BATCHES_PATH, COUNT_TOKENS_PATH, MESSAGES_PATH

__all__ = [
    "BATCHES_PATH",
    "CHARS_PER_TOKEN",
    "COUNT_TOKENS_PATH",
    "ERROR_TYPES",
    "FORCED_TOOL_MESSAGE",
    "MESSAGES_PATH",
    "MODELS",
    "THINKING_TOKENS",
    "ApiError",
    "FakeAnthropic",
    "Fault",
    "ModelRules",
    "RecordedRequest",
    "RequestLog",
    "SchemaError",
    "check_schema",
    "collection_email_responder",
    "cost_usd",
    "default_text_responder",
    "estimate_tokens",
    "instance_problem",
    "minimal_instance",
    "minimal_json_responder",
]

"""The Anthropic fake's transport, faults, request log and forced-tool responder, exercised through the real
``anthropic`` SDK (no network, no database). The per-model rules, structured outputs, caching and batches have their
own test files."""

from __future__ import annotations

import http.client
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import anthropic
import pytest
from anthropic.types import TextBlock, ToolUseBlock

from devtools.fake_anthropic import FakeAnthropic, Fault, collection_email_responder

MODEL = "claude-sonnet-5-5"
# Forced tool use needs a model that accepts it (Sonnet 5.5 and Opus 5.5 refuse it) with thinking off.
TOOL_MODEL = "claude-haiku-5-5"
TOOL = {
    "name": "write_collection_email",
    "description": "Write a polite collection email from the facts.",
    "input_schema": {
        "type": "object",
        "properties": {"subject": {"type": "string"}, "body": {"type": "string"}},
        "required": ["subject", "body"],
    },
}
FACTS = {
    "account": {"name": "Riverbend Office Supply", "client_id": "C-104"},
    "currency": "USD",
    "total_due": "1734.50",
    "invoices": [
        {"invoice_no": "INV-1001", "outstanding": "1200.00", "due_date": "2025-01-31", "days_overdue": 45},
        {"invoice_no": "INV-1002", "outstanding": "534.50", "due_date": "2025-02-28", "days_overdue": 17},
    ],
}
SYSTEM = [
    {
        "type": "text",
        # Long enough (about 600 estimated tokens) to pass Haiku 5.5's 512-token minimum cacheable prompt.
        "text": "You write short, polite accounts-receivable collection emails. Never invent amounts. " * 25,
        "cache_control": {"type": "ephemeral"},
    }
]


def make_client(fake: FakeAnthropic, **options) -> anthropic.Anthropic:
    return anthropic.Anthropic(
        api_key="test-key", base_url=fake.base_url, **{"max_retries": 0, "timeout": 5.0, **options}
    )


def create_email(client: anthropic.Anthropic, *, system=SYSTEM, tool_name=TOOL["name"], **extra):
    return client.messages.create(
        model=TOOL_MODEL,
        max_tokens=1024,
        thinking={"type": "disabled"},
        system=system,
        messages=[{"role": "user", "content": [{"type": "text", "text": json.dumps(FACTS)}]}],
        tools=[TOOL],
        tool_choice={"type": "tool", "name": tool_name},
        **extra,
    )


def raw_post(fake: FakeAnthropic, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", fake.port, timeout=5)
    try:
        connection.request("POST", path, body=body, headers={"content-type": "application/json", **headers})
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def fake_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name.startswith("FakeAnthropic")]


# ------------------------------------------------------------------------------------------------- normal answers


def test_a_forced_tool_is_answered_with_a_collection_email_naming_the_invoices(fake_anthropic):
    with make_client(fake_anthropic) as client:
        message = create_email(client)

    assert message.type == "message"
    assert message.role == "assistant"
    assert message.model == TOOL_MODEL
    assert message.id.startswith("msg_")
    assert message.stop_reason == "tool_use"
    assert message.stop_sequence is None
    [block] = message.content
    assert isinstance(block, ToolUseBlock)
    assert block.name == "write_collection_email"
    assert block.id.startswith("toolu_")
    assert set(block.input) == {"subject", "body"}
    assert "Riverbend Office Supply" in block.input["subject"]
    body = block.input["body"]
    assert "Riverbend Office Supply" in body
    assert "USD 1,734.50" in body
    assert "INV-1001" in body
    assert "INV-1002" in body
    assert message.usage.input_tokens > 0
    assert message.usage.output_tokens > 0


def test_the_default_responder_tolerates_other_shapes_of_facts():
    prose_then_facts = {
        "messages": [
            {"role": "user", "content": "an earlier turn"},
            {"role": "assistant", "content": "ok"},
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "Write the email. Facts follow."},
                    {
                        "type": "text",
                        "text": 'Facts: {"account_name": "Harlow Industrial", "currency_code": "EUR", '
                        '"open_invoices": [{"number": "7781", "total_outstanding": "1,000.00"}, '
                        '{"invoice_number": "7782", "amount_due": 25}]}',
                    },
                ],
            },
        ],
        "tools": [{**TOOL, "input_schema": {**TOOL["input_schema"], "required": ["subject", "body", "tone"]}}],
        "tool_choice": {"type": "tool", "name": TOOL["name"]},
    }

    email = collection_email_responder(prose_then_facts)

    assert "Harlow Industrial" in email["body"]
    assert "EUR 1,025.00" in email["body"]  # no total given: the invoices are summed
    assert "7781" in email["body"]
    assert "7782" in email["body"]
    assert email["tone"] == ""  # a required property it doesn't know is filled with an empty value
    assert collection_email_responder({"messages": [{"role": "user", "content": "not json"}]})["body"]


def test_a_request_without_tools_is_answered_with_text_after_a_thinking_block(fake_anthropic):
    with make_client(fake_anthropic) as client:
        message = client.messages.create(model=MODEL, max_tokens=100, messages=[{"role": "user", "content": "Hello"}])

    thinking, block = message.content  # adaptive thinking is on by default on Sonnet 5.5
    assert thinking.type == "thinking"
    assert isinstance(block, TextBlock)
    assert block.text
    assert message.stop_reason == "end_turn"


def test_the_responders_can_be_replaced_and_reset_restores_them(fake_anthropic):
    fake_anthropic.responder = lambda request: {"subject": "Custom", "body": f"for {request['model']}"}
    with make_client(fake_anthropic) as client:
        assert create_email(client).content[0].input == {"subject": "Custom", "body": f"for {TOOL_MODEL}"}
        fake_anthropic.reset()
        assert "INV-1001" in create_email(client).content[0].input["body"]


def test_a_responder_that_raises_is_a_500_the_sdk_does_not_retry(fake_anthropic):
    def broken(request):
        raise KeyError("facts")

    fake_anthropic.responder = broken
    with make_client(fake_anthropic, max_retries=2) as client, pytest.raises(anthropic.InternalServerError) as error:
        create_email(client)

    assert "KeyError" in str(error.value)
    assert len(fake_anthropic.requests) == 1  # x-should-retry: false
    assert isinstance(fake_anthropic.responder_errors[0], KeyError)


def test_prompt_caching_creates_then_reads_the_cached_system_prompt(fake_anthropic):
    with make_client(fake_anthropic) as client:
        first = create_email(client)
        second = create_email(client)
        other_system = create_email(client, system=[{**SYSTEM[0], "text": "A different system prompt. " * 80}])
        uncached = create_email(client, system=SYSTEM[0]["text"])

    assert first.usage.cache_creation_input_tokens > 0
    assert first.usage.cache_read_input_tokens == 0
    assert second.usage.cache_creation_input_tokens == 0
    assert second.usage.cache_read_input_tokens == first.usage.cache_creation_input_tokens
    assert second.usage.input_tokens == first.usage.input_tokens
    assert other_system.usage.cache_creation_input_tokens > 0
    assert other_system.usage.cache_read_input_tokens == 0
    assert uncached.usage.cache_creation_input_tokens == 0
    assert uncached.usage.cache_read_input_tokens == 0


def test_the_request_the_sdk_sent_is_recorded(fake_anthropic):
    with make_client(fake_anthropic) as client:
        create_email(client)

    [request] = fake_anthropic.requests
    assert request.method == "POST"
    assert request.path == "/v1/messages"
    assert request.body["model"] == TOOL_MODEL
    assert request.body["max_tokens"] == 1024
    assert request.body["system"] == SYSTEM
    assert request.body["system"][0]["cache_control"] == {"type": "ephemeral"}
    assert request.body["tool_choice"] == {"type": "tool", "name": "write_collection_email"}
    assert request.body["tools"] == [TOOL]
    assert json.loads(request.body["messages"][0]["content"][0]["text"]) == FACTS
    # anthropic 2.14 sends the API key as a bearer token, not as x-api-key; the fake accepts both.
    assert request.headers["authorization"] == "Bearer test-key"
    assert request.headers["anthropic-version"]
    assert fake_anthropic.message_requests == [request]


def test_requests_from_many_threads_are_all_recorded(fake_anthropic):
    with make_client(fake_anthropic) as client, ThreadPoolExecutor(max_workers=8) as pool:
        messages = list(pool.map(lambda _: create_email(client), range(16)))

    assert len(fake_anthropic.requests) == 16
    assert len({message.id for message in messages}) == 16


def test_count_tokens(fake_anthropic):
    with make_client(fake_anthropic) as client:
        count = client.messages.count_tokens(model=MODEL, messages=[{"role": "user", "content": "Hello there"}])

    assert count.input_tokens > 0
    assert fake_anthropic.requests[0].path == "/v1/messages/count_tokens"


# ----------------------------------------------------------------------------------------- what a real API checks


def test_a_missing_api_key_is_an_authentication_error(fake_anthropic):
    with make_client(fake_anthropic) as client, pytest.raises(anthropic.AuthenticationError) as error:
        create_email(client, extra_headers={"Authorization": anthropic.omit})

    assert error.value.status_code == 401
    assert error.value.body == {
        "type": "error",
        "error": {"type": "authentication_error", "message": "x-api-key header is required"},
        "request_id": error.value.response.headers["request-id"],
    }
    assert error.value.request_id.startswith("req_")


def test_an_x_api_key_header_is_accepted_too(fake_anthropic):
    with make_client(fake_anthropic) as client:
        message = create_email(client, extra_headers={"Authorization": anthropic.omit, "x-api-key": "test-key"})

    assert message.stop_reason == "tool_use"
    assert "authorization" not in fake_anthropic.requests[0].headers


def test_a_missing_anthropic_version_is_a_bad_request(fake_anthropic):
    with make_client(fake_anthropic) as client, pytest.raises(anthropic.BadRequestError) as error:
        create_email(client, extra_headers={"anthropic-version": anthropic.omit})

    assert error.value.type == "invalid_request_error"


@pytest.mark.parametrize("missing", ["model", "max_tokens", "messages"])
def test_a_missing_required_field_is_a_400_in_anthropics_error_shape(fake_anthropic, missing):
    body = {"model": MODEL, "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]}
    del body[missing]

    status, payload = raw_post(
        fake_anthropic,
        "/v1/messages",
        json.dumps(body).encode(),
        {"x-api-key": "test-key", "anthropic-version": "2023-06-01"},
    )

    assert status == 400
    assert payload["type"] == "error"
    assert payload["error"]["type"] == "invalid_request_error"
    assert missing in payload["error"]["message"]


def test_forcing_a_tool_that_is_not_offered_is_a_bad_request(fake_anthropic):
    with make_client(fake_anthropic) as client, pytest.raises(anthropic.BadRequestError):
        create_email(client, tool_name="no_such_tool")


def test_an_unknown_endpoint_is_a_404_in_anthropics_error_shape(fake_anthropic):
    with make_client(fake_anthropic) as client, pytest.raises(anthropic.NotFoundError) as error:
        client.models.list()

    assert error.value.body["type"] == "error"
    assert error.value.body["error"]["type"] == "not_found_error"


# ---------------------------------------------------------------------------------------------------------- faults


def test_a_429_then_success_is_retried_by_the_sdk_after_retry_after(fake_anthropic):
    fake_anthropic.enqueue(Fault.status(429, retry_after=1))

    started = time.monotonic()
    with make_client(fake_anthropic, max_retries=2) as client:
        message = create_email(client)

    assert time.monotonic() - started >= 0.9  # the SDK honoured retry-after
    assert message.stop_reason == "tool_use"
    assert len(fake_anthropic.requests) == 2
    assert [r.headers["x-stainless-retry-count"] for r in fake_anthropic.requests] == ["0", "1"]
    assert fake_anthropic.pending_faults == []


def test_a_429_without_retries_raises_rate_limit_error(fake_anthropic):
    fake_anthropic.enqueue(Fault.status(429, retry_after=1))

    with make_client(fake_anthropic, max_retries=0) as client, pytest.raises(anthropic.RateLimitError) as error:
        create_email(client)

    assert error.value.status_code == 429
    assert error.value.type == "rate_limit_error"
    assert error.value.response.headers["retry-after"] == "1"
    assert len(fake_anthropic.requests) == 1


def test_a_500_without_retries_raises_internal_server_error(fake_anthropic):
    fake_anthropic.enqueue(Fault.status(500))

    with make_client(fake_anthropic, max_retries=0) as client, pytest.raises(anthropic.InternalServerError) as error:
        create_email(client)

    assert error.value.status_code == 500
    assert error.value.body["error"]["type"] == "api_error"


def test_a_529_raises_overloaded_error(fake_anthropic):
    fake_anthropic.enqueue(Fault.status(529))

    with make_client(fake_anthropic) as client, pytest.raises(anthropic.OverloadedError) as error:
        create_email(client)

    assert isinstance(error.value, anthropic.InternalServerError)
    assert error.value.type == "overloaded_error"


def test_a_400_fault_is_not_retried(fake_anthropic):
    fake_anthropic.enqueue(Fault.status(400))

    with make_client(fake_anthropic, max_retries=2) as client, pytest.raises(anthropic.BadRequestError) as error:
        create_email(client)

    assert error.value.type == "invalid_request_error"
    assert len(fake_anthropic.requests) == 1


def test_faults_are_consumed_one_per_request_in_order(fake_anthropic):
    fake_anthropic.enqueue(Fault.status(529, retry_after=0.01), Fault.status(500, retry_after=0.01))

    with make_client(fake_anthropic, max_retries=2) as client:
        message = create_email(client)

    assert message.stop_reason == "tool_use"
    assert len(fake_anthropic.requests) == 3
    assert fake_anthropic.pending_faults == []


def test_a_hang_makes_a_short_timeout_raise_api_timeout_error_quickly(fake_anthropic):
    fake_anthropic.enqueue(Fault.hang(seconds=30))

    started = time.monotonic()
    with make_client(fake_anthropic, timeout=0.5, max_retries=0) as client, pytest.raises(anthropic.APITimeoutError):
        create_email(client)

    assert time.monotonic() - started < 3
    assert len(fake_anthropic.requests) == 1


def test_a_delay_answers_normally_after_the_latency(fake_anthropic):
    fake_anthropic.enqueue(Fault.delay(0.3))

    started = time.monotonic()
    with make_client(fake_anthropic) as client:
        message = create_email(client)

    assert time.monotonic() - started >= 0.25
    assert message.stop_reason == "tool_use"


def test_malformed_json_raises_a_json_decode_error_not_an_api_error(fake_anthropic):
    # Measured: the SDK parses a 2xx application/json body with json.loads and lets the error through unwrapped,
    # so callers must catch ValueError (json.JSONDecodeError) besides anthropic.APIError.
    fake_anthropic.enqueue(Fault.malformed_json())

    with make_client(fake_anthropic, max_retries=2) as client, pytest.raises(json.JSONDecodeError) as error:
        create_email(client)

    assert not isinstance(error.value, anthropic.APIError)
    assert len(fake_anthropic.requests) == 1  # not retried


def test_a_non_json_content_type_makes_the_sdk_return_a_str(fake_anthropic):
    # Measured: with a non-JSON content type the SDK returns the body text instead of a Message.
    fake_anthropic.enqueue(Fault.malformed_json(b"<html>Bad gateway</html>", content_type="text/html"))

    with make_client(fake_anthropic) as client:
        result = create_email(client)

    assert result == "<html>Bad gateway</html>"


def test_a_dropped_connection_raises_api_connection_error(fake_anthropic):
    fake_anthropic.enqueue(Fault.drop_connection())

    with make_client(fake_anthropic, max_retries=0) as client, pytest.raises(anthropic.APIConnectionError) as error:
        create_email(client)

    assert not isinstance(error.value, anthropic.APITimeoutError)
    assert len(fake_anthropic.requests) == 1


def test_a_dropped_connection_is_retried_by_the_sdk(fake_anthropic):
    fake_anthropic.enqueue(Fault.drop_connection())

    with make_client(fake_anthropic, max_retries=1) as client:
        message = create_email(client)

    assert message.stop_reason == "tool_use"
    assert len(fake_anthropic.requests) == 2


def test_text_instead_of_the_forced_tool(fake_anthropic):
    fake_anthropic.enqueue(Fault.text_instead_of_tool("I can't write that."))

    with make_client(fake_anthropic) as client:
        message = create_email(client)

    assert [block.type for block in message.content] == ["text"]
    assert message.content[0].text == "I can't write that."
    assert message.stop_reason == "end_turn"


@pytest.mark.parametrize(
    "tool_input",
    [
        {"subject": "Overdue invoices"},  # no body
        {"subject": "Overdue", "body": "You owe USD 99.00 on INV-1001 and INV-1002."},  # a wrong amount
    ],
)
def test_a_tool_input_fault_returns_exactly_that_input(fake_anthropic, tool_input):
    fake_anthropic.enqueue(Fault.tool_input(tool_input))

    with make_client(fake_anthropic) as client:
        message = create_email(client)

    [block] = message.content
    assert isinstance(block, ToolUseBlock)
    assert block.name == "write_collection_email"
    assert block.input == tool_input
    assert message.stop_reason == "tool_use"


def test_reset_forgets_requests_faults_and_the_cache(fake_anthropic):
    with make_client(fake_anthropic) as client:
        create_email(client)
        fake_anthropic.enqueue(Fault.status(500))
        fake_anthropic.reset()
        message = create_email(client)

    assert fake_anthropic.pending_faults == []
    assert len(fake_anthropic.requests) == 1
    assert message.usage.cache_creation_input_tokens > 0
    assert message.usage.cache_read_input_tokens == 0


# ------------------------------------------------------------------------------------------------------- lifecycle


def test_it_starts_and_stops_many_times_without_leaving_threads_behind():
    before = fake_threads()
    started = time.monotonic()
    for _ in range(5):
        with FakeAnthropic() as fake, make_client(fake, timeout=0.1) as client:
            fake.enqueue(Fault.hang(seconds=60))
            with pytest.raises(anthropic.APITimeoutError):
                create_email(client)
            create_email(client)  # leaves a keep-alive connection open at shutdown
        assert not fake.running

    assert time.monotonic() - started < 3  # neither the hangs nor the open connections delay shutdown
    assert fake_threads() == before


def test_enqueue_refuses_what_is_not_a_fault(fake_anthropic):
    with pytest.raises(TypeError):
        fake_anthropic.enqueue(429)

"""Message Batches through the real SDK's ``client.messages.batches``: create, retrieve, list, results, cancel."""

from __future__ import annotations

import http.client
import json

import anthropic
import pytest

from devtools.fake_anthropic import FORCED_TOOL_MESSAGE, FakeAnthropic

SCHEMA = {
    "type": "object",
    "properties": {"subject": {"type": "string"}},
    "required": ["subject"],
    "additionalProperties": False,
}


def params(text: str = "Write the email.", **extra) -> dict:
    return {
        "model": "claude-sonnet-5-5",
        "max_tokens": 1000,
        "messages": [{"role": "user", "content": text}],
        "output_config": {"format": {"type": "json_schema", "schema": SCHEMA}},
        **extra,
    }


def client_for(fake: FakeAnthropic) -> anthropic.Anthropic:
    return anthropic.Anthropic(api_key="k", base_url=fake.base_url, max_retries=0, timeout=5)


def submit(client: anthropic.Anthropic, *requests: tuple[str, dict]):
    return client.messages.batches.create(
        requests=[{"custom_id": custom_id, "params": body} for custom_id, body in requests]
    )


def results_by_id(client: anthropic.Anthropic, batch_id: str) -> dict:
    return {line.custom_id: line.result for line in client.messages.batches.results(batch_id)}


def test_a_batch_is_in_progress_until_processed_then_ends_with_one_result_per_request(fake_anthropic):
    with client_for(fake_anthropic) as client:
        batch = submit(client, ("draft-1", params()), ("draft-2", params("Another.")))
        assert batch.id.startswith("msgbatch_")
        assert batch.processing_status == "in_progress"
        assert batch.request_counts.processing == 2
        assert batch.results_url is None
        with pytest.raises(anthropic.AnthropicError, match="results_url"):
            client.messages.batches.results(batch.id)

        fake_anthropic.batches_complete()
        ended = client.messages.batches.retrieve(batch.id)
        results = results_by_id(client, batch.id)

    assert ended.processing_status == "ended"
    assert ended.ended_at is not None
    assert ended.request_counts.succeeded == 2
    assert ended.request_counts.processing == 0
    assert set(results) == {"draft-1", "draft-2"}
    for result in results.values():
        assert result.type == "succeeded"
        text = next(block for block in result.message.content if block.type == "text")
        assert json.loads(text.text) == {"subject": "Sample subject."}


def test_an_invalid_request_inside_a_batch_is_an_errored_result_with_the_error_object(fake_anthropic):
    forced = params(tools=[{"name": "t", "input_schema": {"type": "object"}}], tool_choice={"type": "any"})
    with client_for(fake_anthropic) as client:
        batch = submit(client, ("good", params()), ("forced", forced), ("no-model", params(model="claude-nope")))
        fake_anthropic.batches_complete()
        counts = client.messages.batches.retrieve(batch.id).request_counts
        results = results_by_id(client, batch.id)

    assert (counts.succeeded, counts.errored) == (1, 2)
    assert results["good"].type == "succeeded"
    assert results["forced"].type == "errored"
    assert results["forced"].error.error.type == "invalid_request_error"
    assert results["forced"].error.error.message == FORCED_TOOL_MESSAGE
    assert results["no-model"].error.error.type == "not_found_error"


@pytest.mark.parametrize("kind", ["expired", "errored", "canceled"])
def test_a_request_can_be_made_to_fail_so_the_fallback_can_be_tested(fake_anthropic, kind):
    fake_anthropic.fail_batch_request("draft-2", kind, error_type="overloaded_error")
    with client_for(fake_anthropic) as client:
        batch = submit(client, ("draft-1", params()), ("draft-2", params()))
        fake_anthropic.batches_complete()
        counts = client.messages.batches.retrieve(batch.id).request_counts
        results = results_by_id(client, batch.id)

    assert results["draft-1"].type == "succeeded"
    assert results["draft-2"].type == kind
    assert getattr(counts, kind) == 1
    if kind == "errored":
        assert results["draft-2"].error.error.type == "overloaded_error"


def test_batches_can_complete_at_once():
    with FakeAnthropic(batches_complete_immediately=True) as fake, client_for(fake) as client:
        batch = submit(client, ("only", params()))

        assert batch.processing_status == "ended"
        assert results_by_id(client, batch.id)["only"].type == "succeeded"


def test_a_cancelled_batch_ends_with_its_unprocessed_requests_canceled(fake_anthropic):
    with client_for(fake_anthropic) as client:
        batch = submit(client, ("a", params()), ("b", params()))
        canceling = client.messages.batches.cancel(batch.id)
        fake_anthropic.batches_complete()
        ended = client.messages.batches.retrieve(batch.id)
        results = results_by_id(client, batch.id)

    assert canceling.processing_status == "canceling"
    assert canceling.cancel_initiated_at is not None
    assert ended.processing_status == "ended"
    assert ended.request_counts.canceled == 2
    assert {result.type for result in results.values()} == {"canceled"}


def test_batches_are_listed_newest_first_and_paged(fake_anthropic):
    with client_for(fake_anthropic) as client:
        ids = [submit(client, (f"r{i}", params())).id for i in range(3)]
        page = client.messages.batches.list(limit=2)
        everything = [batch.id for batch in client.messages.batches.list(limit=2)]  # the SDK follows has_more

    assert [batch.id for batch in page.data] == [ids[2], ids[1]]
    assert page.has_more
    assert everything == list(reversed(ids))


def test_an_ended_batch_can_be_deleted_and_an_unknown_one_is_a_404(fake_anthropic):
    with client_for(fake_anthropic) as client:
        batch = submit(client, ("a", params()))
        with pytest.raises(anthropic.BadRequestError):
            client.messages.batches.delete(batch.id)  # still in progress
        fake_anthropic.batches_complete()
        assert client.messages.batches.delete(batch.id).type == "message_batch_deleted"
        with pytest.raises(anthropic.NotFoundError):
            client.messages.batches.retrieve(batch.id)


@pytest.mark.parametrize(
    "requests",
    [
        [],
        [{"custom_id": "has space", "params": params()}],
        [{"custom_id": "x" * 65, "params": params()}],
        [{"custom_id": "same", "params": params()}, {"custom_id": "same", "params": params()}],
        [{"custom_id": "no-params"}],
    ],
)
def test_a_malformed_batch_is_refused_as_a_whole(fake_anthropic, requests):
    with client_for(fake_anthropic) as client, pytest.raises(anthropic.BadRequestError):
        client.messages.batches.create(requests=requests)


def test_the_results_file_is_json_lines(fake_anthropic):
    with client_for(fake_anthropic) as client:
        batch = submit(client, ("a", params()), ("b", params()))
    fake_anthropic.batches_complete()

    connection = http.client.HTTPConnection("127.0.0.1", fake_anthropic.port, timeout=5)
    connection.request(
        "GET", f"/v1/messages/batches/{batch.id}/results", headers={"x-api-key": "k", "anthropic-version": "2023-06-01"}
    )
    response = connection.getresponse()
    lines = response.read().decode().splitlines()
    connection.close()

    assert response.status == 200
    assert response.getheader("content-type") == "application/binary"
    assert [json.loads(line)["custom_id"] for line in lines] == ["a", "b"]


def test_batch_requests_use_the_prompt_cache_and_do_not_consume_queued_faults(fake_anthropic):
    from devtools.fake_anthropic import Fault

    system = [{"type": "text", "text": "r" * 3000, "cache_control": {"type": "ephemeral"}}]
    fake_anthropic.enqueue(Fault.status(529))
    with client_for(fake_anthropic) as client:
        batch = submit(client, ("a", params(system=system)), ("b", params(system=system)))
        fake_anthropic.batches_complete()
        results = results_by_id(client, batch.id)

    assert results["a"].message.usage.cache_creation_input_tokens > 0
    assert results["b"].message.usage.cache_read_input_tokens > 0
    assert len(fake_anthropic.pending_faults) == 1

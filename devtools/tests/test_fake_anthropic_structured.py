"""Structured outputs (output_config.format json_schema): the answer, the pluggable responder, refused schemas."""

from __future__ import annotations

import json

import anthropic
import pytest

from devtools.fake_anthropic import FakeAnthropic, check_schema, minimal_instance

CURRENT = ["claude-sonnet-5-5", "claude-haiku-5-5", "claude-opus-5-5"]
EMAIL = {
    "type": "object",
    "properties": {
        "subject": {"type": "string"},
        "greeting": {"type": "string"},
        "paragraphs": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "tone": {"type": "string", "enum": ["friendly", "firm"]},
        "reply_by": {"type": "string", "format": "date"},
        "note": {"anyOf": [{"type": "string"}, {"type": "null"}]},
    },
    "required": ["subject", "greeting", "paragraphs", "tone", "reply_by"],
    "additionalProperties": False,
}
HELLO = [{"role": "user", "content": "Write the email."}]


def ask(fake: FakeAnthropic, schema: dict, model: str = "claude-sonnet-5-5", **extra):
    with anthropic.Anthropic(api_key="k", base_url=fake.base_url, max_retries=2, timeout=5) as client:
        return client.messages.create(
            model=model,
            max_tokens=2000,
            messages=HELLO,
            output_config={"format": {"type": "json_schema", "schema": schema}, **extra.pop("output_config", {})},
            **extra,
        )


def answer_json(message) -> dict:
    [text] = [block for block in message.content if block.type == "text"]
    return json.loads(text.text)


@pytest.mark.parametrize("model", CURRENT)
def test_the_answer_is_one_text_block_of_json_matching_the_schema(fake_anthropic, model):
    message = ask(fake_anthropic, EMAIL, model=model)

    assert [block.type for block in message.content] == ["thinking", "text"]  # works with adaptive thinking
    email = answer_json(message)
    assert set(email) == {"subject", "greeting", "paragraphs", "tone", "reply_by"}  # required ones only
    assert len(email["paragraphs"]) == 1
    assert email["tone"] == "friendly"
    assert email["reply_by"] == "2026-01-01"
    assert message.stop_reason == "end_turn"


def test_the_json_responder_is_pluggable_and_sees_the_request_and_schema(fake_anthropic):
    seen = []

    def responder(request_json, schema):
        seen.append((request_json["model"], schema))
        return {**minimal_instance(schema), "subject": "Invoice {invoice_table}"}

    fake_anthropic.json_responder = responder
    email = answer_json(ask(fake_anthropic, EMAIL, output_config={"effort": "low"}))

    assert email["subject"] == "Invoice {invoice_table}"
    assert seen == [("claude-sonnet-5-5", EMAIL)]


@pytest.mark.parametrize(
    "wrong",
    [
        {"subject": "x"},  # required properties missing
        {**minimal_instance(EMAIL), "extra": 1},  # additionalProperties is false
        {**minimal_instance(EMAIL), "tone": "angry"},  # not in the enum
        {**minimal_instance(EMAIL), "reply_by": "next week"},  # not a date
    ],
)
def test_a_responder_answer_that_breaks_the_schema_is_a_500_the_sdk_does_not_retry(fake_anthropic, wrong):
    fake_anthropic.json_responder = lambda request_json, schema: wrong

    with pytest.raises(anthropic.InternalServerError) as error:
        ask(fake_anthropic, EMAIL)

    assert error.value.body["error"]["type"] == "api_error"
    assert error.value.response.headers["x-should-retry"] == "false"
    assert len(fake_anthropic.requests) == 1
    assert len(fake_anthropic.responder_errors) == 1


def refuse(fake: FakeAnthropic, schema: dict) -> str:
    with pytest.raises(anthropic.BadRequestError) as error:
        ask(fake, schema)
    return error.value.body["error"]["message"]


def obj(**properties) -> dict:
    return {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}


@pytest.mark.parametrize(
    ("schema", "words"),
    [
        ({"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}, "additionalProperties"),
        ({**obj(a={"type": "string"}), "additionalProperties": True}, "additionalProperties"),
        (obj(a={"type": "string", "minLength": 1}), "minLength"),
        (obj(a={"type": "string", "maxLength": 80}), "maxLength"),
        (obj(a={"type": "integer", "minimum": 0}), "minimum"),
        (obj(a={"type": "array", "items": {"type": "string"}, "minItems": 2}), "minItems"),
        (obj(a={"type": "string", "format": "phone"}), "format"),
        (obj(a={"type": "string", "pattern": "^(?=x).*$"}), "pattern"),
        (obj(a={"$ref": "https://example.com/schema.json"}), "external $ref"),
        ({**obj(a={"$ref": "#"}), "$defs": {}}, "recursive"),
        (obj(a={"oneOf": [{"type": "string"}, {"type": "integer"}]}), "oneOf"),
        (obj(a={"enum": [{"x": 1}]}), "enum"),
        ({**obj(), "properties": {f"p{i}": {"type": "string"} for i in range(25)}}, "optional"),
    ],
)
def test_schema_features_the_api_does_not_compile_are_refused(fake_anthropic, schema, words):
    assert words in refuse(fake_anthropic, schema)
    assert fake_anthropic.responder_errors == []


def test_the_supported_features_are_accepted():
    schema = {
        **obj(
            kind={"const": "email"},
            at={"type": "string", "format": "date-time"},
            lines={"type": "array", "items": {"$ref": "#/$defs/line"}, "minItems": 1},
            maybe={"type": ["string", "null"]},
            code={"type": "string", "pattern": "^[A-Z]{3}-\\d+$"},
        ),
        "$defs": {"line": obj(text={"type": "string"})},
    }

    assert check_schema(schema) == (0, 1)
    assert minimal_instance(schema)["lines"] == [{"text": "Sample text."}]


def test_the_deprecated_output_format_parameter_is_refused(fake_anthropic):
    with (
        anthropic.Anthropic(api_key="k", base_url=fake_anthropic.base_url, max_retries=0) as client,
        pytest.raises(anthropic.BadRequestError),
    ):
        client.messages.create(
            model="claude-sonnet-5-5",
            max_tokens=100,
            messages=HELLO,
            extra_body={"output_format": {"type": "json_schema", "schema": EMAIL}},
        )

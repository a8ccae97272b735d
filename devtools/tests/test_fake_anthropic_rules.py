"""The fake refuses, per model, what the real API refuses (models.py cites the page for each rule), through the SDK."""

from __future__ import annotations

import anthropic
import pytest

from devtools.fake_anthropic import FORCED_TOOL_MESSAGE, MODELS, FakeAnthropic

CURRENT = ["claude-sonnet-5-5", "claude-haiku-5-5", "claude-opus-5-5"]
TOOL = {
    "name": "write_email",
    "description": "Write the email.",
    "input_schema": {"type": "object", "properties": {"subject": {"type": "string"}}, "required": ["subject"]},
}
HELLO = [{"role": "user", "content": "Write one sentence."}]


def make_client(fake: FakeAnthropic) -> anthropic.Anthropic:
    return anthropic.Anthropic(api_key="test-key", base_url=fake.base_url, max_retries=0, timeout=5.0)


def ask(fake: FakeAnthropic, model: str, **extra):
    with make_client(fake) as client:
        return client.messages.create(**{"model": model, "max_tokens": 1000, "messages": HELLO, **extra})


def refused(fake: FakeAnthropic, model: str, **extra) -> anthropic.APIStatusError:
    with pytest.raises(anthropic.APIStatusError) as error:
        ask(fake, model, **extra)
    body = error.value.body
    assert body["type"] == "error"
    assert body["request_id"] == error.value.response.headers["request-id"]
    return error.value


# --------------------------------------------------------------------------------------------------------- models


def test_an_unknown_model_is_a_404_not_found_error_naming_it(fake_anthropic):
    error = refused(fake_anthropic, "claude-sonnet-9")

    assert isinstance(error, anthropic.NotFoundError)
    assert error.body["error"] == {"type": "not_found_error", "message": "model: claude-sonnet-9"}


@pytest.mark.parametrize("model", CURRENT)
def test_max_tokens_above_the_models_limit_is_refused(fake_anthropic, model):
    limit = MODELS[model].max_output_tokens

    assert ask(fake_anthropic, model, max_tokens=limit).stop_reason == "end_turn"
    error = refused(fake_anthropic, model, max_tokens=limit + 1)
    assert isinstance(error, anthropic.BadRequestError)
    assert error.body["error"]["message"].startswith(f"max_tokens: {limit + 1} > {limit}")


# ------------------------------------------------------------------------------------------------ forced tool use


@pytest.mark.parametrize("model", ["claude-sonnet-5-5", "claude-opus-5-5"])
@pytest.mark.parametrize("choice", [{"type": "tool", "name": "write_email"}, {"type": "any"}])
def test_forced_tool_use_is_refused_where_the_model_refuses_it(fake_anthropic, model, choice):
    error = refused(fake_anthropic, model, tools=[TOOL], tool_choice=choice)

    assert error.body["error"] == {"type": "invalid_request_error", "message": FORCED_TOOL_MESSAGE}
    with make_client(fake_anthropic) as client, pytest.raises(anthropic.BadRequestError):
        client.messages.count_tokens(model=model, messages=HELLO, tools=[TOOL], tool_choice=choice)


@pytest.mark.parametrize("model", ["claude-sonnet-5-5", "claude-opus-5-5"])
def test_auto_tool_choice_is_accepted_where_forcing_is_not(fake_anthropic, model):
    message = ask(fake_anthropic, model, tools=[TOOL], tool_choice={"type": "auto"})

    assert message.content[-1].type == "text"


def test_haiku_5_5_accepts_a_forced_tool_only_with_thinking_off(fake_anthropic):
    forced = {"tools": [TOOL], "tool_choice": {"type": "tool", "name": "write_email"}}

    message = ask(fake_anthropic, "claude-haiku-5-5", thinking={"type": "disabled"}, **forced)
    assert [block.type for block in message.content] == ["tool_use"]
    error = refused(fake_anthropic, "claude-haiku-5-5", **forced)  # adaptive thinking is on by default
    assert "tool_choice" in error.body["error"]["message"]


# ------------------------------------------------------------------------------------------------------- thinking


@pytest.mark.parametrize("model", CURRENT)
def test_default_thinking_is_adaptive_and_puts_a_signed_thinking_block_before_the_answer(fake_anthropic, model):
    message = ask(fake_anthropic, model)

    thinking, answer = message.content
    assert thinking.type == "thinking"
    assert thinking.thinking == ""  # display "omitted" is the default
    assert thinking.signature
    assert answer.type == "text"
    assert message.usage.output_tokens > 0


def test_summarized_display_returns_thinking_text_and_blocks_can_be_switched_off(fake_anthropic):
    message = ask(fake_anthropic, "claude-opus-5-5", thinking={"type": "adaptive", "display": "summarized"})
    assert message.content[0].thinking

    fake_anthropic.thinking_blocks = False
    assert [block.type for block in ask(fake_anthropic, "claude-opus-5-5").content] == ["text"]


@pytest.mark.parametrize("model", CURRENT)
def test_a_manual_thinking_budget_is_refused(fake_anthropic, model):
    error = refused(fake_anthropic, model, thinking={"type": "enabled", "budget_tokens": 2048})

    assert '"thinking.type.enabled" is not supported for this model' in error.body["error"]["message"]


def test_sonnet_5_5_refuses_disabled_thinking_and_points_to_between_tools(fake_anthropic):
    error = refused(fake_anthropic, "claude-sonnet-5-5", thinking={"type": "disabled"})

    assert "between_tools" in error.body["error"]["message"]


def test_sonnet_5_5_between_tools_answers_with_text_only(fake_anthropic):
    message = ask(fake_anthropic, "claude-sonnet-5-5", thinking={"type": "between_tools"})

    assert [block.type for block in message.content] == ["text"]


@pytest.mark.parametrize("effort", ["xhigh", "max"])
def test_sonnet_5_5_between_tools_is_refused_above_high_effort(fake_anthropic, effort):
    assert ask(
        fake_anthropic, "claude-sonnet-5-5", thinking={"type": "between_tools"}, output_config={"effort": "high"}
    )
    refused(fake_anthropic, "claude-sonnet-5-5", thinking={"type": "between_tools"}, output_config={"effort": effort})


def test_sonnet_5_5_between_tools_takes_no_other_field(fake_anthropic):
    error = refused(fake_anthropic, "claude-sonnet-5-5", thinking={"type": "between_tools", "display": "summarized"})

    assert "display" in error.body["error"]["message"]


def test_opus_5_5_thinking_cannot_be_disabled(fake_anthropic):
    error = refused(fake_anthropic, "claude-opus-5-5", thinking={"type": "disabled"})

    assert error.body["error"]["message"] == (
        '"thinking.type.disabled" is not supported for this model. '
        'Use "thinking.type.adaptive" and "output_config.effort" to control thinking behavior.'
    )
    refused(fake_anthropic, "claude-opus-5-5", thinking={"type": "between_tools"})


def test_haiku_5_5_disables_thinking_at_high_effort_or_below_only(fake_anthropic):
    off = {"thinking": {"type": "disabled"}}

    assert [
        b.type for b in ask(fake_anthropic, "claude-haiku-5-5", output_config={"effort": "high"}, **off).content
    ] == ["text"]
    refused(fake_anthropic, "claude-haiku-5-5", output_config={"effort": "xhigh"}, **off)
    refused(fake_anthropic, "claude-haiku-5-5", thinking={"type": "between_tools"})


# --------------------------------------------------------------------------------------------- effort, sampling, ...


@pytest.mark.parametrize("model", CURRENT)
def test_every_documented_effort_is_accepted_and_others_refused(fake_anthropic, model):
    for effort in ("low", "medium", "high", "xhigh", "max"):
        assert ask(fake_anthropic, model, output_config={"effort": effort}).stop_reason == "end_turn"

    error = refused(fake_anthropic, model, output_config={"effort": "extreme"})
    assert (
        error.body["error"]["message"]
        == "output_config.effort: Input should be 'low', 'medium', 'high', 'xhigh' or 'max'"
    )


def test_a_model_without_effort_refuses_it(fake_anthropic):
    refused(fake_anthropic, "claude-haiku-4-5", output_config={"effort": "low"})


@pytest.mark.parametrize("model", CURRENT)
@pytest.mark.parametrize(("name", "value"), [("temperature", 0.2), ("top_p", 0.9), ("top_k", 5)])
def test_non_default_sampling_parameters_are_refused(fake_anthropic, model, name, value):
    # anthropic 2.14's messages.create() no longer takes sampling parameters; older code sends them anyway.
    error = refused(fake_anthropic, model, extra_body={name: value})

    assert error.body["error"]["message"] == f"`{name}` is deprecated for this model."


def test_sampling_parameters_are_accepted_by_a_model_that_takes_them(fake_anthropic):
    assert ask(fake_anthropic, "claude-haiku-4-5", extra_body={"temperature": 0.2}).stop_reason == "end_turn"
    assert ask(fake_anthropic, "claude-sonnet-5-5", extra_body={"temperature": 1.0}).stop_reason == "end_turn"


@pytest.mark.parametrize("model", CURRENT)
def test_an_assistant_prefill_is_refused(fake_anthropic, model):
    messages = [*HELLO, {"role": "assistant", "content": "{"}]

    error = refused(fake_anthropic, model, messages=messages)
    assert "prefill" in error.body["error"]["message"].lower()


def test_more_than_four_cache_breakpoints_are_refused(fake_anthropic):
    block = {"type": "text", "text": "rules", "cache_control": {"type": "ephemeral"}}

    assert ask(fake_anthropic, "claude-sonnet-5-5", system=[block] * 4)
    error = refused(fake_anthropic, "claude-sonnet-5-5", system=[block] * 5)
    assert error.body["error"]["message"] == "A maximum of 4 blocks with cache_control may be provided. Found 5."

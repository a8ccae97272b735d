"""The checks a Messages request goes through, in the order the fake applies them; each names its source.

Everything here answers with the real error shape; the message texts are the documented ones where a page gives
them (forced tool use, Opus 5.5 thinking), else close to the API's usual wording (noted per check).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .caching import MAX_BREAKPOINTS, count_breakpoints
from .models import EFFORTS, ModelRules, rules_for
from .schema import SchemaError, check_schema

FORCED_TOOL_MESSAGE = 'tool_choice: type "tool" and "any" are not supported for this model.'
THINKING_TYPES = ("adaptive", "enabled", "disabled", "between_tools")
THINKING_WITH_FORCED_TOOL = "Thinking may not be enabled when tool_choice forces tool use."


@dataclass(frozen=True)
class ApiError(Exception):
    status: int
    type: str
    message: str
    headers: tuple[tuple[str, str], ...] = ()

    def body(self, request_id: str) -> dict[str, Any]:
        return {"type": "error", "error": {"type": self.type, "message": self.message}, "request_id": request_id}


def bad(message: str) -> ApiError:
    return ApiError(400, "invalid_request_error", message)


def model_rules(body: dict[str, Any]) -> ModelRules:
    """The rules of the request's model; an unknown model is a 404 ``not_found_error`` ``model: <id>``, as the real
    API answers it."""
    if not isinstance(body.get("model"), str) or not body["model"]:
        raise bad("model: Input should be a valid string")
    rules = rules_for(body["model"])
    if rules is None:
        raise ApiError(404, "not_found_error", f"model: {body['model']}")
    return rules


def effective_thinking(body: dict[str, Any], rules: ModelRules) -> str:
    thinking = body.get("thinking")
    if isinstance(thinking, dict) and isinstance(thinking.get("type"), str):
        return thinking["type"]
    return rules.thinking_default


def effective_effort(body: dict[str, Any], rules: ModelRules) -> str | None:
    config = body.get("output_config")
    effort = config.get("effort") if isinstance(config, dict) else None
    return effort or rules.effort_default


def check_messages(body: dict[str, Any], *, count_tokens: bool = False) -> ModelRules:
    """Raise :class:`ApiError` for the first problem the real API would report; return the model's rules."""
    if not count_tokens:
        max_tokens = body.get("max_tokens")
        if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens < 1:
            raise bad("max_tokens: Input should be a valid integer greater than or equal to 1")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise bad("messages: at least one message is required")
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in ("user", "assistant"):
            raise bad(f"messages.{index}.role: Input should be 'user' or 'assistant'")
        if "content" not in message:
            raise bad(f"messages.{index}.content: Field required")
    rules = model_rules(body)
    if body.get("stream"):
        raise bad("FakeAnthropic does not implement streaming; call messages.create without stream=True.")
    if not count_tokens and body["max_tokens"] > rules.max_output_tokens:
        # Models overview "Max output"; the API's wording for this 400.
        raise bad(
            f"max_tokens: {body['max_tokens']} > {rules.max_output_tokens}, which is the maximum allowed number of "
            f"output tokens for {rules.id}"
        )
    _check_sampling(body, rules)
    effort = _check_effort(body, rules)
    thinking = _check_thinking(body, rules, effort)
    _check_tool_choice(body, rules, thinking)
    if not rules.prefill and messages[-1].get("role") == "assistant":
        # H55 "Assistant message prefill returns an error" (text not published).
        raise bad("Prefilling the assistant message is not supported for this model. End messages with a user turn.")
    _check_output_format(body, rules)
    breakpoints = count_breakpoints(body)
    if breakpoints > MAX_BREAKPOINTS:
        # Prompt caching: "You can define up to 4 cache breakpoints"; the API's wording.
        raise bad(f"A maximum of {MAX_BREAKPOINTS} blocks with cache_control may be provided. Found {breakpoints}.")
    return rules


def _check_sampling(body: dict[str, Any], rules: ModelRules) -> None:
    # S5 / H55: non-default temperature, top_p, top_k return a 400 on 4.7+ models; the live text (T: sim PR #5328,
    # lingua PR #335) is "`temperature` is deprecated for this model." and the same for top_p / top_k.
    if rules.sampling:
        return
    defaults = {"temperature": 1.0, "top_p": 1.0}
    for name in ("temperature", "top_p", "top_k"):
        if name in body and body[name] is not None and body[name] != defaults.get(name):
            raise bad(f"`{name}` is deprecated for this model.")


def _check_effort(body: dict[str, Any], rules: ModelRules) -> str | None:
    config = body.get("output_config")
    if config is None:
        return rules.effort_default
    if not isinstance(config, dict):
        raise bad("output_config: Input should be a valid dictionary")
    effort = config.get("effort")
    if effort is None:
        return rules.effort_default
    if effort not in EFFORTS:
        raise bad("output_config.effort: Input should be 'low', 'medium', 'high', 'xhigh' or 'max'")
    if effort not in rules.efforts:
        # OVR: Haiku 4.5 "Default effort: Not supported" (text not published).
        raise bad(f"output_config.effort: effort {effort!r} is not supported for {rules.id}")
    return effort


def _above(effort: str | None, ceiling: str) -> bool:
    return effort is not None and EFFORTS.index(effort) > EFFORTS.index(ceiling)


def _check_thinking(body: dict[str, Any], rules: ModelRules, effort: str | None) -> str:
    thinking = body.get("thinking")
    if thinking is not None:
        if not isinstance(thinking, dict) or thinking.get("type") not in THINKING_TYPES:
            raise bad("thinking.type: Input should be 'adaptive', 'enabled', 'disabled' or 'between_tools'")
        kind = thinking["type"]
        if kind not in rules.thinking_accepted:
            raise bad(rules.thinking_errors.get(kind, f'"thinking.type.{kind}" is not supported for this model.'))
        if kind == "between_tools":
            extra = sorted(set(thinking) - {"type"})
            if extra:  # S55: "between_tools takes no other field: display, budget_tokens, or block_binding"
                raise bad(f"thinking.between_tools.{extra[0]}: Extra inputs are not permitted")
            if rules.between_tools_max_effort and _above(effort, rules.between_tools_max_effort):
                # S55: "At xhigh or max effort, a request with between_tools returns a 400 error."
                raise bad(
                    f'"thinking.type.between_tools" is not supported with effort "{effort}". '
                    'Use "thinking.type.adaptive" to run at xhigh or max effort.'
                )
        if kind == "disabled" and rules.disabled_max_effort and _above(effort, rules.disabled_max_effort):
            # O55 (about Opus 5): disabled "is accepted at effort high or below"; the same for Haiku 5.5 (T).
            raise bad(f'"thinking.type.disabled" is not supported with effort "{effort}". Lower the effort to high.')
        if kind == "enabled":
            budget = thinking.get("budget_tokens")
            if not isinstance(budget, int) or budget < 1024:
                raise bad("thinking.enabled.budget_tokens: Input should be greater than or equal to 1024")
    return effective_thinking(body, rules)


def _check_tool_choice(body: dict[str, Any], rules: ModelRules, thinking: str) -> None:
    choice = body.get("tool_choice")
    if not isinstance(choice, dict):
        return
    kind = choice.get("type")
    tools = body.get("tools") or []
    if kind in ("tool", "any"):
        if not rules.forced_tool:
            # S55 / O55 "Forced tool use is not supported": this exact text, on messages and count_tokens alike.
            raise bad(FORCED_TOOL_MESSAGE)
        if not tools:
            raise bad("tool_choice: tools must be provided when tool_choice is 'tool' or 'any'")
        if thinking in ("adaptive", "enabled"):
            # Thinking page, "Limits and feature compatibility": with thinking on only auto and none are accepted.
            raise bad(THINKING_WITH_FORCED_TOOL)
    if kind == "tool":
        names = [tool.get("name") for tool in tools if isinstance(tool, dict)]
        if choice.get("name") not in names:
            raise bad(f"tool_choice.name: Tool '{choice.get('name')}' not found in tools")


def _check_output_format(body: dict[str, Any], rules: ModelRules) -> None:
    config = body.get("output_config")
    fmt = config.get("format") if isinstance(config, dict) else None
    if "output_format" in body:
        # SO "Migrating from beta": output_format without the beta header is a 400.
        raise bad("output_format: this parameter has moved to output_config.format")
    if fmt is None:
        return
    if not isinstance(fmt, dict) or fmt.get("type") != "json_schema":
        raise bad("output_config.format.type: Input should be 'json_schema'")
    if not rules.structured_outputs:
        raise bad(f"output_config.format: structured outputs are not supported for {rules.id}")
    if body["messages"][-1].get("role") == "assistant":
        raise bad("output_config.format: structured outputs are incompatible with assistant message prefill")
    try:
        check_schema(fmt.get("schema"))
    except SchemaError as exc:
        raise bad(str(exc)) from None


def wants_thinking_block(body: dict[str, Any], rules: ModelRules) -> bool:
    """True when the answer carries a thinking block: adaptive (or manual) thinking is on for this request."""
    return effective_thinking(body, rules) in ("adaptive", "enabled")

"""What each model accepts, as documented: one row per model, each rule citing the page it comes from.

Sources (read in Nov 2026; /work/wt/anthropic_rules.md has the long form with every URL):

* ``S55`` https://platform.claude.com/docs/en/models/sonnet-5-5/whats-new-sonnet-5-5 and .../sonnet-5-5/overview
* ``O55`` https://platform.claude.com/docs/en/models/opus-5-5/whats-new-opus-5-5 and .../opus-5-5/overview
* ``H55`` https://platform.claude.com/docs/en/models/haiku-5-5/whats-new-haiku-5-5, .../overview, .../migration-guide
* ``S5`` https://platform.claude.com/docs/en/models/sonnet-5/overview
* ``O5`` https://platform.claude.com/docs/en/models/opus-5/whats-new-opus-5
* ``OVR`` https://platform.claude.com/docs/en/about-claude/models/overview
* ``PC`` https://platform.claude.com/docs/en/build-with-claude/prompt-caching (minimum cacheable prompt per model)
* ``SO`` https://platform.claude.com/docs/en/build-with-claude/structured-outputs (compatibility list)
* ``T`` a third-party page, used only where no platform page said it (named in anthropic_rules.md)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

EFFORTS = ("low", "medium", "high", "xhigh", "max")


@dataclass(frozen=True)
class Prices:
    """US dollars per million tokens, first-party API, prompts under any long-context threshold."""

    input: Decimal
    output: Decimal
    cache_write_5m: Decimal
    cache_write_1h: Decimal
    cache_read: Decimal


def _prices(*values: str) -> Prices:
    return Prices(*(Decimal(value) for value in values))


@dataclass(frozen=True)
class ModelRules:
    """The request rules of one model. ``thinking_errors`` maps a refused ``thinking.type`` to the 400 message."""

    id: str
    thinking_default: str  # what an omitted ``thinking`` means: "adaptive" (thinking on) or "disabled"
    thinking_accepted: frozenset[str]
    thinking_errors: dict[str, str] = field(default_factory=dict)
    disabled_max_effort: str | None = None  # ``disabled`` is refused above this effort (None: no limit)
    between_tools_max_effort: str | None = None
    forced_tool: bool = True  # tool_choice "any"/"tool" accepted at all
    sampling: bool = True  # non-default temperature / top_p / top_k accepted
    prefill: bool = True  # a conversation may end with an assistant turn
    efforts: tuple[str, ...] = EFFORTS  # () = the model has no effort parameter
    effort_default: str | None = "high"
    max_output_tokens: int = 128_000
    min_cacheable_tokens: int = 1024
    structured_outputs: bool = True
    prices: Prices = field(default_factory=lambda: _prices("0", "0", "0", "0", "0"))


def _refuse_enabled() -> dict[str, str]:
    # O55 "Thinking can't be disabled" gives this text for Opus 5.5; the 4.7+ models share it (H55 "Manual extended
    # thinking returns an error", S5 "manual extended thinking now returns a 400").
    return {"enabled": _THINKING_TYPE_MESSAGE.format(kind="enabled")}


_THINKING_TYPE_MESSAGE = (
    '"thinking.type.{kind}" is not supported for this model. '
    'Use "thinking.type.adaptive" and "output_config.effort" to control thinking behavior.'
)

MODELS: dict[str, ModelRules] = {
    rules.id: rules
    for rules in (
        ModelRules(
            id="claude-sonnet-5-5",
            # S55 "Turn off up-front thinking with between_tools": adaptive is on by default, between_tools is the
            # lowest setting, "disabled" is a 400 "whose message points to between_tools" (exact text not published),
            # between_tools is refused at xhigh/max effort.
            thinking_default="adaptive",
            thinking_accepted=frozenset({"adaptive", "between_tools"}),
            thinking_errors={
                **_refuse_enabled(),
                "disabled": '"thinking.type.disabled" is not supported for this model. '
                'Use "thinking.type.between_tools" to turn off up-front thinking.',
            },
            between_tools_max_effort="high",
            forced_tool=False,  # S55 "Forced tool use is not supported"
            sampling=False,  # S55 inherits S5: non-default sampling parameters return a 400 (T table cites S55)
            prefill=False,  # T (OpenRouter's 5.5 migration page): "neither is a final assistant turn"
            effort_default="high",  # S55 "Its default on the Claude API is high"
            max_output_tokens=128_000,  # S55 overview: Max output 128K
            min_cacheable_tokens=512,  # S55 "Feature support": "a 512-token minimum cacheable prompt"
            structured_outputs=True,  # S55 points forced-tool users to structured outputs
            prices=_prices("2", "10", "2.50", "4", "0.20"),  # S55 overview Pricing
        ),
        ModelRules(
            id="claude-haiku-5-5",
            # H55: adaptive thinking with effort, default medium (OVR); manual budgets are refused; disabled is
            # accepted at effort high or below (T: apiyi guide refresh, apidog Haiku 5.5 guide).
            thinking_default="adaptive",
            thinking_accepted=frozenset({"adaptive", "disabled"}),
            thinking_errors=_refuse_enabled(),
            disabled_max_effort="high",
            forced_tool=True,  # not among H55's breaking changes (still refused while thinking is on, see rules.py)
            sampling=False,  # H55 "Non-default sampling parameters return an error"
            prefill=False,  # H55 "Assistant message prefill returns an error"
            effort_default="medium",  # H55 overview / OVR: default effort medium
            max_output_tokens=128_000,  # H55 overview: Max output 128K
            min_cacheable_tokens=512,  # T (OpenRouter 5.5 migration): "512-token minimum cacheable prompt"
            structured_outputs=True,  # SO (list fetched before H55's release; H55 names no exception)
            prices=_prices("0.10", "0.50", "0.125", "0.20", "0.01"),  # H55 overview, prompts up to 100K tokens
        ),
        ModelRules(
            id="claude-opus-5-5",
            # O55 "Thinking can't be disabled": only adaptive; disabled and enabled are 400s with this exact text.
            thinking_default="adaptive",
            thinking_accepted=frozenset({"adaptive"}),
            thinking_errors={
                "disabled": _THINKING_TYPE_MESSAGE.format(kind="disabled"),
                "enabled": _THINKING_TYPE_MESSAGE.format(kind="enabled"),
            },
            forced_tool=False,  # O55 "Forced tool use is not supported"
            sampling=False,  # T (OpenRouter 5.5 migration): sampling parameters removed, "already the case on Opus 5"
            prefill=False,  # same source
            effort_default="medium",  # O55 "its default on this model is medium"
            max_output_tokens=128_000,  # O55 overview / OVR
            min_cacheable_tokens=512,  # T (OpenRouter 5.5 migration); O5 gives 512 for Opus 5
            structured_outputs=True,  # SO compatibility: "Opus 4.5, 4.6, 4.7, 4.8, 5, and 5.5"
            prices=_prices("4", "20", "5", "8", "0.20"),  # O55 "$4 / $20"; cache prices T
        ),
        ModelRules(
            id="claude-sonnet-5",
            # S5: adaptive on by default, manual extended thinking is a 400, non-default sampling is a 400.
            thinking_default="adaptive",
            thinking_accepted=frozenset({"adaptive", "disabled"}),
            thinking_errors=_refuse_enabled(),
            forced_tool=True,  # S55 "Every earlier model on this page accepts a tool_choice of type any or tool"
            sampling=False,  # S5
            prefill=False,  # T (4.6+ models refuse a final assistant turn)
            effort_default="high",
            min_cacheable_tokens=1024,  # S55: "Claude Sonnet 5, whose minimum cacheable prompt is 1,024 tokens"
            prices=_prices("2", "10", "2.50", "4", "0.20"),  # S5 overview Pricing
        ),
        ModelRules(
            id="claude-opus-5",
            # O55: "On Claude Opus 5, thinking is on by default and thinking: disabled is accepted at effort high or
            # below."
            thinking_default="adaptive",
            thinking_accepted=frozenset({"adaptive", "disabled"}),
            thinking_errors=_refuse_enabled(),
            disabled_max_effort="high",
            forced_tool=True,  # O55 lists its removal as a breaking change from Opus 5
            sampling=False,
            prefill=False,
            effort_default="high",
            min_cacheable_tokens=512,  # O5 "Lower prompt cache minimum": 512 tokens
            prices=_prices("5", "25", "6.25", "10", "0.50"),  # OVR (earlier lineup table); cache prices T
        ),
        ModelRules(
            id="claude-opus-4-8",
            # O5 "Thinking on by default": on Opus 4.8 requests run without thinking unless adaptive is set.
            thinking_default="disabled",
            thinking_accepted=frozenset({"adaptive", "disabled"}),
            thinking_errors=_refuse_enabled(),
            sampling=False,  # T: temperature "is deprecated for this model" on Opus 4.7/4.8
            prefill=False,
            effort_default="high",
            min_cacheable_tokens=1024,  # O5: "down from 1,024 tokens on Claude Opus 4.8"
            prices=_prices("5", "25", "6.25", "10", "0.50"),  # T
        ),
        ModelRules(
            id="claude-haiku-4-5",
            # OVR: extended thinking (budget_tokens), no effort parameter ("Default effort: Not supported").
            thinking_default="disabled",
            thinking_accepted=frozenset({"enabled", "disabled"}),
            efforts=(),
            effort_default=None,
            max_output_tokens=64_000,  # OVR: Max output 64K
            min_cacheable_tokens=4096,  # PC: 4096 tokens for Claude Haiku 4.5
            prices=_prices("1", "5", "1.25", "2", "0.10"),  # OVR / pricing page
        ),
    )
}
# Dated aliases the SDK lists for the same model.
MODELS["claude-haiku-4-5-20251001"] = MODELS["claude-haiku-4-5"]


def rules_for(model: Any) -> ModelRules | None:
    """The rules of ``model``, or None for a model the fake does not know (the real API answers 404)."""
    return MODELS.get(model) if isinstance(model, str) else None


def cost_usd(model: str, usage: Any, *, batch: bool = False) -> Decimal:
    """What ``usage`` (a Message's usage, as a dict or the SDK's object) costs on ``model``, in US dollars.

    Batches cost 50% of input and output (S55 / H55 overview: "Batch API: 50% discount on input and output"); the
    discount is applied to every line here, cache writes and reads included, as the pricing page shows batch cache
    prices at half too (T).
    """
    rules = MODELS[model]

    def value(name: str) -> int:
        raw = usage.get(name) if isinstance(usage, dict) else getattr(usage, name, None)
        return int(raw or 0)

    creation = usage.get("cache_creation") if isinstance(usage, dict) else getattr(usage, "cache_creation", None)
    if isinstance(creation, dict):
        one_hour = int(creation.get("ephemeral_1h_input_tokens") or 0)
    else:
        one_hour = int(getattr(creation, "ephemeral_1h_input_tokens", 0) or 0)
    five_minutes = value("cache_creation_input_tokens") - one_hour
    p = rules.prices
    total = (
        value("input_tokens") * p.input
        + value("output_tokens") * p.output
        + five_minutes * p.cache_write_5m
        + one_hour * p.cache_write_1h
        + value("cache_read_input_tokens") * p.cache_read
    ) / Decimal(1_000_000)
    return total / 2 if batch else total

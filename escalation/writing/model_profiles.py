"""What each Claude model accepts, and the request we choose for a short business email on it.

A collection email is a short text written from facts we give in full, under explicit rules, and checked after
writing: deep reasoning buys nothing a check would not catch, and thinking tokens are billed as output. So each
profile asks for the least thinking the model accepts and ``effort: low``. On Claude Opus 5.5, where thinking is
always adaptive, low effort keeps it short; its tokens count toward ``max_tokens``, hence the larger budget.

Sources (platform.claude.com, read 2026-12 through the search tool):
- models/sonnet-5-5/whats-new-sonnet-5-5: forced tool_choice is a 400; adaptive thinking is on by default;
  ``thinking: {"type": "disabled"}`` is a 400, ``between_tools`` is the way to turn off up-front thinking;
  minimum cacheable prompt 512 tokens; effort default high. Prices: models/sonnet-5-5/overview.
- models/opus-5-5/whats-new-opus-5-5: forced tool_choice a 400; thinking adaptive only; effort default medium.
- models/haiku-5-5/overview and whats-new-haiku-5-5: ``disabled`` accepted up to effort high; prices.
- build-with-claude/prompt-caching: below the minimum the request succeeds and nothing is cached; minimums per
  model (512 for Opus 5 / Sonnet 5.5; 1,024 for Sonnet 5, Opus 4.8; 4,096 for Haiku 4.5, Opus 4.5 and 4.6).
  The 512 for Haiku 5.5 and Opus 5.5 is reported by third parties only: the prefix we build is far above it.
- build-with-claude/structured-outputs: ``output_config.format`` with a JSON schema, answered as JSON text.
- build-with-claude/batch-processing: 50 % of the price for input and output.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class ModelProfile:
    model: str
    thinking: dict | None  # None: leave the model's default
    effort: str | None
    max_tokens: int
    min_cacheable_tokens: int
    # USD per million tokens: input, output, 5-minute cache write, cache read.
    prices: tuple[Decimal, Decimal, Decimal, Decimal]

    def request_options(self) -> dict:
        options: dict = {"max_tokens": self.max_tokens}
        if self.thinking is not None:
            options["thinking"] = self.thinking
        if self.effort is not None:
            options["output_config"] = {"effort": self.effort}
        return options

    def cost_usd(self, *, input_tokens: int, output_tokens: int, cache_creation_tokens: int, cache_read_tokens: int,
                 batch: bool = False) -> Decimal:  # fmt: skip
        rate_in, rate_out, rate_write, rate_read = self.prices
        total = (input_tokens * rate_in + output_tokens * rate_out + cache_creation_tokens * rate_write
                 + cache_read_tokens * rate_read)  # fmt: skip
        if batch:
            total /= 2
        return (total / Decimal(1_000_000)).quantize(Decimal("0.000001"))


def _d(*values: str) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    return tuple(Decimal(value) for value in values)  # type: ignore[return-value]


PROFILES = {
    profile.model: profile
    for profile in (
        ModelProfile("claude-sonnet-5-5", {"type": "between_tools"}, "low", 2000, 512, _d("2", "10", "2.50", "0.20")),
        ModelProfile("claude-haiku-5-5", {"type": "disabled"}, "low", 2000, 512, _d("0.10", "0.50", "0.125", "0.01")),
        ModelProfile("claude-opus-5-5", None, "low", 6000, 512, _d("4", "20", "5", "0.20")),
        ModelProfile("claude-sonnet-5", {"type": "disabled"}, "low", 2000, 1024, _d("2", "10", "2.50", "0.20")),
        ModelProfile("claude-opus-5", {"type": "disabled"}, "low", 2000, 512, _d("5", "25", "6.25", "0.50")),
    )
}
SUPPORTED_MODELS = tuple(PROFILES)


def model_profile(model: str) -> ModelProfile:
    """The profile of ``model``; for a model not in the table, the request without thinking or effort settings
    (every model accepts it) and the largest minimum cacheable prompt any model has, so caching is not promised."""
    if model in PROFILES:
        return PROFILES[model]
    family = next((name for name in ("haiku", "opus", "sonnet") if name in model), "sonnet")
    prices = {"haiku": _d("1", "5", "1.25", "0.10"), "opus": _d("5", "25", "6.25", "0.50"),
              "sonnet": _d("3", "15", "3.75", "0.30")}[family]  # fmt: skip
    return ModelProfile(model, None, None, 2000, 4096, prices)

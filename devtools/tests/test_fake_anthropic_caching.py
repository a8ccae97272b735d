"""Prompt caching as the real API does it: per-model minimums, per-model entries, TTLs; and the token estimate."""

from __future__ import annotations

import anthropic
import pytest

from devtools.fake_anthropic import CHARS_PER_TOKEN, MODELS, FakeAnthropic

HELLO = [{"role": "user", "content": "Write the email for account 17."}]


def system_of(tokens: int, ttl: str | None = None) -> list[dict]:
    """A cached system prompt of about ``tokens`` estimated tokens."""
    cache_control = {"type": "ephemeral", **({"ttl": ttl} if ttl else {})}
    return [{"type": "text", "text": "x" * int(tokens * CHARS_PER_TOKEN), "cache_control": cache_control}]


def ask(fake: FakeAnthropic, model: str = "claude-sonnet-5-5", **extra):
    with anthropic.Anthropic(api_key="k", base_url=fake.base_url, max_retries=0, timeout=5) as client:
        return client.messages.create(**{"model": model, "max_tokens": 500, "messages": HELLO, **extra}).usage


@pytest.mark.parametrize("model", ["claude-sonnet-5-5", "claude-haiku-5-5", "claude-opus-5-5"])
def test_a_prefix_below_the_models_minimum_is_neither_written_nor_read(fake_anthropic, model):
    system = system_of(MODELS[model].min_cacheable_tokens - 20)

    for usage in (ask(fake_anthropic, model, system=system), ask(fake_anthropic, model, system=system)):
        assert usage.cache_creation_input_tokens == 0
        assert usage.cache_read_input_tokens == 0
        assert usage.input_tokens > MODELS[model].min_cacheable_tokens - 20


@pytest.mark.parametrize("model", ["claude-sonnet-5-5", "claude-haiku-5-5", "claude-opus-5-5"])
def test_a_prefix_at_the_minimum_is_written_then_read(fake_anthropic, model):
    system = system_of(MODELS[model].min_cacheable_tokens + 5)

    first = ask(fake_anthropic, model, system=system)
    second = ask(fake_anthropic, model, system=system)

    assert first.cache_creation_input_tokens >= MODELS[model].min_cacheable_tokens
    assert first.cache_creation.ephemeral_5m_input_tokens == first.cache_creation_input_tokens
    assert second.cache_creation_input_tokens == 0
    assert second.cache_read_input_tokens == first.cache_creation_input_tokens
    assert second.input_tokens == first.input_tokens > 0  # the dynamic message after the breakpoint


def test_the_same_prefix_caches_on_one_model_and_not_on_one_with_a_higher_minimum(fake_anthropic):
    system = system_of(800)  # over Sonnet 5.5's 512, under Sonnet 5's 1,024

    assert ask(fake_anthropic, "claude-sonnet-5-5", system=system).cache_creation_input_tokens > 0
    assert ask(fake_anthropic, "claude-sonnet-5", system=system).cache_creation_input_tokens == 0


def test_cache_entries_are_per_model(fake_anthropic):
    system = system_of(700)

    ask(fake_anthropic, "claude-sonnet-5-5", system=system)
    other = ask(fake_anthropic, "claude-opus-5-5", system=system)

    assert other.cache_read_input_tokens == 0
    assert other.cache_creation_input_tokens > 0


def test_min_cacheable_tokens_can_be_overridden_for_a_test():
    with FakeAnthropic(min_cacheable_tokens=0) as fake:
        assert ask(fake, system=system_of(10)).cache_creation_input_tokens > 0


def test_an_entry_expires_five_minutes_after_its_last_use(fake_anthropic):
    system = system_of(700)
    ask(fake_anthropic, system=system)

    fake_anthropic.advance_clock(240)
    assert ask(fake_anthropic, system=system).cache_read_input_tokens > 0  # and the read refreshes it
    fake_anthropic.advance_clock(240)
    assert ask(fake_anthropic, system=system).cache_read_input_tokens > 0
    fake_anthropic.advance_clock(301)
    expired = ask(fake_anthropic, system=system)
    assert expired.cache_read_input_tokens == 0
    assert expired.cache_creation_input_tokens > 0


def test_a_one_hour_entry_outlives_five_minutes(fake_anthropic):
    system = system_of(700, ttl="1h")
    assert ask(fake_anthropic, system=system).cache_creation.ephemeral_1h_input_tokens > 0

    fake_anthropic.advance_clock(1800)
    assert ask(fake_anthropic, system=system).cache_read_input_tokens > 0
    fake_anthropic.advance_clock(3601)
    assert ask(fake_anthropic, system=system).cache_read_input_tokens == 0


def test_top_level_cache_control_caches_up_to_the_last_block(fake_anthropic):
    system = [{"type": "text", "text": "y" * 3000}]

    first = ask(fake_anthropic, system=system, cache_control={"type": "ephemeral"})
    second = ask(fake_anthropic, system=system, cache_control={"type": "ephemeral"})

    assert first.cache_creation_input_tokens > 0
    assert first.input_tokens == 0  # everything up to the last block was written
    assert second.cache_read_input_tokens == first.cache_creation_input_tokens


def test_only_the_prefix_up_to_a_breakpoint_is_cached(fake_anthropic):
    shared = system_of(700)
    with_a = ask(fake_anthropic, system=shared, messages=[{"role": "user", "content": "account A " * 50}])
    with_b = ask(fake_anthropic, system=shared, messages=[{"role": "user", "content": "account B " * 50}])

    assert with_b.cache_read_input_tokens == with_a.cache_creation_input_tokens
    assert with_b.input_tokens == with_a.input_tokens > 100


def test_tokens_are_estimated_at_three_and_a_half_characters(fake_anthropic):
    with anthropic.Anthropic(api_key="k", base_url=fake_anthropic.base_url, max_retries=0) as client:
        count = client.messages.count_tokens(model="claude-sonnet-5-5", system="z" * 3500, messages=HELLO)

    assert 1000 < count.input_tokens < 1030  # 1,000 for the system prompt plus the short message


def test_cost_usd_prices_a_usage_per_model_and_halves_it_in_a_batch(fake_anthropic):
    from decimal import Decimal

    from devtools.fake_anthropic import cost_usd

    usage = {
        "input_tokens": 1_000_000,
        "output_tokens": 1_000_000,
        "cache_creation_input_tokens": 1_000_000,
        "cache_read_input_tokens": 1_000_000,
        "cache_creation": {"ephemeral_5m_input_tokens": 1_000_000, "ephemeral_1h_input_tokens": 0},
    }

    assert cost_usd("claude-sonnet-5-5", usage) == Decimal("2") + 10 + Decimal("2.50") + Decimal("0.20")
    assert cost_usd("claude-sonnet-5-5", usage, batch=True) == cost_usd("claude-sonnet-5-5", usage) / 2
    real_usage = ask(fake_anthropic, system=system_of(700))
    assert cost_usd("claude-sonnet-5-5", real_usage) > 0  # the SDK's Usage object works too

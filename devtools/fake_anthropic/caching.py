"""Token estimates and prompt caching as https://platform.claude.com/docs/en/build-with-claude/prompt-caching
describes them.

* The prefix is ``tools``, then ``system``, then ``messages``; a block with ``cache_control`` is a breakpoint and caches
  everything up to and including it. A top-level ``cache_control`` (automatic caching) puts the breakpoint on the
  last cacheable block. At most 4 breakpoints; more is a 400 (checked in rules.py).
* Below the model's minimum cacheable prompt nothing is written or read: both cache counters are 0.
* Entries live 5 minutes (``"ttl": "1h"``: an hour) from their last use; a read refreshes them. Entries are per model.
* ``usage.input_tokens`` counts only what was neither written to nor read from the cache.

Token counts are estimates: ``ceil(characters / 3.5)``. The 4.7-and-later tokenizer used by every 5.x model counts
"approximately 30% more tokens" than the earlier one (Haiku 5.5 what's-new page), whose rule of thumb was about 4 to
4.5 characters a token for English, so 3.5 is close to real prose and below real JSON (tool schemas, facts), which
tokenizes denser. The fake therefore counts at most what the real API counts: a prefix the fake caches is at least as
long for the real API, so a passing cache test is not luck; costs computed from it are a slight underestimate.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
import time
from collections.abc import Callable
from typing import Any

CHARS_PER_TOKEN = 3.5
MAX_BREAKPOINTS = 4
TTL_SECONDS = {"5m": 300.0, "1h": 3600.0}

Segment = tuple[Any, "dict[str, Any] | None"]


def estimate_tokens(value: Any) -> int:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, ensure_ascii=False)
    return max(1, math.ceil(len(text) / CHARS_PER_TOKEN))


def _block_text(block: Any) -> Any:
    """What a content block costs: its text for text blocks, the whole block otherwise; never ``cache_control``."""
    if isinstance(block, dict):
        if block.get("type") == "text" and isinstance(block.get("text"), str):
            return block["text"]
        return {key: value for key, value in block.items() if key != "cache_control"}
    return block


def prompt_segments(request_json: dict[str, Any]) -> list[Segment]:
    """The prompt in cache order (tools, system, messages) as ``(content, cache_control)`` pairs.

    A top-level ``cache_control`` is moved onto the last segment, as automatic caching does.
    """
    segments: list[Segment] = []
    for tool in request_json.get("tools") or []:
        segments.append((_block_text(tool), tool.get("cache_control") if isinstance(tool, dict) else None))
    system = request_json.get("system")
    if isinstance(system, str) and system:
        segments.append((system, None))
    elif isinstance(system, list):
        for block in system:
            segments.append((_block_text(block), block.get("cache_control") if isinstance(block, dict) else None))
    for message in request_json.get("messages") or []:
        if not isinstance(message, dict):
            continue
        role = message.get("role")
        content = message.get("content")
        if isinstance(content, str):
            segments.append(({"role": role, "text": content}, None))
        elif isinstance(content, list):
            for block in content:
                cache_control = block.get("cache_control") if isinstance(block, dict) else None
                segments.append(({"role": role, "block": _block_text(block)}, cache_control))
    automatic = request_json.get("cache_control")
    if isinstance(automatic, dict) and segments and not isinstance(segments[-1][1], dict):
        segments[-1] = (segments[-1][0], automatic)
    return segments


def count_breakpoints(request_json: dict[str, Any]) -> int:
    return sum(1 for _, cache_control in prompt_segments(request_json) if isinstance(cache_control, dict))


def input_tokens(request_json: dict[str, Any]) -> int:
    return sum(estimate_tokens(content) for content, _ in prompt_segments(request_json))


class PromptCache:
    """Cache entries keyed by (model, prefix), each with an expiry on the fake's clock."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._offset = 0.0
        self._entries: dict[str, float] = {}
        self._lock = threading.Lock()

    def now(self) -> float:
        return self._clock() + self._offset

    def advance(self, seconds: float) -> None:
        """Move the cache's clock forward (lets a test expire entries without sleeping)."""
        with self._lock:
            self._offset += seconds

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        now = self.now()
        with self._lock:
            return sum(1 for expiry in self._entries.values() if expiry > now)

    def usage(self, request_json: dict[str, Any], min_cacheable_tokens: int) -> dict[str, Any]:
        """The input side of ``usage`` for a request, writing and reading entries as the real cache would."""
        segments = prompt_segments(request_json)
        tokens = [estimate_tokens(content) for content, _ in segments]
        total = sum(tokens)
        breakpoints = [
            index
            for index, (_, cache_control) in enumerate(segments)
            if isinstance(cache_control, dict) and sum(tokens[: index + 1]) >= min_cacheable_tokens
        ]
        created = read = 0
        ttl = "5m"
        if breakpoints:
            model = request_json.get("model")
            keys = {index: _cache_key(model, [s for s, _ in segments[: index + 1]]) for index in breakpoints}
            now = self.now()
            with self._lock:
                hits = [index for index in breakpoints if self._entries.get(keys[index], 0.0) > now]
                for index in breakpoints:
                    entry_ttl = (segments[index][1] or {}).get("ttl", "5m")
                    self._entries[keys[index]] = now + TTL_SECONDS.get(entry_ttl, TTL_SECONDS["5m"])
            last = breakpoints[-1]
            read = sum(tokens[: hits[-1] + 1]) if hits else 0
            created = sum(tokens[: last + 1]) - read
            ttl = "1h" if (segments[last][1] or {}).get("ttl") == "1h" else "5m"
        return {
            "input_tokens": total - created - read,
            "cache_creation_input_tokens": created,
            "cache_read_input_tokens": read,
            "cache_creation": {
                "ephemeral_5m_input_tokens": created if ttl == "5m" else 0,
                "ephemeral_1h_input_tokens": created if ttl == "1h" else 0,
            },
        }


def _cache_key(model: Any, prefix: list[Any]) -> str:
    return hashlib.sha256(json.dumps([model, prefix], sort_keys=True).encode()).hexdigest()

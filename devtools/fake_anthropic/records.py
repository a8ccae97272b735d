"""The log of HTTP requests the fake received."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, overload


@dataclass(frozen=True)
class RecordedRequest:
    """One HTTP request the fake received. ``headers`` has lower-case names; ``body`` is the parsed JSON (or None)."""

    method: str
    path: str
    headers: MappingProxyType[str, str]
    body: Any
    raw_body: bytes = field(repr=False)
    received_at: float = field(repr=False)


class RequestLog(Sequence[RecordedRequest]):
    """A thread-safe, append-only (until ``clear``) list of the requests received, oldest first."""

    def __init__(self) -> None:
        self._items: list[RecordedRequest] = []
        self._lock = threading.Lock()

    def append(self, request: RecordedRequest) -> None:
        with self._lock:
            self._items.append(request)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def snapshot(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._items)

    def to(self, path: str) -> list[RecordedRequest]:
        """The requests made to ``path`` (e.g. ``"/v1/messages"``)."""
        return [request for request in self.snapshot() if request.path == path]

    @overload
    def __getitem__(self, index: int) -> RecordedRequest: ...

    @overload
    def __getitem__(self, index: slice) -> list[RecordedRequest]: ...

    def __getitem__(self, index: int | slice) -> RecordedRequest | list[RecordedRequest]:
        with self._lock:
            return self._items[index]

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def __iter__(self) -> Iterator[RecordedRequest]:
        return iter(self.snapshot())

    def __repr__(self) -> str:
        return f"RequestLog({self.snapshot()!r})"

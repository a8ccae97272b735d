"""Message Batches, as https://platform.claude.com/docs/en/build-with-claude/batch-processing and the API reference
(https://platform.claude.com/docs/en/api/messages/batches/retrieve) describe them.

* ``POST /v1/messages/batches`` takes ``{"requests": [{"custom_id", "params"}]}``; ``custom_id`` is 1-64 characters of
  ``[a-zA-Z0-9_-]`` and unique within the batch. The batch is accepted as a whole; each request is validated only when
  it is processed, and an invalid one ends ``errored`` with the error object, as the real API does.
* A batch is ``in_progress`` until processed (``fake.batches_complete()``, or at once with
  ``FakeAnthropic(batches_complete_immediately=True)``), then ``ended`` with a ``results_url``. Cancelling makes it
  ``canceling``; processing then ends it with its unprocessed requests ``canceled``.
* Results are JSONL lines ``{"custom_id", "result": {"type": "succeeded" | "errored" | "canceled" | "expired", ...}}``.
* ``fake.fail_batch_request(custom_id, "expired" | "errored" | "canceled")`` makes one request end that way.
"""

from __future__ import annotations

import copy
import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from .rules import ApiError, bad

CUSTOM_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
MAX_REQUESTS = 100_000
EXPIRY = timedelta(hours=24)

Processor = Callable[[dict[str, Any]], dict[str, Any]]  # params -> a result object ({"type": "succeeded", ...})


@dataclass(frozen=True)
class BatchFault:
    kind: str  # "expired" | "errored" | "canceled"
    error_type: str = "api_error"
    message: str = "Internal server error (FakeAnthropic batch fault)."

    def result(self) -> dict[str, Any]:
        if self.kind == "errored":
            return {
                "type": "errored",
                "error": {
                    "type": "error",
                    "error": {"type": self.error_type, "message": self.message},
                    "request_id": f"req_{uuid.uuid4().hex[:24]}",
                },
            }
        return {"type": self.kind}


def _stamp(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


class BatchStore:
    """The batches the fake holds, in creation order."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._batches: dict[str, dict[str, Any]] = {}
        self.faults: dict[str, BatchFault] = {}

    def clear(self) -> None:
        with self._lock:
            self._batches.clear()
            self.faults.clear()

    def create(self, body: Any) -> str:
        requests = body.get("requests") if isinstance(body, dict) else None
        if not isinstance(requests, list) or not requests:
            raise bad("requests: List should have at least 1 item after validation, not 0")
        if len(requests) > MAX_REQUESTS:
            raise bad(f"requests: List should have at most {MAX_REQUESTS} items")
        seen: set[str] = set()
        for index, request in enumerate(requests):
            if not isinstance(request, dict) or not isinstance(request.get("params"), dict):
                raise bad(f"requests.{index}.params: Field required")
            custom_id = request.get("custom_id")
            if not isinstance(custom_id, str) or not CUSTOM_ID.match(custom_id):
                raise bad(f"requests.{index}.custom_id: String should match pattern '^[a-zA-Z0-9_-]{{1,64}}$'")
            if custom_id in seen:
                raise bad(f"requests.{index}.custom_id: Duplicate custom_id '{custom_id}' in batch")
            seen.add(custom_id)
        batch_id = f"msgbatch_01{uuid.uuid4().hex[:22]}"
        now = datetime.now(UTC)
        with self._lock:
            self._batches[batch_id] = {
                "id": batch_id,
                "created_at": now,
                "expires_at": now + EXPIRY,
                "ended_at": None,
                "cancel_initiated_at": None,
                "processing_status": "in_progress",
                "requests": copy.deepcopy(requests),
                "results": None,
            }
        return batch_id

    def _get(self, batch_id: str) -> dict[str, Any]:
        batch = self._batches.get(batch_id)
        if batch is None:
            raise ApiError(404, "not_found_error", f"message_batch_id: batch {batch_id} not found")
        return batch

    def view(self, batch_id: str, base_url: str) -> dict[str, Any]:
        with self._lock:
            return self._view(self._get(batch_id), base_url)

    def _view(self, batch: dict[str, Any], base_url: str) -> dict[str, Any]:
        counts = {"processing": 0, "succeeded": 0, "errored": 0, "canceled": 0, "expired": 0}
        if batch["results"] is None:
            counts["processing"] = len(batch["requests"])
        else:
            for line in batch["results"]:
                counts[line["result"]["type"]] += 1
        ended = batch["processing_status"] == "ended"
        return {
            "id": batch["id"],
            "type": "message_batch",
            "processing_status": batch["processing_status"],
            "request_counts": counts,
            "created_at": _stamp(batch["created_at"]),
            "expires_at": _stamp(batch["expires_at"]),
            "ended_at": _stamp(batch["ended_at"]),
            "cancel_initiated_at": _stamp(batch["cancel_initiated_at"]),
            "archived_at": None,
            "results_url": f"{base_url}/v1/messages/batches/{batch['id']}/results" if ended else None,
        }

    def list(self, base_url: str, *, limit: int = 20, after_id: str | None = None, before_id: str | None = None):
        """Newest first, as the API lists them; ``after_id``/``before_id`` page through that order."""
        with self._lock:
            ids = list(reversed(self._batches))
            if after_id in ids:
                ids = ids[ids.index(after_id) + 1 :]
            if before_id in ids:
                ids = ids[: ids.index(before_id)][-limit:]
            page = ids[:limit]
            data = [self._view(self._batches[batch_id], base_url) for batch_id in page]
        return {
            "data": data,
            "has_more": len(ids) > len(page),
            "first_id": page[0] if page else None,
            "last_id": page[-1] if page else None,
        }

    def cancel(self, batch_id: str, base_url: str) -> dict[str, Any]:
        with self._lock:
            batch = self._get(batch_id)
            if batch["processing_status"] == "in_progress":
                batch["processing_status"] = "canceling"
                batch["cancel_initiated_at"] = datetime.now(UTC)
            return self._view(batch, base_url)

    def delete(self, batch_id: str) -> dict[str, Any]:
        with self._lock:
            batch = self._get(batch_id)
            if batch["processing_status"] != "ended":
                raise bad(f"Batch {batch_id} cannot be deleted while it is processing; cancel it first.")
            del self._batches[batch_id]
        return {"id": batch_id, "type": "message_batch_deleted"}

    def results(self, batch_id: str) -> list[dict[str, Any]]:
        with self._lock:
            batch = self._get(batch_id)
            if batch["results"] is None:
                raise bad(f"Batch {batch_id} has not finished processing; its results are not available yet.")
            return copy.deepcopy(batch["results"])

    def pending(self) -> list[str]:
        with self._lock:
            return [b["id"] for b in self._batches.values() if b["processing_status"] in ("in_progress", "canceling")]

    def complete(self, batch_id: str, process: Processor) -> None:
        """Process every request of one batch (outside the lock: the processor calls responders) and end it."""
        with self._lock:
            batch = self._get(batch_id)
            if batch["processing_status"] == "ended":
                return
            canceling = batch["processing_status"] == "canceling"
            requests = batch["requests"]
            faults = dict(self.faults)
        lines = []
        for request in requests:
            custom_id = request["custom_id"]
            if canceling:
                result = {"type": "canceled"}
            elif custom_id in faults:
                result = faults[custom_id].result()
            else:
                result = process(request["params"])
            lines.append({"custom_id": custom_id, "result": result})
        with self._lock:
            batch["results"] = lines
            batch["processing_status"] = "ended"
            batch["ended_at"] = datetime.now(UTC)

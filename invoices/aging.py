"""Aging arithmetic shared by imports and demo data: which bucket an open balance falls in."""

import datetime
from decimal import Decimal

# The one definition of the aging buckets: (first day past due, last day or None, field). Imports, snapshots,
# the preview and demo data all use it (invoices.importing stays free of Django: this module is too).
BUCKET_BOUNDS: tuple[tuple[int, int | None, str], ...] = (
    (0, 30, "days_0_30"),
    (31, 60, "days_31_60"),
    (61, 90, "days_61_90"),
    (91, 120, "days_91_120"),
    (121, None, "days_over_120"),
)
BUCKETS: tuple[str, ...] = tuple(name for _, _, name in BUCKET_BOUNDS)
BUCKET_LABELS = dict(zip(BUCKETS, ["0-30", "31-60", "61-90", "91-120", "120+"], strict=True))


def bucket_for_days_overdue(days_overdue: int) -> str:
    """Not yet due counts as 0-30, as aging reports do."""
    for _, last, name in BUCKET_BOUNDS:
        if last is None or days_overdue <= last:
            return name
    raise AssertionError("the last bucket is open-ended")  # pragma: no cover


def aging_buckets(*, outstanding: Decimal, due_date: datetime.date, as_of: datetime.date) -> dict[str, Decimal]:
    buckets = dict.fromkeys(BUCKETS, Decimal("0.00"))
    buckets[bucket_for_days_overdue((as_of - due_date).days)] = outstanding
    return buckets

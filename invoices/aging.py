"""Aging arithmetic shared by imports and demo data: which bucket an open balance falls in."""

import datetime
from decimal import Decimal

BUCKETS = ("days_0_30", "days_31_60", "days_61_90", "days_91_120", "days_over_120")
BUCKET_LABELS = dict(zip(BUCKETS, ["0-30", "31-60", "61-90", "91-120", "120+"], strict=True))


def bucket_for_days_overdue(days_overdue: int) -> str:
    """Not yet due counts as 0-30, as aging reports do."""
    if days_overdue <= 30:
        return "days_0_30"
    if days_overdue <= 60:
        return "days_31_60"
    if days_overdue <= 90:
        return "days_61_90"
    if days_overdue <= 120:
        return "days_91_120"
    return "days_over_120"


def aging_buckets(*, outstanding: Decimal, due_date: datetime.date, as_of: datetime.date) -> dict[str, Decimal]:
    buckets = dict.fromkeys(BUCKETS, Decimal("0.00"))
    buckets[bucket_for_days_overdue((as_of - due_date).days)] = outstanding
    return buckets

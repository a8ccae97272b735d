"""What holds an email back, defined once for who-is-due, the run, recording a promise and the re-check at send time.

Each rule gives a sentence a collector reads on the account page, the review queue and the API, with money and
dates in the organization's locale: "Promise to pay until 20 Dec 2026", "The newest report is 12 days old ...".
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.formatting import format_day, format_money
from accounts.models import Account, Organization

from .models import EmailDraft, PromiseToPay

S = EmailDraft.Status
# Drafts not sent yet, that a promise to pay takes out of the way.
UNSENT = (S.GENERATING, S.NEEDS_REVIEW, S.APPROVED, S.QUEUED)


class StaleReport(ValidationError):
    """The newest aging report is too old to ask anybody for money from."""


def report_age_days(*, snapshot_date: datetime.date, on_date: datetime.date) -> int:
    return (on_date - snapshot_date).days


def stale_report_reason(
    *, organization: Organization, snapshot_date: datetime.date | None, on_date: datetime.date
) -> str | None:
    """Why emails cannot go out from the report of ``snapshot_date`` on ``on_date``, or None when it is recent."""
    if snapshot_date is None:
        return None
    age = report_age_days(snapshot_date=snapshot_date, on_date=on_date)
    if age <= settings.STALE_REPORT_DAYS:
        return None
    day = format_day(snapshot_date, locale=organization.locale)
    return (f"The newest aging report ({day}) is {age} days old; emails are drafted and sent only from a report "
            f"at most {settings.STALE_REPORT_DAYS} days old. Import a newer one to send.")  # fmt: skip


def open_promise(*, account: Account, on_date: datetime.date) -> PromiseToPay | None:
    """The account's promise to pay whose date has not passed (the latest, when there are several)."""
    return PromiseToPay.objects.filter(account=account, promised_date__gte=on_date).order_by("-promised_date").first()


def promise_reason(promise: PromiseToPay, *, organization: Organization) -> str:
    amount = format_money(promise.amount, promise.account.currency, locale=organization.locale)
    return f"Promise to pay {amount} until {format_day(promise.promised_date, locale=organization.locale)}"


@transaction.atomic
def drafts_hold_for_promise(*, promise: PromiseToPay, actor=None) -> int:
    """Cancel every unsent draft of the promise's account, with the promise as the reason; how many."""
    from .delivery.state import draft_transition

    reason = promise_reason(promise, organization=promise.account.organization)
    cancelled = 0
    drafts = EmailDraft.objects.select_for_update(of=("self",)).select_related("account__organization")
    for draft in drafts.filter(account_id=promise.account_id, status__in=UNSENT).order_by("pk"):
        draft_transition(draft, S.CANCELLED, actor=actor, reason=f"{reason}.")
        cancelled += 1
    return cancelled

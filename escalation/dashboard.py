"""The organization's dashboard, in a fixed number of queries whatever the size of the ledger."""

import datetime
from collections import Counter
from decimal import Decimal

from django.db.models import Sum

from accounts.formatting import format_money, format_month
from accounts.models import Account, Organization
from invoices.models import AgingSnapshotTotal, ImportBatch, Invoice, InvoiceAgingSnapshot

from .degree import accounts_due
from .models import EmailDraft

BUCKETS = InvoiceAgingSnapshot.BUCKET_FIELDS
BUCKET_LABELS = dict(zip(BUCKETS, ["0-30", "31-60", "61-90", "91-120", "120+"], strict=True))
BUCKET_COLOURS = dict(zip(BUCKETS, ["#7fb3d5", "#f7dc6f", "#f0a35e", "#e4704f", "#b03a2e"], strict=True))
CHART_WIDTH, CHART_HEIGHT = 640, 220


def _aging_by_date(organization: Organization, months: int = 12) -> list[dict]:
    # The totals per as-of date, kept by the imports: a dozen rows instead of summing every snapshot.
    rows = AgingSnapshotTotal.objects.filter(organization=organization).order_by("-snapshot_date")[:months]
    series = []
    for row in reversed(list(rows)):
        buckets = {name: getattr(row, name).quantize(Decimal("0.01")) for name in BUCKETS}
        series.append(
            {
                "date": row.snapshot_date,
                "buckets": buckets,
                "total": sum(buckets.values()),
                "invoices": row.invoice_count,
            }
        )
    return series


def _totals_by_currency(organization: Organization, series: list[dict]) -> list[dict]:
    """The latest report's buckets for each currency, and the change since the report before: amounts of different
    currencies are never added up. With one currency (the usual case) they are the kept totals per date; only an
    organization with several reads the snapshots of those two dates (about as long as the who-is-due report)."""
    dates = [point["date"] for point in series[-2:]]
    currencies = list(Account.objects.filter(organization=organization).values_list("currency", flat=True)
                      .order_by("currency").distinct()[:2])  # fmt: skip
    if not dates:
        return []
    if len(currencies) <= 1:
        latest, before = series[-1], series[-2] if len(series) > 1 else None
        now = {**latest["buckets"], "total": latest["total"]}
        change = None
        if before is not None:
            change = {name: latest["buckets"][name] - before["buckets"][name] for name in BUCKETS}
            change["total"] = latest["total"] - before["total"]
        return [{"currency": currencies[0] if currencies else organization.default_currency, "now": now,
                 "change": change}]  # fmt: skip
    rows = (
        InvoiceAgingSnapshot.objects.filter(invoice__organization=organization, snapshot_date__in=dates)
        .values_list("snapshot_date", "invoice__account__currency")
        .annotate(**{name: Sum(name) for name in BUCKETS})
        .order_by()
    )
    by_date: dict = {}
    for snapshot_date, currency, *amounts in rows:
        buckets = {
            name: (amount or Decimal(0)).quantize(Decimal("0.01"))
            for name, amount in zip(BUCKETS, amounts, strict=True)
        }
        by_date.setdefault(snapshot_date, {})[currency] = {**buckets, "total": sum(buckets.values())}
    latest = by_date.get(dates[-1], {}) if dates else {}
    before = by_date.get(dates[0], {}) if len(dates) > 1 else None
    totals = []
    for currency in sorted(latest):
        now = latest[currency]
        change = None
        if before is not None:
            then = before.get(currency, dict.fromkeys([*BUCKETS, "total"], Decimal("0.00")))
            change = {name: now[name] - then[name] for name in [*BUCKETS, "total"]}
        totals.append({"currency": currency, "now": now, "change": change})
    return totals


def aging_chart(series: list[dict], *, locale: str | None = None) -> dict:
    """Stacked bars as SVG rectangles: drawn on the server, no script and no CDN; labels in ``locale``."""
    if not series:
        return {"bars": [], "width": CHART_WIDTH, "height": CHART_HEIGHT}
    peak = max((point["total"] for point in series), default=Decimal(1)) or Decimal(1)
    slot = CHART_WIDTH / len(series)
    bars = []
    for index, point in enumerate(series):
        y = CHART_HEIGHT - 20
        rects = []
        for name in BUCKETS:
            value = max(point["buckets"][name], Decimal(0))
            height = float(value / peak) * (CHART_HEIGHT - 30)
            y -= height
            rects.append(
                {
                    "y": round(y, 1),
                    "height": round(height, 1),
                    "colour": BUCKET_COLOURS[name],
                    "label": f"{BUCKET_LABELS[name]} days: {format_money(value, locale=locale)}",
                }
            )
        bars.append(
            {
                "x": round(index * slot + slot * 0.15, 1),
                "width": round(slot * 0.7, 1),
                "rects": rects,
                "label": format_month(point["date"], locale=locale),
                "label_x": round(index * slot + slot / 2, 1),
            }
        )
    return {"bars": bars, "width": CHART_WIDTH, "height": CHART_HEIGHT}


def dashboard_summary(*, organization: Organization, on_date: datetime.date) -> dict:
    series = _aging_by_date(organization)
    latest = series[-1] if series else None
    previous = series[-2] if len(series) > 1 else None
    change = None
    if latest and previous:
        change = {name: latest["buckets"][name] - previous["buckets"][name] for name in BUCKETS}
        change["total"] = latest["total"] - previous["total"]

    dso = None
    if latest:
        # Days sales outstanding: what is owed, in days of the last 90 days' invoicing.
        window_start = latest["date"] - datetime.timedelta(days=90)
        billed = Invoice.objects.filter(
            organization=organization, invoice_date__gt=window_start, invoice_date__lte=latest["date"]
        ).aggregate(total=Sum("invoice_amount"))["total"]
        if billed:
            dso = round(latest["total"] / billed * 90)

    report = accounts_due(organization=organization, on_date=on_date)
    standing = [*report.due, *report.skipped]
    degrees = Counter(item.degree for item in standing)
    top = sorted(standing, key=lambda item: (item.oldest_days_overdue, item.total_due), reverse=True)[:10]
    due_ids = {item.account_id for item in report.due}
    return {
        "latest": latest,
        "previous": previous,
        "change": change,
        "series": series,
        "chart": aging_chart(series, locale=organization.locale),
        "bucket_labels": BUCKET_LABELS,
        "dso": dso,
        "degrees": [(degree, degrees.get(degree, 0)) for degree in range(0, 6)],
        # A due account's reason repeats its days overdue; what a reader needs is whether it is held, and why.
        "top_overdue": [(item, "due an email" if item.account_id in due_ids else item.reason) for item in top],
        "by_currency": _totals_by_currency(organization, series),
        "bucket_colours": [(BUCKET_LABELS[name], BUCKET_COLOURS[name]) for name in BUCKETS],
        "due": report.due,
        "skip_reasons": Counter(item.reason.split(" (")[0].split(" by ")[0] for item in report.skipped).most_common(),
        "to_review": EmailDraft.objects.filter(
            organization=organization, status=EmailDraft.Status.NEEDS_REVIEW
        ).count(),
        "recent_imports": list(ImportBatch.objects.filter(organization=organization).order_by("-created_at")[:5]),
        "recent_sends": list(
            EmailDraft.objects.filter(organization=organization, status=EmailDraft.Status.SENT)
            .select_related("account")
            .order_by("-sent_at")[:5]
        ),
    }

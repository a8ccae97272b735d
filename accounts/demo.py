"""Demo data: an organization, a login, one template per escalation degree, and a few dozen accounts
with two month-end aging snapshots. Deterministic (seeded), so every demo looks the same."""

import csv
import datetime
import io
import random
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.models import Account, Contact, Membership, Organization, Role
from invoices.aging import aging_buckets
from invoices.models import Invoice, InvoiceAgingSnapshot
from templates_app.services import template_version_create

DEMO_SLUG = "demo"
DEMO_USERNAME = "demo"

# One template per escalation degree 1-5 (degree 0, nothing overdue, sends nothing).
DEFAULT_TEMPLATES = {
    "friendly-reminder": {
        "subject": "A friendly reminder about your open balance with us",
        "tone": "friendly",
        "guidance": "Assume the invoice was overlooked. Be warm and brief; thank them for their business.",
        "required_elements": ["total due", "each invoice number and due date", "how to pay"],
        "sign_off": "Kind regards",
    },
    "firm-reminder": {
        "subject": "Your account is past due",
        "tone": "firm",
        "guidance": "Polite but clear: payment is now more than a month late. Ask for a payment date.",
        "required_elements": ["total due", "each invoice number and days overdue", "how to pay", "ask for a date"],
        "sign_off": "Regards",
    },
    "urgent-notice": {
        "subject": "Urgent: overdue invoices on your account",
        "tone": "urgent",
        "guidance": "Payment is two months late. State the facts plainly and ask for payment within 7 days.",
        "required_elements": ["total due", "each invoice number and days overdue", "how to pay", "7-day deadline"],
        "sign_off": "Regards",
    },
    "final-notice": {
        "subject": "Final notice before further action",
        "tone": "final",
        "guidance": "Serious and factual. Say that the account will be referred if unpaid in 10 days.",
        "required_elements": ["total due", "each invoice number", "10-day deadline", "what happens next"],
        "sign_off": "Sincerely",
    },
    "pre-collection": {
        "subject": "Notice of referral to collections",
        "tone": "formal",
        "guidance": "Formal notice that the debt will be referred to a collection agency. No threats beyond that.",
        "required_elements": ["total due", "each invoice number", "referral date", "how to pay to avoid it"],
        "sign_off": "Sincerely",
    },
}

COMPANIES = [
    ("Northwind Traders", "northwind"),
    ("Blue Heron Dental", "blueheron"),
    ("Quarry Lane Builders", "quarrylane"),
    ("Saltmarsh Cafe", "saltmarsh"),
    ("Kestrel Logistics LLC", "kestrel"),
    ("Orchard Vale Pharmacy", "orchardvale"),
    ("Lighthouse Veterinary", "lighthousevet"),
    ("Greystone Partners", "greystone"),
    ("Pinecrest Academy", "pinecrest"),
    ("Delmar Foods", "delmar"),
    ("Eastgate Clinics", "eastgate"),
    ("Albatross Charters", "albatross"),
    ("Coral Coast Ferries", "coralcoast"),
    ("Abbey Fields School", "abbeyfields"),
    ("Morrow & Sons Hardware", "morrow"),
    ("Juniper Street Bakery", "juniperbakery"),
    ("Red Cedar Architects", "redcedar"),
    ("Harbourside Marine", "harbourside"),
    ("Summit Ridge Outfitters", "summitridge"),
    ("Willow Creek Vets", "willowcreek"),
    ("Copperfield Printing", "copperfield"),
    ("Bramble & Thorn Florists", "brambleflorists"),
    ("Ironbridge Engineering", "ironbridge"),
    ("Meadowlark Nurseries", "meadowlark"),
    ("Tidewater Plumbing", "tidewater"),
    ("Foxglove Interiors", "foxglove"),
    ("Granite Peak Dental", "granitepeak"),
    ("Silverline Couriers", "silverline"),
    ("Oakhaven Care Home", "oakhaven"),
    ("Bluebell Childcare", "bluebell"),
    ("Stonegate Legal LLP", "stonegate"),
    ("Riverside Auto Repair", "riversideauto"),
    ("Lantern Hill Brewing", "lanternhill"),
    ("Pelican Bay Hotel", "pelicanbay"),
    ("Crescent Moon Yoga", "crescentmoon"),
    ("Hawthorn Electrical", "hawthorn"),
]
FIRST_NAMES = ["Maria", "Tomas", "Priya", "Ellen", "Jun", "Sofia", "Dana", "Lee", "Ana", "Omar", "Grace", "Nikhil"]
LAST_NAMES = ["Anders", "Okafor", "Raman", "Brody", "Park", "Lindqvist", "Whitfield", "Chambers", "Ruiz", "Haddad"]


SAMPLE_DIR_NAME = "demo"


@dataclass
class DemoResult:
    organization: Organization
    username: str
    password: str
    created: bool
    accounts: int
    invoices: int
    snapshots: int
    sample_file: str = ""


def _month_end_before(day: datetime.date) -> datetime.date:
    return day.replace(day=1) - datetime.timedelta(days=1)


@transaction.atomic
def demo_data_load(*, today: datetime.date | None = None, seed: int = 2025) -> DemoResult:
    """Create the demo organization (once) and (re)set the demo login's password, which is returned."""
    today = today or timezone.localdate()
    organization, created = Organization.objects.get_or_create(
        slug=DEMO_SLUG, defaults={"name": "Fineman West Demo Co.", "default_currency": "USD"}
    )
    user, _ = get_user_model().objects.get_or_create(username=DEMO_USERNAME, defaults={"email": "demo@localhost"})
    password = secrets.token_urlsafe(9)
    user.set_password(password)
    user.save()
    Membership.objects.update_or_create(user=user, defaults={"organization": organization, "role": Role.AR_ADMIN})

    if created:
        for identifier, data in DEFAULT_TEMPLATES.items():
            template_version_create(organization=organization, identifier=identifier, data=data, activate=True)
        _load_ledger(organization, today=today, rng=random.Random(seed), user=user)
        from replies.demo import demo_replies_load

        demo_replies_load(organization=organization, today=today)  # sample replies in the inbox

    sample = demo_sample_aging_file(organization=organization, as_of=today, rng=random.Random(seed + 1))
    return DemoResult(
        sample_file=str(sample),
        organization=organization,
        username=user.username,
        password=password,
        created=created,
        accounts=Account.objects.filter(organization=organization).count(),
        invoices=Invoice.objects.filter(organization=organization).count(),
        snapshots=InvoiceAgingSnapshot.objects.filter(invoice__organization=organization).count(),
    )


# The demo's client IDs and invoice numbers are its own ("DEMO-1001", "FWD-10001"): the sample exports kept for
# trying the importer (C-1001, INV-24017, CM-0031 ...) must import into the demo as new customers, not clash.
CLIENT_ID_PREFIX, INVOICE_PREFIX = "DEMO-", "FWD-"


def _load_ledger(organization: Organization, *, today: datetime.date, rng: random.Random, user=None) -> None:
    """Two month-end aging reports, imported through the importer as a collector would (so the Imports page lists
    them and every figure of the dashboard comes from them), then a few extra contacts."""
    latest = _month_end_before(today)
    previous = _month_end_before(latest)
    invoice_number = 10000
    reports: dict[datetime.date, list[dict]] = {previous: [], latest: []}
    extra_contacts = []
    for index, (name, domain) in enumerate(COMPANIES):
        account = Account(organization=organization, client_id=f"{CLIENT_ID_PREFIX}{1001 + index}",
                          account_name=name, currency="USD")  # fmt: skip
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        billing = Contact(account=account, first_name=first, last_name=last, email=f"ap@{domain}.example",
                          phone=f"+1 206 555 {rng.randint(100, 9999):04d}", is_billing=True)  # fmt: skip
        if rng.random() < 0.4:
            extra_contacts.append(
                (account.client_id, rng.choice(FIRST_NAMES), last, f"{first.lower()}@{domain}.example")
            )
        # Most customers owe a little; a few are far behind.
        max_age = rng.choice([20, 45, 75, 110, 160, 200])
        for _ in range(rng.randint(1, 4)):
            invoice_number += 1
            invoice_date = latest - datetime.timedelta(days=rng.randint(5, max_age + 30))
            due_date = invoice_date + datetime.timedelta(days=30)
            amount = Decimal(rng.randint(120_00, 15_000_00)) / 100
            paid_since_previous = invoice_date <= previous and rng.random() < 0.25
            for as_of in (previous, latest):
                if invoice_date > as_of or (paid_since_previous and as_of == latest):
                    continue  # not issued yet, or paid: the report no longer lists it
                reports[as_of].append(_sample_row(account, {None: billing}, f"{INVOICE_PREFIX}{invoice_number}",
                                                  invoice_date, due_date, amount, as_of, billing=billing))  # fmt: skip
    for as_of, rows in reports.items():
        _import_report(organization, user=user, as_of=as_of, rows=rows)
    accounts = dict(Account.objects.filter(organization=organization).values_list("client_id", "pk"))
    for client_id, first, last, email in extra_contacts:
        Contact.objects.create(account_id=accounts[client_id], first_name=first, last_name=last, email=email)


def _import_report(organization: Organization, *, user, as_of: datetime.date, rows: list[dict]) -> None:
    from django.core.files.base import ContentFile

    from invoices.canonical_template import COLUMNS
    from invoices.import_services import import_batch_confirm, import_batch_create

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    name = f"demo-aging-report-{as_of.isoformat()}.csv"
    upload = ContentFile(buffer.getvalue().encode(), name=name)
    batch = import_batch_create(organization=organization, uploaded_by=user, file=upload, file_name=name)
    if not batch.can_confirm:
        raise RuntimeError(f"The demo report of {as_of} does not import: {batch.failure or batch.issues[:3]}")
    import_batch_confirm(batch=batch, actor=user)


def demo_sample_aging_file(*, organization: Organization, as_of: datetime.date, rng: random.Random):
    """Write this month's aging report for the demo customers (canonical CSV) to try the import with:
    most open invoices again, some paid since (missing), a few new ones."""
    from django.conf import settings

    from invoices.canonical_template import COLUMNS

    path = settings.VAR_DIR / SAMPLE_DIR_NAME / f"aging-report-{as_of.isoformat()}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = []
    billing = {c.account_id: c for c in Contact.objects.filter(account__organization=organization, is_billing=True)}
    invoices = Invoice.objects.open().filter(organization=organization).select_related("account")
    for invoice in invoices.order_by("account__client_id", "invoice_no"):
        if rng.random() < 0.2:
            continue  # paid since the last report
        rows.append(_sample_row(invoice.account, billing, invoice.invoice_no, invoice.invoice_date,
                                invoice.due_date, invoice.invoice_amount, as_of))  # fmt: skip
    accounts = list(Account.objects.filter(organization=organization).order_by("client_id")[:8])
    for n, account in enumerate(accounts):
        invoice_date = as_of - datetime.timedelta(days=rng.randint(1, 20))
        amount = Decimal(rng.randint(150_00, 4_000_00)) / 100
        rows.append(_sample_row(account, billing, f"{INVOICE_PREFIX}NEW-{n + 1:03d}", invoice_date,
                                invoice_date + datetime.timedelta(30), amount, as_of))  # fmt: skip
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _sample_row(account, billing_contacts, invoice_no, invoice_date, due_date, amount, as_of, billing=None) -> dict:
    billing = billing or billing_contacts.get(account.pk) or Contact(account=account)
    return {
        "client_id": account.client_id, "account_name": account.account_name,
        "contact_first_name": billing.first_name, "contact_last_name": billing.last_name,
        "contact_email": billing.email, "contact_phone": billing.phone,
        "invoice_no": invoice_no, "invoice_date": invoice_date.isoformat(), "due_date": due_date.isoformat(),
        "invoice_amount": str(amount), "total_outstanding": str(amount),
        **{k: str(v) for k, v in aging_buckets(outstanding=amount, due_date=due_date, as_of=as_of).items()},
        "snapshot_date": as_of.isoformat(), "currency": account.currency,
    }  # fmt: skip

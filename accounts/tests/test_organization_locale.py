"""Money and dates on the pages as the organization's locale writes them; CSV exports stay machine-readable."""

import csv
import datetime
import io
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organization
from accounts.tests.factories import OrganizationFactory
from escalation.tests.ledger import owing_account

pytestmark = pytest.mark.django_db

NNBSP, NBSP = "\u202f", "\u00a0"  # French groups thousands with a narrow no-break space, and spaces the symbol


@pytest.mark.parametrize(
    ("locale", "currency", "amount", "due_date"),
    [
        ("en-US", "USD", "$4,820.00", "Jan 31, 2025"),
        ("en-GB", "GBP", "£4,820.00", "31 Jan 2025"),
        ("de-DE", "EUR", f"4.820,00{NBSP}€", "31.01.2025"),
        ("fr-FR", "EUR", f"4{NNBSP}820,00{NBSP}€", "31 janv. 2025"),
    ],
)
def test_the_account_page_writes_money_and_dates_in_the_organizations_locale(
    client_for, collector, organization, locale, currency, amount, due_date
):
    Organization.objects.filter(pk=organization.pk).update(locale=locale)
    account = owing_account(organization, days_overdue=31, amount="4820.00", name="Northwind", currency=currency)
    page = client_for(collector).get(reverse("account-detail", args=[account.pk])).content.decode()
    invoice_row = re.search(r"<tr>\s*<td>INV-\d+</td>.*?</tr>", page, re.S).group(0)
    assert amount in invoice_row and due_date in invoice_row
    assert "4820" not in invoice_row.replace(amount, "")  # no unformatted copy of the amount


def test_the_accounts_list_and_its_csv(client_for, collector, organization):
    Organization.objects.filter(pk=organization.pk).update(locale="de-DE")
    owing_account(organization, days_overdue=100, amount="12345.60", name="Northwind", currency="EUR")
    client = client_for(collector)
    assert f"12.345,60{NBSP}€" in client.get(reverse("account-list")).content.decode()
    response = client.get(reverse("account-list"), {"format": "csv"})
    (row,) = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert (row["total_outstanding"], row["oldest_due_date"]) == ("12345.60", "2024-11-23")


def test_each_user_sees_their_own_organizations_locale(client, collector, organization):
    from accounts.tests.factories import MembershipFactory

    german = OrganizationFactory(locale="de-DE")
    owing_account(organization, days_overdue=100, amount="12345.60", name="Ours")
    owing_account(german, days_overdue=100, amount="12345.60", name="Theirs", currency="EUR")
    client.force_login(MembershipFactory(organization=german).user)
    assert f"12.345,60{NBSP}€" in client.get(reverse("account-list")).content.decode()
    client.force_login(collector)
    page = client.get(reverse("account-list")).content.decode()
    assert "$12,345.60" in page and "12.345,60" not in page


def test_a_locale_is_stored_in_its_canonical_form_and_an_unknown_one_is_refused():
    organization = OrganizationFactory(locale="en_gb")
    organization.refresh_from_db()
    assert organization.locale == "en-GB"
    assert OrganizationFactory().locale == "en-US"  # settings.DEFAULT_LOCALE
    with pytest.raises(ValidationError, match="not a locale"):
        Organization(name="X", slug="x", locale="xx-YY").full_clean()
    with transaction.atomic(), pytest.raises(IntegrityError):
        Organization.objects.filter(pk=organization.pk).update(locale="english")


def test_the_default_locale_comes_from_the_setting(settings):
    settings.DEFAULT_LOCALE = "fr_FR"
    assert OrganizationFactory().locale == "fr-FR"


def test_the_operator_sets_the_locale_in_the_back_office(client_for, superuser, organization):
    url = reverse("admin:accounts_organization_change", args=[organization.pk])
    form = client_for(superuser).get(url).context["adminform"].form
    data = {**form.initial, "locale": "de-DE"}
    response = client_for(superuser).post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    organization.refresh_from_db()
    assert organization.locale == "de-DE"


def test_the_promise_message_and_the_timeline_use_the_locale(client_for, collector, organization):
    Organization.objects.filter(pk=organization.pk).update(locale="en-GB")
    account = owing_account(organization, days_overdue=45, name="Northwind", currency="GBP")
    promised = timezone.localdate() + datetime.timedelta(days=7)
    url = reverse("account-promise", args=[account.pk])
    response = client_for(collector).post(url, {"promised_date": promised.isoformat(), "amount": "500"}, follow=True)
    page = response.content.decode()
    day = f"{promised.day} {promised:%b} {promised.year}"
    assert f"Promise recorded: no emails until {day}." in page
    assert f"£500.00 by {day}" in re.search(r'<ol class="timeline">(.*?)</ol>', page, re.S).group(1)


TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_pages_format_money_and_dates_only_through_the_localized_filter():
    by_hand = {}
    for path in TEMPLATES.rglob("*.html"):
        if path.parent.name == "emails":
            continue  # emails are written in the template's words, checked against the ledger as they are
        text = path.read_text(encoding="utf-8")
        # Machine-readable dates in attributes (<time datetime>, <input min>) are fine.
        found = re.findall(r"\|floatformat|\|intcomma|\|date(?!:'c')(?!:'Y-m-d')", text)
        if found:
            by_hand[path.relative_to(TEMPLATES).as_posix()] = found
    assert by_hand == {}


def test_the_dashboard_chart_speaks_the_organizations_locale(client_for, collector, organization):
    Organization.objects.filter(pk=organization.pk).update(locale="de-DE")
    owing_account(organization, days_overdue=100, amount="12345.60", name="Northwind")

    chart = client_for(collector).get(reverse("home")).context["summary"]["chart"]

    labels = [rect["label"] for bar in chart["bars"] for rect in bar["rects"]]
    assert "91-120 days: 12.345,60" in labels
    assert [bar["label"] for bar in chart["bars"]] == ["Feb. 25"]  # the ledger's snapshot, 28 Feb 2025

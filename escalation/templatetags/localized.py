"""Money and dates on every page in the organization's locale: ``{% load localized %}``.

``{{ invoice.total_outstanding|localized:account.currency }}`` -> "$4,820.00" (en-US), "4.820,00 €" (de-DE, EUR);
without a currency, a total across currencies: "4,820.00". ``{{ invoice.due_date|localized }}`` -> "Mar 31, 2025",
``{{ event.created_at|localized }}`` -> "Mar 31, 2025, 2:05 PM" in the current time zone. Empty for None, so
``|default:"—"`` works. base.html wraps every page in ``{% organization_locale %}``, which picks the locale.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django import template

from accounts.formatting import format_count, format_day, format_moment, format_money, locale_activated
from accounts.tenancy import user_organization

register = template.Library()


@register.filter(expects_localtime=True)
def localized(value, currency: str = "") -> str:
    """A date, a date and time, or an amount of money (in ``currency`` when given) as the active locale writes it.

    ISO dates and numbers kept as text (the JSON of an import's preview) are read first.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            try:
                value = Decimal(value)
            except InvalidOperation:
                return value
    if isinstance(value, datetime.datetime):
        return format_moment(value)
    if isinstance(value, datetime.date):
        return format_day(value)
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return format_money(value, currency or "")
    return str(value)


@register.filter
def count(value) -> str:
    """A number of things (rows, invoices) with the active locale's grouping: "1,535", "1.535"."""
    if value is None or value == "":
        return ""
    try:
        return format_count(int(value))
    except (TypeError, ValueError):
        return str(value)


class OrganizationLocaleNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context) -> str:
        user = context.get("user")
        organization = user_organization(user) if user is not None else None
        with locale_activated(organization.locale if organization is not None else None):
            return self.nodelist.render(context)


@register.tag
def organization_locale(parser, token):
    """``{% organization_locale %}...{% endorganization_locale %}``: the block formats in the locale of the signed-in
    user's organization (the default locale for anyone else), like Django's own ``{% language %}``."""
    nodelist = parser.parse(("endorganization_locale",))
    parser.delete_first_token()
    return OrganizationLocaleNode(nodelist)

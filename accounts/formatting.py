"""Money and dates as an organization's locale writes them, from Babel's CLDR data.

Pages format through one template filter, ``localized`` (escalation/templatetags/localized.py), in the locale that
``locale_activated`` makes active while a page renders: the organization's (Organization.locale), else
settings.DEFAULT_LOCALE. CSV exports, emails and the API keep plain machine-readable values.
"""

import contextlib
import copy
import datetime
from collections.abc import Iterator
from contextvars import ContextVar
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time, get_datetime_format
from babel.numbers import format_currency, format_decimal
from django.conf import settings

_active_locale: ContextVar[str | None] = ContextVar("format_locale", default=None)


@lru_cache(maxsize=64)
def babel_locale(tag: str) -> Locale:
    """The Babel locale of a language tag such as "en-US" or "de-DE"; ValueError for one Babel cannot format for."""
    try:
        return Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise ValueError(f"{tag!r} is not a locale we can format money and dates for.") from exc


def canonical_locale(tag: str) -> str:
    """ "en-us" -> "en-US", "zh-hant-tw" -> "zh-Hant-TW"; ValueError for an unknown locale."""
    return str(babel_locale(tag.strip())).replace("_", "-")


def default_locale() -> str:
    """settings.DEFAULT_LOCALE, written the way Organization.locale stores it ("en_US" -> "en-US")."""
    return canonical_locale(settings.DEFAULT_LOCALE.replace("_", "-"))


def active_locale() -> str:
    return _active_locale.get() or default_locale()


@contextlib.contextmanager
def locale_activated(tag: str | None) -> Iterator[None]:
    """Format in ``tag`` (None: the default locale) inside the block, in this thread or task only."""
    token = _active_locale.set(tag)
    try:
        yield
    finally:
        _active_locale.reset(token)


def format_money(amount: Decimal | int | float, currency: str = "", *, locale: str | None = None) -> str:
    """``amount`` with the locale's grouping and decimal separator, and the currency's symbol where it is given
    ("$1,234.50", "1.234,50 €"). Without a currency (a total across currencies), the number with two decimals."""
    parsed = babel_locale(locale or active_locale())
    if currency:
        return format_currency(amount, currency, locale=parsed)
    pattern = copy.copy(parsed.decimal_formats[None])
    pattern.frac_prec = (2, 2)
    return pattern.apply(Decimal(str(amount)), parsed)


def format_count(number: int, *, locale: str | None = None) -> str:
    """A count with the locale's grouping: "1,535" (en-US), "1.535" (de-DE)."""
    return format_decimal(number, locale=babel_locale(locale or active_locale()))


def format_day(day: datetime.date, *, locale: str | None = None) -> str:
    """The locale's medium date: "Mar 31, 2025", "31 Mar 2025", "31.03.2025", "31 mars 2025"."""
    return format_date(day, "medium", locale=babel_locale(locale or active_locale()))


def format_month(day: datetime.date, *, locale: str | None = None) -> str:
    """A month for a chart's axis: "Mar 25", "März 25", "mars 25"."""
    return format_date(day, "MMM yy", locale=babel_locale(locale or active_locale()))


def format_moment(moment: datetime.datetime, *, locale: str | None = None) -> str:
    """A date and time of day as the locale joins them ("Mar 31, 2025, 2:05 PM", "31.03.2025, 14:05"); the caller
    converts it to the time zone to show first."""
    parsed = babel_locale(locale or active_locale())
    return (
        get_datetime_format("medium", locale=parsed)
        .replace("{1}", format_date(moment.date(), "medium", locale=parsed))
        .replace("{0}", format_time(moment.time(), "short", locale=parsed))
    )

"""Small helpers so the import's set-based SQL runs unchanged on PostgreSQL and SQLite."""

from datetime import date, datetime
from decimal import Decimal

from django.db import connection

STAGED = "invoices_stagedinvoicerow"
STAGED_CONTACTS = "invoices_stagedcontactrow"


def differs(left: str, right: str) -> str:
    """NULL-safe "is different" (two NULLs are equal)."""
    return f"{left} IS DISTINCT FROM {right}" if connection.vendor == "postgresql" else f"{left} IS NOT {right}"


def param(value):
    """Adapt a Python value for a raw query the way the ORM would for this database."""
    ops = connection.ops
    if isinstance(value, datetime):
        return ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return ops.adapt_datefield_value(value)
    return value


def fetch_one(sql: str, params: dict) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql, {k: param(v) for k, v in params.items()})
        return cursor.fetchone()


def fetch_all(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, {k: param(v) for k, v in params.items()})
        return cursor.fetchall()


def execute(sql: str, params: dict) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, {k: param(v) for k, v in params.items()})
        return cursor.rowcount


def money(value) -> str:
    """A sum from the database as a two-place string (SQLite sums NUMERIC columns as floats)."""
    if value is None:
        return "0.00"
    return str(Decimal(str(value)).quantize(Decimal("0.01")))

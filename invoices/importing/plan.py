"""The preview of an import: what it would change, computed in SQL from the staged rows.

Every figure here is recomputed inside the import's own transaction, so the report says exactly what
the import did, even if the ledger moved between preview and confirm.
"""

from datetime import date

from ..aging import BUCKETS
from .sql import STAGED, STAGED_CONTACTS, differs, fetch_all, fetch_one, money

LISTED = 50  # names listed in the preview; the count is always complete


def latest_as_of(*, organization_id: int) -> date | None:
    """The newest as-of date already imported for the organization."""
    (latest,) = fetch_one(
        """SELECT MAX(n.snapshot_date) FROM invoices_invoiceagingsnapshot n
           JOIN invoices_invoice i ON i.id = n.invoice_id WHERE i.organization_id = %(org)s""",
        {"org": organization_id},
    )
    if isinstance(latest, str):  # SQLite returns the raw text of an aggregate
        latest = date.fromisoformat(latest)
    return latest


def ledger_state(*, organization_id: int) -> str:
    """A fingerprint of what a plan reads from the ledger: if it is the same at confirm as at preview, the
    preview is still exactly what the import will do, and is not computed again. Every write to these tables
    moves a count or a newest ``updated_at``; snapshots only come with a completed import."""
    row = fetch_one(
        """SELECT (SELECT COUNT(*) FROM invoices_invoice WHERE organization_id = %(org)s),
                  (SELECT MAX(updated_at) FROM invoices_invoice WHERE organization_id = %(org)s),
                  (SELECT COUNT(*) FROM accounts_account WHERE organization_id = %(org)s),
                  (SELECT MAX(updated_at) FROM accounts_account WHERE organization_id = %(org)s),
                  (SELECT COUNT(*) FROM accounts_contact c JOIN accounts_account a ON a.id = c.account_id
                   WHERE a.organization_id = %(org)s),
                  (SELECT MAX(c.updated_at) FROM accounts_contact c JOIN accounts_account a ON a.id = c.account_id
                   WHERE a.organization_id = %(org)s),
                  (SELECT COUNT(*) FROM accounts_accountalias WHERE organization_id = %(org)s),
                  (SELECT MAX(id) FROM invoices_importbatch
                   WHERE organization_id = %(org)s AND status = 'completed')""",
        {"org": organization_id},
    )
    return "|".join(str(value) for value in row)


def staged_rows(*, batch_id: int) -> int:
    (rows,) = fetch_one(f"SELECT COUNT(*) FROM {STAGED} WHERE batch_id = %(batch)s", {"batch": batch_id})
    return rows


def invoice_import_plan(*, batch_id: int, organization_id: int, as_of: date, complete: bool) -> dict:
    p = {"batch": batch_id, "org": organization_id, "as_of": as_of}
    latest = latest_as_of(organization_id=organization_id)
    is_newest = latest is None or as_of >= latest

    (rows,) = fetch_one(f"SELECT COUNT(*) FROM {STAGED} WHERE batch_id = %(batch)s", p)

    new_accounts, changed_accounts, same_accounts = fetch_one(
        f"""SELECT COALESCE(SUM(CASE WHEN a.id IS NULL THEN 1 ELSE 0 END), 0),
                   COALESCE(SUM(CASE WHEN a.id IS NOT NULL AND a.account_name <> f.account_name THEN 1 ELSE 0 END), 0),
                   COALESCE(SUM(CASE WHEN a.id IS NOT NULL AND a.account_name = f.account_name THEN 1 ELSE 0 END), 0)
            FROM (SELECT client_id, MIN(account_name) AS account_name FROM {STAGED}
                  WHERE batch_id = %(batch)s GROUP BY client_id) f
            LEFT JOIN accounts_account a ON a.organization_id = %(org)s AND a.client_id = f.client_id""",
        p,
    )
    (new_parents,) = fetch_one(
        f"""SELECT COUNT(*) FROM (SELECT DISTINCT parent_name FROM {STAGED}
                                  WHERE batch_id = %(batch)s AND parent_name <> '') p
            WHERE NOT EXISTS (SELECT 1 FROM accounts_account a
                              WHERE a.organization_id = %(org)s AND a.client_id = p.parent_name)
              AND NOT EXISTS (SELECT 1 FROM {STAGED} s WHERE s.batch_id = %(batch)s AND s.client_id = p.parent_name)""",
        p,
    )

    invoice_changed = " OR ".join(
        [
            "i.invoice_date <> s.invoice_date",
            differs("i.due_date", "s.due_date"),
            "i.invoice_amount <> s.invoice_amount",
            "i.total_outstanding <> s.total_outstanding",
            "i.closed_at IS NOT NULL",
        ]
    )
    new_invoices, changed_invoices, reopened, same_invoices, new_snapshots = fetch_one(
        f"""SELECT COALESCE(SUM(CASE WHEN i.id IS NULL THEN 1 ELSE 0 END), 0),
                   COALESCE(SUM(CASE WHEN i.id IS NOT NULL AND ({invoice_changed}) THEN 1 ELSE 0 END), 0),
                   COALESCE(SUM(CASE WHEN i.closed_at IS NOT NULL THEN 1 ELSE 0 END), 0),
                   COALESCE(SUM(CASE WHEN i.id IS NOT NULL AND NOT ({invoice_changed}) THEN 1 ELSE 0 END), 0),
                   COALESCE(SUM(CASE WHEN n.id IS NULL THEN 1 ELSE 0 END), 0)
            FROM {STAGED} s
            LEFT JOIN invoices_invoice i ON i.organization_id = %(org)s AND i.invoice_no = s.invoice_no
            LEFT JOIN invoices_invoiceagingsnapshot n ON n.invoice_id = i.id AND n.snapshot_date = %(as_of)s
            WHERE s.batch_id = %(batch)s""",
        p,
    )
    if not is_newest:
        # An older report adds history only: it neither edits, reopens nor closes invoices.
        same_invoices, changed_invoices, reopened = same_invoices + changed_invoices, 0, 0

    to_close = 0
    if complete and is_newest:
        (to_close,) = fetch_one(
            f"""SELECT COUNT(*) FROM invoices_invoice i
                WHERE i.organization_id = %(org)s AND i.closed_at IS NULL
                  AND NOT EXISTS (
                      SELECT 1 FROM {STAGED} s WHERE s.batch_id = %(batch)s AND s.invoice_no = i.invoice_no)""",
            p,
        )

    contact_changed = " OR ".join(
        f"(s.{staged} <> '' AND c.{live} <> s.{staged})"
        for staged, live in [("contact_first_name", "first_name"), ("contact_last_name", "last_name"),
                             ("contact_phone", "phone")]
    )  # fmt: skip
    new_contacts, changed_contacts, same_contacts = fetch_one(
        f"""SELECT COALESCE(SUM(CASE WHEN c.id IS NULL THEN 1 ELSE 0 END), 0),
                   COALESCE(SUM(CASE WHEN c.id IS NOT NULL AND ({contact_changed}) THEN 1 ELSE 0 END), 0),
                   COALESCE(SUM(CASE WHEN c.id IS NOT NULL AND NOT ({contact_changed}) THEN 1 ELSE 0 END), 0)
            FROM {STAGED} s
            JOIN (SELECT MIN(id) AS id FROM {STAGED} WHERE batch_id = %(batch)s AND contact_email <> ''
                  GROUP BY client_id, contact_email) first_row ON first_row.id = s.id
            LEFT JOIN accounts_account a ON a.organization_id = %(org)s AND a.client_id = s.client_id
            LEFT JOIN accounts_contact c ON c.account_id = a.id AND c.email = s.contact_email""",
        p,
    )

    totals = fetch_one(
        f"SELECT {', '.join(f'SUM({b})' for b in BUCKETS)}, SUM(total_outstanding) FROM {STAGED} "
        "WHERE batch_id = %(batch)s",
        p,
    )
    # Payments and journal entries without a number: unapplied credits (negative) or debits of their accounts.
    unapplied_count, unapplied_credits, unapplied_debits = fetch_one(
        f"""SELECT COUNT(*), SUM(CASE WHEN total_outstanding < 0 THEN total_outstanding ELSE 0 END),
                   SUM(CASE WHEN total_outstanding > 0 THEN total_outstanding ELSE 0 END)
            FROM {STAGED} WHERE batch_id = %(batch)s AND kind = 'unapplied'""",
        p,
    )
    without_billing = fetch_all(
        f"""SELECT f.account_name FROM
              (SELECT client_id, MIN(account_name) AS account_name,
                      MAX(CASE WHEN contact_email <> '' THEN 1 ELSE 0 END) AS has_email
               FROM {STAGED} WHERE batch_id = %(batch)s GROUP BY client_id) f
            LEFT JOIN accounts_account a ON a.organization_id = %(org)s AND a.client_id = f.client_id
            WHERE f.has_email = 0 AND NOT EXISTS (
                SELECT 1 FROM accounts_contact c WHERE c.account_id = a.id AND c.email <> '')
            ORDER BY f.account_name""",
        p,
    )
    return {
        "as_of": as_of.isoformat(),
        "latest_as_of": latest.isoformat() if latest else None,
        "is_newest": is_newest,
        "complete_report": complete,
        "rows": rows,
        "accounts": {"new": new_accounts + new_parents, "changed": changed_accounts if is_newest else 0,
                     "unchanged": same_accounts + (0 if is_newest else changed_accounts)},
        "contacts": {"new": new_contacts, "changed": changed_contacts, "unchanged": same_contacts},
        "invoices": {"new": new_invoices, "changed": changed_invoices, "unchanged": same_invoices,
                     "reopened": reopened, "to_close": to_close},
        "unapplied": {"count": unapplied_count, "credits": money(unapplied_credits), "debits": money(unapplied_debits)},
        "snapshots": {"new": new_snapshots, "already_imported": rows - new_snapshots},
        "bucket_totals": {**{b: money(v) for b, v in zip(BUCKETS, totals[:5], strict=True)},
                          "total_outstanding": money(totals[5])},
        "accounts_without_billing_email": {"count": len(without_billing),
                                           "names": [name for (name,) in without_billing[:LISTED]]},
    }  # fmt: skip


def invoice_import_row_errors(*, batch_id: int, organization_id: int) -> list[dict]:
    """Problems only the database can see: an invoice number that belongs to another account."""
    p = {"batch": batch_id, "org": organization_id}
    rows = fetch_all(
        f"""SELECT s.line, s.invoice_no, s.client_id, a.client_id FROM {STAGED} s
            JOIN invoices_invoice i ON i.organization_id = %(org)s AND i.invoice_no = s.invoice_no
            JOIN accounts_account a ON a.id = i.account_id
            WHERE s.batch_id = %(batch)s AND a.client_id <> s.client_id ORDER BY s.line""",
        p,
    )
    due_before_issue = fetch_all(
        f"""SELECT line, invoice_no, due_date FROM {STAGED}
            WHERE batch_id = %(batch)s AND due_date < invoice_date ORDER BY line""",
        p,
    )
    return [
        {"line": line, "column": "invoice_no", "value": invoice_no, "severity": "error", "leave_out": [line],
         "message": f"invoice {invoice_no} belongs to account '{owner}', not '{client_id}'"}
        for line, invoice_no, client_id, owner in rows
    ] + [
        {"line": line, "column": "due_date", "value": str(due), "severity": "error", "leave_out": [line],
         "message": f"due date is before the invoice date of {invoice_no}"}
        for line, invoice_no, due in due_before_issue
    ]  # fmt: skip


def contact_import_plan(*, batch_id: int, organization_id: int) -> dict:
    p = {"batch": batch_id, "org": organization_id}
    (rows,) = fetch_one(f"SELECT COUNT(DISTINCT line) FROM {STAGED_CONTACTS} WHERE batch_id = %(batch)s", p)
    new, changed, same, unknown = fetch_one(
        f"""SELECT COALESCE(SUM(CASE WHEN a.id IS NOT NULL AND c.id IS NULL AND s.email <> '' THEN 1 ELSE 0 END), 0),
                   COALESCE(SUM(CASE WHEN c.id IS NOT NULL AND (
                        (s.first_name <> '' AND c.first_name <> s.first_name) OR
                        (s.last_name <> '' AND c.last_name <> s.last_name) OR
                        (s.phone <> '' AND c.phone <> s.phone)) THEN 1 ELSE 0 END), 0),
                   COALESCE(SUM(CASE WHEN c.id IS NOT NULL AND NOT (
                        (s.first_name <> '' AND c.first_name <> s.first_name) OR
                        (s.last_name <> '' AND c.last_name <> s.last_name) OR
                        (s.phone <> '' AND c.phone <> s.phone)) THEN 1 ELSE 0 END), 0),
                   COALESCE(SUM(CASE WHEN a.id IS NULL THEN 1 ELSE 0 END), 0)
            FROM {STAGED_CONTACTS} s
            LEFT JOIN accounts_account a ON a.organization_id = %(org)s AND a.client_id = s.client_id
            LEFT JOIN accounts_contact c ON c.account_id = a.id AND c.email = s.email
            WHERE s.batch_id = %(batch)s""",
        p,
    )
    unknown_names = fetch_all(
        f"""SELECT DISTINCT s.client_id FROM {STAGED_CONTACTS} s
            WHERE s.batch_id = %(batch)s AND NOT EXISTS (
                SELECT 1 FROM accounts_account a WHERE a.organization_id = %(org)s AND a.client_id = s.client_id)
            ORDER BY s.client_id""",
        p,
    )
    return {
        "rows": rows,
        "contacts": {"new": new, "changed": changed, "unchanged": same},
        "customers_not_in_ledger": {"count": len(unknown_names), "names": [n for (n,) in unknown_names[:LISTED]]},
        "unmatched_rows": unknown,
    }

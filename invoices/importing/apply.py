"""Write a staged import into the ledger with a few set-based statements (the caller holds the transaction).

Order matters: parent accounts, accounts, their parents, contacts, billing contacts, invoices, snapshots,
what is derived from the snapshots of the report's date, then closing what the report no longer lists. Every
statement is an upsert or guarded update, so running the same staged batch twice changes nothing the second
time.
"""

from datetime import date, datetime

from .sql import STAGED, STAGED_CONTACTS, differs, execute

# A contact already on the account (same email) keeps its fields unless the file gives a new, non-empty value.
CONTACT_UPSERT = """ON CONFLICT (account_id, email) WHERE NOT (email = '') DO UPDATE SET
    first_name = CASE WHEN excluded.first_name <> '' THEN excluded.first_name ELSE accounts_contact.first_name END,
    last_name = CASE WHEN excluded.last_name <> '' THEN excluded.last_name ELSE accounts_contact.last_name END,
    phone = CASE WHEN excluded.phone <> '' THEN excluded.phone ELSE accounts_contact.phone END,
    updated_at = excluded.updated_at
WHERE (excluded.first_name <> '' AND excluded.first_name <> accounts_contact.first_name)
   OR (excluded.last_name <> '' AND excluded.last_name <> accounts_contact.last_name)
   OR (excluded.phone <> '' AND excluded.phone <> accounts_contact.phone)"""


def invoice_import_apply(
    *,
    batch_id: int,
    organization_id: int,
    default_currency: str,
    as_of: date,
    is_newest: bool,
    complete: bool,
    now: datetime,
) -> None:
    p = {
        "batch": batch_id, "org": organization_id, "currency": default_currency, "as_of": as_of, "now": now,
        "newest": is_newest, "no": False, "closed_if_older": None if is_newest else now,
    }  # fmt: skip

    # Sub-customers ("Parent:Child") hang under an account of their own; create parents that are missing.
    execute(
        f"""INSERT INTO accounts_account
                (organization_id, client_id, account_name, currency, escalation_paused, created_at, updated_at)
            SELECT %(org)s, parent_name, parent_name, %(currency)s, %(no)s, %(now)s, %(now)s
            FROM {STAGED} WHERE batch_id = %(batch)s AND parent_name <> '' GROUP BY parent_name
            ON CONFLICT (organization_id, client_id) DO NOTHING""",
        p,
    )
    execute(
        f"""INSERT INTO accounts_account
                (organization_id, client_id, account_name, currency, escalation_paused, created_at, updated_at)
            SELECT %(org)s, client_id, MIN(account_name), COALESCE(NULLIF(MIN(currency), ''), %(currency)s),
                   %(no)s, %(now)s, %(now)s
            FROM {STAGED} WHERE batch_id = %(batch)s GROUP BY client_id
            ON CONFLICT (organization_id, client_id) DO UPDATE
                SET account_name = excluded.account_name, updated_at = excluded.updated_at
                WHERE %(newest)s AND accounts_account.account_name <> excluded.account_name""",
        p,
    )
    execute(
        f"""UPDATE accounts_account SET parent_id = (
                SELECT parent.id FROM accounts_account parent
                WHERE parent.organization_id = %(org)s AND parent.client_id = (
                    SELECT MIN(s.parent_name) FROM {STAGED} s
                    WHERE s.batch_id = %(batch)s AND s.client_id = accounts_account.client_id))
            WHERE organization_id = %(org)s AND parent_id IS NULL AND client_id IN (
                SELECT client_id FROM {STAGED} WHERE batch_id = %(batch)s AND parent_name <> '')""",
        p,
    )

    # Contacts: one per (account, email), from the first row that names it.
    execute(
        f"""INSERT INTO accounts_contact
                (account_id, first_name, last_name, email, phone, is_billing, created_at, updated_at)
            SELECT a.id, s.contact_first_name, s.contact_last_name, s.contact_email, s.contact_phone, %(no)s,
                   %(now)s, %(now)s
            FROM {STAGED} s
            JOIN (SELECT MIN(id) AS id FROM {STAGED} WHERE batch_id = %(batch)s AND contact_email <> ''
                  GROUP BY client_id, contact_email) first_row ON first_row.id = s.id
            JOIN accounts_account a ON a.organization_id = %(org)s AND a.client_id = s.client_id
            WHERE s.batch_id = %(batch)s
            {CONTACT_UPSERT}""",
        p,
    )
    _assign_missing_billing_contacts(STAGED, "contact_email", p)

    execute(
        f"""INSERT INTO invoices_invoice
                (organization_id, account_id, kind, invoice_no, invoice_date, due_date, invoice_amount,
                 total_outstanding, is_disputed, closed_at, last_snapshot_date, created_at, updated_at)
            SELECT %(org)s, a.id, s.kind, s.invoice_no, s.invoice_date, s.due_date, s.invoice_amount,
                   s.total_outstanding, %(no)s, %(closed_if_older)s, %(as_of)s, %(now)s, %(now)s
            FROM {STAGED} s
            JOIN accounts_account a ON a.organization_id = %(org)s AND a.client_id = s.client_id
            WHERE s.batch_id = %(batch)s
            ON CONFLICT (organization_id, invoice_no) DO UPDATE SET
                invoice_date = excluded.invoice_date, due_date = excluded.due_date,
                invoice_amount = excluded.invoice_amount, total_outstanding = excluded.total_outstanding,
                closed_at = NULL, last_snapshot_date = excluded.last_snapshot_date, updated_at = excluded.updated_at
            WHERE %(newest)s AND (
                invoices_invoice.invoice_date <> excluded.invoice_date
                OR {differs("invoices_invoice.due_date", "excluded.due_date")}
                OR invoices_invoice.invoice_amount <> excluded.invoice_amount
                OR invoices_invoice.total_outstanding <> excluded.total_outstanding
                OR invoices_invoice.closed_at IS NOT NULL)""",
        p,
    )
    execute(
        f"""INSERT INTO invoices_invoiceagingsnapshot
                (invoice_id, snapshot_date, days_0_30, days_31_60, days_61_90, days_91_120, days_over_120,
                 import_batch_id, created_at)
            SELECT i.id, %(as_of)s, s.days_0_30, s.days_31_60, s.days_61_90, s.days_91_120, s.days_over_120,
                   %(batch)s, %(now)s
            FROM {STAGED} s
            JOIN invoices_invoice i ON i.organization_id = %(org)s AND i.invoice_no = s.invoice_no
            WHERE s.batch_id = %(batch)s
            ON CONFLICT (invoice_id, snapshot_date) DO NOTHING""",
        p,
    )
    snapshot_summaries_write(organization_id=organization_id, snapshot_date=as_of)
    if complete and is_newest:
        # Whatever a complete, newest report no longer lists has been paid.
        execute(
            f"""UPDATE invoices_invoice SET closed_at = %(now)s, updated_at = %(now)s
                WHERE organization_id = %(org)s AND closed_at IS NULL AND NOT EXISTS (
                    SELECT 1 FROM {STAGED} s
                    WHERE s.batch_id = %(batch)s AND s.invoice_no = invoices_invoice.invoice_no)""",
            p,
        )
    execute(f"DELETE FROM {STAGED} WHERE batch_id = %(batch)s", p)


def snapshot_summaries_write(*, organization_id: int, snapshot_date: date | None = None) -> None:
    """Bring what is derived from the organization's snapshots in line with them, for one as-of date or all:
    the aging totals of each date, and each invoice's newest snapshot date.

    Recomputed from the snapshots rather than added to, so a re-import of a date (which only adds the
    invoices that date did not list yet), an older report and a rebuild all give the same result.
    """
    p = {"org": organization_id, "date": snapshot_date}
    of_date = "" if snapshot_date is None else "AND snapshot_date = %(date)s"
    execute(f"DELETE FROM invoices_agingsnapshottotal WHERE organization_id = %(org)s {of_date}", p)
    execute(
        f"""INSERT INTO invoices_agingsnapshottotal
                (organization_id, snapshot_date, days_0_30, days_31_60, days_61_90, days_91_120, days_over_120,
                 invoice_count)
            SELECT %(org)s, snapshot_date, SUM(days_0_30), SUM(days_31_60), SUM(days_61_90), SUM(days_91_120),
                   SUM(days_over_120), COUNT(*)
            FROM invoices_invoiceagingsnapshot
            WHERE invoice_id IN (SELECT id FROM invoices_invoice WHERE organization_id = %(org)s) {of_date}
            GROUP BY snapshot_date""",
        p,
    )
    if snapshot_date is not None:
        # Only a later date moves an invoice's newest snapshot date: an older report leaves it. (An import has
        # set it already for the invoices it inserted or changed; these are the ones listed again unchanged.)
        execute(
            """UPDATE invoices_invoice SET last_snapshot_date = %(date)s
               WHERE organization_id = %(org)s
                 AND (last_snapshot_date IS NULL OR last_snapshot_date < %(date)s)
                 AND id IN (SELECT invoice_id FROM invoices_invoiceagingsnapshot WHERE snapshot_date = %(date)s)""",
            p,
        )
        return
    newest = "(SELECT MAX(snapshot_date) FROM invoices_invoiceagingsnapshot WHERE invoice_id = invoices_invoice.id)"
    execute(
        f"""UPDATE invoices_invoice SET last_snapshot_date = {newest}
            WHERE organization_id = %(org)s AND {differs("last_snapshot_date", newest)}""",
        p,
    )


def contact_import_apply(*, batch_id: int, organization_id: int, now: datetime) -> None:
    p = {"batch": batch_id, "org": organization_id, "now": now, "no": False}
    execute(
        f"""INSERT INTO accounts_contact
                (account_id, first_name, last_name, email, phone, is_billing, created_at, updated_at)
            SELECT a.id, s.first_name, s.last_name, s.email, s.phone, %(no)s, %(now)s, %(now)s
            FROM {STAGED_CONTACTS} s
            JOIN (SELECT MIN(id) AS id FROM {STAGED_CONTACTS} WHERE batch_id = %(batch)s AND email <> ''
                  GROUP BY client_id, email) first_row ON first_row.id = s.id
            JOIN accounts_account a ON a.organization_id = %(org)s AND a.client_id = s.client_id
            WHERE s.batch_id = %(batch)s
            {CONTACT_UPSERT}""",
        p,
    )
    _assign_missing_billing_contacts(STAGED_CONTACTS, "email", p)
    execute(f"DELETE FROM {STAGED_CONTACTS} WHERE batch_id = %(batch)s", p)


def _assign_missing_billing_contacts(staged: str, email_column: str, p: dict) -> None:
    """An account without a billing contact gets the first contact the file names for it."""
    execute(
        f"""UPDATE accounts_contact SET is_billing = %(yes)s, updated_at = %(now)s WHERE id IN (
                SELECT c.id FROM accounts_contact c
                JOIN accounts_account a ON a.id = c.account_id AND a.organization_id = %(org)s
                JOIN {staged} s ON s.id = (
                    SELECT MIN(s2.id) FROM {staged} s2
                    WHERE s2.batch_id = %(batch)s AND s2.client_id = a.client_id AND s2.{email_column} <> '')
                WHERE c.email = s.{email_column}
                  AND NOT EXISTS (
                      SELECT 1 FROM accounts_contact b WHERE b.account_id = c.account_id AND b.is_billing))""",
        {**p, "yes": True},
    )

"""Repeated invoice numbers and look-alike accounts, found in the staged rows of a batch.

In SQL over the staging table rather than while reading: the file is streamed, but a repeat is only told apart
(exact repeat, other figures, other customer) with both lines' values at hand, and the database has them.
"""

from .sql import STAGED, execute, fetch_all, money

# Compared to tell an exact repeat from a repeat with other figures (everything a row says but its line).
_COMPARED = (
    "client_id", "account_name", "parent_name", "invoice_date", "due_date", "invoice_amount", "total_outstanding",
    "days_0_30", "days_31_60", "days_61_90", "days_91_120", "days_over_120", "currency", "contact_first_name",
    "contact_last_name", "contact_email", "contact_phone", "kind",
)  # fmt: skip
_SHOWN = (("invoice_date", "date"), ("due_date", "due"), ("invoice_amount", "amount"),
          ("total_outstanding", "open balance"))  # fmt: skip
_DELETE_CHUNK = 500


def _shown(field: str, value) -> str:
    if value is None:
        return "—"
    return money(value) if field in ("invoice_amount", "total_outstanding") else str(value)


def _values(row: dict) -> str:
    shown = ", ".join(f"{label} {_shown(field, row[field])}" for field, label in _SHOWN)
    return f"{row['account_name']} ({row['client_id']}), {shown}"


def staged_duplicates(*, batch_id: int) -> list[dict]:
    """The issues of repeated invoice numbers; exact repeats are dropped from the staging table.

    Each error carries ``leave_out``: the lines the collector may choose to leave out (both lines of a conflict,
    since the file does not say which one is right). Numbers are unique per organization, so the same number
    under another customer is a conflict too.
    """
    columns = ", ".join(f"s.{c}, f.{c}" for c in _COMPARED)
    rows = fetch_all(
        f"""SELECT s.line, s.invoice_no, f.line, {columns}
            FROM {STAGED} s
            JOIN (SELECT invoice_no, MIN(line) AS line FROM {STAGED} WHERE batch_id = %(batch)s
                  GROUP BY invoice_no HAVING COUNT(*) > 1) d ON d.invoice_no = s.invoice_no AND s.line > d.line
            JOIN {STAGED} f ON f.batch_id = %(batch)s AND f.line = d.line
            WHERE s.batch_id = %(batch)s ORDER BY s.line""",
        {"batch": batch_id},
    )
    issues, exact = [], []
    for line, number, first_line, *pairs in rows:
        this = dict(zip(_COMPARED, pairs[0::2], strict=True))
        first = dict(zip(_COMPARED, pairs[1::2], strict=True))
        where = {"line": line, "column": "invoice_no", "value": number}
        if this == first:
            exact.append(line)
            issues.append(
                {
                    **where,
                    "severity": "warning",
                    "message": f"exact repeat of line {first_line} (same customer and figures): skipped",
                }
            )
        elif this["client_id"] != first["client_id"]:
            issues.append({**where, "severity": "error", "leave_out": [first_line, line],
                           "message": f"invoice {number} is under customer '{this['account_name']}' "
                                      f"({this['client_id']}) here but under '{first['account_name']}' "
                                      f"({first['client_id']}) on line {first_line}; an invoice number belongs to "
                                      "one customer"})  # fmt: skip
        else:
            issues.append({**where, "severity": "error", "leave_out": [first_line, line],
                           "message": f"invoice {number} is repeated with other figures: line {first_line}: "
                                      f"{_values(first)}; line {line}: {_values(this)}"})  # fmt: skip
    for start in range(0, len(exact), _DELETE_CHUNK):
        chunk = exact[start : start + _DELETE_CHUNK]
        execute(
            f"DELETE FROM {STAGED} WHERE batch_id = %(batch)s AND line IN ({', '.join(map(str, chunk))})",
            {"batch": batch_id},
        )
    return issues


# Words that do not tell two businesses apart ("Greystone Partners LLC" is "Greystone Partners").
_LEGAL_WORDS = frozenset({"inc", "llc", "ltd", "limited", "co", "corp", "corporation", "company", "plc", "gmbh", "the",
                          "lp", "llp", "pty", "sa", "srl", "bv", "ag", "and"})  # fmt: skip
# Addresses at these domains belong to people, not to one business.
_PUBLIC_DOMAINS = frozenset({"gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "live.com",
                             "icloud.com", "me.com", "aol.com", "msn.com", "proton.me", "protonmail.com",
                             "gmx.com", "gmx.de", "web.de", "mail.com", "yahoo.co.uk", "btinternet.com"})  # fmt: skip


# More accounts than this at one domain is a shared mailbox (a bookkeeping firm, a group's AP centre), not a
# duplicate.
_MAX_SHARING_A_DOMAIN = 5


def normalised_name(name: str) -> str:
    words = "".join(ch if ch.isalnum() else " " for ch in name.casefold()).split()
    return " ".join(w for w in words if w not in _LEGAL_WORDS)


def possible_duplicate_accounts(*, batch_id: int, organization_id: int, listed: int = 50) -> dict:
    """Accounts of the file that look like another account (of the file or the ledger) under another client ID:
    the same normalised name, or the same business email domain. Only groups with an account the import would
    create are listed, so a pair the collector chose to keep is not raised again every month."""
    p = {"batch": batch_id, "org": organization_id}
    accounts: dict[str, str] = {}  # client_id -> name
    domains: dict[str, set[str]] = {}
    for client_id, name, email in fetch_all(
        f"""SELECT client_id, account_name, contact_email FROM {STAGED} WHERE batch_id = %(batch)s
            GROUP BY client_id, account_name, contact_email""",
        p,
    ):
        accounts.setdefault(client_id, name)
        if "@" in email:
            domains.setdefault(client_id, set()).add(email.rsplit("@", 1)[1])
    known: set[str] = set()
    for client_id, name, email in fetch_all(
        """SELECT a.client_id, a.account_name, COALESCE(c.email, '') FROM accounts_account a
           LEFT JOIN accounts_contact c ON c.account_id = a.id WHERE a.organization_id = %(org)s""",
        p,
    ):
        known.add(client_id)
        accounts.setdefault(client_id, name)
        if "@" in email:
            domains.setdefault(client_id, set()).add(email.rsplit("@", 1)[1])
    new = {client_id for client_id, _ in fetch_all(
        f"SELECT client_id, COUNT(*) FROM {STAGED} WHERE batch_id = %(batch)s GROUP BY client_id", p
    )} - known  # fmt: skip
    groups: dict[tuple[str, str], set[str]] = {}
    for client_id, name in accounts.items():
        key = normalised_name(name)
        if key:
            groups.setdefault(("same name", key), set()).add(client_id)
        for domain in domains.get(client_id, ()):
            if domain not in _PUBLIC_DOMAINS:
                groups.setdefault(("same email domain", domain), set()).add(client_id)
    found = [
        {"reason": reason if reason == "same name" else f"{reason} {key}",
         "accounts": [{"client_id": c, "name": accounts[c]} for c in sorted(members)]}
        for (reason, key), members in sorted(groups.items())
        if 1 < len(members) <= (len(members) if reason == "same name" else _MAX_SHARING_A_DOMAIN) and members & new
    ]  # fmt: skip
    return {"count": len(found), "groups": found[:listed]}

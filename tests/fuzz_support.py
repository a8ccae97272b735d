"""What the fuzzer cannot know from the schema: which ids exist and which dates are still ahead. For a positive
(schema-valid) case, ids in the body that name a row are replaced by ids of the caller's own rows, a promise's
date by one from today on, and an upload's file by a small real report – so "a schema-valid request is
accepted" is checked against requests a client could actually make. Negative cases are left as generated.
Used by tests/test_api_fuzz.py (in-process) and tests/fuzz_hooks.py (``schemathesis run`` on a live server)."""

import datetime

AGING_CSV = (
    b"client_id,account_name,contact_email,invoice_no,invoice_date,due_date,invoice_amount,total_outstanding,"
    b"days_0_30,days_31_60,days_61_90,days_91_120,days_over_120,snapshot_date,currency\n"
    b"C-9001,Northwind Traders,ap@northwind.example,INV-9001,2024-09-12,2024-10-12,4820.00,4820.00,"
    b"0.00,0.00,0.00,0.00,4820.00,2025-02-28,USD\n"
)
REFERENCES = {"account": "accounts", "into": "accounts", "accounts": "accounts"}  # body field -> API prefix


def _pick(ids: list[int], generated, avoid=None):
    choices = [pk for pk in ids if pk != avoid] or ids
    number = generated if isinstance(generated, int) and not isinstance(generated, bool) else 0
    return choices[abs(number) % len(choices)] if choices else generated


def is_positive(case) -> bool:
    """Every part of the case fits the schema (a negative case may break only its query, or only its body)."""
    if case.meta is None:
        return True
    modes = {case.meta.generation.mode, *(component.mode for component in case.meta.components.values())}
    return {mode.value for mode in modes} == {"positive"}


def use_real_ids(case, ids: dict[str, list[int]]) -> None:
    """``ids``: the caller's own primary keys by API prefix, e.g. {"accounts": [3, 4], "drafts": [7]}.

    About half the generated path ids (the even ones) become one of the caller's objects, so the fuzzer reaches
    existing objects as well as missing ones; then a positive case's references are made real."""
    path = case.path_parameters or {}
    generated = path.get("id")
    if isinstance(generated, int) and not isinstance(generated, bool) and generated % 2 == 0:
        prefix = case.operation.path.removeprefix("/api/").split("/", 1)[0]
        if ids.get(prefix):
            path["id"] = ids[prefix][generated // 2 % len(ids[prefix])]
    body = case.body
    if not is_positive(case) or not isinstance(body, dict):
        return
    this = (case.path_parameters or {}).get("id")
    for name, kind in REFERENCES.items():
        if name not in body or not ids.get(kind):
            continue
        if isinstance(body[name], list):
            body[name] = sorted({_pick(ids[kind], value) for value in body[name]})
        else:
            body[name] = _pick(ids[kind], body[name], avoid=this if name == "into" else None)
    if (
        case.operation.path.endswith("/open-dispute/")
        and isinstance(body.get("invoices"), list)
        and ids.get("invoice_numbers")
    ):  # a reply's account is the one the demo reply is matched to: dispute its own open invoices
        body["invoices"] = ids["invoice_numbers"][:1]
    if isinstance(body.get("promised_date"), str) and body["promised_date"] < datetime.date.today().isoformat():
        body["promised_date"] = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    if "file" in body and case.operation.path == "/api/imports/":  # an aging report, its own date
        body.update(file=AGING_CSV.decode(), kind="aging")  # str: schemathesis revalidates it as a string
        body.pop("as_of", None)

"""The fake's default answers: a collection email for a forced tool, a greeting for text."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

Responder = Callable[[dict[str, Any]], dict[str, Any]]
TextResponder = Callable[[dict[str, Any]], str]
JsonResponder = Callable[[dict[str, Any], dict[str, Any]], Any]


def collection_email_responder(request_json: dict[str, Any]) -> dict[str, Any]:
    """The default tool responder: a collection email ``{"subject": ..., "body": ...}`` written from the facts.

    The facts are the text of the LAST user message, parsed as JSON (the whole text, else a single text block, else
    the span from its first ``{`` to its last ``}``). The expected shape - every key is optional and a few aliases are
    accepted::

        {
          "account": {"name": "Riverbend Office Supply"},   # or "account": "...", "account_name", "customer_name"
          "currency": "USD",                                 # or "currency_code"; also read from account/invoices
          "total_due": "1234.50",                            # or "total_outstanding", "amount_due", "balance_due"
          "invoices": [                                      # or "open_invoices", "overdue_invoices", "items"
            {"invoice_no": "INV-1001",                       # or "number", "invoice_number", "id"
             "outstanding": "1000.00",                       # or "total_outstanding", "amount_due", "balance", "amount"
             "due_date": "2025-01-31", "days_overdue": 45}   # optional, shown when present
          ]
        }

    A top-level ``"facts"`` object is unwrapped. Without ``total_due`` the invoices' outstanding amounts are summed;
    without a currency, ``USD`` is assumed. Amounts are written ``USD 1,234.50``. The body names the account, the
    total due with its currency and every invoice number. Required properties of the forced tool's
    ``input_schema`` that this doesn't produce are filled with empty values of their type.
    """
    facts = _facts_from_request(request_json)
    account = _account_name(facts)
    currency = _currency(facts)
    invoices = _invoices(facts)
    total = _amount(_first(facts, "total_due", "total_outstanding", "amount_due", "balance_due", "total"))
    if total is None:
        amounts = [invoice["amount"] for invoice in invoices if invoice["amount"] is not None]
        total = sum(amounts, Decimal(0)) if amounts else None

    money = _money(total, currency) if total is not None else None
    subject = "Payment reminder"
    if money:
        subject += f": {money} outstanding"
    if account:
        subject += f" - {account}"

    lines = [f"Dear {account} accounts payable team," if account else "Hello,", ""]
    balance = f"an outstanding balance of {money}" if money else "an outstanding balance"
    lines.append(f"Our records show {balance} on your account" + (f" ({account})." if account else "."))
    if invoices:
        lines += ["", "The following invoices remain open:"]
        for invoice in invoices:
            details = []
            if invoice["amount"] is not None:
                details.append(_money(invoice["amount"], invoice["currency"] or currency))
            if invoice["due_date"]:
                details.append(f"due {invoice['due_date']}")
            if invoice["days_overdue"] not in (None, ""):
                details.append(f"{invoice['days_overdue']} days overdue")
            lines.append(f"- {invoice['number']}" + (f": {', '.join(details)}" if details else ""))
    lines += [
        "",
        "Please arrange payment at your earliest convenience, or reply to this email if any of these amounts "
        "look incorrect to you.",
        "",
        "Kind regards,",
        "Accounts Receivable",
    ]
    result: dict[str, Any] = {"subject": subject, "body": "\n".join(lines)}
    _fill_required(result, _forced_tool_schema(request_json))
    return result


def default_text_responder(request_json: dict[str, Any]) -> str:
    """The default answer to a request without a forced tool."""
    return "Hello from FakeAnthropic."


def _last_user_text(request_json: dict[str, Any]) -> list[str]:
    for message in reversed(request_json.get("messages") or []):
        if isinstance(message, dict) and message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, str):
                return [content]
            if isinstance(content, list):
                return [
                    block["text"]
                    for block in content
                    if isinstance(block, dict) and block.get("type") == "text" and isinstance(block.get("text"), str)
                ]
            return []
    return []


def _facts_from_request(request_json: dict[str, Any]) -> dict[str, Any]:
    texts = _last_user_text(request_json)
    candidates = ["\n".join(texts), *texts]
    joined = candidates[0]
    if "{" in joined and "}" in joined:
        candidates.append(joined[joined.index("{") : joined.rindex("}") + 1])
    for candidate in candidates:
        try:
            parsed = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(parsed, dict):
            inner = parsed.get("facts")
            return inner if isinstance(inner, dict) else parsed
    return {}


def _first(mapping: Any, *keys: str) -> Any:
    if not isinstance(mapping, dict):
        return None
    for key in keys:
        if mapping.get(key) not in (None, ""):
            return mapping[key]
    return None


def _account_name(facts: dict[str, Any]) -> str | None:
    account = facts.get("account")
    if isinstance(account, dict):
        name = _first(account, "name", "account_name", "display_name", "client_name")
    else:
        name = account
    name = name or _first(facts, "account_name", "customer_name", "customer", "client_name", "client")
    if isinstance(name, dict):
        name = _first(name, "name")
    return str(name) if name not in (None, "") else None


def _currency(facts: dict[str, Any]) -> str:
    currency = _first(facts, "currency", "currency_code") or _first(facts.get("account"), "currency", "currency_code")
    if not currency:
        for invoice in facts.get("invoices") or []:
            currency = _first(invoice, "currency", "currency_code")
            if currency:
                break
    return str(currency or "USD")


def _invoices(facts: dict[str, Any]) -> list[dict[str, Any]]:
    raw = _first(facts, "invoices", "open_invoices", "overdue_invoices", "items") or []
    invoices = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            if item not in (None, ""):
                invoices.append(
                    {"number": str(item), "amount": None, "currency": None, "due_date": None, "days_overdue": None}
                )
            continue
        number = _first(item, "invoice_no", "number", "invoice_number", "invoice_id", "id")
        if number is None:
            continue
        invoices.append(
            {
                "number": str(number),
                "amount": _amount(
                    _first(item, "outstanding", "total_outstanding", "amount_due", "balance", "open_amount", "amount")
                ),
                "currency": _first(item, "currency", "currency_code"),
                "due_date": _first(item, "due_date", "due"),
                "days_overdue": _first(item, "days_overdue", "days_past_due"),
            }
        )
    return invoices


def _amount(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, dict):  # {"amount": "1.00", "currency": "USD"}
        return _amount(_first(value, "amount", "value"))
    cleaned = re.sub(r"[^\d.\-]", "", str(value))
    try:
        return Decimal(cleaned) if cleaned else None
    except InvalidOperation:
        return None


def _money(amount: Decimal, currency: str) -> str:
    return f"{currency} {amount:,.2f}"


def forced_tool(request_json: dict[str, Any]) -> dict[str, Any] | None:
    """The tool the request forces (``tool_choice`` type ``tool``, or ``any`` = the first tool), if any."""
    tools = [tool for tool in request_json.get("tools") or [] if isinstance(tool, dict)]
    choice = request_json.get("tool_choice")
    if not tools or not isinstance(choice, dict):
        return None
    if choice.get("type") == "tool":
        return next((tool for tool in tools if tool.get("name") == choice.get("name")), None)
    if choice.get("type") == "any":
        return tools[0]
    return None


def _forced_tool_schema(request_json: dict[str, Any]) -> dict[str, Any]:
    tool = forced_tool(request_json) or {}
    schema = tool.get("input_schema")
    return schema if isinstance(schema, dict) else {}


def _fill_required(result: dict[str, Any], schema: dict[str, Any]) -> None:
    empty_by_type = {"string": "", "integer": 0, "number": 0, "boolean": False, "array": [], "object": {}}
    properties = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
    for name in schema.get("required") or []:
        if name not in result:
            kind = (properties.get(name) or {}).get("type")
            result[name] = copy.deepcopy(empty_by_type.get(kind if isinstance(kind, str) else "", ""))


def minimal_json_responder(request_json: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """The default answer to a structured-output request: a deterministic minimal instance of ``schema``."""
    from .schema import minimal_instance

    return minimal_instance(schema)

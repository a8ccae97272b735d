"""Model stand-ins for the fake Anthropic API: what a well-behaved Claude answers, and what a careless one does.

Each is a ``json_responder(request_json, schema)`` for ``FakeAnthropic``: it reads only the brief in the request,
as the real model would, and answers the parts JSON with placeholders.
"""

import json
import re

OPENINGS = {
    1: "This is a friendly reminder that some invoices on your account are past their due date.",
    2: "The invoices below remain unpaid past their due dates.",
    3: "The invoices below are still unpaid and need your urgent attention.",
    4: "This notice concerns the overdue balance on your account; if it is not settled we may take further action.",
    5: "Unless the balance below is paid, we will refer the account to a collection agency.",
}


def brief_of(request_json: dict) -> dict:
    content = request_json["messages"][-1]["content"]
    text = content if isinstance(content, str) else "".join(block.get("text", "") for block in content)
    return json.loads(re.search(r"<brief>\n(.*)\n</brief>", text, re.S).group(1))


def honest_writer(request_json: dict, schema: dict) -> dict:
    brief = brief_of(request_json)
    available = set(brief["available_placeholders"])
    paragraphs = [OPENINGS[brief["degree"]], "{invoice_table}", "Please arrange payment of {total_due} by {reply_by}."]
    if "payment_instructions" in available:
        paragraphs.append("{payment_instructions}")
    return {
        "subject": "Overdue balance for {account_name}: {total_due}",
        "greeting": "Dear {contact_first_name}," if "contact_first_name" in available else "Hello,",
        "paragraphs": paragraphs,
        "closing": "Kind regards,",
    }


def writer_saying(*paragraphs: str, subject: str = "Overdue balance: {total_due}"):
    """A writer whose email adds ``paragraphs`` to an honest one (a wrong figure, a forbidden claim...)."""

    def respond(request_json: dict, schema: dict) -> dict:
        answer = honest_writer(request_json, schema)
        return {**answer, "subject": subject, "paragraphs": [*answer["paragraphs"][:1], *paragraphs,
                                                             *answer["paragraphs"][1:]]}  # fmt: skip

    return respond

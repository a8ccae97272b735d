"""Received email as SES receiving delivers it, for tests and the demo: a reply as raw MIME, and the SNS
notification that carries it - inline (an SNS action) or as a pointer to S3 (an S3 action) - really signed by
``devtools.sns_events`` so the inbound webhook verifies it as it verifies real ones::

    raw = ses_inbound.reply_mime(sender="ap@northwind.example", to=reply_address, subject="Re: ...",
                                 text="We will pay on Friday.", in_reply_to=f"<{draft.ses_message_id}@...>")
    body = ses_inbound.received_notification(raw, recipients=[reply_address])
    response = sns_events.post(client, "/ses/inbound/", body)

The notification follows SES's "Received" notification (``notificationType``, ``mail`` with ``commonHeaders``,
``receipt`` with the SPF / DKIM / spam / virus verdicts and the ``action``, and ``content`` for an SNS action).
SES's SNS action can send ``content`` as UTF-8 or BASE64 (``encoding``); both are here.
"""

from __future__ import annotations

import base64
import datetime
import email.utils
import uuid
from collections.abc import Sequence
from email.message import EmailMessage
from typing import Any

from . import sns_events

INBOUND_TOPIC_ARN = f"arn:aws:sns:{sns_events.REGION}:{sns_events.ACCOUNT_ID}:ses-collections-inbound"


def reply_mime(
    *,
    sender: str,
    to: str | Sequence[str],
    subject: str,
    text: str,
    html: str | None = None,
    in_reply_to: str = "",
    references: str = "",
    quoted: str = "",
    attachments: Sequence[tuple[str, str, bytes]] = (),
    message_id: str | None = None,
    sender_name: str = "",
) -> bytes:
    """A reply as a mail client writes it; ``quoted`` is the history under "On ... wrote:" (quoted with "> ")."""
    message = EmailMessage()
    message["From"] = email.utils.formataddr((sender_name, sender)) if sender_name else sender
    message["To"] = to if isinstance(to, str) else ", ".join(to)
    message["Subject"] = subject
    message["Date"] = email.utils.format_datetime(datetime.datetime.now(datetime.UTC))
    message["Message-ID"] = message_id or email.utils.make_msgid(domain=sender.rsplit("@", 1)[-1])
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = references or in_reply_to
    body = text
    if quoted:
        body += "\n\nOn Mon, 3 Mar 2025 at 09:00, Collections <collections@example.com> wrote:\n"
        body += "\n".join(f"> {line}" for line in quoted.splitlines())
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for filename, content_type, content in attachments:
        maintype, subtype = content_type.split("/", 1)
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return bytes(message)


def received_message(
    raw: bytes,
    *,
    recipients: str | Sequence[str],
    s3: tuple[str, str] | None = None,
    encoding: str = "UTF8",
    verdicts: str = "PASS",
    topic_arn: str = INBOUND_TOPIC_ARN,
) -> dict[str, Any]:
    """The SES "Received" notification (the SNS ``Message``) for ``raw`` sent to ``recipients``."""
    parsed = email.message_from_bytes(raw)
    destination = [recipients] if isinstance(recipients, str) else list(recipients)
    ses_id = uuid.uuid4().hex[:20]
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    action: dict[str, Any] = {"type": "SNS", "topicArn": topic_arn, "encoding": encoding}
    if s3 is not None:
        action = {"type": "S3", "topicArn": topic_arn, "bucketName": s3[0], "objectKeyPrefix": "",
                  "objectKey": s3[1]}  # fmt: skip
    verdict = {"status": verdicts}
    message: dict[str, Any] = {
        "notificationType": "Received",
        "mail": {
            "timestamp": now, "source": email.utils.parseaddr(parsed.get("From", ""))[1], "messageId": ses_id,
            "destination": destination, "headersTruncated": False,
            "headers": [{"name": name, "value": str(value)} for name, value in parsed.items()],
            "commonHeaders": {"from": [parsed.get("From", "")], "to": destination,
                              "messageId": parsed.get("Message-ID", ""), "subject": parsed.get("Subject", "")},
        },
        "receipt": {
            "timestamp": now, "processingTimeMillis": 310, "recipients": destination,
            "spamVerdict": {"status": "PASS"}, "virusVerdict": {"status": "PASS"}, "spfVerdict": verdict,
            "dkimVerdict": verdict, "dmarcVerdict": verdict, "action": action,
        },
    }  # fmt: skip
    if s3 is None:
        message["content"] = base64.b64encode(raw).decode() if encoding == "BASE64" else raw.decode("utf-8")
    return message


def received_notification(raw: bytes, *, recipients: str | Sequence[str], message_id: str | None = None,
                          **options: Any) -> str:  # fmt: skip
    """The signed SNS notification SES publishes for a received email (the JSON body SNS POSTs)."""
    topic_arn = options.get("topic_arn", INBOUND_TOPIC_ARN)
    message = received_message(raw, recipients=recipients, **options)
    return sns_events.notification(message, topic_arn=topic_arn, message_id=message_id,
                                   subject="Amazon SES Email Receipt Notification")  # fmt: skip

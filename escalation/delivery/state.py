"""The draft life cycle. Every change of status goes through ``draft_transition``: it refuses illegal
moves and writes an audit event with who and when.

    generating -> needs_review | approved | cancelled (a promise to pay, before the email was written)
    needs_review -> approved | cancelled | suppressed
    approved -> queued | needs_review | cancelled | suppressed
    queued -> sending | needs_review | cancelled | suppressed
    sending -> sent | failed | queued (a transient error: try again) | unknown (we cannot tell)
    unknown -> sent | failed (a person checked SES)
    failed -> queued (a person retries)
"""

from django.utils import timezone

from accounts.services import audit_event_record

from ..models import EmailDraft

S = EmailDraft.Status

TRANSITIONS: dict[str, set[str]] = {
    S.GENERATING: {S.NEEDS_REVIEW, S.APPROVED, S.CANCELLED},
    S.NEEDS_REVIEW: {S.APPROVED, S.CANCELLED, S.SUPPRESSED, S.NEEDS_REVIEW},
    S.APPROVED: {S.QUEUED, S.NEEDS_REVIEW, S.CANCELLED, S.SUPPRESSED},
    S.QUEUED: {S.SENDING, S.NEEDS_REVIEW, S.CANCELLED, S.SUPPRESSED},
    S.SENDING: {S.SENT, S.FAILED, S.QUEUED, S.UNKNOWN},
    S.UNKNOWN: {S.SENT, S.FAILED},
    S.FAILED: {S.QUEUED},
    S.SENT: set(),
    S.CANCELLED: set(),
    S.SUPPRESSED: set(),
}


class IllegalTransition(Exception):
    pass


def draft_transition(draft: EmailDraft, to: str, *, actor=None, reason: str = "", audit_action: str = "",
                     audit_payload: dict | None = None, **fields) -> EmailDraft:  # fmt: skip
    """Move a draft the caller has locked (select_for_update) to ``to`` and save it with ``fields``. The
    audit event is ``draft.<to>`` unless ``audit_action`` names what happened better ("draft.generated")."""
    if to not in TRANSITIONS[draft.status]:
        raise IllegalTransition(
            f"A draft that is {draft.get_status_display().lower()} cannot become {S(to).label.lower()}."
        )
    previous = draft.status
    draft.status = to
    draft.status_reason = reason[:500]
    for name, value in fields.items():
        setattr(draft, name, value)
    draft.updated_at = timezone.now()
    draft.save()
    audit_event_record(
        organization=draft.account.organization, action=audit_action or f"draft.{to}", obj=draft.account,
        actor=actor, payload={"draft_id": draft.pk, "from": previous, "to": to, "reason": reason[:500],
                              **(audit_payload or {})},
    )  # fmt: skip
    return draft

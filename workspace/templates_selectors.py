"""What the templates page reads: a template's versions, each with what changed since the one before, and the account
whose preview shows the template at work (one at the degree the template is used for)."""

import datetime
import difflib
from dataclasses import dataclass

from accounts.models import Account, Organization
from escalation.degree import accounts_due
from escalation.models import PolicyLevel
from escalation.policies import escalation_policy_default
from templates_app.models import EmailTemplate


@dataclass
class VersionChange:
    template: EmailTemplate
    previous: EmailTemplate | None
    lines: list[tuple[str, str]]  # (kind, text): kind "add", "del", "hunk" or "same"

    @property
    def changed(self) -> bool:
        return any(kind in ("add", "del") for kind, _ in self.lines)


def template_text(data: dict) -> list[str]:
    """A template version as the lines a person compares."""
    lines = [f"Subject: {data.get('subject', '')}", f"Tone: {data.get('tone', '')}", "Guidance:"]
    lines += [f"  {line}" for line in (data.get("guidance") or "").splitlines()]
    lines.append("Required elements:")
    lines += [f"  - {item}" for item in data.get("required_elements", [])]
    lines.append(f"Sign-off: {data.get('sign_off', '')}")
    return lines


def template_versions_changes(*, organization: Organization, identifier: str) -> list[VersionChange]:
    """Every version of ``identifier``, newest first, each with a diff against the version before it (difflib)."""
    versions = list(EmailTemplate.objects.filter(organization=organization, identifier=identifier).order_by("version"))
    changes = []
    for index, template in enumerate(versions):
        previous = versions[index - 1] if index else None
        lines = []
        if previous is not None:
            diff = difflib.unified_diff(template_text(previous.data), template_text(template.data), lineterm="", n=1)
            for line in list(diff)[2:]:  # the ---/+++ header names no file here
                kind = {"+": "add", "-": "del", "@": "hunk"}.get(line[:1], "same")
                lines.append((kind, line))
        changes.append(VersionChange(template=template, previous=previous, lines=lines))
    return list(reversed(changes))


def template_degree(*, organization: Organization, identifier: str) -> int | None:
    """The degree of the default policy that sends ``identifier`` (None: no level uses it)."""
    policy = escalation_policy_default(organization=organization)
    return (
        PolicyLevel.objects.filter(policy=policy, template_identifier=identifier)
        .values_list("degree", flat=True)
        .first()
    )


def preview_account(*, organization: Organization, degree: int | None, on_date: datetime.date) -> Account | None:
    """A real account to preview with: the most overdue one at ``degree``, else the most overdue one of all."""
    report = accounts_due(organization=organization, on_date=on_date)
    standing = sorted([*report.due, *report.skipped], key=lambda i: (-i.total_due, i.account_id))
    chosen = next((i for i in standing if i.degree == degree), None) or next(iter(standing), None)
    if chosen is None:
        return Account.objects.filter(organization=organization).order_by("account_name").first()
    return Account.objects.select_related("organization").get(pk=chosen.account_id)

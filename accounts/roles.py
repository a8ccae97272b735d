"""What each role may do, as Django permissions, so the admin, the pages and the API ask one place.

Viewer: read everything of the organization. Collector: viewer, plus work the ledger (contacts, disputes,
pausing, imports). AR admin: collector, plus templates and the organization's configuration.
"""

from .models import Role

_DOMAIN_MODELS = {
    "accounts": ["account", "contact", "auditevent"],
    "invoices": ["invoice", "invoiceagingsnapshot", "importbatch"],
    "templates_app": ["emailtemplate"],
    "escalation": [
        "emaildraft",
        "escalationrun",
        "collectionsettings",
        "escalationpolicy",
        "policylevel",
        "note",
        "promisetopay",
        "deliveryevent",
        "draftrevision",
    ],
    "replies": ["inboundmessage", "inboundattachment"],
}


def _perms(action: str, models: dict[str, list[str]]) -> set[str]:
    return {f"{app}.{action}_{model}" for app, names in models.items() for model in names}


VIEWER = _perms("view", _DOMAIN_MODELS)
COLLECTOR = VIEWER | {
    "accounts.add_contact",
    "accounts.change_contact",
    "accounts.change_account",
    "invoices.change_invoice",
    "invoices.import_file",
    "escalation.add_escalationrun",
    "escalation.change_emaildraft",
    "escalation.add_note",
    "escalation.add_promisetopay",
    "replies.change_inboundmessage",  # act on a customer's reply (record, dispute, mark answered)
}
AR_ADMIN = COLLECTOR | {
    "accounts.add_account",
    "accounts.delete_contact",
    "invoices.add_invoice",
    "templates_app.add_emailtemplate",
    "templates_app.change_emailtemplate",
    "escalation.change_collectionsettings",
    "escalation.add_escalationpolicy",
    "escalation.change_escalationpolicy",
    "escalation.add_policylevel",
    "escalation.change_policylevel",
    "escalation.delete_policylevel",
    # Other people's API tokens, in the back office (everyone manages their own on the settings page).
    "accounts.view_apitoken",
    "accounts.add_apitoken",
    "accounts.change_apitoken",
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.VIEWER: frozenset(VIEWER),
    Role.COLLECTOR: frozenset(COLLECTOR),
    Role.AR_ADMIN: frozenset(AR_ADMIN),
}

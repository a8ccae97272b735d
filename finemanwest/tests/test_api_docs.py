"""The API's browsable docs and schema: served to members, from our own static files (no CDN)."""

import re

from django.urls import reverse


def test_the_docs_page_loads_swagger_ui_from_our_own_static_files(client_for, viewer):
    page = client_for(viewer).get(reverse("api-docs"))

    assert page.status_code == 200
    html = page.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html) + re.findall(r'"(/static/[^"]+)"', html)
    assert any("swagger-ui" in asset for asset in assets)
    assert not [asset for asset in assets if asset.startswith(("http://", "https://", "//"))], assets
    for asset in {asset for asset in assets if asset.startswith("/static/")}:
        assert client_for(viewer).get(asset).status_code == 200, asset


def test_the_schema_documents_fields_cursor_and_the_error_shape(client_for, viewer):
    schema = client_for(viewer).get(reverse("api-schema"), {"format": "json"}).json()

    invoices = schema["paths"]["/api/invoices/"]["get"]
    names = {parameter["name"] for parameter in invoices["parameters"]}
    assert {"cursor", "page_size", "fields", "status", "bucket", "invoice_date_after"} <= names
    error_ref = {"$ref": "#/components/schemas/Error"}
    assert invoices["responses"]["429"]["content"]["application/json"]["schema"] == error_ref
    assert schema["components"]["schemas"]["Error"]["required"] == ["error"]


def test_the_actions_a_state_refuses_document_409(client_for, viewer):
    schema = client_for(viewer).get(reverse("api-schema"), {"format": "json"}).json()

    conflicting = {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "409" in operation["responses"]
    }
    assert conflicting == {
        "POST /api/accounts/",  # a client ID, a contact's email that exists already
        "PATCH /api/accounts/{id}/",
        "POST /api/contacts/",
        "PATCH /api/contacts/{id}/",
        "POST /api/accounts/{id}/merge/",
        "POST /api/drafts/{id}/approve/",
        "POST /api/drafts/{id}/edit/",
        "POST /api/drafts/{id}/reject/",
        "POST /api/drafts/{id}/resolve/",
        "POST /api/drafts/{id}/send/",
        "POST /api/imports/{id}/confirm/",
        "POST /api/imports/{id}/mapping/",
        "POST /api/replies/{id}/record-promise/",  # a reply answered already
        "POST /api/replies/{id}/open-dispute/",
        "POST /api/replies/{id}/replace-contact/",
        "POST /api/replies/{id}/mark-answered/",
        "POST /api/replies/{id}/assign/",
    }
    assert schema["paths"]["/api/drafts/{id}/approve/"]["post"]["responses"]["409"]["content"] == {
        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
    }

from django import forms

from .importing import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from .models import ImportBatch


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        help_text="CSV or Excel (.xlsx) export of an aging report (detail, one row per invoice) or a contact list."
    )
    kind = forms.ChoiceField(choices=ImportBatch.Kind.choices, initial=ImportBatch.Kind.AGING, widget=forms.RadioSelect)
    as_of = forms.DateField(
        label="As-of date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Only needed when the file does not say it (no “As of” line and no snapshot_date column).",
    )
    is_complete_report = forms.BooleanField(
        label="This report lists every open invoice",
        required=False,
        initial=True,
        help_text="Open invoices missing from a complete report are marked paid.",
    )


# What a person calls each canonical column on the mapping form (the code stays as the help text, for the docs).
COLUMN_LABELS = {
    "client_id": "Client ID (account code)", "account_name": "Account name", "invoice_no": "Invoice number",
    "invoice_date": "Invoice date", "invoice_amount": "Invoice amount", "total_outstanding": "Outstanding amount",
    "days_0_30": "0-30 days", "days_31_60": "31-60 days", "days_61_90": "61-90 days", "days_91_120": "91-120 days",
    "days_over_120": "Over 120 days", "contact_first_name": "Contact first name",
    "contact_last_name": "Contact last name", "contact_email": "Contact email", "contact_phone": "Contact phone",
    "due_date": "Due date", "snapshot_date": "As-of date of the report", "currency": "Currency",
    "parent_name": "Parent account name",
    "document_type": "Document type (invoice, credit note, payment)",
}  # fmt: skip


class ColumnMappingForm(forms.Form):
    """One choice per canonical column: which header of the file holds it."""

    def __init__(self, *args, headers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "— not in this file —"), *[(h, h) for h in headers if h]]
        for name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS):
            guess = next((h for h in headers if h.strip().lower().replace(" ", "_") == name), "")
            self.fields[name] = forms.ChoiceField(
                label=COLUMN_LABELS.get(name, name.replace("_", " ").capitalize()), choices=choices,
                required=name in REQUIRED_COLUMNS, initial=guess, help_text=f"Column {name} of the canonical format.",
            )  # fmt: skip

    def mapping(self) -> dict[str, str]:
        return {name: header for name, header in self.cleaned_data.items() if header}

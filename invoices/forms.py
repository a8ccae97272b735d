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


class ColumnMappingForm(forms.Form):
    """One choice per canonical column: which header of the file holds it."""

    def __init__(self, *args, headers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "— not in this file —"), *[(h, h) for h in headers if h]]
        for name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS):
            guess = next((h for h in headers if h.strip().lower().replace(" ", "_") == name), "")
            self.fields[name] = forms.ChoiceField(
                label=name, choices=choices, required=name in REQUIRED_COLUMNS, initial=guess
            )

    def mapping(self) -> dict[str, str]:
        return {name: header for name, header in self.cleaned_data.items() if header}

from django import forms

from .models import EmailTemplate


class TemplateVersionForm(forms.ModelForm):
    """Edits the template's content as separate fields; saving always writes a new version."""

    subject = forms.CharField(max_length=200, help_text="May use {account_name}, {total_due}, {currency}.")
    tone = forms.CharField(max_length=100, help_text="friendly, firm, urgent, final ...")
    guidance = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), required=False, help_text="What the writer should do and avoid."
    )
    required_elements = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="One per line: facts every email must state.",
    )
    sign_off = forms.CharField(max_length=200, required=False)
    activate = forms.BooleanField(required=False, help_text="Make this version the one used for new emails.")

    class Meta:
        model = EmailTemplate
        fields = ["identifier"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            data = self.instance.data
            for key in ("subject", "tone", "guidance", "sign_off"):
                self.initial[key] = data.get(key, "")
            self.initial["required_elements"] = "\n".join(data.get("required_elements", []))
            self.fields["identifier"].disabled = True

    def template_data(self) -> dict:
        cleaned = self.cleaned_data
        return {
            "subject": cleaned["subject"],
            "tone": cleaned["tone"],
            "guidance": cleaned["guidance"],
            "required_elements": [line.strip() for line in cleaned["required_elements"].splitlines() if line.strip()],
            "sign_off": cleaned["sign_off"],
        }

    def same_content_as(self, data: dict) -> bool:
        """Whether the form holds ``data``'s content (what it edits; keys it does not edit are not compared)."""
        mine = self.template_data()
        blank = {"required_elements": []}
        return all(mine[key] == data.get(key, blank.get(key, "")) for key in mine)

    def validate_unique(self):
        # Versions are numbered by the service; the form never saves this instance.
        pass

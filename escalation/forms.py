from django import forms


class DraftEditForm(forms.Form):
    subject = forms.CharField(max_length=150)
    body_text = forms.CharField(label="Body", widget=forms.Textarea(attrs={"rows": 18}))


class DraftRejectForm(forms.Form):
    reason = forms.CharField(max_length=300, required=False)

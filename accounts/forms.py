from django import forms

from .models import Account
from .tenancy import scoped


class AccountMergeForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=Account.objects.none(),
        label="Merge into",
        help_text="The account that stays. This one's invoices and contacts move to it, and its client ID "
        "becomes an alias so later imports find the merged account.",
    )

    def __init__(self, *args, user, source: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = scoped(Account.objects.all(), user).exclude(pk=source.pk)

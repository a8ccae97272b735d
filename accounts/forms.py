from django import forms

from .models import Account
from .tenancy import scoped


class AccountMergeForm(forms.Form):
    """The account to merge into, by its client ID (a select of every account would not scale)."""

    target = forms.CharField(
        label="Merge into (client ID)",
        max_length=100,
        help_text="The client ID of the account that stays. This one's invoices and contacts move to it, and its "
        "client ID becomes an alias so later imports find the merged account.",
    )

    def __init__(self, *args, user, source: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.source = user, source

    def clean_target(self) -> Account:
        client_id = self.cleaned_data["target"].strip()
        target = scoped(Account.objects.all(), self.user).exclude(pk=self.source.pk).filter(client_id=client_id).first()
        if target is None:
            raise forms.ValidationError(f"No other account has the client ID “{client_id}”.")
        return target


class ApiTokenCreateForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=100,
        help_text="What will use it, e.g. “NetSuite sync”, so you know which one to revoke later.",
    )

from import_export import fields

from accounts.resources import OrganizationResource, ScopedAccountWidget

from .models import Invoice


class InvoiceResource(OrganizationResource):
    account = fields.Field(attribute="account", column_name="client_id")

    class Meta:
        model = Invoice
        fields = [
            "account", "invoice_no", "invoice_date", "due_date", "invoice_amount", "total_outstanding",
            "is_disputed", "closed_at",
        ]  # fmt: skip
        import_id_fields = ["invoice_no"]
        skip_unchanged = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fields["account"].widget = ScopedAccountWidget(self)

    def before_save_instance(self, instance, row, **kwargs):
        instance.organization = self.organization
        instance.full_clean(exclude=["organization"])

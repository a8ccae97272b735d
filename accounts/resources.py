"""django-import-export resources for the back office: scoped to one organization, formula-safe on export."""

from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget

from invoices.importing.csv_safety import neutralise_cell

from .models import Account, Contact, Organization
from .services import audit_event_record


class OrganizationResource(resources.ModelResource):
    """Reads and writes only ``organization``'s rows; every exported text cell is neutralised."""

    def __init__(self, *, organization: Organization | None = None, actor=None, **kwargs):
        super().__init__(**kwargs)
        self.organization = organization
        self.actor = actor

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.organization is None:
            return queryset.none()
        return queryset.filter(**{self._meta.model.organization_path: self.organization})

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        return neutralise_cell(value) if isinstance(value, str) else value

    def after_import(self, dataset, result, **kwargs):
        if not kwargs.get("dry_run") and self.organization is not None and not result.has_errors():
            audit_event_record(
                organization=self.organization, action="admin.imported", actor=self.actor,
                payload={"model": self._meta.model._meta.model_name, "totals": dict(result.totals)},
            )  # fmt: skip


class ScopedAccountWidget(ForeignKeyWidget):
    """Finds the account by client ID within the importing organization only."""

    def __init__(self, resource: OrganizationResource):
        super().__init__(Account, field="client_id")
        self.resource = resource

    def get_queryset(self, value, row, *args, **kwargs):
        return Account.objects.filter(organization=self.resource.organization)


class AccountResource(OrganizationResource):
    class Meta:
        model = Account
        fields = ["client_id", "account_name", "currency", "escalation_paused"]
        import_id_fields = ["client_id"]
        skip_unchanged = True
        report_skipped = True

    def before_save_instance(self, instance, row, **kwargs):
        instance.organization = self.organization
        instance.full_clean(exclude=["organization"])


class ContactResource(OrganizationResource):
    account = fields.Field(attribute="account", column_name="client_id")

    class Meta:
        model = Contact
        fields = ["account", "first_name", "last_name", "email", "phone", "is_billing"]
        import_id_fields = ["account", "email"]
        skip_unchanged = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fields["account"].widget = ScopedAccountWidget(self)

    def before_save_instance(self, instance, row, **kwargs):
        instance.full_clean(validate_constraints=False)

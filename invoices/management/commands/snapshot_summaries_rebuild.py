from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organization
from invoices.models import AgingSnapshotTotal
from invoices.services import snapshot_summaries_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the aging totals and the invoices' newest snapshot dates from the snapshots, after snapshots "
        "were written outside an import."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organization", metavar="SLUG", help="Only this organization (default: all of them).")

    def handle(self, *args, **options):
        organizations = Organization.objects.order_by("pk")
        if options["organization"]:
            organizations = organizations.filter(slug=options["organization"])
            if not organizations.exists():
                raise CommandError(f"No organization with the slug {options['organization']!r}.")
        for organization in organizations:
            snapshot_summaries_rebuild(organization=organization)
            dates = AgingSnapshotTotal.objects.filter(organization=organization).count()
            self.stdout.write(f"{organization.slug}: {dates} as-of date{'s' if dates != 1 else ''}.")

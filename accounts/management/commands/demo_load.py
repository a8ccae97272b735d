from django.core.management.base import BaseCommand

from accounts.demo import demo_data_load


class Command(BaseCommand):
    help = "Create the demo organization with realistic accounts, and print a login for it."

    def handle(self, *args, **options):
        result = demo_data_load()
        state = "Created" if result.created else "Already there:"
        self.stdout.write(
            f"{state} {result.organization} – {result.accounts} accounts, {result.invoices} invoices, "
            f"{result.snapshots} aging snapshots."
        )
        self.stdout.write(self.style.SUCCESS(f"Log in as  {result.username} / {result.password}"))
        self.stdout.write("(The password is new each time this command runs.)")
        self.stdout.write(f"To try an import, upload this month's aging report: {result.sample_file}")

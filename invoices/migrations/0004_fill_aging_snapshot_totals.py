from django.db import migrations

# The same sums as invoices.importing.apply.snapshot_summaries_write, for every organization at once; written out here
# so that this migration keeps doing what it did when that function changes.
FILL = """
INSERT INTO invoices_agingsnapshottotal
    (organization_id, snapshot_date, days_0_30, days_31_60, days_61_90, days_91_120, days_over_120, invoice_count)
SELECT i.organization_id, n.snapshot_date, SUM(n.days_0_30), SUM(n.days_31_60), SUM(n.days_61_90),
       SUM(n.days_91_120), SUM(n.days_over_120), COUNT(*)
FROM invoices_invoiceagingsnapshot n
JOIN invoices_invoice i ON i.id = n.invoice_id
GROUP BY i.organization_id, n.snapshot_date
"""


class Migration(migrations.Migration):
    dependencies = [
        ("invoices", "0003_aging_snapshot_totals"),
    ]

    operations = [
        migrations.RunSQL(FILL, reverse_sql="DELETE FROM invoices_agingsnapshottotal"),
    ]

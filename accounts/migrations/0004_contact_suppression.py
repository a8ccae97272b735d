from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_account_alias"),
    ]

    operations = [
        migrations.AddField(
            model_name="contact",
            name="suppressed_at",
            field=models.DateTimeField(
                blank=True,
                help_text="No emails go to a suppressed contact (hard bounce, complaint, or by hand).",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="contact",
            name="suppression_reason",
            field=models.CharField(blank=True, db_default="", max_length=200),
        ),
    ]

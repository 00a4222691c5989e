import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    """Tokens get an expiry, the two-factor they were made with, why they ended, and the
    binding to their owner's password and roles. Tokens made before this migration have no
    binding and an expiry of now: they end, and their owners make new ones."""

    dependencies = [("accounts", "0002_api_token")]

    operations = [
        migrations.AlterField(
            model_name="apitoken",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="apitoken",
            name="ended_because",
            field=models.CharField(
                blank=True,
                choices=[
                    ("revoked", "Revoked"),
                    ("password_changed", "Ended when the password was changed"),
                    ("password_reset", "Ended when the password was reset"),
                    ("signed_out_everywhere", "Ended by signing out everywhere"),
                    ("roles_changed", "Ended when the person's roles changed"),
                    ("credentials_changed", "Ended: password or roles changed"),
                ],
                max_length=30,
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="verified",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="binding",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
    ]

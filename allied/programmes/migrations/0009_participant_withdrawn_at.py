from django.db import migrations, models


def withdrawn_when_last_changed(apps, schema_editor):
    """Places withdrawn before the date was kept: the last change to the place is the best
    record of when (withdrawing was the last thing that could happen to it)."""
    Participant = apps.get_model("programmes", "Participant")
    Participant.objects.filter(status="withdrawn", withdrawn_at__isnull=True).update(
        withdrawn_at=models.F("updated_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0008_meeting_starts_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="participant",
            name="withdrawn_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(withdrawn_when_last_changed, migrations.RunPython.noop),
    ]

"""One erasure record at most per erased person: a double-submitted erasure cannot run twice."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("rights", "0001_initial"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="erasure",
            constraint=models.UniqueConstraint(
                condition=models.Q(("scope", "person")),
                fields=("user",),
                name="one_erasure_per_person",
            ),
        ),
    ]

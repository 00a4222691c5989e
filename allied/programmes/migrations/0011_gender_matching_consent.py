"""Consent to use gender in matching, asked apart from the ethnic group's (issue 18).

Until now one tick box ("I also agree that my answers can be used in matching") covered the
ethnic group and gender together, so everyone who ticked it agreed to both: their answer is
copied into the new consent. Nobody who did not tick it is counted as agreeing."""

from django.db import migrations, models


def copy_the_one_consent(apps, schema_editor):
    SpecialCategory = apps.get_model("programmes", "SpecialCategory")
    SpecialCategory.objects.filter(matching_consent=True).update(gender_matching_consent=True)


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0010_proposal_override"),
    ]

    operations = [
        migrations.AddField(
            model_name="specialcategory",
            name="gender_matching_consent",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(copy_the_one_consent, migrations.RunPython.noop),
    ]

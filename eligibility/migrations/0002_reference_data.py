"""Load the EAR country groups and seed the two default rule sets (see ``eligibility/data/README.md``).

Idempotent: re-running creates nothing new, and existing rule sets (edited by staff) are never overwritten.
"""

from django.db import migrations


def load(apps, schema_editor):
    from eligibility.seeding import seed_country_groups, seed_rulesets

    seed_country_groups(apps)
    seed_rulesets(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("eligibility", "0001_initial"),
        ("catalog", "0002_reference_data"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

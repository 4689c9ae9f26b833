"""Seed ``ear-2026-12`` ("Current EAR controls" with the January 2026 China/Macau lane, 91 FR 1684) as a DRAFT.

Existing results stay exactly as they are (computed under the active ``ear-2026-07``) until staff activate the
new version in the admin, which re-checks every package. Also labels the seeded rules of the original rule sets
with their stable codes and review policies (labels only: no outcome changes).

Reversible: the reverse removes ``ear-2026-12`` only while it is still a draft (an activated version has
results and is history that must not disappear); the labels go with the fields when 0100 is reversed.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from eligibility.seeding import backfill_rule_codes, seed_ear_lane

    backfill_rule_codes(apps)
    seed_ear_lane(apps)


def backwards(apps, schema_editor):
    from eligibility.seeding import EAR_LANE_VERSION

    RuleSet = apps.get_model("eligibility", "RuleSet")
    RuleSet.objects.filter(version=EAR_LANE_VERSION, status="draft").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("eligibility", "0100_rule_review_policy_and_figures"),
        ("catalog", "0005_component_dram_bandwidth"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

"""Seed ``ear-2026-12r2`` (issue 16 corrections) as a DRAFT and ``ai-diffusion-2025-01r2`` as ARCHIVED history.

Existing results stay exactly as they are until staff activate ``ear-2026-12r2`` in the admin, which re-checks
every package. Also adds the pseudo-destinations of the comprehensively embargoed regions of Ukraine
(15 CFR 746.6: XC Crimea, XD so-called DNR, XL so-called LNR; user-assigned ISO codes) and puts them in the
embargoed tier of the existing rule sets (no existing destination changes).

Reversible: the reverse removes the two new versions while ``ear-2026-12r2`` is still a draft; the regions stay
(they may have results by then).
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from eligibility.seeding import seed_corrections

    seed_corrections(apps)


def backwards(apps, schema_editor):
    from eligibility.seeding import AID_R2_VERSION, EAR_R2_VERSION

    RuleSet = apps.get_model("eligibility", "RuleSet")
    if RuleSet.objects.filter(version=EAR_R2_VERSION, status="draft").exists():
        RuleSet.objects.filter(version__in=[EAR_R2_VERSION, AID_R2_VERSION]).exclude(status="active").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("eligibility", "0103_rule_license_exception"),
        ("catalog", "0008_component_designed_for_data_centers"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

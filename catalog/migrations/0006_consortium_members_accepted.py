"""Existing consortium members are accepted members: their invitation and acceptance are dated when they joined.

Reversible: going back clears the dates again (the status column itself goes with 0005).
"""

from django.db import migrations
from django.db.models import F


def mark_existing_members_accepted(apps, schema_editor):
    ConsortiumMember = apps.get_model("catalog", "ConsortiumMember")
    ConsortiumMember.objects.filter(invited_at__isnull=True).update(
        status="accepted", invited_at=F("joined_at"), responded_at=F("joined_at")
    )


def clear_dates(apps, schema_editor):
    ConsortiumMember = apps.get_model("catalog", "ConsortiumMember")
    ConsortiumMember.objects.filter(status="accepted").update(invited_at=None, responded_at=None)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0005_consortium_member_consent")]

    operations = [migrations.RunPython(mark_existing_members_accepted, clear_dates)]

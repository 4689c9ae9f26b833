"""Accounts that existed before e-mail confirmation (staff, demo and company users) count as confirmed.

They signed up when no confirmation was asked for; locking them out of creating organizations and submitting
until they follow a link they were never sent would break running work. Their "confirmed" time is the moment
of this migration.

Reversible: going back is a no-op here, and the column itself goes with ``0002_email_confirmed_at``'s
reverse. (Setting the field back to empty instead could not tell these rows from accounts confirmed by their
own link since.)
"""

from django.db import migrations
from django.utils import timezone


def confirm_existing(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(email_confirmed_at__isnull=True).update(email_confirmed_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_email_confirmed_at")]

    operations = [migrations.RunPython(confirm_existing, migrations.RunPython.noop)]

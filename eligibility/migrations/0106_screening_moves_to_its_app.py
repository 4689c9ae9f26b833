"""Restricted-party screening moves to its own app (``screening``): its five models leave this app's state.

State only: the tables stay where they are (``eligibility_screening…``) and ``screening/migrations/0001`` takes
them over with the same ``db_table``. Nothing is dropped.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('eligibility', '0105_merge_screening_and_corrections'),
    ]

    state_operations = [
        migrations.RemoveField(
            model_name='screeningentry',
            name='list_import',
        ),
        migrations.RemoveField(
            model_name='screeningname',
            name='entry',
        ),
        migrations.RemoveField(
            model_name='screeninghit',
            name='entry',
        ),
        migrations.RemoveField(
            model_name='screeninghit',
            name='decided_by',
        ),
        migrations.RemoveField(
            model_name='screeninghit',
            name='organization',
        ),
        migrations.RemoveField(
            model_name='screeninglistimport',
            name='imported_by',
        ),
        migrations.DeleteModel(
            name='OrganizationScreening',
        ),
        migrations.DeleteModel(
            name='ScreeningName',
        ),
        migrations.DeleteModel(
            name='ScreeningEntry',
        ),
        migrations.DeleteModel(
            name='ScreeningHit',
        ),
        migrations.DeleteModel(
            name='ScreeningListImport',
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations, database_operations=[])]

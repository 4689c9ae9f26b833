"""Restricted-party screening as its own app: takes over the five tables it had in the eligibility app.

State only (``SeparateDatabaseAndState``): the tables ``eligibility_screening…`` keep their names, rows and
indexes (including the PostgreSQL trigram index of ``eligibility/0102``). The content types are relabelled, so
permissions granted on them and admin log entries follow the models.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MODELS = ["screeninglistimport", "screeningentry", "screeningname", "screeninghit", "organizationscreening"]


def _relabel(apps, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    # A fresh database has none yet (post_migrate creates them under the new label); never make two of one model.
    if ContentType.objects.filter(app_label=new, model__in=MODELS).exists():
        return
    ContentType.objects.filter(app_label=old, model__in=MODELS).update(app_label=new)


def relabel_content_types(apps, schema_editor):
    _relabel(apps, "eligibility", "screening")


def unrelabel_content_types(apps, schema_editor):
    _relabel(apps, "screening", "eligibility")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('catalog', '0009_merge_helpers'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('eligibility', '0106_screening_moves_to_its_app'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name='ScreeningListImport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file_name', models.CharField(max_length=255, verbose_name='file name')),
                ('file_format', models.CharField(choices=[('csv', 'CSV'), ('json', 'JSON')], max_length=4, verbose_name='format')),
                ('list_date', models.DateField(verbose_name='list date')),
                ('imported_at', models.DateTimeField(auto_now_add=True, verbose_name='imported')),
                ('row_count', models.PositiveIntegerField(verbose_name='entries')),
                ('added_count', models.PositiveIntegerField(default=0, verbose_name='added')),
                ('changed_count', models.PositiveIntegerField(default=0, verbose_name='changed')),
                ('removed_count', models.PositiveIntegerField(default=0, verbose_name='removed')),
                ('sha256', models.CharField(max_length=64, verbose_name='SHA-256 of the file')),
                ('imported_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='imported by')),
            ],
            options={
                'verbose_name': 'screening list import',
                'verbose_name_plural': 'screening list imports',
                'db_table': 'eligibility_screeninglistimport',
                'ordering': ['-imported_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='ScreeningEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=100, unique=True, verbose_name='list id')),
                ('source', models.CharField(db_index=True, max_length=255, verbose_name='source list')),
                ('entity_number', models.CharField(blank=True, max_length=100, verbose_name='entity number')),
                ('entry_type', models.CharField(blank=True, choices=[('', 'Not stated by the list'), ('Individual', 'Individual'), ('Entity', 'Entity'), ('Vessel', 'Vessel'), ('Aircraft', 'Aircraft')], db_index=True, max_length=20, verbose_name='type')),
                ('name', models.CharField(max_length=500, verbose_name='name')),
                ('alt_names', models.JSONField(blank=True, default=list, verbose_name='alternate names')),
                ('addresses', models.JSONField(blank=True, default=list, verbose_name='addresses')),
                ('countries', models.JSONField(blank=True, default=list, help_text='ISO codes read from addresses and nationalities.', verbose_name='countries')),
                ('programs', models.JSONField(blank=True, default=list, verbose_name='programs')),
                ('start_date', models.DateField(blank=True, null=True, verbose_name='start date')),
                ('end_date', models.DateField(blank=True, null=True, verbose_name='end date')),
                ('remarks', models.TextField(blank=True, verbose_name='remarks')),
                ('source_list_url', models.CharField(blank=True, max_length=500, verbose_name='source list URL')),
                ('raw', models.JSONField(blank=True, default=dict, verbose_name='all columns as imported')),
                ('fingerprint', models.CharField(max_length=64, verbose_name='content fingerprint')),
                ('list_import', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='entries', to='screening.screeninglistimport', verbose_name='import')),
            ],
            options={
                'verbose_name': 'screening list entry',
                'verbose_name_plural': 'screening list entries',
                'db_table': 'eligibility_screeningentry',
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='OrganizationScreening',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('screened_name', models.CharField(max_length=200, verbose_name='name screened')),
                ('screened_at', models.DateTimeField(verbose_name='screened')),
                ('threshold', models.FloatField(verbose_name='threshold')),
                ('hit_count', models.PositiveIntegerField(default=0, verbose_name='matches')),
                ('organization', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='screening', to='catalog.organization', verbose_name='organization')),
                ('list_import', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='screening.screeninglistimport', verbose_name='list screened against')),
            ],
            options={
                'verbose_name': 'organization screening',
                'verbose_name_plural': 'organization screenings',
                'db_table': 'eligibility_organizationscreening',
            },
        ),
        migrations.CreateModel(
            name='ScreeningName',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=500, verbose_name='name')),
                ('normalized', models.CharField(max_length=500, verbose_name='normalized name')),
                ('is_alias', models.BooleanField(default=False, verbose_name='alternate name')),
                ('entry', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='names', to='screening.screeningentry')),
            ],
            options={
                'verbose_name': 'screening name',
                'verbose_name_plural': 'screening names',
                'db_table': 'eligibility_screeningname',
            },
        ),
        migrations.CreateModel(
            name='ScreeningHit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('entry_key', models.CharField(max_length=100, verbose_name='list id')),
                ('entry_fingerprint', models.CharField(max_length=64, verbose_name='entry fingerprint')),
                ('source_list', models.CharField(db_index=True, max_length=255, verbose_name='list')),
                ('entry_name', models.CharField(max_length=500, verbose_name='listed name')),
                ('screened_name', models.CharField(max_length=200, verbose_name='organization name screened')),
                ('screened_subject', models.CharField(choices=[('organization', 'Organization'), ('person', 'Person named on the organization')], default='organization', max_length=20, verbose_name='who was screened')),
                ('matched_name', models.CharField(max_length=500, verbose_name='matched name or alias')),
                ('matched_alias', models.BooleanField(default=False, verbose_name='matched an alternate name')),
                ('score', models.FloatField(verbose_name='score')),
                ('name_scores', models.JSONField(blank=True, default=list, help_text='Every name and alternate name of the entry with its score against the name screened.', verbose_name='score of each listed name')),
                ('evidence', models.JSONField(blank=True, default=dict, help_text='Countries and addresses of the entry that agree with what the portal holds on the organization.', verbose_name='supporting evidence')),
                ('status', models.CharField(choices=[('open', 'Open: awaiting staff review'), ('cleared', 'Cleared: not the listed party'), ('confirmed', 'Confirmed: the listed party'), ('withdrawn', 'Withdrawn: no longer matches the list')], db_index=True, default='open', max_length=10, verbose_name='status')),
                ('reason', models.TextField(blank=True, verbose_name='reason for the decision')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='found')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                ('entry', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='hits', to='screening.screeningentry', verbose_name='list entry')),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='screening_hits', to='catalog.organization', verbose_name='organization')),
            ],
            options={
                'verbose_name': 'screening hit',
                'verbose_name_plural': 'screening hits',
                'db_table': 'eligibility_screeninghit',
                'ordering': ['-created_at', '-id'],
                'constraints': [models.UniqueConstraint(fields=('organization', 'entry_key'), name='uniq_screening_hit')],
            },
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations, database_operations=[]),
        migrations.RunPython(relabel_content_types, unrelabel_content_types),
    ]

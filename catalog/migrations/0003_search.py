"""Full-text search of packages and buyers' inquiries.

``Package.search_vector`` is a ``tsvector`` column on PostgreSQL (an unused NULL column on SQLite). Its GIN
index and the first fill of the vectors only make sense on PostgreSQL, so they run in ``RunPython``
operations that check the database vendor; the index is deliberately not part of the model state
(see ``catalog/models/packages.py``), so ``makemigrations --check`` stays clean on both databases.
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

INDEX = "catalog_package_search_gin"

# The vector as it was computed when this migration was written (frozen here: ``catalog.services.search`` has
# since grown to read tables created by later migrations, which re-fill the vectors themselves).
_REFRESH_SQL = """
UPDATE catalog_package AS p SET search_vector =
    setweight(to_tsvector(%(config)s::regconfig, coalesce(p.title, '')), 'A')
    || setweight(to_tsvector(%(config)s::regconfig, coalesce(p.summary, '')), 'B')
    || setweight(to_tsvector(%(config)s::regconfig, coalesce((
        SELECT string_agg(c.name || ' ' || c.description, ' ')
        FROM catalog_component AS c WHERE c.package_id = p.id
    ), '')), 'C')
    || setweight(to_tsvector(%(config)s::regconfig, coalesce(p.description, '')), 'D')
"""


def create_index_and_fill(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON catalog_package USING gin (search_vector)")
    schema_editor.execute(_REFRESH_SQL, {"config": "english"})


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_reference_data"),
    ]

    operations = [
        migrations.AddField(
            model_name="package",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(create_index_and_fill, drop_index, elidable=False),
        migrations.CreateModel(
            name="Inquiry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=200, verbose_name="your name")),
                ("organization", models.CharField(max_length=200, verbose_name="organization")),
                ("email", models.EmailField(max_length=254, verbose_name="e-mail address")),
                ("message", models.TextField(max_length=5000, verbose_name="message")),
                ("ip_address", models.GenericIPAddressField(blank=True, null=True, verbose_name="IP address")),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="received")),
                ("notified_at", models.DateTimeField(blank=True, null=True, verbose_name="managers notified")),
                (
                    "country",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="catalog.country",
                        verbose_name="country",
                    ),
                ),
                (
                    "package",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="inquiries",
                        to="catalog.package",
                        verbose_name="package",
                    ),
                ),
            ],
            options={
                "verbose_name": "inquiry",
                "verbose_name_plural": "inquiries",
                "ordering": ["-created_at"],
            },
        ),
    ]

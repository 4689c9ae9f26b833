"""Joins the screening migrations (built in parallel) with the rule-set migrations into one graph."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("eligibility", "0001_screening"),
        ("eligibility", "0002_reference_data"),
    ]
    operations: list = []

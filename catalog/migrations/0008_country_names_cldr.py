"""Countries keep CLDR's English names (through Babel), the names every page shows (``catalog/countries.py``).

The table was loaded with django-countries' ISO names ("United Kingdom of Great Britain and Northern Ireland",
"Naoero"), so the admin, the API's ``country_name`` and the English order differed from the pages.
"""

from django.db import migrations


def cldr_english_names(apps, schema_editor):
    from babel import Locale

    Country = apps.get_model("catalog", "Country")
    names = Locale.parse("en").territories
    changed = []
    for country in Country.objects.all():
        name = names.get(country.code)
        if name and country.name != name:
            country.name = name[:100]
            changed.append(country)
    Country.objects.bulk_update(changed, ["name"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0007_merge_trust_branches")]

    operations = [migrations.RunPython(cldr_english_names, migrations.RunPython.noop)]

"""Reference data: every ISO 3166-1 country, the sectors, and a few regional blocs.

Countries come from the ISO 3166-1 list bundled with django-countries (the installed version's data).
Regional blocs as of 2026: the European Union (27 members), the Gulf Cooperation Council, ASEAN,
MERCOSUR (full members, Bolivia included since 2024) and ECOWAS (after Mali, Burkina Faso and Niger left in 2025).
"""

from django.db import migrations

REGIONS = {
    "eu": ("European Union", "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE"),
    "gcc": ("Gulf Cooperation Council", "BH KW OM QA SA AE"),
    "asean": ("Association of Southeast Asian Nations", "BN KH ID LA MY MM PH SG TH VN TL"),
    "mercosur": ("MERCOSUR", "AR BR PY UY BO"),
    "ecowas": ("Economic Community of West African States", "BJ CV CI GM GH GN GW LR NG SN SL TG"),
}

SECTORS = [
    "agriculture", "education", "energy", "finance", "government", "health", "manufacturing",
    "software_engineering", "telecom", "transportation", "research", "other",
]


def load(apps, schema_editor):
    from django_countries.data import COUNTRIES
    from django.utils.translation import override

    Country = apps.get_model("catalog", "Country")
    Region = apps.get_model("catalog", "Region")
    Sector = apps.get_model("catalog", "Sector")
    with override("en"):
        for code, name in COUNTRIES.items():
            Country.objects.update_or_create(code=code, defaults={"name": str(name)})
    for code in SECTORS:
        Sector.objects.get_or_create(code=code)
    for code, (name, members) in REGIONS.items():
        region, _ = Region.objects.update_or_create(code=code, defaults={"name": name})
        region.countries.set(Country.objects.filter(code__in=members.split()))


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

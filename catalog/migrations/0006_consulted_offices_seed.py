"""Seed the offices Commerce consults before a designation (State, War, Energy, OSTP), each with its staff group.

The groups may view packages in the admin (so their members can open the decision panel and answer). Reversible:
going back removes the seeded offices, their answers and the groups created here.
"""

from django.db import migrations

OFFICES = [
    ("state", "Department of State", 10),
    ("war", "Department of War", 20),
    ("energy", "Department of Energy", 30),
    ("ostp", "Office of Science and Technology Policy", 40),
]


def group_name(name: str) -> str:
    return f"Consultation: {name}"


def seed(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    ConsultedOffice = apps.get_model("catalog", "ConsultedOffice")
    package_type, _ = ContentType.objects.get_or_create(app_label="catalog", model="package")
    view, _ = Permission.objects.get_or_create(
        content_type=package_type, codename="view_package", defaults={"name": "Can view package"}
    )
    for code, name, position in OFFICES:
        group, _ = Group.objects.get_or_create(name=group_name(name))
        group.permissions.add(view)
        ConsultedOffice.objects.get_or_create(code=code, defaults={"name": name, "group": group, "position": position})


def unseed(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    ConsultedOffice = apps.get_model("catalog", "ConsultedOffice")
    ConsultationAnswer = apps.get_model("catalog", "ConsultationAnswer")
    codes = [code for code, _name, _position in OFFICES]
    ConsultationAnswer.objects.filter(office__code__in=codes).delete()
    ConsultedOffice.objects.filter(code__in=codes).delete()
    Group.objects.filter(name__in=[group_name(name) for _code, name, _position in OFFICES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("catalog", "0005_consultation"),
    ]

    operations = [migrations.RunPython(seed, unseed)]

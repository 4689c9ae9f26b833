"""Demo accounts: a staff reviewer and a company user, with fixed, printed credentials."""

from __future__ import annotations

from typing import IO

from django.contrib.auth import get_user_model

DEMO_STAFF = ("staff@aiexports.example", "demo-staff-password")
DEMO_COMPANY = ("company@aiexports.example", "demo-company-password")


def load(stdout: IO[str]) -> None:
    User = get_user_model()
    staff, created = User.objects.get_or_create(
        email=DEMO_STAFF[0], defaults={"full_name": "Demo Reviewer", "is_staff": True, "is_superuser": True}
    )
    if created:
        staff.set_password(DEMO_STAFF[1])
        staff.save()
    company, created = User.objects.get_or_create(email=DEMO_COMPANY[0], defaults={"full_name": "Demo Company User"})
    if created:
        company.set_password(DEMO_COMPANY[1])
        company.save()
    stdout.write(f"Staff account:   {DEMO_STAFF[0]} / {DEMO_STAFF[1]}  (sign in at /admin/)")
    stdout.write(f"Company account: {DEMO_COMPANY[0]} / {DEMO_COMPANY[1]}  (sign in at /accounts/sign-in/)")

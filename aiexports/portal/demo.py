"""Demo accounts (a staff reviewer and a company user, with fixed, printed credentials) and info pages."""

from __future__ import annotations

from typing import IO

from django.contrib.auth import get_user_model
from django.utils import timezone

from aiexports.accounts.two_factor import demo as two_factor_demo

from .demo_pages import PAGES
from .models import InfoPage

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
    # The demo accounts' (fictional) addresses count as confirmed: no one can follow a link sent to them.
    User.objects.filter(pk__in=[staff.pk, company.pk], email_confirmed_at__isnull=True).update(
        email_confirmed_at=timezone.now()
    )
    created_pages = 0
    for slug, versions in PAGES.items():
        for language, (title, body) in versions.items():
            # get_or_create: a page staff have edited is never overwritten by a later demo load.
            _, was_created = InfoPage.objects.get_or_create(
                slug=slug, language=language, defaults={"title": title, "body": body}
            )
            created_pages += was_created
    stdout.write(f"Information pages: {created_pages} created, {InfoPage.objects.count()} in total.")
    stdout.write(f"Staff account:   {DEMO_STAFF[0]} / {DEMO_STAFF[1]}  (sign in at /admin/)")
    two_factor_demo.load(staff, stdout)  # the staff account's DEMO-ONLY second factor (key, recovery codes)
    stdout.write(f"Company account: {DEMO_COMPANY[0]} / {DEMO_COMPANY[1]}  (sign in at /accounts/sign-in/)")

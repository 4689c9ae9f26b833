"""``manage.py reset_staff_otp <email>``: remove a staff member's second factor (a lost phone), audited."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aiexports.accounts.models import User
from aiexports.accounts.two_factor.services import mfa_reset


class Command(BaseCommand):
    help = (
        "Remove every second-factor device (authenticator apps, recovery codes) of the account with this e-mail "
        "address. Its next admin sign-in asks it to set up a new authenticator app. Writes an audit event."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="e-mail address of the account")
        parser.add_argument("--reason", default="", help="why (recorded in the audit event), e.g. a ticket number")

    def handle(self, *args: Any, email: str, reason: str, **options: Any) -> None:
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account has the e-mail address {email!r}; nothing was changed.")
        message = "Second factor reset by an operator (manage.py reset_staff_otp)" + (f": {reason}" if reason else ".")
        before = mfa_reset(user=user, reason=message)
        if not before["devices"]:
            self.stdout.write(f"{user.email} had no second-factor device; nothing to remove (audit event written).")
        else:
            self.stdout.write(
                f"Removed the second factor of {user.email}: {before['authenticator_apps']} authenticator app(s), "
                f"{before['recovery_codes_left']} unused recovery code(s) ({before['devices']} device(s)). "
                "Audit event mfa.reset written."
            )
        if not user.is_staff:
            self.stdout.write(self.style.WARNING(f"Note: {user.email} is not a staff account."))
        self.stdout.write(self.style.SUCCESS("At the next admin sign-in the account sets up a new authenticator app."))

from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    """``django.contrib.admin`` with ``StaffAdminSite`` as ``admin.site`` (every ``@admin.register`` uses it)."""

    default_site = "aiexports.accounts.two_factor.admin_site.StaffAdminSite"

    def ready(self) -> None:
        super().ready()  # autodiscover: every app's admin module has registered by now
        from django.contrib import admin
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from . import checks  # noqa: F401  (the system check that the second factor is on)

        # django-otp's own device admins would let a superuser edit keys or delete a device without an audit
        # event; a lost factor is reset with ``manage.py reset_staff_otp`` instead.
        for model in (TOTPDevice, StaticDevice):
            if admin.site.is_registered(model):
                admin.site.unregister(model)

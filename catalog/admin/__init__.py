"""The catalog's admin: importing each module registers its model admins with Django's admin site."""

from . import inquiries, organizations, packages  # noqa: F401

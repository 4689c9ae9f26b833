"""Load the demo data of every app, idempotently: running it twice leaves the same state."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

# Each app's ``demo.load(stdout)`` creates its own demo rows with get_or_create/update_or_create.
DEMO_LOADERS = [
    "aiexports.portal.demo",
    "catalog.demo",
    "eligibility.demo",
    "rfi.demo",
]


class Command(BaseCommand):
    help = "Create demo accounts and demo data (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        for dotted in DEMO_LOADERS:
            module = import_module(dotted)
            with transaction.atomic():
                module.load(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))

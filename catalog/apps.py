from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Catalog")

    def ready(self) -> None:
        # The search-vector signals import services, which import the models: connect them once all are loaded.
        from .models import search  # noqa: F401

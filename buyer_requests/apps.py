from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BuyerRequestsConfig(AppConfig):
    name = "buyer_requests"
    verbose_name = _("Package requests from buyers")

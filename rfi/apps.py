from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RfiConfig(AppConfig):
    name = "rfi"
    verbose_name = _("Requests for information")

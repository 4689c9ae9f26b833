from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    """Restricted-party screening of organizations against the Consolidated Screening List.

    Its tables keep the names they had as part of the eligibility app (``eligibility_screening…``): see
    ``migrations/0001_initial.py``.
    """

    name = "screening"
    label = "screening"
    verbose_name = _("Restricted-party screening")

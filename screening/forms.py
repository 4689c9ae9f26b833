"""Staff forms of screening (admin): the list upload and the reason for a decision on hits."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiexports.singleline import SingleLineFormMixin
from aiexports.uploads import client_name, refusal_message

from .choices import ListFormat


class ScreeningUploadForm(SingleLineFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Consolidated Screening List file"),
        help_text=_('The CSL as CSV (consolidated.csv) or JSON (the API\'s {"results": [...]} shape).'),
        allow_empty_file=True,  # the import refuses an empty file with its own message
    )
    file_format = forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("From the file name")), *ListFormat.choices],
        required=False,
    )
    list_date = forms.DateField(
        label=_("Date of the list"),
        initial=timezone.localdate,
        help_text=_("The publication date of the file (YYYY-MM-DD)."),
    )

    def clean_file(self):
        """Shape only: one file, not too big. Its name and content are checked by ``screening_list_import``."""
        upload = self.cleaned_data["file"]
        sent = len(self.files.getlist(self.add_prefix("file"))) if self.files else 1
        if sent > 1:
            raise forms.ValidationError(
                _("You attached %(count)s files; at most 1 is accepted.") % {"count": sent}, code="too_many"
            )
        limit = settings.AIX_SCREENING_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                refusal_message(
                    client_name(upload),
                    ValueError(
                        _("it is %(size)s; the limit is %(limit)s")
                        % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
                    ),
                ),
                code="too_large",
            )
        return upload


class HitDecisionForm(SingleLineFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        max_length=5000,
        help_text=_("Recorded with the decision and shown in the audit trail."),
    )

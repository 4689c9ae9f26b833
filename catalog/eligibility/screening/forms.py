"""Staff forms of screening (admin): the list upload and the reason for a decision on hits."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import ListFormat


class ScreeningUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Consolidated Screening List file"),
        help_text=_('The CSL as CSV (consolidated.csv) or JSON (the API\'s {"results": [...]} shape).'),
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
        upload = self.cleaned_data["file"]
        limit = settings.AIX_SCREENING_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s; the largest accepted is %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
                code="too_large",
            )
        if not upload.name.lower().endswith((".csv", ".json")):
            raise forms.ValidationError(_("Upload a .csv or .json file."), code="extension")
        return upload


class HitDecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        max_length=5000,
        help_text=_("Recorded with the decision and shown in the audit trail."),
    )

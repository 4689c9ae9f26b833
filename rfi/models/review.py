"""Review support data: the LSH band keys that find near-duplicate (campaign) submissions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .notices import Notice
from .submissions import Submission


class SubmissionBand(models.Model):
    """One locality-sensitive-hashing band key of a submission's MinHash signature (see ``rfi.fingerprint``).

    Two submissions of the same notice that share a key are candidates for the same campaign; the
    (notice, key) index turns "which earlier responses look like this one?" into an index look-up
    instead of a comparison with every response. Derived data: ``rfi.duplicates`` rewrites it.
    """

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="campaign_bands")
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="+")
    key = models.BigIntegerField(_("band key"))

    class Meta:
        verbose_name = _("campaign band key")
        verbose_name_plural = _("campaign band keys")
        indexes = [models.Index(fields=["notice", "key"], name="rfi_band_notice_key_idx")]

    def __str__(self) -> str:
        return f"{self.submission_id}: {self.key}"

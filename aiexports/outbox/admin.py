"""The outbox for staff: read-only (what was sent to whom, what is stuck), with a "send again" action."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from aiexports.errors import DomainError
from aiexports.http import client_ip, signed_in_user

from . import services
from .choices import MailStatus
from .models import OutboxMail


@admin.register(OutboxMail)
class OutboxMailAdmin(admin.ModelAdmin):
    """Nobody edits or deletes an e-mail here; a failed one can be sent again (``outbox_mail_retry``)."""

    list_display = ("created_at", "subject", "recipients", "template_prefix", "status", "attempts", "sent_at")
    list_filter = ("status", "template_prefix", ("created_at", admin.DateFieldListFilter))
    search_fields = ("subject", "to", "template_prefix", "dedupe_key")
    date_hierarchy = "created_at"
    # The bodies are not shown: an e-mail may carry a confirmation or password-reset link for its recipient.
    fields = readonly_fields = (
        "template_prefix", "language", "subject", "from_email", "to", "reply_to", "dedupe_key", "status",
        "attempts", "next_attempt_at", "last_error", "created_at", "sent_at",
    )  # fmt: skip
    actions = ("retry",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("to"))
    def recipients(self, obj: OutboxMail) -> str:
        return ", ".join(obj.to)

    @admin.action(description=_("Send the selected failed e-mails again"), permissions=["view"])
    def retry(self, request: HttpRequest, queryset: QuerySet[OutboxMail]) -> None:
        done = 0
        for mail in queryset.filter(status=MailStatus.FAILED):
            try:
                services.outbox_mail_retry(actor=signed_in_user(request), mail=mail, ip_address=client_ip(request))
            except DomainError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                done += 1
        skipped = queryset.exclude(status=MailStatus.FAILED).count()
        self.message_user(
            request, ngettext("%(n)d e-mail queued again.", "%(n)d e-mails queued again.", done) % {"n": done}
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(n)d e-mail was not sent again: only failed ones can be.",
                    "%(n)d e-mails were not sent again: only failed ones can be.",
                    skipped,
                )
                % {"n": skipped},
                messages.WARNING,
            )

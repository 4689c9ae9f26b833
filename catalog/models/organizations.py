"""Organizations and consortia."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.choices import ConsortiumRole, Layer, MemberStatus, OrganizationRole

from .reference import Country


class Organization(models.Model):
    """A company or institution. People belong to it through ``OrganizationMembership``."""

    name = models.CharField(_("legal name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    country = models.ForeignKey(
        Country, verbose_name=_("country of headquarters"), on_delete=models.PROTECT, related_name="+"
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    foreign_controlled = models.BooleanField(
        _("owned or controlled from another country"),
        default=False,
        help_text=_("Tick if a person or entity in another country owns or controls this organization."),
    )
    controlling_country = models.ForeignKey(
        Country,
        verbose_name=_("controlling country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Set only through ``organization_verify`` / ``organization_unverify`` (audited), never by a form.
    verified = models.BooleanField(_("verified by staff"), default=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verification_note = models.TextField(
        _("verification note"),
        blank=True,
        max_length=2000,
        help_text=_("What staff checked (for staff only; members see only whether and when)."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="OrganizationMembership", related_name="organizations"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name


class OrganizationMembership(models.Model):
    """A user's membership of an organization, as admin (manages members) or editor."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=OrganizationRole.choices, default=OrganizationRole.EDITOR)
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("organization membership")
        verbose_name_plural = _("organization memberships")
        constraints = [models.UniqueConstraint(fields=["organization", "user"], name="uniq_org_member")]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization} ({self.role})"


class Consortium(models.Model):
    """An industry consortium: an anchor (lead) organization and member organizations."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    website = models.URLField(_("website"), blank=True)
    anchor = models.ForeignKey(
        Organization, verbose_name=_("anchor member"), on_delete=models.PROTECT, related_name="anchored_consortia"
    )
    organizations = models.ManyToManyField(Organization, through="ConsortiumMember", related_name="consortia")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("consortium")
        verbose_name_plural = _("consortia")

    def __str__(self) -> str:
        return self.name


class ConsortiumMemberQuerySet(models.QuerySet):
    """Memberships by status. Only ``accepted()`` members are members: shown publicly, named as suppliers,
    counted toward completeness, screened before publication and allowed to see the consortium's drafts."""

    def accepted(self) -> ConsortiumMemberQuerySet:
        return self.filter(status=MemberStatus.ACCEPTED)

    def pending(self) -> ConsortiumMemberQuerySet:
        return self.filter(status=MemberStatus.PENDING)

    def current(self) -> ConsortiumMemberQuerySet:
        """Accepted members and pending invitations: an organization in either cannot be invited again."""
        return self.filter(status__in=[MemberStatus.PENDING, MemberStatus.ACCEPTED])


class ConsortiumMember(models.Model):
    """An organization's membership of a consortium, by consent: the anchor invites (``pending``), the invited
    organization's admins accept or decline, the anchor may withdraw a pending invitation, and a member may
    leave. Who did each step and when is kept on the row (and every step in the audit log). One row per
    consortium and organization: inviting again after a decline, a withdrawal or a departure reuses it."""

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="members")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="consortium_memberships")
    role = models.CharField(_("role"), max_length=20, choices=ConsortiumRole.choices, default=ConsortiumRole.TECHNOLOGY)
    layers = models.JSONField(_("layers contributed"), default=list, blank=True)
    # Fail closed: a row created without a status is an invitation, never a member.
    status = models.CharField(
        _("membership status"), max_length=20, choices=MemberStatus.choices, default=MemberStatus.PENDING, db_index=True
    )
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    responded_at = models.DateTimeField(_("accepted or declined"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted or declined by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ended_at = models.DateTimeField(_("withdrawn or left"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn or left by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ConsortiumMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("consortium member")
        verbose_name_plural = _("consortium members")
        constraints = [models.UniqueConstraint(fields=["consortium", "organization"], name="uniq_consortium_member")]

    def __str__(self) -> str:
        return f"{self.organization} in {self.consortium}"

    @property
    def is_accepted(self) -> bool:
        return self.status == MemberStatus.ACCEPTED

    @property
    def is_pending(self) -> bool:
        return self.status == MemberStatus.PENDING

    @property
    def layer_labels(self) -> list[str]:
        """The translated names of the layers contributed, in the layers' order."""
        return [str(layer.label) for layer in Layer if layer.value in (self.layers or [])]

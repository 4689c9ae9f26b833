"""Serializers of the membership API: consortium members and invitations, with their status."""

from __future__ import annotations

from rest_framework import serializers

from aiexports.singleline import SingleLineSerializerMixin
from catalog.choices import ConsortiumRole, Layer
from catalog.models import ConsortiumMember, Organization


class MembershipSerializer(serializers.ModelSerializer):
    """One organization's membership of a consortium (or an invitation to it), with who did each step when."""

    consortium: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    consortium_name = serializers.CharField(source="consortium.name", read_only=True)
    organization: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    layers = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = ConsortiumMember
        fields = [
            "id", "consortium", "consortium_name", "organization", "organization_name", "status", "role", "layers",
            "invited_at", "responded_at", "ended_at",
        ]  # fmt: skip
        read_only_fields = fields


class InviteSerializer(SingleLineSerializerMixin, serializers.Serializer):
    """Invite an organization (by slug) with its role and the layers it would contribute."""

    organization = serializers.SlugRelatedField(
        slug_field="slug", queryset=Organization.objects.all(), help_text="Slug of a registered organization."
    )
    # Plain strings checked by the service (a 400 naming the problem), not enums: an enum per choice subset would
    # collide in the schema with the role and layer enums of the other serializers.
    role = serializers.CharField(
        default=ConsortiumRole.TECHNOLOGY,
        help_text="One of: " + ", ".join(v for v in ConsortiumRole.values if v != ConsortiumRole.ANCHOR) + ".",
    )
    layers = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        default=list,
        help_text="Any of: " + ", ".join(Layer.values) + ".",
    )

"""Serializers of the staff API of package requests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from rest_framework import serializers

from aiexports.api import StrictCharField
from aiexports.singleline import SingleLineSerializerMixin
from buyer_requests.choices import RequestStatus
from buyer_requests.models import PackageRequest, RequestMatch, RequestNote, RequestReply
from catalog.choices import Layer

if TYPE_CHECKING:
    from aiexports.accounts.models import User
    from catalog.models import Package


class NoteSerializer(serializers.ModelSerializer):
    author: serializers.StringRelatedField[User] = serializers.StringRelatedField()

    class Meta:
        model = RequestNote
        fields = ["text", "author", "created_at"]


class ReplySerializer(serializers.ModelSerializer):
    author: serializers.StringRelatedField[User] = serializers.StringRelatedField()

    class Meta:
        model = RequestReply
        fields = ["text", "author", "created_at", "sent_at"]


class MatchSerializer(serializers.ModelSerializer):
    package: serializers.SlugRelatedField[Package] = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    package_title = serializers.CharField(source="package.title", read_only=True)

    class Meta:
        model = RequestMatch
        fields = ["package", "package_title", "confirmed_at", "notified_at"]


class SuggestionSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    consortium = serializers.CharField(source="consortium.name")
    outcome = serializers.CharField()


class PackageRequestSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country_id", read_only=True)
    sector = serializers.CharField(source="sector_id", read_only=True)
    assigned_to = serializers.SerializerMethodField()
    layers = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="The layers asked: " + ", ".join(Layer.values)
    )

    class Meta:
        model = PackageRequest
        fields = [
            "reference", "status", "assigned_to", "requester_type", "organization_name", "contact_name", "email",
            "country", "sector", "layers", "need_hardware", "need_software", "need_data", "need_security", "scale",
            "timeline", "financing_interest", "created_at", "updated_at",
        ]  # fmt: skip

    def get_assigned_to(self, obj: PackageRequest) -> str | None:
        return obj.assigned_to.email if obj.assigned_to else None


class PackageRequestDetailSerializer(PackageRequestSerializer):
    notes = NoteSerializer(many=True, read_only=True)
    replies = ReplySerializer(many=True, read_only=True)
    matches = MatchSerializer(many=True, read_only=True)
    suggestions = SuggestionSerializer(many=True, read_only=True)

    class Meta(PackageRequestSerializer.Meta):
        fields = [*PackageRequestSerializer.Meta.fields, "confidential_details", "notes", "replies", "matches",
                  "suggestions"]  # fmt: skip


class TriageSerializer(SingleLineSerializerMixin, serializers.Serializer):
    status = serializers.ChoiceField(choices=RequestStatus.choices, required=False)
    assigned_to = StrictCharField(
        required=False, allow_null=True, max_length=254,
        help_text="E-mail address of an active staff member; null unassigns.",
    )  # fmt: skip

    def validate_assigned_to(self, value: str | None):  # noqa: ANN201
        if value is None:
            return None
        user = get_user_model().objects.filter(email__iexact=value, is_staff=True, is_active=True).first()
        if user is None:
            raise serializers.ValidationError("No active staff member has this e-mail address.")
        return user


class TextSerializer(serializers.Serializer):
    text = StrictCharField(max_length=10000, trim_whitespace=True, style={"base_template": "textarea.html"})


class MatchConfirmSerializer(SingleLineSerializerMixin, serializers.Serializer):
    packages = serializers.ListField(child=StrictCharField(max_length=220), min_length=1, max_length=50)

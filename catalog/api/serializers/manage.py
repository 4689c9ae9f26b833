"""Serializers of the submitter API: drafts (packages of the user's consortia), their components, submit."""

from __future__ import annotations

from typing import Any, cast

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aiexports.api import JSONObjectField
from aiexports.singleline import SingleLineSerializerMixin
from catalog.access import consortia_for_user
from catalog.choices import FederalSupport
from catalog.models import Component, Consortium, Country, Organization, Package, Region, Sector
from catalog.readiness import package_missing


class MissingItemSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable code, e.g. layer_security or target_markets.")
    message = serializers.CharField()
    step = serializers.CharField(help_text="The wizard step that fixes it.")
    component = serializers.IntegerField(
        required=False, help_text="The component it is about, e.g. one whose supplier is no longer a member."
    )


class ErrorSerializer(serializers.Serializer):
    """A refusal (``detail``, ``code``), or invalid input: each invalid field with its messages."""

    detail = serializers.CharField(required=False)
    code = serializers.CharField(required=False)


class IncompleteErrorSerializer(ErrorSerializer):
    missing = MissingItemSerializer(many=True, required=False)


class ComponentSerializer(SingleLineSerializerMixin, serializers.ModelSerializer):
    supplier = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organization.objects.all(),
        required=False,
        allow_null=True,
        help_text="Slug of a member organization of the consortium.",
    )
    specs = JSONObjectField(required=False, help_text="Free-form specifications, a JSON object.")

    class Meta:
        model = Component
        fields = [
            "id", "layer", "category", "supplier", "name", "description", "quantity", "position", "eccn", "tpp",
            "performance_density", "dram_bandwidth", "designed_for_data_centers", "unit_value_usd", "us_origin_share",
            "training_operations", "weights_published", "specs",
        ]  # fmt: skip
        read_only_fields = ["id"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None and "layer" in attrs and attrs["layer"] != self.instance.layer:
            raise serializers.ValidationError(
                {"layer": _("A component cannot move to another layer: remove it and add a new one.")}
            )
        return attrs


class DraftListSerializer(serializers.ModelSerializer):
    consortium: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    revision_of: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )

    class Meta:
        model = Package
        fields = ["slug", "title", "consortium", "status", "revision_of", "reviewer_feedback", "updated_at"]
        read_only_fields = fields


class DraftSerializer(SingleLineSerializerMixin, serializers.ModelSerializer):
    """A package of one of the user's consortia. ``consortium`` is set on creation only."""

    consortium = serializers.SlugRelatedField(slug_field="slug", queryset=Consortium.objects.none())
    sectors = serializers.SlugRelatedField(slug_field="code", queryset=Sector.objects.all(), many=True, required=False)
    target_countries = serializers.SlugRelatedField(
        slug_field="code", queryset=Country.objects.all(), many=True, required=False, help_text="ISO alpha-2 codes."
    )
    target_regions = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), many=True, required=False
    )
    federal_support = serializers.ListField(
        child=serializers.ChoiceField(choices=FederalSupport.choices), required=False
    )
    revision_of: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    components = ComponentSerializer(many=True, read_only=True)
    missing = serializers.SerializerMethodField(help_text="What still blocks submission; empty when complete.")

    class Meta:
        model = Package
        fields = [
            "slug", "consortium", "title", "summary", "description", "sectors", "target_countries", "target_regions",
            "builder", "owner", "operator", "business_model", "federal_support", "federal_support_details",
            "us_content_statement", "status", "reviewer_feedback", "rejection_reason", "revision_of", "submitted_at",
            "published_at", "updated_at", "components", "missing",
        ]  # fmt: skip
        read_only_fields = [
            "slug", "status", "reviewer_feedback", "rejection_reason", "submitted_at", "published_at", "updated_at",
        ]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        consortium: Any = self.fields["consortium"]
        if self.instance is not None:
            consortium.read_only = True
        elif request is not None:
            consortium.queryset = consortia_for_user(request.user)

    @extend_schema_field(MissingItemSerializer(many=True))
    def get_missing(self, package: Package) -> list[dict[str, str | int]]:
        return [m.as_dict() for m in package_missing(package, package.components.all())]


class SubmitOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Package
        fields = ["slug", "status", "submitted_at"]
        read_only_fields = fields


class ComponentTranslationSerializer(SingleLineSerializerMixin, serializers.Serializer):
    component = serializers.IntegerField(help_text="The id of one of the package's components.")
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class PackageTranslationSerializer(SingleLineSerializerMixin, serializers.Serializer):
    """A package's version in one language other than English; components left out keep no version (blank
    name and description: the English is shown)."""

    language = serializers.ChoiceField(choices=[], help_text="A language code other than English: ja, es or fr.")
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    components = ComponentTranslationSerializer(many=True, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from catalog.models.translations import content_language_choices

        cast(serializers.ChoiceField, self.fields["language"]).choices = content_language_choices()

    def validate_components(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        ids = [item["component"] for item in value]
        if len(ids) != len(set(ids)):
            raise serializers.ValidationError(_("Each component may be given once."))
        return value

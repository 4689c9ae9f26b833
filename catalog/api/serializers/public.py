"""Serializers of the public read API (packages and consortia). Read-only: they never write."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.models import Component, Consortium, ConsortiumMember, Organization, Package


class OrganizationRefSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country_id", help_text="ISO 3166-1 alpha-2 code.")

    class Meta:
        model = Organization
        fields = ["slug", "name", "country"]


class ConsortiumRefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-consortium-detail", lookup_field="slug")

    class Meta:
        model = Consortium
        fields = ["slug", "name", "url"]


class PublicComponentSerializer(serializers.ModelSerializer):
    supplier = OrganizationRefSerializer(allow_null=True)

    class Meta:
        model = Component
        fields = [
            "layer", "category", "name", "description", "quantity", "supplier", "eccn", "tpp",
            "performance_density", "dram_bandwidth", "designed_for_data_centers", "training_operations",
            "weights_published",
        ]  # fmt: skip


class PackageListSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-package-detail", lookup_field="slug")
    consortium = ConsortiumRefSerializer()
    sectors = serializers.SerializerMethodField()
    target_regions = serializers.SerializerMethodField()
    target_countries = serializers.SerializerMethodField()

    class Meta:
        model = Package
        fields = [
            "slug", "title", "summary", "url", "consortium", "sectors", "target_regions", "target_countries",
            "published_at",
        ]  # fmt: skip

    # Read from the values ``selectors.attach_list_data`` put on each package, never with a query per package.
    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_sectors(self, package: Package) -> list[str]:
        return package.sector_codes

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_target_regions(self, package: Package) -> list[str]:
        return package.target_region_codes

    @extend_schema_field(serializers.ListField(child=serializers.CharField(), help_text="ISO alpha-2 codes."))
    def get_target_countries(self, package: Package) -> list[str]:
        return package.target_country_codes


class PackageDetailSerializer(PackageListSerializer):
    components = PublicComponentSerializer(many=True)

    class Meta(PackageListSerializer.Meta):
        fields = [
            *PackageListSerializer.Meta.fields,
            "description", "builder", "owner", "operator", "business_model", "federal_support",
            "federal_support_details", "us_content_statement", "components",
        ]  # fmt: skip
        extra_kwargs = {"federal_support": {"help_text": "Codes of the kinds of federal support requested."}}


class ConsortiumMemberSerializer(serializers.ModelSerializer):
    organization = OrganizationRefSerializer()
    layers = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = ConsortiumMember
        fields = ["organization", "role", "layers"]


class ConsortiumSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-consortium-detail", lookup_field="slug")
    anchor = OrganizationRefSerializer()
    members = ConsortiumMemberSerializer(many=True)

    class Meta:
        model = Consortium
        fields = ["slug", "name", "description", "website", "url", "anchor", "members"]


class PackageRefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-package-detail", lookup_field="slug")

    class Meta:
        model = Package
        fields = ["slug", "title", "summary", "url"]


class ConsortiumDetailSerializer(ConsortiumSerializer):
    packages = PackageRefSerializer(many=True, source="published_packages")

    class Meta(ConsortiumSerializer.Meta):
        fields = [*ConsortiumSerializer.Meta.fields, "packages"]

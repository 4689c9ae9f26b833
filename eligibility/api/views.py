"""Eligibility API: countries and tiers, rule sets, a package's results, and the stateless calculator."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aiexports.api import ApiErrorSerializer
from aiexports.pagination import single_query_value
from aiexports.parsers import JSONParser
from catalog.models import Country

from ..choices import RuleSetStatus
from ..models import CountryTier, ProgramEligibility, Rule, RuleSet, Tier
from ..selectors_results import (
    countries_with_tiers,
    eligibility_evaluate,
    package_for_eligibility,
    package_results,
    ruleset_active,
    ruleset_by_version,
)
from .serializers import (
    COUNTRY_CODES,
    CountrySerializer,
    EvaluateInputSerializer,
    EvaluateOutputSerializer,
    PackageEligibilitySerializer,
    ProgramSerializer,
    ResultSerializer,
    RuleSetDetailSerializer,
    RuleSetSerializer,
)


@extend_schema(summary="List every country with its EAR country groups and tier")
class CountryList(generics.ListAPIView):
    """Every country with its EAR country groups and its tier under the active rule set."""

    serializer_class = CountrySerializer
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[Country]:
        return countries_with_tiers(ruleset_active())


def _visible_rulesets(request: Request) -> QuerySet[RuleSet]:
    qs = RuleSet.objects.all()
    return qs if request.user.is_staff else qs.exclude(status=RuleSetStatus.DRAFT)


@extend_schema(summary="List the rule-set versions, newest first")
class RuleSetList(generics.ListAPIView):
    """Rule-set versions (drafts only for staff), newest first."""

    serializer_class = RuleSetSerializer
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[RuleSet]:
        return _visible_rulesets(self.request)


@extend_schema(summary="One rule-set version with its tiers and rules")
class RuleSetDetail(generics.RetrieveAPIView):
    """One rule-set version with its tiers (and their countries) and its rules."""

    serializer_class = RuleSetDetailSerializer
    lookup_field = "version"
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[RuleSet]:
        return _visible_rulesets(self.request).prefetch_related(
            Prefetch("tiers", queryset=Tier.objects.prefetch_related(
                Prefetch("country_tiers", queryset=CountryTier.objects.only("id", "tier_id", "country_id"))
            )),
            Prefetch("rules", queryset=Rule.objects.select_related("tier")),
        )  # fmt: skip


class PackageEligibility(APIView):
    """A package's current export-control result for every country (or one: ``?country=JP``).

    Published packages are public; other packages only for staff and the package's consortium.
    """

    permission_classes = [AllowAny]

    @extend_schema(
        summary="A package's export-control result for every country, or one",
        parameters=[
            OpenApiParameter(
                "country", str, description="ISO alpha-2 code, for example JP (either case)", enum=COUNTRY_CODES
            )
        ],
        responses={
            200: PackageEligibilitySerializer,
            400: OpenApiResponse(ApiErrorSerializer, description="Unknown country code."),
            404: OpenApiResponse(ApiErrorSerializer, description="No such package (or not visible to you)."),
        },
    )
    def get(self, request: Request, slug: str) -> Response:
        package = package_for_eligibility(slug, request.user)
        if package is None:
            return Response({"detail": _("No such package.")}, status=status.HTTP_404_NOT_FOUND)
        country = (single_query_value(request, "country") or "").strip().upper()
        if country and not Country.objects.filter(pk=country).exists():
            return Response({"country": [_("Unknown country code: %(c)s.") % {"c": country}]}, status=400)
        results = package_results(package, country=country or None)
        program = ProgramEligibility.objects.filter(package=package).first()
        rows = list(results)
        return Response(
            {
                "package": package.slug,
                "ruleset": rows[0].ruleset_version if rows else None,
                "program": ProgramSerializer(program).data if program else None,
                "results": ResultSerializer(rows, many=True).data,
            }
        )


class Evaluate(APIView):
    """Evaluate components against a rule set for some or all countries. Nothing is saved."""

    permission_classes = [AllowAny]
    parser_classes = [JSONParser]  # a list of nested components has no form encoding

    @extend_schema(
        summary="Evaluate components against a rule set (nothing is saved)",
        request=EvaluateInputSerializer,
        responses={200: EvaluateOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        data = EvaluateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ruleset = ruleset_by_version(data.validated_data.get("ruleset"), include_drafts=request.user.is_staff)
        if ruleset is None:
            raise serializers.ValidationError({"ruleset": [_("No such rule-set version.")]})
        countries = [c.upper() for c in data.validated_data.get("countries") or []]
        unknown = sorted(set(countries) - set(Country.objects.filter(pk__in=countries).values_list("pk", flat=True)))
        if unknown:
            raise serializers.ValidationError({"countries": [_("Unknown country codes: %s.") % ", ".join(unknown)]})
        components = data.to_components()
        evaluation = eligibility_evaluate(components=components, ruleset=ruleset, countries=countries or None)
        return Response(EvaluateOutputSerializer(_output(ruleset, components, evaluation)).data)


def _output(ruleset: RuleSet, components: list, evaluation: Any) -> dict[str, Any]:
    return {
        "ruleset": ruleset,
        "aggregate_tpp": evaluation.aggregate_tpp,
        "components": [
            {
                "component": c.name,
                "eccn": cls.eccn,
                "stated_eccn": cls.stated_eccn,
                "derived_eccn": cls.derived_eccn,
                "derived": cls.derived,
                "classes": sorted(cls.classes),
                "note": cls.note,
            }  # fmt: skip
            for c, cls in ((c, evaluation.classifications[i]) for i, c in enumerate(components))
        ],
        "results": [
            {
                "country": o.country,
                "outcome": o.outcome,
                "license_exceptions": list(o.license_exceptions),
                "review_policy": o.review_policy,
                "conditions": [gettext(c) for c in o.conditions],
                "tier": o.tier,
                "reasons": [r.as_dict() for r in o.reasons],
                "ruleset": ruleset.version,
                "effective_from": ruleset.effective_from,
            }  # fmt: skip
            for o in sorted(evaluation.outcomes.values(), key=lambda o: o.country)
        ],
    }

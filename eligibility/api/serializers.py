"""Serializers of the eligibility API (input for the calculator, output for everything)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aiexports.api import StrictBooleanField, StrictCharField, StrictFloatField, StrictIntegerField
from aiexports.singleline import SingleLineSerializerMixin
from catalog.choices import CATEGORY_LAYER, Category, Layer, category_layer_variants
from catalog.countries import country_name
from catalog.filtersets import country_code_values
from catalog.models import ECCN_RE

from .. import engine
from ..choices import LicenseException, Outcome, ReviewPolicy, ThresholdMode
from ..models import EligibilityResult, Rule, RuleSet, Tier
from ..reasons import render_reason

# What ``countries`` accepts, so that the schema rejects what the view rejects (codes of the Country table,
# the pseudo-destinations of the embargoed regions of Ukraine included: ``catalog/countries.py``).
COUNTRY_CODES = [code for code in country_code_values() if code]


class ComparisonSerializer(serializers.Serializer):
    figure = serializers.ChoiceField(choices=[(f, f) for f in engine.FIGURES])
    value = serializers.FloatField(allow_null=True, help_text="The component's figure (per unit); null: not stated.")
    op = serializers.ChoiceField(
        choices=[(o, o) for o in engine.FIGURE_OPS], help_text="The rule's edge: lt <, le ≤, gt >, ge ≥."
    )
    limit = serializers.FloatField()
    holds = serializers.BooleanField()


class ReasonParamsSerializer(serializers.Serializer):
    """What a reason is rendered from. Extra keys may appear; flat figures are ``tpp``/``tpp_cap``,
    ``dram_bandwidth``/``dram_cap``, ``pd``/``pd_cap``."""

    component = serializers.CharField(required=False)
    eccn = serializers.CharField(required=False, allow_blank=True)
    rule = serializers.CharField(required=False, help_text="The rule's stable code (or its id).")
    explanation = serializers.CharField(required=False)
    comparisons = ComparisonSerializer(many=True, required=False)
    tpp = serializers.FloatField(required=False, allow_null=True)
    tpp_cap = serializers.FloatField(required=False)
    dram_bandwidth = serializers.FloatField(required=False, allow_null=True)
    dram_cap = serializers.FloatField(required=False)


REASON_KEYS = (
    "code", "component_id", "component", "eccn", "outcome", "rule_id", "review_policy", "conditions", "citation",
    "ruleset", "effective_from", "license_exception",
)  # fmt: skip


class ReasonSerializer(serializers.Serializer):
    """A reason as data (``code`` + ``params``) and as words (``text``, rendered in the request's language).

    Results computed before reasons were structured have an empty ``code`` and their stored English ``text``.
    """

    code = serializers.CharField(
        allow_blank=True,
        help_text="Stable reason code: the rule's code (e.g. ear.china_macau.case_by_case), rule, not_controlled or "
        "package_not_controlled; empty for results computed before reasons were structured.",
    )
    params = ReasonParamsSerializer(help_text="The figures compared and the rule applied; see ``comparisons``.")
    component_id = serializers.IntegerField(allow_null=True)
    component = serializers.CharField()
    eccn = serializers.CharField(allow_blank=True)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    rule_id = serializers.IntegerField(allow_null=True)
    review_policy = serializers.ChoiceField(choices=ReviewPolicy.choices, allow_blank=True)
    conditions = serializers.ListField(child=serializers.CharField(), help_text="Conditions, in the request language.")
    text = serializers.CharField(help_text="The reason in words, in the request's language.")
    citation = serializers.CharField(allow_blank=True, help_text="For example 15 CFR 742.6(a)(6); 15 CFR 744.23.")
    ruleset = serializers.CharField(allow_blank=True, help_text="The rule-set version the reason comes from.")
    effective_from = serializers.DateField(allow_null=True, help_text="That rule set's effective date.")
    license_exception = serializers.ChoiceField(
        choices=LicenseException.choices, allow_blank=True,
        help_text="The license exception an eligible outcome holds under (ACA, NAC, SPP), or empty.",
    )  # fmt: skip

    def to_representation(self, instance: Any) -> dict[str, Any]:
        reason = instance.as_dict() if hasattr(instance, "as_dict") else dict(instance)
        view = render_reason(reason)
        out: dict[str, Any] = {key: reason.get(key) for key in REASON_KEYS}
        out.update(
            code=view.code,
            params=reason.get("params") or {},
            component=reason.get("component") or "",
            eccn=reason.get("eccn") or "",
            review_policy=view.review_policy,
            conditions=list(view.conditions),
            text=view.text,
            citation=view.citation,
            ruleset=reason.get("ruleset") or "",
            effective_from=reason.get("effective_from") or None,
            license_exception=view.license_exception,
        )
        return out


class RuleSetRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = RuleSet
        fields = ["version", "name", "status", "effective_from"]


class TierRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class CountrySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    groups = serializers.SerializerMethodField()
    tier = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_groups(self, obj: Any) -> list[str]:
        return sorted(g.code for g in obj.export_groups.all() if g.is_ear_group)

    @extend_schema_field(TierRefSerializer(allow_null=True))
    def get_tier(self, obj: Any) -> dict[str, str] | None:
        code = getattr(obj, "tier_code", None)
        return {"code": code, "name": obj.tier_name} if code else None


class TierSerializer(serializers.ModelSerializer):
    countries = serializers.SerializerMethodField()

    class Meta:
        model = Tier
        fields = ["code", "name", "description", "countries"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_countries(self, obj: Tier) -> list[str]:
        return sorted(ct.country_id for ct in obj.country_tiers.all())


class RuleSerializer(serializers.ModelSerializer):
    tier = serializers.CharField(source="tier.code")
    threshold_mode = serializers.ChoiceField(choices=ThresholdMode.choices)

    class Meta:
        model = Rule
        fields = [
            "id", "tier", "match", "outcome", "threshold_mode", "threshold_tpp", "explanation", "citation", "priority",
            "code", "review_policy", "conditions", "figure_conditions",
        ]  # fmt: skip


class RuleSetSerializer(serializers.ModelSerializer):
    class Meta:
        model = RuleSet
        fields = ["version", "name", "status", "effective_from", "activated_at", "sources", "notes"]


class RuleSetDetailSerializer(RuleSetSerializer):
    tiers = TierSerializer(many=True, read_only=True)
    rules = RuleSerializer(many=True, read_only=True)

    class Meta(RuleSetSerializer.Meta):
        fields = [*RuleSetSerializer.Meta.fields, "tiers", "rules"]


class ResultSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country_id")
    country_name = serializers.SerializerMethodField(help_text="The country's name in the request language (CLDR).")
    tier = serializers.CharField(source="tier_code")
    ruleset = serializers.CharField(source="ruleset_version")
    reasons = ReasonSerializer(many=True)
    review_policy = serializers.ChoiceField(
        choices=ReviewPolicy.choices, allow_blank=True, read_only=True,
        help_text="License review policy of the decisive reasons: approval, case_by_case, denial or empty.",
    )  # fmt: skip
    conditions = serializers.SerializerMethodField(help_text="Conditions of the decisive rules (request language).")
    effective_from = serializers.DateField(allow_null=True, read_only=True, help_text="The rule set's effective date.")
    license_exceptions = serializers.ListField(
        child=serializers.ChoiceField(choices=LicenseException.choices), read_only=True,
        help_text="License exceptions an eligible outcome holds under (ACA, NAC, SPP).",
    )  # fmt: skip

    class Meta:
        model = EligibilityResult
        fields = [
            "country", "country_name", "outcome", "license_exceptions", "review_policy", "conditions", "tier",
            "reasons", "ruleset", "effective_from", "computed_at",
        ]  # fmt: skip

    def get_country_name(self, obj: EligibilityResult) -> str:
        return country_name(obj.country_id) or obj.country.name

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_conditions(self, obj: EligibilityResult) -> list[str]:
        from django.utils.translation import gettext

        return [gettext(c) for c in obj.conditions]


class ProgramIssueSerializer(serializers.Serializer):
    severity = serializers.ChoiceField(choices=[("error", "error"), ("warning", "warning")])
    code = serializers.CharField()
    params = serializers.DictField(required=False, help_text="The facts the issue is rendered from.")
    citation = serializers.CharField(required=False, allow_blank=True)
    text = serializers.CharField()


class ProgramSerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    issues = ProgramIssueSerializer(many=True)
    computed_at = serializers.DateTimeField()


class PackageEligibilitySerializer(serializers.Serializer):
    package = serializers.CharField()
    ruleset = serializers.CharField(allow_null=True)
    program = ProgramSerializer(allow_null=True)
    results = ResultSerializer(many=True)


# --- the calculator ---------------------------------------------------------------------------------

# Names people send for a documented field (the package API's names): the error says which one to use.
FIELD_HINTS = {"performance_density": "pd", "countries_codes": "countries", "tpp_per_unit": "tpp"}


class RejectUnknownFieldsMixin:
    """A key the serializer does not know is an error (400 naming it), never silently dropped: a misspelled
    figure must not make a chip come out eligible."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            known = list(self.fields)  # type: ignore[attr-defined]
            unknown = sorted(str(k) for k in data if k not in known)
            if unknown:
                errors = {}
                for key in unknown:
                    if key in FIELD_HINTS and FIELD_HINTS[key] in known:
                        errors[key] = [
                            _("Unknown field %(name)s: use %(hint)s.") % {"name": key, "hint": FIELD_HINTS[key]}
                        ]
                    else:
                        errors[key] = [
                            _("Unknown field %(name)s. Known fields: %(known)s.")
                            % {"name": key, "known": ", ".join(known)}
                        ]
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)  # type: ignore[misc]


class ComponentInputSerializer(RejectUnknownFieldsMixin, SingleLineSerializerMixin, serializers.Serializer):
    # Strict JSON types: the schema says number, boolean, string, and a JSON client sending another type has a bug.
    name = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    layer = serializers.ChoiceField(choices=Layer.choices, required=False)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    eccn = serializers.RegexField(ECCN_RE, max_length=30, required=False, allow_blank=True, default="")
    tpp = StrictFloatField(min_value=0, max_value=1e12, required=False, allow_null=True, default=None)
    pd = StrictFloatField(min_value=0, max_value=1e6, required=False, allow_null=True, default=None)
    dram_bandwidth = StrictFloatField(
        min_value=0, max_value=1e9, required=False, allow_null=True, default=None,
        help_text=_("Total DRAM bandwidth of the device in GB/s, per unit. Not stated: no bandwidth-based lane."),
    )  # fmt: skip
    designed_for_data_centers = StrictBooleanField(
        required=False, allow_null=True, default=None,
        help_text=_("Chips and servers: designed or marketed for data centers. Not stated counts as yes."),
    )  # fmt: skip
    quantity = StrictIntegerField(min_value=1, max_value=10_000_000, required=False, default=1)
    training_operations = StrictFloatField(min_value=0, max_value=1e40, required=False, allow_null=True, default=None)
    weights_published = StrictBooleanField(required=False, allow_null=True, default=None)

    @staticmethod
    def openapi_request_constraints(partial: bool = False) -> dict[str, Any]:
        """``validate()`` as JSON Schema: a category of the chosen layer, or no category and an ECCN."""
        eccn_only = {
            "required": ["eccn"],
            "properties": {"eccn": {"minLength": 1}},
            "not": {"required": ["category"], "properties": {"category": {}}},
        }
        return {"anyOf": [*category_layer_variants(), eccn_only]}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        category, layer = attrs.get("category"), attrs.get("layer")
        if not category and not attrs.get("eccn"):
            raise serializers.ValidationError({"category": _("Give a category or an ECCN.")})
        if category and layer and CATEGORY_LAYER[category] != layer:
            raise serializers.ValidationError({"category": _("This category does not belong to the chosen layer.")})
        return attrs


class EvaluateInputSerializer(RejectUnknownFieldsMixin, SingleLineSerializerMixin, serializers.Serializer):
    components = ComponentInputSerializer(many=True, allow_empty=False, min_length=1, max_length=50)  # type: ignore[call-arg]  # noqa: E501 ListSerializer kwargs
    countries = serializers.ListField(
        child=serializers.ChoiceField(choices=COUNTRY_CODES), required=False, allow_empty=True, max_length=300,
        help_text=_("ISO alpha-2 codes (either case); all countries when absent or empty."),
    )  # fmt: skip
    ruleset = StrictCharField(required=False, allow_blank=True, help_text=_("A rule-set version; default active."))

    def to_components(self) -> list[engine.ComponentData]:
        out = []
        for i, c in enumerate(self.validated_data["components"], start=1):
            category = c.get("category") or ""
            out.append(
                engine.ComponentData(
                    id=i,
                    name=c.get("name") or f"Component {i}",
                    layer=c.get("layer") or CATEGORY_LAYER.get(category, Layer.HARDWARE),
                    category=category,
                    eccn=c.get("eccn") or "",
                    tpp=c.get("tpp"),
                    pd=c.get("pd"),
                    dram_bandwidth=c.get("dram_bandwidth"),
                    designed_for_data_centers=c.get("designed_for_data_centers"),
                    quantity=c.get("quantity") or 1,
                    training_operations=c.get("training_operations"),
                    weights_published=c.get("weights_published"),
                )  # fmt: skip
            )
        return out


class ClassificationSerializer(serializers.Serializer):
    component = serializers.CharField()
    eccn = serializers.CharField(allow_blank=True, help_text="The stricter of the stated and the derived ECCN.")
    stated_eccn = serializers.CharField(allow_blank=True, help_text="The ECCN as stated (empty: none).")
    derived_eccn = serializers.CharField(allow_blank=True, help_text="The ECCN derived from the figures (empty: none).")
    derived = serializers.BooleanField()
    classes = serializers.ListField(child=serializers.CharField())
    note = serializers.CharField(allow_blank=True)


class EvaluatedCountrySerializer(serializers.Serializer):
    country = serializers.CharField()
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    review_policy = serializers.ChoiceField(
        choices=ReviewPolicy.choices, allow_blank=True,
        help_text="License review policy of the decisive reasons: approval, case_by_case, denial or empty.",
    )  # fmt: skip
    conditions = serializers.ListField(
        child=serializers.CharField(), help_text="Conditions of the decisive rules, in the request's language."
    )
    license_exceptions = serializers.ListField(
        child=serializers.ChoiceField(choices=LicenseException.choices),
        help_text="License exceptions an eligible outcome holds under (ACA, NAC, SPP).",
    )
    tier = serializers.CharField()
    reasons = ReasonSerializer(many=True)
    ruleset = serializers.CharField()
    effective_from = serializers.DateField()


class EvaluateOutputSerializer(serializers.Serializer):
    ruleset = RuleSetRefSerializer()
    aggregate_tpp = serializers.FloatField()
    components = ClassificationSerializer(many=True)
    results = EvaluatedCountrySerializer(many=True)

"""Choices of the catalog: layers, component categories, statuses and roles."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from aiexports.typed import StrOrPromise


class Layer(models.TextChoices):
    HARDWARE = "hardware", _("Hardware")
    SOFTWARE = "software", _("Software & models")
    DATA = "data", _("Data")
    SECURITY = "security", _("Security")


class Category(models.TextChoices):
    # hardware
    ACCELERATOR = "accelerator", _("Accelerator / chip")
    SERVER = "server", _("Server")
    STORAGE = "storage", _("Storage")
    NETWORKING = "networking", _("Networking")
    DATACENTER = "datacenter", _("Data-center facility")
    # software & models
    FOUNDATION_MODEL = "foundation_model", _("Foundation model")
    FINETUNED_MODEL = "finetuned_model", _("Fine-tuned model")
    FRAMEWORK = "framework", _("Framework or MLOps platform")
    APPLICATION = "application", _("Application")
    CLOUD_SERVICE = "cloud_service", _("Cloud service")
    # data
    PIPELINE = "pipeline", _("Data pipeline")
    LABELING = "labeling", _("Labeling")
    DATA_GOVERNANCE = "data_governance", _("Data storage and governance")
    DATASET = "dataset", _("Dataset")
    # security
    CYBERSECURITY = "cybersecurity", _("Cybersecurity")
    MODEL_SAFETY = "model_safety", _("Model safety and evaluation")
    SUPPLY_CHAIN = "supply_chain", _("Supply-chain assurance")
    PRIVACY = "privacy", _("Privacy")


CATEGORY_LAYER: dict[str, str] = {
    Category.ACCELERATOR: Layer.HARDWARE,
    Category.SERVER: Layer.HARDWARE,
    Category.STORAGE: Layer.HARDWARE,
    Category.NETWORKING: Layer.HARDWARE,
    Category.DATACENTER: Layer.HARDWARE,
    Category.FOUNDATION_MODEL: Layer.SOFTWARE,
    Category.FINETUNED_MODEL: Layer.SOFTWARE,
    Category.FRAMEWORK: Layer.SOFTWARE,
    Category.APPLICATION: Layer.SOFTWARE,
    Category.CLOUD_SERVICE: Layer.SOFTWARE,
    Category.PIPELINE: Layer.DATA,
    Category.LABELING: Layer.DATA,
    Category.DATA_GOVERNANCE: Layer.DATA,
    Category.DATASET: Layer.DATA,
    Category.CYBERSECURITY: Layer.SECURITY,
    Category.MODEL_SAFETY: Layer.SECURITY,
    Category.SUPPLY_CHAIN: Layer.SECURITY,
    Category.PRIVACY: Layer.SECURITY,
}

MODEL_CATEGORIES = frozenset({Category.FOUNDATION_MODEL, Category.FINETUNED_MODEL})


def categories_for_layer(layer: str) -> list[tuple[str, StrOrPromise]]:
    """The (value, label) pairs of the categories that belong to ``layer``."""
    return [(value, label) for value, label in Category.choices if CATEGORY_LAYER[value] == layer]


def category_layer_variants() -> list[dict]:
    """JSON Schema alternatives (for ``anyOf``) of a body with a category: the layer, if given, is the category's.

    Patterns rather than enums: drf-spectacular would turn every enum into a named component.
    """
    return [
        {
            "required": ["category"],
            "properties": {
                "layer": {"pattern": f"^{layer}$"},
                "category": {"pattern": "^(" + "|".join(c for c, _l in categories_for_layer(layer)) + ")$"},
            },
        }
        for layer in Layer.values
    ]


class PackageStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    MERGED = "merged", _("Revision merged into the published package")


class OrganizationRole(models.TextChoices):
    ADMIN = "admin", _("Admin")
    EDITOR = "editor", _("Editor")


class ConsortiumRole(models.TextChoices):
    ANCHOR = "anchor", _("Anchor member (lead)")
    TECHNOLOGY = "technology", _("Technology provider")
    INTEGRATOR = "integrator", _("Systems integrator")
    OPERATOR = "operator", _("Operator")
    FINANCE = "finance", _("Finance partner")
    OTHER = "other", _("Other")


class MemberStatus(models.TextChoices):
    """A consortium membership by consent: invited (pending), then accepted or declined by the invited
    organization, withdrawn by the anchor before an answer, or ended by the member leaving."""

    PENDING = "pending", _("Invited, awaiting an answer")
    ACCEPTED = "accepted", _("Member")
    DECLINED = "declined", _("Invitation declined")
    WITHDRAWN = "withdrawn", _("Invitation withdrawn")
    LEFT = "left", _("Left the consortium")


class SectorChoice(models.TextChoices):
    AGRICULTURE = "agriculture", _("Agriculture")
    EDUCATION = "education", _("Education")
    ENERGY = "energy", _("Energy")
    FINANCE = "finance", _("Financial services")
    GOVERNMENT = "government", _("Government services")
    HEALTH = "health", _("Health care")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    SOFTWARE_ENGINEERING = "software_engineering", _("Software engineering")
    TELECOM = "telecom", _("Telecommunications")
    TRANSPORTATION = "transportation", _("Transportation")
    RESEARCH = "research", _("Scientific research")
    OTHER = "other", _("Other")


class FederalSupport(models.TextChoices):
    LOANS = "loans", _("Loans and loan guarantees (EXIM)")
    EQUITY = "equity", _("Equity, insurance or co-financing (DFC)")
    FEASIBILITY = "feasibility", _("Feasibility studies (USTDA)")
    ADVOCACY = "advocacy", _("Government advocacy")
    LICENSING = "licensing", _("Export licensing facilitation")


class RejectionReason(models.TextChoices):
    """Coded reasons a reviewer gives when rejecting a package (shown to the submitter)."""

    INCOMPLETE_STACK = "incomplete_stack", _("The package does not offer a full AI stack")
    US_CONTENT = "us_content", _("U.S. content below the program's expectation")
    EXPORT_CONTROLS = "export_controls", _("Export-control or end-use concerns")
    COUNTRY_OF_CONCERN = "country_of_concern", _("A member is tied to a country of concern")
    NOT_CREDIBLE = "not_credible", _("Business or operating model not credible")
    OUT_OF_SCOPE = "out_of_scope", _("Outside the program's scope")
    DUPLICATE = "duplicate", _("Duplicate of another package")
    OTHER = "other", _("Other (see the message)")


class ConsultationPosition(models.TextChoices):
    """A consulted office's answer about a designation (a package in review)."""

    CONCUR = "concur", _("Concurrence")
    OBJECT = "object", _("Objection")
    NO_COMMENT = "no_comment", _("No comment")

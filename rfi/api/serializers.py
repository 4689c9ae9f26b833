"""RFI API serializers. Public output never carries e-mail, IP, internal notes or confidential content."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aiexports import jsonlimits
from aiexports.singleline import SingleLineSerializerMixin
from catalog.models import Country
from rfi.choices import OrganizationType, RespondentType
from rfi.models import Answer, Attachment, Notice, Question, Submission, TopicArea


class QuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Question
        fields = ["id", "position", "text", "help_text", "max_length"]


class TopicAreaSerializer(serializers.ModelSerializer):
    questions = QuestionSerializer(many=True, read_only=True)

    class Meta:
        model = TopicArea
        fields = ["id", "position", "title", "description", "questions"]


class NoticeSerializer(serializers.ModelSerializer):
    is_open = serializers.SerializerMethodField()
    accepts_submissions = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = [
            "docket_id",
            "title",
            "summary",
            "opens_at",
            "closes_at",
            "accepts_late",
            "is_open",
            "accepts_submissions",
            "allowed_attachment_types",
            "max_attachment_size",
            "max_attachment_count",
            "url",
        ]

    def get_is_open(self, obj: Notice) -> bool:
        return obj.is_open()

    def get_accepts_submissions(self, obj: Notice) -> bool:
        return obj.accepts_submissions()

    def get_url(self, obj: Notice) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(obj.get_absolute_url()) if request else obj.get_absolute_url()


class NoticeDetailSerializer(NoticeSerializer):
    body_html = serializers.CharField(read_only=True, help_text="The notice body, rendered and sanitized.")
    topic_areas = TopicAreaSerializer(many=True, read_only=True)

    class Meta(NoticeSerializer.Meta):
        fields = [*NoticeSerializer.Meta.fields, "body_html", "topic_areas"]


class PublicAnswerSerializer(serializers.ModelSerializer):
    question_id = serializers.IntegerField(source="question.id", read_only=True)
    question = serializers.CharField(source="question.text", read_only=True)
    text = serializers.SerializerMethodField(help_text="Null when the answer is withheld as confidential.")
    withheld = serializers.BooleanField(source="is_confidential", read_only=True)

    class Meta:
        model = Answer
        fields = ["question_id", "question", "text", "withheld"]

    def get_text(self, obj: Answer) -> str | None:
        return None if obj.is_confidential else obj.text


class PublicAttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    is_public_version = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["name", "kind", "size", "url", "is_public_version"]
        extra_kwargs = {"name": {"source": "original_name"}}

    name = serializers.CharField(source="original_name", read_only=True)

    def get_url(self, obj: Attachment) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(obj.get_absolute_url()) if request else obj.get_absolute_url()

    def get_is_public_version(self, obj: Attachment) -> bool:
        return obj.public_version_of_id is not None


class PublicSubmissionSerializer(serializers.ModelSerializer):
    respondent = serializers.CharField(source="display_name", read_only=True)
    country = serializers.CharField(source="country_id", read_only=True, allow_null=True)
    answers = PublicAnswerSerializer(many=True, read_only=True)
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = [
            "tracking_number",
            "respondent_type",
            "respondent",
            "organization_type",
            "country",
            "created_at",
            "answers",
            "attachments",
        ]

    @extend_schema_field(PublicAttachmentSerializer(many=True))
    def get_attachments(self, obj: Submission) -> list[dict]:
        # Only the public files the reading-room selector loaded; confidential ones are never fetched.
        files = obj.public_attachments  # type: ignore[attr-defined]  # set by the selector's Prefetch(to_attr=)
        return list(PublicAttachmentSerializer(files, many=True, context=self.context).data)


@extend_schema_field(OpenApiTypes.OBJECT)
class AnswersField(serializers.Field):
    """Answers keyed by question id: a JSON object, or (in multipart) a JSON string of one."""

    default_error_messages = {"invalid": "Send an object mapping question ids to answer texts."}

    def to_internal_value(self, data: Any) -> dict[int, str]:
        if isinstance(data, str | bytes):
            try:
                data = jsonlimits.loads(data)
            except ValueError:
                self.fail("invalid")
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            self.fail("invalid")
        try:
            return {int(k): v for k, v in data.items()}
        except (TypeError, ValueError):
            self.fail("invalid")

    def to_representation(self, value: Any) -> Any:
        return value


@extend_schema_field({"type": "array", "items": {"type": "integer"}})
class IdListField(serializers.Field):
    """A list of question ids: repeated form fields, a JSON array, or a comma-separated string."""

    default_error_messages = {"invalid": "Send a list of question ids."}

    def get_value(self, dictionary: Any) -> Any:
        if hasattr(dictionary, "getlist"):
            values = dictionary.getlist(self.field_name)
            return values if values else serializers.empty
        return super().get_value(dictionary)

    def to_internal_value(self, data: Any) -> list[int]:
        try:
            if isinstance(data, str):
                data = jsonlimits.loads(data) if data.strip().startswith("[") else data.split(",")
            if isinstance(data, list) and len(data) == 1 and isinstance(data[0], str) and data[0].strip()[:1] == "[":
                data = jsonlimits.loads(data[0])
            if not isinstance(data, list | tuple):
                self.fail("invalid")
            return [int(v) for v in data if str(v).strip()]
        except (TypeError, ValueError):
            self.fail("invalid")

    def to_representation(self, value: Any) -> Any:
        return value


class SubmissionCreateSerializer(SingleLineSerializerMixin, serializers.Serializer):
    """Input of ``POST /api/v1/rfi/notices/{docket}/submissions/`` (multipart for files)."""

    respondent_type = serializers.ChoiceField(choices=RespondentType.choices)
    name = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    organization_name = serializers.CharField(required=False, allow_blank=True, max_length=250, default="")
    organization_type = serializers.ChoiceField(
        choices=OrganizationType.choices, required=False, allow_blank=True, default=""
    )
    country = serializers.PrimaryKeyRelatedField(
        queryset=Country.objects.all(), required=False, allow_null=True, default=None, help_text="ISO alpha-2 code"
    )
    answers = AnswersField(help_text='Answers keyed by question id, e.g. {"12": "text"} (a JSON string in multipart).')
    confidential_answers = IdListField(required=False, default=list, help_text="Ids of confidential answers.")
    is_confidential = serializers.BooleanField(required=False, default=False)
    confidentiality_justification = serializers.CharField(
        required=False, allow_blank=True, max_length=5000, default="", style={"base_template": "textarea.html"}
    )
    certified = serializers.BooleanField(required=False, default=False)
    attachments = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True), required=False, default=list
    )
    confidential_attachments = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True), required=False, default=list
    )
    public_versions = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True), required=False, default=list
    )


class SubmissionCreateJSONSerializer(SubmissionCreateSerializer):
    """A response as a JSON body: answers as an object, no files (send multipart/form-data to attach files)."""

    attachments = None  # type: ignore[assignment]  # DRF removes a field declared None
    confidential_attachments = None  # type: ignore[assignment]
    public_versions = None  # type: ignore[assignment]


class SubmissionCreateMultipartSerializer(SubmissionCreateSerializer):
    """A response as multipart/form-data: ``answers`` is a JSON object in a string, files in their own parts."""

    answers = serializers.CharField(  # type: ignore[assignment]  # a JSON string here, parsed in validate
        help_text='Answers keyed by question id, as a JSON object in a string, e.g. {"12": "text"}.',
        style={"base_template": "textarea.html"},
    )


class SubmissionCreatedSerializer(serializers.Serializer):
    tracking_number = serializers.CharField()
    status = serializers.CharField()
    received_at = serializers.DateTimeField()


_MESSAGES = {"type": "array", "items": {"type": "string"}}


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"anyOf": [_MESSAGES, {"type": "object", "additionalProperties": _MESSAGES}]},
        "description": "Each invalid field with its messages; for a list (attachments), each invalid item's index.",
    }
)
class FieldErrorsField(serializers.DictField):
    pass


class ProblemSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False)
    # The metaclass moves declared fields into _declared_fields, so this does not shadow Serializer.errors.
    errors = FieldErrorsField(required=False)  # type: ignore[assignment]

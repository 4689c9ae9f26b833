"""factory_boy factories of the RFI module."""

from __future__ import annotations

import struct
import zlib
from datetime import timedelta

import factory
from django.utils import timezone

from rfi import models
from rfi.choices import OrganizationType, RespondentType
from tests.factories import UserFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


# A valid 1x1 RGBA PNG.
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n"
    + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0))
    + _png_chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00\xff"))
    + _png_chunk(b"IEND", b"")
)


class NoticeFactory(factory.django.DjangoModelFactory):
    """An open notice (opened a week ago, closes in three weeks)."""

    class Meta:
        model = models.Notice

    docket_id = factory.Sequence(lambda n: f"TEST-ITA-2025-{n:04d}")
    title = factory.Sequence(lambda n: f"Request for information {n}")
    summary = "We ask for views on the program."
    body = "## Background\n\nPlease answer any of the questions."
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=21))

    class Params:
        closed = factory.Trait(
            opens_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=60)),
            closes_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=1)),
        )


class TopicAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.TopicArea

    notice = factory.SubFactory(NoticeFactory)
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Topic area {n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Question

    topic_area = factory.SubFactory(TopicAreaFactory)
    notice = factory.SelfAttribute("topic_area.notice")
    position = factory.Sequence(lambda n: n)
    text = factory.Sequence(lambda n: f"Question {n}: what should the program do?")
    max_length = 2000


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Tag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Tag {n}")
    slug = factory.Sequence(lambda n: f"tag-{n}")


class SubmissionFactory(factory.django.DjangoModelFactory):
    """A stored submission (made directly, not through the service: for admin, permission and list tests)."""

    class Meta:
        model = models.Submission

    notice = factory.SubFactory(NoticeFactory)
    tracking_number = factory.LazyFunction(models.generate_tracking_number)
    respondent_type = RespondentType.ORGANIZATION
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"respondent{n}@example.org")
    organization_name = factory.Sequence(lambda n: f"Respondent Org {n}")
    organization_type = OrganizationType.COMPANY
    country_id = "US"
    certified = True


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Answer

    submission = factory.SubFactory(SubmissionFactory)
    question = factory.SubFactory(QuestionFactory, notice=factory.SelfAttribute("..submission.notice"))
    text = "We think the program should focus on data centers."


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Attachment

    submission = factory.SubFactory(SubmissionFactory)
    original_name = "comments.pdf"
    file = factory.django.FileField(filename="upload", data=PDF_BYTES)
    kind = "pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)
    sha256 = "0" * 64


class InternalNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.InternalNote

    submission = factory.SubFactory(SubmissionFactory)
    author = factory.SubFactory(UserFactory, is_staff=True)
    text = "Internal: check this respondent's claims with the trade desk."


def notice_with_questions(*, questions: int = 3, topics: int = 2, **notice_fields) -> models.Notice:
    """A notice with ``topics`` topic areas and ``questions`` questions spread over them."""
    notice = NoticeFactory(**notice_fields)
    areas = [TopicAreaFactory(notice=notice, position=i) for i in range(topics)]
    for i in range(questions):
        QuestionFactory(notice=notice, topic_area=areas[i % topics], position=i)
    return notice

"""Demo data of the RFI module (idempotent): one open notice modeled on the program's 2025 RFI, and one
closed notice with published submissions, a confidential one with a public version, and held-back ones.

The open notice follows the topic areas of the 2025 RFI (Federal Register 2025-19674, docket
ITA-ITA-2025-0070); its questions are phrased in our own words. Docket ids start with DEMO- so nobody
mistakes them for the real dockets.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import IO, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from .choices import OrganizationType, RespondentType, SubmissionStatus
from .models import Answer, Attachment, Notice, Question, Submission, TopicArea

OPEN_DOCKET = "DEMO-ITA-2025-0070"
CLOSED_DOCKET = "DEMO-ITA-2025-0012"

OPEN_BODY = """\
## Background

The program promotes full-stack AI export packages put together by industry-led consortia: AI-optimized
hardware and cloud infrastructure, data pipelines, models, security measures and applications.

This demonstration notice asks for views on how the program should work. You may answer any of the
questions below; **one response per individual or institution**, please.

## Confidential business information

If your response contains confidential business information, mark it when you submit, explain why it
should not be disclosed, and where you can attach a public version of any confidential file.
"""

OPEN_TOPICS: list[tuple[str, list[str]]] = [
    (
        "The AI technology stack",
        [
            "Which layers and components should a full-stack AI export package include?",
            "Should the program's definition of the AI technology stack change, and how?",
            "How should a package show how much of its hardware is made in the United States?",
        ],
    ),
    (
        "Forming consortia",
        [
            "How should companies come together to form a consortium, and who should lead it?",
            "What role, if any, should foreign companies play in a consortium?",
            "What keeps small and medium-sized firms from joining consortia, and how could that be eased?",
        ],
    ),
    (
        "Foreign markets",
        [
            "Which countries or regional blocs should the program prioritize, and why?",
            "What barriers do U.S. AI exports face in the markets you know best?",
            "How should packages be adapted to the needs of buyers in developing economies?",
        ],
    ),
    (
        "Business and operating models",
        [
            "Who should build, own and operate data centers and infrastructure delivered through a package?",
            "Which operating models (sale, lease, managed service, joint venture) suit which markets?",
            "How should long-term support, maintenance and upgrades be arranged?",
        ],
    ),
    (
        "Federal support",
        [
            "Which kinds of federal support (loans, guarantees, insurance, feasibility studies) matter most?",
            "How should federal agencies coordinate their support for a selected package?",
            "What advocacy by U.S. officials abroad would help consortia most?",
        ],
    ),
    (
        "National security and export controls",
        [
            "How should packages show that they comply with export controls and end-use rules?",
            "How can the program keep sensitive technology from reaching countries of concern?",
            "Which security and cybersecurity measures should every package include?",
        ],
    ),
    (
        "Evaluating proposals",
        [
            "Which criteria should the program use to evaluate proposals?",
            "How should proposals be reviewed on a rolling basis while staying fair to all applicants?",
            "What information should a proposal include, and what should be optional?",
        ],
    ),
    (
        "Other considerations",
        [
            "What else should the program consider to succeed?",
            "Which lessons from other export-promotion programs apply here?",
        ],
    ),
]

CLOSED_TOPICS: list[tuple[str, list[str]]] = [
    (
        "Data-center priorities",
        [
            "Which data-center components are hardest to source for export projects?",
            "How should energy supply be addressed in data-center proposals?",
        ],
    ),
    ("Other comments", ["Is there anything else the program should know?"]),
]

DEMO_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def load(stdout: IO[str]) -> None:
    """Create this app's demo rows idempotently (the open notice's dates are moved so it stays open)."""
    now = timezone.now()
    with transaction.atomic():
        open_notice = _notice(
            OPEN_DOCKET,
            title="Demo: Request for information on the AI exports program",
            summary="Views wanted on full-stack AI export packages: the stack, consortia, markets, operating "
            "models, federal support, export controls and how proposals should be evaluated.",
            body=OPEN_BODY,
            opens_at=now - timedelta(days=5),
            closes_at=now + timedelta(days=40),
            topics=OPEN_TOPICS,
        )
        closed_notice = _notice(
            CLOSED_DOCKET,
            title="Demo: Earlier consultation on AI data-center exports",
            summary="A closed demonstration notice whose public submissions can be read in the reading room.",
            body="## Background\n\nThis consultation is closed. Its public submissions are shown in the reading room.",
            opens_at=now - timedelta(days=90),
            closes_at=now - timedelta(days=30),
            topics=CLOSED_TOPICS,
        )
        created = _closed_submissions(closed_notice)
        campaign = _campaign_submissions(open_notice)
    if campaign:  # group the new form letters the way the queue does (rfi.duplicates), after they are stored
        from .duplicates import campaigns_recompute

        campaigns_recompute(notice=open_notice)
    stdout.write(
        f"rfi: notices {open_notice.docket_id} (open, {open_notice.questions.count()} questions) and "
        f"{closed_notice.docket_id} (closed, {created} new submissions); {campaign} new form-letter responses of a "
        "mass-comment campaign on the open notice\n"
    )


def _notice(docket: str, *, topics: list[tuple[str, list[str]]], **fields) -> Notice:  # noqa: ANN003
    notice, _created = Notice.objects.update_or_create(docket_id=docket, defaults=fields)
    for t_index, (title, questions) in enumerate(topics):
        area, _ = TopicArea.objects.get_or_create(notice=notice, position=t_index, defaults={"title": title})
        for q_index, text in enumerate(questions):
            Question.objects.get_or_create(
                notice=notice,
                topic_area=area,
                position=q_index,
                defaults={"text": text, "max_length": 5000},
            )
    return notice


_CLOSED_SUBMISSIONS: list[dict[str, Any]] = [
    {
        "tracking_number": "AIX-DEM2-AAAA",
        "respondent_type": RespondentType.ORGANIZATION,
        "name": "Jordan Lee",
        "email": "policy@example-datacenters.test",
        "organization_name": "Example Data Centers Inc.",
        "organization_type": OrganizationType.COMPANY,
        "country_id": "US",
        "answers": [
            "Transformers and switchgear have the longest lead times; plan for them first.",
            "Proposals should state their power source and a grid study.",
            "Please publish model contract terms.",
        ],
    },
    {
        "tracking_number": "AIX-DEM2-AAAB",
        "respondent_type": RespondentType.ORGANIZATION,
        "name": "Sam Ortiz",
        "email": "sam@example-association.test",
        "organization_name": "Example Trade Association",
        "organization_type": OrganizationType.TRADE_ASSOCIATION,
        "country_id": "US",
        "is_confidential": True,
        "justification": "The attachment lists members' pricing, which is commercially sensitive.",
        "answers": [
            "Our members report shortages of high-bandwidth memory.",
            "Our members' energy contracts are confidential.",
            "",
        ],
        "confidential_answers": [1],
        "files": [("member-survey.pdf", True), ("member-survey-public.pdf", False)],
    },
    {
        "tracking_number": "AIX-DEM2-AAAC",
        "respondent_type": RespondentType.ANONYMOUS,
        "country_id": "JP",
        "answers": ["", "", "Keep the program open to small suppliers."],
    },
    {
        "tracking_number": "AIX-DEM2-AAAD",
        "respondent_type": RespondentType.INDIVIDUAL,
        "name": "Dr. Amina Diallo",
        "email": "amina@example-university.test",
        "organization_type": "",
        "country_id": "SN",
        "answers": ["Cooling equipment suited to hot climates.", "Pair data centers with renewable generation.", ""],
    },
    {
        "tracking_number": "AIX-DEM2-AAAE",
        "respondent_type": RespondentType.INDIVIDUAL,
        "name": "Buy Cheap Watches",
        "email": "spam@example.test",
        "status": SubmissionStatus.SPAM,
        "answers": ["Visit our shop for discount watches!", "", ""],
    },
    {
        "tracking_number": "AIX-DEM2-AAAF",
        "respondent_type": RespondentType.ORGANIZATION,
        "name": "Jordan Lee",
        "email": "policy@example-datacenters.test",
        "organization_name": "Example Data Centers Inc.",
        "organization_type": OrganizationType.COMPANY,
        "country_id": "US",
        "status": SubmissionStatus.DUPLICATE,
        "duplicate": True,
        "answers": ["Same as our earlier response.", "", ""],
    },
]


def _closed_submissions(notice: Notice) -> int:
    questions = list(Question.objects.filter(notice=notice).order_by("topic_area__position", "position"))
    created = 0
    for index, spec in enumerate(_CLOSED_SUBMISSIONS):
        if Submission.objects.filter(tracking_number=spec["tracking_number"]).exists():
            continue
        texts = spec["answers"]
        submission = Submission.objects.create(
            notice=notice,
            tracking_number=spec["tracking_number"],
            respondent_type=spec["respondent_type"],
            name=spec.get("name", ""),
            email=spec.get("email", ""),
            organization_name=spec.get("organization_name", ""),
            organization_type=spec.get("organization_type", ""),
            country_id=spec.get("country_id"),
            is_confidential=spec.get("is_confidential", False),
            confidentiality_justification=spec.get("justification", ""),
            certified=True,
            status=spec.get("status", SubmissionStatus.REVIEWED),
            is_duplicate_flag=spec.get("duplicate", False),
        )
        # Received during the comment period, not when the demo data was loaded.
        received = notice.closes_at - timedelta(days=20 - 3 * index)
        Submission.objects.filter(pk=submission.pk).update(created_at=received)
        for position, text in enumerate(texts):
            if text:
                Answer.objects.create(
                    submission=submission,
                    question=questions[position],
                    text=text,
                    is_confidential=position in spec.get("confidential_answers", []),
                )
        confidential_file = None
        for name, is_confidential in spec.get("files", []):
            data = DEMO_PDF + name.encode()
            attachment = Attachment(
                submission=submission,
                original_name=name,
                kind="pdf",
                content_type="application/pdf",
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                is_confidential=is_confidential,
                public_version_of=None if is_confidential else confidential_file,
            )
            attachment.file.save("upload", ContentFile(data), save=False)
            attachment.save()
            if is_confidential:
                confidential_file = attachment
        created += 1
    return created


# A mass-comment campaign on the open notice: one form letter sent by many people, a few with a sentence of
# their own, so the review queue shows a campaign group (found by ``rfi.duplicates``, as for real responses).
CAMPAIGN_SIZE = 12
CAMPAIGN_LETTER = (
    "As a member of the Open Compute Citizens network I urge the program to require that every exported AI "
    "package publishes an energy and water budget for its data centers, is audited every year by an independent "
    "body, and gives local universities access to a share of its compute at cost. Public money should support "
    "only packages that leave lasting skills and infrastructure in the buyer country."
)
CAMPAIGN_NAMES = [
    "Alex Morgan", "Priya Raman", "Tomás Ortega", "Mei Chen", "Kwame Mensah", "Sofia Rossi",
    "Yuki Tanaka", "Lena Fischer", "Omar Haddad", "Grace Okafor", "Lucas Martin", "Ana Souza",
]  # fmt: skip
CAMPAIGN_COUNTRIES = ["US", "IN", "MX", "SG", "GH", "IT", "JP", "DE", "JO", "NG", "FR", "BR"]
CAMPAIGN_OWN_WORDS = {3: " I work in a hospital data team and see this need every day.", 8: " Please act on this."}


def _campaign_submissions(notice: Notice) -> int:
    """Create the campaign's form letters that do not exist yet; returns how many were created."""
    question = Question.objects.filter(notice=notice).order_by("topic_area__position", "position").first()
    if question is None:
        return 0
    created = 0
    for index in range(CAMPAIGN_SIZE):
        tracking_number = f"AIX-DEM3-CA{index:02d}"
        if Submission.objects.filter(tracking_number=tracking_number).exists():
            continue
        name = CAMPAIGN_NAMES[index % len(CAMPAIGN_NAMES)]
        text = CAMPAIGN_LETTER + CAMPAIGN_OWN_WORDS.get(index, "")
        submission = Submission.objects.create(
            notice=notice,
            tracking_number=tracking_number,
            respondent_type=RespondentType.INDIVIDUAL,
            name=name,
            email=f"{name.split()[0].lower()}.{index}@example-campaign.test",
            country_id=CAMPAIGN_COUNTRIES[index % len(CAMPAIGN_COUNTRIES)],
            certified=True,
            status=SubmissionStatus.RECEIVED,
        )
        received = notice.opens_at + timedelta(hours=2 + 5 * index)
        Submission.objects.filter(pk=submission.pk).update(created_at=received)
        Answer.objects.create(submission=submission, question=question, text=text)
        created += 1
    return created

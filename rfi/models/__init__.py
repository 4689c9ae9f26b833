"""RFI models, one module per area. Import models from ``rfi.models``."""

from .notices import Notice, Question, TopicArea, default_attachment_types
from .review import SubmissionBand
from .submissions import (
    TRACKING_ALPHABET,
    Answer,
    Attachment,
    CampaignGroup,
    InternalNote,
    Submission,
    Tag,
    attachment_upload_to,
    generate_tracking_number,
)

__all__ = [
    "TRACKING_ALPHABET",
    "Answer",
    "Attachment",
    "CampaignGroup",
    "InternalNote",
    "Notice",
    "Question",
    "Submission",
    "SubmissionBand",
    "Tag",
    "TopicArea",
    "attachment_upload_to",
    "default_attachment_types",
    "generate_tracking_number",
]

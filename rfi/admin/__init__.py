"""Staff admin of the RFI module: notices with their topic areas and questions (``notices``), and the submission
review queue (``review``, with its ``filters`` and ``forms``: actions through ``rfi.review`` services, internal
notes, CSV export, campaign groups). Importing each module registers its model admins."""

from . import filters, forms, notices, review  # noqa: F401

"""RFI models (notices, questions, submissions, attachments): see the RFI issue."""

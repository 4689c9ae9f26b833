"""RFI views: ``public`` (notices, the response form, tracking, the reading room) and ``opendata`` (downloads)."""

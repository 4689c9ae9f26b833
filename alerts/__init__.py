"""Availability alerts: a buyer saves a catalog search for their country (double opt-in) and gets a daily digest of
newly matching packages, with one-click unsubscribe and a signed page to manage their alerts without an account."""

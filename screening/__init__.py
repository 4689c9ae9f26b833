"""Restricted-party screening: the Consolidated Screening List, fuzzy matching of consortium members, hits.

A sub-package of the ``eligibility`` app (its models carry that app's label). Entry points:
``services`` (import, screen, clear, confirm), ``selectors`` (matches, publication blockers), ``tasks``.
"""

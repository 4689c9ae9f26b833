"""Eligibility models (country groups, rule sets, checks, results, screening): see the eligibility issue."""

from .screening.models import *  # noqa: F401,F403  (screening models)

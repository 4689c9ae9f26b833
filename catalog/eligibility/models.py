"""Eligibility models (country groups, rule sets, checks, results, screening): see the eligibility issue."""

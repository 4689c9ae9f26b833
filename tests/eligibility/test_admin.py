"""Staff admin: rule sets (activate, clone, re-run failed, progress), checks and results."""

from __future__ import annotations

import pytest
from django.urls import reverse

from eligibility.choices import CheckStatus, RuleSetStatus
from eligibility.models import EligibilityCheck, RuleSet
from tests.factories import PackageFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def test_the_rule_set_list_shows_the_recheck_progress(staff_client, ear, django_assert_max_num_queries):
    EligibilityCheck.objects.create(package=PackageFactory(), ruleset=ear, status=CheckStatus.DONE)
    EligibilityCheck.objects.create(package=PackageFactory(), ruleset=ear, status=CheckStatus.FAILED)
    with django_assert_max_num_queries(15):
        response = staff_client.get(reverse("admin:eligibility_ruleset_changelist"))
    assert "1 / 2 done, 1 failed, 0 waiting" in response.content.decode()


def test_staff_activate_a_rule_set_from_the_admin(staff_client, ear, aid):
    url = reverse("admin:eligibility_ruleset_changelist")
    response = staff_client.post(url, {"action": "activate", "_selected_action": [aid.pk]}, follow=True)
    assert "Rule set activated" in response.content.decode()
    assert RuleSet.objects.get(status=RuleSetStatus.ACTIVE) == aid


def test_staff_clone_a_rule_set_into_a_draft_they_can_edit(staff_client, ear):
    url = reverse("admin:eligibility_ruleset_changelist")
    form = staff_client.post(url, {"action": "clone", "_selected_action": [ear.pk]})
    assert form.status_code == 200 and "new_version" in form.content.decode()
    response = staff_client.post(url, {"action": "clone", "_selected_action": [ear.pk], "new_version": "ear-next"})
    draft = RuleSet.objects.get(version="ear-next")
    assert response.status_code == 302 and response["Location"].endswith(f"/{draft.pk}/change/")
    assert draft.status == RuleSetStatus.DRAFT and draft.rules.count() == ear.rules.count()
    page = staff_client.get(response["Location"]).content.decode()
    assert 'name="rules-0-outcome"' in page  # drafts are editable


def test_an_active_rule_set_is_read_only_in_the_admin(staff_client, ear):
    page = staff_client.get(reverse("admin:eligibility_ruleset_change", args=[ear.pk])).content.decode()
    assert 'name="rules-0-outcome"' not in page and 'name="name"' not in page


def test_staff_rerun_failed_checks(staff_client, ear, django_capture_on_commit_callbacks):
    EligibilityCheck.objects.create(package=PackageFactory(status="submitted"), ruleset=ear, status=CheckStatus.FAILED)
    url = reverse("admin:eligibility_ruleset_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"action": "rerun_failed", "_selected_action": [ear.pk]}, follow=True)
    assert "1 failed checks queued again" in response.content.decode()
    assert EligibilityCheck.objects.get().status == CheckStatus.DONE


@pytest.mark.parametrize(
    "name", ["eligibilitycheck", "eligibilityresult", "countrygroup", "countrytier", "programeligibility"]
)
def test_checks_results_and_reference_data_are_browsable(staff_client, ear, name):
    assert staff_client.get(reverse(f"admin:eligibility_{name}_changelist")).status_code == 200

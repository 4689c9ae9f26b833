from __future__ import annotations

import pytest

from catalog import services
from tests.catalog.factories import company, complete_package, ensure_reference_data
from tests.conftest import wait_until


@pytest.mark.worker
def test_a_real_worker_sends_the_status_email_after_the_submit_commits(celery_worker):
    ensure_reference_data()
    user, _org, consortium = company()
    package = complete_package(consortium, created_by=user, title="Worker Checked Stack")
    services.package_submit(actor=user, package=package)
    mails = wait_until(celery_worker.sent_mail, timeout=60)
    assert "Worker Checked Stack" in mails[0] and user.email in mails[0]

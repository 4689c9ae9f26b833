from __future__ import annotations

import pytest

from aiexports.portal.models import InfoPage

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/", "/catalog/", "/rfi/", "/pages/about/", "/accounts/sign-in/"])
def test_public_pages_render_the_uswds_layout(client, url):
    InfoPage.objects.create(slug="about", language="en", title="About", body="About the program")
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="usa-skipnav"' in html
    assert "uswds/css/uswds.min.css" in html
    assert "not operated by the U.S. government" in html


def test_the_dashboard_requires_sign_in(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")

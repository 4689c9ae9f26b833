"""A package in several languages: the audited service, the public pages in the buyer's language (with the
"English only" notice and ``lang`` attributes), the managers' form and the API, revisions."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from aiexports.audit.models import AuditEvent
from aiexports.errors import NotAllowed
from catalog.choices import Layer, PackageStatus
from catalog.models import ComponentTranslation, PackageTranslation
from catalog.services import package_revise, package_translation_remove, package_translation_save
from tests.catalog.factories import company, complete_package
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_afterwards():
    """Requests in Japanese leave it active in this thread: later tests expect the default language."""
    yield
    from django.utils import translation

    translation.activate("en")


@pytest.fixture
def manager_and_draft():
    user, _org, consortium = company()
    return user, complete_package(consortium, title="Gulf sovereign stack", summary="Hosted in the Gulf.")


def ja_page(client, package):
    return client.get(reverse("catalog:package_detail", args=[package.slug]), HTTP_ACCEPT_LANGUAGE="ja")


# --- the service ---------------------------------------------------------------------------------------


def test_saving_a_version_records_its_fields_and_its_components(manager_and_draft):
    user, package = manager_and_draft
    component = package.components.get(layer=Layer.HARDWARE)
    package_translation_save(
        actor=user,
        package=package,
        language="ja",
        title="湾岸ソブリン基盤",
        components={component.pk: {"name": "加速器"}},
    )
    assert PackageTranslation.objects.get(package=package, language="ja").title == "湾岸ソブリン基盤"
    assert ComponentTranslation.objects.get(component=component, language="ja").name == "加速器"
    event = AuditEvent.objects.get(action="package.translation_save")
    assert event.changes["title"] == {"before": None, "after": "湾岸ソブリン基盤"}
    package_translation_save(actor=user, package=package, language="ja", title="湾岸ソブリンAI基盤")
    latest = AuditEvent.objects.filter(action="package.translation_save").latest("pk")
    assert latest.changes["title"] == {"before": "湾岸ソブリン基盤", "after": "湾岸ソブリンAI基盤"}
    # Components not given keep their version (only the given ones change; blank both to remove one).
    assert ComponentTranslation.objects.filter(component=component).exists()


@pytest.mark.parametrize("language", ["", None, "en", "de", "xx-invalid"])
def test_a_missing_or_unknown_language_is_refused_with_a_message(manager_and_draft, language):
    user, package = manager_and_draft
    with pytest.raises(ValidationError) as caught:
        package_translation_save(actor=user, package=package, language=language, title="X")
    assert "Japanese" in str(caught.value.message_dict["language"])
    assert not PackageTranslation.objects.exists()


def test_only_managers_write_and_only_while_the_package_is_editable(manager_and_draft):
    user, package = manager_and_draft
    with pytest.raises(NotAllowed):
        package_translation_save(actor=UserFactory(), package=package, language="fr", title="Pile")
    package.status = PackageStatus.PUBLISHED
    package.save()
    with pytest.raises(NotAllowed):
        package_translation_save(actor=user, package=package, language="fr", title="Pile")


def test_a_component_of_another_package_is_refused(manager_and_draft):
    user, package = manager_and_draft
    other = complete_package(package.consortium)
    foreign = other.components.first()
    with pytest.raises(ValidationError) as caught:
        package_translation_save(
            actor=user, package=package, language="fr", title="Pile", components={foreign.pk: {"name": "Autre"}}
        )
    assert "components" in caught.value.message_dict
    assert not ComponentTranslation.objects.exists()


def test_removing_a_version_removes_its_components_versions_and_is_audited(manager_and_draft):
    user, package = manager_and_draft
    component = package.components.first()
    package_translation_save(
        actor=user, package=package, language="es", title="Pila", components={component.pk: {"name": "Nodo"}}
    )
    package_translation_remove(actor=user, package=package, language="es")
    assert not PackageTranslation.objects.exists() and not ComponentTranslation.objects.exists()
    assert AuditEvent.objects.get(action="package.translation_remove").changes["title"]["before"] == "Pila"
    with pytest.raises(ValidationError):
        package_translation_remove(actor=user, package=package, language="es")


def test_a_revision_carries_the_versions_and_approval_brings_them_back(manager_and_draft):
    from catalog.services.revisions import revision_merge

    user, package = manager_and_draft
    component = package.components.get(layer=Layer.HARDWARE)
    package_translation_save(
        actor=user, package=package, language="ja", title="旧題", components={component.pk: {"name": "旧部品"}}
    )
    package.status = PackageStatus.PUBLISHED
    package.save()
    revision = package_revise(actor=user, package=package)
    copy = revision.components.get(revision_source=component)
    assert revision.translations.get(language="ja").title == "旧題"
    assert ComponentTranslation.objects.get(component=copy).name == "旧部品"
    package_translation_save(
        actor=user, package=revision, language="ja", title="新題", components={copy.pk: {"name": "新部品"}}
    )
    assert package.translations.get(language="ja").title == "旧題"  # the public keeps the published version
    revision_merge(revision=revision)
    assert package.translations.get(language="ja").title == "新題"
    assert ComponentTranslation.objects.get(component=component, language="ja").name == "新部品"


# --- the public pages ----------------------------------------------------------------------------------


def published_with_japanese(client_or_none=None):
    user, _org, consortium = company()
    package = complete_package(consortium, status=PackageStatus.PUBLISHED, title="Gulf sovereign stack")
    package.published_at = package.created_at
    package.save()
    return user, package


def test_the_package_page_shows_the_buyers_language_with_lang_attributes(client):
    _user, package = published_with_japanese()
    component = package.components.get(layer=Layer.HARDWARE)
    PackageTranslation.objects.create(package=package, language="ja", title="湾岸ソブリン基盤", summary="湾岸で運用")
    ComponentTranslation.objects.create(component=component, language="ja", name="加速器ノード")
    html = ja_page(client, package).content.decode()
    assert '<h1 lang="ja">湾岸ソブリン基盤</h1>' in html
    assert '<span lang="ja">加速器ノード</span>' in html
    assert "aix-english-only" not in html
    # A component without a version keeps its English name, marked as English.
    other = package.components.exclude(pk=component.pk).first()
    assert f'<span lang="en">{other.name}</span>' in html


def test_without_a_version_the_page_says_english_only_and_marks_the_text_english(client):
    _user, package = published_with_japanese()
    PackageTranslation.objects.create(package=package, language="fr", title="Pile souveraine")
    response = client.get(reverse("catalog:package_detail", args=[package.slug]), HTTP_ACCEPT_LANGUAGE="es")
    html = response.content.decode()
    assert 'class="usa-alert usa-alert--info usa-alert--slim aix-english-only"' in html
    assert '<h1 lang="en">Gulf sovereign stack</h1>' in html
    english = client.get(reverse("catalog:package_detail", args=[package.slug]), HTTP_ACCEPT_LANGUAGE="en")
    assert "aix-english-only" not in english.content.decode()


@pytest.mark.django_db(transaction=True)  # committed writes: the catalog version moves on commit
def test_the_list_cards_show_the_buyers_language_and_a_new_version_shows_at_once(client):
    _user, package = published_with_japanese()
    url = reverse("catalog:package_list")
    assert "aix-tag--english-only" not in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    before = client.get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert 'lang="en"><a class="usa-link"' in before and "aix-tag--english-only" in before
    PackageTranslation.objects.create(package=package, language="ja", title="湾岸ソブリン基盤")
    after = client.get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "湾岸ソブリン基盤" in after and "aix-tag--english-only" not in after
    detail = ja_page(client, package).content.decode()
    assert "湾岸ソブリン基盤" in detail


def test_a_japanese_search_on_the_list_page_finds_the_japanese_version(client):
    _user, package = published_with_japanese()
    PackageTranslation.objects.create(package=package, language="ja", title="中東向けソブリンクラウド")
    html = client.get(reverse("catalog:package_list"), {"q": "ソブリンクラウド"}, HTTP_ACCEPT_LANGUAGE="ja")
    assert "中東向けソブリンクラウド" in html.content.decode()


@pytest.mark.parametrize("q", ["!!!", "、。！？", "«»—…", "@#$%^&*()"])
def test_a_search_of_punctuation_alone_answers_400_with_a_message_never_500(client, q):
    response = client.get(reverse("catalog:package_list"), {"q": q})
    assert response.status_code == 400
    assert "punctuation" in response.content.decode()
    api = client.get("/api/v1/packages/", {"q": q})
    assert api.status_code == 400 and "punctuation" in json.dumps(api.json())


# --- the managers' pages -------------------------------------------------------------------------------


def test_a_manager_adds_edits_and_removes_a_version_through_the_form(client, manager_and_draft):
    user, package = manager_and_draft
    client.force_login(user)
    component = package.components.first()
    new_url = reverse("catalog:manage_translation_new", args=[package.slug])
    page = client.get(new_url)
    assert page.status_code == 200 and f'name="component_{component.pk}_name"' in page.content.decode()
    response = client.post(
        new_url, {"language": "fr", "title": "Pile souveraine", f"component_{component.pk}_name": "Nœud"}
    )
    assert response.status_code == 302
    assert ComponentTranslation.objects.get(component=component, language="fr").name == "Nœud"
    detail = client.get(reverse("catalog:manage_package_detail", args=[package.slug])).content.decode()
    assert "Pile souveraine" in detail
    edit_url = reverse("catalog:manage_translation_edit", args=[package.slug, "fr"])
    assert "Pile souveraine" in client.get(edit_url).content.decode()
    client.post(edit_url, {"language": "fr", "title": "Pile souveraine du Golfe"})
    assert package.translations.get(language="fr").title == "Pile souveraine du Golfe"
    remove_url = reverse("catalog:manage_translation_remove", args=[package.slug, "fr"])
    assert client.get(remove_url).status_code == 200
    assert client.post(remove_url).status_code == 302
    assert not package.translations.exists()


@pytest.mark.parametrize(
    ("language", "message"),
    [("", "Choose the language of this version."), ("de", "Choose one of the languages in the list.")],
)
def test_the_form_with_a_missing_or_unknown_language_re_renders_with_the_message(
    client, manager_and_draft, language, message
):
    user, package = manager_and_draft
    client.force_login(user)
    response = client.post(
        reverse("catalog:manage_translation_new", args=[package.slug]), {"language": language, "title": "Kept"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'value="Kept"' in html


def test_an_unknown_language_in_the_address_is_404(client, manager_and_draft):
    user, package = manager_and_draft
    client.force_login(user)
    assert client.get(reverse("catalog:manage_translation_edit", args=[package.slug, "xx"])).status_code == 404


# --- the API ---------------------------------------------------------------------------------------------


def test_the_api_adds_lists_reads_and_removes_a_version(client, manager_and_draft):
    user, package = manager_and_draft
    client.force_login(user)
    component = package.components.first()
    url = f"/api/v1/drafts/{package.slug}/translations/"
    body = {"language": "es", "title": "Pila soberana", "components": [{"component": component.pk, "name": "Nodo"}]}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["components"] == [{"component": component.pk, "name": "Nodo", "description": ""}]
    assert [t["language"] for t in client.get(url).json()] == ["es"]
    assert client.get(f"{url}es/").json()["title"] == "Pila soberana"
    assert client.delete(f"{url}es/").status_code == 204
    assert client.get(f"{url}es/").status_code == 404


@pytest.mark.parametrize("body", [{"title": "X"}, {"language": "de", "title": "X"}, {"language": "ja", "title": ""}])
def test_the_api_refuses_bad_input_with_a_json_message(client, manager_and_draft, body):
    user, package = manager_and_draft
    client.force_login(user)
    response = client.post(f"/api/v1/drafts/{package.slug}/translations/", body, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) & {"language", "title"}

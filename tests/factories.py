"""factory_boy factories shared by the whole suite (apps with many models may add tests/<app>/factories.py)."""

from __future__ import annotations

import re

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify

from catalog import models as catalog
from catalog.choices import CATEGORY_LAYER, Category, OrganizationRole


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    # Confirmed by default, so that tests about other things may create organizations and submit; tests of
    # the confirmation gate use ``UnconfirmedUserFactory`` (or ``email_confirmed_at=None``).
    email_confirmed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or "correct-horse-battery")
        if create:
            self.save(update_fields=["password"])


class UnconfirmedUserFactory(UserFactory):
    """A user who signed up but has not followed the confirmation link yet."""

    email_confirmed_at = None


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = catalog.Organization

    name = factory.Sequence(lambda n: f"Example Systems {n} Inc.")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    country_id = "US"
    website = "https://example.com"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = catalog.OrganizationMembership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = OrganizationRole.ADMIN


class ConsortiumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = catalog.Consortium

    name = factory.Sequence(lambda n: f"Example Consortium {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    anchor = factory.SubFactory(OrganizationFactory)

    @factory.post_generation
    def anchor_member(self, create, extracted, **kwargs):
        if create:
            catalog.ConsortiumMember.objects.get_or_create(
                consortium=self,
                organization=self.anchor,
                defaults={"role": "anchor", "layers": ["hardware"], "status": "accepted"},
            )


class PackageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = catalog.Package

    consortium = factory.SubFactory(ConsortiumFactory)
    title = factory.Sequence(lambda n: f"Sovereign AI stack {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    summary = "A full-stack AI package."


class ComponentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = catalog.Component

    package = factory.SubFactory(PackageFactory)
    category = Category.ACCELERATOR
    layer = factory.LazyAttribute(lambda o: CATEGORY_LAYER[o.category])
    name = factory.Sequence(lambda n: f"Component {n}")
    quantity = 1


def assert_honeypot_refused(response, kept: str = "") -> None:  # noqa: ANN001
    """The one honeypot policy (``aiexports.forms.HoneypotMixin``): refused with the neutral error, the input
    kept (``kept`` is some typed text that must still be in the page) and the trap emptied for a resend."""
    html = response.content.decode()
    assert response.status_code == 400
    assert "Your message could not be accepted. Please check it and send it again." in html
    assert kept in html
    trap = re.search(r'<input[^>]*name="website"[^>]*>', html)
    assert trap is not None and "spam.example" not in trap.group(0)

"""Factories of the market tests (one per model the tests build directly)."""

from __future__ import annotations

from decimal import Decimal

import factory

from lifeline.access.enums import OrganizationKind
from lifeline.access.tests.factories import OrganizationFactory
from lifeline.accounts.tests.factories import UserFactory
from lifeline.market.enums import ProductStatus
from lifeline.market.models import Category, Product, Review, WishList, WishListItem


def category(slug: str = "phones") -> Category:
    """A seeded category; a transactional test may run after a flush that removed the
    migration's rows, so it is created again when missing."""
    found, _ = Category.objects.get_or_create(
        slug=slug, defaults={"name_en": slug.title(), "name_ru": slug.title()}
    )
    return found


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    organization = factory.SubFactory(OrganizationFactory, kind=OrganizationKind.MARKETPLACE)
    seller = factory.SubFactory(UserFactory)
    category = factory.LazyFunction(category)
    title = factory.Sequence(lambda n: f"Phone {n}")
    slug = factory.Sequence(lambda n: f"phone-{n}")
    price = Decimal("100.00")
    stock = 5
    status = ProductStatus.ACTIVE
    city = "Tashkent"


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    product = factory.SubFactory(ProductFactory)
    author = factory.SubFactory(UserFactory)
    rating = 5


class WishListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WishList

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"List {n}")


class WishListItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WishListItem

    wish_list = factory.SubFactory(WishListFactory)
    product = factory.SubFactory(ProductFactory)

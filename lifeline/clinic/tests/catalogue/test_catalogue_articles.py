from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.testing import Case, assert_permission_matrix
from lifeline.access.tests.factories import OrganizationFactory, UserFactory, user_with_role
from lifeline.clinic.catalogue_data import DRUGS, THERAPIES
from lifeline.clinic.enums import ArticleStatus
from lifeline.clinic.models.catalogue import Article, CatalogueItem, DoctorNote
from lifeline.clinic.tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_catalogue_is_seeded_with_stable_codes_from_the_drug_card_and_t_rules():
    codes = set(CatalogueItem.objects.values_list("code", flat=True))

    assert {row["code"] for row in DRUGS + THERAPIES} == codes
    amitriptyline = CatalogueItem.objects.get(code="amitriptyline")
    assert amitriptyline.kind == "drug"
    assert amitriptyline.start_dose == "10 mg nocte (5–10 mg elderly)"
    assert amitriptyline.usual_max_dose == "25–75 mg (NeuPSIG range 25–150)"
    assert amitriptyline.rule_ids == ["T-1a", "T-5"]
    # T-1g: peripheral-only options are not in the CPSP catalogue.
    assert not codes & {"lidocaine-plaster", "capsaicin-8"}


def test_catalogue_list_filters_and_shows_only_my_note(client_for):
    doctor = user_with_role(Role.DOCTOR)
    colleague = user_with_role(Role.DOCTOR)
    item = CatalogueItem.objects.get(code="pregabalin")
    DoctorNote.objects.create(item=item, doctor=colleague, text="colleague's private note")
    client = client_for(doctor)
    client.put(
        reverse("clinic:catalogue-note", kwargs={"code": "pregabalin"}),
        {"text": "Watch oedema"},
        format="json",
    )

    drugs = client.get(reverse("clinic:catalogue-list"), {"kind": "drug", "q": "ГАБАП"}).json()
    by_rule = client.get(reverse("clinic:catalogue-list"), {"rule_id": "T-3"}).json()

    assert [d["code"] for d in drugs] == ["gabapentin"]
    assert {d["code"] for d in by_rule} == {
        "paracetamol",
        "botulinum-toxin-a",
        "shoulder-positioning",
        "electrical-stimulation",
        "suprascapular-nerve-block",
    }
    detail = client.get(reverse("clinic:catalogue-detail", kwargs={"code": "pregabalin"})).json()
    assert detail["my_note"] == "Watch oedema"
    colleague_view = client_for(colleague).get(
        reverse("clinic:catalogue-detail", kwargs={"code": "pregabalin"})
    )
    assert colleague_view.json()["my_note"] == "colleague's private note"


def test_empty_note_deletes_it(client_for):
    doctor = user_with_role(Role.DOCTOR)
    url = reverse("clinic:catalogue-note", kwargs={"code": "duloxetine"})
    client = client_for(doctor)
    client.put(url, {"text": "note"}, format="json")

    response = client.put(url, {"text": "  "}, format="json")

    assert response.status_code == 200
    assert response.json() == {"code": "duloxetine", "text": ""}
    assert DoctorNote.objects.count() == 0


def test_catalogue_permission_matrix():
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    note_url = reverse("clinic:catalogue-note", kwargs={"code": "amitriptyline"})
    cases = [
        Case("anonymous", "get", reverse("clinic:catalogue-list"), 401),
        Case(Role.PATIENT, "get", reverse("clinic:catalogue-list"), 403),
        Case("no_role", "get", reverse("clinic:catalogue-list"), 403),
        Case(Role.DOCTOR, "get", reverse("clinic:catalogue-list"), 200),
        Case(Role.CLINIC_ADMIN, "get", reverse("clinic:catalogue-list"), 200),
        Case(Role.DOCTOR, "get", reverse("clinic:catalogue-detail", kwargs={"code": "nope"}), 404),
        Case(Role.PATIENT, "put", note_url, 403, {"text": "x"}),
        Case(Role.DOCTOR, "put", note_url, 200, {"text": "x"}),
    ]
    assert_permission_matrix(cases, organization=clinic)
    assert DoctorNote.objects.count() == 0


def test_catalogue_list_query_count_is_constant(client_for, django_assert_max_num_queries):
    doctor = user_with_role(Role.DOCTOR)
    client = client_for(doctor)

    with django_assert_max_num_queries(4):
        response = client.get(reverse("clinic:catalogue-list"))

    assert len(response.json()) == len(DRUGS) + len(THERAPIES)


# --- articles ----------------------------------------------------------------------------
def test_readers_see_published_articles_only(client_for):
    published = ArticleFactory(published=True, title="Published")
    draft = ArticleFactory(title="Draft")
    patient = user_with_role(Role.PATIENT)
    client = client_for(patient)

    listing = client.get(reverse("clinic:article-list"), {"drafts": "true"})
    draft_detail = client.get(reverse("clinic:article-detail", kwargs={"article_id": draft.pk}))

    assert [a["title"] for a in listing.json()["results"]] == ["Published"]
    assert listing.json()["count"] == 1
    assert draft_detail.status_code == 404
    assert (
        client.get(reverse("clinic:article-detail", kwargs={"article_id": published.pk})).json()[
            "status"
        ]
        == "published"
    )


def test_editor_writes_and_publishes_an_article(client_for):
    editor = user_with_role(Role.CLINIC_ADMIN)
    client = client_for(editor)

    created = client.post(
        reverse("clinic:article-list"),
        {"title": "Pain after stroke", "body": "Text", "summary": "S", "language": "en"},
        format="json",
    )
    article_id = created.json()["id"]
    published = client.post(reverse("clinic:article-publish", kwargs={"article_id": article_id}))
    drafts = client.get(reverse("clinic:article-list"), {"drafts": "true"}).json()

    assert created.status_code == 201
    assert created.json()["status"] == "draft"
    assert published.json()["status"] == "published"
    assert published.json()["published_at"] is not None
    assert drafts["count"] == 1
    unpublished = client.post(
        reverse("clinic:article-unpublish", kwargs={"article_id": article_id})
    )
    assert unpublished.json()["status"] == "draft"
    assert Article.objects.get().published_at is not None


def test_permission_grants_the_editor_role(client_for):
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="manage_articles"))

    response = client_for(user).post(
        reverse("clinic:article-list"), {"title": "T", "body": "B"}, format="json"
    )

    assert response.status_code == 201


def test_article_permission_matrix():
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    article = ArticleFactory(published=True)
    detail = reverse("clinic:article-detail", kwargs={"article_id": article.pk})
    body = {"title": "T", "body": "B"}
    cases = [
        Case("anonymous", "get", reverse("clinic:article-list"), 401),
        Case(Role.PATIENT, "get", reverse("clinic:article-list"), 200),
        Case(Role.PATIENT, "post", reverse("clinic:article-list"), 403, body),
        Case(Role.DOCTOR, "post", reverse("clinic:article-list"), 403, body),
        Case(Role.CLINIC_ADMIN, "post", reverse("clinic:article-list"), 201, body),
        Case(Role.PATIENT, "patch", detail, 403, {"title": "X"}),
        Case(Role.CLINIC_ADMIN, "patch", detail, 200, {"title": "X"}),
        Case(Role.DOCTOR, "delete", detail, 403),
        Case(Role.CLINIC_ADMIN, "delete", detail, 204),
        Case(
            Role.DOCTOR,
            "post",
            reverse("clinic:article-unpublish", kwargs={"article_id": article.pk}),
            403,
        ),
    ]
    assert_permission_matrix(cases, organization=clinic)
    article.refresh_from_db()
    assert (article.title, article.status) == (article.title, ArticleStatus.PUBLISHED)
    assert Article.objects.count() == 1


def test_invalid_article_stores_nothing(client_for):
    editor = user_with_role(Role.CLINIC_ADMIN)

    response = client_for(editor).post(
        reverse("clinic:article-list"), {"title": "   ", "body": "B"}, format="json"
    )

    assert response.status_code == 400
    assert Article.objects.count() == 0


def test_demo_seeder_is_idempotent():
    from lifeline.clinic.demo import DEMO_ARTICLE_TITLE, seed_catalogue
    from lifeline.core.demo import DemoContext

    context = DemoContext(write=lambda _text: None)
    seed_catalogue(context)
    seed_catalogue(context)

    assert Article.objects.filter(title=DEMO_ARTICLE_TITLE, status="published").count() == 1
    assert CatalogueItem.objects.count() == len(DRUGS) + len(THERAPIES)


@pytest.mark.parametrize(
    ("language", "shown", "absent"),
    [
        (
            "ru",
            [
                "10 мг на ночь (пожилым 5–10 мг)",
                "+10 мг в неделю",
                "75 мг на ночь или 2 раза в день",
                "+37,5 мг в неделю",
                "по инструкции (шагами примерно по 2 недели)",
            ],
            ["nocte", " mg", "per label"],
        ),
        ("en", ["10 mg nocte (5–10 mg elderly)", "+10 mg/week", "75 mg nocte or bid"], [" мг"]),
    ],
)
def test_the_catalogue_page_shows_doses_in_the_readers_language(client, language, shown, absent):
    client.force_login(user_with_role(Role.DOCTOR))
    client.cookies["django_language"] = language

    page = client.get(reverse("clinic-web:catalogue"))

    html = page.content.decode()
    assert page.status_code == 200
    assert [text for text in shown if text not in html] == []
    assert [text for text in absent if text in html] == []
    # The stored data stays as the spec writes it; only the page translates.
    assert CatalogueItem.objects.get(code="amitriptyline").start_dose == (
        "10 mg nocte (5–10 mg elderly)"
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "ru",
            {
                "code": "amitriptyline",
                "name": "Амитриптилин",
                "start_dose": "10 мг на ночь (пожилым 5–10 мг)",
                "titration": "+10 мг в неделю",
                "default_scheme": "10 мг на ночь, увеличивать на 10 мг в неделю до 25–75 мг/сут",
            },
        ),
        (
            "en",
            {
                "code": "amitriptyline",
                "name": "Amitriptyline",
                "start_dose": "10 mg nocte (5–10 mg elderly)",
                "titration": "+10 mg/week",
                "default_scheme": "10 mg at night, increase by 10 mg weekly to 25–75 mg/day",
            },
        ),
    ],
)
def test_the_catalogue_api_follows_the_request_language_like_the_page(
    client_for, language, expected
):
    """Issue 14 item 8: the API returned the stored "10 mg nocte" to a Russian reader while the
    page showed "10 мг на ночь"; `code` and the `_en`/`_ru` fields stay stable."""
    client = client_for(user_with_role(Role.DOCTOR))
    url = reverse("clinic:catalogue-detail", kwargs={"code": "amitriptyline"})

    detail = client.get(url, HTTP_ACCEPT_LANGUAGE=language).json()
    listed = client.get(
        reverse("clinic:catalogue-list"), {"q": "amitriptyline"}, HTTP_ACCEPT_LANGUAGE=language
    ).json()

    assert {key: detail[key] for key in expected} == expected
    assert [{key: item[key] for key in expected} for item in listed] == [expected]
    assert (detail["name_en"], detail["name_ru"]) == ("Amitriptyline", "Амитриптилин")
    pregabalin = client.get(
        reverse("clinic:catalogue-detail", kwargs={"code": "pregabalin"}),
        HTTP_ACCEPT_LANGUAGE=language,
    ).json()
    assert (" мг" in pregabalin["start_dose"]) is (language == "ru")
    assert CatalogueItem.objects.get(code="amitriptyline").start_dose == (
        "10 mg nocte (5–10 mg elderly)"
    )

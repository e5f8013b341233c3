"""Seed the categories and their subcategories (English and Russian names)."""

from typing import Any

from django.db import migrations

CATEGORIES = [
    ("design", "Graphics & Design", "Графика и дизайн", [
        ("design-logo", "Logo design", "Дизайн логотипов"),
        ("design-web", "Website design", "Дизайн сайтов"),
        ("design-illustration", "Illustration", "Иллюстрация"),
    ]),
    ("programming", "Programming & Tech", "Программирование и IT", [
        ("programming-web", "Website development", "Разработка сайтов"),
        ("programming-mobile", "Mobile apps", "Мобильные приложения"),
        ("programming-bots", "Chatbots", "Чат-боты"),
    ]),
    ("writing", "Writing & Translation", "Тексты и переводы", [
        ("writing-translation", "Translation", "Перевод"),
        ("writing-copywriting", "Copywriting", "Копирайтинг"),
        ("writing-proofreading", "Proofreading", "Корректура"),
    ]),
    ("marketing", "Digital Marketing", "Интернет-маркетинг", [
        ("marketing-social", "Social media", "Социальные сети"),
        ("marketing-seo", "SEO", "SEO-продвижение"),
    ]),
    ("video", "Video & Animation", "Видео и анимация", [
        ("video-editing", "Video editing", "Монтаж видео"),
        ("video-animation", "Animation", "Анимация"),
    ]),
]


def seed(apps: Any, schema_editor: Any) -> None:
    Category = apps.get_model("freelance", "Category")
    for position, (slug, en, ru, children) in enumerate(CATEGORIES):
        parent, _ = Category.objects.update_or_create(
            slug=slug, defaults={"name_en": en, "name_ru": ru, "position": position}
        )
        for child_position, (child_slug, child_en, child_ru) in enumerate(children):
            Category.objects.update_or_create(
                slug=child_slug,
                defaults={
                    "name_en": child_en,
                    "name_ru": child_ru,
                    "position": child_position,
                    "parent": parent,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("freelance", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

"""The category tree every marketplace starts with, in English and Russian."""

from django.db import migrations

TREE = [
    # slug, parent slug, English, Russian
    ("electronics", None, "Electronics", "Электроника"),
    ("phones", "electronics", "Phones", "Телефоны"),
    ("laptops", "electronics", "Laptops", "Ноутбуки"),
    ("audio", "electronics", "Audio", "Аудио"),
    ("fashion", None, "Fashion", "Одежда и обувь"),
    ("clothing", "fashion", "Clothing", "Одежда"),
    ("shoes", "fashion", "Shoes", "Обувь"),
    ("home", None, "Home and garden", "Дом и сад"),
    ("furniture", "home", "Furniture", "Мебель"),
    ("kitchen", "home", "Kitchen", "Кухня"),
    ("hobby", None, "Hobby and sport", "Хобби и спорт"),
    ("sport", "hobby", "Sport", "Спорт"),
    ("books", "hobby", "Books", "Книги"),
    ("kids", None, "Kids", "Детские товары"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("market", "Category")
    by_slug = {}
    for position, (slug, parent, en, ru) in enumerate(TREE):
        category, _ = Category.objects.update_or_create(
            slug=slug,
            defaults={
                "parent": by_slug.get(parent),
                "name_en": en,
                "name_ru": ru,
                "position": position,
            },
        )
        by_slug[slug] = category


class Migration(migrations.Migration):
    dependencies = [("market", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

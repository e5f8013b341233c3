"""Reviews: sub-ratings, the seller's single reply, helpful votes; the gig's sub-rating sums.

Existing reviews take their overall rating as both sub-ratings and count as recommending; the
gig's sums are rebuilt from the review rows so its averages stay exact."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _rebuild_gig_sums(apps, schema_editor):  # type: ignore[no-untyped-def]
    Review = apps.get_model("freelance", "Review")
    Gig = apps.get_model("freelance", "Gig")
    Review.objects.update(
        communication=models.F("rating"), as_described=models.F("rating"), would_recommend=True
    )
    totals = (
        Review.objects.values("gig_id")
        .annotate(
            c=models.Sum("communication"),
            d=models.Sum("as_described"),
            r=models.Count("id", filter=models.Q(would_recommend=True)),
        )
        .order_by()
    )
    for row in totals:
        Gig.objects.filter(pk=row["gig_id"]).update(
            communication_sum=row["c"], as_described_sum=row["d"], recommend_count=row["r"]
        )


RATING = [
    django.core.validators.MinValueValidator(1),
    django.core.validators.MaxValueValidator(5),
]


class Migration(migrations.Migration):
    dependencies = [
        ("freelance", "0007_gig_images"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="gig",
            name="as_described_sum",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="gig",
            name="communication_sum",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="gig",
            name="recommend_count",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="review",
            name="as_described",
            field=models.PositiveSmallIntegerField(default=5, validators=RATING),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="review",
            name="communication",
            field=models.PositiveSmallIntegerField(default=5, validators=RATING),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="review",
            name="would_recommend",
            field=models.BooleanField(default=True),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="review",
            name="helpful_count",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="review",
            name="replied_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="review",
            name="reply",
            field=models.TextField(blank=True, max_length=2000),
        ),
        migrations.RunPython(_rebuild_gig_sums, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.CheckConstraint(
                condition=models.Q(("communication__gte", 1), ("communication__lte", 5)),
                name="freelance_review_communication_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.CheckConstraint(
                condition=models.Q(("as_described__gte", 1), ("as_described__lte", 5)),
                name="freelance_review_as_described_range",
            ),
        ),
        migrations.AddIndex(
            model_name="review",
            index=models.Index(
                fields=["gig", "-helpful_count", "-created_at"],
                name="freelance_r_gig_id_21b954_idx",
            ),
        ),
        migrations.CreateModel(
            name="ReviewHelpfulVote",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "review",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="helpful_votes",
                        to="freelance.review",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "helpful vote",
                "verbose_name_plural": "helpful votes",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("review", "user"), name="freelance_helpful_once"
                    )
                ],
            },
        ),
    ]

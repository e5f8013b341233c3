"""`manage.py content_rebuild_counters`: recompute likes, comments, members and flag scores."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from lifeline.content.services.counters import counters_rebuild


class Command(BaseCommand):
    help = "Recompute the like, comment, member and flag counters of the content module."

    def handle(self, *args: Any, **options: Any) -> None:
        updated = counters_rebuild()
        self.stdout.write(
            "content counters rebuilt: "
            + ", ".join(f"{name} {count}" for name, count in sorted(updated.items()))
        )

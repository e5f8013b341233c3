"""Benchmark: a post with 10 000 comments, and 500 concurrent likes on one post.

Targets (issue 19, Performance): the first page of the thread in a constant number of
queries, p95 ≤ 150 ms; 500 concurrent likes on one post leave the counter exact.

Cases, measured side by side in alternating rounds (machine noise hits all alike), server
time through Django's test client in-process (full middleware stack, session auth):

  baseline      GET a trivial authenticated Django view (the framework's own cost)
  api_best      GET /api/v1/content/posts/<id>/comments/?sort=best    first page (20 threads)
  api_newest    GET /api/v1/content/posts/<id>/comments/?sort=newest
  api_oldest    GET /api/v1/content/posts/<id>/comments/?sort=oldest
  page_best     GET /channels/posts/<id>/                              the HTML post page

The query count of each case is also taken on a post with 100 comments: it must be the same
(independent of the thread's size).

Likes: 500 users like the post from 25 threads at once, each user twice (1 000 calls, half of
them duplicates racing the first); the counter must equal 500 and the like rows 500. Then
250 of them unlike while 250 new users like, concurrently: the counter must equal the rows.

Data: one channel, a post with 10 000 comments (2 000 top-level, replies up to depth 4 with
random likes), a post with 100 comments. A fresh PostgreSQL test database
(`test_lifeline_bench_content` on 127.0.0.1:5432, user postgres) is created and dropped.

    uv run python benchmarks/content_thread.py [--quick] [--json]

Exit status 1 when a judged case exceeds p95 150 ms, its query count depends on the thread's
size, a response is not 200, or a like counter is not exact.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

NAME = "content_thread"
TARGET_P95_MS = 150.0
COMMENTS = 10_000
LIKERS = 500
urlpatterns: list[Any] = []


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _summary(samples: list[float]) -> dict[str, float]:
    return {
        "n": len(samples),
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(_percentile(samples, 95), 2),
        "mean_ms": round(statistics.fmean(samples), 2),
    }


def _thread(post: Any, users: list[Any], total: int, rng: random.Random) -> None:
    """`total` comments on `post`: a fifth top-level, the rest replies up to depth 4."""
    from lifeline.content.models import Comment, Post  # noqa: PLC0415
    from lifeline.content.models.comment import path_segment  # noqa: PLC0415

    levels = [total // 5, total * 2 // 5, total * 3 // 10]
    levels.append(total - sum(levels))
    parents: list[Any] = []
    for depth, count in enumerate(levels):
        rows = []
        for i in range(count):
            parent = None if depth == 0 else parents[rng.randrange(len(parents))]
            rows.append(
                Comment(
                    post=post,
                    author=users[i % len(users)],
                    parent=parent,
                    root_id=parent.root_id if parent else None,
                    depth=depth,
                    body=f"<p>Comment {depth}-{i}</p>",
                    like_count=rng.randrange(0, 40),
                    flag_count=rng.randrange(0, 3),
                )
            )
        created = Comment.objects.bulk_create(rows, batch_size=2000)
        for comment in created:
            parent = comment.parent
            comment.path = (parent.path if parent else "") + path_segment(comment.pk)
            if parent is None:
                comment.root_id = comment.pk
        Comment.objects.bulk_update(created, ["path", "root"], batch_size=2000)
        parents = created
    Post.objects.filter(pk=post.pk).update(comment_count=total)


def _seed(rng: random.Random) -> dict[str, Any]:
    from lifeline.accounts.tests.factories import UserFactory  # noqa: PLC0415
    from lifeline.content.services.channels import channel_create  # noqa: PLC0415
    from lifeline.content.services.posts import post_create  # noqa: PLC0415

    owner = UserFactory()
    channel = channel_create(actor=owner, name="Bench")
    users = [UserFactory() for _ in range(20)]
    big = post_create(actor=owner, channel=channel, title="Big", body="10 000 comments")
    small = post_create(actor=owner, channel=channel, title="Small", body="100 comments")
    _thread(big, users, COMMENTS, rng)
    _thread(small, users, 100, rng)
    return {"owner": owner, "channel": channel, "big": big, "small": small}


def _likes(channel: Any, post: Any) -> dict[str, Any]:
    """Concurrent likes through the service (each thread has its own database connection)."""
    from django.db import connection  # noqa: PLC0415
    from django.db.models import F  # noqa: PLC0415

    from lifeline.accounts.models import User  # noqa: PLC0415
    from lifeline.content.enums import MembershipStatus  # noqa: PLC0415
    from lifeline.content.models import Channel, ChannelMembership, Post, PostLike  # noqa: PLC0415
    from lifeline.content.services.posts import post_like, post_unlike  # noqa: PLC0415

    people = User.objects.bulk_create(
        [User(email=f"liker{i}@bench.test") for i in range(LIKERS + LIKERS // 2)]
    )
    ChannelMembership.objects.bulk_create(
        [
            ChannelMembership(
                channel=channel, user=u, status=MembershipStatus.ACTIVE, handle=f"l{i}"
            )
            for i, u in enumerate(people)
        ]
    )
    Channel.objects.filter(pk=channel.pk).update(member_count=F("member_count") + len(people))

    def call(job: tuple[str, Any]) -> bool:
        action, user = job
        try:
            fresh = Post.objects.select_related("channel").get(pk=post.pk)
            if action == "like":
                return post_like(actor=user, post=fresh)
            return post_unlike(actor=user, post=fresh)
        finally:
            connection.close()

    first = people[:LIKERS]
    jobs = [("like", u) for u in first] + [("like", u) for u in first]
    random.Random(7).shuffle(jobs)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=25) as pool:
        stored = sum(pool.map(call, jobs))
    first_seconds = time.perf_counter() - started
    post.refresh_from_db()
    after_likes = (post.like_count, PostLike.objects.filter(post=post).count(), stored)
    mixed = [("unlike", u) for u in first[: LIKERS // 2]] + [("like", u) for u in people[LIKERS:]]
    random.Random(8).shuffle(mixed)
    with ThreadPoolExecutor(max_workers=25) as pool:
        list(pool.map(call, mixed))
    post.refresh_from_db()
    after_mixed = (post.like_count, PostLike.objects.filter(post=post).count())
    return {
        "calls": len(jobs),
        "stored": stored,
        "counter_after_likes": after_likes[0],
        "rows_after_likes": after_likes[1],
        "seconds": round(first_seconds, 2),
        "counter_after_mixed": after_mixed[0],
        "rows_after_mixed": after_mixed[1],
        "exact": after_likes[0] == after_likes[1] == stored == LIKERS
        and after_mixed[0] == after_mixed[1] == LIKERS,
    }


def main(argv: list[str] | None = None) -> int:  # noqa: PLR0915
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short run (smoke check)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON only")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/lifeline_bench_content"
    import django  # noqa: PLC0415

    django.setup()
    from django.contrib.auth.decorators import login_required  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415
    from django.http import HttpRequest, HttpResponse  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415
    from django.test.utils import (  # noqa: PLC0415
        CaptureQueriesContext,
        override_settings,
        setup_test_environment,
    )
    from django.urls import path  # noqa: PLC0415

    @login_required
    def trivial(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")

    from config.urls import urlpatterns as project_urlpatterns  # noqa: PLC0415

    urlpatterns[:] = [path("bench/trivial/", trivial), *project_urlpatterns]

    setup_test_environment()
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    rounds, per_round = (2, 10) if args.quick else (10, 30)
    try:
        with override_settings(ROOT_URLCONF=__name__, REST_FRAMEWORK_THROTTLE=None):
            started = time.perf_counter()
            data = _seed(random.Random(19))
            seed_seconds = time.perf_counter() - started
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            client = Client()
            client.force_login(data["owner"])

            def urls(post: Any) -> dict[str, str]:
                return {
                    "baseline": "/bench/trivial/",
                    "api_best": f"/api/v1/content/posts/{post.pk}/comments/?sort=best",
                    "api_newest": f"/api/v1/content/posts/{post.pk}/comments/?sort=newest",
                    "api_oldest": f"/api/v1/content/posts/{post.pk}/comments/?sort=oldest",
                    "page_best": f"/channels/posts/{post.pk}/",
                }

            cases = urls(data["big"])
            small_cases = urls(data["small"])
            statuses: dict[str, set[int]] = {case: set() for case in cases}
            queries: dict[str, int] = {}
            small_queries: dict[str, int] = {}

            def one(case: str, table: dict[str, str] = cases) -> float:
                start = time.perf_counter()
                response = client.get(table[case])
                elapsed = (time.perf_counter() - start) * 1000
                statuses[case].add(response.status_code)
                return elapsed

            def count(case: str, table: dict[str, str]) -> int:
                with CaptureQueriesContext(connection) as ctx:
                    one(case, table)
                return len([q for q in ctx.captured_queries if '"content_' in q["sql"]])

            for case in cases:  # warm-up, and the query count of each case on both posts
                for _ in range(3):
                    one(case)
                    one(case, small_cases)  # (the first visit of a post also counts a view)
                queries[case] = count(case, cases)
                small_queries[case] = count(case, small_cases)
            samples: dict[str, list[float]] = {case: [] for case in cases}
            for _ in range(rounds):
                for case in cases:
                    samples[case].extend(one(case) for _ in range(per_round))
            likes = _likes(data["channel"], data["small"])
    finally:
        connection.creation.destroy_test_db(test_db, verbosity=0)

    result: dict[str, Any] = {
        "name": NAME,
        "target_p95_ms": TARGET_P95_MS,
        "comments": COMMENTS,
        "seed_seconds": round(seed_seconds, 1),
        "cases": {
            case: {
                **_summary(values),
                "content_queries": queries[case],
                "content_queries_100": small_queries[case],
            }
            for case, values in samples.items()
        },
        "statuses": {case: sorted(s) for case, s in statuses.items()},
        "likes": likes,
        "load_average": round(os.getloadavg()[0], 2),
    }
    judged = [case for case in cases if case != "baseline"]
    passed = (
        all(
            result["cases"][case]["p95_ms"] <= TARGET_P95_MS
            and result["statuses"][case] == [200]
            and queries[case] == small_queries[case]
            for case in judged
        )
        and likes["exact"]
    )
    result["passed"] = passed
    base = result["cases"]["baseline"]["p50_ms"]
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{NAME}: a post with {COMMENTS} comments, PostgreSQL, test client in-process")
        print(
            f"{'case':<12} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8} "
            f"{'×base p50':>9} {'q 10k':>6} {'q 100':>6}"
        )
        for case, s in result["cases"].items():
            print(
                f"{case:<12} {s['n']:>4} {s['p50_ms']:>8.2f} {s['p95_ms']:>8.2f} "
                f"{s['mean_ms']:>8.2f} {s['p50_ms'] / base:>9.1f} "
                f"{s['content_queries']:>6} {s['content_queries_100']:>6}"
            )
        print(
            f"likes: {likes['calls']} calls from 25 threads ({likes['seconds']} s): stored "
            f"{likes['stored']}, counter {likes['counter_after_likes']}, rows "
            f"{likes['rows_after_likes']}; after 250 unlikes racing 250 likes: counter "
            f"{likes['counter_after_mixed']}, rows {likes['rows_after_mixed']} "
            f"({'exact' if likes['exact'] else 'NOT EXACT'})"
        )
        print(
            f"target p95 ≤ {TARGET_P95_MS} ms, constant queries, exact likes: "
            f"{'PASS' if passed else 'FAIL'} (load average {result['load_average']}, "
            f"seeding {result['seed_seconds']} s)"
        )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())

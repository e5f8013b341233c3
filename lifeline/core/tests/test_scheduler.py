from __future__ import annotations

from types import SimpleNamespace

from lifeline.core.scheduler import EmbeddedBeat, beat_entries


class FakeTask:
    def __init__(self) -> None:
        self.calls: list[dict] = []

    def apply(self, kwargs, throw):
        self.calls.append(kwargs)


def fake_app(schedule, tasks):
    return SimpleNamespace(conf=SimpleNamespace(beat_schedule=schedule), tasks=tasks)


def test_beat_entries_read_intervals_from_numbers_and_schedules():
    from datetime import timedelta

    from celery.schedules import schedule

    entries = beat_entries(
        {
            "a": {"task": "x.a", "schedule": 10.0},
            "b": {"task": "x.b", "schedule": schedule(timedelta(minutes=2)), "kwargs": {"n": 1}},
        }
    )

    assert [(e.name, e.task, e.interval, e.kwargs) for e in entries] == [
        ("a", "x.a", 10.0, {}),
        ("b", "x.b", 120.0, {"n": 1}),
    ]


def test_tick_runs_each_entry_at_its_interval_and_skips_unknown_tasks(db):
    fast, slow = FakeTask(), FakeTask()
    beat = EmbeddedBeat(
        fake_app(
            {
                "fast": {"task": "t.fast", "schedule": 10.0},
                "slow": {"task": "t.slow", "schedule": 60.0, "kwargs": {"k": "v"}},
                "gone": {"task": "t.gone", "schedule": 1.0},
            },
            {"t.fast": fast, "t.slow": slow},
        )
    )

    ran = [beat.tick(t) for t in (0.0, 5.0, 10.0, 60.0)]

    assert ran == [["t.fast", "t.slow"], [], ["t.fast"], ["t.fast", "t.slow"]]
    assert slow.calls == [{"k": "v"}, {"k": "v"}]


def test_the_real_schedule_has_the_jobs_sweep():
    from config.celery import app

    entries = {e.name: e for e in beat_entries(app.conf.beat_schedule)}

    assert entries["jobs.run_due"].interval == 10.0
    assert entries["jobs.run_due"].task == "jobs.run_due"

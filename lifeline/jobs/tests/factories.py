from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from lifeline.jobs.models import JobStatus, ScheduledJob


class ScheduledJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScheduledJob

    task_name = "jobs_test.probe"
    kwargs = factory.Sequence(lambda n: {"key": f"job-{n}"})
    run_at = factory.LazyFunction(lambda: timezone.now() - timedelta(seconds=1))
    status = JobStatus.PENDING

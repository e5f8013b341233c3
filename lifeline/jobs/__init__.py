"""Durable delayed work: `job_schedule(task_name=...)` rows and the `jobs.run_due` sweep.

Owns ScheduledJob and running a due job once; must not own what a job does (tasks are named
by their owning app) nor import any app's tasks module.
"""

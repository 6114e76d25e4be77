"""Scheduled jobs: plain async functions of a job context; only jobs/scheduler.py imports APScheduler."""

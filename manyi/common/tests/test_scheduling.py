"""The scheduler enqueues each periodic job once per slot, however often it is run."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from manyi.common import scheduling
from manyi.common.models import ScheduledRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def counting_job(monkeypatch):
    calls: list[int] = []
    monkeypatch.setattr(scheduling, "REGISTRY", {})
    scheduling.register_periodic("test.count", dt.timedelta(hours=1))(lambda: calls.append(1))
    return calls


def test_a_slot_is_enqueued_once(counting_job) -> None:
    now = timezone.now().replace(minute=5)
    assert scheduling.run_due_jobs(now) == ["test.count"]
    assert scheduling.run_due_jobs(now + dt.timedelta(minutes=10)) == []
    assert scheduling.run_due_jobs(now) == []
    assert counting_job == [1]
    assert scheduling.run_due_jobs(now + dt.timedelta(hours=1)) == ["test.count"]
    assert len(counting_job) == 2
    assert ScheduledRun.objects.filter(key="test.count").count() == 2


def test_scheduler_command_runs_once(counting_job, monkeypatch) -> None:
    from django.core.management import call_command

    monkeypatch.setattr(scheduling, "load_job_modules", lambda: None)
    call_command("scheduler", "--once")
    call_command("scheduler", "--once")
    assert counting_job == [1]

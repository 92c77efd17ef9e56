"""An import whose worker died is marked failed with a message for the user, who can start it
again; nothing of it was imported."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from manyi.common.models import WorkerHeartbeat
from manyi.common.workers import hostname, tasks_reap_lost
from manyi.customers.models import Customer, ImportJob, ImportJobStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Any:
    from django.utils import translation

    with translation.override("en"):
        yield


def test_an_import_whose_worker_died_fails_visibly_and_can_be_started_again(
    make_user: Any,
) -> None:
    user = make_user("customer_service", language="en")
    job = ImportJob.objects.create(
        kind="customers", file="imports/x.csv", original_name="x.csv", started_by=user,
        status=ImportJobStatus.RUNNING, total=40000, processed=20000,
    )
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()  # a worker process that no longer exists
    WorkerHeartbeat.objects.create(worker_id="w-dead", hostname=hostname(), pid=proc.pid)
    WorkerHeartbeat.objects.create(worker_id="w-live", hostname=hostname(), pid=os.getpid())
    DBTaskResult.objects.create(
        id=uuid.uuid4(), status="RUNNING", task_path="manyi.customers.tasks.import_job_run",
        backend_name="default", args_kwargs={"args": [job.pk], "kwargs": {}},
        worker_ids=["w-dead"], run_after=timezone.now(), started_at=timezone.now(),
    )
    client = Client()
    client.force_login(user)
    url = reverse("customers:import_job", args=[job.pk])
    assert "every 1s" in client.get(url).content.decode()  # still shows "running"

    assert len(tasks_reap_lost()) == 1
    job.refresh_from_db()
    assert job.status == ImportJobStatus.FAILED and job.finished_at is not None
    assert job.processed == 0 and not Customer.objects.exists()
    page = client.get(url).content.decode()
    assert "every 1s" not in page  # no longer polls
    assert "The import failed; nothing was imported." in page
    assert "The background worker stopped while importing. Start the import again." in page
    again = reverse("customers:import", args=["customers"])
    assert f'href="{again}">Start the import again</a>' in page
    assert client.get(again).status_code == 200


def test_a_finished_import_is_left_alone(make_user: Any) -> None:
    from manyi.customers.tasks import import_job_worker_lost

    user = make_user("customer_service")
    job = ImportJob.objects.create(
        kind="customers", file="imports/x.csv", original_name="x.csv", started_by=user,
        status=ImportJobStatus.DONE, created=3, message="ok",
    )
    import_job_worker_lost(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE and job.created == 3 and job.message == "ok"

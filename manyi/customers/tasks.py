"""Background jobs of the customer archive (django.tasks API)."""

from __future__ import annotations

import logging
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks import task

from manyi.common.workers import when_worker_lost

from .models import ImportJob, ImportJobStatus
from .transfer import import_file

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 1000


@task()
def import_job_run(job_id: int) -> str:
    """Run an import started in the UI, writing progress to the job as it goes.

    Idempotent: only a queued job is claimed (one conditional UPDATE), so running the task
    again — or twice at once — never imports the file twice.
    """
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJobStatus.QUEUED).update(
        status=ImportJobStatus.RUNNING
    )
    if not claimed:
        job = ImportJob.objects.filter(pk=job_id).first()
        return job.status if job else "missing"
    job = ImportJob.objects.select_related("started_by").get(pk=job_id)
    with translation.override(job.started_by.language):  # the starter reads the report
        return _run(job)


@when_worker_lost(import_job_run)
def import_job_worker_lost(job_id: int) -> None:
    """The worker died mid-import: the import's transaction was rolled back, so nothing was
    imported; tell the starter (in their language) and let them start it again."""
    unfinished = (ImportJobStatus.QUEUED, ImportJobStatus.RUNNING)
    job = ImportJob.objects.filter(pk=job_id, status__in=unfinished).select_related(
        "started_by"
    ).first()
    if job is None:
        return
    with translation.override(job.started_by.language):
        message = gettext(
            "The background worker stopped while importing. Start the import again."
        )
    ImportJob.objects.filter(pk=job_id, status__in=unfinished).update(
        status=ImportJobStatus.FAILED, finished_at=timezone.now(), message=message,
        processed=0, created=0, updated=0, unchanged=0,
    )


def _run(job: ImportJob) -> str:
    job_id = job.pk
    last = [-PROGRESS_EVERY]

    def progress(done: int, total: int) -> None:
        if done - last[0] >= PROGRESS_EVERY or done == total:
            last[0] = done
            ImportJob.objects.filter(pk=job_id).update(processed=done, total=total)

    try:
        with job.file.open("rb") as source:
            report = import_file(
                job.kind,
                source,
                actor=job.started_by,
                skip_bad_rows=job.skip_bad_rows,
                name=job.original_name or Path(str(job.file.name)).name,
                progress=progress,
            )
    except PermissionDenied as exc:
        _finish(job_id, ImportJobStatus.FAILED, message=str(exc))
        return ImportJobStatus.FAILED
    except Exception as exc:
        logger.exception("import job %s failed", job_id)
        _finish(job_id, ImportJobStatus.FAILED, message=f"{type(exc).__name__}: {exc}")
        return ImportJobStatus.FAILED
    status = ImportJobStatus.DONE if report.imported else ImportJobStatus.REJECTED
    _finish(
        job_id,
        status,
        total=report.rows,
        processed=report.rows,
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        errors=[e.as_json() for e in report.errors],
        message=report.summary(),
    )
    return status


def _finish(job_id: int, status: str, **fields: object) -> None:
    ImportJob.objects.filter(pk=job_id).update(
        status=status, finished_at=timezone.now(), **fields
    )

"""Import/export pages: download an export, upload a file, follow the import job."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from manyi.accounts.permissions import can, require
from manyi.common.spreadsheets import csv_response, spreadsheet_export, xlsx_response

from .forms import ImportUploadForm
from .models import ImportJob, ImportJobStatus, TransferKind
from .tasks import import_job_run
from .transfer import FORMATS, export_csv_chunks, export_file

FILE_NAMES = {"customers": "顾客", "contacts": "联系人", "orders": "订单"}
MAX_ERRORS_SHOWN = 500


def _kind_or_404(kind: str) -> str:
    if kind not in TransferKind.values:
        raise Http404
    return kind


@login_required
@require_GET
@spreadsheet_export
def export_download(request: HttpRequest, kind: str) -> HttpResponseBase:
    """The list page's records (its filters, the user's scope) as .xlsx or .csv."""
    _kind_or_404(kind)
    require(request.user, "customer.export")
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS:
        fmt = "xlsx"
    english = (get_language() or "").startswith("en")
    lang = "en" if request.GET.get("lang") == "en" else "zh"
    base = kind if english else FILE_NAMES[kind]
    filename = f"{base}-{timezone.localdate():%Y%m%d}.{fmt}"
    if fmt == "csv":
        return csv_response(
            export_csv_chunks(kind, user=request.user, params=request.GET, lang=lang), filename
        )
    # openpyxl needs the whole workbook before the zip can be closed: build it in a
    # temporary file (deleted when the response is closed), then stream that.
    spool = tempfile.TemporaryFile()  # closed (and deleted) by FileResponse
    export_file(kind, spool, fmt="xlsx", user=request.user, params=request.GET, lang=lang)
    spool.seek(0)
    return xlsx_response(spool, filename)


@login_required
def import_upload(request: HttpRequest, kind: str) -> HttpResponse:
    """Upload a file; the import runs as a background task with a progress page."""
    _kind_or_404(kind)
    require(request.user, "customer.import")
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        original = Path(upload.name or "").name[:255]
        suffix = Path(original).suffix.lower()
        if suffix not in {f".{f}" for f in FORMATS}:
            form.add_error("file", _("Choose a .xlsx or .csv file."))
        elif upload.size > settings.MANYI_IMPORT_MAX_BYTES:
            form.add_error(
                "file",
                _("The file is too large (at most %(mb)s MB).")
                % {"mb": settings.MANYI_IMPORT_MAX_BYTES // (1024 * 1024)},
            )
        else:
            upload.name = f"{uuid.uuid4().hex}{suffix}"  # never the user's name or path
            job = ImportJob.objects.create(
                kind=kind,
                file=upload,
                original_name=original,
                skip_bad_rows=form.cleaned_data["skip_bad_rows"],
                started_by=request.user,  # type: ignore[misc]  # login_required
            )
            import_job_run.enqueue(job.pk)
            return redirect("customers:import_job", pk=job.pk)
    context = {"form": form, "kind": kind, "kind_label": TransferKind(kind).label}
    return render(request, "customers/import_upload.html", context)


@login_required
@require_GET
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """The job: status, a progress bar that refreshes itself, then the bad rows."""
    job = ImportJob.objects.filter(pk=pk).select_related("started_by").first()
    if job is None or not (
        job.started_by_id == request.user.pk or can(request.user, "admin.manage")
    ):
        raise Http404
    running = job.status in (ImportJobStatus.QUEUED, ImportJobStatus.RUNNING)
    context = {
        "job": job,
        "running": running,
        "errors": job.errors[:MAX_ERRORS_SHOWN],
        "more_errors": max(len(job.errors) - MAX_ERRORS_SHOWN, 0),
        "bad_rows": len({e.get("row") for e in job.errors}),
        "kind_label": TransferKind(job.kind).label,
    }
    template = "customers/import_job.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#progress"
    return render(request, template, context)

"""Import/export pages (being written: see the transfer package)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def export_download(request: HttpRequest, kind: str) -> HttpResponse:
    raise Http404


def import_upload(request: HttpRequest, kind: str) -> HttpResponse:
    raise Http404


def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404

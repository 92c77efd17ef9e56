from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from manyi.customers.selectors import dashboard_figures

# The modules to come: each has a real page saying what it will do (no dead links).
UPCOMING = {
    "improvement": (
        _("Improvement"),
        _(
            "Corrective and preventive actions with working-day deadlines, the 20 % / 80 % "
            "routing of problems, monthly effect evaluation."
        ),
    ),
    "reports": (
        _("Reports"),
        _(
            "The customer satisfaction analysis report, approval by the GM, and the "
            "management review input, as web page, PDF and Excel."
        ),
    ),
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "common/home.html", {"figures": dashboard_figures(user=request.user)})


@login_required
def module_page(request: HttpRequest, key: str) -> HttpResponse:
    if key not in UPCOMING:
        raise Http404
    title, text = UPCOMING[key]
    return render(request, "common/module.html", {"title": title, "text": text, "key": key})


@login_required
def attachment_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Download an attachment if the user may see the record it belongs to (else 404)."""
    from django.http import FileResponse

    from .attachments import can_view_attachment
    from .models import Attachment

    attachment = Attachment.objects.filter(pk=pk).select_related("content_type").first()
    if attachment is None or not can_view_attachment(request.user, attachment):
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.mime_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the designed "form has expired" page (403) in the user's language,
    with a way back. The technical reason is not shown; CsrfViewMiddleware already logs it
    (logger django.security.csrf)."""
    return render(request, "403_csrf.html", status=403)

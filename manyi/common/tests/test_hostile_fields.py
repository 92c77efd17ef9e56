"""HostileInputMiddleware names the field of every kind of input that cannot be stored."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from manyi.common.middleware import HostileInputMiddleware


def _field(request: HttpRequest) -> str | None:
    return HostileInputMiddleware._bad_field(request)


def test_each_kind_of_input_is_named() -> None:
    rf = RequestFactory()
    assert _field(rf.get("/customers/", {"q": "ok"})) is None
    assert _field(rf.get("/customers/", {"q": "a\x00b"})) == "q"
    cookie = rf.get("/customers/")
    cookie.COOKIES["theme"] = "x\x00"
    assert _field(cookie) == "cookie"
    assert _field(rf.post("/customers/new/", {"name": "ok", "note": "n\x00"})) == "note"
    upload = SimpleUploadedFile("fine.pdf", b"%PDF-1.4", content_type="application/pdf")
    assert _field(rf.post("/customers/new/", {"name": "ok", "file": upload})) is None
    assert _field(rf.post("/customers/new/", {"name": "ok", "file": upload, "x": "\x00"})) == "x"


def test_a_refused_request_never_reaches_the_view() -> None:
    reached: list[HttpRequest] = []

    def view(request: HttpRequest) -> HttpResponse:
        reached.append(request)
        return HttpResponse("ok")

    response = HostileInputMiddleware(view)(RequestFactory().get("/x/", {"q": "\x00"}))
    assert response.status_code == 400 and not reached

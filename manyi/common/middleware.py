"""Language choice, and refusing text no database can store (HostileInputMiddleware, below).

Language: Chinese unless the person chose otherwise.

Django's LocaleMiddleware follows the browser's Accept-Language, which would show English to a
Chinese quality manager whose browser happens to be set to English. Here the order is: the
language chosen with the switch in the header (cookie), then the user's profile language, then
settings.LANGUAGE_CODE (zh-hans). The browser's header is ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

from .inputs import unstorable

SUPPORTED = {code for code, _name in settings.LANGUAGES}


class PreferredLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if language not in SUPPORTED:
            user = getattr(request, "user", None)
            language = getattr(user, "language", "") if user and user.is_authenticated else ""
        if language not in SUPPORTED:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class HostileInputMiddleware:
    """Refuse with 400 any request whose path, query string or form fields hold a NUL
    character or a lone surrogate, or are not UTF-8 at all — text no database column can store
    (PostgreSQL refuses NUL; every driver refuses lone surrogates), so that none of it reaches a
    query or a save as a server error. Nothing is stripped silently: the caller is told which
    field. API paths (/api/) get the API's JSON error body; pages get a plain-text message."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = self._bad_field(request)
        if field is not None:
            return self._refuse(request, field)
        return self.get_response(request)

    @staticmethod
    def _bad_field(request: HttpRequest) -> str | None:
        raw_path = _wsgi_bytes(request.META.get("PATH_INFO", ""))
        if unstorable(request.path) or (raw_path is not None and _undecodable(raw_path)):
            return "path"
        for name, value in request.COOKIES.items():
            if unstorable(name) or unstorable(value):
                return "cookie"
        bad_query = _undecodable_query(request.META.get("QUERY_STRING", ""))
        if bad_query is not None:
            return bad_query
        bad_param = _unstorable_key(request.GET.lists())
        if bad_param is not None:
            return bad_param
        if request.method in ("POST", "PUT", "PATCH") and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            return _bad_form_field(request)
        return None

    @staticmethod
    def _refuse(request: HttpRequest, field: str) -> HttpResponse:
        # Runs before the session and PreferredLanguageMiddleware: the language cookie or the
        # default language.
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        translation.activate(language if language in SUPPORTED else settings.LANGUAGE_CODE)
        message = _("%(field)s: contains a NUL character or text that is not valid UTF-8.") % {
            "field": field
        }
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message, "errors": {field: [message]}}, status=400)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def _unstorable_key(lists: Iterable[tuple[str, list[Any]]]) -> str | None:
    """The first parameter whose name or one of whose values cannot be stored."""
    for key, values in lists:
        if unstorable(key) or any(unstorable(v) for v in values):
            return key
    return None


def _bad_form_field(request: HttpRequest) -> str | None:
    """The form field (or file field) of a POST body that cannot be stored; "body" when the
    body cannot be parsed."""
    try:
        post = request.POST
    except (ValueError, UnicodeDecodeError):
        return "body"
    bad = _unstorable_key(post.lists())
    if bad is not None:
        return bad
    for key, files in request.FILES.lists():
        if any(unstorable(f.name or "") for f in files):
            return key
    return None


def _wsgi_bytes(text: str) -> bytes | None:
    """WSGI hands the path and the query string over as latin-1 decoded bytes: the bytes again
    (None when the text holds more than latin-1, i.e. was already decoded)."""
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return None


def _undecodable(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _undecodable_query(raw_query: str) -> str | None:
    """The name of the first query parameter whose value is not UTF-8 ("query" if the name
    itself is not), or None when the whole query string decodes."""
    raw = _wsgi_bytes(raw_query)
    if raw is None or not _undecodable(unquote_to_bytes(raw)):
        return None
    for pair in raw.split(b"&"):
        key, _sep, value = pair.partition(b"=")
        name = unquote_to_bytes(key.replace(b"+", b" "))
        if _undecodable(name):
            return "query"
        if _undecodable(unquote_to_bytes(value.replace(b"+", b" "))):
            text = name.decode("utf-8")
            return text if text and not unstorable(text) else "query"
    return "query"

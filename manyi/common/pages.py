"""Small helpers every list and form page uses (one place, not one copy per app)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 25


def paginate(request: HttpRequest, qs: Any, per_page: int = PAGE_SIZE) -> Page[Any]:
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    """The current query string without `page`, for sort and pager links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def apply_validation_errors(form: Any, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field it names, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)

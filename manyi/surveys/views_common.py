"""Small helpers shared by the staff views."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest

from manyi.common.inputs import parse_id


def error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" if k != "__all__" else " ".join(v)
                         for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


def get_or_404(fn: Any, **kwargs: Any) -> Any:
    try:
        return fn(**kwargs)
    except Exception as exc:
        if exc.__class__.__name__ == "DoesNotExist":
            raise Http404 from exc
        raise


def int_or_none(request: HttpRequest, name: str) -> int | None:
    return parse_id(request.GET.get(name))

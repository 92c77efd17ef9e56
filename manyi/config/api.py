"""The JSON API root: /api/v1/, OpenAPI at /api/v1/openapi.json, token authentication."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer

from manyi.accounts.services import ApiTokenThrottled, api_token_authenticate
from manyi.common.services import StaleRecordError
from manyi.config.api_base import ManyiAPI, error_body


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; tokens are created on the profile page."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        # Bad keys are counted per address; too many → 429 for a while (accounts.services).
        try:
            user = api_token_authenticate(token, address=request.META.get("REMOTE_ADDR", ""))
        except ApiTokenThrottled as exc:
            raise HttpError(429, exc.message) from exc
        if user is not None:
            request.user = user
        return user


api = ManyiAPI(
    title="Manyi API",
    version="1",
    description="满意 Manyi — customer archive, complaints, surveys. Same permissions as the UI.",
    auth=TokenAuth(),
    urls_namespace="api",
)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    detail = str(exc) or _("You do not have permission to do this.")
    return api.create_response(request, error_body(detail), status=403)


@api.exception_handler(StaleRecordError)
def _stale(request: HttpRequest, exc: StaleRecordError) -> HttpResponse:
    return api.create_response(
        request, {"detail": str(exc), "current_version": exc.current}, status=409
    )


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    detail = _("Some fields are invalid: %(fields)s.") % {"fields": ", ".join(errors)}
    return api.create_response(request, error_body(detail, errors), status=422)


api.add_router("/customers", "manyi.customers.api.router")
api.add_router("/feedback", "manyi.feedback.api.router")
api.add_router("/complaints", "manyi.complaints.api.router")
api.add_router("/claims", "manyi.claims.api.router")
api.add_router("/property", "manyi.property.api.router")
api.add_router("/surveys", "manyi.surveys.api.router")
api.add_router("/analysis", "manyi.analysis.api.router")

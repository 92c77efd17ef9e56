"""Types every API module shares: bounded ids and integers, the page-number pagination that
cannot overflow, and the one error body (ErrorOut) every error response has."""

from __future__ import annotations

from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

from .inputs import INT64_MAX, INT64_MIN

# A record id in a path, query or body: what a database's bigint primary key can hold.
Id = Annotated[int, Field(ge=1, le=INT64_MAX)]
# Any other integer a client sends (version, quantity, year …), within 64 bits; the forms and
# services check the narrower business range and name the field.
Int64 = Annotated[int, Field(ge=INT64_MIN, le=INT64_MAX)]


class ErrorOut(Schema):
    """The body of every error response (400, 401, 403, 404, 409, 422, 429)."""

    detail: str
    errors: dict[str, list[str]] | None = None
    current_version: int | None = None


class Pagination(PageNumberPagination):
    """Page-number pagination with bounded numbers. A page beyond the last one is answered
    with the count and no items (no query with an offset no database accepts)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=INT64_MAX)
        page_size: int | None = Field(None, ge=1, le=INT64_MAX)

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        page_size = self._get_page_size(pagination.page_size)
        count = self._items_count(queryset)
        offset = (pagination.page - 1) * page_size
        items = queryset[offset : offset + page_size] if offset < count else []
        return {self.items_attribute: items, "count": count}

"""Small helpers every list and form page uses (one place, not one copy per app)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest

from .services import StaleRecordError

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


@dataclass
class FormOutcome:
    ok: bool = False
    stale: bool = False  # the page answers 409 Conflict

    def status(self, invalid: int = 200) -> int:
        """The status of the page shown again: 409 Conflict after a stale save, else `invalid`
        (what the page answers for a refused or invalid form: 200, 400 or 422)."""
        return 409 if self.stale else invalid


class _EveryField:
    def __contains__(self, name: object) -> bool:
        return True


class ActionErrors:
    """The errors of an action without a Django form (a button, a hand-built page), collected
    by `with form_errors(errors) as outcome:` as a form would collect them: `by_field` maps
    each field a ValidationError names (its own key, "__all__" included; "" for a message
    without a field, e.g. a stale save) to its messages; `messages` lists them all in order."""

    fields = _EveryField()

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add_error(self, field: str | None, error: str | list[str]) -> None:
        messages = [error] if isinstance(error, str) else list(error)
        self.by_field.setdefault(field or "", []).extend(messages)

    @property
    def messages(self) -> list[str]:
        return [message for messages in self.by_field.values() for message in messages]


@contextmanager
def form_errors(form: Any) -> Iterator[FormOutcome]:
    """Run the service call of a valid form inside `with form_errors(form) as outcome:`.

    A StaleRecordError (someone saved the record first) goes on top of the form and sets
    `outcome.stale` (the page answers 409); a ValidationError goes onto the fields it names
    (apply_validation_errors); the exception ends there. `outcome.ok`: the call went through."""
    outcome = FormOutcome()
    try:
        yield outcome
    except StaleRecordError as exc:
        outcome.stale = True
        form.add_error(None, str(exc))
    except ValidationError as exc:
        apply_validation_errors(form, exc)
    else:
        outcome.ok = True

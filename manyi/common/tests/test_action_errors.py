"""ActionErrors: form_errors for an action without a Django form (a button, a hand-built
page) collects the errors as a form would, and the page's status comes from the outcome."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from manyi.common.pages import ActionErrors, form_errors
from manyi.common.services import StaleRecordError


def test_success_collects_nothing() -> None:
    errors = ActionErrors()
    with form_errors(errors) as outcome:
        pass
    assert outcome.ok and errors.by_field == {} and errors.messages == []
    assert outcome.status(invalid=422) == 422  # the caller answers 200 when nothing failed


def test_a_stale_save_goes_on_top_and_answers_409() -> None:
    errors = ActionErrors()
    with form_errors(errors) as outcome:
        raise StaleRecordError(None, expected=3, current=4)  # type: ignore[arg-type]
    assert not outcome.ok and outcome.stale and outcome.status(invalid=422) == 409
    assert list(errors.by_field) == [""] and len(errors.messages) == 1


def test_field_errors_keep_their_field_and_order() -> None:
    errors = ActionErrors()
    with form_errors(errors) as outcome:
        raise ValidationError({"note": ["写明原因"], NON_FIELD_ERRORS: ["已发送"], "a_P1": "1–5"})
    assert not outcome.ok and not outcome.stale and outcome.status(invalid=422) == 422
    assert errors.by_field == {"note": ["写明原因"], NON_FIELD_ERRORS: ["已发送"], "a_P1": ["1–5"]}
    assert errors.messages == ["写明原因", "已发送", "1–5"]


def test_a_message_without_field_goes_on_top() -> None:
    errors = ActionErrors()
    with form_errors(errors):
        raise ValidationError(["第一", "第二"])
    assert errors.by_field == {"": ["第一", "第二"]} and errors.messages == ["第一", "第二"]

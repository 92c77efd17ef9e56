"""form_errors: the one way a page runs a form's service call."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from manyi.common.pages import form_errors
from manyi.common.services import StaleRecordError


class _Form(forms.Form):
    name = forms.CharField()


def _valid() -> _Form:
    form = _Form({"name": "x"})
    assert form.is_valid()
    return form


def test_success_marks_ok_and_leaves_the_form_alone() -> None:
    form = _valid()
    with form_errors(form) as outcome:
        result = 42
    assert outcome.ok and not outcome.stale and result == 42 and not form.errors


def test_validation_error_goes_onto_the_named_field_or_on_top() -> None:
    form = _valid()
    with form_errors(form) as outcome:
        raise ValidationError({"name": "已存在", "other": "不在表单上"})
    assert not outcome.ok and not outcome.stale
    assert form.errors["name"] == ["已存在"] and form.non_field_errors() == ["不在表单上"]


def test_stale_record_sets_stale_and_explains_on_top() -> None:
    form = _valid()
    with form_errors(form) as outcome:
        raise StaleRecordError(None, expected=3, current=4)  # type: ignore[arg-type]
    assert outcome.stale and not outcome.ok
    [message] = form.non_field_errors()
    assert "4" in message and "3" in message


def test_other_errors_are_not_swallowed() -> None:
    form = _valid()
    try:
        with form_errors(form):
            raise KeyError("bug")
    except KeyError:
        pass
    else:
        raise AssertionError("a programming error must not be hidden")

"""One `_form_fields.html` for every app's forms."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.template.loader import render_to_string

import manyi


class _Form(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, initial="t-1")
    name = forms.CharField(label="Name", help_text="Your full name")


def test_the_fields_are_rendered_once_for_every_app() -> None:
    copies = sorted(str(p.relative_to(Path(manyi.__file__).parent))
                    for p in Path(manyi.__file__).parent.glob("*/templates/*/_form_fields.html"))
    assert copies == ["common/templates/common/_form_fields.html"]


def test_fields_hidden_fields_and_help() -> None:
    html = render_to_string("common/_form_fields.html", {"form": _Form()})
    assert 'type="hidden" name="token" value="t-1"' in html
    assert '<label for="id_name">Name *</label>' in html
    assert '<p class="help">Your full name</p>' in html


def test_help_block_keeps_list_help_valid_html() -> None:
    html = render_to_string("common/_form_fields.html", {"form": _Form(), "help_block": True})
    assert '<div class="help">Your full name</div>' in html


def test_errors_are_shown_by_their_field() -> None:
    form = _Form(data={"token": "t"})
    html = render_to_string("common/_form_fields.html", {"form": form})
    assert 'class="field has-error"' in html
    assert '<p class="error">' in html

"""Every free-text field a person fills in has a length limit on the model field, so forms,
services (full_clean), the API and the import all refuse a 5 MB note on that field."""

from __future__ import annotations

from django.apps import apps
from django.core.validators import MaxLengthValidator
from django.db import models

# written by Manyi itself, never from a form, the API or an import
SYSTEM_TEXT = {
    ("common", "message", "body"),
    ("common", "message", "last_error"),
    ("customers", "importjob", "message"),
    ("surveys", "answer", "text"),  # limited by the survey page's own check (TEXT_MAX)
}


def test_every_free_text_field_has_a_length_limit() -> None:
    missing = []
    for model in apps.get_models():
        if not model.__module__.startswith("manyi."):
            continue
        for field in model._meta.get_fields():
            if not isinstance(field, models.TextField):
                continue
            key = (model._meta.app_label, model._meta.model_name, field.name)
            if key in SYSTEM_TEXT:
                continue
            if not any(isinstance(v, MaxLengthValidator) for v in field.validators):
                missing.append(".".join(key))
    assert missing == []

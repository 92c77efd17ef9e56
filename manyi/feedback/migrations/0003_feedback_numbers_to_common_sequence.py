"""Feedback entries (FB<year>-NNNN) and praise notices (TB<year>-NNNN) were numbered from the
highest existing number; the shared numbering service counts in common.NumberSequence, so its
counters start at the highest existing number per year."""

from typing import Any

from django.db import migrations

from manyi.common.numbering import highest, seed_sequences

SCOPES = (("feedback", "FeedbackEntry"), ("praise_notice", "PraiseNotice"))


def seed(apps: Any, schema_editor: Any) -> None:
    number_sequence = apps.get_model("common", "NumberSequence")
    for scope, model_name in SCOPES:
        numbers = apps.get_model("feedback", model_name).objects.values_list("number", flat=True)
        seed_sequences(number_sequence, highest(scope, numbers.iterator()))


class Migration(migrations.Migration):

    dependencies = [
        ("common", "0005_number_sequence_deadline_setting"),
        ("feedback", "0002_text_limits"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

"""Customer property (CP), loan slips (JY) and damage reports (SS) were numbered from the
highest existing number; the shared numbering service counts in common.NumberSequence, so its
counters start at the highest existing number per year."""

from typing import Any

from django.db import migrations

from manyi.common.numbering import highest, seed_sequences

SCOPES = (
    ("property_item", "CustomerProperty"),
    ("loan_slip", "LoanSlip"),
    ("damage_report", "DamageReport"),
)


def seed(apps: Any, schema_editor: Any) -> None:
    number_sequence = apps.get_model("common", "NumberSequence")
    for scope, model_name in SCOPES:
        numbers = apps.get_model("property", model_name).objects.values_list("number", flat=True)
        seed_sequences(number_sequence, highest(scope, numbers.iterator()))


class Migration(migrations.Migration):

    dependencies = [
        ("common", "0005_number_sequence_deadline_setting"),
        ("property", "0002_text_limits"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

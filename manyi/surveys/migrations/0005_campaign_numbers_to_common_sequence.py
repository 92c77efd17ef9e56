"""Campaigns (SV<year><period>-NN) were numbered by counting the period's campaigns; the shared
numbering service counts in common.NumberSequence (scope campaign.<period>), so its counters
start at the highest existing number per year and period."""

from typing import Any

from django.db import migrations

from manyi.common.numbering import highest, seed_sequences


def seed(apps: Any, schema_editor: Any) -> None:
    numbers = apps.get_model("surveys", "Campaign").objects.values_list("number", flat=True)
    seed_sequences(apps.get_model("common", "NumberSequence"), highest("campaign", numbers))


class Migration(migrations.Migration):

    dependencies = [
        ("common", "0005_number_sequence_deadline_setting"),
        ("surveys", "0004_public_page_rate_counters"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

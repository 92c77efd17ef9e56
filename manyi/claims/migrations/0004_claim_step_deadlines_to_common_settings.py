"""The claim step deadlines move to the common deadline table: every ClaimStepDeadline row
becomes a common.DeadlineSetting row "claims.<step>" with the same working days, then the old
table goes. Backwards, the claim rows come back from the common settings."""

from typing import Any

from django.db import migrations

PREFIX = "claims."
NOTE = "claim step deadline (before the common deadline table)"


def to_common(apps: Any, schema_editor: Any) -> None:
    old = apps.get_model("claims", "ClaimStepDeadline")
    setting = apps.get_model("common", "DeadlineSetting")
    for state, workdays in old.objects.values_list("state", "workdays"):
        setting.objects.update_or_create(
            key=f"{PREFIX}{state}", defaults={"value": workdays, "note": NOTE}
        )


def back(apps: Any, schema_editor: Any) -> None:
    old = apps.get_model("claims", "ClaimStepDeadline")
    setting = apps.get_model("common", "DeadlineSetting")
    states = {choice for choice, _label in old._meta.get_field("state").choices}
    for key, value in setting.objects.filter(key__startswith=PREFIX).values_list("key", "value"):
        state = key.removeprefix(PREFIX)
        if state in states:
            old.objects.update_or_create(state=state, defaults={"workdays": min(value, 250)})


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0003_claim_numbers_to_common_sequence"),
        ("common", "0005_number_sequence_deadline_setting"),
    ]

    operations = [
        migrations.RunPython(to_common, back),
        migrations.DeleteModel(name="ClaimStepDeadline"),
    ]

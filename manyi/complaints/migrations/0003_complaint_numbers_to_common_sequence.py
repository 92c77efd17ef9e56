"""Complaint numbers move to the shared numbering service: the counters of the old
ComplaintSequence table (or the highest stored sequence, if higher) become the rows
common.NumberSequence(scope="complaint", year), then the old table goes."""

from typing import Any

from django.db import migrations
from django.db.models import Max

from manyi.common.numbering import seed_sequences

SCOPE = "complaint"


def to_common(apps: Any, schema_editor: Any) -> None:
    old = apps.get_model("complaints", "ComplaintSequence")
    complaint = apps.get_model("complaints", "Complaint")
    last = {(SCOPE, year): value for year, value in old.objects.values_list("year", "last")}
    stored = complaint.objects.values("year").annotate(top=Max("sequence")).order_by("year")
    for row in stored:
        key = (SCOPE, row["year"])
        last[key] = max(last.get(key, 0), row["top"] or 0)
    seed_sequences(apps.get_model("common", "NumberSequence"), last)


def back(apps: Any, schema_editor: Any) -> None:
    old = apps.get_model("complaints", "ComplaintSequence")
    number_sequence = apps.get_model("common", "NumberSequence")
    for year, value in number_sequence.objects.filter(scope=SCOPE).values_list("year", "last"):
        old.objects.update_or_create(year=year, defaults={"last": value})


class Migration(migrations.Migration):

    dependencies = [
        ("common", "0005_number_sequence_deadline_setting"),
        ("complaints", "0002_text_limits"),
    ]

    operations = [
        migrations.RunPython(to_common, back),
        migrations.DeleteModel(name="ComplaintSequence"),
    ]

"""Seed the roles and the departments the procedures name (editable afterwards)."""

from django.db import migrations


def seed(apps, schema_editor):
    from manyi.accounts.roles import seed_reference_data

    seed_reference_data(apps.get_model("accounts", "Role"), apps.get_model("accounts", "Department"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

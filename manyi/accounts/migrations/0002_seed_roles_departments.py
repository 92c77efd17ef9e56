"""Seed the roles and the departments the procedures name (editable afterwards)."""

from django.db import migrations


def seed(apps, schema_editor):
    from manyi.accounts.roles import DEPARTMENTS, ROLES

    Role = apps.get_model("accounts", "Role")
    Department = apps.get_model("accounts", "Department")
    for code, name, name_en in ROLES:
        Role.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en})
    by_code = {}
    for code, name, name_en, kind, parent in DEPARTMENTS:
        dept, _ = Department.objects.get_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "kind": kind,
                      "parent": by_code.get(parent)},
        )
        by_code[code] = dept


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

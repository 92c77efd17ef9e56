"""API tokens get an optional expiry and a revocation time (replacing the revoked flag)."""

from django.db import migrations, models
from django.db.models.functions import Coalesce


def revoked_flag_to_time(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    ApiToken.objects.filter(revoked=True).update(
        revoked_at=Coalesce("last_used_at", "created_at")
    )


def revoked_time_to_flag(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    ApiToken.objects.filter(revoked_at__isnull=False).update(revoked=True)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_seed_roles_departments"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="apitoken",
            options={
                "ordering": ("-created_at", "-pk"),
                "verbose_name": "API token",
                "verbose_name_plural": "API tokens",
            },
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="expires at"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="revoked_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="revoked at"),
        ),
        migrations.RunPython(revoked_flag_to_time, revoked_time_to_flag),
        migrations.RemoveField(
            model_name="apitoken",
            name="revoked",
        ),
    ]

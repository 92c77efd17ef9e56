"""Fewer indexes to write at every survey submission (docs/decisions/0008)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The single-column indexes go (a composite index starting with the column serves the
        # same lookups); the foreign keys stay as they are, so no constraint is re-checked.
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.AlterField(
                model_name='auditentry',
                name='batch',
                field=models.CharField(blank=True, max_length=64, verbose_name='batch'),
            ),
            migrations.AlterField(
                model_name='auditentry',
                name='content_type',
                field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, to='contenttypes.contenttype'),
            ),
            migrations.AlterField(
                model_name='auditentry',
                name='object_id',
                field=models.CharField(max_length=64),
            ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "audit_auditentry_batch_628c10a2"', reverse_sql=migrations.RunSQL.noop
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "audit_auditentry_batch_628c10a2_like"', reverse_sql=migrations.RunSQL.noop
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "audit_auditentry_content_type_id_3fc095fb"', reverse_sql=migrations.RunSQL.noop
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "audit_auditentry_object_id_c21697b7"', reverse_sql=migrations.RunSQL.noop
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "audit_auditentry_object_id_c21697b7_like"', reverse_sql=migrations.RunSQL.noop
                ),
            ],
        ),
        migrations.AddIndex(
            model_name='auditentry',
            index=models.Index(fields=['batch'], name='audit_entry_batch'),
        ),
    ]

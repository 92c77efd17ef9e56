"""Fewer indexes to write at every survey submission (docs/decisions/0008)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('surveys', '0001_initial'),
    ]

    operations = [
        # The single-column indexes go (a composite index starting with the column serves the
        # same lookups); the foreign keys stay as they are, so no constraint is re-checked.
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.AlterField(
                model_name='answer',
                name='response',
                field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='answers', to='surveys.response', verbose_name='response'),
            ),
            migrations.AlterField(
                model_name='campaigntally',
                name='campaign',
                field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='tallies', to='surveys.campaign'),
            ),
            migrations.AlterField(
                model_name='customerrollup',
                name='campaign',
                field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='surveys.campaign'),
            ),
            migrations.AlterField(
                model_name='itemrollup',
                name='campaign',
                field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='surveys.campaign'),
            ),
            migrations.AlterField(
                model_name='response',
                name='campaign',
                field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='responses', to='surveys.campaign', verbose_name='campaign'),
            ),
            migrations.AlterField(
                model_name='response',
                name='invitation',
                field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='responses', to='surveys.invitation', verbose_name='respondent'),
            ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "surveys_answer_response_id_5416c873"', reverse_sql=migrations.RunSQL.noop
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "surveys_campaigntally_campaign_id_c40fd636"', reverse_sql=migrations.RunSQL.noop
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "surveys_customerrollup_campaign_id_c4340c92"', reverse_sql=migrations.RunSQL.noop
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "surveys_itemrollup_campaign_id_0725a03a"', reverse_sql=migrations.RunSQL.noop
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "surveys_response_campaign_id_dc509085"', reverse_sql=migrations.RunSQL.noop
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "surveys_response_invitation_id_c0a80e9e"', reverse_sql=migrations.RunSQL.noop
                ),
            ],
        ),
    ]

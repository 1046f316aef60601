"""One verification per household and update period, held by the database (keys filled by 0002)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('verification', '0002_verification_household_keys'),
    ]

    operations = [
        migrations.AlterField(
            model_name='verification',
            name='update_period',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.updateperiod', verbose_name='update period'),
        ),
        migrations.AddConstraint(
            model_name='verification',
            constraint=models.UniqueConstraint(condition=models.Q(('registration__isnull', False)), fields=('update_period', 'registration'), name='verification_once_per_registration'),
        ),
        migrations.AddConstraint(
            model_name='verification',
            constraint=models.UniqueConstraint(condition=models.Q(('household__isnull', False)), fields=('update_period', 'household'), name='verification_once_per_household'),
        ),
    ]

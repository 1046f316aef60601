"""A verification stores its household's keys (update period, registration, registry household), filled here.

The next migration makes them unique per period. Should a period already hold two verifications of one
household (possible before), the first by status (accepted, submitted, returned, draft, assigned), then by
age, keeps the key; the other keeps it empty, so the migration succeeds, and compiling a decree refuses
the duplicate (the decree check compares the households of the entries themselves).
"""

import django.db.models.deletion
from django.db import migrations, models

RANK = {"accepted": 0, "submitted": 1, "returned": 2, "draft": 3, "assigned": 4}


def fill_keys(apps, schema_editor):
    Verification = apps.get_model("verification", "Verification")
    rows = sorted(Verification.objects.values_list("pk", "status", "entry__prelist__update_period_id",
                                                   "entry__registration_id", "entry__household_id"),
                  key=lambda r: (RANK.get(r[1], 9), r[0]))
    seen, changed = set(), []
    for pk, _status, period, registration, household in rows:
        keys = [None if value is None or (kind, period, value) in seen else value
                for kind, value in (("r", registration), ("h", household))]
        seen |= {("r", period, registration), ("h", period, household)}
        changed.append(Verification(pk=pk, update_period_id=period, registration_id=keys[0], household_id=keys[1]))
    Verification.objects.bulk_update(changed, ["update_period", "registration", "household"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('registration', '0002_import_suspected_duplicates'),
        ('registry', '0005_member_name_household_index'),
        ('verification', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalverification',
            name='household',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='registry.household', verbose_name='registry household'),
        ),
        migrations.AddField(
            model_name='historicalverification',
            name='registration',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='registration.registration', verbose_name='registration'),
        ),
        migrations.AddField(
            model_name='historicalverification',
            name='update_period',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='registry.updateperiod', verbose_name='update period'),
        ),
        migrations.AddField(
            model_name='verification',
            name='household',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.household', verbose_name='registry household'),
        ),
        migrations.AddField(
            model_name='verification',
            name='registration',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registration.registration', verbose_name='registration'),
        ),
        migrations.AddField(
            model_name='verification',
            name='update_period',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.updateperiod', verbose_name='update period'),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
    ]

"""Entries record the newer prelist version that replaced them; the open entries of replaced versions retire.

Before this, a newer match-run version left the older versions' entries live beside its own, so a
household could be verified once per version. The data step retires, in every village and period, the
entries of replaced match-run versions that have no verification yet (the newest version holds the same
households); entries with a verification stay where the work was done (the verification's household
keys, added next in the verification app, keep the household from being verified twice).
"""

import django.db.models.deletion
from django.db import migrations, models


def retire_replaced(apps, schema_editor):
    Prelist = apps.get_model("identification", "Prelist")
    PrelistEntry = apps.get_model("identification", "PrelistEntry")
    newest = {}
    for pk, period, region, version in (Prelist.objects.filter(match_run__isnull=False)
                                        .values_list("pk", "update_period_id", "region_id", "version")):
        if version > newest.get((period, region), (0, None))[0]:
            newest[period, region] = (version, pk)
    for (period, region), (version, pk) in newest.items():
        (PrelistEntry.objects.filter(prelist__update_period_id=period, prelist__region_id=region,
                                     prelist__match_run__isnull=False, prelist__version__lt=version,
                                     verification__isnull=True, superseded_by__isnull=True)
         .update(superseded_by_id=pk))


class Migration(migrations.Migration):

    dependencies = [
        ('identification', '0004_memberlink_civil_registry'),
        ('verification', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='prelistentry',
            name='superseded_by',
            field=models.ForeignKey(blank=True, help_text='The newer prelist version that took this household over.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='superseded_entries', to='identification.prelist', verbose_name='replaced by'),
        ),
        migrations.RunPython(retire_replaced, migrations.RunPython.noop),
    ]

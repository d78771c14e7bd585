"""Load the shipped policy versions (policy/data/*.json) into the tables."""

from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from villageaid.policy import shipped

    shipped.load(apps.get_model("policy", "PolicyVersion"), apps.get_model("policy", "IncomeRange"))


def unload(apps: Any, schema_editor: Any) -> None:
    version = apps.get_model("policy", "PolicyVersion")
    for row in version.objects.filter(shipped=True).order_by("-effective_from", "-area_code"):
        row.delete()


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_versions")]

    operations = [migrations.RunPython(load, unload)]

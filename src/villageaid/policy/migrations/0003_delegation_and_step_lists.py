"""Refresh the shipped versions that gained ``delegates_to_county`` (R-POL-1) and
``procedure.step_list`` (ADR 0008) in databases loaded before them."""

from typing import Any

from django.db import migrations

CHANGED = ["NAT-2020", "NAT-2021", "NAT-2023"]


def load(apps: Any, schema_editor: Any) -> None:
    from villageaid.policy import shipped

    shipped.load(
        apps.get_model("policy", "PolicyVersion"),
        apps.get_model("policy", "IncomeRange"),
        only=CHANGED,
    )


class Migration(migrations.Migration):
    dependencies = [("policy", "0002_shipped_versions")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

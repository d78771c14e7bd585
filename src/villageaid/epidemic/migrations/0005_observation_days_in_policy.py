"""Databases whose shipped policy versions were loaded before the returnee observation
period was added to them (NAT-2020, NAT-2021: ``epidemic.returnee_observation_days``) get
the two versions refreshed from the shipped files, through the policy app's own loader."""

from typing import Any

from django.db import migrations


def refresh(apps: Any, schema_editor: Any) -> None:
    from villageaid.policy import shipped

    version = apps.get_model("policy", "PolicyVersion")
    if not version.objects.filter(code="NAT-2020").exists():
        return  # an empty table: the resolver reads the shipped files
    shipped.load(version, apps.get_model("policy", "IncomeRange"), only=["NAT-2020", "NAT-2021"])


class Migration(migrations.Migration):
    dependencies = [
        ("epidemic", "0004_returnees_and_closed_mode"),
        ("policy", "0003_delegation_and_step_lists"),
    ]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]

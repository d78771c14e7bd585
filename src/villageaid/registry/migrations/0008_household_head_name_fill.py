"""Fill ``Household.head_name`` from the members (the head, an active one first)."""

from typing import Any

from django.db import migrations
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def fill(apps: Any, schema_editor: Any) -> None:
    Household = apps.get_model("registry", "Household")
    Person = apps.get_model("registry", "Person")
    head = (
        Person.objects.filter(household_id=OuterRef("pk"), relationship="01")
        .order_by("status", "pk")
        .values("name")[:1]
    )
    Household.objects.update(head_name=Coalesce(Subquery(head), Value("")))


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0007_household_head_name"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

"""Stored catalogue overrides lose their ``monitoring_line``: the line is policy data now
(ADR 0008) and the engine refuses the key. A county re-enters a line it had set here as a
policy version (/policy/new/)."""

from typing import Any

from django.db import migrations


def _strip(overrides: Any) -> Any:
    if not isinstance(overrides, dict):
        return overrides
    out = {k: v for k, v in overrides.items() if k != "monitoring_line"}
    if isinstance(out.get("provinces"), dict):
        out["provinces"] = {code: _strip(layer) for code, layer in out["provinces"].items()}
    return out


def forwards(apps: Any, schema_editor: Any) -> None:
    version = apps.get_model("screening", "CatalogueVersion")
    for row in version.objects.all():
        cleaned = _strip(row.overrides)
        if cleaned != row.overrides:
            row.overrides = cleaned
            row.save(update_fields=["overrides"])


class Migration(migrations.Migration):
    dependencies = [("screening", "0003_dataset_names_civil_affairs")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from villageaid.policy.models import IncomeRange, PolicyVersion


@pytest.mark.django_db
def test_policy_load_restores_the_shipped_values_and_keeps_a_countys_version() -> None:
    IncomeRange.objects.filter(version__code="NAT-2021", year=2021).update(line=Decimal(1))
    PolicyVersion.objects.create(
        code="MINE",
        name="x",
        area_code="371003000000",
        base=PolicyVersion.objects.get(code="NAT-2021"),
        effective_from="2021-01-01",
    )
    out = io.StringIO()
    call_command("policy_load", stdout=out)
    assert "7 shipped policy versions" in out.getvalue()
    assert IncomeRange.objects.get(version__code="NAT-2021", year=2021).line == Decimal(6000)
    assert PolicyVersion.objects.filter(code="MINE").exists()


def test_stored_screening_overrides_lose_their_line() -> None:
    from importlib import import_module

    strip = import_module("villageaid.screening.migrations.0004_catalogue_without_monitoring_line")
    stored = {
        "monitoring_line": {"2025": 8000},
        "rules": {"R05": {"loss_threshold": 20000}},
        "provinces": {"37": {"monitoring_line": {"2025": 9000}, "rules": {}}},
    }
    assert strip._strip(stored) == {
        "rules": {"R05": {"loss_threshold": 20000}},
        "provinces": {"37": {"rules": {}}},
    }


@pytest.mark.django_db
def test_the_resolver_falls_back_to_the_shipped_files_when_the_tables_are_empty() -> None:
    import datetime as dt

    from villageaid.policy.resolver import invalidate, policy_for

    IncomeRange.objects.all().delete()
    for row in PolicyVersion.objects.order_by("-effective_from", "-area_code"):
        row.delete()  # overlays before their bases (PROTECT)
    invalidate()
    policy = policy_for("37", dt.date(2020, 4, 8))
    assert policy.code == "SD-2020" and policy.line(2020) == Decimal(6000)

"""Refresh the shipped policy versions from ``policy/data/*.json`` (after an upgrade that
changed the files); versions an administrator added are left alone."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from villageaid.core import audit
from villageaid.policy import shipped
from villageaid.policy.models import IncomeRange, PolicyVersion
from villageaid.policy.resolver import invalidate


class Command(BaseCommand):
    help = "Refresh the shipped policy versions from the data files"

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            count = shipped.load(PolicyVersion, IncomeRange)
            audit.record(actor=None, action="policy.shipped.load", note=f"{count} versions")
        invalidate()
        self.stdout.write(f"{count} shipped policy versions loaded")

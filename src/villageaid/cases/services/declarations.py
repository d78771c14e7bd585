"""农户自主申报: the public declaration form's submissions."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from villageaid.cases.models import DeclarationGate, SelfDeclaration
from villageaid.core import access, audit, roles
from villageaid.core.errors import ServiceError
from villageaid.core.models import Area


def ip_hash(ip: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{ip}".encode()).hexdigest()


def declaration_submit(
    *,
    village: Area,
    ip: str,
    name: str,
    description: str,
    group_name: str = "",
    phone: str = "",
    risk_type: str = "",
    per_hour: int = 3,
) -> SelfDeclaration:
    hashed = ip_hash(ip)
    with transaction.atomic():
        _pass_gate(hashed)
        since = timezone.now() - dt.timedelta(hours=1)
        recent = SelfDeclaration.objects.filter(ip_hash=hashed, created_at__gte=since)
        if recent.count() >= per_hour:
            raise ServiceError(_("提交太频繁，请稍后再试"), code="rate_limited")
        row = SelfDeclaration.objects.create(
            village=village,
            area_path=village.path,
            name=name,
            group_name=group_name,
            phone=phone,
            risk_type=risk_type,
            description=description,
            ip_hash=hashed,
        )
        audit.record(actor=None, action="cases.declaration.submit", obj=row, area=village)
    return row


def _pass_gate(hashed: str) -> None:
    """Write the client's gate row before counting: the write holds its row lock (its
    database lock on SQLite) until the transaction ends, so a parallel declaration of the
    same client waits and then counts this one."""
    DeclarationGate.objects.get_or_create(ip_hash=hashed)
    DeclarationGate.objects.filter(ip_hash=hashed).update(touched_at=timezone.now())


def declaration_dismiss(*, declaration: SelfDeclaration, actor: Any) -> SelfDeclaration:
    access.require_row(actor, roles.Module.CASES, roles.EDIT, declaration)
    with transaction.atomic():
        declaration.status = SelfDeclaration.Status.DISMISSED
        declaration.save(update_fields=["status"])
        audit.record(
            actor=actor,
            action="cases.declaration.dismiss",
            obj=declaration,
            area=declaration.village,
        )
    return declaration

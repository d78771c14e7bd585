"""The clock: overdue cases are escalated to the township and county above, once."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from villageaid.cases.models import Case
from villageaid.core import audit, notify
from villageaid.core.models import Area
from villageaid.core.roles import Role


def cases_escalate(*, today: dt.date | None = None) -> int:
    """Notify the township and county above every overdue case (once per case)."""
    today = today or timezone.localdate()
    overdue = Case.objects.filter(
        status=Case.Status.OPEN, deadline__lt=today, escalated_at__isnull=True
    ).select_related("household__village", "step")
    count = 0
    for case in overdue:
        with transaction.atomic():
            village: Area = case.household.village
            text = (
                f"监测帮扶超期：{village.name} {case.household.code} "
                f"{case.step.name if case.step else ''}，期限 {case.deadline:%Y-%m-%d}"
            )
            users = notify.users_over(village, [Role.TOWNSHIP, Role.COUNTY])
            notify.notify(users=users, text=text, url=f"/cases/{case.pk}/", kind="cases.overdue")
            notify.webhook(text=text)
            Case.objects.filter(pk=case.pk).update(escalated_at=timezone.now())
            audit.record(actor=None, action="cases.case.escalate", obj=case, area=village)
        count += 1
    return count

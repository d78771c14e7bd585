"""App-agnostic tables: the area tree and the audit trail."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AreaLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县区")
    TOWNSHIP = "township", _("乡镇")
    VILLAGE = "village", _("村")
    GRID = "grid", _("网格")


LEVEL_ORDER = [level.value for level in AreaLevel]


class Area(models.Model):
    """A node of the administrative tree, keyed by its 12-digit division code
    (grids, which have no national code, use the village code plus 3 digits).

    ``path`` holds the codes from the root, ``/``-separated and ``/``-terminated,
    so an area's subtree is one indexed prefix query.
    """

    code = models.CharField(_("区划代码"), max_length=15, primary_key=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("级别"), max_length=10, choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    province_code = models.CharField(max_length=15, blank=True, editable=False)

    class Meta:
        ordering = ["path"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def contains(self, other: Area) -> bool:
        return other.path.startswith(self.path)


class AuditEvent(models.Model):
    """One row per write a service makes, and per reveal of personal data."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-at"]
        # Plain indexes only (every service write inserts here): no varchar_pattern_ops
        # twins for action and the area code, which are matched whole, never by LIKE.
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["action"], name="core_audit_action"),
            models.Index(fields=["area"], name="core_audit_area"),
        ]
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"


class JobProgress(models.Model):
    """Progress of one background job, for the page's bar and the terminal."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(max_length=64)
    label = models.CharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveBigIntegerField(default=0)
    total = models.PositiveBigIntegerField(null=True, blank=True)
    message = models.TextField(blank=True)
    result = models.JSONField(null=True, blank=True)
    task_result_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.label

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, int(self.done * 100 / self.total))

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.pk,
            "kind": self.kind,
            "label": self.label,
            "status": self.status,
            "done": self.done,
            "total": self.total,
            "percent": self.percent,
            "message": self.message,
            "result": self.result,
        }


class Notification(models.Model):
    """An in-app message to one user (escalations, alerts, job results)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text


class WorkingDate(models.Model):
    """The day the pages stand on when it is not today (one row, see :mod:`villageaid.core.clock`):
    the demo's own date, so its dashboards show its period. No row: the real today."""

    day = models.DateField()
    reason = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("工作日期")

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d}"

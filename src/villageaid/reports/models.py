"""Stored indicator values: the scorecard reads these, never live aggregates."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from villageaid.core.models import Area


class Indicator(models.Model):
    """One figure for one area and one inclusive date range (a day, month, year or any range)."""

    class Period(models.TextChoices):
        DAY = "day", _("日")
        MONTH = "month", _("月")
        YEAR = "year", _("年")
        RANGE = "range", _("区间")

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=5, choices=Period.choices)
    start = models.DateField()
    end = models.DateField()
    key = models.CharField(max_length=64)
    value = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area", "start", "end", "key"], name="indicator_once"),
        ]
        indexes = [models.Index(fields=["area", "period", "start"])]

    def __str__(self) -> str:
        return f"{self.area_id} {self.start}..{self.end} {self.key}={self.value}"

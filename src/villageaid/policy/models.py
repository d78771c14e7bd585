"""Policy versions as data (docs/decisions/0008-policy-versions.md).

A version is national (blank ``area_code``), provincial or a county's; it overlays its
``base`` (its ``data`` is merged onto the base's, dictionaries key by key, lists whole) and
adds income ranges per year. Shipped versions come from ``policy/data/*.json``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyVersion(models.Model):
    code = models.CharField(_("版本编号"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    area_code = models.CharField(
        _("适用区划代码"), max_length=15, blank=True, help_text=_("空为全国；省或县的12位区划代码")
    )
    base = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="overlays",
        verbose_name=_("叠加于"),
    )
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    data = models.JSONField(_("政策内容"), default=dict, blank=True)
    shipped = models.BooleanField(_("随系统发布"), default=False, editable=False)
    note = models.CharField(_("说明"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["effective_from", "area_code", "code"]
        verbose_name = _("政策版本")
        verbose_name_plural = _("政策版本")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class IncomeRange(models.Model):
    """纳入监测对象的收入参考范围: per-capita income up to ``line`` for one year."""

    class Basis(models.TextChoices):
        FIXED = "fixed_yuan", _("固定金额")
        NATIONAL_LINE = "multiple_of_national_line", _("国家扶贫标准的倍数")
        DIBAO = "multiple_of_dibao", _("农村低保标准的倍数")

    class Concept(models.TextChoices):
        NET = "net", _("人均纯收入")
        DISPOSABLE = "disposable", _("人均可支配收入")

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="ranges")
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    line = models.DecimalField(
        _("监测范围上限（元/人·年）"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(1)), MaxValueValidator(Decimal(1_000_000))],
    )
    basis = models.CharField(
        _("确定方式"), max_length=30, choices=Basis.choices, default=Basis.FIXED
    )
    multiple = models.DecimalField(_("倍数"), max_digits=5, decimal_places=2, null=True, blank=True)
    base_line = models.DecimalField(
        _("基准线（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    income_concept = models.CharField(
        _("收入口径"), max_length=12, choices=Concept.choices, default=Concept.NET
    )
    confirmed = models.BooleanField(_("已核实"), default=False)
    source = models.CharField(_("来源"), max_length=500)

    class Meta:
        ordering = ["version", "year"]
        verbose_name = _("收入监测范围")
        verbose_name_plural = _("收入监测范围")
        constraints = [
            models.UniqueConstraint(fields=["version", "year"], name="policy_range_once_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.version.code} {self.year} {self.line}"

"""Department datasets, the rule catalogue's versions, screening runs and their clues
(INTERFACES section 3). The engine in :mod:`villageaid.screening.engine` is pure; these
rows record what it was given and what it found."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from villageaid.core.models import Area
from villageaid.registry.models import Household
from villageaid.screening.engine.datasets import DEPARTMENT

DATASET_CHOICES = [(d.name, d.name) for d in DEPARTMENT]


class DepartmentDataset(models.Model):
    """One uploaded department file (INTERFACES 3.1), validated before it is stored."""

    name = models.CharField(_("数据集"), max_length=40, choices=DATASET_CHOICES)
    period_start = models.DateField(_("数据起始日"))
    period_end = models.DateField(_("数据截止日"))
    upload = models.FileField(upload_to="screening/datasets/%Y/%m/")
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    row_count = models.PositiveIntegerField(default=0)
    bad_id_count = models.PositiveIntegerField(default=0)
    bad_ids = models.JSONField(default=list, blank=True, help_text=_("已脱敏"))
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(max_length=255, db_index=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("部门数据")
        verbose_name_plural = _("部门数据")

    def __str__(self) -> str:
        return f"{self.name} {self.period_start}–{self.period_end}"


class CatalogueVersion(models.Model):
    """The rule catalogue for one province and year. Rows are never edited: every change
    is a new row; the newest row per (province, year) is in force."""

    province = models.CharField(_("省份代码"), max_length=2)
    year = models.PositiveSmallIntegerField(_("年度"))
    overrides = models.JSONField(default=dict, blank=True)
    enabled_rules = models.JSONField(default=list, blank=True)
    version = models.CharField(_("版本"), max_length=64, db_index=True)
    note = models.CharField(max_length=255, blank=True)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(max_length=255, db_index=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("规则目录版本")
        verbose_name_plural = _("规则目录版本")

    def __str__(self) -> str:
        return f"{self.province} {self.year} {self.version[:12]}"


class ScreeningRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    as_of = models.DateField(_("筛查日期"))
    engine = models.CharField(max_length=10, default="duckdb")
    catalogue = models.ForeignKey(
        CatalogueVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="runs"
    )
    catalogue_version = models.CharField(max_length=64, blank=True)
    datasets = models.ManyToManyField(DepartmentDataset, blank=True, related_name="runs")
    checksums = models.JSONField(default=dict, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    skipped = models.JSONField(default=dict, blank=True)
    bad_id_counts = models.JSONField(default=dict, blank=True)
    # Record linkage of the rows without a clean ID (screening.linkage.LinkStats): rows,
    # clean, upgraded, linked, unmatched.
    linkage = models.JSONField(_("记录匹配"), default=dict, blank=True)
    clue_count = models.PositiveIntegerField(default=0)
    pushed_count = models.PositiveIntegerField(default=0)
    duration_seconds = models.FloatField(default=0)
    peak_memory_bytes = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    message = models.TextField(blank=True)
    push = models.BooleanField(default=True)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(max_length=255, db_index=True, editable=False)
    job = models.ForeignKey(
        "core.JobProgress", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("筛查批次")
        verbose_name_plural = _("筛查批次")

    def __str__(self) -> str:
        return f"{self.as_of} #{self.pk}"


class Clue(models.Model):
    """One (rule, household) finding pushed to the household's village.

    The cases app links to a clue (its ``Case`` holds the foreign key); ``case_id`` is
    a plain hook it may fill so that a clue list can show "case opened" without a join
    across apps.
    """

    class Status(models.TextChoices):
        NEW = "new", _("新线索")
        OPEN = "open", _("核实中")
        DECIDED = "decided", _("已研判")
        DISMISSED = "dismissed", _("已排除")

    class Link(models.TextChoices):
        """Whether the clue rests on department rows matched by record linkage (rows
        without a clean ID): such a clue opens a case only once a cadre confirmed it."""

        NONE = "", _("证件号码直接匹配")
        PENDING = "pending", _("待村干部确认匹配")
        CONFIRMED = "confirmed", _("村干部已确认匹配")
        REJECTED = "rejected", _("村干部已否认匹配")

    ACTIVE = (Status.NEW, Status.OPEN, Status.DECIDED)

    run = models.ForeignKey(ScreeningRun, on_delete=models.CASCADE, related_name="clues")
    rule_code = models.CharField(_("规则"), max_length=8)
    kind = models.CharField(max_length=10)
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="clues")
    area_path = models.CharField(max_length=255, db_index=True, editable=False)
    risk_type = models.CharField(_("风险类型"), max_length=20, blank=True)
    severity = models.CharField(_("等级"), max_length=10)
    evidence = models.JSONField(default=list, help_text=_("证件号码已脱敏"))
    fingerprint = models.CharField(max_length=64, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    case_id = models.BigIntegerField(null=True, blank=True, help_text=_("由监测帮扶模块填写"))
    link_status = models.CharField(
        _("记录匹配"), max_length=10, choices=Link.choices, blank=True, default=Link.NONE
    )
    # One item per linked department row the evidence rests on: person (masked ID),
    # source, date, kind, probability, weight and the agreed fields (linkage.AGREED_LABELS).
    linkage = models.JSONField(_("匹配依据"), default=list, blank=True)
    link_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    link_decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "rule_code", "pk"]
        verbose_name = _("线索")
        verbose_name_plural = _("线索")
        indexes = [models.Index(fields=["rule_code", "household", "fingerprint"])]

    def __str__(self) -> str:
        return f"{self.rule_code} {self.household_id}"

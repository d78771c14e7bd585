"""Households and people of the registry (INTERFACES 2.1), their income and
the two-no-worries-three-guarantees and drinking-water status."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from villageaid.core.fields import PathField
from villageaid.core.models import Area
from villageaid.core.pii import EncryptedIdNumber
from villageaid.registry import labels


def _choices(table: dict[str, str]) -> list[tuple[str, str]]:
    return list(table.items())


class Household(models.Model):
    code = models.CharField(_("户编号"), max_length=32, unique=True)
    village = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="households", verbose_name=_("行政村")
    )
    grid = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("网格"),
    )
    area_path = PathField(
        max_length=255, editable=False, help_text=_("网格或村的路径，用于按区域授权")
    )
    household_type = models.CharField(
        _("户类型"),
        max_length=10,
        choices=_choices(labels.HOUSEHOLD_TYPE_LABELS),
        default="general",
    )
    monitoring_status = models.CharField(
        _("监测状态"),
        max_length=12,
        choices=_choices(labels.MONITORING_STATUS_LABELS),
        default="none",
    )
    monitoring_category = models.CharField(
        _("监测对象类别"),
        max_length=10,
        blank=True,
        choices=_choices(labels.MONITORING_CATEGORY_LABELS),
    )
    risk_types = models.CharField(
        _("风险类型"), max_length=200, blank=True, help_text=_("以;分隔的代码")
    )
    net_income_12m = models.DecimalField(
        _("家庭年纯收入"), max_digits=12, decimal_places=2, default=Decimal(0)
    )
    phone = models.CharField(_("联系电话"), max_length=11, blank=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    group_name = models.CharField(_("村民小组"), max_length=50, blank=True)
    # The head's name, kept by the registry's services (names.heads_refresh) so that every list
    # naming a household reads it with the household row, without a query per row.
    head_name = models.CharField(_("户主"), max_length=50, blank=True, editable=False)
    # 两不愁三保障 and drinking water
    food_clothing_ok = models.BooleanField(_("不愁吃不愁穿"), default=True)
    education_ok = models.BooleanField(_("义务教育有保障"), default=True)
    medical_ok = models.BooleanField(_("基本医疗有保障"), default=True)
    housing_grade = models.CharField(
        _("住房安全等级"), max_length=1, blank=True, choices=[(g, g) for g in "ABCD"]
    )
    water_quantity_ok = models.BooleanField(_("水量达标"), default=True)
    water_quality_ok = models.BooleanField(_("水质达标"), default=True)
    water_access_ok = models.BooleanField(_("取水方便"), default=True)
    water_assurance_ok = models.BooleanField(_("供水保证率达标"), default=True)
    water_standard = models.CharField(
        _("饮水标准"), max_length=4, default="2019", choices=[("2004", "2004"), ("2019", "2019")]
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "head_name"])

    class Meta:
        ordering = ["code"]
        verbose_name = _("农户")
        verbose_name_plural = _("农户")
        indexes = [
            models.Index(fields=["village", "household_type", "monitoring_status"]),
            # Scoped lists in selectors.LIST_ORDER: the subtree is a range of this index and the
            # first page is read in index order, without sorting the subtree (see PathField).
            models.Index(fields=["area_path", "code"], name="household_scope_order"),
            # The same for the two filters every level uses; their counts are index-only.
            models.Index(
                fields=["household_type", "area_path", "code"], name="household_type_scope"
            ),
            models.Index(
                fields=["monitoring_status", "area_path", "code"], name="household_status_scope"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """How a household is named on a page: its head and group, 张三户（二组）."""
        from villageaid.registry import names

        return names.household_name(self)

    def place(self) -> Area:
        """The most specific area the household lies in: its grid, else its village."""
        return self.grid or self.village

    @property
    def risk_type_list(self) -> list[str]:
        return [r for r in self.risk_types.split(";") if r]

    @property
    def risk_types_display(self) -> str:
        return labels.risk_types_label(self.risk_types)

    @property
    def is_covered(self) -> bool:
        return self.household_type == "tuopin" or self.monitoring_status == "monitored"

    @property
    def housing_safe(self) -> bool:
        return self.housing_grade in {"", "A", "B"}

    @property
    def water_ok(self) -> bool:
        return all(
            (
                self.water_quantity_ok,
                self.water_quality_ok,
                self.water_access_ok,
                self.water_assurance_ok,
            )
        )

    @property
    def guarantee_problems(self) -> list[str]:
        checks = [
            (self.food_clothing_ok, "吃穿"),
            (self.education_ok, "义务教育"),
            (self.medical_ok, "基本医疗"),
            (self.housing_safe, "住房安全"),
            (self.water_ok, "饮水安全"),
        ]
        return [name for ok, name in checks if not ok]


class Person(EncryptedIdNumber):
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="members", verbose_name=_("户")
    )
    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    relationship = models.CharField(
        _("与户主关系"), max_length=2, choices=_choices(labels.RELATIONSHIP_LABELS)
    )
    sex = models.CharField(_("性别"), max_length=1, choices=_choices(labels.SEX_LABELS))
    birth_date = models.DateField(_("出生日期"))
    health = models.CharField(
        _("健康状况"), max_length=10, choices=_choices(labels.HEALTH_LABELS), default="healthy"
    )
    labour = models.CharField(
        _("劳动技能"), max_length=10, choices=_choices(labels.LABOUR_LABELS), default="normal"
    )
    school_stage = models.CharField(
        _("在校生状况"), max_length=14, blank=True, choices=_choices(labels.SCHOOL_STAGE_LABELS)
    )
    medical_insurance = models.BooleanField(_("参加城乡居民基本医疗保险"), default=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=_choices(labels.PERSON_STATUS_LABELS), default="active"
    )
    disability_certificate = models.CharField(_("残疾证号"), max_length=40, blank=True)
    # The unique constraint below is the index of exact ID lookups; the base class's plain
    # and pattern indexes would only slow every insert of a roster import.
    id_hash = models.CharField(max_length=64, editable=False)
    history = HistoricalRecords(excluded_fields=["id_cipher", "id_hash"])

    class Meta:
        ordering = ["household", "relationship", "birth_date"]
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        constraints = [models.UniqueConstraint(fields=["id_hash"], name="person_unique_id_number")]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_masked}）"


class IncomeRecord(models.Model):
    """Income by component over the 12 months ending on ``period_end`` (R-INC-1)."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="incomes")
    period_end = models.DateField(_("统计截止日"))
    wage = models.DecimalField(_("工资性收入"), max_digits=12, decimal_places=2, default=Decimal(0))
    business = models.DecimalField(
        _("生产经营性收入"), max_digits=12, decimal_places=2, default=Decimal(0)
    )
    property_income = models.DecimalField(
        _("财产性收入"), max_digits=12, decimal_places=2, default=Decimal(0)
    )
    transfer = models.DecimalField(
        _("转移性收入"), max_digits=12, decimal_places=2, default=Decimal(0)
    )
    production_costs = models.DecimalField(
        _("生产经营性支出"), max_digits=12, decimal_places=2, default=Decimal(0)
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "period_end"], name="income_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.period_end}"

    @property
    def net_income(self) -> Decimal:
        return (
            self.wage + self.business + self.property_income + self.transfer - self.production_costs
        )


class RosterImport(models.Model):
    """One roster upload or CLI import: staged, validated, then committed or rejected."""

    class Status(models.TextChoices):
        STAGED = "staged", _("已上传")
        REJECTED = "rejected", _("有错误")
        VALIDATED = "validated", _("待提交")
        COMMITTED = "committed", _("已导入")
        FAILED = "failed", _("失败")

    filename = models.CharField(max_length=255)
    upload = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    village = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.STAGED)
    counts = models.JSONField(default=dict, blank=True)
    rejections = models.JSONField(
        default=list, blank=True, help_text=_("行、列、原因；证件号码已脱敏")
    )
    message = models.TextField(blank=True)
    job = models.ForeignKey(
        "core.JobProgress", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename


class HouseholdTransfer(models.Model):
    """A household's move to another village (户籍迁移): requested by the receiving village,
    approved by the township of each village (once when both lie in the same township), then
    the household moves, with its history. A roster import never moves a household."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审批")
        MOVED = "moved", _("已迁入")
        REJECTED = "rejected", _("已驳回")

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="transfers", verbose_name=_("户")
    )
    from_village = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("迁出村")
    )
    to_village = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("迁入村")
    )
    reason = models.CharField(_("迁移原因"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    from_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_approved_at = models.DateTimeField(null=True, blank=True)
    to_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_approved_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.CharField(_("驳回原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("户迁移")
        verbose_name_plural = _("户迁移")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(status="pending"),
                name="one_pending_transfer_per_household",
            )
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.from_village_id}→{self.to_village_id}"


class HouseholdFigure(models.Model):
    """A dated, sourced fact the chain learned about a household: a verified income, a
    visit's answers, a measure's effect. The current value of a kind is the most trusted
    source's latest (see ``registry.figures``); other sources that disagree are shown as a
    conflict, never silently overwritten."""

    class Source(models.TextChoices):
        VERIFICATION = "verification", _("入户核实")
        MEASURE = "measure", _("帮扶措施")
        VISIT = "visit", _("走访")
        ROSTER = "roster", _("名册导入")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="figures")
    kind = models.CharField(_("项目"), max_length=20)
    value = models.DecimalField(_("数值"), max_digits=12, decimal_places=2)
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices)
    source_ref = models.CharField(_("来源记录"), max_length=64, blank=True)
    as_of = models.DateField(_("日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["household", "kind", "-as_of", "-pk"]
        indexes = [models.Index(fields=["household", "kind", "as_of"])]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "kind", "source", "source_ref"], name="figure_once_per_record"
            )
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.kind}={self.value} ({self.source} {self.as_of})"

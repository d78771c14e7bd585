"""Helper pairing, visit plans and records, self-assessment campaigns and the
party members' condolence visits, points and village records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from villageaid.core import bounds
from villageaid.core.models import Area
from villageaid.registry.models import Household, Person

USER = settings.AUTH_USER_MODEL


class HelperAssignment(models.Model):
    """A helper (帮扶责任人) paired with a household; a reassignment closes the row."""

    helper = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="helper_assignments")
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="helper_assignments"
    )
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    reason = models.CharField(_("结对原因"), max_length=200, blank=True)
    end_reason = models.CharField(_("调整原因"), max_length=200, blank=True)
    assigned_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    area_path = models.CharField(max_length=255, db_index=True, editable=False)

    class Meta:
        ordering = ["household", "-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(ended_on__isnull=True),
                name="visits_one_current_helper",
            )
        ]

    def __str__(self) -> str:
        return f"{self.helper_id} → {self.household_id}"


class VisitRule(models.Model):
    """How often households are visited in an area (the most specific area wins)."""

    area = models.OneToOneField(Area, on_delete=models.CASCADE, related_name="+")
    monitored_months = models.PositiveSmallIntegerField(
        _("监测户走访间隔（月）"), default=1, validators=bounds.MONTHS.validators()
    )
    other_months = models.PositiveSmallIntegerField(
        _("其他户走访间隔（月）"), default=3, validators=bounds.MONTHS.validators()
    )
    area_path = models.CharField(max_length=255, db_index=True, editable=False)

    def __str__(self) -> str:
        return f"{self.area_id}: {self.monitored_months}/{self.other_months}"


MUST_VISIT_LABELS = {
    "income": "收入偏低或骤减",
    "illness": "大病或慢性病",
    "tekun": "分散供养特困",
    "dibao": "低保",
    "disability": "残疾",
    "education": "子女非义务教育阶段就学",
    "employment": "务工收入不稳",
    "migrant": "务工收入占比高且不稳",
    "disaster": "遭受重大变故或灾害",
    "monitored": "监测对象",
}


class DueVisit(models.Model):
    class Status(models.TextChoices):
        DUE = "due", _("待走访")
        DONE = "done", _("已走访")
        OVERDUE = "overdue", _("已逾期")
        UNREACHABLE = "unreachable", _("未见到")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="due_visits")
    due_on = models.DateField(_("应访日期"), db_index=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DUE)
    reasons = models.CharField(_("必访原因"), max_length=200, blank=True)
    visit = models.ForeignKey(
        "Visit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    area_path = models.CharField(max_length=255, db_index=True, editable=False)

    class Meta:
        ordering = ["due_on", "household"]
        constraints = [
            models.UniqueConstraint(fields=["household", "due_on"], name="visits_due_once")
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.due_on} {self.status}"

    @property
    def reasons_list(self) -> list[str]:
        return [MUST_VISIT_LABELS.get(r, r) for r in self.reasons.split(";") if r]


INCOME_CHANGE_CHOICES = [
    ("up", _("增加")),
    ("same", _("基本持平")),
    ("down", _("减少")),
    ("sharp", _("大幅减少")),
]


class Visit(models.Model):
    """One visit to a household, recorded on a phone."""

    class Outcome(models.TextChoices):
        MET = "met", _("见到农户")
        UNREACHABLE = "unreachable", _("未见到")

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="visits")
    visitor = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    visited_at = models.DateTimeField(
        _("走访时间"), db_index=True, validators=[bounds.check_past_datetime]
    )
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.MET)
    members_met = models.ManyToManyField(Person, blank=True, related_name="+")
    checklist = models.JSONField(_("检查项"), default=dict, blank=True)
    income_change = models.CharField(
        _("收入变化"), max_length=8, blank=True, choices=INCOME_CHANGE_CHOICES
    )
    answers = models.JSONField(_("走访回答"), default=dict, blank=True)
    needs = models.TextField(_("困难和需求"), blank=True)
    suggestions = models.TextField(_("意见建议"), blank=True)
    photo = models.FileField(_("照片"), upload_to="visits/photos/%Y/%m/", blank=True)
    signature = models.FileField(_("农户签字"), upload_to="visits/signatures/%Y/%m/", blank=True)
    latitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=bounds.LATITUDE.validators(),
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=bounds.LONGITUDE.validators(),
    )
    tuopin_verified = models.BooleanField(_("脱贫户核实"), default=False)
    campaign = models.ForeignKey(
        "Campaign", null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    area_path = models.CharField(max_length=255, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_at"]

    def __str__(self) -> str:
        return f"{self.household_id} {self.visited_at:%Y-%m-%d}"


class VisitReport(models.Model):
    """A difficulty a visit reports to the cadres; the cases app opens a case from it."""

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        TAKEN = "taken", _("已立案")

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    risk_type = models.CharField(_("风险类型"), max_length=20, blank=True)
    description = models.TextField(_("困难情况"))
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    case_ref = models.CharField(max_length=64, blank=True)
    reported_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_at = models.DateTimeField(auto_now_add=True)
    area_path = models.CharField(max_length=255, db_index=True, editable=False)

    class Meta:
        ordering = ["-reported_at"]

    def __str__(self) -> str:
        return f"{self.household_id}: {self.description[:30]}"


CHECKLIST: dict[str, str] = {
    "food": "不愁吃",
    "clothing": "不愁穿",
    "education": "义务教育有保障",
    "medical": "基本医疗有保障",
    "housing": "住房安全有保障",
    "water": "饮水安全",
    "policies": "行业扶贫政策落实",
    "duties": "帮扶责任落实",
    "satisfaction": "群众满意",
}
COUNT_LABELS: dict[str, Any] = {
    "working_members": _("务工就业人数"),
    "ill_members": _("患病人数"),
    "pupils": _("在校生人数"),
}
ANSWER_LABELS: dict[str, str] = {"yes": "是", "no": "否", "na": "不适用"}
METHODS: dict[str, str] = {
    "survey": "入户调查",
    "onsite": "现场核查",
    "comparison": "数据比对",
    "third_party": "第三方评估",
}


class Campaign(models.Model):
    """A self-assessment campaign (自查评估) over villages and a period."""

    name = models.CharField(_("名称"), max_length=100)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    villages = models.ManyToManyField(Area, related_name="+")
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    checklist = models.JSONField(default=list, blank=True)
    methods = models.JSONField(default=list, blank=True)
    screening_run = models.CharField(_("数据比对批次"), max_length=64, blank=True)
    sample_size = models.PositiveIntegerField(_("抽样户数"), default=0)
    sample_rate = models.PositiveSmallIntegerField(
        _("抽样比例（%）"), null=True, blank=True, validators=bounds.SAMPLE_RATE.validators()
    )
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sample_seed = models.CharField(_("抽样种子"), max_length=64, blank=True)
    assessors: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        USER, blank=True, related_name="+"
    )
    area_path = models.CharField(max_length=255, db_index=True, editable=False)

    class Meta:
        ordering = ["-start"]

    def __str__(self) -> str:
        return self.name


class CampaignSample(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="samples")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["campaign", "position"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "household"], name="visits_sample_once")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}#{self.position}: {self.household_id}"


class Finding(models.Model):
    """A campaign finding: a suspected problem (疑似问题) or a marginal household found."""

    class Kind(models.TextChoices):
        SUSPECTED = "suspected", _("疑似问题")
        MARGINAL = "marginal", _("边缘户")

    class Status(models.TextChoices):
        OPEN = "open", _("待整改")
        RECTIFYING = "rectifying", _("整改中")
        RECTIFIED = "rectified", _("已整改")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="findings")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    description = models.TextField(_("情况"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    rectification = models.TextField(_("整改措施"), blank=True)
    rectified_on = models.DateField(null=True, blank=True)
    found_on = models.DateField(_("发现日期"), default=dt.date.today)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    area_path = models.CharField(max_length=255, db_index=True, editable=False)

    class Meta:
        ordering = ["campaign", "kind", "household"]

    def __str__(self) -> str:
        return f"{self.kind} {self.household_id}"


class PartyMember(models.Model):
    name = models.CharField(_("姓名"), max_length=50)
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    birth_date = models.DateField(_("出生日期"))
    joined_on = models.DateField(_("入党日期"), null=True, blank=True)
    area_path = models.CharField(max_length=255, db_index=True, editable=False)

    class Meta:
        ordering = ["village", "name"]

    def __str__(self) -> str:
        return self.name

    def age_on(self, day: dt.date) -> int:
        before = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before


class CondolenceVisit(models.Model):
    """A visit to an elderly or hardship party member (走访慰问)."""

    member = models.ForeignKey(
        PartyMember, null=True, blank=True, on_delete=models.PROTECT, related_name="condolences"
    )
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="condolences"
    )
    visited_on = models.DateField(_("慰问日期"), validators=[bounds.check_past_date])
    occasion = models.CharField(_("事由"), max_length=50, blank=True)
    visitor = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    visitors = models.CharField(_("慰问人员"), max_length=200, blank=True)
    cash_yuan = models.DecimalField(
        _("慰问金（元）"),
        max_digits=10,
        decimal_places=2,
        default=Decimal(0),
        validators=bounds.ITEM_VALUE.validators(),
    )
    note = models.CharField(max_length=200, blank=True)
    area_path = models.CharField(max_length=255, db_index=True, editable=False)

    class Meta:
        ordering = ["-visited_on"]

    def __str__(self) -> str:
        return f"{self.member_id} {self.visited_on}"


class GoodsLine(models.Model):
    """One line of the goods ledger of a condolence visit."""

    visit = models.ForeignKey(CondolenceVisit, on_delete=models.CASCADE, related_name="goods")
    item = models.CharField(_("物品"), max_length=50)
    quantity = models.DecimalField(
        max_digits=10, decimal_places=2, validators=bounds.GIFT_QUANTITY.validators()
    )
    unit = models.CharField(_("单位"), max_length=10)
    value_yuan = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=Decimal(0),
        validators=bounds.ITEM_VALUE.validators(),
    )

    def __str__(self) -> str:
        return f"{self.item} {self.quantity}{self.unit}"


class PointRule(models.Model):
    """A configurable credit-and-points rule (信用+积分); blank area = everywhere."""

    code = models.CharField(max_length=32)
    name = models.CharField(_("名称"), max_length=100)
    points = models.IntegerField(_("分值"), validators=bounds.POINTS.validators())
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.points:+d})"


class PointEntry(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已审核")
        REJECTED = "rejected", _("未通过")

    member = models.ForeignKey(PartyMember, on_delete=models.CASCADE, related_name="points")
    rule = models.ForeignKey(PointRule, null=True, blank=True, on_delete=models.SET_NULL)
    points = models.IntegerField(validators=bounds.POINTS.validators())
    reason = models.CharField(_("事由"), max_length=200)
    on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_reason = models.CharField(_("审核意见"), max_length=200, blank=True)
    area_path = models.CharField(max_length=255, db_index=True, editable=False)

    class Meta:
        ordering = ["-on"]

    def __str__(self) -> str:
        return f"{self.member_id} {self.points:+d}"


class VillageRecord(models.Model):
    """Village rules (村规民约) and study tours (参观学习) as simple records."""

    class Kind(models.TextChoices):
        RULES = "rules", _("村规民约")
        TOUR = "tour", _("参观学习")

    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    on = models.DateField()
    text = models.TextField(blank=True)
    participants = models.PositiveIntegerField(default=0)
    area_path = models.CharField(max_length=255, db_index=True, editable=False)

    class Meta:
        ordering = ["-on"]

    def __str__(self) -> str:
        return self.title

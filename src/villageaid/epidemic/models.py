"""The village gate in an epidemic: checkpoints and road closures, the passage
log, the park's worker registry with twice-daily temperature rounds and shifts,
the disinfection log, supplies, case records, alerts, and data retention.

Every row carries ``area_path`` copied from its village's ``Area.path`` so
``core.access`` can scope it. Health and whereabouts data (passages,
temperature rounds, case names) are purged after their retention period; the
anonymous :class:`DailyGateCount` keeps the gate's figures.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from villageaid.core import bounds
from villageaid.core.models import Area
from villageaid.core.pii import EncryptedIdNumber

FEVER = Decimal("37.3")  # °C: at or above is fever (checkpoint six-step rule)

# The notice shown where health data is collected; its version is stored on each
# health record so we know what the person was told.
NOTICE_VERSION = "2020-01-v1"
NOTICE_TEXT = _(
    "疫情防控需要：登记体温、进出方向及（外来人员的）姓名电话，仅用于本村防疫，"
    "不作他用，保存期满后自动删除，只保留匿名统计。"
)


class Round(models.TextChoices):
    AM = "am", _("上午")
    PM = "pm", _("下午")


class VillageScoped(models.Model):
    """A row belonging to one village, scoped by the village's path."""

    village = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("行政村")
    )
    area_path = models.CharField(max_length=255, db_index=True, editable=False)

    class Meta:
        abstract = True


class Checkpoint(VillageScoped):
    name = models.CharField(_("卡口名称"), max_length=100)
    location = models.CharField(_("位置"), max_length=200, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["area_path", "name"]
        verbose_name = _("卡口")
        verbose_name_plural = _("卡口")

    def __str__(self) -> str:
        return self.name


class RoadClosure(VillageScoped):
    road = models.CharField(_("道路"), max_length=200)
    blocked_by = models.CharField(_("封堵方式"), max_length=200, help_text=_("如：2台铲车"))
    since = models.DateField(_("封闭起始"))
    until = models.DateField(_("解除日期"), null=True, blank=True)

    class Meta:
        ordering = ["since", "road"]
        verbose_name = _("道路封闭")
        verbose_name_plural = _("道路封闭")

    def __str__(self) -> str:
        return self.road


class GuardShift(VillageScoped):
    """The duty roster: who guards which checkpoint when."""

    checkpoint = models.ForeignKey(
        Checkpoint, on_delete=models.CASCADE, related_name="shifts", verbose_name=_("卡口")
    )
    guard = models.CharField(_("值守人员"), max_length=50)
    starts_at = models.DateTimeField(_("开始"))
    ends_at = models.DateTimeField(_("结束"))

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("值守排班")
        verbose_name_plural = _("值守排班")

    def __str__(self) -> str:
        return f"{self.guard} {self.starts_at:%m-%d %H:%M}"


class Passage(VillageScoped, EncryptedIdNumber):
    """One person or vehicle through a checkpoint. Minimal fields: villagers
    are not named; outsiders give a name and phone. ID numbers, when recorded,
    are encrypted (``id_*`` from :class:`EncryptedIdNumber`, empty otherwise)."""

    class Kind(models.TextChoices):
        PERSON = "person", _("人员")
        VEHICLE = "vehicle", _("车辆")

    class Party(models.TextChoices):
        VILLAGER = "villager", _("本村")
        OUTSIDER = "outsider", _("外来")

    class Direction(models.TextChoices):
        IN = "in", _("进")
        OUT = "out", _("出")

    class Decision(models.TextChoices):
        ADMITTED = "admitted", _("放行")
        REFUSED = "refused", _("禁止进入")

    class CodeColour(models.TextChoices):
        GREEN = "green", _("绿码")
        YELLOW = "yellow", _("黄码")
        RED = "red", _("红码")

    class Exemption(models.TextChoices):
        """Why a non-resident may enter a closed village."""

        SUPPLIES = "supplies", _("保供物资配送")
        MEDICAL = "medical", _("就医送医")
        DUTY = "duty", _("公务（防疫、执法）")
        UTILITY = "utility", _("水电通信抢修")

    checkpoint = models.ForeignKey(
        Checkpoint, on_delete=models.PROTECT, related_name="passages", verbose_name=_("卡口")
    )
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    day = models.DateField(_("日期"), db_index=True)
    kind = models.CharField(_("类别"), max_length=8, choices=Kind.choices, default=Kind.PERSON)
    party = models.CharField(_("身份"), max_length=8, choices=Party.choices)
    direction = models.CharField(_("方向"), max_length=3, choices=Direction.choices)
    temperature = models.DecimalField(
        _("体温（℃）"),
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=bounds.BODY_TEMPERATURE.validators(),
    )
    decision = models.CharField(_("结果"), max_length=8, choices=Decision.choices)
    travel_history = models.CharField(_("旅居史"), max_length=200, blank=True)
    health_code = models.CharField(
        _("健康码"), max_length=6, choices=CodeColour.choices, blank=True
    )
    plate = models.CharField(_("车牌"), max_length=16, blank=True)
    vehicle_disinfected = models.BooleanField(_("车辆已消毒"), default=False)
    name = models.CharField(_("姓名（外来人员）"), max_length=50, blank=True)
    phone = models.CharField(_("电话（外来人员）"), max_length=11, blank=True)
    closure = models.ForeignKey(
        "VillageClosure",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="passages",
        verbose_name=_("封村期间"),
    )
    closure_exception = models.CharField(
        _("封村例外事由"), max_length=10, choices=Exemption.choices, blank=True
    )
    notice_version = models.CharField(max_length=20, default=NOTICE_VERSION, editable=False)
    client_token = models.CharField(
        max_length=40, null=True, blank=True, unique=True, editable=False
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["checkpoint", "day"])]
        verbose_name = _("进出登记")
        verbose_name_plural = _("进出登记")

    def __str__(self) -> str:
        return f"{self.checkpoint_id} {self.at:%m-%d %H:%M} {self.direction}"

    @property
    def fever(self) -> bool:
        return self.temperature is not None and self.temperature >= FEVER

    @property
    def refused_as_closed(self) -> bool:
        """Refused only because the village is closed to non-residents."""
        return (
            self.decision == self.Decision.REFUSED
            and self.closure_id is not None
            and not self.fever
            and self.health_code != self.CodeColour.RED
        )


class VillageClosure(VillageScoped):
    """Closed-village mode (封村): while open (no ``ended_at``), the village's gates admit
    residents only; a non-resident enters only with a recorded exception. Switched on and
    off by the village cadre or the township, each switch audited."""

    reason = models.CharField(_("封村原因"), max_length=200)
    starts_at = models.DateTimeField(_("开始时间"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    end_note = models.CharField(_("解除说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["village"],
                condition=models.Q(ended_at__isnull=True),
                name="epidemic_one_open_closure",
            )
        ]
        verbose_name = _("封村")
        verbose_name_plural = _("封村")

    def __str__(self) -> str:
        return f"{self.village_id} {self.starts_at:%Y-%m-%d}"


class Symptom(models.TextChoices):
    COUGH = "cough", _("咳嗽")
    SORE_THROAT = "sore_throat", _("咽痛")
    FATIGUE = "fatigue", _("乏力")
    DIARRHOEA = "diarrhoea", _("腹泻")
    BREATH = "breath", _("呼吸困难")
    SMELL = "smell", _("嗅觉味觉减退")


class Returnee(VillageScoped, EncryptedIdNumber):
    """A person back in the village, under observation for the days the policy version in
    force on the day of return sets (copied here with the version and its source, so a later
    version does not change a running observation). ID numbers are encrypted; pages show the
    masked copy only."""

    class Status(models.TextChoices):
        OBSERVING = "observing", _("观察中")
        RELEASED = "released", _("已解除")

    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("电话"), max_length=11, blank=True)
    origin = models.CharField(_("从何处返回"), max_length=100)
    arrived_on = models.DateField(_("返村日期"), validators=[bounds.check_past_date])
    observation_days = models.PositiveSmallIntegerField(_("观察天数"))
    policy_version = models.CharField(_("政策版本"), max_length=40)
    policy_source = models.CharField(_("依据"), max_length=500, blank=True)
    passage = models.ForeignKey(
        Passage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("卡口登记"),
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.OBSERVING
    )
    released_on = models.DateField(_("解除日期"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_at = models.DateTimeField(default=timezone.now, editable=False)
    notice_version = models.CharField(max_length=20, default=NOTICE_VERSION, editable=False)
    anonymised = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["status", "arrived_on", "pk"]
        verbose_name = _("返乡观察人员")
        verbose_name_plural = _("返乡观察人员")

    def __str__(self) -> str:
        return f"{self.pk} {self.arrived_on}"

    @property
    def ends_on(self) -> dt.date:
        """The first day after the observation: release is possible from this day."""
        return self.arrived_on + dt.timedelta(days=self.observation_days)

    def day_number(self, today: dt.date) -> int:
        """Which day of the observation ``today`` is (1 on the day of return)."""
        return (today - self.arrived_on).days + 1


class ReturneeCheck(VillageScoped):
    """One day's check of a returnee: temperature and symptoms (one per person per day;
    entering the day again corrects it)."""

    returnee = models.ForeignKey(
        Returnee, on_delete=models.CASCADE, related_name="checks", verbose_name=_("返乡人员")
    )
    date = models.DateField(_("日期"), validators=[bounds.check_past_date])
    temperature = models.DecimalField(
        _("体温（℃）"),
        max_digits=3,
        decimal_places=1,
        validators=bounds.BODY_TEMPERATURE.validators(),
    )
    symptoms = models.JSONField(_("症状"), default=list, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)
    notice_version = models.CharField(max_length=20, default=NOTICE_VERSION, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["returnee", "date"], name="epidemic_check_once")
        ]
        verbose_name = _("每日健康监测")
        verbose_name_plural = _("每日健康监测")

    def __str__(self) -> str:
        return f"{self.returnee_id} {self.date} {self.temperature}"

    @property
    def fever(self) -> bool:
        return self.temperature >= FEVER

    @property
    def unwell(self) -> bool:
        return self.fever or bool(self.symptoms)

    @property
    def symptom_labels(self) -> list[str]:
        return [str(Symptom(code).label) for code in self.symptoms if code in Symptom.values]


class DailyGateCount(VillageScoped):
    """Anonymous counts per checkpoint and day, written when passages are purged."""

    checkpoint = models.ForeignKey(
        Checkpoint, on_delete=models.PROTECT, related_name="daily_counts"
    )
    date = models.DateField(_("日期"))
    passages_in = models.PositiveIntegerField(default=0)
    passages_out = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    fevers = models.PositiveIntegerField(default=0)
    villagers = models.PositiveIntegerField(default=0)
    outsiders = models.PositiveIntegerField(default=0)
    vehicles = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["checkpoint", "date"], name="epidemic_count_once")
        ]

    def __str__(self) -> str:
        return f"{self.checkpoint_id} {self.date}"


class ParkWorker(VillageScoped):
    """A worker of the park; only eligible workers may be put on a shift."""

    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("电话"), max_length=11, blank=True)
    local_resident = models.BooleanField(_("本地居民"), default=False)
    no_outside_travel = models.BooleanField(_("无外出旅居史"), default=False)
    no_contact_history = models.BooleanField(_("无接触史"), default=False)
    attestation_signed = models.BooleanField(_("已签承诺书"), default=False)
    attestation_file = models.FileField(_("承诺书扫描件"), upload_to="epidemic/", blank=True)
    excluded = models.BooleanField(_("已停工"), default=False)
    excluded_reason = models.CharField(_("停工原因"), max_length=200, blank=True)
    excluded_at = models.DateTimeField(null=True, blank=True)
    notice_version = models.CharField(max_length=20, default=NOTICE_VERSION, editable=False)
    anonymised = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("园区工人")
        verbose_name_plural = _("园区工人")

    def __str__(self) -> str:
        return self.name

    @property
    def meets_conditions(self) -> bool:
        return all(
            (
                self.local_resident,
                self.no_outside_travel,
                self.no_contact_history,
                self.attestation_signed,
            )
        )

    @property
    def eligible(self) -> bool:
        return self.meets_conditions and not self.excluded


class TemperatureRound(VillageScoped):
    worker = models.ForeignKey(
        ParkWorker, on_delete=models.CASCADE, related_name="rounds", verbose_name=_("工人")
    )
    date = models.DateField(_("日期"), db_index=True)
    round = models.CharField(_("轮次"), max_length=2, choices=Round.choices)
    temperature = models.DecimalField(
        _("体温（℃）"),
        max_digits=3,
        decimal_places=1,
        validators=bounds.BODY_TEMPERATURE.validators(),
    )
    at = models.DateTimeField(default=timezone.now)
    notice_version = models.CharField(max_length=20, default=NOTICE_VERSION, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-date", "round"]
        constraints = [
            models.UniqueConstraint(fields=["worker", "date", "round"], name="epidemic_round_once")
        ]
        verbose_name = _("测温记录")
        verbose_name_plural = _("测温记录")

    def __str__(self) -> str:
        return f"{self.worker_id} {self.date} {self.round} {self.temperature}"

    @property
    def fever(self) -> bool:
        return self.temperature >= FEVER


class WorkShift(VillageScoped):
    """Who worked a half-day in the park, and the harvest of that shift."""

    date = models.DateField(_("日期"))
    round = models.CharField(_("班次"), max_length=2, choices=Round.choices)
    workers = models.ManyToManyField(ParkWorker, related_name="shifts", verbose_name=_("工人"))
    harvests = models.ManyToManyField(
        "greenhouse.Harvest", blank=True, related_name="epidemic_shifts", verbose_name=_("采收记录")
    )

    class Meta:
        ordering = ["-date", "round"]
        constraints = [
            models.UniqueConstraint(fields=["village", "date", "round"], name="epidemic_shift_once")
        ]
        verbose_name = _("作业班次")
        verbose_name_plural = _("作业班次")

    def __str__(self) -> str:
        return f"{self.date} {self.round}"


class DisinfectionLog(VillageScoped):
    class Phase(models.TextChoices):
        BEFORE = "before", _("作业前")
        AFTER = "after", _("作业后")

    place = models.CharField(_("消毒区域"), max_length=100)
    agent = models.CharField(_("消毒剂"), max_length=100)
    phase = models.CharField(_("时段"), max_length=6, choices=Phase.choices)
    done_by = models.CharField(_("消毒人"), max_length=50)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    day = models.DateField(_("日期"), db_index=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("消毒记录")
        verbose_name_plural = _("消毒记录")

    def __str__(self) -> str:
        return f"{self.place} {self.phase} {self.at:%m-%d %H:%M}"


class Item(models.TextChoices):
    MASK = "mask", _("医用口罩")
    DISINFECTANT = "disinfectant", _("消毒液")
    THERMOMETER = "thermometer", _("体温计")


class SupplyStock(VillageScoped):
    item = models.CharField(_("物资"), max_length=16, choices=Item.choices)
    quantity = models.PositiveIntegerField(_("库存"), default=0)

    class Meta:
        ordering = ["item"]
        constraints = [
            models.UniqueConstraint(fields=["village", "item"], name="epidemic_stock_once"),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0), name="epidemic_stock_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.quantity}"


class SupplyMovement(VillageScoped):
    """The ledger: a receipt (positive) or a hand-out (negative) of one item."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("入库")
        HANDOUT = "handout", _("发放")

    item = models.CharField(_("物资"), max_length=16, choices=Item.choices)
    kind = models.CharField(_("类别"), max_length=8, choices=Kind.choices)
    quantity = models.PositiveIntegerField(_("数量"), validators=bounds.ITEM_COUNT.validators())
    party = models.CharField(_("领取人或班组 / 来源"), max_length=100)
    is_team = models.BooleanField(_("班组"), default=False)
    by = models.CharField(_("经办人"), max_length=50, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    day = models.DateField(_("日期"), db_index=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("物资台账")
        verbose_name_plural = _("物资台账")

    def __str__(self) -> str:
        return f"{self.kind} {self.item} {self.quantity}"


class EpidemicCase(VillageScoped):
    class Status(models.TextChoices):
        SUSPECTED = "suspected", _("疑似")
        CONFIRMED = "confirmed", _("确诊")
        QUARANTINED = "quarantined", _("隔离")
        RELEASED = "released", _("解除")

    person_name = models.CharField(_("姓名"), max_length=50, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices)
    opened_on = models.DateField(_("登记日期"), validators=[bounds.check_past_date])
    confirmed_on = models.DateField(_("确诊日期"), null=True, blank=True)
    imported = models.BooleanField(_("输入性"), default=False)
    closed_on = models.DateField(_("解除日期"), null=True, blank=True)
    anonymised = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-opened_on"]
        verbose_name = _("病例")
        verbose_name_plural = _("病例")

    def __str__(self) -> str:
        return f"{self.status} {self.opened_on}"


class GateAlert(VillageScoped):
    class Kind(models.TextChoices):
        FEVER = "fever", _("卡口发热")
        WORKER_FEVER = "worker_fever", _("工人发热")
        MISSED_ROUND = "missed_round", _("漏测体温")
        DISINFECTION = "disinfection", _("未消毒")
        RETURNEE = "returnee", _("返乡人员异常")

    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    township = models.ForeignKey(
        Area, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("通知乡镇")
    )
    message = models.CharField(_("内容"), max_length=255)
    raised_at = models.DateTimeField(default=timezone.now, db_index=True)
    resolved = models.BooleanField(_("已处理"), default=False)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["resolved", "-raised_at"]
        verbose_name = _("卡口预警")
        verbose_name_plural = _("卡口预警")

    def __str__(self) -> str:
        return f"{self.kind} {self.message}"


class RetentionSetting(models.Model):
    """Days to keep each kind of personal health record (default
    ``EPIDEMIC_RETENTION_DAYS``, 28)."""

    class RecordType(models.TextChoices):
        PASSAGE = "passage", _("进出登记")
        TEMPERATURE_ROUND = "temperature_round", _("测温记录")
        CASE = "case", _("病例姓名")
        ALERT = "alert", _("预警")
        WORKER = "worker", _("园区工人（无近期测温或班次）")
        RETURNEE = "returnee", _("返乡观察人员（解除后）")

    record_type = models.CharField(max_length=20, choices=RecordType.choices, unique=True)
    days = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.record_type} {self.days}"


class PurgeLog(models.Model):
    at = models.DateTimeField(default=timezone.now)
    as_of = models.DateField()
    cutoffs = models.JSONField(default=dict)
    counts = models.JSONField(default=dict)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"purge {self.as_of}"

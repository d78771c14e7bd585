"""Greenhouse parks, houses (tunnels), their sensors and readings, and the
commands sent to actuators (INTERFACES 4)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from villageaid.core import bounds, units
from villageaid.core.models import Area


class Park(models.Model):
    """A group of houses run together; ``code`` is the ``<park>`` of MQTT topics."""

    code = models.SlugField(_("园区编号"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    village = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="greenhouse_parks", verbose_name=_("行政村")
    )
    area_path = models.CharField(
        max_length=255, db_index=True, editable=False, help_text=_("村的路径，用于按区域授权")
    )
    webhook_url = models.URLField(
        _("群机器人地址"), blank=True, help_text=_("企业微信或钉钉群机器人 webhook；留空则不推送")
    )
    out_of_band_minutes = models.PositiveIntegerField(_("超出范围报警（分钟）"), default=15)
    frost_c = models.FloatField(_("冻害下限（°C）"), default=2.0)
    heat_c = models.FloatField(_("高温上限（°C）"), default=22.0)

    class Meta:
        ordering = ["code"]
        verbose_name = _("园区")
        verbose_name_plural = _("园区")

    def __str__(self) -> str:
        return self.name


class House(models.Model):
    """One tunnel; ``code`` is the ``<house>`` of MQTT topics, unique within its park."""

    park = models.ForeignKey(
        Park, on_delete=models.CASCADE, related_name="houses", verbose_name=_("园区")
    )
    code = models.SlugField(_("大棚编号"), max_length=32)
    name = models.CharField(_("名称"), max_length=100, blank=True)
    length_m = models.FloatField(_("长度（米）"), default=60.0)
    width_m = models.FloatField(_("跨度（米）"), default=8.0)
    film_transmittance = models.FloatField(_("棚膜透光率"), default=0.8)
    shade_transmittance = models.FloatField(_("遮阳网透光率"), default=0.3)
    has_motors = models.BooleanField(_("电动卷膜"), default=False)

    class Meta:
        ordering = ["park", "code"]
        verbose_name = _("大棚")
        verbose_name_plural = _("大棚")
        constraints = [
            models.UniqueConstraint(fields=["park", "code"], name="house_code_unique_in_park")
        ]

    def __str__(self) -> str:
        return f"{self.park_id}/{self.code}"


class Sensor(models.Model):
    """One measurement in one house; ``device`` + ``source_key`` map a Tasmota or
    ESPHome device's value to it (``AM2301.Temperature``, or the ESPHome sensor name)."""

    house = models.ForeignKey(
        House, on_delete=models.CASCADE, related_name="sensors", verbose_name=_("大棚")
    )
    key = models.CharField(_("测量项"), max_length=32, help_text=_("air_temp、air_rh、co2 等"))
    unit = models.CharField(_("单位"), max_length=16, blank=True)
    position = models.CharField(_("位置"), max_length=32, blank=True)
    device = models.CharField(_("设备"), max_length=64, blank=True, db_index=True)
    source_key = models.CharField(_("设备内名称"), max_length=64, blank=True)
    current_value = models.FloatField(_("当前值"), null=True, blank=True)
    current_at = models.DateTimeField(_("当前值时间"), null=True, blank=True)
    # Readings refused because their time lay ahead of the server clock (a device clock
    # gone wrong): counted here for the technician, never stored.
    future_refused = models.PositiveIntegerField(_("拒收的超前读数"), default=0, editable=False)

    class Meta:
        ordering = ["house", "key", "position"]
        verbose_name = _("传感器")
        verbose_name_plural = _("传感器")
        constraints = [
            models.UniqueConstraint(
                fields=["house", "key", "position"], name="sensor_unique_in_house"
            ),
            models.UniqueConstraint(
                fields=["device", "source_key"],
                condition=~Q(device=""),
                name="sensor_unique_device_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.house} {self.key} {self.position}".strip()


class Reading(models.Model):
    """One measured value; the (sensor, ts) constraint drops QoS-1 redeliveries."""

    sensor = models.ForeignKey(Sensor, on_delete=models.CASCADE, related_name="readings")
    ts = models.DateTimeField()
    value = models.FloatField()

    class Meta:
        ordering = ["sensor", "ts"]
        constraints = [
            models.UniqueConstraint(fields=["sensor", "ts"], name="reading_once_per_sensor_ts")
        ]

    def __str__(self) -> str:
        return f"{self.sensor_id} {self.ts:%Y-%m-%d %H:%M:%S} {self.value}"


class Command(models.Model):
    """A command to an actuator, stored with its reason whether or not it was sent."""

    house = models.ForeignKey(House, on_delete=models.CASCADE, related_name="commands")
    actuator = models.CharField(_("执行器"), max_length=32)
    value = models.FloatField(_("设定值"))
    unit = models.CharField(_("单位"), max_length=16, blank=True)
    reason = models.CharField(_("原因"), max_length=255, blank=True)
    ts = models.DateTimeField(default=timezone.now, db_index=True)
    sent = models.BooleanField(_("已发送"), default=False)

    class Meta:
        ordering = ["-ts"]
        verbose_name = _("控制指令")
        verbose_name_plural = _("控制指令")

    def __str__(self) -> str:
        return f"{self.house_id} {self.actuator}={self.value}{self.unit}"


class Harvest(models.Model):
    """A day's pick from one house, by grade; weights are integer grams (shown in jin).
    Sales turns these into lots."""

    class Grade(models.TextChoices):
        A = "A", _("一级")
        B = "B", _("二级")
        C = "C", _("三级")

    house = models.ForeignKey(
        House, on_delete=models.PROTECT, related_name="harvests", verbose_name=_("大棚")
    )
    date = models.DateField(_("采收日期"), db_index=True, validators=[bounds.check_past_date])
    grade = models.CharField(_("等级"), max_length=1, choices=Grade.choices, default=Grade.A)
    grams = models.PositiveIntegerField(_("重量（克）"), validators=bounds.GRAMS.validators())
    picked_by = models.CharField(_("采摘人"), max_length=100, blank=True)
    note = models.CharField(_("备注"), max_length=255, blank=True)
    # Optional; JPEG/PNG/WebP of at most services.HARVEST_PHOTO_MAX_BYTES (checked there).
    photo = models.FileField(_("照片"), upload_to="greenhouse/harvests/%Y/", blank=True)
    area_path = models.CharField(
        max_length=255, db_index=True, editable=False, help_text=_("园区所在村的路径")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-date", "house"]
        verbose_name = _("采收记录")
        verbose_name_plural = _("采收记录")

    def __str__(self) -> str:
        return f"{self.house_id} {self.date} {self.grade} {self.grams}g"

    @property
    def jin(self) -> Decimal:
        return units.jin(self.grams)


class StageProfile(models.Model):
    """A park's band for one crop stage, seeded from :mod:`stages` and editable per park."""

    park = models.ForeignKey(
        Park, on_delete=models.CASCADE, related_name="stage_profiles", verbose_name=_("园区")
    )
    stage = models.CharField(_("生育期"), max_length=32)
    label = models.CharField(_("名称"), max_length=32)
    temp_min_c = models.FloatField(_("最低气温"), validators=bounds.AIR_TEMPERATURE.validators())
    temp_max_c = models.FloatField(_("最高气温"), validators=bounds.AIR_TEMPERATURE.validators())
    rh_min_pct = models.FloatField(_("最低湿度"), validators=bounds.HUMIDITY.validators())
    rh_max_pct = models.FloatField(_("最高湿度"), validators=bounds.HUMIDITY.validators())

    class Meta:
        ordering = ["park", "pk"]
        verbose_name = _("生育期参数")
        verbose_name_plural = _("生育期参数")
        constraints = [
            models.UniqueConstraint(fields=["park", "stage"], name="stage_profile_once_per_park")
        ]

    def __str__(self) -> str:
        return f"{self.park_id} {self.stage}"


class CropCycle(models.Model):
    """The crop in a house and its current stage; the latest started cycle is current."""

    house = models.ForeignKey(
        House, on_delete=models.CASCADE, related_name="cycles", verbose_name=_("大棚")
    )
    stage = models.CharField(_("生育期"), max_length=32)
    started = models.DateTimeField(_("开始时间"), default=timezone.now)

    class Meta:
        ordering = ["house", "-started"]
        verbose_name = _("茬口")
        verbose_name_plural = _("茬口")

    def __str__(self) -> str:
        return f"{self.house_id} {self.stage} {self.started:%Y-%m-%d}"


class Actuator(models.Model):
    """A vent, misting line, shade net or fan; ``device``/``relay`` map a Tasmota relay."""

    class Kind(models.TextChoices):
        VENT = "vent", _("卷膜风口")
        MIST = "mist", _("喷雾")
        SHADE = "shade", _("遮阳网")
        FAN = "fan", _("风机")

    house = models.ForeignKey(
        House, on_delete=models.CASCADE, related_name="actuators", verbose_name=_("大棚")
    )
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    position = models.FloatField(_("当前位置"), default=0.0, help_text=_("% / 秒每分钟 / 开关"))
    has_motor = models.BooleanField(_("电动"), default=False)
    travel_s = models.PositiveIntegerField(_("全程时间（秒）"), default=120)
    device = models.CharField(_("Tasmota 设备"), max_length=64, blank=True)
    relay = models.PositiveSmallIntegerField(_("继电器号"), null=True, blank=True)
    override_value = models.FloatField(_("人工设定值"), null=True, blank=True)
    override_until = models.DateTimeField(_("人工接管至"), null=True, blank=True)

    class Meta:
        ordering = ["house", "kind"]
        verbose_name = _("执行器")
        verbose_name_plural = _("执行器")
        constraints = [
            models.UniqueConstraint(fields=["house", "kind"], name="actuator_kind_once_per_house")
        ]

    def __str__(self) -> str:
        return f"{self.house_id} {self.kind}"


class Advice(models.Model):
    """A sentence for the caretaker of a house turned by hand ("把两侧卷膜升到10厘米")."""

    house = models.ForeignKey(House, on_delete=models.CASCADE, related_name="advice")
    text = models.CharField(_("建议"), max_length=255)
    ts = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-ts"]

    def __str__(self) -> str:
        return self.text


class Alert(models.Model):
    """A condition in a house; open while ``closed_at`` is empty, one open per (house, kind, sensor)."""

    class Kind(models.TextChoices):
        OUT_OF_BAND = "out_of_band", _("超出适宜范围")
        RH_DROP = "rh_drop", _("湿度骤降")
        FROST = "frost", _("冻害风险")
        HEAT = "heat", _("高温风险")
        STALE = "stale", _("传感器无数据")
        IMPLAUSIBLE = "implausible", _("数值异常")
        NO_EFFECT = "no_effect", _("执行器无效果")

    house = models.ForeignKey(
        House, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("大棚")
    )
    sensor = models.ForeignKey(
        Sensor, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    message = models.CharField(_("内容"), max_length=255)
    opened_at = models.DateTimeField(_("发生时间"), default=timezone.now, db_index=True)
    last_seen_at = models.DateTimeField(_("最近出现"), default=timezone.now)
    closed_at = models.DateTimeField(_("恢复时间"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notified = models.BooleanField(_("已推送"), default=False)
    area_path = models.CharField(max_length=255, db_index=True, editable=False)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("报警")
        verbose_name_plural = _("报警")
        indexes = [models.Index(fields=["house", "kind", "closed_at"])]

    def __str__(self) -> str:
        return f"{self.house_id} {self.kind} {self.message}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class ReadingRollup(models.Model):
    """Count, sum, min and max of one sensor's readings in one time bucket (5 minutes or
    an hour, ``width`` seconds from ``start``); the mean is ``total / count``. Filled by
    :mod:`villageaid.greenhouse.rollups` and kept longer than the raw readings."""

    FIVE_MINUTES = 300
    HOUR = 3600

    sensor = models.ForeignKey(Sensor, on_delete=models.CASCADE, related_name="rollups")
    width = models.PositiveIntegerField()
    start = models.DateTimeField()
    count = models.PositiveIntegerField()
    total = models.FloatField()
    minimum = models.FloatField()
    maximum = models.FloatField()

    class Meta:
        ordering = ["sensor", "width", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["sensor", "width", "start"], name="rollup_once_per_sensor_bucket"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sensor_id} {self.width}s {self.start:%Y-%m-%d %H:%M} n={self.count}"

    @property
    def mean(self) -> float:
        return self.total / self.count


class RollupMark(models.Model):
    """How far the rollups have read the readings table: every reading with an id up to
    ``last_reading_id`` is counted in the rollups, none above it (one row, ``name='readings'``)."""

    name = models.CharField(max_length=32, unique=True)
    last_reading_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ≤ {self.last_reading_id}"

"""Sales for consumption assistance (消费帮扶): products, lots, channels and
quotas, orders, live-stream sessions, hotels, community groups, delivery runs
and the village collective's ledger. Weights are integer grams (shown in jin),
money is Decimal yuan. Stock columns carry CHECK constraints so that a lot can
never go below zero, whatever code path writes it."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from villageaid.core import bounds, units
from villageaid.core.fields import PathField
from villageaid.core.models import Area
from villageaid.sales.channels import CHANNELS, BuyerType

jin = units.jin  # grams shown in jin: the one conversion lives in core.units


def new_public_token() -> str:
    return secrets.token_urlsafe(16)


class Grade(models.TextChoices):
    A = "A", _("一级")
    B = "B", _("二级")
    C = "C", _("三级")


class Product(models.Model):
    class Form(models.TextChoices):
        FRESH = "fresh", _("鲜品")
        DRIED = "dried", _("干品")

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    form = models.CharField(_("形态"), max_length=8, choices=Form.choices, default=Form.FRESH)
    grade = models.CharField(_("等级"), max_length=1, choices=Grade.choices, default=Grade.A)
    # Set from sales/data/catalogue.json (services.lots.products_ensure), with its source.
    shelf_life_days = models.PositiveIntegerField(_("保质期（天）"), default=5)
    shelf_life_source = models.CharField(_("保质期依据"), max_length=300, blank=True)
    price_per_jin = models.DecimalField(
        _("标准价（元/斤）"),
        max_digits=10,
        decimal_places=2,
        validators=bounds.PRICE_PER_JIN.validators(),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("商品")
        verbose_name_plural = _("商品")

    def __str__(self) -> str:
        return self.name


class Channel(models.Model):
    code = models.CharField(_("渠道代码"), max_length=32, primary_key=True)
    name = models.CharField(_("名称"), max_length=50)
    buyer_type = models.CharField(_("默认买家类型"), max_length=16, choices=BuyerType.CHOICES)
    reserve_minutes = models.PositiveIntegerField(_("保留时长（分钟）"), default=30)

    class Meta:
        ordering = ["code"]
        verbose_name = _("销售渠道")
        verbose_name_plural = _("销售渠道")

    def __str__(self) -> str:
        return self.name

    @property
    def delivered(self) -> bool:
        spec = CHANNELS.get(self.code)
        return bool(spec and spec.delivered)


class ChannelPrice(models.Model):
    """Price per jin of a product in one channel (falls back to the product's price)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="prices")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="prices")
    price_per_jin = models.DecimalField(
        _("价格（元/斤）"),
        max_digits=10,
        decimal_places=2,
        validators=bounds.PRICE_PER_JIN.validators(),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "channel"], name="sales_price_unique")
        ]

    def __str__(self) -> str:
        return f"{self.product_id}@{self.channel_id} {self.price_per_jin}"


class Lot(models.Model):
    """A day's pick of one product (form and grade) in one village: fresh lots are made
    of harvest records (:class:`LotHarvest`), dried lots of fresh lots dried
    (``source``). A lot never holds more than what it was made of: ``grams_initial`` is
    the sum of its parts, ``grams_available`` never above it (CHECK constraint)."""

    code = models.CharField(_("批次号"), max_length=40, unique=True)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="lots")
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(max_length=255, db_index=True, editable=False)
    source = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="derived",
        verbose_name=_("原料批次"),
    )
    # The box label's QR code opens /p/lot/<token>/: not guessable from the lot's id.
    public_token = models.CharField(
        max_length=22, unique=True, editable=False, default=new_public_token
    )
    harvest_date = models.DateField(_("采收日期"), validators=[bounds.check_past_date])
    grade = models.CharField(_("等级"), max_length=1, choices=Grade.choices, default=Grade.A)
    grams_initial = models.PositiveIntegerField(
        _("入库重量（克）"), validators=bounds.GRAMS.validators()
    )
    grams_available = models.IntegerField(_("可售重量（克）"))
    shelf_life_days = models.PositiveIntegerField(_("保质期（天）"))
    expires_on = models.DateField(_("到期日"), db_index=True)
    cost_per_jin = models.DecimalField(
        _("成本（元/斤）"), max_digits=10, decimal_places=2, default=Decimal(0)
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["expires_on", "pk"]  # FEFO: first expiring, first out
        verbose_name = _("批次")
        verbose_name_plural = _("批次")
        constraints = [
            models.CheckConstraint(
                condition=Q(grams_available__gte=0), name="sales_lot_available_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(grams_available__lte=F("grams_initial")),
                name="sales_lot_available_within_initial",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def is_expired(self, on: dt.date | None = None) -> bool:
        """Sold on a day before ``expires_on`` only (FEFO's "still good on that day")."""
        return (on or timezone.localdate()) >= self.expires_on

    @property
    def jin_available(self) -> Decimal:
        return jin(self.grams_available)

    @property
    def jin_initial(self) -> Decimal:
        return jin(self.grams_initial)

    def days_left(self, today: dt.date | None = None) -> int:
        return (self.expires_on - (today or timezone.localdate())).days


class LotHarvest(models.Model):
    """One harvest record taken into a lot, with the grams it brought (all of it)."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="harvests")
    harvest = models.OneToOneField(
        "greenhouse.Harvest", on_delete=models.PROTECT, related_name="lot_entry"
    )
    grams = models.PositiveIntegerField(_("入库重量（克）"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("批次采收记录")
        verbose_name_plural = _("批次采收记录")

    def __str__(self) -> str:
        return f"{self.lot_id}<-{self.harvest_id} {self.grams}g"


class LotAdjustment(models.Model):
    """Shrinkage (drying out, trimming, spoilage), drying into a dried lot, or a count
    correction (never above what the lot was made of)."""

    class Kind(models.TextChoices):
        WATER_LOSS = "water_loss", _("失水")
        TRIMMING = "trimming", _("修剪")
        SPOILAGE = "spoilage", _("腐损")
        DRYING = "drying", _("烘干转干品")
        CORRECTION = "correction", _("盘点更正")

    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="adjustments")
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, default=Kind.CORRECTION)
    grams = models.IntegerField(_("调整（克）"))
    reason = models.CharField(_("原因"), max_length=200)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.lot_id} {self.grams:+d}g {self.reason}"


class ChannelQuota(models.Model):
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="quotas")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="quotas")
    grams_quota = models.PositiveIntegerField(_("配额（克）"))
    grams_remaining = models.IntegerField(_("剩余（克）"))

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["lot", "channel"], name="sales_quota_unique"),
            models.CheckConstraint(
                condition=Q(grams_remaining__gte=0), name="sales_quota_remaining_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lot_id}/{self.channel_id} {self.grams_remaining}/{self.grams_quota}g"


class Customer(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    buyer_type = models.CharField(
        _("买家类型"), max_length=16, choices=BuyerType.CHOICES, default=BuyerType.CONSUMER
    )
    phone = models.CharField(_("电话"), max_length=20, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    area_path = models.CharField(
        max_length=255, db_index=True, editable=False, help_text=_("卖方村的路径")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("客户")
        verbose_name_plural = _("客户")

    def __str__(self) -> str:
        return self.name


class LiveSession(models.Model):
    title = models.CharField(_("标题"), max_length=100)
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="live_sessions")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="+")
    grams_quota = models.PositiveIntegerField(_("场次配额（克）"))
    opened_at = models.DateTimeField(_("开播"), null=True, blank=True)
    closed_at = models.DateTimeField(_("下播"), null=True, blank=True)
    area_path = models.CharField(max_length=255, db_index=True, editable=False)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("直播场次")
        verbose_name_plural = _("直播场次")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None and self.closed_at is None


class CommunityGroup(models.Model):
    name = models.CharField(_("小区群"), max_length=100)
    leader = models.CharField(_("团长"), max_length=50)
    leader_phone = models.CharField(_("团长电话"), max_length=20, blank=True)
    pickup_point = models.CharField(_("自提点"), max_length=200)
    lat = models.FloatField(_("纬度"))
    lon = models.FloatField(_("经度"))
    cutoff = models.TimeField(_("截单时间"), default=dt.time(23, 0))
    customer = models.OneToOneField(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="group"
    )
    area_path = models.CharField(max_length=255, db_index=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("社区团购群")
        verbose_name_plural = _("社区团购群")

    def __str__(self) -> str:
        return self.name


class HotelStandingOrder(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="standing")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    grams = models.PositiveIntegerField(_("每次重量（克）"))
    weekdays = models.CharField(_("送货日（1-7）"), max_length=7, default="135")
    receive_from = models.TimeField(_("收货开始"), default=dt.time(7, 0))
    receive_until = models.TimeField(_("收货截止"), default=dt.time(10, 0))
    active = models.BooleanField(_("有效"), default=True)
    area_path = models.CharField(max_length=255, db_index=True, editable=False)

    class Meta:
        verbose_name = _("酒店长期订单")
        verbose_name_plural = _("酒店长期订单")

    def __str__(self) -> str:
        return f"{self.customer_id} {self.grams}g {self.weekdays}"


class Order(models.Model):
    class Status(models.TextChoices):
        RESERVED = "reserved", _("已预留")
        PAID = "paid", _("已付款")
        DELIVERED = "delivered", _("已交付")
        CANCELLED = "cancelled", _("已取消")
        REFUNDED = "refunded", _("已退款")

    idempotency_key = models.CharField(max_length=100)  # unique: see Meta
    # What the key was first used for (services.order_fingerprint): a repeat with
    # another body is refused, not answered with this order. Blank on older orders.
    request_fingerprint = models.CharField(max_length=32, blank=True, editable=False)
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="orders")
    channel = models.ForeignKey(
        Channel, on_delete=models.PROTECT, related_name="orders", db_index=False
    )
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    buyer_type = models.CharField(_("买家类型"), max_length=16, choices=BuyerType.CHOICES)
    grams = models.PositiveIntegerField(_("重量（克）"))
    price_per_jin = models.DecimalField(_("单价（元/斤）"), max_digits=10, decimal_places=2)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.RESERVED
    )
    reserved_until = models.DateTimeField(_("保留至"), null=True, blank=True)
    payment_method = models.CharField(_("支付方式"), max_length=20, blank=True)
    payment_reference = models.CharField(_("支付流水号"), max_length=64, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    live_session = models.ForeignKey(
        LiveSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    group = models.ForeignKey(
        CommunityGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    pickup_code = models.CharField(_("核销码"), max_length=8, blank=True)  # looked up per group
    picked_up_at = models.DateTimeField(_("核销时间"), null=True, blank=True)
    deliver_on = models.DateField(_("配送日期"), null=True, blank=True)
    area_path = PathField(max_length=255, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        # Every order writes each of these b-trees, and a flash sale writes hundreds of
        # orders a second: plain indexes only, none of the varchar_pattern_ops twins
        # Django adds for db_index/unique text columns (nothing here is LIKE-matched
        # but area_path, whose "C" collation lets the plain index serve the prefix).
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="sales_order_key_unique")
        ]
        indexes = [
            models.Index(fields=["channel"], name="sales_order_channel"),
            models.Index(fields=["area_path"], name="sales_order_area_path"),
        ]
        verbose_name = _("订单")
        verbose_name_plural = _("订单")

    def __str__(self) -> str:
        return f"#{self.pk} {self.channel_id} {self.grams}g"

    @property
    def jin(self) -> Decimal:
        return jin(self.grams)

    @property
    def holds_stock(self) -> bool:
        return self.status in {self.Status.RESERVED, self.Status.PAID, self.Status.DELIVERED}


class DeliveryRun(models.Model):
    date = models.DateField(_("配送日期"))
    vehicles = models.PositiveIntegerField(_("车辆数"), default=1)
    capacity_grams = models.PositiveIntegerField(_("单车载重（克）"))
    depot_lat = models.FloatField(_("出发点纬度"))
    depot_lon = models.FloatField(_("出发点经度"))
    total_km = models.FloatField(_("总里程（公里）"), default=0)
    area_path = models.CharField(max_length=255, db_index=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("配送批次")
        verbose_name_plural = _("配送批次")

    def __str__(self) -> str:
        return f"{self.date} #{self.pk}"


class DeliveryStop(models.Model):
    run = models.ForeignKey(DeliveryRun, on_delete=models.CASCADE, related_name="stops")
    vehicle = models.PositiveIntegerField(_("车辆"))
    sequence = models.PositiveIntegerField(_("顺序"))
    name = models.CharField(_("站点"), max_length=200)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("电话"), max_length=20, blank=True)
    lat = models.FloatField()
    lon = models.FloatField()
    grams = models.PositiveIntegerField(_("重量（克）"))
    window_from = models.TimeField(_("收货开始"), null=True, blank=True)
    window_until = models.TimeField(_("收货截止"), null=True, blank=True)
    eta = models.TimeField(_("预计到达"), null=True, blank=True)
    orders = models.ManyToManyField(Order, blank=True, related_name="stops")

    class Meta:
        ordering = ["vehicle", "sequence"]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.vehicle}/{self.sequence} {self.name}"

    @property
    def jin(self) -> Decimal:
        return jin(self.grams)


class LedgerEntry(models.Model):
    class Kind(models.TextChoices):
        REVENUE = "revenue", _("销售收入")
        REFUND = "refund", _("退款")
        COST = "cost", _("成本费用")

    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="ledger")
    channel = models.ForeignKey(
        Channel, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger"
    )
    amount = models.DecimalField(
        _("金额（元）"), max_digits=12, decimal_places=2, help_text=_("收入为正，退款和成本为负")
    )
    note = models.CharField(_("摘要"), max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    area_path = models.CharField(max_length=255, db_index=True, editable=False)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("集体收支分录")
        verbose_name_plural = _("集体收支分录")

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.note}"

"""Sales channels: one entry per channel, all of the same shape.

Adding a channel is adding one line to :data:`CHANNELS`; the ``Channel`` rows
are created from here on first use (:func:`villageaid.sales.services.channel_get`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


class BuyerType:
    """Buyer types recorded on every order for consumption-assistance statistics."""

    CONSUMER = "consumer"
    STAFF = "staff"
    BUDGET_UNIT = "budget_unit"
    HOTEL = "hotel"
    COMMUNITY = "community"
    PLATFORM = "platform"
    ENTERPRISE = "enterprise"

    CHOICES = [
        (CONSUMER, _("个人消费者")),
        (STAFF, _("机关干部职工")),
        (BUDGET_UNIT, _("预算单位")),
        (HOTEL, _("酒店")),
        (COMMUNITY, _("社区团购")),
        (PLATFORM, _("电商平台")),
        (ENTERPRISE, _("企业")),
    ]


@dataclass(frozen=True)
class ChannelSpec:
    code: str
    name: str
    buyer_type: str
    reserve_minutes: int  # how long an unpaid order holds its stock
    delivered: bool  # goes on delivery runs


CHANNELS: dict[str, ChannelSpec] = {
    spec.code: spec
    for spec in (
        ChannelSpec("livestream", "直播带货", BuyerType.CONSUMER, 30, False),
        ChannelSpec("platform_meituan", "美团", BuyerType.PLATFORM, 60, False),
        ChannelSpec("platform_jd", "京东", BuyerType.PLATFORM, 60, False),
        ChannelSpec("hotel", "星级酒店", BuyerType.HOTEL, 24 * 60, True),
        ChannelSpec("community", "社区团购", BuyerType.COMMUNITY, 12 * 60, True),
        ChannelSpec("staff", "干部职工认购", BuyerType.STAFF, 24 * 60, False),
        ChannelSpec("budget_unit", "预算单位采购（832）", BuyerType.BUDGET_UNIT, 7 * 24 * 60, True),
        ChannelSpec("walk_in", "现场零售", BuyerType.CONSUMER, 15, False),
    )
}

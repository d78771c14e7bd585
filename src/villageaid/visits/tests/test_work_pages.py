"""Pairing, campaign set-up, condolence visits and points claims: each write is decided in the
service (role, area, pairing), bounded, audited, and leaves nothing behind when refused; the
pages serve this village's cadre, not the next village's, and the township above."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from villageaid.conftest import client_for
from villageaid.core.errors import ServiceError
from villageaid.core.models import AuditEvent
from villageaid.registry.tests.samples import household_in
from villageaid.visits import selectors, services
from villageaid.visits.models import (
    Campaign,
    CampaignSample,
    CondolenceVisit,
    HelperAssignment,
    PartyMember,
    PointEntry,
)

pytestmark = pytest.mark.django_db
DAY = dt.date(2020, 3, 1)


@pytest.fixture
def world(areas: Any, make_user: Any) -> dict[str, Any]:
    return {
        "cadre": make_user("cadre"),
        "next": make_user("cadre", "neighbour", username="cadre-next"),
        "township": make_user("township"),
        "helper": make_user("helper", username="helper-a"),
        "helper_b": make_user("helper", username="helper-b"),
        "far_helper": make_user("helper", "neighbour", username="helper-next"),
        "household": household_in(areas["village"], "H-WORK-1"),
        "other": household_in(areas["neighbour"], "H-WORK-2"),
    }


# --- pairing ----------------------------------------------------------------------------------


def test_reassignment_keeps_who_when_why(world: dict[str, Any]) -> None:
    household, cadre = world["household"], world["cadre"]
    services.helper_assign(household=household, helper=world["helper"], actor=cadre, on=DAY)
    with pytest.raises(ServiceError, match="调整原因"):
        services.helper_assign(
            household=household, helper=world["helper_b"], actor=cadre, on=dt.date(2020, 4, 1)
        )
    services.helper_assign(
        household=household,
        helper=world["helper_b"],
        actor=world["township"],
        on=dt.date(2020, 4, 1),
        reason="工作调动",
    )
    old, new = HelperAssignment.objects.filter(household=household).order_by("started_on")
    assert (old.ended_on, old.end_reason, old.ended_by) == (
        dt.date(2020, 3, 31),
        "工作调动",
        world["township"],
    )
    assert (new.helper, new.assigned_by, new.ended_on) == (
        world["helper_b"],
        world["township"],
        None,
    )
    assert AuditEvent.objects.filter(action="visits.helper_assign").count() == 2


def test_pairing_is_refused_to_the_next_village_a_helper_and_a_helper_elsewhere(
    world: dict[str, Any],
) -> None:
    household = world["household"]
    with pytest.raises(Http404):
        services.helper_assign(household=household, helper=world["helper"], actor=world["next"])
    with pytest.raises(PermissionDenied):
        services.helper_assign(household=household, helper=world["helper"], actor=world["helper"])
    with pytest.raises(ServiceError, match="不负责本村"):
        services.helper_assign(
            household=household, helper=world["far_helper"], actor=world["cadre"]
        )
    assert not HelperAssignment.objects.exists()


def test_pairing_page_assigns_and_shows_the_load_with_the_policy_limit(
    world: dict[str, Any], monkeypatch: Any
) -> None:
    url = reverse("visits-pairing")
    body = {
        "household": world["household"].pk,
        "helper": world["helper"].pk,
        "on": "2020-03-01",
        "reason": "",
    }
    assert client_for(world["cadre"]).post(url, body).status_code == 302
    assert HelperAssignment.objects.get().helper == world["helper"]
    # the next village's cadre cannot even choose this household: nothing is written
    client_for(world["next"]).post(url, {**body, "helper": world["helper_b"].pk})
    assert HelperAssignment.objects.count() == 1
    assert client_for(world["helper"]).post(url, body).status_code == 403
    monkeypatch.setattr(selectors, "helper_limit", lambda area, on: 0)
    html = client_for(world["township"]).get(url).content.decode()
    assert "超过政策上限" in html and "测试" in html  # the head's name, not only the code
    load = selectors.helper_load(world["cadre"], on=DAY)
    assert [(r["households"], r["over"]) for r in load] == [(1, True)]


def test_a_helper_sees_only_their_own_pairings(world: dict[str, Any], areas: Any) -> None:
    mine, theirs = world["household"], household_in(areas["village"], "H-WORK-3")
    services.helper_assign(household=mine, helper=world["helper"], actor=None, on=DAY)
    services.helper_assign(household=theirs, helper=world["helper_b"], actor=None, on=DAY)
    html = client_for(world["helper"]).get(reverse("visits-pairing")).content.decode()
    assert "H-WORK-1" in html and "H-WORK-3" not in html
    assert 'id="pairing-form"' not in html


# --- campaigns --------------------------------------------------------------------------------


def _households(area: Any, n: int) -> None:
    for k in range(n):
        household_in(area, f"H-C-{k:02d}0")


def test_campaign_sample_by_rate_is_reproducible_from_its_seed(
    world: dict[str, Any], areas: Any
) -> None:
    _households(areas["village"], 10)
    made = []
    for name in ("一", "二"):
        campaign = services.campaign_create(
            actor=world["township"],
            name=f"评估{name}",
            area=areas["township"],
            villages=[areas["village"]],
            start=DAY,
            end=DAY,
            sample_rate=25,
            sample_seed="seed-2020",
        )
        services.campaign_draw_sample(actor=world["township"], campaign=campaign)
        made.append(list(campaign.samples.values_list("household__code", flat=True)))
    assert made[0] == made[1] and len(made[0]) == 3  # 25% of 11 households, rounded up
    assert AuditEvent.objects.filter(action="visits.campaign_sample").first().after["seed"] == (
        "seed-2020"
    )


def test_campaign_set_up_is_refused_outside_the_area_and_to_a_village_cadre(
    world: dict[str, Any], areas: Any, make_user: Any
) -> None:
    args = {"name": "评估", "start": DAY, "end": DAY, "sample_size": 1}
    with pytest.raises(PermissionDenied):
        services.campaign_create(
            actor=world["cadre"], area=areas["village"], villages=[areas["village"]], **args
        )
    neighbour_township = make_user("township", "other_township", username="tw-other")
    with pytest.raises(PermissionDenied):
        services.campaign_create(
            actor=neighbour_township, area=areas["village"], villages=[areas["village"]], **args
        )
    with pytest.raises(ServiceError, match="抽样比例"):
        services.campaign_create(
            actor=world["township"],
            area=areas["township"],
            villages=[areas["village"]],
            sample_rate=150,
            **args,
        )
    assert not Campaign.objects.exists()


def test_campaign_page_creates_and_shows_progress_per_village_and_helper(
    world: dict[str, Any], areas: Any
) -> None:
    _households(areas["village"], 4)
    services.helper_assign(household=world["household"], helper=world["helper"], actor=None)
    response = client_for(world["township"]).post(
        reverse("campaign-list"),
        {
            "name": "宋村镇自查评估",
            "villages": [areas["village"].code],
            "start": "2020-04-01",
            "end": "2020-04-30",
            "sample_size": "2",
            "sample_seed": "s1",
            "checklist": ["food", "housing"],
            "methods": ["survey"],
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and CampaignSample.objects.count() == 2
    services.visit_record(
        actor=world["helper"],
        household=world["household"],
        visited_at=dt.datetime(2020, 4, 2, 10, tzinfo=dt.UTC),
        campaign=campaign,
    )
    html = client_for(world["township"]).get(reverse("campaign-detail", args=[campaign.pk]))
    text = html.content.decode()
    assert "北马村</td><td>5</td><td>1</td><td>20%" in text
    assert "helper-a</td><td>1</td><td>1</td><td>100%" in text
    assert 'id="sample-seed">s1<' in text
    # a village cadre is not offered the set-up and may not post it
    assert client_for(world["cadre"]).post(reverse("campaign-list"), {}).status_code == 403


# --- condolence visits ------------------------------------------------------------------------


def test_condolence_visit_recorded_bounded_and_on_the_household_card(
    world: dict[str, Any],
) -> None:
    household = world["household"]
    goods = [("大米", Decimal(10), "公斤", Decimal(50))]
    with pytest.raises(ServiceError, match="晚于今天"):
        services.condolence_record(
            actor=world["cadre"],
            household=household,
            visited_on=dt.date.today() + dt.timedelta(days=2),
            occasion="春节",
            goods=goods,
        )
    with pytest.raises(ServiceError):
        services.condolence_record(
            actor=world["cadre"],
            household=household,
            visited_on=DAY,
            occasion="春节",
            goods=[("大米", Decimal(10**7), "公斤")],
        )
    with pytest.raises(Http404):
        services.condolence_record(
            actor=world["next"], household=household, visited_on=DAY, occasion="", goods=goods
        )
    with pytest.raises(Http404):  # a helper not paired with the household
        services.condolence_record(
            actor=world["helper"], household=household, visited_on=DAY, occasion="", goods=goods
        )
    assert not CondolenceVisit.objects.exists()
    response = client_for(world["cadre"]).post(
        reverse("condolence-new"),
        {
            "household": household.pk,
            "visited_on": "2020-01-20",
            "occasion": "春节慰问",
            "visitors": "李书记",
            "item": "食用油",
            "quantity": "5",
            "unit": "升",
            "cash_yuan": "200",
        },
    )
    assert response.status_code == 302
    visit = CondolenceVisit.objects.get()
    assert (visit.visitor, visit.visitors, visit.cash_yuan) == (world["cadre"], "李书记", 200)
    card = client_for(world["township"]).get(reverse("household-card", args=[household.pk]))
    assert "春节慰问：食用油 5升" in card.content.decode()
    party = client_for(world["next"]).get(reverse("party-visits")).content.decode()
    assert "春节慰问" not in party


# --- points -----------------------------------------------------------------------------------


def test_points_claim_decided_by_the_village_with_reason_and_ledger(
    world: dict[str, Any], areas: Any
) -> None:
    household = world["household"]
    services.helper_assign(household=household, helper=world["helper"], actor=None, on=DAY)
    member = PartyMember.objects.create(
        name="老党员甲",
        village=areas["village"],
        household=household,
        birth_date=dt.date(1938, 1, 1),
        area_path=household.area_path,
    )
    claims = [
        services.point_entry_add(
            actor=world["helper"], member=member, reason=reason, points=points, on=DAY
        )
        for reason, points in (("卡口值守", 10), ("志愿服务", 5))
    ]
    with pytest.raises(PermissionDenied):  # a helper submits, never decides
        services.point_entry_decide(actor=world["helper"], entry=claims[0], approve=True)
    with pytest.raises(Http404):
        services.point_entry_decide(actor=world["next"], entry=claims[0], approve=True)
    with pytest.raises(ServiceError, match="理由"):
        services.point_entry_decide(actor=world["cadre"], entry=claims[1], approve=False)
    url = reverse("points-claims")
    client_for(world["cadre"]).post(url, {"action": "approve", "entry": claims[0].pk})
    client_for(world["cadre"]).post(
        url, {"action": "reject", "entry": claims[1].pk, "reason": "无佐证材料"}
    )
    first, second = (PointEntry.objects.get(pk=c.pk) for c in claims)
    assert (first.status, first.approved_by) == ("approved", world["cadre"])
    assert (second.status, second.decision_reason) == ("rejected", "无佐证材料")
    ledger = client_for(world["township"]).get(reverse("points-ledger"), {"member": member.pk})
    text = ledger.content.decode()
    assert "<strong>10</strong>" in text and "无佐证材料" in text
    assert (
        client_for(world["next"]).get(reverse("points-ledger"), {"member": member.pk}).status_code
        == 404
    )


# --- the household card and the helper's report -----------------------------------------------


def test_card_shows_the_latest_visit_answers_and_the_report_button(
    world: dict[str, Any],
) -> None:
    household = world["household"]
    services.helper_assign(household=household, helper=world["helper"], actor=None, on=DAY)
    services.visit_record(
        actor=world["helper"],
        household=household,
        visited_at=dt.datetime(2020, 4, 2, 10, tzinfo=dt.UTC),
        checklist={"food": "yes", "housing": "no"},
        needs="屋顶漏雨",
        income_change="down",
        answers={"working_members": 0},
    )
    text = client_for(world["helper"]).get(reverse("household-card", args=[household.pk]))
    html = text.content.decode()
    assert "减少" in html and "屋顶漏雨" in html and "住房安全有保障：否" in html
    assert "务工就业人数" in html
    assert f"{reverse('case-open')}?household=H-WORK-1" in html
    with pytest.raises(Http404):  # the next village's cadre records no visit here
        services.visit_record(
            actor=world["next"],
            household=household,
            visited_at=dt.datetime(2020, 4, 3, 10, tzinfo=dt.UTC),
        )

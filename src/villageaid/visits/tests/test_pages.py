"""Landing cards, the must-visit list, rectification from the dashboard, the party ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from villageaid.conftest import client_for
from villageaid.core.errors import ServiceError
from villageaid.registry.models import Household
from villageaid.visits import services
from villageaid.visits.models import Finding, PartyMember
from villageaid.visits.tests.factories import campaign_over, pair_with_helpers, two_households

pytestmark = pytest.mark.django_db


def test_helper_landing_card_counts_due_and_overdue(areas: Any, make_user: Any) -> None:
    helper = make_user("helper")
    household, _ = two_households(areas)
    pair_with_helpers(household)
    services.due_visits_plan(households=[household], on=dt.date(2020, 4, 1), actor=None)
    services.due_visits_refresh(today=dt.date.today())
    html = client_for(helper).get(reverse("home")).content.decode()
    assert "逾期未走访" in html and household.label in html


def test_must_visit_list_on_the_today_page(areas: Any, make_user: Any) -> None:
    household, _ = two_households(areas)
    Household.objects.filter(pk=household.pk).update(monitoring_status="monitored")
    html = client_for(make_user("cadre")).get(reverse("visits-today")).content.decode()
    assert "八必访" in html and household.code in html and "监测对象" in html


def test_cadre_tracks_rectification_assessor_may_not(areas: Any, make_user: Any) -> None:
    household, _ = two_households(areas)
    assessor = make_user("assessor")
    campaign = campaign_over(areas["village"], household)  # sampled for the assessor
    finding = services.finding_record(
        actor=None, campaign=campaign, household=household, kind="suspected", description="车辆"
    )
    url = reverse("campaign-detail", args=[campaign.pk])
    body = {"finding": finding.pk, "status": "rectified", "rectification": "已核实"}
    assert client_for(assessor).get(url).status_code == 200
    assert client_for(assessor).post(url, body).status_code == 403
    assert client_for(make_user("cadre")).post(url, body).status_code == 302
    finding.refresh_from_db()
    assert (finding.status, finding.rectified_on) == (Finding.Status.RECTIFIED, dt.date.today())


def test_assessor_records_a_finding_on_a_sampled_household(areas: Any, make_user: Any) -> None:
    sampled, other = two_households(areas)
    assessor = make_user("assessor")
    campaign = campaign_over(areas["village"], sampled)
    url = reverse("campaign-detail", args=[campaign.pk])
    client = client_for(assessor)
    assert 'id="finding-form"' in client.get(url).content.decode()
    body = {"action": "finding", "kind": "marginal", "description": "因病支出大，收入不稳"}
    assert client.post(url, {**body, "household": sampled.pk}).status_code == 302
    finding = Finding.objects.get()
    assert (finding.household, finding.kind, finding.created_by) == (sampled, "marginal", assessor)
    assert finding.status == Finding.Status.OPEN

    # Not in the sample, no description, an unknown kind: nothing recorded.
    assert client.post(url, {**body, "household": other.pk}).status_code == 404
    client.post(url, {**body, "household": sampled.pk, "description": " "})
    client.post(url, {**body, "household": sampled.pk, "kind": "rumour"})
    assert Finding.objects.count() == 1


def test_only_assessors_of_the_campaign_and_the_county_record_findings(
    areas: Any, make_user: Any
) -> None:
    household, _ = two_households(areas)
    campaign = campaign_over(areas["village"], household)  # no assessor assigned yet
    url = reverse("campaign-detail", args=[campaign.pk])
    body = {
        "action": "finding",
        "kind": "suspected",
        "description": "有车",
        "household": household.pk,
    }
    stranger = make_user("assessor")  # not assigned to this campaign
    assert client_for(stranger).post(url, body).status_code == 404
    cadre = make_user("cadre")  # the village being assessed may not write its own findings
    assert 'id="finding-form"' not in client_for(cadre).get(url).content.decode()
    assert client_for(cadre).post(url, body).status_code == 403
    assert not Finding.objects.exists()
    assert client_for(make_user("county")).post(url, body).status_code == 302
    assert Finding.objects.count() == 1


def test_party_page_shows_the_goods_ledger(areas: Any, make_user: Any) -> None:
    village = areas["village"]
    member = PartyMember.objects.create(
        name="老党员", village=village, birth_date=dt.date(1935, 1, 1), area_path=village.path
    )
    for day in (20, 21):
        services.condolence_record(
            actor=None,
            member=member,
            visited_on=dt.date(2020, 1, day),
            occasion="春节慰问",
            goods=[("大米", Decimal(10), "公斤"), ("食用油", Decimal(5), "升")],
        )
    html = client_for(make_user("cadre")).get(reverse("party-visits")).content.decode()
    assert "大米" in html and "20 公斤" in html and "10 升" in html


def test_points_need_approval_by_someone_else(areas: Any, make_user: Any) -> None:
    village = areas["village"]
    cadre, township = make_user("cadre"), make_user("township")
    member = PartyMember.objects.create(
        name="党员甲", village=village, birth_date=dt.date(1970, 1, 1), area_path=village.path
    )
    entry = services.point_entry_add(
        actor=cadre, member=member, reason="志愿服务", on=dt.date(2020, 2, 1), points=5
    )
    with pytest.raises(ServiceError, match="自己"):
        services.point_entry_decide(actor=cadre, entry=entry, approve=True)
    html = client_for(cadre).get(reverse("points-ranking")).content.decode()
    assert "<td>党员甲</td><td>0</td>" in html
    services.point_entry_decide(actor=township, entry=entry, approve=True)
    html = client_for(cadre).get(reverse("points-ranking")).content.decode()
    assert "<td>党员甲</td><td>5</td>" in html

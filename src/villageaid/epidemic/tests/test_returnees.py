"""The returnee observation list: registration with the policy's days, daily checks,
overdue days, release only after a clean period, names masked per role, and the service's
own scope check (this village, the next village, the township above)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from villageaid.conftest import client_for
from villageaid.core.errors import Conflict, ServiceError
from villageaid.core.models import AuditEvent
from villageaid.core.roles import Role
from villageaid.epidemic import returnees, selectors
from villageaid.epidemic.models import GateAlert, Returnee, ReturneeCheck

pytestmark = pytest.mark.django_db
ARRIVED = dt.date(2020, 2, 1)  # Beima in the 2020 closure
ID = "11010519491231002X"


def _register(area: Any, actor: Any = None, **extra: Any) -> Returnee:
    fields = {"name": "韩晓明", "origin": "武汉", "arrived_on": ARRIVED, **extra}
    return returnees.returnee_register(area=area, actor=actor, **fields)


def _counts() -> list[int]:
    return [m.objects.count() for m in (Returnee, ReturneeCheck, GateAlert, AuditEvent)]


def test_the_days_come_from_the_policy_version_in_force_with_its_source(
    areas: dict[str, Any], cadre: Any
) -> None:
    first = _register(areas["village"], cadre)
    assert (first.observation_days, first.policy_version) == (14, "NAT-2020")
    assert first.ends_on == dt.date(2020, 2, 15)
    later = _register(areas["village"], cadre, arrived_on=dt.date(2021, 2, 1))
    assert later.policy_version == "NAT-2021"
    assert "冬春季农村地区" in later.policy_source


def test_a_version_without_the_rule_refuses_registration(
    areas: dict[str, Any], cadre: Any, monkeypatch: Any
) -> None:
    from villageaid.policy.resolved import Policy

    real = Policy.value
    monkeypatch.setattr(
        Policy,
        "value",
        lambda self, *path, default=None: None if path[0] == "epidemic" else real(self, *path),
    )
    before = _counts()
    with pytest.raises(ServiceError) as refused:
        _register(areas["village"], cadre)
    assert refused.value.code == "no_observation_rule"
    assert _counts() == before


def test_daily_checks_overdue_days_and_the_release(areas: dict[str, Any], cadre: Any) -> None:
    person = _register(areas["village"], cadre)
    for day in range(0, 10):  # days 1..10 checked, 11..13 missed so far
        returnees.returnee_check(
            returnee=person, date=ARRIVED + dt.timedelta(days=day), temperature="36.4", actor=cadre
        )
    today = ARRIVED + dt.timedelta(days=13)  # the 14th and last day
    (row,) = selectors.returnee_rows(cadre, today)
    assert (row["day"], row["missed"], row["due_today"], row["releasable"]) == (14, 3, True, False)
    with pytest.raises(Conflict) as early:
        returnees.returnee_release(returnee=person, on=today, actor=cadre)
    assert "不能提前解除" in early.value.message
    after = person.ends_on
    with pytest.raises(Conflict) as no_last_check:
        returnees.returnee_release(returnee=person, on=after, actor=cadre)
    assert "最后一天" in no_last_check.value.message
    returnees.returnee_check(returnee=person, date=today, temperature="36.6", actor=cadre)
    released = returnees.returnee_release(returnee=person, on=after, actor=cadre)
    assert (released.status, released.released_on) == ("released", after)
    assert AuditEvent.objects.filter(action="epidemic.returnee_release").count() == 1
    with pytest.raises(Conflict):
        returnees.returnee_check(returnee=released, date=after, temperature="36.5", actor=cadre)


def test_a_fever_alerts_the_township_and_blocks_the_release(
    areas: dict[str, Any], cadre: Any
) -> None:
    person = _register(areas["village"], cadre)
    returnees.returnee_check(
        returnee=person, date=ARRIVED, temperature="37.6", symptoms=["cough"], actor=cadre
    )
    alert = GateAlert.objects.get(kind="returnee")
    assert (
        alert.township == areas["township"] and "37.6" in alert.message and "咳嗽" in alert.message
    )
    returnees.returnee_check(
        returnee=person, date=person.ends_on - dt.timedelta(days=1), temperature="36.5", actor=cadre
    )
    with pytest.raises(Conflict) as refused:
        returnees.returnee_release(returnee=person, on=person.ends_on, actor=cadre)
    assert "发热或症状" in refused.value.message
    assert Returnee.objects.get().status == "observing"


def test_the_service_checks_this_village_the_next_and_the_township(
    areas: dict[str, Any], make_user: Any
) -> None:
    person = _register(areas["village"])
    neighbour = make_user(Role.CADRE, "neighbour")
    county = make_user(Role.COUNTY)  # reads the village's epidemic pages, writes none
    before = _counts()
    writes = [
        lambda actor: _register(areas["village"], actor),
        lambda actor: returnees.returnee_check(
            returnee=person, date=ARRIVED, temperature="36.5", actor=actor
        ),
    ]
    for write in writes:
        with pytest.raises(Http404):
            write(neighbour)
        with pytest.raises(PermissionDenied):
            write(county)
    assert _counts() == before
    township = make_user(Role.TOWNSHIP)  # the township above writes for its villages
    returnees.returnee_check(returnee=person, date=ARRIVED, temperature="36.5", actor=township)
    grid = make_user(Role.GRID)  # a grid worker registers in the grid, the cadre sees it
    mine = _register(areas["grid"], grid, name="韩小红")
    assert (mine.village, mine.area_path) == (areas["village"], areas["grid"].path)
    assert [r["returnee"] for r in selectors.returnee_rows(grid, ARRIVED)] == [mine]
    with pytest.raises(Http404):  # the village-level person is not in the grid
        returnees.returnee_check(returnee=person, date=ARRIVED, temperature="36.5", actor=grid)


def test_names_are_masked_per_role_and_the_id_number_never_shows(
    areas: dict[str, Any], make_user: Any
) -> None:
    person = _register(areas["village"], phone="13800001234", id_number=ID)
    assert person.id_masked and person.id_masked != ID
    seen = {}
    for role in (Role.CADRE, Role.GATE, Role.TOWNSHIP, Role.COUNTY):
        user = make_user(role)
        client = client_for(user)
        page = client.get("/epidemic/returnees/?all=1").content.decode()
        page += client.get(f"/epidemic/returnees/{person.pk}/").content.decode()
        assert ID not in page and person.id_masked in page
        seen[role] = ("韩晓明" in page, "韩＊明" in page, "13800001234" in page)
    assert seen[Role.CADRE] == (True, False, True)
    for role in (Role.GATE, Role.TOWNSHIP, Role.COUNTY):
        assert seen[role] == (False, True, False), role


def test_the_list_page_registers_and_the_detail_page_checks_and_refuses_early_release(
    areas: dict[str, Any], cadre: Any
) -> None:
    client = client_for(cadre)
    response = client.post(
        "/epidemic/returnees/new/",
        {
            "area": areas["village"].pk,
            "name": "韩晓明",
            "origin": "武汉",
            "arrived_on": "2020-02-01",
        },
    )
    assert response.status_code == 302
    person = Returnee.objects.get()
    url = f"/epidemic/returnees/{person.pk}/"
    client.post(url, {"action": "check", "date": "2020-02-02", "temperature": "36.5"})
    assert ReturneeCheck.objects.get().temperature == 36.5
    page = client.get("/epidemic/returnees/").content.decode()
    assert "韩晓明" in page and "漏测" in page  # 2020-02-01 was never checked
    person.arrived_on = dt.date.today()  # a fresh return: release is refused
    person.save()
    refused = client.post(url, {"action": "release"}, follow=True).content.decode()
    assert "不能提前解除" in refused
    assert Returnee.objects.get().status == "observing"

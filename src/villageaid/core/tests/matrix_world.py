"""The records and personas the permission matrix is tested on (built once per module).

Every record lies in 北马村 (its first grid): the "mine" ones belong to households paired with
the helper persona under test and sampled in a campaign every assessor persona assesses; the
"theirs" ones to households of the same village that are nobody's. Personas: for each role a
user of 北马村, of the neighbouring 南马村, of the township above and of a village in another
county.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from django.utils import timezone

from villageaid.core.areas import area_create
from villageaid.core.models import Area

PERSONA_AREAS = {"own": "village", "next": "neighbour", "up": "township", "far": "far"}
# A user of the county itself (文登区), for the writes whose record is the county: a version
# of the rule parameters (政策版本) is set for a county, not for a village.
SEAT = {"seat": "county"}
TODAY = dt.date(2020, 4, 20)


@dataclass
class World:
    areas: dict[str, Area]
    users: dict[tuple[str, str], Any] = field(default_factory=dict)
    clients: dict[tuple[str, str], Client] = field(default_factory=dict)
    tokens: dict[tuple[str, str], str] = field(default_factory=dict)
    rows: dict[str, Any] = field(default_factory=dict)
    urls: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.rows[key]


def _far(areas: dict[str, Area]) -> Area:
    county = area_create(code="371082000000", name="荣成市", level="county", parent=areas["city"])
    township = area_create(code="371082100000", name="崖头街道", level="township", parent=county)
    return area_create(code="371082100201", name="东山村", level="village", parent=township)


def _personas(world: World) -> None:
    from villageaid.accounts.models import ApiToken, User
    from villageaid.core.tests.permission_matrix import ROLES

    for role in ROLES:
        for relation, key in {**PERSONA_AREAS, **SEAT}.items():
            user = User.objects.create_user(
                username=f"m-{role}-{relation}",
                password=None,
                role=role,
                is_superuser=role == "admin",
                is_staff=role == "admin",
            )
            user.areas.set([world.areas[key]])
            client = Client()
            client.force_login(user)
            world.users[(role, relation)] = user
            world.clients[(role, relation)] = client
            world.tokens[(role, relation)] = ApiToken.issue(user=user)[1]


def _households(world: World) -> None:
    from villageaid.cases.tests.factories import household
    from villageaid.visits.models import HelperAssignment
    from villageaid.visits.tests.factories import campaign_over

    village = world.areas["village"]
    rows = world.rows
    for key, code in (("mine", "M-1"), ("mine_free", "M-2"), ("theirs", "T-1")):
        rows[key] = household(village, f"H-{code}", health="healthy")
    rows["theirs_free"] = household(village, "H-T-2", health="healthy")
    helper = world.users[("helper", "own")]
    for key in ("mine", "mine_free"):
        HelperAssignment.objects.create(
            helper=helper,
            household=rows[key],
            started_on=dt.date(2020, 1, 1),
            area_path=rows[key].area_path,
        )
    rows["campaign_mine"] = campaign_over(village, rows["mine"], rows["mine_free"], name="mine")
    rows["campaign_theirs"] = campaign_over(
        village, rows["theirs"], rows["theirs_free"], name="theirs"
    )
    rows["campaign_theirs"].assessors.clear()


def _cases(world: World) -> None:
    from villageaid.cases.models import (
        Authorisation,
        Case,
        CaseMeasure,
        Notice,
        Objection,
        SelfDeclaration,
    )
    from villageaid.cases.services import case_open
    from villageaid.registry.models import Household
    from villageaid.visits.models import VisitReport

    village, rows = world.areas["village"], world.rows
    for owner in ("mine", "theirs"):
        case = case_open(
            household=rows[owner], actor=None, source="clue", opened_on=dt.date(2020, 4, 8)
        )
        Authorisation.objects.create(case=case, household=rows[owner], signed_on=TODAY)
        rows[f"case_{owner}"] = case
        rows[f"measure_{owner}"] = CaseMeasure.objects.create(
            case=case,
            area_path=case.area_path,
            measure="education",
            department="教育局",
            granted_on=TODAY,
        )
        notice = Notice.objects.create(
            village=village, area_path=village.path, opened_on=dt.date(2020, 3, 1)
        )
        notice.cases.set([case])
        rows[f"notice_{owner}"] = notice
        rows[f"elimination_{owner}"] = Case.objects.create(
            household=rows[owner],
            area_path=case.area_path,
            kind="elimination",
            source="clue",
            status=Case.Status.ELIMINATED,
            procedure=case.procedure,
            opened_on=dt.date(2020, 3, 1),
            deadline=dt.date(2020, 3, 16),
            identification=case,
        )
    # Eliminated, so a rollback puts the household back under monitoring with its risk.
    Household.objects.filter(pk__in=[rows["mine"].pk, rows["theirs"].pk]).update(
        risk_types="illness", monitoring_status="eliminated"
    )
    for owner in ("mine", "theirs"):
        rows[f"objection_{owner}"] = Objection.objects.create(
            notice=rows[f"notice_{owner}"],
            case=rows[f"case_{owner}"],
            text="有异议",
            received_on=dt.date(2020, 3, 2),
        )
        rows[f"report_{owner}"] = VisitReport.objects.create(
            household=rows[f"{owner}_free"],
            description="生病住院",
            area_path=rows[f"{owner}_free"].area_path,
        )
    rows["declaration"] = SelfDeclaration.objects.create(
        village=village, area_path=village.path, name="李四", description="生病", ip_hash="x"
    )


def _clues_and_visits(world: World) -> None:
    from villageaid.screening.tests.samples import clue_for, run_in
    from villageaid.visits.models import Finding
    from villageaid.visits.tests.factories import visit_to

    run = run_in(world.areas["village"])
    rows = world.rows
    rows["run"] = run
    _endings(world, run)
    for owner in ("mine", "theirs"):
        rows[f"clue_{owner}"] = clue_for(rows[f"{owner}_free"], run)
        rows[f"visit_{owner}"] = visit_to(rows[owner])
        rows[f"finding_{owner}"] = Finding.objects.create(
            campaign=rows[f"campaign_{owner}"],
            household=rows[owner],
            kind="suspected",
            description="测试",
            area_path=rows[owner].area_path,
        )


def _endings(world: World, run: Any) -> None:
    """A sampled 核实无风险 ending awaiting the township's check, and a correction awaiting
    its approval, on each household."""
    from villageaid.cases.endings import ClueEnding, Correction
    from villageaid.screening.models import Clue

    rows = world.rows
    for owner in ("mine", "theirs"):
        household = rows[owner]
        clue = Clue.objects.create(
            run=run,
            rule_code="R02",
            kind="risk",
            household=household,
            area_path=household.area_path,
            risk_type="illness",
            severity="high",
            evidence=[],
            fingerprint=f"fp-ending-{owner}",
        )
        rows[f"ending_{owner}"] = ClueEnding.objects.create(
            clue=clue,
            area_path=household.area_path,
            ending="no_risk",
            verified_on=TODAY,
            reason="无风险",
            sampled=True,
        )
        rows[f"correction_{owner}"] = Correction.objects.create(
            household=household,
            area_path=household.area_path,
            field="household_type",
            old_value="tuopin",
            new_value="general",
            reason="录入错误",
            status="requested",
            requested_on=TODAY,
        )


def _others(world: World) -> None:
    """Records of the modules no household-bound role works in, from the apps' samples."""
    from villageaid.epidemic.models import GateAlert
    from villageaid.epidemic.tests.samples import checkpoint_in
    from villageaid.greenhouse.models import Actuator
    from villageaid.greenhouse.tests.factories import house_in, sensor_for
    from villageaid.greenhouse.tests.samples import _alert_in
    from villageaid.registry.tests.samples import _import_in
    from villageaid.sales import services as sales
    from villageaid.sales.tests.factories import lot_in

    village, rows = world.areas["village"], world.rows
    rows["house"] = house_in(village, park_code="m-park", house_code="m1")
    sensor_for(rows["house"], "air_temp", unit="°C")
    rows["actuator"] = Actuator.objects.create(house=rows["house"], kind="vent")
    rows["alert"] = _alert_in(village, "m-alerts")
    rows["lot"] = lot_in(village, jin=100)
    rows["lot2"] = lot_in(village, jin=100)
    rows["session"] = sales.live_session_open(
        lot=rows["lot"], grams_quota=2500, title="直播", actor=None
    )
    rows["group"] = sales.group_create(
        village=village,
        actor=None,
        name="小区",
        leader="团长",
        pickup_point="便利店",
        lat=37.5,
        lon=122.1,
    )
    rows["delivery"] = sales.delivery_run_plan(
        village=village,
        date=dt.date(2020, 4, 16),
        depot=(37.19, 122.05),
        vehicles=1,
        capacity_grams=100_000,
        actor=None,
    )
    rows["checkpoint"] = checkpoint_in(village)
    rows["gate_alert"] = GateAlert.objects.create(
        village=village, area_path=village.path, kind="fever", message="测试"
    )
    rows["import"] = _import_in(village)
    from villageaid.core.models import JobProgress

    rows["job"] = JobProgress.objects.create(kind="test", label="test", area=village)
    from villageaid.registry.models import HouseholdTransfer
    from villageaid.registry.tests.samples import household_in

    # From a village of another township: the neighbouring village has no part in it.
    township = area_create(
        code="371003106000", name="泽头镇", level="township", parent=world.areas["county"]
    )
    elsewhere = area_create(code="371003106201", name="西村", level="village", parent=township)
    rows["movable"] = household_in(elsewhere, "H-TR-N")  # for a new request into 北马村
    rows["transfer"] = HouseholdTransfer.objects.create(
        household=household_in(elsewhere, "H-TR-M"),
        from_village=elsewhere,
        to_village=village,
        reason="婚迁",
    )
    _ = timezone


def _pending(world: World) -> None:
    """Records a page POST acts on: a validated roster awaiting its commit, a park worker
    for the temperature round, masks in stock to hand out, an epidemic case whose status
    changes, and a group order awaiting its pickup (核销)."""
    from villageaid.epidemic import services as epidemic
    from villageaid.registry.models import RosterImport
    from villageaid.sales import services as sales

    village, rows = world.areas["village"], world.rows
    rows["import_ok"] = RosterImport.objects.create(
        filename="ok.csv", village=village, status=RosterImport.Status.VALIDATED
    )
    rows["worker"] = epidemic.worker_register(
        village=village,
        name="孙七",
        local_resident=True,
        no_outside_travel=True,
        no_contact_history=True,
        attestation_signed=True,
        actor=None,
    )
    epidemic.supplies_receive(village=village, item="mask", quantity=100, source="县", actor=None)
    rows["epidemic_case"] = epidemic.case_record(
        village=village, status="suspected", opened_on=TODAY, actor=None
    )
    rows["returnee"] = _returnee_due(village)
    rows["pickup"] = sales.order_place(
        lot=rows["lot"],
        channel="community",
        grams=1000,
        customer=None,
        idempotency_key="m-pickup",
        actor=None,
        group=rows["group"],
    )


def _returnee_due(village: Area) -> Any:
    """A returnee whose observation is over with a check on its last day: released when asked."""
    from villageaid.epidemic import returnees

    arrived = TODAY - dt.timedelta(days=20)
    row = returnees.returnee_register(
        area=village, name="钱八", origin="武汉", arrived_on=arrived, actor=None
    )
    returnees.returnee_check(
        returnee=row, date=row.ends_on - dt.timedelta(days=1), temperature="36.5", actor=None
    )
    return row


def _monitored(world: World) -> None:
    """A household under monitoring long enough, its income twice above the line and its
    guarantees met (its risk may be eliminated), for each owner; the helper's is "mine"."""
    from villageaid.cases.models import Case
    from villageaid.cases.services import case_open
    from villageaid.cases.tests.factories import household, income
    from villageaid.registry.models import Household
    from villageaid.visits.models import HelperAssignment

    village, rows = world.areas["village"], world.rows
    for owner, code in (("mine", "H-M-3"), ("theirs", "H-T-3")):
        home = household(village, code, health="healthy")
        Household.objects.filter(pk=home.pk).update(risk_types="illness")
        for on in (dt.date(2019, 12, 31), dt.date(2020, 3, 31)):
            income(home, on, 60000)
        case = case_open(household=home, actor=None, source="clue", opened_on=dt.date(2019, 1, 10))
        Case.objects.filter(pk=case.pk).update(
            status=Case.Status.MONITORED, decided_on=dt.date(2019, 2, 1)
        )
        rows[f"{owner}_monitored"], rows[f"monitored_{owner}"] = home, case
    HelperAssignment.objects.create(
        helper=world.users[("helper", "own")],
        household=rows["mine_monitored"],
        started_on=dt.date(2020, 1, 1),
        area_path=rows["mine_monitored"].area_path,
    )


def _party(world: World) -> None:
    """A party member of each owner's household with a points claim waiting for approval."""
    from villageaid.visits.models import PartyMember, PointEntry

    rows = world.rows
    for owner in ("mine", "theirs"):
        household = rows[owner]
        member = PartyMember.objects.create(
            name=f"党员{owner}",
            village=household.village,
            household=household,
            birth_date=dt.date(1950, 1, 1),
            area_path=household.area_path,
        )
        rows[f"member_{owner}"] = member
        rows[f"claim_{owner}"] = PointEntry.objects.create(
            member=member, points=5, reason="志愿服务", on=TODAY, area_path=member.area_path
        )


def _areas() -> dict[str, Area]:
    """The tree of the shared ``areas`` fixture (villageaid.testing), and a far village."""
    from villageaid.testing import NEIGHBOUR, TOWNSHIP, VILLAGE

    province = area_create(code="370000000000", name="山东省", level="province", parent=None)
    city = area_create(code="371000000000", name="威海市", level="city", parent=province)
    county = area_create(code="371003000000", name="文登区", level="county", parent=city)
    township = area_create(code=TOWNSHIP, name="宋村镇", level="township", parent=county)
    village = area_create(code=VILLAGE, name="北马村", level="village", parent=township)
    neighbour = area_create(code=NEIGHBOUR, name="南马村", level="village", parent=township)
    grid = area_create(code=VILLAGE + "001", name="第一网格", level="grid", parent=village)
    areas = {"city": city, "county": county, "township": township, "village": village}
    return {**areas, "neighbour": neighbour, "grid": grid}


def build() -> World:
    areas = _areas()
    world = World(areas={**areas, "far": _far(areas)})
    _personas(world)
    _households(world)
    _cases(world)
    _clues_and_visits(world)
    _others(world)
    _pending(world)
    _monitored(world)
    _party(world)
    return world

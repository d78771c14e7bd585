"""Explicit boundary values against every write of the API and the forms (issue 18,
findings 6 and 14): numbers beyond the column (income 1e15, ``1E+999999999``), ids of
2**63, dates of year 9999, deep JSON. Each answers 4xx and stores nothing; the fuzzer
(test_api_fuzz.py) sends the same values among its generated bodies."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from villageaid.accounts.models import ApiToken
from villageaid.core.roles import Role
from villageaid.epidemic.models import EpidemicCase, Passage
from villageaid.epidemic.tests.samples import checkpoint_in
from villageaid.greenhouse.models import Harvest
from villageaid.registry.tests.samples import household_in
from villageaid.sales.models import Order
from villageaid.sales.tests.factories import lot_in
from villageaid.visits.models import Visit

pytestmark = pytest.mark.django_db

BIG_ID = 2**63
FAR = "9999-12-31T23:59:59+08:00"
HUGE = ["1E+999999999", 1e15, "1e15", -1, "NaN"]


def _client(user: Any) -> tuple[Client, dict[str, str]]:
    _, raw = ApiToken.issue(user=user, name="bounds")
    return Client(raise_request_exception=False), {"Authorization": f"Bearer {raw}"}


def _post(user: Any, path: str, body: Any, **headers: str) -> Any:
    client, auth = _client(user)
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(path, data, content_type="application/json", headers={**auth, **headers})


def _refused(response: Any) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])


@pytest.mark.parametrize("quantity", HUGE)
def test_order_quantity_beyond_any_lot_is_refused(
    quantity: Any, areas: Any, make_user: Any
) -> None:
    lot = lot_in(areas["village"], jin=10)
    body = {"lot": lot.pk, "channel": "walk_in", "quantity_jin": quantity}
    _refused(_post(make_user(Role.SALES), "/api/v1/sales/orders", body, **{"Idempotency-Key": "b"}))
    assert not Order.objects.exists()


@pytest.mark.parametrize("field", ["lot", "customer"])
def test_order_ids_of_2_to_the_63_are_refused(field: str, areas: Any, make_user: Any) -> None:
    lot = lot_in(areas["village"], jin=10)
    body = {"lot": lot.pk, "channel": "walk_in", "quantity_jin": "1", field: BIG_ID}
    _refused(_post(make_user(Role.SALES), "/api/v1/sales/orders", body, **{"Idempotency-Key": "i"}))
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"at": FAR},
        {"temperature": "1E+999999999"},
        {"temperature": 1e15},
        {"checkpoint": BIG_ID},
        {"name": "张" * 5000},
    ],
)
def test_passage_boundaries_are_refused(change: dict[str, Any], areas: Any, make_user: Any) -> None:
    checkpoint = checkpoint_in(areas["village"])
    body = {"checkpoint": checkpoint.pk, "party": "villager", "direction": "in"}
    body |= {"temperature": "36.5", **change}
    _refused(_post(make_user(Role.GATE), "/api/v1/epidemic/passages", body))
    assert not Passage.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"visited_at": FAR},
        {"latitude": "1E+999999999"},
        {"longitude": 1e15},
        {"household": BIG_ID},
        {"members_met": [BIG_ID]},
    ],
)
def test_visit_boundaries_are_refused(change: dict[str, Any], areas: Any, make_user: Any) -> None:
    household = household_in(areas["village"], "B-1")
    body = {"household": household.pk, "visited_at": "2026-01-05T10:00:00+08:00", **change}
    _refused(_post(make_user(Role.CADRE), "/api/v1/visits/visits", body))
    assert not Visit.objects.exists()


def test_deep_json_is_refused_not_a_server_error(areas: Any, make_user: Any) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    admin = make_user(Role.ADMIN)
    for path in ("/api/v1/sales/orders", "/api/v1/epidemic/passages", "/api/v1/visits/visits"):
        _refused(_post(admin, path, deep, **{"Idempotency-Key": "d"}))


def test_a_gate_record_of_9999_cannot_escape_the_purge(areas: Any, make_user: Any) -> None:
    """Finding 14: a record dated in the future would never reach its retention cutoff."""
    from villageaid.core.errors import ServiceError
    from villageaid.epidemic import services

    checkpoint = checkpoint_in(areas["village"])
    actor = make_user(Role.GATE)
    with pytest.raises(ServiceError):
        services.passage_record(
            checkpoint=checkpoint,
            party="villager",
            direction="out",
            at=dt.datetime(9999, 12, 31, tzinfo=dt.UTC),
            actor=actor,
        )
    with pytest.raises(ServiceError):
        services.case_record(
            village=areas["village"], status="suspected", opened_on=dt.date(9999, 1, 1), actor=actor
        )
    assert not Passage.objects.exists() and not EpidemicCase.objects.exists()


def test_forms_refuse_income_1e15_and_dates_of_9999(areas: Any) -> None:
    from villageaid.cases.forms import MeasureForm, VerifyForm
    from villageaid.epidemic.forms import CaseForm, HandOutForm
    from villageaid.greenhouse.forms import HarvestForm
    from villageaid.greenhouse.models import House

    verify = VerifyForm(
        {
            "on": "2026-01-05",
            "wage": "1000000000000000",
            "business": "0",
            "property_income": "0",
            "transfer": "0",
            "production_costs": "0",
            "medical_expense": "0",
            "education_expense": "0",
        }
    )
    assert not verify.is_valid() and "wage" in verify.errors
    measure = MeasureForm(
        {
            "measure": "x",
            "department": "d",
            "amount": "1E+999999999",
            "status": "planned",
            "granted_on": "9999-12-31",
        }
    )
    assert not measure.is_valid()
    assert {"amount", "granted_on"} <= set(measure.errors)
    harvest = HarvestForm(
        {"date": "9999-12-31", "grade": "A", "jin": "1e15"}, houses=House.objects.none()
    )
    assert not harvest.is_valid() and {"date", "jin"} <= set(harvest.errors)
    villages = type(areas["village"]).objects.filter(pk=areas["village"].pk)
    case = CaseForm(
        {"village": areas["village"].pk, "status": "suspected", "opened_on": "9999-12-31"},
        villages=villages,
    )
    assert not case.is_valid() and "opened_on" in case.errors
    handout = HandOutForm(
        {"village": areas["village"].pk, "item": "mask", "quantity": str(2**63), "to": "x"},
        villages=villages,
    )
    assert not handout.is_valid() and "quantity" in handout.errors


def test_harvest_service_refuses_a_harvest_of_9999(areas: Any) -> None:
    from villageaid.core.errors import ServiceError
    from villageaid.greenhouse import services
    from villageaid.greenhouse.tests.factories import house_in

    house = house_in(areas["village"])
    for date, grams in ((dt.date(9999, 1, 1), 500), (dt.date(2026, 1, 1), 10**12)):
        with pytest.raises(ServiceError):
            services.harvest_record(house=house, date=date, grams=grams)
    assert not Harvest.objects.exists()


def test_model_validators_carry_the_same_bounds(areas: Any) -> None:
    """Admin and model forms validate with the bounds of core.bounds too."""
    from django import forms
    from django.core.exceptions import ValidationError

    from villageaid.greenhouse.models import Harvest
    from villageaid.greenhouse.tests.factories import house_in
    from villageaid.visits.models import PointRule

    harvest = Harvest(house=house_in(areas["village"]), date=dt.date(9999, 1, 1), grams=10**12)
    with pytest.raises(ValidationError) as caught:
        harvest.full_clean(exclude=["area_path", "grade"])
    assert {"date", "grams"} <= set(caught.value.message_dict)

    class RuleForm(forms.ModelForm):
        class Meta:
            model = PointRule
            fields = ["points"]

    assert not RuleForm({"points": "1000000"}).is_valid()
    assert RuleForm({"points": "5"}).is_valid()


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("net_income_12m", "1E+999999999"),
        ("net_income_12m", "1000000000000000"),
        ("birth_date", "9999-01-01"),
        ("birth_date", "1800-01-01"),
    ],
)
def test_roster_cells_are_bounded_like_forms(column: str, value: str) -> None:
    """Imports are bounded too: a roster cell beyond the column or in the future is refused
    with a reason, not stored (nor a 500 in the import job)."""
    from villageaid.registry.roster.cells import converter
    from villageaid.registry.roster.model import Invalid

    with pytest.raises(Invalid):
        converter(column)(value)

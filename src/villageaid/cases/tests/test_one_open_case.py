"""One open case per household: the database refuses a second, the opening service
checks it inside its transaction, and two concurrent openings give one case."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import IntegrityError, connection, connections, transaction

from villageaid.cases import services
from villageaid.cases.models import Case
from villageaid.cases.tests.factories import household
from villageaid.conftest import require_service
from villageaid.core.errors import Conflict, ServiceError


def _open(home: Any, actor: Any = None) -> Case:
    return services.case_open(household=home, actor=actor, source=Case.Source.CADRE_REPORT)


@pytest.mark.django_db
def test_the_database_refuses_a_second_open_case(areas: Any) -> None:
    home = household(areas["village"], "H-ONE")
    first = _open(home)
    second = Case(
        household=home,
        area_path=home.area_path,
        source=Case.Source.CLUE,
        procedure=first.procedure,
        opened_on=first.opened_on,
        deadline=first.deadline,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


@pytest.mark.django_db
def test_the_service_refuses_a_second_open_case_of_any_kind(areas: Any) -> None:
    home = household(areas["village"], "H-TWO")
    _open(home)
    with pytest.raises(Conflict) as refused:
        services.case_open(household=home, actor=None, source="clue", kind="elimination")
    assert refused.value.code == "case_open_exists"
    assert Case.objects.filter(household=home).count() == 1


@pytest.mark.django_db
def test_a_closed_case_does_not_block_a_new_one(areas: Any) -> None:
    home = household(areas["village"], "H-AGAIN")
    first = _open(home)
    Case.objects.filter(pk=first.pk).update(status=Case.Status.REJECTED)
    assert _open(home).pk != first.pk


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_openings_give_one_case(areas: Any) -> None:
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "two sessions racing need a real server")
    home = household(areas["village"], "H-RACE")
    services.procedure_for("")  # the default procedure exists before the race
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def opener() -> None:
        start.wait()
        try:
            _open(home)
            outcomes.append("opened")
        except ServiceError as exc:
            outcomes.append(exc.code)
        except Exception as exc:  # reported in the assertion below
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=opener) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["case_open_exists", "opened"]
    assert Case.objects.filter(household=home, status=Case.Status.OPEN).count() == 1


@pytest.mark.django_db
def test_a_relapse_links_to_the_eliminated_case(areas: Any) -> None:
    home = household(areas["village"], "H-RELAPSE")
    first = _open(home)
    Case.objects.filter(pk=first.pk).update(
        status=Case.Status.MONITORED, decided_on=dt.date(2020, 1, 1)
    )
    elimination = services.case_open(
        household=home, actor=None, source="clue", kind="elimination", identification=first
    )
    Case.objects.filter(pk=elimination.pk).update(
        status=Case.Status.ELIMINATED, closed_on=dt.date(2020, 9, 1)
    )
    again = _open(home)
    assert again.relapse_of == first
    assert list(first.relapses.all()) == [again]


@pytest.mark.django_db
def test_a_relapse_is_shown_in_the_history_and_counted(areas: Any, cadre: Any) -> None:
    from villageaid.reports import figures
    from villageaid.testing import client_for

    home = household(areas["village"], "H-RELAPSE-2")
    first = _open(home)
    Case.objects.filter(pk=first.pk).update(status=Case.Status.MONITORED)
    elimination = services.case_open(
        household=home, actor=None, source="clue", kind="elimination", identification=first
    )
    Case.objects.filter(pk=elimination.pk).update(status=Case.Status.ELIMINATED)
    again = _open(home)
    page = client_for(cadre).get(f"/cases/{again.pk}/").content.decode()
    assert "返贫/再次致贫" in page and f"/cases/{first.pk}/" in page
    old_page = client_for(cadre).get(f"/cases/{first.pk}/").content.decode()
    assert f"/cases/{again.pk}/" in old_page
    day = again.opened_on
    assert figures.by_key()["cases_relapsed"].compute(areas["township"].path, day, day) == 1


@pytest.mark.django_db
def test_a_monitored_household_gets_no_new_identification(areas: Any) -> None:
    home = household(areas["village"], "H-MON")
    type(home).objects.filter(pk=home.pk).update(
        monitoring_status="monitored", risk_types="illness"
    )
    with pytest.raises(Conflict) as refused:
        _open(home)
    assert refused.value.code == "household_monitored"
    assert not Case.objects.filter(household=home).exists()

"""The declaration rate limit holds under parallel requests (issue 18, finding 11): 30
requests from one client at once, three accepted."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from villageaid.cases import services
from villageaid.cases.models import SelfDeclaration
from villageaid.conftest import require_service
from villageaid.core.errors import ServiceError

PARALLEL = 30


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_thirty_parallel_declarations_from_one_client_give_three(areas: Any) -> None:
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "parallel sessions need a real server")
    village = areas["village"]
    outcomes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(PARALLEL)

    def submit(n: int) -> None:
        start.wait()
        try:
            services.declaration_submit(
                village=village, ip="10.0.0.9", name=f"申报人{n}", description="生病住院"
            )
            result = "accepted"
        except ServiceError as exc:
            result = exc.code
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes.count("accepted") == 3, outcomes
    assert outcomes.count("rate_limited") == PARALLEL - 3
    assert SelfDeclaration.objects.count() == 3


@pytest.mark.django_db
def test_another_client_is_not_limited_by_the_first(areas: Any) -> None:
    for n in range(3):
        services.declaration_submit(
            village=areas["village"], ip="10.0.0.10", name=f"甲{n}", description="困难"
        )
    with pytest.raises(ServiceError):
        services.declaration_submit(
            village=areas["village"], ip="10.0.0.10", name="甲", description="困难"
        )
    services.declaration_submit(
        village=areas["village"], ip="10.0.0.11", name="乙", description="困难"
    )
    assert SelfDeclaration.objects.count() == 4

"""The public self-declaration form: honeypot, minimum fill time, rate limit; the cadre converts."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core import signing
from django.test import Client

from villageaid.cases.models import Case, SelfDeclaration
from villageaid.cases.tests.factories import household
from villageaid.conftest import client_for

URL = "/cases/declare/371003105201/"


def token(age: float) -> str:
    return signing.dumps({"t": time.time() - age}, salt="cases.declare")


def post(client: Client, age: float = 10, **extra: str) -> Any:
    data = {"name": "王建国", "description": "户主因疫情不能外出务工", "token": token(age)}
    return client.post(URL, {**data, **extra}, REMOTE_ADDR="10.0.0.7")


@pytest.mark.django_db
def test_form_opens_without_login_and_shows_its_url(areas: Any) -> None:
    response = Client().get(URL)
    assert response.status_code == 200
    assert "/cases/declare/371003105201/" in response.content.decode()


@pytest.mark.django_db
def test_honeypot_and_fast_fill_are_refused(areas: Any) -> None:
    client = Client()
    post(client, website="http://spam")
    post(client, age=1)
    post(client, token="forged")
    assert SelfDeclaration.objects.count() == 0
    post(client)
    assert SelfDeclaration.objects.count() == 1


@pytest.mark.django_db
def test_three_per_hour_per_client(areas: Any) -> None:
    client = Client()
    statuses = [post(client).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert SelfDeclaration.objects.count() == 3
    assert SelfDeclaration.objects.first().ip_hash != "10.0.0.7"  # type: ignore[union-attr]


@pytest.mark.django_db
def test_cadre_converts_a_declaration_into_a_case(areas: Any, cadre: Any) -> None:
    home = household(areas["village"], "H-DECL")
    post(Client())
    row = SelfDeclaration.objects.get()
    response = client_for(cadre).post(
        f"/cases/declarations/{row.pk}/", {"household_code": home.code}
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.source, case.household, case.declaration) == ("self_declaration", home, row)
    row.refresh_from_db()
    assert row.status == "converted"
